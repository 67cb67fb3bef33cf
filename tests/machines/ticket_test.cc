// The after-sales ticket machine: lifecycles, every AS rule it enforces,
// refusals, idempotency and the audit record.
#include "kefu/machines/ticket.h"

#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/machines/open_tickets.h"
#include "machines/machine_test_util.h"
#include "machines/ticket_test_util.h"

namespace kefu {
namespace {

using ::kefu::ticket_testing::At;
using ::kefu::ticket_testing::FigureAs;
using ::kefu::ticket_testing::FindAction;
using ::kefu::ticket_testing::FindDeadline;
using ::kefu::ticket_testing::Meta;
using ::kefu::ticket_testing::Monday;
using ::kefu::ticket_testing::MustApply;
using ::kefu::ticket_testing::SampleRegistered;
using ::kefu::ticket_testing::ToInspecting;
using ::kefu::testing::ExpectRefusedAndRemembered;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ------------------------------------------------------------- lifecycles

TEST(Ticket, ReturnForRefundRunsFromRegistrationToClosed) {
  Ticket t("T1");
  EXPECT_EQ(t.state(), "new");
  EXPECT_FALSE(t.open());
  ToInspecting(t, SampleRegistered("reg", Monday()));
  EXPECT_EQ(t.state(), "inspecting");
  MustApply(t, ItemTested{Meta("test", Monday() + absl::Hours(50)), false, ""});
  MustApply(t, ResaleDecided{Meta("resale", Monday() + absl::Hours(50)), true, true});
  MustApply(t, RefundSentToFinance{Meta("refund", Monday() + absl::Hours(51)), Money::Yuan(120),
                                   Money::Zero(), false, false, false, "", ""});
  EXPECT_EQ(t.state(), "awaiting_finance");
  MustApply(t, RefundPaid{Meta("paid", Monday() + absl::Hours(60), "finance")});
  EXPECT_EQ(t.state(), "refunded");
  MustApply(t, TicketClosed{Meta("close", Monday() + absl::Hours(61)), ""});
  EXPECT_EQ(t.state(), "closed");
  EXPECT_FALSE(t.open());
  EXPECT_EQ(t.applied().size(), 10u);
  EXPECT_TRUE(t.BreachesAt(Monday() + absl::Hours(24 * 30)).empty());
}

TEST(Ticket, ExchangeThroughTheSupplierIsReshippedWithCashInTheParcel) {
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kExchange);
  reg.repayment = Repayment::kCashInParcel;
  ToInspecting(t, reg, Money::Yuan(6));
  MustApply(t, SupplierExchangeRequested{Meta("sx", Monday() + absl::Hours(50))});
  EXPECT_EQ(t.state(), "awaiting_supplier");
  MustApply(t, SupplierExchangeReceived{Meta("sxr", Monday() + absl::Hours(70), "warehouse")});
  EXPECT_EQ(t.state(), "inspecting");
  MustApply(t, CashPutInParcel{Meta("cash", Monday() + absl::Hours(71)), Money::Yuan(6)});
  MustApply(t, Reshipped{Meta("reship", Monday() + absl::Hours(72)), "SF2"});
  EXPECT_EQ(t.state(), "reshipped");
  MustApply(t, TicketClosed{Meta("close", Monday() + absl::Hours(100)), ""});
  EXPECT_EQ(t.state(), "closed");
  EXPECT_EQ(t.data().cash_in_parcel, Money::Yuan(6));
  EXPECT_EQ(t.data().PostageOwed(), Money::Zero());
}

TEST(Ticket, RefundOnlyNeedsNoReturn) {
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kRefundOnly);
  MustApply(t, reg);
  // The goods stay with the customer: there is no return to agree.
  auto agreed = t.Apply(ReturnAgreed{Meta("agree", Monday())});
  EXPECT_EQ(agreed.status().code(), absl::StatusCode::kFailedPrecondition);
  MustApply(t, RefundSentToFinance{Meta("refund", Monday() + absl::Hours(1)), Money::Yuan(20),
                                   Money::Zero(), false, false, false, "", ""});
  EXPECT_EQ(t.state(), "awaiting_finance");
}

TEST(Ticket, AReturnMustArriveBeforeItsRefund) {
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  auto r = t.Apply(RefundSentToFinance{Meta("refund", Monday()), Money::Yuan(20), Money::Zero(),
                                       false, false, false, "", ""});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(t.state(), "registered");
}

// ------------------------------------------------------------ refusals

TEST(Ticket, AnEventTheStateDoesNotAcceptIsFailedPreconditionAndChangesNothing) {
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  const TicketSnapshot before = t.Snapshot();
  auto r = t.Apply(Reshipped{Meta("reship", Monday()), "SF"});
  ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("registered"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("reshipped"));
  EXPECT_EQ(t.Snapshot(), before);
}

