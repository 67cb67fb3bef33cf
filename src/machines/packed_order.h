// packed_order.h: an order as Order keeps it between events. Private.
//
// OrderData, the public struct, holds thirteen std::strings and a vector of
// lines: 584 bytes, most of it empty strings (32 bytes each), and a heap
// block for each text over 15 bytes (an address's detail, a product). A
// shop keeps every order it has seen, so Order keeps this record instead:
// OrderData's other fields as they are, its id, and its texts and lines
// packed in one heap block (none when all are empty). The texts a shop has
// few of (place names, courier, products) are held in the block as their
// numbers in a dictionary kept once per process, once two orders had them
// (packed_order.cc).
//
// The order machine works on the record itself: its fields in place, and
// its texts and lines expanded (ExpandTexts, into a buffer kept per
// thread, whose strings keep their room) only when a guard or an action
// reads them, packed back (PackTexts) only when one changed them. Most
// events do neither. Expand and Pack convert the whole record, for
// Order::data(), snapshots and restores.
//
// Thread safety: as a value (PackTexts writes in a buffer of the calling
// thread's).
#ifndef KEFU_MACHINES_PACKED_ORDER_H_
#define KEFU_MACHINES_PACKED_ORDER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/entity_key.h"
#include "core/optional_time.h"
#include "kefu/machines/order.h"

namespace kefu::internal {

// A malloc'd block of bytes that knows its size: a uint32_t size, then
// the bytes. Empty: no block.
class PackedBytes {
 public:
  PackedBytes() = default;
  explicit PackedBytes(std::string_view bytes);
  PackedBytes(const PackedBytes& other) : PackedBytes(other.view()) {}
  PackedBytes& operator=(const PackedBytes& other) {
    if (this != &other) *this = PackedBytes(other);
    return *this;
  }
  PackedBytes(PackedBytes&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  PackedBytes& operator=(PackedBytes&& other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~PackedBytes();

  std::string_view view() const;
  bool empty() const { return block_ == nullptr; }

 private:
  char* block_ = nullptr;
};

class PackedOrder {
 public:
  PackedOrder() = default;
  explicit PackedOrder(const OrderData& d) { Pack(d); }

  // Every field of `*out` set from the record (its strings assigned, so
  // that they keep their room).
  void Expand(OrderData* out) const;
  OrderData Expanded() const {
    OrderData d;
    Expand(&d);
    return d;
  }
  // Only the id, texts and lines of `*out` set (the rest left as it is):
  // what the machine reads of them, when it reads them.
  void ExpandTexts(OrderData* out) const;
  // The record made from `d`. Throws std::bad_alloc (the record
  // unchanged) when memory cannot be had.
  void Pack(const OrderData& d);
  // Only the texts and lines taken from `d`; the block is replaced only
  // when the bytes written for them differ from its own (the same texts
  // may be written anew once one of them is numbered in the process's
  // dictionary). Throws std::bad_alloc (the record
  // unchanged) when memory cannot be had, std::length_error past 4 GiB.
  void PackTexts(const OrderData& d);

  // Bytes of the texts' block (0: none).
  size_t packed_bytes() const {
    return texts_.empty() ? 0 : sizeof(uint32_t) + texts_.view().size();
  }

  // OrderData's fields kept as they are, under the same names (the
  // machine's guards and actions read and write them in place).
  EntityKey id;  // up to 23 bytes in place (an order number is 16 and more)
  Timestamp placed_at = absl::InfinitePast();
  OptionalTime paid_at;  // std::optional<Timestamp> in 16 bytes
  OptionalTime shipped_at;
  Money postage;
  Money refunded;
  Money compensation;
  int invoices = 0;
  VerificationSet checked = 0;
  Channel channel = Channel::kTaobao;
  PaymentMethod payment = PaymentMethod::kPlatform;
  ExceptionKind exception = ExceptionKind::kNone;
  OosFlag oos_flag = OosFlag::kNone;
  bool payment_made = false;
  bool finance_confirmed = false;
  bool courier_checked = false;
  bool duplicate_cleared = false;
  bool other_style_offered = false;
  bool complaint_risk = false;

 private:
  // The texts and lines as packed_order.cc's WriteTexts writes them; none
  // when all are empty.
  PackedBytes texts_;
};

}  // namespace kefu::internal

#endif  // KEFU_MACHINES_PACKED_ORDER_H_
