// The order machine, rule by rule: each test names the ORD rule it shows
// allowing, refusing or scheduling.
#include "kefu/machines/order.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/machines/live_orders.h"
#include "machines/machine_test_util.h"
#include "machines/order_test_util.h"

namespace kefu {
namespace {

using ::kefu::testing::At;
using ::kefu::testing::CheckAll;
using ::kefu::testing::ExpectRefusedAndRemembered;
using ::kefu::testing::Meta;
using ::kefu::testing::MustApply;
using ::kefu::testing::SamplePlaced;
using ::testing::HasSubstr;

const Timestamp kMon10 = At("2026-11-02T10:00:00+08:00");  // a Monday
const Timestamp kMon11 = At("2026-11-02T11:00:00+08:00");
const Timestamp kMon20 = At("2026-11-02T20:00:00+08:00");
const Timestamp kTue10 = At("2026-11-03T10:00:00+08:00");

std::string Str(absl::string_view s) { return std::string(s.data(), s.size()); }

// An order placed paid and fully verified, in the order check (F2).
Order OrderInCheck(const std::string& id = "T1", const OrderEnvironment& env = {}) {
  Order o(id);
  MustApply(o, SamplePlaced(id + "-placed", kMon10), env);
  CheckAll(o, id, kMon10, env);
  return o;
}

CheckPassed Pass(std::string id, Timestamp at = kMon11) {
  return CheckPassed{Meta(std::move(id), at)};
}

TEST(OrderLifecycle, PaidTaobaoOrderGoesFromPlacedToCompletedWithAnAuditRecordPerEvent) {
  Order o("T1");
  EXPECT_EQ(o.state(), "new");
  Outcome placed = MustApply(o, SamplePlaced("e1", kMon10));
  EXPECT_EQ(o.state(), "in_check");
  EXPECT_EQ(placed.entity, "T1");
  EXPECT_EQ(placed.audit.event_id, "e1");
  EXPECT_EQ(placed.audit.event_type, "placed");
  EXPECT_EQ(placed.audit.state_before, "new");
  EXPECT_EQ(placed.audit.state_after, "in_check");
  EXPECT_EQ(placed.audit.agent, "小王");
  CheckAll(o, "T1", kMon10);
  MustApply(o, Pass("e2"));
  EXPECT_EQ(o.state(), "ready_to_ship");
  MustApply(o, MarkedShipped{Meta("e3", kMon20), false, "EMS123"});
  EXPECT_EQ(o.state(), "shipped");
  MustApply(o, Delivered{Meta("e4", kTue10)});
  MustApply(o, Completed{Meta("e5", kTue10)});
  EXPECT_EQ(o.state(), "completed");
  EXPECT_FALSE(o.live());
  EXPECT_EQ(o.applied().size(), 5u + kVerificationItemCount);
}

// ORD-VERIFY
TEST(OrderVerify, CheckPassedIsRefusedUntilAllSixChecksAndTheRefusalListsTheMissingOnes) {
  Order o("T1");
  MustApply(o, SamplePlaced("e1", kMon10));
  for (VerificationItem item : {VerificationItem::kProduct, VerificationItem::kQuantity,
                                VerificationItem::kPaymentMethod, VerificationItem::kAddress}) {
    MustApply(o, CheckRecorded{Meta("c" + std::to_string(static_cast<int>(item)), kMon10), item});
  }
  const OrderSnapshot before = o.Snapshot();
  auto r = o.Apply(Pass("e2"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->refused());
  const Decision* d = r->Find("ORD-VERIFY");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kRefused);
  EXPECT_EQ(d->Find("missing")->value,
            Figure::Value(TermList{VerificationItemTerm(VerificationItem::kPrice),
                                   VerificationItemTerm(VerificationItem::kPostage)}));
  EXPECT_THAT(d->Reason(Language::kEn), HasSubstr("price, postage"));
  EXPECT_EQ(d->Reason(Language::kZh), "F2转F3前还需核对：价格、邮费");
  EXPECT_EQ(o.state(), "in_check");
  ExpectRefusedAndRemembered(o, before, "e2");

  MustApply(o, CheckRecorded{Meta("c-price", kMon10), VerificationItem::kPrice});
  MustApply(o, CheckRecorded{Meta("c-postage", kMon10), VerificationItem::kPostage});
  // A late copy of e2 is the refusal again, not a second judgement.
  auto late = o.Apply(Pass("e2"));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_TRUE(late->audit.duplicate);
  EXPECT_TRUE(late->refused());
  EXPECT_EQ(o.state(), "in_check");
  Outcome ok = MustApply(o, Pass("e2-again"));  // the corrected event has a new id
  EXPECT_EQ(ok.Find("ORD-VERIFY")->verdict, Verdict::kAllowed);
  EXPECT_EQ(o.state(), "ready_to_ship");
}

// ORD-DUP-SHIP, the seed's case: one character of the address differs.
TEST(OrderDuplicateShip, SecondOrderWhoseAddressDiffersByOneChineseCharacterIsHeld) {
  InMemoryLiveOrders live_orders;
  OrderEnvironment env;
  env.live_orders = &live_orders;
  Order first = OrderInCheck("T1", env);
  live_orders.Update(first);

  Order second("T2");
  OrderPlaced p = SamplePlaced("T2-placed", kMon11);
  p.address.district = "武候区";  // 侯 -> 候: 3 bytes differ, one character
  MustApply(second, p, env);
  CheckAll(second, "T2", kMon11, env);
  Outcome held = MustApply(second, Pass("T2-pass"), env);
  EXPECT_EQ(second.state(), "held_duplicate_suspect");
  const Decision* d = held.Find("ORD-DUP-SHIP");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kAdjusted);
  EXPECT_EQ(std::get<std::string>(d->Find("duplicate_of")->value), "T1");
  EXPECT_EQ(second.data().duplicate_of, "T1");
}

// ORD-DUP-SHIP
TEST(OrderDuplicateShip, AddressesTwoCharactersApartOrOtherItemsAreNotHeld) {
  InMemoryLiveOrders live_orders;
  OrderEnvironment env;
  env.live_orders = &live_orders;
  Order first = OrderInCheck("T1", env);
  live_orders.Update(first);

  Order far("T2");
  OrderPlaced p = SamplePlaced("T2-placed", kMon11);
  p.address.detail = "人民南路四段99号";  // two characters differ
  MustApply(far, p, env);
  CheckAll(far, "T2", kMon11, env);
  MustApply(far, Pass("T2-pass"), env);
  EXPECT_EQ(far.state(), "ready_to_ship");

  Order other_items("T3");
  OrderPlaced q = SamplePlaced("T3-placed", kMon11);
  q.lines[0].quantity = 3;
  MustApply(other_items, q, env);
  CheckAll(other_items, "T3", kMon11, env);
  MustApply(other_items, Pass("T3-pass"), env);
  EXPECT_EQ(other_items.state(), "ready_to_ship");
}

// ORD-DUP-SHIP compares orders' items by this key.
TEST(OrderDuplicateShip, ItemsKeyListsTheLinesNotCancelledSortedOnePerLine) {
  auto line = [](std::string product, int32_t quantity, bool cancelled = false) {
    OrderLine l;
    l.product = std::move(product);
    l.quantity = quantity;
    l.cancelled = cancelled;
    return l;
  };
  EXPECT_EQ(ItemsKey({}), "");
  EXPECT_EQ(ItemsKey({line("保温杯", 2)}), "保温杯×2\n");
  EXPECT_EQ(ItemsKey({line("保温杯", 2, true)}), "");
  EXPECT_EQ(ItemsKey({line("B", 1), line("A", 3), line("C", 1, true)}), "A×3\nB×1\n");
  EXPECT_EQ(ItemsKey({line("A", 3), line("B", 1)}), ItemsKey({line("B", 1), line("A", 3)}));
  // Sorted as the items' own text: "P×1" is a prefix of "P×12" and comes
  // first, and so does "P×1" before "P×1\tQ×3", whose product holds a tab
  // (a byte below the newline that ends each item).
  EXPECT_EQ(ItemsKey({line("P", 12), line("P", 1)}), "P×1\nP×12\n");
  EXPECT_EQ(ItemsKey({line("P×1\tQ", 3), line("P", 1)}), "P×1\nP×1\tQ×3\n");
  EXPECT_EQ(ItemsKey({line("AB", 1), line("A", 2)}), "AB×1\nA×2\n");  // 'B' < "×"

  // AppendItemsKey writes the same after what the string holds, which it
  // leaves as it was; many lines, checked against the items sorted apart.
  std::string out = "before|";
  AppendItemsKey({line("B", 1), line("A", 3), line("C", 1, true)}, &out);
  EXPECT_EQ(out, "before|A×3\nB×1\n");
  AppendItemsKey({}, &out);
  AppendItemsKey({line("保温杯", 2)}, &out);
  EXPECT_EQ(out, "before|A×3\nB×1\n保温杯×2\n");
  std::vector<OrderLine> many;
  std::vector<std::string> texts;
  for (int i = 0; i < 40; ++i) {
    const std::string product = "品" + std::to_string((i * 17) % 23);
    const bool cancelled = i % 7 == 3;
    many.push_back(line(product, i % 5 + 1, cancelled));
    if (!cancelled) texts.push_back(product + "×" + std::to_string(i % 5 + 1));
  }
  std::sort(texts.begin(), texts.end());
  std::string expected = "…";
  for (const std::string& t : texts) expected += t + "\n";
  out = "…";
  AppendItemsKey(many, &out);
  EXPECT_EQ(out, expected);
}

// ORD-DUP-SHIP: releasing the hold needs an explicit decision.
TEST(OrderDuplicateShip, ReleasingTheHoldIsRefusedWithoutAnExplicitDecision) {
  InMemoryLiveOrders live_orders;
  OrderEnvironment env;
  env.live_orders = &live_orders;
  Order first = OrderInCheck("T1", env);
  live_orders.Update(first);
  Order second = OrderInCheck("T2", env);
  MustApply(second, Pass("T2-pass"), env);
  ASSERT_EQ(second.state(), "held_duplicate_suspect");

  const OrderSnapshot before = second.Snapshot();
  auto r = second.Apply(HoldReleased{Meta("rel", kMon11), false, ""}, env);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->refused());
  EXPECT_EQ(r->Find("ORD-DUP-SHIP")->verdict, Verdict::kRefused);
  ExpectRefusedAndRemembered(second, before, "rel");