TEST(Ticket, MalformedEventsAreInvalidArgument) {
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday());
  reg.order_id.clear();
  EXPECT_EQ(t.Apply(reg).status().code(), absl::StatusCode::kInvalidArgument);
  reg = SampleRegistered("", Monday());
  EXPECT_EQ(t.Apply(reg).status().code(), absl::StatusCode::kInvalidArgument);
  MustApply(t, SampleRegistered("reg", Monday()));
  MustApply(t, ReturnAgreed{Meta("agree", Monday())});
  EXPECT_EQ(t.Apply(ReturnShipped{Meta("ship", Monday()), Money::Fen(-1), false, ""})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.Apply(HandedOff{Meta("h", Monday()), "", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.state(), "awaiting_return");
}

// ---------------------------------------------------- idempotency, audit

TEST(Ticket, TheSameEventIdTwiceReturnsTheFirstOutcomeAndChangesNothing) {
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday()));
  const RefundSentToFinance refund{Meta("refund", Monday() + absl::Hours(51)), Money::Yuan(120),
                                   Money::Zero(), false, false, false, "", ""};
  const Outcome first = MustApply(t, refund);
  const TicketSnapshot after_first = t.Snapshot();
  auto again = t.Apply(refund);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->audit.duplicate);
  Outcome expected = first;
  expected.audit.duplicate = true;
  EXPECT_TRUE(SameOutcome(*again, expected));
  EXPECT_EQ(t.Snapshot(), after_first);
  EXPECT_EQ(t.data().costs.size(), 2u);  // refund + postage, once
}

TEST(Ticket, EveryAppliedEventYieldsAnAuditRecord) {
  Ticket t("T1");
  const Outcome o = MustApply(t, SampleRegistered("reg", Monday()));
  EXPECT_EQ(o.entity, "T1");
  EXPECT_EQ(o.audit.event_id, "reg");
  EXPECT_EQ(o.audit.event_type, "registered");
  EXPECT_EQ(o.audit.agent, "小王");
  EXPECT_EQ(o.audit.at, Monday());
  EXPECT_EQ(o.audit.state_before, "new");
  EXPECT_EQ(o.audit.state_after, "registered");
  EXPECT_FALSE(o.audit.duplicate);
  EXPECT_THAT(o.audit.verdicts,
              ElementsAre(RuleVerdict{"AS-REGISTER", Verdict::kAllowed},
                          RuleVerdict{"AS-WHO-PAYS", Verdict::kAllowed}));
  ASSERT_EQ(t.applied().size(), 1u);
  EXPECT_TRUE(SameOutcome(t.applied()[0], o));
}

// ------------------------------------------------------------ AS-REGISTER

TEST(TicketRegister, RegistrationWithoutCategoryOrDetailsIsRefusedNamingWhatIsMissing) {
  // AS-REGISTER
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday());
  reg.category.clear();
  reg.details.clear();
  auto r = t.Apply(reg);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->refused());
  const Decision* d = r->Find("AS-REGISTER");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kRefused);
  EXPECT_EQ(d->Find("missing")->Render(Language::kEn), "category, details");
  EXPECT_EQ(t.state(), "new");
  ASSERT_EQ(t.applied().size(), 1u);  // the refusal is remembered under its id
  EXPECT_TRUE(t.applied()[0].audit.refused);
  // The corrected registration is another event, with its own id.
  reg.meta.id = "reg-2";
  reg.category = "质量问题";
  reg.details = "屏幕有亮点";
  MustApply(t, reg);
  EXPECT_EQ(t.state(), "registered");
}

TEST(TicketRegister, ALonePostageRefundNeedsNoTicketAndTheOutcomeSaysSo) {
  // AS-REGISTER
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kPostageRefund);
  auto r = t.Apply(reg);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->refused());
  EXPECT_THAT(r->Find("AS-REGISTER")->Reason(Language::kEn), HasSubstr("needs no ticket"));
  EXPECT_EQ(t.state(), "new");
  // A shop that wants them registered anyway says so in its pack.
  TicketPolicies pack;
  pack.register_.register_lone_postage_refunds = true;
  reg.meta.id = "reg-2";
  MustApply(t, reg, TicketEnvironment{{}, &pack, nullptr, nullptr});
  EXPECT_EQ(t.state(), "registered");
}

TEST(TicketRegister, AConfirmedFaultWithoutQcStampIsRefused) {
  // AS-REGISTER: 检查出错的需确定好QC章号
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday()));
  auto r = t.Apply(ItemTested{Meta("test", Monday() + absl::Hours(50)), true, ""});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->refused());
  EXPECT_EQ(r->Find("AS-REGISTER")->verdict, Verdict::kRefused);
  EXPECT_FALSE(t.data().tested);
  MustApply(t, ItemTested{Meta("test-2", Monday() + absl::Hours(50)), true, "QC-07"});
  EXPECT_EQ(t.data().qc_stamp, "QC-07");
}

// --------------------------------------------------------------- AS-DEDUP

TEST(TicketDedup, ASecondOpenTicketForTheSameOrderAndCategoryIsRefusedNamingTheFirst) {
  // AS-DEDUP
  InMemoryOpenTickets open_tickets;
  TicketEnvironment env{{}, nullptr, nullptr, &open_tickets};
  Ticket first("T1");
  MustApply(first, SampleRegistered("reg1", Monday()), env);
  open_tickets.Update(first);

  Ticket second("T2");
  TicketRegistered reg = SampleRegistered("reg2", Monday() + absl::Hours(2));
  reg.meta.agent = "xiaoli";
  auto r = second.Apply(reg, env);
  // A rule refusing is an outcome naming the rule, never an error status.
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->refused());
  const Decision* dedup = r->Find("AS-DEDUP");
  ASSERT_NE(dedup, nullptr);
  EXPECT_EQ(dedup->verdict, Verdict::kRefused);
  EXPECT_EQ(FigureAs<std::string>(dedup->Find("ticket")), "T1");
  EXPECT_EQ(FigureAs<std::string>(dedup->Find("owner")), "小王");
  EXPECT_THAT(dedup->Reason(Language::kEn), HasSubstr("already has open ticket T1"));
  EXPECT_EQ(second.state(), "new");

  // Another category of the same order is another case.
  reg.meta.id = "reg2-b";
  reg.category = "发错货";
  MustApply(second, reg, env);
}

