// The AS policies on their own: caps, registration checks, who pays,
// evidence, ownership, the refund record and deadline arithmetic.
#include "kefu/policies/ticket_policies.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/testing/builders.h"

namespace kefu {
namespace {

using ::kefu::testing::At;

using ::testing::HasSubstr;

std::string Missing(const Decision& d) {
  const Figure* f = d.Find("missing");
  return f == nullptr ? std::string() : f->Render(Language::kEn);
}

// ---------------------------------------------------------- AS-POSTAGE-CAP

TEST(PostageCapPolicy, NineYuanInProvinceIsAdjustedToEight) {
  // AS-POSTAGE-CAP: 省内不超过8元
  const auto a = PostageCapPolicy{}.Assess(Money::Yuan(9), true, false, false, true);
  EXPECT_EQ(a.decision.rule, "AS-POSTAGE-CAP");
  EXPECT_EQ(a.decision.verdict, Verdict::kAdjusted);
  EXPECT_EQ(a.reimbursed, Money::Yuan(8));
  EXPECT_EQ(std::get<Money>(a.decision.Find("claimed")->value), Money::Yuan(9));
  EXPECT_EQ(std::get<Money>(a.decision.Find("cap")->value), Money::Yuan(8));
  EXPECT_EQ(a.decision.Reason(Language::kEn),
            "return postage 9.00 yuan exceeds the in-province cap 8.00 yuan; 8.00 yuan "
            "reimbursed");
}

TEST(PostageCapPolicy, TwelveYuanOutOfProvinceIsAdjustedToTen) {
  // AS-POSTAGE-CAP: 省外不超过10元
  const auto a = PostageCapPolicy{}.Assess(Money::Yuan(12), false, false, false, true);
  EXPECT_EQ(a.decision.verdict, Verdict::kAdjusted);
  EXPECT_EQ(a.reimbursed, Money::Yuan(10));
  EXPECT_EQ(a.decision.Reason(), "退货邮费12.00元超过省外上限10.00元，按10.00元报销");
}

TEST(PostageCapPolicy, AClaimWithinTheCapIsReimbursedInFull) {
  // AS-POSTAGE-CAP
  const auto a = PostageCapPolicy{}.Assess(Money::Yuan(8), true, false, false, true);
  EXPECT_EQ(a.decision.verdict, Verdict::kAllowed);
  EXPECT_EQ(a.reimbursed, Money::Yuan(8));
}

TEST(PostageCapPolicy, FreightCollectIsRefused) {
  // AS-POSTAGE-CAP: 拒收到付件
  const auto a = PostageCapPolicy{}.Assess(Money::Yuan(9), true, false, true, true);
  EXPECT_EQ(a.decision.verdict, Verdict::kRefused);
  EXPECT_EQ(a.reimbursed, Money::Zero());
  PostageCapPolicy lenient;
  lenient.refuse_freight_collect = false;
  EXPECT_NE(lenient.Assess(Money::Yuan(9), true, false, true, true).decision.verdict,
            Verdict::kRefused);
}

TEST(PostageCapPolicy, AQualityReturnStaysWithinItsOwnCapAndUnknownProvinceTakesTheSmallerCap) {
  // AS-POSTAGE-CAP: 质量问题 ... 邮费不要超过10元
  PostageCapPolicy shop;
  shop.out_of_province = Money::Yuan(15);
  EXPECT_EQ(shop.Assess(Money::Yuan(14), false, true, false, true).reimbursed, Money::Yuan(10));
  EXPECT_EQ(shop.Assess(Money::Yuan(14), false, false, false, true).reimbursed, Money::Yuan(14));
  EXPECT_EQ(PostageCapPolicy{}.Assess(Money::Yuan(9), std::nullopt, false, false, true).reimbursed,
            Money::Yuan(8));
}

TEST(PostageCapPolicy, NothingIsReimbursedWhenTheCustomerPays) {
  // AS-POSTAGE-CAP with AS-WHO-PAYS
  const auto a = PostageCapPolicy{}.Assess(Money::Yuan(9), true, false, false, false);
  EXPECT_EQ(a.decision.verdict, Verdict::kAllowed);
  EXPECT_EQ(a.reimbursed, Money::Zero());
}

// ------------------------------------------------------------- AS-REGISTER

TEST(RegisterPolicy, RefusesMissingCategoryDetailsAndProducts) {
  // AS-REGISTER
  const Decision d = RegisterPolicy{}.Evaluate(TicketKind::kExchange, "", "", 0);
  EXPECT_EQ(d.verdict, Verdict::kRefused);
  EXPECT_EQ(Missing(d), "category, details, products");
  EXPECT_EQ(RegisterPolicy{}.Evaluate(TicketKind::kExchange, "质量问题", "亮点", 1).verdict,
            Verdict::kAllowed);
}

TEST(RegisterPolicy, ACategoryMustBeOneOfTheShopsWhenItListsThem) {
  // AS-REGISTER: 选择在正确的事务类别
  RegisterPolicy shop;
  shop.categories = {"质量问题", "发错货"};
  EXPECT_EQ(shop.Evaluate(TicketKind::kExchange, "其他", "x", 1).verdict, Verdict::kRefused);
  EXPECT_EQ(shop.Evaluate(TicketKind::kExchange, "发错货", "x", 1).verdict, Verdict::kAllowed);
}

TEST(RegisterPolicy, ALonePostageRefundNeedsNoTicket) {
  // AS-REGISTER: 除了客户退邮费不用登记
  const RegisterPolicy p;
  EXPECT_FALSE(p.NeedsTicket(TicketKind::kPostageRefund));
  EXPECT_TRUE(p.NeedsTicket(TicketKind::kRefundOnly));
  const Decision d = p.Evaluate(TicketKind::kPostageRefund, "邮费", "x", 0);
  EXPECT_EQ(d.verdict, Verdict::kRefused);
  EXPECT_THAT(d.Reason(Language::kEn), HasSubstr("needs no ticket"));
}

TEST(RegisterPolicy, AFaultNeedsItsQcStamp) {
  // AS-REGISTER: 检查出错的需确定好QC章号
  const RegisterPolicy p;
  EXPECT_EQ(p.EvaluateFault(true, "").verdict, Verdict::kRefused);
  EXPECT_EQ(p.EvaluateFault(true, "QC-7").verdict, Verdict::kAllowed);
  EXPECT_EQ(p.EvaluateFault(false, "").verdict, Verdict::kAllowed);
}

// ------------------------------------------------------------- AS-WHO-PAYS

TEST(WhoPaysPolicy, AReturnSaysWhoPaysAndHowTheShopRepays) {
  // AS-WHO-PAYS
  const WhoPaysPolicy p;
  EXPECT_EQ(Missing(p.Evaluate(TicketKind::kExchange, PostagePayer::kUnset, PostagePayer::kUnset,
                               Repayment::kNone)),
            "return postage payer, reshipment postage payer");
  EXPECT_EQ(Missing(p.Evaluate(TicketKind::kReturnRefund, PostagePayer::kShop,
                               PostagePayer::kUnset, Repayment::kNone)),
            "repayment");
  EXPECT_EQ(p.Evaluate(TicketKind::kReturnRefund, PostagePayer::kCustomer, PostagePayer::kUnset,
                       Repayment::kNone)
                .verdict,
            Verdict::kAllowed);
  EXPECT_EQ(p.Evaluate(TicketKind::kRefundOnly, PostagePayer::kUnset, PostagePayer::kUnset,
                       Repayment::kNone)
                .verdict,
            Verdict::kAllowed);
}

// ------------------------------------------------------------- AS-EVIDENCE

TEST(EvidencePolicy, QualityRefundsNeedPhotosAndFullRefundsTheDestructionPhoto) {
  // AS-EVIDENCE
  const EvidencePolicy p;
  EXPECT_EQ(Missing(p.Evaluate(true, true, false, false)), "photos, destruction photo");
  EXPECT_EQ(Missing(p.Evaluate(true, false, true, false)), "");
  EXPECT_EQ(p.Evaluate(false, false, false, false).verdict, Verdict::kAllowed);
  EvidencePolicy lax;
  lax.photos_for_quality_refund = false;
  EXPECT_EQ(lax.Evaluate(true, false, false, false).verdict, Verdict::kAllowed);
}

// ------------------------------------------------------- AS-OWNER, HANDOFF

TEST(OwnerPolicy, OnlyTheOwnerEscalationTargetSupervisorsExemptRolesAndTheSystemAct) {
  // AS-OWNER
  OwnerPolicy p;
  p.supervisors = {"zhuguan"};
  EXPECT_TRUE(p.MayAct("xiaoli", "", "xiaoli"));
  EXPECT_FALSE(p.MayAct("xiaoli", "", "xiaowang"));
  EXPECT_TRUE(p.MayAct("xiaoli", "xiaowang", "xiaowang"));
  EXPECT_TRUE(p.MayAct("xiaoli", "", "zhuguan"));
  EXPECT_TRUE(p.MayAct("xiaoli", "", "finance"));
  EXPECT_TRUE(p.MayAct("xiaoli", "", ""));
  EXPECT_TRUE(p.MayAct("", "", "anyone"));
  p.enabled = false;
  EXPECT_TRUE(p.MayAct("xiaoli", "", "xiaowang"));
}

// -------------------------------------------------------- AS-REFUND-RECORD

TEST(RefundRecordPolicy, ListsEveryMissingField) {
  // AS-REFUND-RECORD: 处理人名字,哪个店,旺旺名,退款金额,支付宝账号
  const RefundRecordPolicy p;
  EXPECT_EQ(Missing(p.Evaluate("", "", "", "", Money::Zero())),
            "handler, shop, buyer IM name, Alipay account, amount");
  EXPECT_EQ(p.Evaluate("xiaowang", "淘宝店", "tb", "a@b", Money::Yuan(1)).verdict,
            Verdict::kAllowed);
}

// --------------------------------------------------------------- deadlines

TEST(ComputeDeadline, SevenCalendarDaysEndAtTheEndOfTheSeventhDayWithAWarningTheDayBefore) {
  // AS-RESOLVE, AS-TRACK
  auto t = ComputeDeadline(ResolvePolicy{}.terms, At("2026-11-02T10:00:00+08:00"),
                           BusinessCalendar::Default());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->due, At("2026-11-10T00:00:00+08:00"));
  EXPECT_EQ(*t->warn_at, At("2026-11-09T00:00:00+08:00"));
}

TEST(ComputeDeadline, BusinessDaysSkipWeekendsAndHolidays) {
  // AS-RETURN-WINDOW on working days
  BusinessCalendar::Options o;
  o.holidays = {absl::CivilDay(2026, 11, 9)};
  auto cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok());
  DeadlineTerms terms{2, true, 0, false};
  auto t = ComputeDeadline(terms, At("2026-11-06T10:00:00+08:00"), *cal);  // Friday
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->due, At("2026-11-12T00:00:00+08:00"));  // Tuesday 10th, then Wednesday 11th
  EXPECT_FALSE(t->warn_at.has_value());
}