  Outcome released = MustApply(
      second, HoldReleased{Meta("rel-2", kMon11), true, "different room"}, env);
  EXPECT_EQ(released.Find("ORD-DUP-SHIP")->verdict, Verdict::kAllowed);
  EXPECT_EQ(second.state(), "in_check");
  MustApply(second, Pass("T2-pass-2"), env);  // not held again
  EXPECT_EQ(second.state(), "ready_to_ship");
}

// ORD-COD-REACH
TEST(OrderCodReach, CashOnDeliveryOrderTheCourierCannotCollectIsHeldUntilTheCourierChanges) {
  CourierCoverage coverage;
  ASSERT_TRUE(coverage.Block("EMS", "四川省", "", /*cod_only=*/true).ok());
  OrderEnvironment env;
  env.courier_reach = &coverage;
  Order o("T1");
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.paid = false;
  p.payment = PaymentMethod::kCashOnDelivery;
  MustApply(o, p, env);
  EXPECT_EQ(o.state(), "in_check");
  CheckAll(o, "T1", kMon10, env);
  Outcome held = MustApply(o, Pass("e2"), env);
  EXPECT_EQ(o.state(), "held_courier_unreachable");
  EXPECT_EQ(held.Find("ORD-COD-REACH")->verdict, Verdict::kAdjusted);
  EXPECT_EQ(held.Find("ORD-PREPAY"), nullptr);  // Taobao: no prepay request

  auto release = o.Apply(HoldReleased{Meta("e3", kMon11), false, ""}, env);
  EXPECT_EQ(release.status().code(), absl::StatusCode::kFailedPrecondition);

  Outcome changed = MustApply(o, CourierChanged{Meta("e4", kMon11), "SF"}, env);
  EXPECT_EQ(changed.Find("ORD-COD-REACH")->verdict, Verdict::kAllowed);
  EXPECT_EQ(o.state(), "in_check");
  MustApply(o, Pass("e5"), env);
  EXPECT_EQ(o.state(), "ready_to_ship");
}