TEST(TicketDedup, AClosedTicketNoLongerBlocksANewOne) {
  // AS-DEDUP
  InMemoryOpenTickets open_tickets;
  TicketEnvironment env{{}, nullptr, nullptr, &open_tickets};
  Ticket first("T1");
  MustApply(first, SampleRegistered("reg1", Monday()), env);
  open_tickets.Update(first);
  MustApply(first, TicketClosed{Meta("close", Monday() + absl::Hours(1)), "settled"}, env);
  open_tickets.Update(first);
  EXPECT_EQ(open_tickets.size(), 0u);
  Ticket second("T2");
  MustApply(second, SampleRegistered("reg2", Monday() + absl::Hours(2)), env);
}

// ------------------------------------ AS-RETURN-WINDOW, AS-RESOLVE, AS-TRACK

TEST(TicketDeadlines, RegistrationSetsResolveAndTrackWithAWarningOneDayBefore) {
  // AS-RESOLVE, AS-TRACK: registered Monday 10:00 -> due at the end of next
  // Monday, warned at the start of it.
  Ticket t("T1");
  const Outcome o = MustApply(t, SampleRegistered("reg", Monday()));
  for (RuleId rule : {RuleId("AS-RESOLVE"), RuleId("AS-TRACK")}) {
    const kefu::Deadline* d = FindDeadline(o, rule, DeadlineOp::kSet);
    ASSERT_NE(d, nullptr) << rule;
    EXPECT_EQ(d->due, At("2026-11-10T00:00:00+08:00")) << rule;
    ASSERT_TRUE(d->warn_at.has_value());
    EXPECT_EQ(*d->warn_at, At("2026-11-09T00:00:00+08:00")) << rule;
  }
}

TEST(TicketDeadlines, ReturnAgreedGivesTheCustomerTwoDaysToSendTheGoods) {
  // AS-RETURN-WINDOW
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  const Outcome o = MustApply(t, ReturnAgreed{Meta("agree", Monday() + absl::Hours(1))});
  const kefu::Deadline* d = FindDeadline(o, "AS-RETURN-WINDOW", DeadlineOp::kSet);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->due, At("2026-11-05T00:00:00+08:00"));
  EXPECT_EQ(*d->warn_at, At("2026-11-04T00:00:00+08:00"));
  // Shipping in time cancels it.
  const Outcome shipped = MustApply(
      t, ReturnShipped{Meta("ship", At("2026-11-04T15:00:00+08:00")), Money::Yuan(5), false, ""});
  EXPECT_NE(FindDeadline(shipped, "AS-RETURN-WINDOW", DeadlineOp::kCancel), nullptr);
  EXPECT_TRUE(t.BreachesAt(At("2026-11-06T00:00:00+08:00")).empty());
}

TEST(TicketDeadlines, Day8AfterRegistrationWithoutReshipmentOrRefundIsABreach) {
  // AS-RESOLVE (seed: 从做售后登记重新发货或退款的时间不要超过7天)
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  EXPECT_TRUE(t.BreachesAt(At("2026-11-09T23:59:59+08:00")).empty());
  const std::vector<RuleId> day8 = t.BreachesAt(At("2026-11-10T09:00:00+08:00"));
  EXPECT_THAT(day8, ElementsAre("AS-RESOLVE", "AS-TRACK"));
}

TEST(TicketDeadlines, AReshipmentOnDay9IsRecordedAsLate) {
  // AS-RESOLVE
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kExchange);
  ToInspecting(t, reg);
  const Outcome o = MustApply(t, Reshipped{Meta("reship", At("2026-11-10T11:00:00+08:00")), ""});
  const Decision* late = o.Find("AS-RESOLVE");
  ASSERT_NE(late, nullptr);
  EXPECT_THAT(late->Reason(Language::kEn), HasSubstr("breached"));
  EXPECT_THAT(t.BreachesAt(At("2026-11-10T11:00:00+08:00")), ElementsAre("AS-RESOLVE",
                                                                          "AS-TRACK"));
  // Closing meets AS-TRACK (late too) and nothing stays open.
  MustApply(t, TicketClosed{Meta("close", At("2026-11-10T12:00:00+08:00")), ""});
  for (const TicketDeadline& d : t.data().deadlines) EXPECT_TRUE(d.met_at.has_value()) << d.rule;
}

