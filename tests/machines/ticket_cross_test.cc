// Across tickets: the open tickets (AS-DEDUP), the per-product
// defect counter (AS-DEFECT) and the weekly report (AS-WEEKLY).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/machines/open_tickets.h"
#include "kefu/machines/ticket.h"
#include "kefu/machines/ticket_defects.h"
#include "kefu/machines/ticket_report.h"
#include "machines/ticket_test_util.h"

namespace kefu {
namespace {

using ::kefu::ticket_testing::At;
using ::kefu::ticket_testing::Meta;
using ::kefu::ticket_testing::Monday;
using ::kefu::ticket_testing::MustApply;
using ::kefu::ticket_testing::SampleRegistered;
using ::kefu::ticket_testing::ToInspecting;
using ::testing::ElementsAre;
using ::testing::Pair;

// ------------------------------------------------------------- AS-DEDUP

TEST(OpenTickets, FindsTheOpenTicketOfAnOrderByCategory) {
  // AS-DEDUP
  InMemoryOpenTickets open_tickets;
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  open_tickets.Update(t);
  ASSERT_EQ(open_tickets.size(), 1u);
  auto hit = open_tickets.FindOpen("O-1001", std::string_view("质量问题"));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->ticket_id, "T1");
  EXPECT_EQ(hit->owner, "小王");
  EXPECT_FALSE(open_tickets.FindOpen("O-1001", std::string_view("发错货")).has_value());
  EXPECT_TRUE(open_tickets.FindOpen("O-1001", std::nullopt).has_value());
  EXPECT_FALSE(open_tickets.FindOpen("O-9", std::nullopt).has_value());
}

TEST(OpenTickets, ThePackMayRefuseAnySecondTicketOfAnOrder) {
  // AS-DEDUP with same_category_only = false
  TicketPolicies pack;
  pack.dedup.same_category_only = false;
  InMemoryOpenTickets open_tickets;
  const TicketEnvironment env{{}, &pack, nullptr, &open_tickets};
  Ticket first("T1");
  MustApply(first, SampleRegistered("reg", Monday()), env);
  open_tickets.Update(first);
  Ticket second("T2");
  TicketRegistered reg = SampleRegistered("reg2", Monday());
  reg.category = "发错货";
  auto refused = second.Apply(reg, env);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->Find("AS-DEDUP")->verdict, Verdict::kRefused);
  // Registering the same ticket again (its own entry) is not a duplicate.
  open_tickets.Remove("T1");
  EXPECT_EQ(open_tickets.size(), 0u);
  reg.meta.id = "reg2-again";
  MustApply(second, reg, env);
}

// ------------------------------------------------------------ AS-DEFECT

TEST(DefectCounter, TwoTicketsFlagTestBeforeShippingAndThreeProposeDelisting) {
  // AS-DEFECT: 有售后2-3次后,应先测试发货...或建议该产品是否需要下架
  DefectCounter counter;
  const std::vector<TicketLine> screen = {{"N86-screen", 1}};
  Outcome first = counter.Record("T1", screen);
  EXPECT_TRUE(first.decisions.empty());
  EXPECT_FALSE(counter.NeedsTestBeforeShipping("N86-screen"));

  Outcome second = counter.Record("T2", screen);
  ASSERT_EQ(second.actions.size(), 1u);
  EXPECT_EQ(second.actions[0].kind, ActionKind::kTestBeforeShipping);
  EXPECT_EQ(second.actions[0].rule, "AS-DEFECT");
  EXPECT_EQ(second.actions[0].subject, "N86-screen");
  EXPECT_EQ(second.decisions[0].verdict, Verdict::kScheduled);
  EXPECT_TRUE(counter.NeedsTestBeforeShipping("N86-screen"));
  EXPECT_FALSE(counter.DelistingProposed("N86-screen"));

  // The same ticket recorded twice counts once.
  EXPECT_TRUE(counter.Record("T2", screen).actions.empty());
  EXPECT_EQ(counter.Count("N86-screen"), 2);

  Outcome third = counter.Record("T3", screen);
  ASSERT_EQ(third.actions.size(), 1u);
  EXPECT_EQ(third.actions[0].kind, ActionKind::kProposeDelisting);
  EXPECT_TRUE(counter.DelistingProposed("N86-screen"));
  EXPECT_FALSE(counter.NeedsTestBeforeShipping("charger"));
}