// ORD-PREPAY
TEST(OrderPrepay, UnreachableWebsiteOrderAsksToPayFirstAndAPromiseUnpacksAndRestocks) {
  CourierCoverage coverage;
  ASSERT_TRUE(coverage.Block("SF", "西藏自治区").ok());
  OrderEnvironment env;
  env.courier_reach = &coverage;
  Order o("W1");
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.channel = Channel::kWebsite;
  p.paid = false;
  p.payment = PaymentMethod::kCashOnDelivery;
  p.courier = "SF";
  p.address = {"西藏自治区", "拉萨市", "城关区", "北京中路1号"};
  MustApply(o, p, env);
  CheckAll(o, "W1", kMon10, env);
  Outcome held = MustApply(o, Pass("e2"), env);
  EXPECT_EQ(o.state(), "held_courier_unreachable");
  EXPECT_EQ(held.Find("ORD-PREPAY")->verdict, Verdict::kScheduled);
  ASSERT_EQ(held.actions.size(), 1u);
  EXPECT_EQ(held.actions[0].kind, ActionKind::kCall);

  Outcome promised = MustApply(
      o, CustomerContacted{Meta("e3", kMon11), ContactChannel::kPhone,
                           ContactResult::kPromisedPayment},
      env);
  EXPECT_EQ(o.state(), "awaiting_payment");
  ASSERT_EQ(promised.actions.size(), 1u);
  EXPECT_EQ(promised.actions[0].kind, ActionKind::kUnpackAndRestock);
  EXPECT_EQ(promised.actions[0].rule, "ORD-PREPAY");

  MustApply(o, PaymentReceived{Meta("e4", kTue10), PaymentMethod::kBankTransfer}, env);
  EXPECT_EQ(o.state(), "awaiting_finance_check");  // ORD-FIN-CHECK next
}