TEST(TicketDeadlines, WaitingOnTheSupplierPausesTheClockWhenThePackSaysSo) {
  // AS-RESOLVE, AS-TRACK paused; AS-RESALE runs on the supplier itself.
  TicketPolicies pack;
  pack.resolve.terms.pause_while_supplier = true;
  pack.track.terms.pause_while_supplier = true;
  const TicketEnvironment env{{}, &pack, nullptr, nullptr};
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday(), TicketKind::kExchange), Money::Yuan(6), env);
  const Outcome req = MustApply(
      t, SupplierExchangeRequested{Meta("sx", At("2026-11-05T10:00:00+08:00"))}, env);
  EXPECT_NE(FindDeadline(req, "AS-RESOLVE", DeadlineOp::kPause), nullptr);
  EXPECT_NE(FindDeadline(req, "AS-TRACK", DeadlineOp::kPause), nullptr);
  const kefu::Deadline* resale = FindDeadline(req, "AS-RESALE", DeadlineOp::kSet);
  ASSERT_NE(resale, nullptr);
  EXPECT_EQ(resale->due, At("2026-11-08T00:00:00+08:00"));
  // Paused: not a breach although the original due time passed.
  EXPECT_THAT(t.BreachesAt(At("2026-11-10T12:00:00+08:00")), ElementsAre("AS-RESALE"));
  const Outcome back = MustApply(
      t, SupplierExchangeReceived{Meta("sxr", At("2026-11-07T10:00:00+08:00"), "warehouse")},
      env);
  const kefu::Deadline* resumed = FindDeadline(back, "AS-RESOLVE", DeadlineOp::kResume);
  ASSERT_NE(resumed, nullptr);
  EXPECT_EQ(resumed->due, At("2026-11-12T00:00:00+08:00"));  // two days later
  EXPECT_EQ(*resumed->warn_at, At("2026-11-11T00:00:00+08:00"));
}

TEST(TicketDeadlines, ByDefaultTheSupplierWaitDoesNotPauseTheClock) {
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday(), TicketKind::kExchange));
  const Outcome req =
      MustApply(t, SupplierExchangeRequested{Meta("sx", Monday() + absl::Hours(50))});
  EXPECT_EQ(FindDeadline(req, "AS-RESOLVE", DeadlineOp::kPause), nullptr);
}

TEST(TicketDeadlines, BusinessDayTermsSkipTheWeekend) {
  // AS-RETURN-WINDOW counted in working days: agreed Friday -> due end of
  // Tuesday.
  TicketPolicies pack;
  pack.return_window.terms.business_days = true;
  const TicketEnvironment env{{}, &pack, nullptr, nullptr};
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", At("2026-11-06T10:00:00+08:00")), env);
  const Outcome o =
      MustApply(t, ReturnAgreed{Meta("agree", At("2026-11-06T11:00:00+08:00"))}, env);
  EXPECT_EQ(FindDeadline(o, "AS-RETURN-WINDOW", DeadlineOp::kSet)->due,
            At("2026-11-11T00:00:00+08:00"));
}

// --------------------------------------------------------- AS-POSTAGE-CAP

TEST(TicketPostage, NineYuanInProvinceIsCappedToEight) {
  // AS-POSTAGE-CAP (seed: 省内不超过8元)
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  MustApply(t, ReturnAgreed{Meta("agree", Monday())});
  const Outcome o =
      MustApply(t, ReturnShipped{Meta("ship", Monday()), Money::Yuan(9), false, "SF1"});
  const Decision* d = o.Find("AS-POSTAGE-CAP");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kAdjusted);
  EXPECT_EQ(FigureAs<Money>(d->Find("claimed")), Money::Yuan(9));
  EXPECT_EQ(FigureAs<Money>(d->Find("cap")), Money::Yuan(8));
  EXPECT_EQ(d->Reason(), "退货邮费9.00元超过省内上限8.00元，按8.00元报销");
  EXPECT_EQ(t.data().postage_reimbursed, Money::Yuan(8));
  EXPECT_EQ(t.data().PostageOwed(), Money::Yuan(8));
}

TEST(TicketPostage, TwelveYuanOutOfProvinceIsCappedToTen) {
  // AS-POSTAGE-CAP (seed: 省外不超过10元)
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday());
  reg.customer_province = "四川省";
  MustApply(t, reg);
  MustApply(t, ReturnAgreed{Meta("agree", Monday())});
  const Outcome o =
      MustApply(t, ReturnShipped{Meta("ship", Monday()), Money::Yuan(12), false, "SF1"});
  const Decision* d = o.Find("AS-POSTAGE-CAP");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kAdjusted);
  EXPECT_EQ(FigureAs<Money>(d->Find("claimed")), Money::Yuan(12));
  EXPECT_EQ(FigureAs<Money>(d->Find("cap")), Money::Yuan(10));
  EXPECT_EQ(t.data().postage_reimbursed, Money::Yuan(10));
}

TEST(TicketPostage, ShortAndFullNamesOfOneProvinceAreInProvince) {
  // AS-POSTAGE-CAP: a customer in 浙江 writing to a shop in 浙江省 is in
  // province (8 yuan), whatever the spelling; 内蒙古 and 内蒙古自治区 too.
  for (const auto& [customer, shop] : {std::pair<const char*, const char*>{"浙江", "浙江省"},
                                       {"内蒙古", "内蒙古自治区"},
                                       {" 北京市 ", "北京"},
                                       {"廣西", "广西壮族自治区"}}) {
    SCOPED_TRACE(std::string(customer) + " / " + shop);
    Ticket t("T1");
    TicketRegistered reg = SampleRegistered("reg", Monday());
    reg.customer_province = customer;
    reg.shop_province = shop;
    MustApply(t, reg);
    MustApply(t, ReturnAgreed{Meta("agree", Monday())});
    const Outcome o =
        MustApply(t, ReturnShipped{Meta("ship", Monday()), Money::Yuan(9), false, "SF1"});
    const Decision* d = o.Find("AS-POSTAGE-CAP");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(FigureAs<Money>(d->Find("cap")), Money::Yuan(8));
    EXPECT_EQ(t.data().postage_reimbursed, Money::Yuan(8));
    EXPECT_EQ(t.data().customer_province, customer);  // kept as written
  }
}

