// The team ledger: targets from the orders the shop sees (KPI-MONTH,
// KPI-CARRY, KPI-DAY-DONE), response times and inquiry conversion.
#include "kefu/engine/team_ledger.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
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