// ORD-FIN-CHECK, the seed's case: a transfer-paid order cannot ship before
// finance confirms.
TEST(OrderFinanceCheck, TransferPaidOrderCannotShipBeforeFinanceConfirms) {
  Order o("T1");
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.channel = Channel::kWebsite;
  p.payment = PaymentMethod::kBankTransfer;
  p.paid = false;
  Outcome placed = MustApply(o, p);
  EXPECT_EQ(o.state(), "awaiting_finance_check");
  const Decision* note = placed.Find("ORD-FIN-CHECK");
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(std::get<Term>(note->Find("note")->value).key, "payment_awaited");
  EXPECT_EQ(note->Reason(Language::kZh), "待财务查帐：待付款");

  Outcome paid = MustApply(o, PaymentReceived{Meta("e2", kMon11), std::nullopt});
  EXPECT_EQ(std::get<Term>(paid.Find("ORD-FIN-CHECK")->Find("note")->value).key, "payment_made");
  ASSERT_FALSE(paid.actions.empty());
  EXPECT_EQ(paid.actions.back().Describe(Language::kZh), "请财务查帐：已付款");
  EXPECT_EQ(paid.actions.back().Describe(Language::kEn), "please check the account: payment made");
  EXPECT_EQ(o.state(), "awaiting_finance_check");

  const OrderSnapshot before = o.Snapshot();
  auto ship = o.Apply(MarkedShipped{Meta("e3", kMon20), true, ""});
  EXPECT_EQ(ship.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Str(ship.status().message()), HasSubstr("awaiting_finance_check"));
  EXPECT_THAT(Str(ship.status().message()), HasSubstr("shipped"));
  EXPECT_EQ(o.Apply(Pass("e4")).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(o.Snapshot(), before);

  Outcome confirmed = MustApply(o, FinanceConfirmed{Meta("e5", kTue10)});
  EXPECT_EQ(confirmed.Find("ORD-FIN-CHECK")->verdict, Verdict::kAllowed);
  EXPECT_EQ(o.state(), "in_check");
  CheckAll(o, "T1", kTue10);
  MustApply(o, Pass("e6", kTue10));
  MustApply(o, MarkedShipped{Meta("e7", kTue10), false, ""});
  EXPECT_EQ(o.state(), "shipped");
}

// ORD-FIN-CHECK: even an order restored as ready to ship does not ship
// without the finance confirmation.
TEST(OrderFinanceCheck, ShippingGuardRefusesUnconfirmedTransferEvenWhenReadyToShip) {
  Order o = OrderInCheck();
  OrderSnapshot s = o.Snapshot();
  s.state = "ready_to_ship";
  s.data.payment = PaymentMethod::kOnlineBanking;
  auto restored = Order::Restore(s);
  ASSERT_TRUE(restored.ok());
  auto r = restored->Apply(MarkedShipped{Meta("ship", kMon20), true, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->refused());
  EXPECT_EQ(r->Find("ORD-FIN-CHECK")->verdict, Verdict::kRefused);
  EXPECT_EQ(restored->state(), "ready_to_ship");
}

// ORD-EXCEPTION
TEST(OrderException, ExceptionOrderIsRefusedAnAutomaticMarkShippedAndAcceptsAManualOne) {
  Order o("T1");
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.exception = ExceptionKind::kAddedLater;
  MustApply(o, p);
  CheckAll(o, "T1", kMon10);
  MustApply(o, Pass("e2"));
  auto automatic = o.Apply(MarkedShipped{Meta("e3", kMon20), false, ""});
  ASSERT_TRUE(automatic.ok());
  EXPECT_TRUE(automatic->refused());
  EXPECT_EQ(automatic->Find("ORD-EXCEPTION")->verdict, Verdict::kRefused);
  EXPECT_EQ(o.state(), "ready_to_ship");
  Outcome manual = MustApply(o, MarkedShipped{Meta("e3-manual", kMon20), true, ""});
  EXPECT_EQ(manual.Find("ORD-EXCEPTION")->verdict, Verdict::kAllowed);
  EXPECT_EQ(o.state(), "shipped");
}

// ORD-EXCEPTION: the evening reconciliation.
TEST(OrderException, EveningReconciliationListsMissedAndUnshippedOrdersPaidThatDay) {
  Order shipped = OrderInCheck("T1");
  MustApply(shipped, Pass("p1"));
  MustApply(shipped, MarkedShipped{Meta("s1", kMon20), false, ""});
  Order waiting = OrderInCheck("T2");
  Order exception("T3");
  OrderPlaced p = SamplePlaced("T3-placed", kMon10);
  p.exception = ExceptionKind::kAfterSalesReshipment;
  MustApply(exception, p);
  CheckAll(exception, "T3", kMon10);
  MustApply(exception, Pass("p3"));
  const std::vector<const Order*> orders = {&shipped, &waiting, &exception};
  const std::vector<std::string> paid = {"T1", "T2", "T3", "T9"};

  auto early = ReconcileEvening(orders, paid, At("2026-11-02T18:30:00+08:00"));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);

  auto r = ReconcileEvening(orders, paid, At("2026-11-02T19:30:00+08:00"));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->actions.size(), 3u);
  EXPECT_EQ(r->actions[0].subject, "T9");  // missed: add and tell the customer
  EXPECT_EQ(r->actions[0].kind, ActionKind::kTellCustomer);
  EXPECT_EQ(r->actions[1].subject, "T2");
  EXPECT_EQ(r->actions[1].kind, ActionKind::kTellCustomer);
  EXPECT_EQ(r->actions[2].subject, "T3");
  EXPECT_EQ(r->actions[2].kind, ActionKind::kMarkShipped);
  for (const Decision& d : r->decisions) EXPECT_EQ(d.rule, "ORD-EXCEPTION");
}

// ORD-OOS-NOTIFY: the ladder's first rung.
TEST(OrderOutOfStock, PaidTodayWithStockTomorrowLeavesAnImMessage) {
  Order o = OrderInCheck();
  Outcome r = MustApply(o, OutOfStockReported{Meta("oos", kMon20), "N86-case",
                                              StockArrival::kTomorrow});
  EXPECT_EQ(o.state(), "held_out_of_stock");
  ASSERT_EQ(r.actions.size(), 1u);
  EXPECT_EQ(r.actions[0].kind, ActionKind::kImMessage);
  EXPECT_EQ(r.actions[0].rule, "ORD-OOS-NOTIFY");
}

// ORD-OOS-NOTIFY
TEST(OrderOutOfStock, PaidTodayWithUncertainArrivalPhonesAndOffersAnotherStyle) {
  Order o = OrderInCheck();
  Outcome r = MustApply(o, OutOfStockReported{Meta("oos", kMon20), "N86-case",
                                              StockArrival::kUncertain});
  ASSERT_EQ(r.actions.size(), 1u);
  EXPECT_EQ(r.actions[0].kind, ActionKind::kCall);
  EXPECT_THAT(r.actions[0].Describe(Language::kEn), HasSubstr("another style"));
}

// ORD-OOS-NOTIFY
TEST(OrderOutOfStock, PaidOnAnEarlierDayAlwaysPhones) {
  Order o = OrderInCheck();
  Outcome r = MustApply(o, OutOfStockReported{Meta("oos", kTue10), "N86-case",
                                              StockArrival::kTomorrow});
  EXPECT_EQ(r.actions[0].kind, ActionKind::kCall);
}

// ORD-OOS-NOTIFY
TEST(OrderOutOfStock, WebsiteOrdersArePhonedEvenWhenStockComesTomorrow) {
  Order o("W1");
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.channel = Channel::kWebsite;
  MustApply(o, p);
  Outcome r = MustApply(o, OutOfStockReported{Meta("oos", kMon20), "charger",
                                              StockArrival::kTomorrow});
  EXPECT_EQ(r.actions[0].kind, ActionKind::kCall);
}