TEST(TicketPostage, AnUnknownProvinceIsRefusedAsMalformedAndChangesNothing) {
  // AS-POSTAGE-CAP: a province that is none of the 34 is an error naming it.
  for (const char* field : {"customer_province", "shop_province"}) {
    SCOPED_TRACE(field);
    Ticket t("T1");
    TicketRegistered reg = SampleRegistered("reg", Monday());
    (std::string_view(field) == "customer_province" ? reg.customer_province
                                                     : reg.shop_province) = "浙";
    const TicketSnapshot before = t.Snapshot();
    auto r = t.Apply(reg);
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(field), absl::string_view::npos) << r.status();
    EXPECT_NE(r.status().message().find("\"浙\" is not a province"), absl::string_view::npos)
        << r.status();
    EXPECT_EQ(t.Snapshot(), before);
    EXPECT_EQ(t.applied_count(), 0u);
  }
}

TEST(TicketPostage, AFreightCollectParcelIsRefusedAndTheTicketIsUnchanged) {
  // AS-POSTAGE-CAP (seed: 拒收到付件)
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  MustApply(t, ReturnAgreed{Meta("agree", Monday())});
  const TicketSnapshot before = t.Snapshot();
  auto r = t.Apply(ReturnShipped{Meta("ship", Monday()), Money::Yuan(9), true, "SF1"});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->refused());
  EXPECT_EQ(r->Find("AS-POSTAGE-CAP")->verdict, Verdict::kRefused);
  EXPECT_EQ(r->audit.state_after, "awaiting_return");
  ExpectRefusedAndRemembered(t, before, "ship");
}

TEST(TicketPostage, ACustomerWhoPaysTheReturnIsReimbursedNothing) {
  // AS-POSTAGE-CAP with AS-WHO-PAYS
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday());
  reg.return_postage = PostagePayer::kCustomer;
  reg.repayment = Repayment::kNone;
  MustApply(t, reg);
  MustApply(t, ReturnAgreed{Meta("agree", Monday())});
  MustApply(t, ReturnShipped{Meta("ship", Monday()), Money::Yuan(12), false, ""});
  EXPECT_EQ(t.data().postage_reimbursed, Money::Zero());
  EXPECT_EQ(t.data().PostageOwed(), Money::Zero());
}

// ------------------------------------------------------------ AS-WHO-PAYS

TEST(TicketWhoPays, AReturnThatDoesNotSayWhoPaysIsRefused) {
  // AS-WHO-PAYS
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kExchange);
  reg.reship_postage = PostagePayer::kUnset;
  reg.repayment = Repayment::kNone;
  auto r = t.Apply(reg);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->refused());
  const Decision* d = r->Find("AS-WHO-PAYS");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->Find("missing")->Render(Language::kEn), "reshipment postage payer, repayment");
}

// ------------------------------------------------------------- AS-RECEIVE

TEST(TicketReceive, ReceivingAReturnListsTheChecksAndTheCashForTheParcel) {
  // AS-RECEIVE
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kExchange);
  reg.repayment = Repayment::kCashInParcel;
  reg.repayment_amount = Money::Yuan(10);
  MustApply(t, reg);
  MustApply(t, ReturnAgreed{Meta("agree", Monday())});
  // No return_shipped event: the registered 10 yuan are owed.
  const Outcome o = MustApply(t, ParcelReceived{Meta("recv", Monday() + absl::Hours(30)), ""});
  const Action* check = FindAction(o, ActionKind::kOther);
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->rule, "AS-RECEIVE");
  const Action* cash = FindAction(o, ActionKind::kPutCashInParcel);
  ASSERT_NE(cash, nullptr);
  EXPECT_EQ(FigureAs<Money>(cash->Find("amount")), Money::Yuan(10));
  EXPECT_THAT(cash->Describe(), HasSubstr("售后单上注明"));
}

TEST(TicketReceive, ReshippingBeforeTheCashIsInTheParcelIsRefused) {
  // AS-RECEIVE: 附现金的需附现金在包裹里
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kExchange);
  reg.repayment = Repayment::kCashInParcel;
  ToInspecting(t, reg, Money::Yuan(9));
  auto r = t.Apply(Reshipped{Meta("reship", Monday() + absl::Hours(60)), "SF2"});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->refused());
  EXPECT_EQ(FigureAs<Money>(r->Find("AS-RECEIVE")->Find("owed")), Money::Yuan(8));
  MustApply(t, CashPutInParcel{Meta("cash", Monday() + absl::Hours(60)), Money::Yuan(8)});
  MustApply(t, Reshipped{Meta("reship-2", Monday() + absl::Hours(61)), "SF2"});
  ASSERT_EQ(t.data().costs.size(), 1u);
  EXPECT_EQ(t.data().costs[0].kind, CostKind::kCashInParcel);
}

