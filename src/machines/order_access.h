// order_access.h: the library's own access to an order's packed record
// (Order is the public face; see packed_order.h). Private.
#ifndef KEFU_MACHINES_ORDER_ACCESS_H_
#define KEFU_MACHINES_ORDER_ACCESS_H_

#include <cstddef>

#include "kefu/machines/order.h"
#include "machines/packed_order.h"

namespace kefu::internal {

struct OrderAccess {
  // The order's record, as it keeps it between events.
  static const PackedOrder& Record(const Order& order);
  // Where the order's state lies and its size: what the shop prefetches
  // before the order's machine reads it.
  static const void* Address(const Order& order) { return order.impl_.get(); }
  static size_t Size();
};

}  // namespace kefu::internal

#endif  // KEFU_MACHINES_ORDER_ACCESS_H_