// ORD-OOS-NOTIFY: unreachable -> SMS, red basket, next shift first.
TEST(OrderOutOfStock, UnreachableCustomersGetAnSmsStayRedAndComeFirstForTheNextShift) {
  Order a = OrderInCheck("A");
  Order b = OrderInCheck("B");
  Order c = OrderInCheck("C");
  for (Order* o : {&a, &b, &c}) {
    MustApply(*o, OutOfStockReported{Meta(std::string(o->id()) + "-oos", kMon20), "charger",
                                     StockArrival::kUncertain});
  }
  Outcome unreachable = MustApply(b, CustomerContacted{Meta("b-call", kMon20),
                                                       ContactChannel::kPhone,
                                                       ContactResult::kUnreachable});
  ASSERT_EQ(unreachable.actions.size(), 1u);
  EXPECT_EQ(unreachable.actions[0].kind, ActionKind::kSms);
  EXPECT_EQ(b.data().oos_flag, OosFlag::kUnreachable);
  MustApply(c, CustomerContacted{Meta("c-call", kMon20), ContactChannel::kPhone,
                                 ContactResult::kAcceptedOtherStyle});
  EXPECT_EQ(c.data().oos_flag, OosFlag::kHandled);

  const std::vector<const Order*> all = {&a, &b, &c};
  const std::vector<const Order*> queue = NextShiftQueue(all);
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue[0], &b);  // red basket first
  EXPECT_EQ(queue[1], &a);  // not yet contacted; c (pink) is done
}

// ORD-MALL-COMP: offering another style comes first.
// A Tmall order of forty cases, 1,010 yuan with the postage.
OrderPlaced ThousandYuanTmallOrder() {
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.channel = Channel::kTmall;
  p.lines = {{"N86-case", 40, Money::Yuan(25), false}};
  return p;
}