TEST(TicketReceive, AReshipmentRepaidByAlipayNotifiesFinance) {
  // AS-RECEIVE: 如果需重新补发,需支付宝付款的,通知财务
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday(), TicketKind::kExchange), Money::Yuan(7));
  const Outcome o = MustApply(t, Reshipped{Meta("reship", Monday() + absl::Hours(60)), "SF2"});
  const Action* fin = FindAction(o, ActionKind::kNotifyFinance);
  ASSERT_NE(fin, nullptr);
  EXPECT_EQ(fin->rule, "AS-RECEIVE");
  EXPECT_EQ(fin->assignee, "finance");
  EXPECT_EQ(FigureAs<Money>(fin->Find("amount")), Money::Yuan(7));
  EXPECT_EQ(t.data().PostageOwed(), Money::Zero());
}

// ------------------------------------------------------ AS-REFUND-RECORD

TEST(TicketRefundRecord, ARefundNotifiesFinanceWithHandlerShopBuyerAmountAndAccount) {
  // AS-REFUND-RECORD, AS-RECEIVE: refund and postage refund -> finance
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday()), Money::Yuan(9));
  const Outcome o =
      MustApply(t, RefundSentToFinance{Meta("refund", Monday() + absl::Hours(51)),
                                       Money::Yuan(120), Money::Zero(), false, false, false, "", ""});
  const Action* fin = FindAction(o, ActionKind::kNotifyFinance);
  ASSERT_NE(fin, nullptr);
  EXPECT_EQ(fin->rule, "AS-REFUND-RECORD");
  EXPECT_EQ(FigureAs<std::string>(fin->Find("handler")), "小王");
  EXPECT_EQ(FigureAs<std::string>(fin->Find("shop")), "淘宝店");
  EXPECT_EQ(FigureAs<std::string>(fin->Find("buyer_im")), "tb_buyer_01");
  EXPECT_EQ(FigureAs<Money>(fin->Find("amount")), Money::Yuan(128));  // 120 + 8 postage
  EXPECT_EQ(FigureAs<std::string>(fin->Find("alipay_account")), "buyer@example.com");
  EXPECT_EQ(FindAction(o, ActionKind::kMarkShipped), nullptr);
}

TEST(TicketRefundRecord, AnOrderNotMarkedShippedIsMarkedShippedBeforeTheRefund) {
  // AS-REFUND-RECORD: 如未点发货需要直接退的,先点发货再发邮件
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kRefundOnly);
  reg.order_marked_shipped = false;
  MustApply(t, reg);
  const Outcome o = MustApply(t, RefundSentToFinance{Meta("refund", Monday()), Money::Yuan(20),
                                                     Money::Zero(), false, false, false, "", ""});
  ASSERT_EQ(o.actions.size(), 2u);
  EXPECT_EQ(o.actions[0].kind, ActionKind::kMarkShipped);
  EXPECT_EQ(o.actions[0].subject, "O-1001");
  EXPECT_EQ(o.actions[1].kind, ActionKind::kNotifyFinance);
  EXPECT_TRUE(t.data().order_marked_shipped);
}

TEST(TicketRefundRecord, ARefundWithoutAlipayAccountIsRefused) {
  // AS-REFUND-RECORD
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kRefundOnly);
  reg.alipay_account.clear();
  MustApply(t, reg);
  auto r = t.Apply(RefundSentToFinance{Meta("refund", Monday()), Money::Yuan(20), Money::Zero(),
                                       false, false, false, "", ""});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->refused());
  EXPECT_EQ(r->Find("AS-REFUND-RECORD")->Find("missing")->Render(Language::kEn),
            "Alipay account");
  EXPECT_EQ(t.state(), "registered");
  RefundSentToFinance fixed{Meta("refund-2", Monday()), Money::Yuan(20), Money::Zero(), false,
                            false, false, "buyer@example.com", ""};
  MustApply(t, fixed);
  EXPECT_EQ(t.data().alipay_account, "buyer@example.com");
}

// ------------------------------------------------------------- AS-QUALITY

TEST(TicketQuality, AConfirmedFaultGoesToTheReplacementAreaWithTheMarking) {
  // AS-QUALITY: (质量问题更换)
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday(), TicketKind::kExchange));
  const Outcome o = MustApply(t, ItemTested{Meta("test", Monday() + absl::Hours(50)), true,
                                            "QC-07"});
  const Decision* d = o.Find("AS-QUALITY");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(FigureAs<std::string>(d->Find("marking")), "(质量问题更换)");
  ASSERT_EQ(o.actions.size(), 2u);
  EXPECT_THAT(o.actions[0].Describe(), HasSubstr("更换产品区"));
  EXPECT_THAT(o.actions[1].Describe(), HasSubstr("(质量问题更换)"));
  EXPECT_EQ(t.data().marking, "(质量问题更换)");
}

TEST(TicketQuality, GoodsReturnedWithoutPackagingAreMarkedForReshipment) {
  // AS-QUALITY: 没有包装/包装损坏 -> 重新发货也不带包装/用原包装, marked
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday(), TicketKind::kExchange));
  MustApply(t, ReturnAgreed{Meta("agree", Monday())});
  MustApply(t, ParcelReceived{Meta("recv", Monday()), ""});
  const Outcome o =
      MustApply(t, PackagingChecked{Meta("pack", Monday()), Packaging::kMissing, true});
  const Action* a = FindAction(o, ActionKind::kOther);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->rule, "AS-QUALITY");
  EXPECT_EQ(t.data().marking, "(无包装)");
}

// -------------------------------------------------------------- AS-RESALE

