// The team ledger: targets from the orders the shop sees (KPI-MONTH,
// KPI-CARRY, KPI-DAY-DONE), response times and inquiry conversion.
#include "kefu/engine/team_ledger.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/engine/conversation.h"
#include "kefu/engine/shop.h"
#include "kefu/machines/order.h"

namespace kefu {
namespace {

using ::testing::HasSubstr;

// Local time in Shanghai.
Timestamp Cst(int y, int mo, int d, int h, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::FixedTimeZone(8 * 3600));
}

int serial = 0;

ShopEvent Placed(const std::string& order, Timestamp at, const std::string& buyer = "") {
  OrderPlaced p;
  p.meta = {absl::StrCat("e", ++serial), at, "小王"};
  p.buyer.im_name = buyer;
  p.lines.push_back({"SKU-1", 1, Money::Yuan(10)});
  return ShopEvent{order, OrderEvent{std::move(p)}};
}

ShopEvent CancelledAt(const std::string& order, Timestamp at) {
  Cancelled c;
  c.meta = {absl::StrCat("e", ++serial), at, "小王"};
  return ShopEvent{order, OrderEvent{std::move(c)}};
}

const Outcome kApplied;

// Places `n` orders on the day of `at`, a minute apart; returns the rulings
// of each, in order.
std::vector<Ruling> PlaceMany(TeamLedger& ledger, Timestamp at, int n, int* next_order) {
  std::vector<Ruling> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(ledger.Observe(Placed(absl::StrCat("O", (*next_order)++), at + absl::Minutes(i)),
                                 kApplied));
  }
  return out;
}

// The seed (KPI-CARRY): a week whose quota was 658 (94 a day) ends with 571
// orders, 87 short, so the next week's quota is 745 and 107 a day.
TEST(TeamLedger, TheSeedsWeekCarriesItsShortfall) {
  TeamLedger ledger;
  // November 2026 has 30 days: 2550 orders in October -> 2805 -> 94 a day,
  // 658 a week.
  absl::StatusOr<Decision> month = ledger.StartMonth(absl::CivilMonth(2026, 11), 2550);
  ASSERT_TRUE(month.ok()) << month.status();
  EXPECT_EQ(month->rule, "KPI-MONTH");
  ASSERT_TRUE(ledger.MonthTargets(absl::CivilMonth(2026, 11)).has_value());
  EXPECT_EQ(ledger.MonthTargets(absl::CivilMonth(2026, 11))->daily, 94);
  EXPECT_EQ(ledger.MonthTargets(absl::CivilMonth(2026, 11))->weekly, 658);

  int next = 1;
  // Monday 2 November to Sunday 8 November: 571 orders.
  const int per_day[7] = {94, 90, 80, 85, 82, 70, 70};
  for (int d = 0; d < 7; ++d) PlaceMany(ledger, Cst(2026, 11, 2 + d, 9), per_day[d], &next);
  const WeekTargets week = ledger.Week(LocalDay(2026, 11, 4));
  EXPECT_EQ(week.monday, LocalDay(2026, 11, 2));
  ASSERT_TRUE(week.has_quota);
  EXPECT_EQ(week.quota.quota, 658);
  EXPECT_EQ(week.quota.daily, 94);
  EXPECT_EQ(week.done, 571);

  // The first order of Monday 9 November opens the next week.
  const Ruling r = ledger.Observe(Placed("O-next", Cst(2026, 11, 9, 8)), kApplied);
  ASSERT_EQ(r.decisions.size(), 1u);
  const Decision& carry = r.decisions[0];
  EXPECT_EQ(carry.rule, "KPI-CARRY");
  EXPECT_EQ(carry.verdict, Verdict::kScheduled);
  EXPECT_THAT(carry.Reason(Language::kEn), HasSubstr("last week 571 orders, 87 short"));
  EXPECT_THAT(carry.Reason(Language::kEn), HasSubstr("this week's quota 745, 107 a day"));
  EXPECT_EQ(ledger.Week(LocalDay(2026, 11, 9)).quota.quota, 745);
  EXPECT_EQ(ledger.DayQuota(LocalDay(2026, 11, 9)), 107);
}

// KPI-DAY-DONE: the order that reaches the day's quota is announced to the
// team, once; cancelled orders do not count.
TEST(TeamLedger, TheDaysQuotaIsAnnouncedOnceWhenReached) {
  TeamLedger ledger;
  ASSERT_TRUE(ledger.StartMonth(absl::CivilMonth(2026, 11), 2550).ok());  // 94 a day
  int next = 1;
  std::vector<Ruling> first = PlaceMany(ledger, Cst(2026, 11, 2, 9), 93, &next);
  for (const Ruling& r : first) EXPECT_TRUE(r.decisions.empty());
  // One of them is cancelled: the 94th order makes 93.
  ledger.Observe(CancelledAt("O5", Cst(2026, 11, 2, 12)), kApplied);
  EXPECT_EQ(ledger.OrdersOn(LocalDay(2026, 11, 2)), 92);
  EXPECT_TRUE(ledger.Observe(Placed("O-a", Cst(2026, 11, 2, 13)), kApplied).decisions.empty());
  const Ruling done = ledger.Observe(Placed("O-b", Cst(2026, 11, 2, 14)), kApplied);
  ASSERT_EQ(done.decisions.size(), 1u);
  EXPECT_EQ(done.decisions[0].rule, "KPI-DAY-DONE");
  ASSERT_EQ(done.actions.size(), 1u);
  EXPECT_EQ(done.actions[0].assignee, "team");
  EXPECT_THAT(done.actions[0].Describe(Language::kEn), HasSubstr("94 orders"));
  // Not again that day; again the next day when its quota is reached.
  EXPECT_TRUE(ledger.Observe(Placed("O-c", Cst(2026, 11, 2, 15)), kApplied).decisions.empty());
  std::vector<Ruling> tuesday = PlaceMany(ledger, Cst(2026, 11, 3, 9), 94, &next);
  EXPECT_TRUE(tuesday[92].decisions.empty());
  ASSERT_EQ(tuesday[93].decisions.size(), 1u);
  EXPECT_EQ(tuesday[93].decisions[0].rule, "KPI-DAY-DONE");
}