TEST(OrderMallCompensation, TmallOutOfStockRefundIsRefusedUntilAnotherStyleWasOffered) {
  Order o("M1");
  OrderPlaced p = ThousandYuanTmallOrder();
  MustApply(o, p);
  MustApply(o, OutOfStockReported{Meta("oos", kMon20), "N86-case", StockArrival::kUncertain});
  auto r = o.Apply(Refunded{Meta("ref", kMon20), Money::Yuan(1000), RefundReason::kOutOfStock, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->refused());
  EXPECT_EQ(r->Find("ORD-MALL-COMP")->verdict, Verdict::kRefused);
}

// ORD-MALL-COMP, the seed's numbers: 5% of 1,000 yuan capped at 30 yuan.
TEST(OrderMallCompensation, RefundOfAThousandYuanPaysThirtyYuanAndIsFlaggedAsComplaintRisk) {
  Order o("M1");
  OrderPlaced p = ThousandYuanTmallOrder();
  MustApply(o, p);
  MustApply(o, OutOfStockReported{Meta("oos", kMon20), "N86-case", StockArrival::kUncertain});
  MustApply(o, CustomerContacted{Meta("call", kMon20), ContactChannel::kPhone,
                                 ContactResult::kDeclinedOtherStyle});
  Outcome r = MustApply(o, Refunded{Meta("ref", kMon20), Money::Yuan(1000),
                                    RefundReason::kOutOfStock, ""});
  const Decision* d = r.Find("ORD-MALL-COMP");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(std::get<Money>(d->Find("compensation")->value), Money::Yuan(30));
  EXPECT_TRUE(o.data().complaint_risk);
  EXPECT_EQ(o.data().compensation, Money::Yuan(30));
  ASSERT_EQ(r.actions.size(), 1u);
  EXPECT_EQ(r.actions[0].kind, ActionKind::kNotifyFinance);

  Order small("M2");
  MustApply(small, p);
  MustApply(small, OutOfStockReported{Meta("oos", kMon20), "N86-case", StockArrival::kUncertain});
  MustApply(small, CustomerContacted{Meta("call", kMon20), ContactChannel::kIm,
                                     ContactResult::kDeclinedOtherStyle});
  Outcome r2 = MustApply(small, Refunded{Meta("ref", kMon20), Money::Yuan(200),
                                         RefundReason::kOutOfStock, ""});
  EXPECT_EQ(std::get<Money>(r2.Find("ORD-MALL-COMP")->Find("compensation")->value),
            Money::Yuan(10));
}

// Refunds never add up to more than the order's goods and postage (the
// property the testing kit's generators found broken): the refund that
// would is invalid and changes nothing.
TEST(OrderRefunds, RefundsNeverExceedWhatTheOrderCameTo) {
  Order o("M3");
  MustApply(o, ThousandYuanTmallOrder());  // 1,000 yuan of goods + 10 postage
  MustApply(o, OutOfStockReported{Meta("oos", kMon20), "N86-case", StockArrival::kUncertain});
  MustApply(o, CustomerContacted{Meta("call", kMon20), ContactChannel::kPhone,
                                 ContactResult::kDeclinedOtherStyle});
  MustApply(o, Refunded{Meta("r1", kMon20), Money::Yuan(600), RefundReason::kOther, ""});
  absl::StatusOr<Outcome> over =
      o.Apply(Refunded{Meta("r2", kMon20), Money::Fen(41001), RefundReason::kOther, ""});
  ASSERT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(over.status().message(), HasSubstr("1010.01"));
  EXPECT_EQ(o.data().refunded, Money::Yuan(600));
  // Exactly the rest is fine.
  MustApply(o, Refunded{Meta("r3", kMon20), Money::Yuan(410), RefundReason::kOther, ""});
  EXPECT_EQ(o.data().refunded, Money::Yuan(1010));
}

// ORD-CANCEL-REG
TEST(OrderCancellation, CancellingTheOrderRegistersItAndRestocksTheGoodsTheSameDay) {
  Order o = OrderInCheck();
  Outcome r = MustApply(o, Cancelled{Meta("cx", kMon11), std::nullopt, "buyer changed mind"});
  EXPECT_EQ(o.state(), "cancelled");
  EXPECT_EQ(r.Find("ORD-CANCEL-REG")->verdict, Verdict::kScheduled);
  ASSERT_EQ(r.actions.size(), 2u);
  EXPECT_EQ(r.actions[0].kind, ActionKind::kRegisterCancellation);
  EXPECT_EQ(r.actions[1].kind, ActionKind::kRestock);
  const Timestamp end_of_day = At("2026-11-03T00:00:00+08:00");
  EXPECT_EQ(r.actions[0].due, end_of_day);
  EXPECT_EQ(r.actions[1].due, end_of_day);
}

// ORD-CANCEL-REG: one line.
TEST(OrderCancellation, CancellingOneLineRegistersThatLineAndKeepsTheOrderInCheck) {
  Order o = OrderInCheck();
  Outcome r = MustApply(o, Cancelled{Meta("cx", kMon11), size_t{1}, "no charger"});
  EXPECT_EQ(o.state(), "in_check");
  EXPECT_TRUE(o.data().lines[1].cancelled);
  EXPECT_FALSE(o.data().lines[0].cancelled);
  EXPECT_EQ(r.actions.size(), 2u);
  EXPECT_EQ(std::get<std::string>(r.Find("ORD-CANCEL-REG")->Find("scope")->value), "charger");
  // Cancelling the last live line cancels the order.
  MustApply(o, Cancelled{Meta("cx2", kMon11), size_t{0}, "nothing left"});
  EXPECT_EQ(o.state(), "cancelled");
}

// ORD-F2-HOLD
TEST(OrderCheckHold, HoldAfterConfirmingWithTheCustomerIsDueWithinThreeDays) {
  Order o = OrderInCheck();
  Outcome r = MustApply(o, HoldPlaced{Meta("h", kMon11), "customer asks to wait for payday"});
  EXPECT_EQ(o.state(), "held_awaiting_customer");
  ASSERT_EQ(r.deadlines.size(), 1u);
  EXPECT_EQ(r.deadlines[0].rule, "ORD-F2-HOLD");
  EXPECT_EQ(r.deadlines[0].op, DeadlineOp::kSet);
  EXPECT_EQ(r.deadlines[0].due, At("2026-11-05T11:00:00+08:00"));
}

// ORD-UNSHIPPED
TEST(OrderUnshipped, PaidOrderIsToldTheSameDayAndClosedOutByTheEndOfDayThree) {
  Order o("T1");
  Outcome r = MustApply(o, SamplePlaced("e1", kMon10));
  ASSERT_EQ(r.deadlines.size(), 1u);
  EXPECT_EQ(r.deadlines[0].rule, "ORD-UNSHIPPED");
  // Told at 17:00 the same day, while the shop can still act on it.
  EXPECT_EQ(r.deadlines[0].warn_at, At("2026-11-02T17:00:00+08:00"));
  EXPECT_EQ(r.deadlines[0].due, At("2026-11-05T00:00:00+08:00"));
  CheckAll(o, "T1", kMon10);
  MustApply(o, Pass("e2"));
  Outcome shipped = MustApply(o, MarkedShipped{Meta("e3", kMon20), false, ""});
  bool cancelled = false;
  for (const Deadline& d : shipped.deadlines) {
    cancelled |= d.rule == "ORD-UNSHIPPED" && d.op == DeadlineOp::kCancel;
  }
  EXPECT_TRUE(cancelled);
}

// ORD-UNSHIPPED: paid after the day's warning time, the order ships the
// next day, and is told and closed out a day later.
TEST(OrderUnshipped, OrderPaidAfterTheWarningTimeShipsTheNextDay) {
  Order o("T1");
  Outcome r = MustApply(o, SamplePlaced("e1", At("2026-11-02T18:30:00+08:00")));
  ASSERT_EQ(r.deadlines.size(), 1u);
  EXPECT_EQ(r.deadlines[0].warn_at, At("2026-11-03T17:00:00+08:00"));
  EXPECT_EQ(r.deadlines[0].due, At("2026-11-06T00:00:00+08:00"));
  ASSERT_NE(FindFigure(r.deadlines[0].figures, "ship_day"), nullptr);
  EXPECT_EQ(FindFigure(r.deadlines[0].figures, "ship_day")->Render(Language::kZh), "2026-11-03");
}

// ORD-FIX
TEST(OrderFix, UnpaidTaobaoOrderMayHavePostageAdjustedButAPaidOneMayNot) {
  Order unpaid("T1");
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.paid = false;
  MustApply(unpaid, p);
  EXPECT_EQ(unpaid.state(), "awaiting_payment");
  OrderAdjusted cheaper;
  cheaper.meta = Meta("fix", kMon11);
  cheaper.postage = Money::Yuan(6);
  cheaper.agreed_via = ContactChannel::kIm;
  Outcome r = MustApply(unpaid, cheaper);
  EXPECT_EQ(r.Find("ORD-FIX")->verdict, Verdict::kAdjusted);
  EXPECT_EQ(unpaid.data().postage, Money::Yuan(6));

  Order paid = OrderInCheck();
  auto refused = paid.Apply(cheaper);
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE(refused->refused());
  EXPECT_EQ(refused->Find("ORD-FIX")->verdict, Verdict::kRefused);
  EXPECT_EQ(paid.data().postage, Money::Yuan(10));
}

// ORD-FIX
TEST(OrderFix, ColourOrQuantityChangeNeedsTheCustomersAgreement) {
  Order o = OrderInCheck();
  OrderAdjusted change;
  change.meta = Meta("fix", kMon11);
  change.line = 0;
  change.product = "N86-case-red";
  auto refused = o.Apply(change);
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE(refused->refused());
  change.meta.id = "fix-2";  // the corrected event has its own id
  change.agreed_via = ContactChannel::kPhone;
  MustApply(o, change);
  EXPECT_EQ(o.data().lines[0].product, "N86-case-red");
}

// ORD-POSTAGE-SUPP
TEST(OrderPostageSupplement, SupplementNeedsTheErpCostAndIsCappedAtIt) {
  Order o = OrderInCheck();
  auto unchecked = o.Apply(PostageSupplemented{Meta("s", kMon11), Money::Yuan(8), std::nullopt});
  ASSERT_TRUE(unchecked.ok());
  EXPECT_TRUE(unchecked->refused());
  EXPECT_EQ(unchecked->Find("ORD-POSTAGE-SUPP")->verdict, Verdict::kRefused);

  Outcome r =
      MustApply(o, PostageSupplemented{Meta("s-2", kMon11), Money::Yuan(8), Money::Yuan(5)});
  EXPECT_EQ(r.Find("ORD-POSTAGE-SUPP")->verdict, Verdict::kAdjusted);
  EXPECT_EQ(std::get<Money>(r.Find("ORD-POSTAGE-SUPP")->Find("charged")->value), Money::Yuan(5));
  EXPECT_EQ(o.data().postage, Money::Yuan(15));
  // A postage supplement makes it an exception order (ORD-EXCEPTION).
  EXPECT_EQ(o.data().exception, ExceptionKind::kPostageSupplement);
  MustApply(o, Pass("p"));
  auto automatic = o.Apply(MarkedShipped{Meta("ship", kMon20), false, ""});
  ASSERT_TRUE(automatic.ok());
  EXPECT_TRUE(automatic->refused());
}

// ORD-INVOICE
TEST(OrderInvoice, WebsiteInvoiceAddsSixPercentOnGoodsOnlyAndRefusesOtherContent) {
  Order o("W1");
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.channel = Channel::kWebsite;
  MustApply(o, p);
  CheckAll(o, "W1", kMon10);
  MustApply(o, Pass("e2"));
  MustApply(o, MarkedShipped{Meta("e3", kMon20), false, ""});
  auto phone = o.Apply(InvoiceRequested{Meta("inv", kTue10), "某公司", "手机"});
  ASSERT_TRUE(phone.ok());
  EXPECT_TRUE(phone->refused());
  EXPECT_EQ(phone->Find("ORD-INVOICE")->verdict, Verdict::kRefused);

  Outcome r = MustApply(o, InvoiceRequested{Meta("inv-2", kTue10), "某公司", "配件"});
  const Decision* d = r.Find("ORD-INVOICE");
  EXPECT_EQ(std::get<Money>(d->Find("goods")->value), Money::Yuan(90));  // postage excluded
  EXPECT_EQ(std::get<Money>(d->Find("fee")->value), Money::Fen(540));
}

// ORD-INVOICE
TEST(OrderInvoice, TaobaoInvoiceHasNoHandlingFee) {
  Order o = OrderInCheck();
  MustApply(o, Pass("e2"));
  MustApply(o, MarkedShipped{Meta("e3", kMon20), false, ""});
  Outcome r = MustApply(o, InvoiceRequested{Meta("inv", kTue10), "个人", "配件"});
  EXPECT_EQ(std::get<Money>(r.Find("ORD-INVOICE")->Find("fee")->value), Money::Zero());
}

TEST(OrderIdempotency, ApplyingAnEventIdTwiceReturnsTheFirstOutcomeAndChangesNothing) {
  Order o = OrderInCheck();
  const Cancelled cancel{Meta("cx", kMon11), std::nullopt, "dup delivery"};
  Outcome first = MustApply(o, cancel);
  const OrderSnapshot after_first = o.Snapshot();
  auto again = o.Apply(cancel);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->audit.duplicate);
  Outcome expected = first;
  expected.audit.duplicate = true;
  EXPECT_TRUE(SameOutcome(*again, expected));
  EXPECT_EQ(o.Snapshot(), after_first);
  // A different event under a used id is an error naming the id and what
  // differs, never a silent duplicate.
  auto other = o.Apply(Refunded{Meta("cx", kMon20), Money::Yuan(1), RefundReason::kOther, ""});
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Str(other.status().message()), HasSubstr("\"cx\""));
  EXPECT_THAT(Str(other.status().message()), HasSubstr("type (first \"cancelled\", now \"refunded\")"));
  EXPECT_THAT(Str(other.status().message()), HasSubstr("at ("));
  EXPECT_EQ(o.Snapshot(), after_first);
  // The same type with another field: the field is named.
  auto reason = o.Apply(Cancelled{Meta("cx", kMon11), std::nullopt, "changed my mind"});
  EXPECT_EQ(reason.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Str(reason.status().message()), HasSubstr("differs in fields.reason"));
  // Another agent sending the same id: named too.
  auto agent = o.Apply(Cancelled{Meta("cx", kMon11, "xiaoli"), std::nullopt, "dup delivery"});
  EXPECT_EQ(agent.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Str(agent.status().message()), HasSubstr("agent (first \"小王\", now \"xiaoli\")"));
  EXPECT_EQ(o.Snapshot(), after_first);
}

