#include "machines/packed_order.h"

#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "core/codec.h"
#include "core/hot_text.h"
#include "core/part_dictionary.h"

namespace kefu::internal {
namespace {

// A field added to OrderData must be added to the record, Expand and Pack
// (and the texts below when it is a string): this fails to compile first.
static_assert(sizeof(OrderData) == 584 || sizeof(void*) != 8,
              "OrderData changed: update PackedOrder");

// The texts, in the order they are packed.
constexpr std::string OrderData::*kTexts[] = {
    &OrderData::courier,      &OrderData::notes,
    &OrderData::duplicate_of, &OrderData::hold_reason,
    &OrderData::out_of_stock_product, &OrderData::tracking_number,
};
constexpr std::string Buyer::*kBuyerTexts[] = {&Buyer::im_name, &Buyer::phone};
constexpr std::string Address::*kAddressTexts[] = {&Address::province, &Address::city,
                                                   &Address::district, &Address::detail};

// Texts a shop has a few of, which most orders repeat: the place names, the
// courier, a hold's reason, the products (the lines' and an out-of-stock
// one). Each is offered to the process's dictionary of them and, once two
// orders had it, kept there and held as its number: a province, city,
// district, courier and product take 2 bytes each instead of 6 to 20. The
// order's own texts (the buyer's name and phone, the street address, notes,
// tracking number) stay in the block.
using SharedTexts = PartDictionary<struct OrderTextsTag>;
constexpr bool kSharedText[] = {
    false, false,               // im_name, phone
    true,  true,  true, false,  // province, city, district, detail
    true,  false, false, true,  // courier, notes, duplicate_of, hold_reason
    true,  false,               // out_of_stock_product, tracking_number
};
static_assert(std::size(kSharedText) ==
              std::size(kBuyerTexts) + std::size(kAddressTexts) + std::size(kTexts));

// Calls f(text, shared) for each of `d`'s texts (not the lines' products),
// in the order they are packed; `shared`: whether it is one kSharedText
// offers to the dictionary.
template <class F>
void ForEachText(const OrderData& d, F&& f) {
  size_t i = 0;
  for (auto text : kBuyerTexts) f(d.buyer.*text, kSharedText[i++]);
  for (auto text : kAddressTexts) f(d.address.*text, kSharedText[i++]);
  for (auto text : kTexts) f(d.*text, kSharedText[i++]);
}

constexpr size_t kMaxVarintBytes = 10;

// Each text in the block: varint (size << 1) and its bytes, or varint
// (number << 1 | 1), its number in SharedTexts.
char* PutText(char* p, const std::string& s, bool shared) {
  if (shared && !s.empty() && s.size() <= SharedTexts::kMaxShared) {
    if (const uint32_t n = SharedTexts::Get().NumberOf(s); n != SharedTexts::kNone) {
      return PutVarint(p, uint64_t{n} << 1 | 1);
    }
  }
  p = PutVarint(p, uint64_t{s.size()} << 1);
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
// The text at `p`, which is advanced past it.
std::string_view ReadText(const char*& p) {
  const uint64_t v = ReadVarint(p);
  if ((v & 1) != 0) return SharedTexts::Get().Bytes(static_cast<uint32_t>(v >> 1));
  const std::string_view s(p, v >> 1);
  p += v >> 1;
  return s;
}

// The block's bytes for `d`'s texts and lines: each text as PutText writes
// it, the lines' count, then each line's product (a text), quantity and
// price (zigzag varints) and whether it is cancelled (a byte). Written in
// place into room for the longest form, then cut to what was written: the
// block is written each time an order's texts change.
void WriteTexts(const OrderData& d, std::string* out) {
  size_t most = kMaxVarintBytes;
  ForEachText(d, [&most](const std::string& s, bool) { most += kMaxVarintBytes + s.size(); });
  for (const OrderLine& l : d.lines) most += 4 * kMaxVarintBytes + l.product.size();
  out->resize(most);
  char* p = out->data();
  ForEachText(d, [&p](const std::string& s, bool shared) { p = PutText(p, s, shared); });
  p = PutVarint(p, d.lines.size());
  for (const OrderLine& l : d.lines) {
    p = PutText(p, l.product, true);
    p = PutVarint(p, ZigZag(l.quantity));
    p = PutVarint(p, ZigZag(l.unit_price.fen()));
    *p++ = l.cancelled ? 1 : 0;
  }
  assert(p <= out->data() + out->size());
  out->resize(static_cast<size_t>(p - out->data()));
}
// What WriteTexts writes when every text is empty and there is no line.
constexpr size_t kEmptyTexts = std::size(kBuyerTexts) + std::size(kAddressTexts) +
                               std::size(kTexts) + 1;

}  // namespace

PackedBytes::PackedBytes(std::string_view bytes) {
  if (bytes.empty()) return;
  if (bytes.size() > UINT32_MAX) throw std::length_error("packed bytes over 4 GiB");
  void* memory = std::malloc(sizeof(uint32_t) + bytes.size());
  if (memory == nullptr) throw std::bad_alloc();
  block_ = static_cast<char*>(memory);
  const auto size = static_cast<uint32_t>(bytes.size());
  std::memcpy(block_, &size, sizeof size);
  std::memcpy(block_ + sizeof size, bytes.data(), bytes.size());
}

PackedBytes::~PackedBytes() { std::free(block_); }

std::string_view PackedBytes::view() const {
  if (block_ == nullptr) return {};
  uint32_t size = 0;
  std::memcpy(&size, block_, sizeof size);
  return std::string_view(block_ + sizeof size, size);
}

void PackedOrder::Expand(OrderData* out) const {
  OrderData& d = *out;
  d.id.assign(id.view());
  d.placed_at = placed_at;
  d.paid_at = paid_at.get();
  d.shipped_at = shipped_at.get();
  d.postage = postage;
  d.refunded = refunded;
  d.compensation = compensation;
  d.invoices = invoices;
  d.checked = checked;
  d.channel = channel;
  d.payment = payment;
  d.exception = exception;
  d.oos_flag = oos_flag;
  d.payment_made = payment_made;
  d.finance_confirmed = finance_confirmed;
  d.courier_checked = courier_checked;
  d.duplicate_cleared = duplicate_cleared;
  d.other_style_offered = other_style_offered;
  d.complaint_risk = complaint_risk;
  ExpandTexts(out);
}

void PackedOrder::ExpandTexts(OrderData* out) const {
  OrderData& d = *out;
  d.id.assign(id.view());
  if (texts_.empty()) {
    for (auto text : kBuyerTexts) (d.buyer.*text).clear();
    for (auto text : kAddressTexts) (d.address.*text).clear();
    for (auto text : kTexts) (d.*text).clear();
    d.lines.clear();
    return;
  }
  // Written by WriteTexts, read back in its order (no checks on bytes this
  // process made itself).
  const char* p = texts_.view().data();
  // Most texts are empty, or short, or as long as the last order's: see
  // AssignText.
  auto read = [&p](std::string& s) { AssignText(&s, ReadText(p)); };
  for (auto text : kBuyerTexts) read(d.buyer.*text);
  for (auto text : kAddressTexts) read(d.address.*text);
  for (auto text : kTexts) read(d.*text);
  d.lines.resize(ReadVarint(p));
  for (OrderLine& l : d.lines) {
    read(l.product);
    l.quantity = static_cast<int32_t>(UnZigZag(ReadVarint(p)));
    l.unit_price = Money::Fen(UnZigZag(ReadVarint(p)));
    l.cancelled = *p++ != 0;
  }
  assert(p == texts_.view().data() + texts_.view().size());
}

void PackedOrder::PackTexts(const OrderData& d) {
  // Written, then compared with the block: the block is kept when the
  // bytes are the same. (Comparing the texts first, in place, cost a third
  // of a write and found them changed on every call in a sample week: the
  // machine packs only after an event changed them.) The same texts may
  // be written anew when one has since been numbered in SharedTexts.
  thread_local std::string bytes;
  bytes.clear();
  WriteTexts(d, &bytes);
  const bool empty = bytes.size() == kEmptyTexts &&
                     bytes.find_first_not_of('\0') == std::string::npos;
  if (empty) bytes.clear();
  if (SameText(texts_.view(), bytes)) return;
  texts_ = PackedBytes(bytes);
}

void PackedOrder::Pack(const OrderData& d) {
  // What may throw first (nothing changed then), the record changed after.
  std::optional<EntityKey> new_id;
  if (id.view() != d.id) new_id.emplace(d.id);
  PackTexts(d);
  if (new_id) id = std::move(*new_id);
  placed_at = d.placed_at;
  paid_at = d.paid_at;
  shipped_at = d.shipped_at;
  postage = d.postage;
  refunded = d.refunded;
  compensation = d.compensation;
  invoices = d.invoices;
  checked = d.checked;
  channel = d.channel;
  payment = d.payment;
  exception = d.exception;
  oos_flag = d.oos_flag;
  payment_made = d.payment_made;
  finance_confirmed = d.finance_confirmed;
  courier_checked = d.courier_checked;
  duplicate_cleared = d.duplicate_cleared;
  other_style_offered = d.other_style_offered;
  complaint_risk = d.complaint_risk;
}

}  // namespace kefu::internal