// Duplicates and refused events count nothing; the same order counts once.
TEST(TeamLedger, OnlyAppliedEventsCount) {
  TeamLedger ledger;
  Outcome duplicate;
  duplicate.audit.duplicate = true;
  Outcome refused;
  refused.audit.refused = true;
  ledger.Observe(Placed("O1", Cst(2026, 11, 2, 9)), duplicate);
  ledger.Observe(Placed("O2", Cst(2026, 11, 2, 9)), refused);
  EXPECT_EQ(ledger.OrdersOn(LocalDay(2026, 11, 2)), 0);
  ledger.Observe(Placed("O3", Cst(2026, 11, 2, 9)), kApplied);
  ledger.Observe(Placed("O3", Cst(2026, 11, 2, 10)), kApplied);
  EXPECT_EQ(ledger.OrdersOn(LocalDay(2026, 11, 2)), 1);
  // Cancelling an order the ledger never counted changes nothing.
  ledger.Observe(CancelledAt("O9", Cst(2026, 11, 2, 11)), kApplied);
  EXPECT_EQ(ledger.OrdersOn(LocalDay(2026, 11, 2)), 1);
}

// An order marked shipped can no longer be cancelled: the ledger forgets
// its day (issue 21: it kept one for every order ever counted), so a
// cancellation the shop would refuse anyway uncounts nothing. One line of
// several cancelled leaves the order counted; the last line, or the whole
// order, uncounts it.
TEST(TeamLedger, ShippedOrdersAreForgottenAndALineCancelledStaysCounted) {
  TeamLedger ledger;
  const LocalDay monday(2026, 11, 2);
  for (const char* order : {"O1", "O2", "O3"}) {
    ledger.Observe(Placed(order, Cst(2026, 11, 2, 9)), kApplied);
  }
  ASSERT_EQ(ledger.OrdersOn(monday), 3);
  MarkedShipped shipped;
  shipped.meta = {"s1", Cst(2026, 11, 2, 10), "小王"};
  shipped.tracking_number = "SF1001";
  ledger.Observe(ShopEvent{"O1", OrderEvent{shipped}}, kApplied);
  ledger.Observe(CancelledAt("O1", Cst(2026, 11, 2, 11)), kApplied);
  EXPECT_EQ(ledger.OrdersOn(monday), 3);

  Cancelled line;
  line.meta = {"c2", Cst(2026, 11, 2, 11), "小王"};
  line.line = 0;
  Outcome still_open;
  still_open.audit.state_after = "in_check";
  ledger.Observe(ShopEvent{"O2", OrderEvent{line}}, still_open);
  EXPECT_EQ(ledger.OrdersOn(monday), 3);
  Outcome cancelled;
  cancelled.audit.state_after = "cancelled";
  line.meta.id = "c3";
  ledger.Observe(ShopEvent{"O2", OrderEvent{line}}, cancelled);
  EXPECT_EQ(ledger.OrdersOn(monday), 2);
  ledger.Observe(CancelledAt("O3", Cst(2026, 11, 2, 12)), kApplied);
  EXPECT_EQ(ledger.OrdersOn(monday), 1);

  // ForgetShipped: the same for the orders a predicate names.
  TeamLedger other;
  for (const char* order : {"O4", "O5"}) other.Observe(Placed(order, Cst(2026, 11, 2, 9)), kApplied);
  other.ForgetShipped([](std::string_view order) { return order == "O4"; });
  other.Observe(CancelledAt("O4", Cst(2026, 11, 2, 12)), kApplied);
  EXPECT_EQ(other.OrdersOn(monday), 2);
  other.Observe(CancelledAt("O5", Cst(2026, 11, 2, 12)), kApplied);
  EXPECT_EQ(other.OrdersOn(monday), 1);
}

// KPI-MONTH: a month the ledger counted from its first day sets the next
// month's targets at the next month's first order.
TEST(TeamLedger, AWholeMonthCountedSetsTheNextMonthsTargets) {
  TeamLedger ledger;
  ASSERT_TRUE(ledger.StartMonth(absl::CivilMonth(2026, 11), 2550).ok());
  int next = 1;
  for (int d = 1; d <= 30; ++d) PlaceMany(ledger, Cst(2026, 11, d, 10), 100, &next);  // 3000
  const Ruling r = ledger.Observe(Placed("O-dec", Cst(2026, 12, 1, 9)), kApplied);
  ASSERT_FALSE(r.decisions.empty());
  EXPECT_EQ(r.decisions[0].rule, "KPI-MONTH");
  const std::optional<TargetPolicy::Month> dec = ledger.MonthTargets(absl::CivilMonth(2026, 12));
  ASSERT_TRUE(dec.has_value());
  EXPECT_EQ(dec->base, 3300);     // 3000 × 1.10
  EXPECT_EQ(dec->stretch, 3750);  // 3000 × 1.25
  EXPECT_EQ(dec->daily, 107);     // 3300 / 31, rounded up

  // A ledger that began mid-month does not guess the next month's targets.
  TeamLedger late;
  late.Observe(Placed("L1", Cst(2026, 11, 20, 9)), kApplied);
  late.Observe(Placed("L2", Cst(2026, 12, 1, 9)), kApplied);
  EXPECT_FALSE(late.MonthTargets(absl::CivilMonth(2026, 12)).has_value());
  EXPECT_EQ(late.DayQuota(LocalDay(2026, 12, 1)), std::nullopt);
}