// The defect the redelivery tests found: a refused refund's late copy was
// judged again once the order had moved on, and paid.
TEST(OrderIdempotency, ALateCopyOfARefusedEventIsTheRefusalAgainAfterTheOrderMovedOn) {
  Order o("T1");
  OrderPlaced placed = SamplePlaced("e1", kMon10);
  placed.channel = Channel::kTmall;
  MustApply(o, placed);
  CheckAll(o, "T1", kMon10);
  MustApply(o, OutOfStockReported{Meta("oos", kMon11), "N86-case", StockArrival::kUncertain});
  // ORD-MALL-COMP: a Tmall out-of-stock refund before another style was
  // offered is refused.
  const Refunded refund{Meta("rf", kMon11), Money::Yuan(50), RefundReason::kOutOfStock, ""};
  auto first = o.Apply(refund);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->refused());
  // The order moves on: another style offered and declined.
  MustApply(o, CustomerContacted{Meta("call", kMon11), ContactChannel::kPhone,
                                 ContactResult::kDeclinedOtherStyle});
  // The late copy is the first refusal again, and pays nothing.
  auto late = o.Apply(refund);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_TRUE(late->audit.duplicate);
  EXPECT_TRUE(late->refused());
  EXPECT_EQ(o.data().refunded, Money::Zero());
  EXPECT_EQ(o.data().compensation, Money::Zero());
  // The corrected refund, with its own id, is applied once.
  MustApply(o, Refunded{Meta("rf-2", kMon11), Money::Yuan(50), RefundReason::kOutOfStock, ""});
  EXPECT_EQ(o.data().refunded, Money::Yuan(50));
}

