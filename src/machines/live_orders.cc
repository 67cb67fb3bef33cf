// The index of live orders consulted by ORD-DUP-SHIP.
#include "kefu/machines/live_orders.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"

namespace kefu {

std::string ItemsKey(const std::vector<OrderLine>& lines) {
  std::string key;
  AppendItemsKey(lines, &key);
  return key;
}

void AppendItemsKey(const std::vector<OrderLine>& lines, std::string* out) {
  // Each line's "product×quantity" written after `out`'s end, where it is
  // (offset and size from `base`); then, sorted, each with its newline
  // after them, and the unsorted ones dropped.
  const size_t base = out->size();
  absl::InlinedVector<std::pair<size_t, size_t>, 8> items;
  for (const OrderLine& l : lines) {
    if (l.cancelled) continue;
    const size_t at = out->size();
    absl::StrAppend(out, l.product, "\xC3\x97", l.quantity);  // ×
    items.emplace_back(at - base, out->size() - at);
  }
  if (items.size() <= 1) {
    if (!items.empty()) out->push_back('\n');
    return;
  }
  const size_t written = out->size() - base;
  out->reserve(base + 2 * written + items.size());
  auto text = [out, base](const std::pair<size_t, size_t>& item) {
    return std::string_view(*out).substr(base + item.first, item.second);
  };
  std::sort(items.begin(), items.end(),
            [&text](const auto& a, const auto& b) { return text(a) < text(b); });
  for (const auto& item : items) {
    out->append(*out, base + item.first, item.second);
    out->push_back('\n');
  }
  out->erase(base, written);
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