// Response times: rounds, the 3-minute rate within 08:00-23:00, warnings.
TEST(TeamLedger, FirstResponsesMakeTheDaysRate) {
  TeamLedger ledger;
  // Round 1: answered in 2 minutes. Round 2: 5 minutes. Round 3 begins at
  // 23:30: its time counts, its rate does not. An automatic reply answers
  // nothing.
  ledger.BuyerMessaged("buyer-a", "buyer-a", Cst(2026, 11, 2, 10, 0));
  ledger.BuyerMessaged("buyer-a", "buyer-a", Cst(2026, 11, 2, 10, 1));  // same round
  ledger.AgentReplied("buyer-a", "小王", Cst(2026, 11, 2, 10, 0), /*automatic=*/true);
  ledger.AgentReplied("buyer-a", "小王", Cst(2026, 11, 2, 10, 2));
  ledger.AgentReplied("buyer-a", "小王", Cst(2026, 11, 2, 10, 3));  // not a new round
  ledger.BuyerMessaged("buyer-a", "buyer-a", Cst(2026, 11, 2, 10, 10));
  ledger.AgentReplied("buyer-a", "小王", Cst(2026, 11, 2, 10, 15));
  ledger.BuyerMessaged("buyer-b", "buyer-b", Cst(2026, 11, 2, 23, 30));
  ledger.AgentReplied("buyer-b", "小王", Cst(2026, 11, 2, 23, 31));
  // Another agent answers in time; a round nobody answered.
  ledger.BuyerMessaged("buyer-c", "buyer-c", Cst(2026, 11, 2, 11, 0));
  ledger.AgentReplied("buyer-c", "小李", Cst(2026, 11, 2, 11, 1));
  ledger.BuyerMessaged("buyer-d", "buyer-d", Cst(2026, 11, 2, 12, 0));

  const ResponseStats wang = ledger.AgentDay("小王", LocalDay(2026, 11, 2));
  EXPECT_EQ(wang.rounds, 3);
  EXPECT_EQ(wang.answered, 3);
  EXPECT_EQ(wang.counted, 2);
  EXPECT_EQ(wang.in_time, 1);
  EXPECT_EQ(wang.rate(), Rate::Percent(50));
  EXPECT_EQ(wang.mean_first_response(), absl::Minutes(8) / 3);  // (2 + 5 + 1) / 3

  const ResponseStats shop = ledger.ShopDay(LocalDay(2026, 11, 2));
  EXPECT_EQ(shop.rounds, 5);
  EXPECT_EQ(shop.answered, 4);
  EXPECT_EQ(shop.counted, 4);  // 23:30 is outside
  EXPECT_EQ(shop.in_time, 2);
  EXPECT_EQ(shop.rate(), Rate::Percent(50));

  const std::vector<ResponseWarning> w = ledger.Warnings(LocalDay(2026, 11, 2));
  ASSERT_EQ(w.size(), 1u);  // 小李 answered everything in time
  EXPECT_EQ(w[0].agent, "小王");
  EXPECT_EQ(w[0].rate, Rate::Percent(50));
  EXPECT_EQ(w[0].target, Rate::Percent(90));
  EXPECT_TRUE(ledger.Warnings(LocalDay(2026, 11, 3)).empty());
  EXPECT_EQ(ledger.Agents(), (std::vector<std::string>{"小李", "小王"}));
}

// A round answered is dropped: the ledger keeps the open rounds only (its
// saved state names no conversation answered), and the conversation's next
// message opens a round as before.
TEST(TeamLedger, AnsweredRoundsAreNotKept) {
  TeamLedger ledger;
  for (int i = 0; i < 100; ++i) {
    const std::string conversation = "CONVERSATION-KEY-" + std::to_string(i);
    ledger.BuyerMessaged(conversation, "", Cst(2026, 11, 2, 10, 0));
  }
  EXPECT_NE(ledger.SaveState().find("CONVERSATION-KEY-"), std::string::npos);
  for (int i = 0; i < 100; ++i) {
    ledger.AgentReplied("CONVERSATION-KEY-" + std::to_string(i), "小王", Cst(2026, 11, 2, 10, 1));
  }
  EXPECT_EQ(ledger.SaveState().find("CONVERSATION-KEY-"), std::string::npos);
  ledger.BuyerMessaged("CONVERSATION-KEY-7", "", Cst(2026, 11, 2, 11, 0));
  ledger.AgentReplied("CONVERSATION-KEY-7", "小王", Cst(2026, 11, 2, 11, 2));
  const ResponseStats wang = ledger.AgentDay("小王", LocalDay(2026, 11, 2));
  EXPECT_EQ(wang.rounds, 101);
  EXPECT_EQ(wang.answered, 101);
  EXPECT_EQ(wang.in_time, 101);
}