TEST(OrderRefusal, EventTheStateDoesNotAcceptIsFailedPreconditionNamingStateAndEvent) {
  Order o = OrderInCheck();
  const OrderSnapshot before = o.Snapshot();
  auto r = o.Apply(Delivered{Meta("d", kMon11)});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Str(r.status().message()), HasSubstr("in_check"));
  EXPECT_THAT(Str(r.status().message()), HasSubstr("delivered"));
  EXPECT_EQ(o.Snapshot(), before);
}

TEST(OrderRefusal, MalformedEventsAreInvalidArgumentAndChangeNothing) {
  Order o("T1");
  OrderPlaced empty = SamplePlaced("", kMon10);
  EXPECT_EQ(o.Apply(empty).status().code(), absl::StatusCode::kInvalidArgument);
  OrderPlaced no_lines = SamplePlaced("e1", kMon10);
  no_lines.lines.clear();
  EXPECT_EQ(o.Apply(no_lines).status().code(), absl::StatusCode::kInvalidArgument);
  OrderPlaced no_time = SamplePlaced("e1", kMon10);
  no_time.meta.at = absl::InfinitePast();
  EXPECT_EQ(o.Apply(no_time).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(o.state(), "new");
  EXPECT_TRUE(o.applied().empty());
  Order in_check = OrderInCheck();
  EXPECT_EQ(in_check.Apply(Cancelled{Meta("cx", kMon11), size_t{7}, ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(OrderPersistence, RestoreRefusesAnotherFormatOrAnUnknownState) {
  Order o = OrderInCheck();
  OrderSnapshot s = o.Snapshot();
  s.format_version = 99;
  EXPECT_EQ(Order::Restore(s).status().code(), absl::StatusCode::kInvalidArgument);
  s = o.Snapshot();
  s.state = "F2";
  EXPECT_EQ(Order::Restore(s).status().code(), absl::StatusCode::kInvalidArgument);
}

// Restore resolves each audit record's state names to this build's static
// names (remembering the texts it resolved by where they lie): names in
// buffers of their own resolve the same, and an unknown name after known
// ones, even at a place a known one was, is still refused.
TEST(OrderPersistence, RestoreResolvesEveryRecordsStateNamesWhereverTheyLie) {
  Order o = OrderInCheck();
  MustApply(o, Pass("p"));
  const OrderSnapshot original = o.Snapshot();
  ASSERT_GE(original.applied.size(), 3u);
  // Every record's names copied into strings of their own.
  std::vector<std::string> texts;
  texts.reserve(2 * original.applied.size());
  OrderSnapshot s = original;
  for (Outcome& out : s.applied) {
    texts.emplace_back(out.audit.state_before);
    out.audit.state_before = texts.back();
    texts.emplace_back(out.audit.state_after);
    out.audit.state_after = texts.back();
  }
  auto copy = Order::Restore(s);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(copy->Snapshot(), original);
  // The restored order refers to none of the copies.
  std::vector<std::string> kept = texts;
  for (std::string& t : texts) std::fill(t.begin(), t.end(), '?');
  EXPECT_EQ(copy->Snapshot(), original);
  texts = kept;  // same buffers (same lengths): the views in `s` see them again
  // The last record's name changed in place: same place and length, other
  // text; and then unknown.
  std::string& last = texts.back();
  ASSERT_FALSE(last.empty());
  last[0] = last[0] == 'x' ? 'y' : 'x';
  EXPECT_EQ(Order::Restore(s).status().code(), absl::StatusCode::kInvalidArgument);
  last = "no_such_state";
  s.applied.back().audit.state_after = last;
  EXPECT_EQ(Order::Restore(s).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(OrderPersistence, RestoredOrderHasTheSameSnapshotAndContinuesTheSame) {
  Order o = OrderInCheck();
  auto copy = Order::Restore(o.Snapshot());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->Snapshot(), o.Snapshot());
  Outcome a = MustApply(o, Pass("p"));
  Outcome b = MustApply(*copy, Pass("p"));
  EXPECT_TRUE(SameOutcome(a, b));
  EXPECT_EQ(copy->Snapshot(), o.Snapshot());
}

}  // namespace
}  // namespace kefu