TEST(TicketResale, ResalableGoodsAreRestockedAndDamagedOnesAreNot) {
  // AS-RESALE
  Ticket good("T1");
  ToInspecting(good, SampleRegistered("reg", Monday()));
  const Outcome restock =
      MustApply(good, ResaleDecided{Meta("r", Monday() + absl::Hours(50)), true, true});
  const Action* in = FindAction(restock, ActionKind::kRestock);
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(FigureAs<std::string>(in->Find("products")), "N86-screen×1");

  Ticket bad("T2");
  ToInspecting(bad, SampleRegistered("reg", Monday()));
  const Outcome none =
      MustApply(bad, ResaleDecided{Meta("r", Monday() + absl::Hours(50)), false, true});
  EXPECT_EQ(FindAction(none, ActionKind::kRestock), nullptr);
  EXPECT_EQ(none.Find("AS-RESALE")->verdict, Verdict::kAllowed);
}

TEST(TicketResale, ASupplierExchangeMustReachTheCustomerWithinTwoDays) {
  // AS-RESALE: 时间不超过两天返给客户
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday(), TicketKind::kExchange));
  const Outcome o =
      MustApply(t, SupplierExchangeRequested{Meta("sx", At("2026-11-04T16:00:00+08:00"))});
  EXPECT_EQ(o.Find("AS-RESALE")->verdict, Verdict::kScheduled);
  EXPECT_EQ(FindDeadline(o, "AS-RESALE", DeadlineOp::kSet)->due,
            At("2026-11-07T00:00:00+08:00"));
  MustApply(t, SupplierExchangeReceived{Meta("sxr", At("2026-11-06T10:00:00+08:00"),
                                             "warehouse")});
  const Outcome shipped =
      MustApply(t, Reshipped{Meta("reship", At("2026-11-06T15:00:00+08:00")), "SF"});
  EXPECT_NE(FindDeadline(shipped, "AS-RESALE", DeadlineOp::kCancel), nullptr);
  EXPECT_TRUE(t.BreachesAt(At("2026-11-08T00:00:00+08:00")).empty());
}

// ----------------------------------------------------- AS-PREFER-EXCHANGE

TEST(TicketPreferExchange, WhenTheSupplierWillNotTakeItBackAnExchangeComesBeforeARefund) {
  // AS-PREFER-EXCHANGE
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday()));
  const Timestamp later = Monday() + absl::Hours(50);
  const Outcome o = MustApply(t, ResaleDecided{Meta("r", later), false, false});
  EXPECT_EQ(o.Find("AS-PREFER-EXCHANGE")->verdict, Verdict::kScheduled);
  const Action* offer = FindAction(o, ActionKind::kTellCustomer);
  ASSERT_NE(offer, nullptr);
  EXPECT_EQ(offer->subject, "tb_buyer_01");

  RefundSentToFinance refund{Meta("refund", later), Money::Yuan(120), Money::Zero(), false,
                             false, false, "", ""};
  auto r = t.Apply(refund);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->refused());
  EXPECT_EQ(r->Find("AS-PREFER-EXCHANGE")->verdict, Verdict::kRefused);
  refund.meta.id = "refund-2";
  refund.exchange_declined = true;
  MustApply(t, refund);
}

// ------------------------------------------------------------ AS-EVIDENCE

TEST(TicketEvidence, AQualityRefundIsRefusedUntilPhotosAreRecorded) {
  // AS-EVIDENCE: 产品有质量问题引起的退款,让客户发图片过来
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday(), TicketKind::kRefundOnly));
  RefundSentToFinance refund{Meta("refund", Monday()), Money::Yuan(30), Money::Zero(), true,
                             false, false, "", ""};
  auto r = t.Apply(refund);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->refused());
  EXPECT_EQ(r->Find("AS-EVIDENCE")->Find("missing")->Render(Language::kEn), "photos");
  MustApply(t, EvidenceRecorded{Meta("photos", Monday()), true, false});
  refund.meta.id = "refund-2";
  MustApply(t, refund);
}

TEST(TicketEvidence, AFullRefundOfAnUnusableItemWaitsForTheDestructionPhoto) {
  // AS-EVIDENCE: 不能使用的退全款的,让客户毁坏发图片过来
  Ticket t("T1");
  TicketRegistered reg = SampleRegistered("reg", Monday(), TicketKind::kRefundOnly);
  reg.category = "不能使用";
  MustApply(t, reg);
  MustApply(t, EvidenceRecorded{Meta("photos", Monday()), true, false});
  RefundSentToFinance refund{Meta("refund", Monday()), Money::Yuan(30), Money::Zero(), false,
                             true, false, "", ""};
  auto r = t.Apply(refund);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->refused());
  EXPECT_EQ(r->Find("AS-EVIDENCE")->Find("missing")->Render(Language::kEn), "destruction photo");
  MustApply(t, EvidenceRecorded{Meta("destroyed", Monday()), false, true});
  refund.meta.id = "refund-2";
  MustApply(t, refund);
}

// ----------------------------------------------------- AS-OWNER, AS-HANDOFF