// The window, the limit and the target are parameters.
TEST(TeamLedger, ResponsePolicyIsAParameter) {
  TeamLedger::Options o;
  o.response.within = absl::Minutes(10);
  o.response.counted_from = absl::Hours(0);
  o.response.counted_until = absl::Hours(24);
  o.response.target = Rate::Percent(100);
  absl::StatusOr<TeamLedger> ledger = TeamLedger::Create(o);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  ledger->BuyerMessaged("b", "b", Cst(2026, 11, 2, 23, 30));
  ledger->AgentReplied("b", "小王", Cst(2026, 11, 2, 23, 35));
  EXPECT_EQ(ledger->AgentDay("小王", LocalDay(2026, 11, 2)).rate(), Rate::Percent(100));
  EXPECT_TRUE(ledger->Warnings(LocalDay(2026, 11, 2)).empty());

  o.response.counted_from = absl::Hours(23);
  o.response.counted_until = absl::Hours(8);
  EXPECT_EQ(TeamLedger::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = TeamLedger::Options();
  o.response.within = absl::ZeroDuration();
  EXPECT_EQ(TeamLedger::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = TeamLedger::Options();
  o.targets.days_per_week = 0;
  EXPECT_EQ(TeamLedger::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
}

// Conversion: buyers an agent answered first, and those who then ordered.
TEST(TeamLedger, InquiriesConvertWhenTheBuyerOrdersAfterAsking) {
  TeamLedger ledger;
  ledger.BuyerMessaged("a", "buyer-a", Cst(2026, 11, 2, 10));
  ledger.AgentReplied("a", "小王", Cst(2026, 11, 2, 10, 1));
  ledger.BuyerMessaged("b", "buyer-b", Cst(2026, 11, 2, 10));
  ledger.AgentReplied("b", "小王", Cst(2026, 11, 2, 10, 1));
  ledger.BuyerMessaged("c", "buyer-c", Cst(2026, 11, 2, 10));
  ledger.AgentReplied("c", "小李", Cst(2026, 11, 2, 10, 2));
  // buyer-a orders after asking (twice: counts once); buyer-c ordered
  // before ever asking another time - still after the question here.
  ledger.Observe(Placed("O1", Cst(2026, 11, 2, 11), "buyer-a"), kApplied);
  ledger.Observe(Placed("O2", Cst(2026, 11, 3, 11), "buyer-a"), kApplied);
  ledger.Observe(Placed("O3", Cst(2026, 11, 2, 9), "buyer-c"), kApplied);  // before asking
  ledger.Observe(Placed("O4", Cst(2026, 11, 2, 12), "stranger"), kApplied);

  const Conversion wang = ledger.AgentConversion("小王");
  EXPECT_EQ(wang.asked, 2);
  EXPECT_EQ(wang.ordered, 1);
  EXPECT_EQ(wang.rate(), Rate::Percent(50));
  const Conversion li = ledger.AgentConversion("小李");
  EXPECT_EQ(li.asked, 1);
  EXPECT_EQ(li.ordered, 0);
  EXPECT_EQ(ledger.AgentConversion("nobody").rate(), std::nullopt);
}

// The buyers asked and who answered them first survive SaveState and
// LoadState: a buyer who orders after the load counts for the agent who
// answered before it, whichever order the agents were first seen in.
TEST(TeamLedger, ConversionSurvivesSaveAndLoad) {
  TeamLedger ledger;
  ledger.BuyerMessaged("z", "buyer-z", Cst(2026, 11, 2, 10));
  ledger.AgentReplied("z", "小王", Cst(2026, 11, 2, 10, 1));
  ledger.BuyerMessaged("a", "buyer-a", Cst(2026, 11, 2, 10));
  ledger.AgentReplied("a", "小李", Cst(2026, 11, 2, 10, 2));
  ledger.BuyerMessaged("n", "buyer-unanswered-with-a-long-im-name", Cst(2026, 11, 2, 10));
  const std::string saved = ledger.SaveState();
  TeamLedger loaded;
  ASSERT_TRUE(loaded.LoadState(saved).ok());
  EXPECT_EQ(loaded.SaveState(), saved);

  loaded.Observe(Placed("O1", Cst(2026, 11, 2, 11), "buyer-z"), kApplied);
  loaded.Observe(Placed("O2", Cst(2026, 11, 2, 11), "buyer-unanswered-with-a-long-im-name"),
                 kApplied);
  EXPECT_EQ(loaded.AgentConversion("小王").ordered, 1);
  EXPECT_EQ(loaded.AgentConversion("小李").ordered, 0);
  // The unanswered buyer is answered after the load, then orders again.
  loaded.BuyerMessaged("n", "buyer-unanswered-with-a-long-im-name", Cst(2026, 11, 2, 12));
  loaded.AgentReplied("n", "小李", Cst(2026, 11, 2, 12, 1));
  loaded.Observe(Placed("O3", Cst(2026, 11, 2, 13), "buyer-unanswered-with-a-long-im-name"),
                 kApplied);
  EXPECT_EQ(loaded.AgentConversion("小李").asked, 2);
  EXPECT_EQ(loaded.AgentConversion("小李").ordered, 1);
}

// SH-SHIFTS, SH-HANDOVER: arriving 10 minutes or more before the shift is on
// time; later is a finding; shifts are checked.
TEST(TeamLedger, ShiftStartsAreCheckedAgainstTheHandoverWindow) {
  TeamLedger ledger;
  const std::vector<std::string> all = {"旺旺", "商城", "53客服"};
  absl::StatusOr<std::vector<Decision>> ok =
      ledger.ShiftStarted("小王", "early", all, Cst(2026, 11, 3, 8, 48));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->empty());
  absl::StatusOr<std::vector<Decision>> late =
      ledger.ShiftStarted("小李", "middle", {"旺旺"}, Cst(2026, 11, 3, 11, 25));
  ASSERT_TRUE(late.ok()) << late.status();
  ASSERT_EQ(late->size(), 1u);
  EXPECT_EQ((*late)[0].rule, "SH-HANDOVER");
  EXPECT_EQ((*late)[0].verdict, Verdict::kRefused);
  EXPECT_THAT((*late)[0].Reason(Language::kEn), HasSubstr("arrived 5 minutes early"));
  // The late shift on a Monday (it runs Tuesday to Friday), 3 minutes late:
  // both findings, each kept in ShiftFindings().
  absl::StatusOr<std::vector<Decision>> monday =
      ledger.ShiftStarted("小张", "late", {"旺旺"}, Cst(2026, 11, 2, 16, 3));
  ASSERT_TRUE(monday.ok()) << monday.status();
  ASSERT_EQ(monday->size(), 2u);
  EXPECT_EQ((*monday)[0].rule, "SH-HANDOVER");
  EXPECT_EQ((*monday)[1].rule, "SH-SHIFTS");
  EXPECT_EQ((*monday)[1].Reason(Language::kEn),
            "小张 started the late shift on 2026-11-02, a Monday: that shift runs on Tuesday, "
            "Wednesday, Thursday, Friday only");
  const std::vector<std::pair<Timestamp, Decision>> findings = ledger.ShiftFindings();
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[2].first, Cst(2026, 11, 2, 16, 3));
  EXPECT_EQ(findings[2].second.rule, "SH-SHIFTS");
  ledger.ShiftEnded("小张", Cst(2026, 11, 2, 23));

  EXPECT_EQ(ledger.ShiftStarted("小王", "early", all, Cst(2026, 11, 3, 9)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger.ShiftStarted("小张", "night", all, Cst(2026, 11, 3, 9)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.ShiftStarted("小张", "early", {}, Cst(2026, 11, 3, 9)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.ShiftStarted("", "early", all, Cst(2026, 11, 3, 9)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// SH-HANDOVER: between the arrival of an agent of a shift that takes over
// from another (the middle from the early) and that shift's start, the
// agent handing over is the one on the other shift sharing the most
// channels; ties go to who arrived first. Outside that window, for a shift
// that takes over from nobody, or with nobody sharing a channel: nobody.
TEST(TeamLedger, TakingOverNamesTheAgentHandingOver) {
  TeamLedger ledger;
  ASSERT_TRUE(ledger.ShiftStarted("小王", "early", {"旺旺", "商城"}, Cst(2026, 11, 3, 8, 50)).ok());
  ASSERT_TRUE(ledger.ShiftStarted("小赵", "early", {"53客服"}, Cst(2026, 11, 3, 8, 45)).ok());
  ASSERT_TRUE(ledger.ShiftStarted("小周", "early", {"商城"}, Cst(2026, 11, 3, 8, 40)).ok());
  ASSERT_TRUE(ledger.ShiftStarted("小李", "middle", {"旺旺", "商城"}, Cst(2026, 11, 3, 11, 17)).ok());

  std::optional<HandoverCase> c = ledger.TakingOver("小李", Cst(2026, 11, 3, 11, 20));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outgoing, "小王");  // two shared channels against 小周's one
  EXPECT_EQ(c->incoming, "小李");
  EXPECT_EQ(c->decision.rule, "SH-HANDOVER");
  EXPECT_EQ(c->decision.verdict, Verdict::kAllowed);
  ASSERT_NE(c->decision.Find("outgoing"), nullptr);
  EXPECT_EQ(c->decision.Reason(), "交接中发生的问题由交班的小王负责处理，接中班的小李协助");
  // The window: from the arrival up to the shift's start.
  EXPECT_TRUE(ledger.TakingOver("小李", Cst(2026, 11, 3, 11, 17)).has_value());
  EXPECT_TRUE(ledger.TakingOver("小李", Cst(2026, 11, 3, 11, 29, 59)).has_value());
  EXPECT_FALSE(ledger.TakingOver("小李", Cst(2026, 11, 3, 11, 30)).has_value());
  EXPECT_FALSE(ledger.TakingOver("小李", Cst(2026, 11, 3, 11, 16)).has_value());
  // The early shift takes over from nobody; an agent off shift takes over
  // nothing.
  EXPECT_FALSE(ledger.TakingOver("小王", Cst(2026, 11, 3, 11, 20)).has_value());
  EXPECT_FALSE(ledger.TakingOver("小孙", Cst(2026, 11, 3, 11, 20)).has_value());

  // 小王 gone: 小周 (one shared channel) hands over.
  ledger.ShiftEnded("小王", Cst(2026, 11, 3, 11, 21));
  c = ledger.TakingOver("小李", Cst(2026, 11, 3, 11, 22));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outgoing, "小周");
  // A tie on shared channels: who arrived first.
  ASSERT_TRUE(ledger.ShiftStarted("小吴", "early", {"旺旺"}, Cst(2026, 11, 3, 8, 30)).ok());
  EXPECT_EQ(ledger.TakingOver("小李", Cst(2026, 11, 3, 11, 23))->outgoing, "小吴");
  // 小钱's 53客服: only 小赵's channel; with 小赵 gone, nobody hands over.
  ASSERT_TRUE(ledger.ShiftStarted("小钱", "middle", {"53客服"}, Cst(2026, 11, 3, 11, 18)).ok());
  EXPECT_EQ(ledger.TakingOver("小钱", Cst(2026, 11, 3, 11, 19))->outgoing, "小赵");
  ledger.ShiftEnded("小赵", Cst(2026, 11, 3, 11, 20));
  EXPECT_FALSE(ledger.TakingOver("小钱", Cst(2026, 11, 3, 11, 21)).has_value());
  // Arrived after the shift's start (late): no handover at all.
  ASSERT_TRUE(ledger.ShiftStarted("小郑", "middle", {"旺旺"}, Cst(2026, 11, 3, 11, 40)).ok());
  EXPECT_FALSE(ledger.TakingOver("小郑", Cst(2026, 11, 3, 11, 41)).has_value());

  // The window survives SaveState/LoadState.
  TeamLedger loaded;
  ASSERT_TRUE(loaded.LoadState(ledger.SaveState()).ok());
  c = loaded.TakingOver("小李", Cst(2026, 11, 3, 11, 23));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outgoing, "小吴");
}

// Which shift takes over from which is the policy's: with the late shift
// taking over from the early one instead, a late arrival's handover is with
// the early shift's agent, and the middle shift has none.
TEST(TeamLedger, WhoTakesOverFromWhomIsAParameter) {
  TeamLedger::Options options;
  for (ShiftTemplate& t : options.shifts.shifts) {
    if (t.name == "middle") t.takes_over.clear();
    if (t.name == "late") t.takes_over = "early";
  }
  absl::StatusOr<TeamLedger> ledger = TeamLedger::Create(options);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  ASSERT_TRUE(ledger->ShiftStarted("小王", "early", {"旺旺"}, Cst(2026, 11, 3, 8, 50)).ok());
  ASSERT_TRUE(ledger->ShiftStarted("小李", "middle", {"旺旺"}, Cst(2026, 11, 3, 11, 17)).ok());
  ASSERT_TRUE(ledger->ShiftStarted("小张", "late", {"旺旺"}, Cst(2026, 11, 3, 15, 48)).ok());
  EXPECT_FALSE(ledger->TakingOver("小李", Cst(2026, 11, 3, 11, 20)).has_value());
  std::optional<HandoverCase> c = ledger->TakingOver("小张", Cst(2026, 11, 3, 15, 50));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outgoing, "小王");
  EXPECT_EQ(c->decision.Reason(Language::kEn),
            "raised during the handover: 小王 (handing over) handles it, 小张 (taking over the "
            "late shift) helps");

  // A shift taking over from one that is not another of the list: refused.
  for (const char* from : {"night", "late"}) {
    TeamLedger::Options bad;
    for (ShiftTemplate& t : bad.shifts.shifts) {
      if (t.name == "late") t.takes_over = from;
    }
    absl::StatusOr<TeamLedger> refused = TeamLedger::Create(bad);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << from;
    EXPECT_THAT(refused.status().message(), HasSubstr("SH-HANDOVER")) << from;
  }
}

// A ledger saved before the handover window was kept (format 1) still
// loads: its open shifts are there, with no window, and saving it again
// writes the current format.
TEST(TeamLedger, AStateSavedInFormatOneStillLoads) {
  std::string old;
  internal::ByteWriter w(&old);
  w.Varint(1);                                // format
  for (int i = 0; i < 4; ++i) w.Varint(0);    // months, weeks, days, order days
  w.Bool(false);                              // no current day
  for (int i = 0; i < 9; ++i) w.Varint(0);    // rounds ... stretches
  w.Varint(1);                                // one agent on a shift
  w.String("小李");
  w.Varint(1);
  w.String("旺旺");
  w.Bool(false);
  TeamLedger ledger;
  const absl::Status loaded = ledger.LoadState(old);
  ASSERT_TRUE(loaded.ok()) << loaded;
  // On a shift (a second start is refused), but with no handover window.
  EXPECT_EQ(ledger.ShiftStarted("小李", "middle", {"旺旺"}, Cst(2026, 11, 3, 11, 20)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(ledger.TakingOver("小李", Cst(2026, 11, 3, 11, 20)).has_value());
  ASSERT_TRUE(ledger.ShiftStarted("小王", "middle", {"旺旺"}, Cst(2026, 11, 3, 11, 18)).ok());
  EXPECT_FALSE(ledger.TakingOver("小王", Cst(2026, 11, 3, 11, 20)).has_value());
  // Saved again: the current format, which loads back to the same bytes.
  const std::string again = ledger.SaveState();
  EXPECT_EQ(again[0], 2);  // the format, a one-byte varint
  TeamLedger reloaded;
  ASSERT_TRUE(reloaded.LoadState(again).ok());
  EXPECT_EQ(reloaded.SaveState(), again);
  // A format this build does not know: data loss.
  std::string newer = old;
  newer[0] = 9;
  EXPECT_EQ(reloaded.LoadState(newer).code(), absl::StatusCode::kDataLoss);
}

// SH-COVERAGE: every channel staffed at every hour of service (09:00-24:00);
// a seat left without a handover is a finding and leaves its channels empty.
TEST(TeamLedger, CoverageGapsNameTheChannelAndTheHour) {
  TeamLedger ledger;
  const std::vector<std::string> all = {"旺旺", "商城", "53客服"};
  // Tuesday 3 November: early, middle and late cover the whole day.
  ASSERT_TRUE(ledger.ShiftStarted("小王", "early", all, Cst(2026, 11, 3, 8, 45)).ok());
  ASSERT_TRUE(ledger.ShiftStarted("小李", "middle", {"旺旺"}, Cst(2026, 11, 3, 11, 15)).ok());
  ASSERT_TRUE(ledger.ShiftStarted("小张", "late", all, Cst(2026, 11, 3, 15, 45)).ok());
  ledger.ShiftEnded("小王", Cst(2026, 11, 3, 18, 30));
  ledger.ShiftEnded("小李", Cst(2026, 11, 3, 21));
  // 小张's shift is still open: staffed to the end of the day.
  EXPECT_TRUE(ledger.CoverageGaps(LocalDay(2026, 11, 3)).empty());

  // Wednesday: 小王 leaves the seat 12:00-12:30 without a handover; 小李
  // covers 旺旺 only.
  ledger.ShiftEnded("小张", Cst(2026, 11, 4, 0));
  ASSERT_TRUE(ledger.ShiftStarted("小王", "early", all, Cst(2026, 11, 4, 8, 45)).ok());
  ASSERT_TRUE(ledger.ShiftStarted("小李", "middle", {"旺旺"}, Cst(2026, 11, 4, 11, 15)).ok());
  const std::optional<Decision> left = ledger.SeatLeft("小王", Cst(2026, 11, 4, 12), false);
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(left->rule, "SH-COVERAGE");
  EXPECT_THAT(left->Reason(Language::kEn), HasSubstr("小王 left the seat without handing over"));
  EXPECT_FALSE(ledger.SeatLeft("小王", Cst(2026, 11, 4, 12, 5), false).has_value());  // away
  ledger.SeatReturned("小王", Cst(2026, 11, 4, 12, 30));
  EXPECT_FALSE(ledger.SeatLeft("小王", Cst(2026, 11, 4, 14), true).has_value());  // handed over
  ledger.SeatReturned("小王", Cst(2026, 11, 4, 14));  // back at once: no gap
  ledger.ShiftEnded("小王", Cst(2026, 11, 4, 18, 30));
  ledger.ShiftEnded("小李", Cst(2026, 11, 4, 21));
  std::vector<std::string> gaps;
  for (const Decision& d : ledger.CoverageGaps(LocalDay(2026, 11, 4))) {
    EXPECT_EQ(d.rule, "SH-COVERAGE");
    gaps.push_back(d.Reason(Language::kEn));
  }
  // 12:00-12:30 leaves 商城 and 53客服 empty; after 18:30 only 旺旺 is
  // staffed until 21:00, then nobody (nobody started the late shift).
  EXPECT_THAT(gaps, ::testing::Contains("nobody on 商城 from 12:00"));
  EXPECT_THAT(gaps, ::testing::Contains("nobody on 53客服 from 12:00"));
  EXPECT_THAT(gaps, ::testing::Not(::testing::Contains("nobody on 旺旺 from 12:00")));
  EXPECT_THAT(gaps, ::testing::Contains("nobody on 商城 from 18:00"));
  EXPECT_THAT(gaps, ::testing::Not(::testing::Contains("nobody on 旺旺 from 20:00")));
  EXPECT_THAT(gaps, ::testing::Contains("nobody on 旺旺 from 21:00"));
  EXPECT_THAT(gaps, ::testing::Contains("nobody on 旺旺 from 23:00"));
  EXPECT_THAT(gaps, ::testing::Not(::testing::Contains("nobody on 旺旺 from 9:00")));
}

// KPI-SCORE, KPI-EXAM, FB-ROLES: the monthly card per agent.
TEST(TeamLedger, ScoreCardsCountCasesTakeJudgedScoresAndExams) {
  TeamLedger ledger;
  const Timestamp nov = Cst(2026, 11, 10, 10);
  // Measured: 3 of 4 registrations complete -> 4 of 5 (half up); cost 1 of 2
  // -> 5 of 10; speed has no case -> full marks.
  for (bool good : {true, true, true, false}) {
    ASSERT_TRUE(ledger.RecordCase("小王", ScorePart::kAfterSalesRecord, good, nov).ok());
  }
  ASSERT_TRUE(ledger.RecordCase("小王", ScorePart::kAfterSalesCost, true, nov).ok());
  ASSERT_TRUE(ledger.RecordCase("小王", ScorePart::kAfterSalesCost, false, nov).ok());
  EXPECT_EQ(ledger.RecordCase("小王", ScorePart::kAttitude, true, nov).code(),
            absl::StatusCode::kInvalidArgument);

  // Judged: a supervisor scores attitude 18; an agent may not; a score above
  // the weight is an error.
  absl::StatusOr<Decision> judged =
      ledger.Judge("小王", ScorePart::kAttitude, 18, StaffRole::kSupervisor, nov);
  ASSERT_TRUE(judged.ok()) << judged.status();
  EXPECT_EQ(judged->rule, "KPI-SCORE");
  EXPECT_EQ(judged->verdict, Verdict::kAllowed);
  EXPECT_THAT(judged->Reason(Language::kEn), HasSubstr("18 of 20"));
  absl::StatusOr<Decision> refused =
      ledger.Judge("小王", ScorePart::kSalesSkill, 20, StaffRole::kAgent, nov);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->rule, "FB-ROLES");
  EXPECT_EQ(refused->verdict, Verdict::kRefused);
  EXPECT_EQ(ledger.Judge("小王", ScorePart::kAttitude, 21, StaffRole::kManager, nov).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.Judge("小王", ScorePart::kAfterSalesCost, 5, StaffRole::kManager, nov)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // The QC inspector may change a score (the seed's QC role).
  ASSERT_TRUE(ledger.Judge("小王", ScorePart::kNewProductPitch, 6, StaffRole::kQcInspector, nov).ok());

  absl::StatusOr<Decision> exam = ledger.ExamTaken("小王", 72, nov);
  ASSERT_TRUE(exam.ok()) << exam.status();
  EXPECT_EQ(exam->rule, "KPI-EXAM");
  EXPECT_EQ(ledger.ExamTaken("小王", 101, nov).status().code(), absl::StatusCode::kInvalidArgument);

  const ScoreCard card = ledger.Card("小王", absl::CivilMonth(2026, 11));
  auto part = [&](ScorePart p) { return card.parts[static_cast<size_t>(p)]; };
  EXPECT_EQ(part(ScorePart::kAfterSalesRecord), 4);
  EXPECT_EQ(part(ScorePart::kAfterSalesCost), 5);
  EXPECT_EQ(part(ScorePart::kAfterSalesSpeed), 5);
  EXPECT_EQ(part(ScorePart::kAttitude), 18);
  EXPECT_EQ(part(ScorePart::kSalesSkill), std::nullopt);  // the agent's own score was refused
  EXPECT_EQ(part(ScorePart::kNewProductPitch), 6);
  EXPECT_EQ(card.total, 4 + 5 + 5 + 18 + 6);
  EXPECT_EQ(card.possible, 5 + 10 + 5 + 20 + 6);
  EXPECT_EQ(card.full, 90);
  EXPECT_EQ(card.exam, 72);
  EXPECT_TRUE(card.exam_passed);
  // Another month's card is empty but for full-mark measured parts.
  const ScoreCard dec = ledger.Card("小王", absl::CivilMonth(2026, 12));
  EXPECT_EQ(dec.total, 20);
  EXPECT_EQ(dec.exam, std::nullopt);
}

// Fed from a Shop: a ticket's AS-REGISTER decision is a registration case
// for the agent who registered it, refused or not.
TEST(TeamLedger, TicketOutcomesAreScoreCases) {
  TeamLedger ledger;
  ShopEvent e{"T1", TicketEvent{}};
  Outcome registered;
  registered.audit.agent = "小王";
  registered.audit.at = Cst(2026, 11, 10, 10);
  Decision ok;
  ok.rule = "AS-REGISTER";
  ok.verdict = Verdict::kAllowed;
  registered.decisions.push_back(ok);
  ledger.Observe(e, registered);
  Outcome incomplete = registered;
  incomplete.audit.refused = true;
  incomplete.decisions[0].verdict = Verdict::kRefused;
  ledger.Observe(e, incomplete);
  Outcome capped = registered;
  capped.decisions[0].rule = "AS-POSTAGE-CAP";
  capped.decisions[0].verdict = Verdict::kAdjusted;
  ledger.Observe(e, capped);
  Outcome duplicate = registered;
  duplicate.audit.duplicate = true;
  ledger.Observe(e, duplicate);
  const ScoreCard card = ledger.Card("小王", absl::CivilMonth(2026, 11));
  EXPECT_EQ(card.parts[static_cast<size_t>(ScorePart::kAfterSalesRecord)], 3);  // 1 of 2 of 5
  EXPECT_EQ(card.parts[static_cast<size_t>(ScorePart::kAfterSalesCost)], 0);    // 0 of 1
}

// FB-REPORT: reports upward are escalated and listed by kind.
TEST(TeamLedger, ReportsAreEscalatedAndListedByKind) {
  TeamLedger ledger;
  absl::StatusOr<Ruling> r = ledger.Reported(ReportKind::kCustomerFeedback, "小王",
                                             "三位客户说尺码偏小", Cst(2026, 11, 2, 10));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_FALSE(r->decisions.empty());
  EXPECT_EQ(r->decisions[0].rule, "FB-REPORT");
  ASSERT_FALSE(r->actions.empty());
  EXPECT_EQ(r->actions[0].assignee, "supervisor");
  ASSERT_TRUE(ledger.Reported(ReportKind::kCompetition, "小李", "对手降价到39元",
                              Cst(2026, 11, 2, 11)).ok());
  ASSERT_TRUE(ledger.Reported(ReportKind::kCompetition, "小王", "对手包邮",
                              Cst(2026, 11, 3, 9)).ok());
  EXPECT_EQ(ledger.Reported(ReportKind::kCompetition, "", "x", Cst(2026, 11, 3, 9)).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<TeamReport> day =
      ledger.ReportsBetween(Cst(2026, 11, 2, 0), Cst(2026, 11, 3, 0));
  ASSERT_EQ(day.size(), 2u);
  EXPECT_EQ(day[0].kind, ReportKind::kCompetition);
  EXPECT_EQ(day[0].from, "小李");
  EXPECT_EQ(day[1].kind, ReportKind::kCustomerFeedback);
  EXPECT_EQ(ledger.ReportsBetween(Cst(2026, 11, 2, 0), Cst(2026, 11, 4, 0)).size(), 3u);
}

// Fed from a Shop: a reply the Shop applied ends the round.
TEST(TeamLedger, ObservesTheShopsAppliedEvents) {
  absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Create();
  ASSERT_TRUE(shop.ok()) << shop.status();
  TeamLedger ledger;
  ledger.BuyerMessaged("buyer-a", "buyer-a", Cst(2026, 11, 2, 10));
  ReplyPosted reply;
  reply.meta = {"r1", Cst(2026, 11, 2, 10, 2), "小王"};
  reply.text = "您好，这款有货，今天下单明天发货。";
  const ShopEvent e{"buyer-a", ReplyEvent{reply}};
  absl::StatusOr<Outcome> out = (*shop)->Apply(e);
  ASSERT_TRUE(out.ok()) << out.status();
  ledger.Observe(e, *out);
  EXPECT_EQ(ledger.AgentDay("小王", LocalDay(2026, 11, 2)).in_time, 1);
  // The same reply again is a duplicate: nothing more.
  absl::StatusOr<Outcome> again = (*shop)->Apply(e);
  ASSERT_TRUE(again.ok());
  ledger.Observe(e, *again);
  EXPECT_EQ(ledger.AgentDay("小王", LocalDay(2026, 11, 2)).rounds, 1);
}

}  // namespace
}  // namespace kefu
