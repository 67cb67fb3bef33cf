// An order's packed record (src/machines/packed_order.h): every field of
// OrderData comes back as it went in, empty texts take no block, a record
// expanded over another order's data leaves nothing of it, the texts come
// and go alone, texts orders repeat are held as numbers, and an Order hands
// out copies of its data.
#include "machines/packed_order.h"

#include <string>
#include <utility>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "kefu/machines/order.h"

namespace kefu::internal {
namespace {

// Every field set, none to its default; texts short, long and not UTF-8.
OrderData Full() {
  OrderData d;
  d.id = "TB20261102005990";
  d.channel = Channel::kTmall;
  d.buyer = Buyer{"买家小王", "13800138000"};
  d.lines = {OrderLine{"连衣裙 红色 XL 二〇二六秋季新款长袖", 2, Money::Fen(12900), false},
             OrderLine{"", -3, Money::Fen(-5), true},
             OrderLine{std::string("a\0b\xff", 4), 0, Money::Fen(INT64_MAX), false}};
  d.postage = Money::Fen(800);
  d.payment = PaymentMethod::kCashOnDelivery;
  d.payment_made = true;
  d.finance_confirmed = true;
  d.address = Address{"浙江省", "杭州市", "西湖区", std::string(300, 'x')};
  d.courier = "顺丰";
  d.courier_checked = true;
  d.notes = "n";
  d.exception = ExceptionKind::kPostageSupplement;
  d.placed_at = absl::FromUnixSeconds(1790000000);
  d.paid_at = absl::FromUnixMicros(1790000001000001);
  d.checked = 0x2a;
  d.duplicate_cleared = true;
  d.duplicate_of = "TB20261102005991";
  d.hold_reason = "hold";
  d.out_of_stock_product = "SKU-1";
  d.oos_flag = OosFlag::kUnreachable;
  d.other_style_offered = true;
  d.complaint_risk = true;
  d.refunded = Money::Fen(1);
  d.compensation = Money::Fen(INT64_MIN);
  d.shipped_at = absl::InfiniteFuture();
  d.tracking_number = "SF1234567890123";
  d.invoices = 7;
  return d;
}

TEST(PackedOrder, GivesBackEveryField) {
  const OrderData d = Full();
  const PackedOrder packed(d);
  EXPECT_EQ(packed.Expanded(), d);
  EXPECT_GT(packed.packed_bytes(), 300u);
  // Each field on its own: a field the record dropped would differ here.
  OrderData one;
  one.id = "x";
  for (int field = 0; field < 4; ++field) {
    OrderData changed = one;
    if (field == 0) changed.buyer.phone = "1";
    if (field == 1) changed.address.detail = "d";
    if (field == 2) changed.lines.push_back(OrderLine{"p", 1, Money::Fen(1), true});
    if (field == 3) changed.tracking_number = "t";
    EXPECT_EQ(PackedOrder(changed).Expanded(), changed) << field;
    EXPECT_NE(PackedOrder(changed).Expanded(), one) << field;
  }
}

TEST(PackedOrder, EmptyTextsTakeNoBlock) {
  OrderData d;
  d.id = "TB1";
  d.invoices = 3;
  const PackedOrder packed(d);
  EXPECT_EQ(packed.packed_bytes(), 0u);
  EXPECT_EQ(packed.Expanded(), d);
  // Texts emptied again give their block back.
  PackedOrder p(Full());
  EXPECT_GT(p.packed_bytes(), 0u);
  p.Pack(d);
  EXPECT_EQ(p.packed_bytes(), 0u);
  EXPECT_EQ(p.Expanded(), d);
}

TEST(PackedOrder, ExpandOverAnotherOrderLeavesNothingOfIt) {
  OrderData d;
  d.id = "TB2";
  d.lines = {OrderLine{"only", 1, Money::Fen(2), false}};
  OrderData buffer = Full();
  PackedOrder(d).Expand(&buffer);
  EXPECT_EQ(buffer, d);
  OrderData bare;
  bare.id = "TB3";
  buffer = Full();
  PackedOrder(bare).Expand(&buffer);
  EXPECT_EQ(buffer, bare);
}

TEST(PackedOrder, PackFollowsChangesAndKeepsTheRest) {
  OrderData d = Full();
  PackedOrder p(d);
  d.courier = "中通快递";
  d.lines[1].cancelled = false;
  d.refunded = Money::Fen(99);
  p.Pack(d);
  EXPECT_EQ(p.Expanded(), d);
  const size_t bytes = p.packed_bytes();
  p.Pack(d);  // the same again: the place names and products seen twice
  // now are numbered in the process's dictionary, and written so
  EXPECT_LE(p.packed_bytes(), bytes);
  EXPECT_EQ(p.Expanded(), d);
  const size_t numbered = p.packed_bytes();
  p.Pack(d);  // and again: the same bytes, the block kept
  EXPECT_EQ(p.packed_bytes(), numbered);
  EXPECT_EQ(p.Expanded(), d);
}

TEST(PackedOrder, TextsAloneComeAndGoWithoutTheOtherFields) {
  PackedOrder p(Full());
  OrderData buffer;  // its other fields are left as they are
  buffer.invoices = 99;
  p.ExpandTexts(&buffer);
  EXPECT_EQ(buffer.id, Full().id);
  EXPECT_EQ(buffer.address.detail, Full().address.detail);
  EXPECT_EQ(buffer.lines.size(), 3u);
  EXPECT_EQ(buffer.invoices, 99);
  // Texts changed in the buffer go back alone: the record's own fields
  // (7 invoices) stay.
  buffer.tracking_number = "YT0000";
  buffer.lines.pop_back();
  p.PackTexts(buffer);
  OrderData want = Full();
  want.tracking_number = "YT0000";
  want.lines.pop_back();
  EXPECT_EQ(p.Expanded(), want);
  // A record without texts expands over a full buffer's.
  OrderData bare;
  bare.id = "TB4";
  buffer = Full();
  PackedOrder(bare).ExpandTexts(&buffer);
  EXPECT_TRUE(buffer.courier.empty());
  EXPECT_TRUE(buffer.lines.empty());
  EXPECT_EQ(buffer.id, "TB4");
}

// Place names, the courier and products that two orders had are held as
// numbers in the process's dictionary of them: the second order's block is
// smaller by about their bytes, and both give back every text. The buyer's
// name and phone and the street address are the order's own: they stay in
// the block however many orders repeat them.
TEST(PackedOrder, TextsOrdersRepeatAreHeldAsNumbers) {
  OrderData first;
  first.id = "TB-share-1";
  first.buyer = Buyer{"这个测试独有的买家名字", "13800000042"};
  first.address = Address{"测试省（仅此测试）", "测试市（仅此测试）", "测试区（仅此测试）",
                          "测试路（仅此测试）1号"};
  first.courier = "测试快递（仅此测试）";
  first.hold_reason = "测试暂停原因（仅此测试）";
  first.lines = {OrderLine{"测试商品（仅此测试）", 1, Money::Fen(100), false}};
  const PackedOrder alone(first);
  EXPECT_EQ(alone.Expanded(), first);
  OrderData second = first;
  second.id = "TB-share-2";
  const PackedOrder shared(second);
  EXPECT_EQ(shared.Expanded(), second);
  const size_t shared_bytes = first.address.province.size() + first.address.city.size() +
                              first.address.district.size() + first.courier.size() +
                              first.hold_reason.size() + first.lines[0].product.size();
  // Six texts of 21 to 36 bytes, each now a number of at most 3 bytes.
  EXPECT_LE(shared.packed_bytes() + shared_bytes - 6 * 3, alone.packed_bytes());
  EXPECT_EQ(alone.Expanded(), first);  // the first keeps its own copies

  OrderData own;
  own.id = "TB-share-3";
  own.buyer = first.buyer;
  own.address.detail = first.address.detail;
  const size_t own_bytes = own.buyer.im_name.size() + own.buyer.phone.size() +
                           own.address.detail.size();
  for (int i = 0; i < 3; ++i) {
    const PackedOrder p(own);
    EXPECT_GE(p.packed_bytes(), own_bytes);
    EXPECT_EQ(p.Expanded(), own);
  }
}

// The id lies in the record up to 23 bytes and in a block of its own past
// them; either way it comes back, and Pack changes it.
TEST(PackedOrder, IdsShortAndLongComeBack) {
  for (const std::string& id : {std::string(), std::string("TB20261102005990"),
                                std::string(23, '7'), std::string(24, '8'),
                                std::string("淘宝订单号：二〇二六年十一月二日第五九九〇号")}) {
    OrderData d = Full();
    d.id = id;
    PackedOrder p(d);
    EXPECT_EQ(p.Expanded(), d);
    PackedOrder copy(p);
    d.id = id + "-2";
    p.Pack(d);
    EXPECT_EQ(p.Expanded(), d);
    EXPECT_EQ(copy.Expanded().id, id);
    const Order order(id);
    EXPECT_EQ(order.id(), id);
  }
}

TEST(PackedOrder, CopiesAndMoves) {
  const PackedOrder a(Full());
  PackedOrder b(a);
  EXPECT_EQ(b.Expanded(), Full());
  PackedOrder c;
  c = b;
  EXPECT_EQ(c.Expanded(), Full());
  PackedOrder d(std::move(b));
  EXPECT_EQ(d.Expanded(), Full());
  PackedOrder e;
  e = std::move(c);
  EXPECT_EQ(e.Expanded(), Full());
  e = e;  // NOLINT: self-assignment keeps the record
  EXPECT_EQ(e.Expanded(), Full());
  EXPECT_EQ(a.Expanded(), Full());
}

TEST(PackedOrder, AnOrderHandsOutCopiesOfItsData) {
  OrderSnapshot s;
  s.format_version = Order::kSnapshotFormat;
  s.state = "in_check";
  s.data = Full();
  absl::StatusOr<Order> order = Order::Restore(s);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(order->data(), Full());
  EXPECT_EQ(order->id(), Full().id);
  OrderData buffer;
  buffer.notes = "left over";
  order->CopyDataTo(&buffer);
  EXPECT_EQ(buffer, Full());
  EXPECT_EQ(order->Snapshot().data, Full());
  const Order copy = *order;
  EXPECT_EQ(copy.data(), Full());

  // A copy does not follow later events; the order does. An event refused
  // as malformed changes no text.
  const OrderData before = order->data();
  const Timestamp at = absl::FromUnixSeconds(1790000100);
  ASSERT_TRUE(order->Apply(HoldPlaced{EventMeta{"hold-1", at, "小王"}, "wait"}).ok());
  EXPECT_EQ(order->state(), "held_awaiting_customer");
  EXPECT_EQ(before.hold_reason, "hold");
  OrderData want = Full();
  want.hold_reason = "wait";
  EXPECT_EQ(order->data(), want);
  EXPECT_FALSE(order->Apply(CourierChanged{EventMeta{"courier-1", at, "小王"}, ""}).ok());
  EXPECT_EQ(order->data(), want);
  EXPECT_EQ(copy.data(), Full());
}

}  // namespace
}  // namespace kefu::internal