TEST(DefectCounter, CountsTicketsFromTheMachineAndAnswersTheOrderMachinesQuestion) {
  // AS-DEFECT: the order machine asks through ProductTestQuery.
  DefectCounter counter(DefectPolicy{1, 5});
  Ticket t("T1");
  MustApply(t, SampleRegistered("reg", Monday()));
  counter.Record(t);
  const ProductTestQuery& query = counter;
  EXPECT_TRUE(query.NeedsTestBeforeShipping("N86-screen"));
}

TEST(DefectCounter, NewThresholdsKeepTheCountsAndJudgeFromTheNextTicket) {
  // AS-DEFECT with the thresholds replaced (a new policy pack): two tickets
  // counted under test_at = 3 are not flagged; under test_at = 2 they are
  // at once, and the third ticket meets the new delist_at.
  DefectCounter counter(DefectPolicy{3, 5});
  const std::vector<TicketLine> screen = {{"N86-screen", 1}};
  EXPECT_TRUE(counter.Record("T1", screen).actions.empty());
  EXPECT_TRUE(counter.Record("T2", screen).actions.empty());
  EXPECT_FALSE(counter.NeedsTestBeforeShipping("N86-screen"));
  counter.set_policy(DefectPolicy{2, 3});
  EXPECT_EQ(counter.policy().test_at, 2);
  EXPECT_EQ(counter.Count("N86-screen"), 2);
  EXPECT_TRUE(counter.NeedsTestBeforeShipping("N86-screen"));
  Outcome third = counter.Record("T3", screen);
  ASSERT_EQ(third.actions.size(), 1u);
  EXPECT_EQ(third.actions[0].kind, ActionKind::kProposeDelisting);
}

// ------------------------------------------------------------ AS-WEEKLY