TEST(TicketOwner, TheAgentWhoUnpacksAReturnBecomesItsOwner) {
  // AS-OWNER: 哪位客服拆包,就要跟踪到底
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  MustApply(t, ReturnAgreed{Meta("agree", Monday())});
  EXPECT_EQ(t.data().owner, "小王");
  const Outcome o = MustApply(t, ParcelReceived{Meta("recv", Monday(), "xiaoli"), ""});
  EXPECT_EQ(t.data().owner, "xiaoli");
  EXPECT_EQ(FigureAs<std::string>(o.Find("AS-OWNER")->Find("owner")), "xiaoli");
}

// SH-HANDOVER: registered while its agent takes over a shift (the
// environment's handover case names them as incoming), the ticket is the
// outgoing agent's and the outcome says so; a case naming another incoming
// agent changes nothing.
TEST(TicketOwner, ARegistrationDuringAHandoverIsTheOutgoingAgents) {
  const HandoverCase handover = ShiftPolicy().StaysWithOutgoing("老周", "小王", "middle");
  TicketEnvironment env;
  env.handover = &handover;
  Ticket t("T1");
  const Outcome o = MustApply(t, SampleRegistered("reg", Monday()), env);
  EXPECT_EQ(t.data().owner, "老周");
  EXPECT_EQ(t.data().registered_by, "小王");
  ASSERT_NE(o.Find("SH-HANDOVER"), nullptr);
  EXPECT_EQ(o.Find("SH-HANDOVER")->verdict, Verdict::kAllowed);
  EXPECT_EQ(FigureAs<std::string>(o.Find("SH-HANDOVER")->Find("outgoing")), "老周");
  // 老周 owns it: 小王 may not act.
  auto r = t.Apply(ReturnAgreed{Meta("agree", Monday())});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->refused());
  MustApply(t, ReturnAgreed{Meta("agree-2", Monday(), "老周")});

  const HandoverCase other = ShiftPolicy().StaysWithOutgoing("老周", "小李", "middle");
  env.handover = &other;
  Ticket mine("T2");
  const Outcome kept = MustApply(mine, SampleRegistered("reg", Monday()), env);
  EXPECT_EQ(mine.data().owner, "小王");
  EXPECT_EQ(kept.Find("SH-HANDOVER"), nullptr);
}

TEST(TicketOwner, AnotherAgentsEventIsRefusedNamingTheOwner) {
  // AS-OWNER: the first authorization rule
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  MustApply(t, ReturnAgreed{Meta("agree", Monday())});
  MustApply(t, ParcelReceived{Meta("recv", Monday(), "xiaoli"), ""});
  const TicketSnapshot before = t.Snapshot();
  auto r = t.Apply(PackagingChecked{Meta("pack", Monday(), "小王"), Packaging::kIntact, true});
  // A rule refusing is an outcome naming the rule, never an error status.
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->refused());
  const Decision* owner = r->Find("AS-OWNER");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->verdict, Verdict::kRefused);
  EXPECT_THAT(owner->Reason(Language::kEn), HasSubstr("owned by xiaoli"));
  ExpectRefusedAndRemembered(t, before, "pack");
  // The system (no agent) and exempt roles may act.
  MustApply(t, PackagingChecked{Meta("pack-system", Monday(), ""), Packaging::kIntact, true});
}

TEST(TicketOwner, AfterAHandoffTheNewOwnerActsAndTheOldOneMayNot) {
  // AS-HANDOFF: 觉得和客户沟通不了,可转给其它客服进行跟进
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday()));
  const Timestamp later = Monday() + absl::Hours(50);
  auto stranger = t.Apply(HandedOff{Meta("h0", later, "xiaoli"), "xiaoli", ""});
  ASSERT_TRUE(stranger.ok()) << stranger.status();
  EXPECT_EQ(stranger->Find("AS-OWNER")->verdict, Verdict::kRefused);
  const Outcome o = MustApply(t, HandedOff{Meta("h1", later, "小王"), "xiaoli", "不合"});
  EXPECT_EQ(o.Find("AS-HANDOFF")->verdict, Verdict::kAllowed);
  EXPECT_EQ(t.data().owner, "xiaoli");
  auto old_owner = t.Apply(ItemTested{Meta("t1", later, "小王"), false, ""});
  ASSERT_TRUE(old_owner.ok()) << old_owner.status();
  EXPECT_EQ(old_owner->Find("AS-OWNER")->verdict, Verdict::kRefused);
  MustApply(t, ItemTested{Meta("t2", later, "xiaoli"), false, ""});
}

TEST(TicketOwner, ASupervisorMayActAndTheAuditSaysSo) {
  // AS-OWNER
  TicketPolicies pack;
  pack.owner.supervisors = {"zhuguan"};
  const TicketEnvironment env{{}, &pack, nullptr, nullptr};
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday()), Money::Yuan(6), env);
  const Outcome o =
      MustApply(t, ItemTested{Meta("t", Monday() + absl::Hours(50), "zhuguan"), false, ""}, env);
  EXPECT_EQ(o.audit.note, "supervisor override");
}

TEST(TicketOwner, TheAgentATicketIsEscalatedToMayAct) {
  // AS-OWNER
  Ticket t("T1");
  ToInspecting(t, SampleRegistered("reg", Monday()));
  const Timestamp later = Monday() + absl::Hours(50);
  MustApply(t, Escalated{Meta("esc", later), "xiaozhou", "客户投诉"});
  MustApply(t, ItemTested{Meta("t", later, "xiaozhou"), false, ""});
  EXPECT_EQ(t.data().owner, "小王");
}

}  // namespace
}  // namespace kefu