TEST(ComputeDeadline, NegativeTermsAreInvalid) {
  DeadlineTerms terms{-1, false, 1, false};
  EXPECT_EQ(ComputeDeadline(terms, At("2026-11-06T10:00:00+08:00"), BusinessCalendar::Default())
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// ------------------------------------------ decisions the policies build

TEST(DedupPolicy, FiltersByCategoryAndNamesTheOpenTicket) {
  // AS-DEDUP: 不重复登记
  DedupPolicy p;
  EXPECT_EQ(p.CategoryFilter("退货"), std::optional<std::string_view>("退货"));
  p.same_category_only = false;
  EXPECT_EQ(p.CategoryFilter("退货"), std::nullopt);
  const Decision d = p.Duplicate("O1", "T1", "退货", "");
  EXPECT_EQ(d.rule, "AS-DEDUP");
  EXPECT_EQ(d.verdict, Verdict::kRefused);
  EXPECT_EQ(d.Reason(Language::kEn),
            "order O1 already has open ticket T1 (退货, owned by —): not registered twice");
}

TEST(ReceivePolicy, CashOwedInTheParcelHoldsTheReshipmentAndIsAskedFor) {
  // AS-RECEIVE: 现金放在包裹里
  const ReceivePolicy p;
  EXPECT_FALSE(p.ReshipRefusal(Repayment::kCashInParcel, Money::Zero()).has_value());
  EXPECT_FALSE(p.ReshipRefusal(Repayment::kAlipayRefund, Money::Yuan(8)).has_value());
  const std::optional<Decision> no = p.ReshipRefusal(Repayment::kCashInParcel, Money::Yuan(8));
  ASSERT_TRUE(no.has_value());
  EXPECT_EQ(no->verdict, Verdict::kRefused);
  EXPECT_EQ(std::get<Money>(no->Find("owed")->value), Money::Yuan(8));
  ReceivePolicy lax;
  lax.require_cash_before_reship = false;
  EXPECT_FALSE(lax.ReshipRefusal(Repayment::kCashInParcel, Money::Yuan(8)).has_value());

  const Ruling checklist = p.Received("xiaoli", Repayment::kAlipayRefund, Money::Yuan(8));
  EXPECT_TRUE(checklist.decisions.empty());
  ASSERT_EQ(checklist.actions.size(), 1u);
  EXPECT_EQ(checklist.actions[0].assignee, "xiaoli");
  const Ruling cash = p.Received("xiaoli", Repayment::kCashInParcel, Money::Yuan(8));
  ASSERT_EQ(cash.actions.size(), 2u);
  EXPECT_EQ(cash.actions[1].kind, ActionKind::kPutCashInParcel);
  EXPECT_THAT(cash.actions[1].Describe(), HasSubstr("8.00元"));
  EXPECT_THAT(p.CashInParcel(Money::Yuan(8)).Reason(), HasSubstr("售后单已注明"));

  EXPECT_FALSE(p.ReshipPostageRefund(Repayment::kCashInParcel, Money::Yuan(8), "h", "s", "b", "a")
                   .has_value());
  EXPECT_FALSE(p.ReshipPostageRefund(Repayment::kAlipayRefund, Money::Zero(), "h", "s", "b", "a")
                   .has_value());
  const std::optional<Action> fin =
      p.ReshipPostageRefund(Repayment::kAlipayRefund, Money::Yuan(8), "h", "s", "tb1", "a@b");
  ASSERT_TRUE(fin.has_value());
  EXPECT_EQ(fin->assignee, "finance");
  EXPECT_EQ(fin->subject, "tb1");
  EXPECT_EQ(fin->rule, "AS-RECEIVE");
}

TEST(QualityPolicy, MarksReshipmentsByPackagingAndFaults) {
  // AS-QUALITY: (质量问题更换), (无包装), (原退回包装), 更换产品区
  const QualityPolicy p;
  EXPECT_EQ(p.MarkingFor(Packaging::kIntact), "");
  EXPECT_EQ(p.MarkingFor(Packaging::kMissing), "(无包装)");
  EXPECT_EQ(p.MarkingFor(Packaging::kDamaged), "(原退回包装)");
  EXPECT_FALSE(p.PackagingAction(Packaging::kIntact, "xiaoli").has_value());
  const std::optional<Action> a = p.PackagingAction(Packaging::kMissing, "xiaoli");
  ASSERT_TRUE(a.has_value());
  EXPECT_THAT(a->Describe(), HasSubstr("(无包装)"));

  const Ruling fine = p.Tested(false, "", "xiaoli");
  ASSERT_EQ(fine.decisions.size(), 1u);
  EXPECT_TRUE(fine.actions.empty());
  const Ruling fault = p.Tested(true, "QC7", "xiaoli");
  ASSERT_EQ(fault.decisions.size(), 1u);
  EXPECT_EQ(fault.decisions[0].Reason(), "确认质量问题（QC章号QC7），按(质量问题更换)处理");
  ASSERT_EQ(fault.actions.size(), 2u);
  EXPECT_THAT(fault.actions[0].Describe(), HasSubstr("更换产品区"));
  EXPECT_THAT(fault.actions[1].Describe(), HasSubstr("(质量问题更换)"));
}

TEST(ResalePolicy, RestocksWhatCanBeSoldAndChasesTheSupplier) {
  // AS-RESALE
  const ResalePolicy p;
  const Ruling kept = p.Decided(true, {{"N86", 1}, {"B2", 2}});
  ASSERT_EQ(kept.actions.size(), 1u);
  EXPECT_EQ(kept.actions[0].kind, ActionKind::kRestock);
  EXPECT_EQ(kept.actions[0].Describe(Language::kEn), "restock with an inbound record: N86×1, B2×2");
  const Ruling damaged = p.Decided(false, {{"N86", 1}});
  EXPECT_TRUE(damaged.actions.empty());
  EXPECT_EQ(damaged.decisions[0].Reason(Language::kEn), "damaged: not restocked");
  const Decision chase = p.ExchangeRequested(At("2026-11-05T23:59:59+08:00"));
  EXPECT_EQ(chase.verdict, Verdict::kScheduled);
  EXPECT_NE(chase.Find("due"), nullptr);
}

TEST(PreferExchangePolicy, RefusesARefundUntilTheExchangeIsDeclined) {
  // AS-PREFER-EXCHANGE: 尽量建议客户换货
  PreferExchangePolicy p;
  EXPECT_TRUE(p.RefundRefusal(false, false).has_value());
  EXPECT_FALSE(p.RefundRefusal(false, true).has_value());
  EXPECT_FALSE(p.RefundRefusal(true, false).has_value());
  EXPECT_FALSE(p.RefundRefusal(std::nullopt, false).has_value());
  const std::optional<Ruling> offer = p.Proposal(false, "xiaoli", "tb1");
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(offer->decisions[0].verdict, Verdict::kScheduled);
  EXPECT_EQ(offer->actions[0].subject, "tb1");
  EXPECT_FALSE(p.Proposal(true, "xiaoli", "tb1").has_value());
  p.enabled = false;
  EXPECT_FALSE(p.RefundRefusal(false, false).has_value());
  EXPECT_FALSE(p.Proposal(false, "xiaoli", "tb1").has_value());
}

TEST(OwnerPolicy, NamesTheOwnerAndTheOverride) {
  // AS-OWNER, AS-HANDOFF
  OwnerPolicy p;
  p.supervisors = {"zhuguan"};
  const Decision no = p.NotOwner("T1", "xiaoli", "", Term{"tested", "检测", "tested"});
  EXPECT_EQ(no.verdict, Verdict::kRefused);
  EXPECT_EQ(no.Reason(Language::kEn),
            "ticket T1 is owned by xiaoli: — may not apply tested unless xiaoli hands it off "
            "(AS-HANDOFF)");
  EXPECT_TRUE(p.IsOverride("xiaoli", "zhuguan"));
  EXPECT_FALSE(p.IsOverride("xiaoli", "xiaoli"));
  EXPECT_FALSE(p.IsOverride("xiaoli", "finance"));
  EXPECT_EQ(p.HandedOff("a", "b").rule, "AS-HANDOFF");
  EXPECT_EQ(p.HandedOff("a", "b").Reason(Language::kEn), "a handed the case to b");
  EXPECT_EQ(p.Escalated("zhuguan").Reason(Language::kEn),
            "escalated to zhuguan, who may act on it");
  EXPECT_EQ(p.Unpacked("xiaoli").Reason(), "拆包客服xiaoli负责跟踪到底");
}

TEST(RefundRecordPolicy, MarksTheOrderShippedFirstAndTellsFinanceEverything) {
  // AS-REFUND-RECORD: 先点发货
  RefundRecordPolicy p;
  EXPECT_FALSE(p.MarkShippedFirst(true, "xiaoli", "O1").has_value());
  const std::optional<Action> ship = p.MarkShippedFirst(false, "xiaoli", "O1");
  ASSERT_TRUE(ship.has_value());
  EXPECT_EQ(ship->kind, ActionKind::kMarkShipped);
  EXPECT_EQ(ship->subject, "O1");
  p.mark_shipped_first = false;
  EXPECT_FALSE(p.MarkShippedFirst(false, "xiaoli", "O1").has_value());
  const Action fin =
      p.FinanceNotice("cw", "xiaoli", "淘宝店", "tb1", Money::Yuan(30), "a@b", Money::Zero());
  EXPECT_EQ(fin.assignee, "cw");
  EXPECT_EQ(fin.Find("postage"), nullptr);
  EXPECT_EQ(fin.Describe(Language::kEn),
            "Alipay refund: handler xiaoli, shop 淘宝店, buyer tb1, amount 30.00 yuan, Alipay "
            "account a@b");
  EXPECT_NE(p.FinanceNotice("cw", "x", "s", "b", Money::Yuan(38), "a", Money::Yuan(8))
                .Find("postage"),
            nullptr);
}

TEST(DeadlineBreached, RecordsWhenItWasDueAndWhenItWasDone) {
  const Decision d = DeadlineBreached("AS-RESOLVE", At("2026-11-09T23:59:59+08:00"),
                                      At("2026-11-10T10:00:00+08:00"));
  EXPECT_EQ(d.rule, "AS-RESOLVE");
  EXPECT_EQ(d.verdict, Verdict::kAllowed);
  EXPECT_THAT(d.Reason(Language::kEn), HasSubstr("breached"));
  EXPECT_NE(d.Find("done"), nullptr);
  EXPECT_EQ(EvidencePolicy{}.Recorded().verdict, Verdict::kAllowed);
}

TEST(TicketPolicies, DefaultsAreTheCataloguesValues) {
  const TicketPolicies& p = TicketPolicies::Defaults();
  EXPECT_EQ(p.return_window.terms.days, 2);
  EXPECT_EQ(p.resolve.terms.days, 7);
  EXPECT_EQ(p.track.terms.days, 7);
  EXPECT_EQ(p.postage_cap.in_province, Money::Fen(800));
  EXPECT_EQ(p.postage_cap.out_of_province, Money::Fen(1000));
  EXPECT_EQ(p.resale.exchange.days, 2);
  EXPECT_EQ(p.defect.test_at, 2);
  EXPECT_EQ(p.defect.delist_at, 3);
  EXPECT_EQ(p.weekly.report_day, absl::Weekday::saturday);
  EXPECT_EQ(p.quality.fault_marking, "(质量问题更换)");
}

}  // namespace
}  // namespace kefu