TEST(WeeklyReport, AddsUpTheWeeksTicketsCostsAndBreaches) {
  // AS-WEEKLY: every Saturday, statistics and cost of the week.
  // A: return for refund, Monday, 9 yuan postage capped to 8, refund 120.
  Ticket a("A");
  ToInspecting(a, SampleRegistered("reg", Monday()), Money::Yuan(9));
  MustApply(a, RefundSentToFinance{Meta("refund", At("2026-11-04T12:00:00+08:00")),
                                   Money::Yuan(120), Money::Zero(), false, false, false, "", ""});
  // B: exchange by xiaoli, Tuesday, out of province, 10 yuan cash in parcel.
  Ticket b("B");
  TicketRegistered rb = SampleRegistered("reg", At("2026-11-03T10:00:00+08:00"),
                                         TicketKind::kExchange);
  rb.meta.agent = "xiaoli";
  rb.category = "发错货";
  rb.lines = {{"charger", 1}};
  rb.customer_province = "四川省";
  rb.repayment = Repayment::kCashInParcel;
  MustApply(b, rb);
  MustApply(b, ReturnAgreed{Meta("agree", At("2026-11-03T11:00:00+08:00"), "xiaoli")});
  MustApply(b, ReturnShipped{Meta("ship", At("2026-11-04T11:00:00+08:00"), "xiaoli"),
                             Money::Yuan(12), false, ""});
  MustApply(b, ParcelReceived{Meta("recv", At("2026-11-05T11:00:00+08:00"), "xiaoli"), ""});
  MustApply(b, PackagingChecked{Meta("pack", At("2026-11-05T11:00:00+08:00"), "xiaoli"),
                                Packaging::kIntact, true});
  MustApply(b, CashPutInParcel{Meta("cash", At("2026-11-05T12:00:00+08:00"), "xiaoli"),
                               Money::Yuan(10)});
  // C: registered the week before and never resolved: AS-RESOLVE and
  // AS-TRACK fall due on Tuesday 3 November and are breached.
  Ticket c("C");
  MustApply(c, SampleRegistered("reg", At("2026-10-26T10:00:00+08:00")));
  // D: next week's, not counted.
  Ticket d("D");
  MustApply(d, SampleRegistered("reg", At("2026-11-09T10:00:00+08:00")));

  const std::vector<const Ticket*> tickets = {&a, &b, &c, &d};
  auto r = BuildWeeklyReport(tickets, absl::CivilDay(2026, 11, 7), BusinessCalendar::Default());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->first_day, absl::CivilDay(2026, 11, 1));
  EXPECT_EQ(r->last_day, absl::CivilDay(2026, 11, 7));
  EXPECT_EQ(r->tickets, 2);
  EXPECT_THAT(r->by_kind, ElementsAre(Pair("exchange", 1), Pair("return_refund", 1)));
  EXPECT_THAT(r->by_category, ElementsAre(Pair("发错货", 1), Pair("质量问题", 1)));
  EXPECT_EQ(r->cost.total, Money::Yuan(138));
  EXPECT_EQ(r->cost.refund, Money::Yuan(120));
  EXPECT_EQ(r->cost.postage, Money::Yuan(8));
  EXPECT_EQ(r->cost.cash_in_parcel, Money::Yuan(10));
  ASSERT_EQ(r->cost_by_product.size(), 2u);
  EXPECT_EQ(r->cost_by_product[0].first, "N86-screen");
  EXPECT_EQ(r->cost_by_product[0].second.total, Money::Yuan(128));
  EXPECT_EQ(r->cost_by_product[1].first, "charger");
  EXPECT_EQ(r->cost_by_product[1].second.total, Money::Yuan(10));
  ASSERT_EQ(r->cost_by_agent.size(), 2u);
  EXPECT_EQ(r->cost_by_agent[0].first, "xiaoli");
  EXPECT_EQ(r->cost_by_agent[0].second.cash_in_parcel, Money::Yuan(10));
  EXPECT_EQ(r->cost_by_agent[1].first, "小王");
  EXPECT_EQ(r->cost_by_agent[1].second.total, Money::Yuan(128));
  ASSERT_EQ(r->breaches.size(), 2u);
  EXPECT_EQ(r->breaches[0].ticket_id, "C");
  EXPECT_EQ(r->breaches[0].rule, "AS-RESOLVE");
  EXPECT_EQ(r->breaches[0].owner, "小王");
  EXPECT_EQ(r->breaches[0].due, At("2026-11-03T00:00:00+08:00"));
  EXPECT_EQ(r->breaches[1].rule, "AS-TRACK");
}

TEST(WeeklyReport, RunsOnTheShopsReportDayOnly) {
  // AS-WEEKLY: Saturday by default, configurable.
  EXPECT_EQ(ReportDayOnOrAfter(absl::CivilDay(2026, 11, 2)), absl::CivilDay(2026, 11, 7));
  EXPECT_EQ(ReportDayOnOrAfter(absl::CivilDay(2026, 11, 7)), absl::CivilDay(2026, 11, 7));
  auto friday = BuildWeeklyReport({}, absl::CivilDay(2026, 11, 6), BusinessCalendar::Default());
  EXPECT_EQ(friday.status().code(), absl::StatusCode::kInvalidArgument);
  WeeklyPolicy on_friday{absl::Weekday::friday};
  auto ok = BuildWeeklyReport({}, absl::CivilDay(2026, 11, 6), BusinessCalendar::Default(),
                              on_friday);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->first_day, absl::CivilDay(2026, 10, 31));
  EXPECT_EQ(ok->tickets, 0);
}

}  // namespace
}  // namespace kefu
