// kefu/machines/live_orders.h: the live orders of every buyer, which
// ORD-DUP-SHIP consults to spot a second order of the same items going to
// an almost identical address.
//
// The order machine only reads the index (OrderEnvironment::live_orders).
// Keeping it current is the host's job (the engine's, later): after each
// Apply, call Update() with the order. InMemoryLiveOrders is a simple
// implementation for tests and small hosts.
//
// Thread safety: implementations must allow concurrent ForEachLiveOrder
// calls. InMemoryLiveOrders is not synchronized: Update/Remove must not
// race with reads.
#ifndef KEFU_MACHINES_LIVE_ORDERS_H_
#define KEFU_MACHINES_LIVE_ORDERS_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "kefu/core/export.h"
#include "kefu/machines/order.h"
#include "kefu/policies/order_terms.h"

namespace kefu {

// What the duplicate check needs to know of a live order.
struct LiveOrder {
  std::string order_id;
  Buyer buyer;
  std::string items;    // ItemsKey() of its lines
  std::string address;  // Address::Full()
};

// A canonical text of the lines not cancelled: "product×quantity" sorted,
// so that two orders of the same items have the same key whatever the line
// order.
KEFU_EXPORT std::string ItemsKey(const std::vector<OrderLine>& lines);
// Appends ItemsKey(lines) to `*out`, with no string for each line.
KEFU_EXPORT void AppendItemsKey(const std::vector<OrderLine>& lines, std::string* out);

// Same buyer: the same non-empty IM name, or the same non-empty phone.
KEFU_EXPORT bool SameBuyer(const Buyer& a, const Buyer& b);

class KEFU_EXPORT LiveOrders {
 public:
  virtual ~LiveOrders();
  // Calls `fn` for every live order of `buyer` (SameBuyer), in any order.
  virtual void ForEachLiveOrder(const Buyer& buyer,
                                absl::FunctionRef<void(const LiveOrder&)> fn) const = 0;
};

class KEFU_EXPORT InMemoryLiveOrders final : public LiveOrders {
 public:
  // Records `order` when it is live, forgets it otherwise.
  void Update(const Order& order);
  void Remove(std::string_view order_id);
  size_t size() const { return orders_.size(); }

  void ForEachLiveOrder(const Buyer& buyer,
                        absl::FunctionRef<void(const LiveOrder&)> fn) const override;

 private:
  std::map<std::string, LiveOrder, std::less<>> orders_;  // by id: deterministic order
};

}  // namespace kefu

#endif  // KEFU_MACHINES_LIVE_ORDERS_H_
