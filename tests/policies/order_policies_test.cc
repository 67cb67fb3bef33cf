// The ORD policies on their own: defaults from the catalogue, replaceable.
#include "kefu/policies/order_policies.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/policies/courier_reach.h"
#include "kefu/policies/ticket_policies.h"

namespace kefu {
namespace {

using ::testing::HasSubstr;

Timestamp At(const char* text) {
  auto t = ParseTimestamp(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : absl::UnixEpoch();
}

// ORD-VERIFY
TEST(VerifyPolicy, AllSixChecksAllowAndAnyMissingOneRefusesListingIt) {
  const VerifyPolicy p;
  EXPECT_EQ(p.Evaluate(kAllVerificationItems).verdict, Verdict::kAllowed);
  const Decision d = p.Evaluate(kAllVerificationItems & ~VerificationBit(VerificationItem::kAddress));
  EXPECT_EQ(d.rule, "ORD-VERIFY");
  EXPECT_EQ(d.verdict, Verdict::kRefused);
  EXPECT_EQ(d.Find("missing")->Render(Language::kEn), "address");
  EXPECT_EQ(p.Evaluate(0).Find("missing")->Render(Language::kEn),
            "product, quantity, price, postage, payment method, address");
  EXPECT_EQ(p.Evaluate(0).Reason(Language::kZh),
            "F2转F3前还需核对：产品、数量、价格、邮费、付款方式、地址");
}

// ORD-VERIFY: a shop may require fewer checks.
TEST(VerifyPolicy, AShopMayRequireOnlySomeChecks) {
  VerifyPolicy p;
  p.required = VerificationBit(VerificationItem::kAddress);
  EXPECT_EQ(p.Evaluate(VerificationBit(VerificationItem::kAddress)).verdict, Verdict::kAllowed);
}

// ORD-DUP-SHIP: characters, not bytes.
TEST(Utf8EditDistance, CountsCharactersNotBytes) {
  EXPECT_EQ(Utf8EditDistance("武侯区", "武候区", 5), 1);  // 3 bytes differ, 1 character
  EXPECT_EQ(Utf8EditDistance("人民南路12号", "人民南路112号", 5), 1);
  EXPECT_EQ(Utf8EditDistance("人民南路12号", "人民南路号", 5), 2);
  EXPECT_EQ(Utf8EditDistance("", "", 1), 0);
  EXPECT_EQ(Utf8EditDistance("abc", "abc", 0), 0);
  EXPECT_EQ(Utf8EditDistance("abcdef", "uvwxyz", 2), 3);  // stops early: limit + 1
  EXPECT_EQ(Utf8EditDistance("a\xFF", "a\xFE", 3), 1);  // invalid bytes: one character each
}

// ORD-DUP-SHIP
TEST(DuplicateShipPolicy, AddressesAtMostOneCharacterApartLookAlike) {
  const DuplicateShipPolicy p;
  EXPECT_TRUE(p.AddressesLookAlike("四川省成都市武侯区人民南路四段12号",
                                   "四川省成都市武侯区人民南路四段13号"));
  EXPECT_TRUE(p.AddressesLookAlike("四川省成都市", "四川省成都市"));
  EXPECT_FALSE(p.AddressesLookAlike("四川省成都市武侯区人民南路四段12号",
                                    "四川省成都市武侯区人民南路四段99号"));
}

// ORD-MALL-COMP, the seed's numbers.
TEST(MallCompensationPolicy, FivePercentOfTheRefundCappedAtThirtyYuan) {
  const MallCompensationPolicy p;
  EXPECT_EQ(*p.Compensation(Money::Yuan(1000)), Money::Yuan(30));
  EXPECT_EQ(*p.Compensation(Money::Yuan(200)), Money::Yuan(10));
  EXPECT_EQ(*p.Compensation(Money::Fen(1234)), Money::Fen(62));  // 61.7 fen rounds up
  EXPECT_TRUE(p.Applies(Channel::kTmall, RefundReason::kOutOfStock));
  EXPECT_FALSE(p.Applies(Channel::kTaobao, RefundReason::kOutOfStock));
  EXPECT_FALSE(p.Applies(Channel::kTmall, RefundReason::kOther));
}

// ORD-OOS-NOTIFY
TEST(OutOfStockNotifyPolicy, LadderAsWrittenInTheCatalogue) {
  const OutOfStockNotifyPolicy p;
  EXPECT_EQ(p.FirstStep(Channel::kTaobao, true, StockArrival::kTomorrow), ActionKind::kImMessage);
  EXPECT_EQ(p.FirstStep(Channel::kTaobao, true, StockArrival::kUncertain), ActionKind::kCall);
  EXPECT_EQ(p.FirstStep(Channel::kTaobao, false, StockArrival::kTomorrow), ActionKind::kCall);
  EXPECT_EQ(p.FirstStep(Channel::kWebsite, true, StockArrival::kTomorrow), ActionKind::kCall);
  EXPECT_EQ(p.AfterUnreachable(), ActionKind::kSms);
  OutOfStockNotifyPolicy im;
  im.prefer_sms = false;
  EXPECT_EQ(im.AfterUnreachable(), ActionKind::kImMessage);
}

// ORD-FIN-CHECK
TEST(FinanceCheckPolicy, TransfersAndOnlineBankingWaitForFinance) {
  const FinanceCheckPolicy p;
  EXPECT_TRUE(p.Needs(PaymentMethod::kBankTransfer));
  EXPECT_TRUE(p.Needs(PaymentMethod::kAlipayTransfer));
  EXPECT_TRUE(p.Needs(PaymentMethod::kOnlineBanking));
  EXPECT_FALSE(p.Needs(PaymentMethod::kPlatform));
  EXPECT_FALSE(p.Needs(PaymentMethod::kCashOnDelivery));
}

// ORD-INVOICE
TEST(InvoicePolicy, OnlyAccessoriesByDefaultAndTheFeeOnConfiguredChannels) {
  InvoicePolicy p;
  EXPECT_TRUE(p.ContentAllowed("配件"));
  EXPECT_FALSE(p.ContentAllowed("手机"));
  EXPECT_TRUE(p.ChargesFee(Channel::kWebsite));
  EXPECT_FALSE(p.ChargesFee(Channel::kTaobao));
  p.fee_channels.push_back(Channel::kTaobao);  // e.g. the 山城棒棒军 shop
  EXPECT_TRUE(p.ChargesFee(Channel::kTaobao));
}

TEST(InvoicePolicy, AChannelsOwnFeeReplacesTheShopsFee) {
  InvoicePolicy p;  // 6% on the website
  p.channel_fees = {{Channel::kTmall, Rate::Percent(3)}, {Channel::kWebsite, Rate::BasisPoints(150)}};
  EXPECT_TRUE(p.ChargesFee(Channel::kTmall));  // not in fee_channels, has its own fee
  EXPECT_EQ(p.FeeRate(Channel::kTmall), Rate::Percent(3));
  EXPECT_EQ(p.FeeRate(Channel::kWebsite), Rate::BasisPoints(150));
  EXPECT_EQ(p.FeeRate(Channel::kTaobao), Rate::BasisPoints(0));
  EXPECT_EQ(*p.FeeFor(Channel::kTmall, Money::Yuan(200)), Money::Yuan(6));
  EXPECT_EQ(*p.FeeFor(Channel::kWebsite, Money::Yuan(200)), Money::Yuan(3));
  EXPECT_EQ(*p.FeeFor(Channel::kTaobao, Money::Yuan(200)), Money::Zero());
  p.channel_fees.clear();
  EXPECT_EQ(*p.FeeFor(Channel::kWebsite, Money::Yuan(200)), Money::Yuan(12));
}

// ORD-COD-REACH, ORD-PREPAY: which couriers exist and which are express.
TEST(CourierCoverage, DeclaredCouriersAndExpress) {
  CourierCoverage c;
  ASSERT_TRUE(c.Block("邮政", "西藏自治区").ok());
  ASSERT_TRUE(c.Block("SF", "西藏自治区").ok());
  c.Declare("SF", /*express=*/true);
  c.Declare("邮政", /*express=*/false);
  const Address lhasa{"西藏自治区", "拉萨市", "", ""};
  const Address hz{"浙江省", "杭州市", "", ""};
  EXPECT_EQ(c.IsExpress("SF"), true);
  EXPECT_EQ(c.IsExpress("邮政"), false);
  EXPECT_EQ(c.IsExpress("ZTO"), std::nullopt);
  EXPECT_TRUE(c.Delivers("ZTO", hz));  // not declared, and not only declared ones
  c.set_only_declared(true);
  EXPECT_FALSE(c.Delivers("ZTO", hz));
  EXPECT_EQ(c.CollectsCash("ZTO", hz), false);
  EXPECT_TRUE(c.Delivers("SF", hz));

  using Reach = CourierReachPolicy::Reach;
  const CourierReachPolicy p;
  EXPECT_EQ(p.Assess(&c, "SF", lhasa, PaymentMethod::kPlatform, false), Reach::kUnreachable);
  EXPECT_EQ(p.Assess(&c, "邮政", lhasa, PaymentMethod::kPlatform, false),
            Reach::kUnreachableNotExpress);
  EXPECT_EQ(p.Assess(&c, "ZTO", hz, PaymentMethod::kPlatform, false), Reach::kUnreachable);
  // A host's CourierReach that does not say (the default) counts as express.
  EXPECT_EQ(ReachEverywhere().IsExpress("SF"), std::nullopt);
}

// ORD-COD-REACH, ORD-PREPAY
TEST(CourierCoverage, BlockedAreasAndCashOnDeliveryOnlyBlindSpots) {
  CourierCoverage c;
  ASSERT_TRUE(c.Block("SF", "西藏自治区").ok());
  ASSERT_TRUE(c.Block("EMS", "四川省", "成都市", /*cod_only=*/true).ok());
  const Address lhasa{"西藏自治区", "拉萨市", "", ""};
  const Address chengdu{"四川省", "成都市", "", ""};
  EXPECT_FALSE(c.Delivers("SF", lhasa));
  EXPECT_EQ(c.CollectsCash("SF", lhasa), false);
  EXPECT_TRUE(c.Delivers("EMS", lhasa));
  EXPECT_EQ(c.CollectsCash("EMS", lhasa), true);
  EXPECT_TRUE(c.Delivers("EMS", chengdu));
  EXPECT_EQ(c.CollectsCash("EMS", chengdu), false);
  EXPECT_TRUE(CourierReachPolicy{}.AsksPrepay(Channel::kWebsite));
  EXPECT_FALSE(CourierReachPolicy{}.AsksPrepay(Channel::kTmall));
}

// ------------------------------------------ decisions the policies build

TEST(DuplicateShipPolicy, HoldsRefusesAnUnconfirmedReleaseAndReleases) {
  // ORD-DUP-SHIP
  const DuplicateShipPolicy p;
  const Decision held = p.Held("O7");
  EXPECT_EQ(held.verdict, Verdict::kAdjusted);
  EXPECT_THAT(held.Reason(Language::kEn), HasSubstr("likely duplicate of order O7"));
  EXPECT_FALSE(p.ReleaseRefusal(true, "O7").has_value());
  const std::optional<Decision> no = p.ReleaseRefusal(false, "O7");
  ASSERT_TRUE(no.has_value());
  EXPECT_EQ(no->verdict, Verdict::kRefused);
  const Decision ok = p.Released("O7", "不同收件人");
  EXPECT_EQ(ok.verdict, Verdict::kAllowed);
  EXPECT_NE(ok.Find("note"), nullptr);
}

TEST(CourierReachPolicy, AssessesTheCourierAndSaysHowTheOrderIsHeld) {
  // ORD-COD-REACH, ORD-PREPAY
  CourierCoverage c;
  ASSERT_TRUE(c.Block("SF", "西藏自治区").ok());
  ASSERT_TRUE(c.Block("EMS", "四川省", "成都市", /*cod_only=*/true).ok());
  const Address lhasa{"西藏自治区", "拉萨市", "", ""};
  const Address chengdu{"四川省", "成都市", "", ""};
  using Reach = CourierReachPolicy::Reach;
  CourierReachPolicy p;
  EXPECT_EQ(p.Assess(&c, "SF", lhasa, PaymentMethod::kPlatform, false), Reach::kUnreachable);
  EXPECT_EQ(p.Assess(&c, "EMS", chengdu, PaymentMethod::kCashOnDelivery, false), Reach::kNoCash);
  EXPECT_EQ(p.Assess(&c, "EMS", chengdu, PaymentMethod::kPlatform, false), Reach::kClear);
  EXPECT_EQ(p.Assess(nullptr, "EMS", chengdu, PaymentMethod::kCashOnDelivery, false),
            Reach::kUnchecked);
  EXPECT_EQ(p.Assess(nullptr, "EMS", chengdu, PaymentMethod::kCashOnDelivery, true),
            Reach::kClear);
  p.enabled = false;
  EXPECT_EQ(p.Assess(&c, "SF", lhasa, PaymentMethod::kPlatform, false), Reach::kClear);

  const CourierReachPolicy q;
  const Ruling website = q.Held(Reach::kUnreachable, "SF", PaymentMethod::kPlatform,
                                Channel::kWebsite);
  ASSERT_EQ(website.decisions.size(), 2u);
  EXPECT_EQ(website.decisions[1].rule, "ORD-PREPAY");
  EXPECT_EQ(website.actions.at(0).kind, ActionKind::kCall);
  const Ruling tmall = q.Held(Reach::kUnreachable, "SF", PaymentMethod::kPlatform, Channel::kTmall);
  ASSERT_EQ(tmall.decisions.size(), 1u);
  EXPECT_EQ(tmall.actions.at(0).kind, ActionKind::kOther);
  const Ruling no_cash = q.Held(Reach::kNoCash, "EMS", PaymentMethod::kCashOnDelivery,
                                Channel::kWebsite);
  ASSERT_EQ(no_cash.decisions.size(), 1u);  // no prepay: the courier reaches the address
  EXPECT_THAT(no_cash.decisions[0].Reason(Language::kEn), HasSubstr("cannot collect cash"));
  const Ruling unchecked = q.Held(Reach::kUnchecked, "EMS", PaymentMethod::kCashOnDelivery,
                                  Channel::kTaobao);
  EXPECT_THAT(unchecked.decisions.at(0).Reason(Language::kEn), HasSubstr("check that courier EMS"));

  // The post (not express) cannot reach either: held, but no payment in
  // advance is asked (ORD-PREPAY names the express courier).
  const Ruling post = q.Held(Reach::kUnreachableNotExpress, "邮政", PaymentMethod::kPlatform,
                             Channel::kWebsite);
  ASSERT_EQ(post.decisions.size(), 1u);
  EXPECT_EQ(post.decisions[0].rule, "ORD-COD-REACH");
  EXPECT_THAT(post.decisions[0].Reason(Language::kEn), HasSubstr("cannot reach"));

  const Ruling promised = q.PaymentPromised(At("2026-11-03T23:59:59+08:00"));
  EXPECT_EQ(promised.actions.at(0).kind, ActionKind::kUnpackAndRestock);
  EXPECT_TRUE(promised.actions.at(0).due.has_value());
  EXPECT_THAT(q.CourierChanged("ZTO").Reason(), HasSubstr("ZTO"));
  EXPECT_THAT(q.CourierConfirmed("ZTO", "", true).Reason(Language::kEn),
              HasSubstr("back to the order check"));
  EXPECT_EQ(q.CourierConfirmed("ZTO", "", false).Reason(Language::kEn), "courier ZTO checked");
}

TEST(FinanceCheckPolicy, AwaitsRefusesShippingUntilConfirmedAndConfirms) {
  // ORD-FIN-CHECK
  const FinanceCheckPolicy p;
  const Ruling wait = p.Awaiting(PaymentMethod::kBankTransfer, false);
  EXPECT_EQ(wait.decisions.at(0).Reason(), "待财务查帐：待付款");
  EXPECT_EQ(wait.actions.at(0).assignee, "finance");
  EXPECT_TRUE(p.ShipRefusal(PaymentMethod::kBankTransfer, false).has_value());
  EXPECT_FALSE(p.ShipRefusal(PaymentMethod::kBankTransfer, true).has_value());
  EXPECT_FALSE(p.ShipRefusal(PaymentMethod::kPlatform, false).has_value());
  EXPECT_EQ(p.Confirmed().verdict, Verdict::kAllowed);
}

TEST(ExceptionPolicy, ManualShippingAndTheEveningReconciliation) {
  // ORD-EXCEPTION, ORD-UNSHIPPED
  const ExceptionPolicy p;
  EXPECT_TRUE(p.ShipRefusal(ExceptionKind::kPostageSupplement, false).has_value());
  EXPECT_FALSE(p.ShipRefusal(ExceptionKind::kPostageSupplement, true).has_value());
  EXPECT_FALSE(p.ShipRefusal(ExceptionKind::kNone, false).has_value());
  EXPECT_EQ(p.Flagged(ExceptionKind::kPostageSupplement).verdict, Verdict::kScheduled);
  EXPECT_TRUE(p.MarkedByHand(ExceptionKind::kPostageSupplement).has_value());
  EXPECT_FALSE(p.MarkedByHand(ExceptionKind::kNone).has_value());

  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(p.CheckReconcileTime(At("2026-11-03T18:59:00+08:00"), cal).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(p.CheckReconcileTime(At("2026-11-03T19:00:00+08:00"), cal).ok());

  const Timestamp due = At("2026-11-03T23:59:59+08:00");
  const Ruling missed = p.Missed("O9", due);
  EXPECT_EQ(missed.actions.at(0).subject, "O9");
  EXPECT_EQ(missed.decisions.at(0).Reason(Language::kEn), "missed order O9");
  const Term state{"ready_to_ship", "待发货（F3）", "ready to ship (F3)"};
  const Ruling manual = p.PaidNotShipped("O9", state, true, due);
  EXPECT_EQ(manual.actions.at(0).kind, ActionKind::kMarkShipped);
  EXPECT_EQ(manual.actions.at(0).rule, "ORD-EXCEPTION");
  const Ruling tell = p.PaidNotShipped("O9", state, false, due);
  EXPECT_EQ(tell.actions.at(0).kind, ActionKind::kTellCustomer);
  EXPECT_EQ(tell.actions.at(0).rule, "ORD-UNSHIPPED");
  EXPECT_EQ(tell.decisions.at(0).Reason(Language::kEn),
            "paid today, not shipped: O9 (ready to ship (F3))");
}

TEST(OutOfStockNotifyPolicy, ReportsUnreachableAndHandled) {
  // ORD-OOS-NOTIFY
  const OutOfStockNotifyPolicy p;
  const Timestamp due = At("2026-11-03T23:59:59+08:00");
  const Ruling uncertain = p.Reported(Channel::kTaobao, "N86", StockArrival::kUncertain, true, due);
  EXPECT_EQ(uncertain.actions.at(0).kind, ActionKind::kCall);
  EXPECT_THAT(uncertain.actions.at(0).Describe(Language::kEn), HasSubstr("another style"));
  EXPECT_EQ(uncertain.actions.at(0).due, due);
  const Ruling tomorrow = p.Reported(Channel::kTaobao, "N86", StockArrival::kTomorrow, true, due);
  EXPECT_EQ(tomorrow.actions.at(0).kind, ActionKind::kImMessage);
  EXPECT_EQ(p.Unreachable(due).actions.at(0).kind, ActionKind::kSms);
  EXPECT_EQ(p.Handled(ContactResult::kAcceptedOtherStyle).verdict, Verdict::kAllowed);
}

TEST(MallCompensationPolicy, RefusesWithoutAStyleOfferAndPaysTheBuyer) {
  // ORD-MALL-COMP
  MallCompensationPolicy p;
  EXPECT_TRUE(p.StyleRefusal(false).has_value());
  EXPECT_FALSE(p.StyleRefusal(true).has_value());
  const Ruling paid = p.Compensated(Money::Yuan(100), Money::Yuan(5));
  EXPECT_EQ(paid.decisions.at(0).verdict, Verdict::kScheduled);
  EXPECT_EQ(paid.actions.at(0).kind, ActionKind::kNotifyFinance);
  EXPECT_EQ(std::get<Money>(paid.actions.at(0).Find("compensation")->value), Money::Yuan(5));
  p.require_style_offer = false;
  EXPECT_FALSE(p.StyleRefusal(false).has_value());
}

TEST(CancellationPolicy, RegistersTheScopeDueAtTheEndOfTheDay) {
  // ORD-CANCEL-REG
  const BusinessCalendar cal = BusinessCalendar::Default();
  CancellationPolicy p;
  const Ruling whole = p.Registered(std::nullopt, "客户不要了", At("2026-11-03T10:00:00+08:00"), cal);
  ASSERT_EQ(whole.actions.size(), 2u);
  EXPECT_EQ(whole.actions[0].due, cal.EndOfDay(At("2026-11-03T10:00:00+08:00")));
  EXPECT_THAT(whole.decisions.at(0).Reason(Language::kEn), HasSubstr("(whole order)"));
  p.restock = false;
  p.within_days = 1;
  const Ruling line = p.Registered("N86", "换款", At("2026-11-03T10:00:00+08:00"), cal);
  ASSERT_EQ(line.actions.size(), 1u);
  EXPECT_EQ(line.actions[0].due, cal.EndOfDay(At("2026-11-04T10:00:00+08:00")));
  EXPECT_THAT(line.decisions.at(0).Reason(), HasSubstr("N86"));
}

TEST(UnshippedAndCheckHold, DeadlinesFromTheirPolicies) {
  // ORD-UNSHIPPED, ORD-F2-HOLD
  const BusinessCalendar cal = BusinessCalendar::Default();
  const Deadline morning = UnshippedPolicy{}.ShipDayDeadline(At("2026-11-03T10:00:00+08:00"), cal);
  EXPECT_EQ(morning.warn_at, At("2026-11-03T17:00:00+08:00"));
  EXPECT_NE(FindFigure(morning.figures, "ship_day"), nullptr);
  const Deadline evening = UnshippedPolicy{}.ShipDayDeadline(At("2026-11-03T18:00:00+08:00"), cal);
  EXPECT_EQ(evening.warn_at, At("2026-11-04T17:00:00+08:00"));
  const Deadline hold = CheckHoldPolicy{}.HoldDeadline(At("2026-11-03T10:00:00+08:00"), cal);
  EXPECT_EQ(hold.due, At("2026-11-06T10:00:00+08:00"));
  EXPECT_EQ(hold.warn_at, At("2026-11-05T10:00:00+08:00"));
}

TEST(FixPolicy, PriceOnlyOnUnpaidListedChannelsAndEveryChangeAgreed) {
  // ORD-FIX
  const FixPolicy p;
  EXPECT_TRUE(p.Refusal(true, false, true, Channel::kTaobao, true).has_value());
  EXPECT_TRUE(p.Refusal(true, false, false, Channel::kTmall, true).has_value());
  EXPECT_FALSE(p.Refusal(true, false, false, Channel::kTaobao, true).has_value());
  EXPECT_TRUE(p.Refusal(false, true, true, Channel::kTmall, false).has_value());
  EXPECT_FALSE(p.Refusal(false, true, true, Channel::kTmall, true).has_value());
  EXPECT_FALSE(p.Refusal(false, false, true, Channel::kTmall, false).has_value());
  EXPECT_EQ(p.Applied(ContactChannel::kPhone).verdict, Verdict::kAdjusted);
  EXPECT_NE(p.Applied(ContactChannel::kPhone).Find("agreed_via"), nullptr);
  EXPECT_EQ(p.Applied(std::nullopt).Find("agreed_via"), nullptr);
}

TEST(PostageSupplementPolicy, NeedsTheErpCostAndChargesAtMostIt) {
  // ORD-POSTAGE-SUPP
  PostageSupplementPolicy p;
  EXPECT_EQ(p.Assess(Money::Yuan(12), std::nullopt).decision.verdict, Verdict::kRefused);
  const auto capped = p.Assess(Money::Yuan(12), Money::Yuan(10));
  EXPECT_EQ(capped.decision.verdict, Verdict::kAdjusted);
  EXPECT_EQ(capped.charged, Money::Yuan(10));
  const auto within = p.Assess(Money::Yuan(8), Money::Yuan(10));
  EXPECT_EQ(within.decision.verdict, Verdict::kAllowed);
  EXPECT_EQ(within.charged, Money::Yuan(8));
  p.require_erp_cost = false;
  EXPECT_EQ(p.Assess(Money::Yuan(12), std::nullopt).charged, Money::Yuan(12));
  p.cap_at_erp_cost = false;
  EXPECT_EQ(p.Assess(Money::Yuan(12), Money::Yuan(10)).charged, Money::Yuan(12));
}

TEST(InvoicePolicy, RefusesOtherContentChargesTheFeeAndIssues) {
  // ORD-INVOICE
  const InvoicePolicy p;
  EXPECT_FALSE(p.ContentRefusal("配件").has_value());
  EXPECT_TRUE(p.ContentRefusal("办公用品").has_value());
  EXPECT_EQ(*p.FeeFor(Channel::kWebsite, Money::Yuan(100)), Money::Yuan(6));
  EXPECT_EQ(*p.FeeFor(Channel::kTaobao, Money::Yuan(100)), Money::Zero());
  EXPECT_EQ(p.Issued(Money::Yuan(100), Money::Yuan(6), Money::Yuan(10)).Reason(Language::kEn),
            "invoice for 100.00 yuan (postage never invoiced), handling fee 6.00 yuan");
}

TEST(DefectPolicy, ThresholdsAskForTestsAndDelisting) {
  // AS-DEFECT
  const DefectPolicy p;
  EXPECT_FALSE(p.ThresholdReached("N86", 1).has_value());
  ASSERT_TRUE(p.ThresholdReached("N86", 2).has_value());
  EXPECT_EQ(p.ThresholdReached("N86", 2)->actions.at(0).kind, ActionKind::kTestBeforeShipping);
  EXPECT_EQ(p.ThresholdReached("N86", 3)->actions.at(0).kind, ActionKind::kProposeDelisting);
  EXPECT_FALSE(p.ThresholdReached("N86", 4).has_value());
  const Ruling test = DefectPolicy::TestBeforeShipping("N86-case");
  EXPECT_EQ(test.decisions.at(0).Reason(), "N86-case售后问题较多，发货前先检测");
  EXPECT_EQ(test.actions.at(0).subject, "N86-case");
}

TEST(OrderPolicies, DefaultsAreTheCataloguesValues) {
  const OrderPolicies& p = OrderPolicies::Defaults();
  EXPECT_EQ(p.duplicate_ship.max_address_edits, 1);             // ORD-DUP-SHIP
  EXPECT_EQ(p.mall_compensation.rate, Rate::Percent(5));        // ORD-MALL-COMP
  EXPECT_EQ(p.mall_compensation.cap, Money::Fen(3000));
  EXPECT_EQ(p.cancellation.within_days, 0);                     // ORD-CANCEL-REG
  EXPECT_EQ(p.check_hold.max_days, 3);                         // ORD-F2-HOLD
  EXPECT_EQ(p.unshipped.close_out_day, 3);                      // ORD-UNSHIPPED
  EXPECT_EQ(p.exception.reconcile_after, absl::Hours(19));      // ORD-EXCEPTION
  EXPECT_EQ(p.invoice.fee, Rate::Percent(6));                   // ORD-INVOICE
  EXPECT_TRUE(p.postage_supplement.require_erp_cost);           // ORD-POSTAGE-SUPP
  EXPECT_EQ(p.fix.price_adjust_channels.size(), 1u);            // ORD-FIX
}

}  // namespace
}  // namespace kefu
