// The index of live orders consulted by ORD-DUP-SHIP.
#include "kefu/machines/live_orders.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace kefu {

std::string ItemsKey(const std::vector<OrderLine>& lines) {
  std::vector<std::string> items;
  for (const OrderLine& l : lines) {
    if (!l.cancelled) items.push_back(absl::StrCat(l.product, "\xC3\x97", l.quantity));  // ×
  }
  std::sort(items.begin(), items.end());
  std::string key;
  for (const std::string& item : items) absl::StrAppend(&key, item, "\n");
  return key;
}

bool SameBuyer(const Buyer& a, const Buyer& b) {
  return (!a.im_name.empty() && a.im_name == b.im_name) ||
         (!a.phone.empty() && a.phone == b.phone);
}

LiveOrders::~LiveOrders() = default;

void InMemoryLiveOrders::Update(const Order& order) {
  if (!order.live()) {
    Remove(order.id());
    return;
  }
  const OrderData& d = order.data();
  orders_[d.id] = LiveOrder{d.id, d.buyer, ItemsKey(d.lines), d.address.Full()};
}

void InMemoryLiveOrders::Remove(std::string_view order_id) {
  const auto it = orders_.find(order_id);
  if (it != orders_.end()) orders_.erase(it);
}

void InMemoryLiveOrders::ForEachLiveOrder(const Buyer& buyer,
                                          absl::FunctionRef<void(const LiveOrder&)> fn) const {
  for (const auto& [id, o] : orders_) {
    if (SameBuyer(o.buyer, buyer)) fn(o);
  }
}

}  // namespace kefu
