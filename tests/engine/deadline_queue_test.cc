// Tests of kefu/engine/deadline_queue.h: time order, exactly-once delivery,
// warnings before breaches, set/cancel/pause/resume, CancelAll, scheduled
// actions, refusals, large backlogs at once and in slices, and a randomized
// comparison with a simple model.
#include "kefu/engine/deadline_queue.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kefu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const Timestamp kT0 = absl::FromUnixSeconds(1795000000);  // 2026-11-18
const EventOrigin kNoOrigin{};
Timestamp H(int hours) { return kT0 + absl::Hours(hours); }

Deadline Set(RuleId rule, Timestamp due, std::optional<Timestamp> warn_at = std::nullopt) {
  Deadline d;
  d.rule = rule;
  d.op = DeadlineOp::kSet;
  d.due = due;
  d.warn_at = warn_at;
  return d;
}
Deadline Op(RuleId rule, DeadlineOp op, Timestamp due = absl::InfinitePast(),
            std::optional<Timestamp> warn_at = std::nullopt) {
  Deadline d = Set(rule, due, warn_at);
  d.op = op;
  return d;
}
Action Call(RuleId rule, Timestamp due, std::string assignee = "小王") {
  Action a;
  a.kind = ActionKind::kCall;
  a.rule = rule;
  a.assignee = std::move(assignee);
  a.subject = "13800000000";
  a.due = due;
  return a;
}

// "kind entity rule@hours" for compact expectations.
std::string Brief(const DueItem& d) {
  return std::string(DueKindName(d.kind)) + " " + d.entity + " " + std::string(d.rule) + "@" +
         std::to_string(absl::ToInt64Hours(d.at - kT0));
}
std::vector<std::string> Briefs(const std::vector<DueItem>& items) {
  std::vector<std::string> out;
  for (const DueItem& d : items) out.push_back(Brief(d));
  return out;
}

TEST(DeadlineQueue, DueKindNamesAreStable) {
  EXPECT_EQ(DueKindName(DueItem::Kind::kWarning), "warning");
  EXPECT_EQ(DueKindName(DueItem::Kind::kBreach), "breach");
  EXPECT_EQ(DueKindName(DueItem::Kind::kAction), "action");
}

TEST(DeadlineQueue, ReturnsWhatIsDueInTimeOrder) {
  DeadlineQueue q;
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "A", Set("AS-RESOLVE", H(30)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "B", Set("AS-TRACK", H(10)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kOrder, "C", Set("ORD-UNSHIPPED", H(20)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kReview, "D", Set("RV-DAILY", H(5000)), H(0), kNoOrigin).ok());
  EXPECT_EQ(q.pending(), 4u);
  EXPECT_EQ(q.open_entities(), 4u);
  std::vector<DueItem> due = q.Due(H(100));
  EXPECT_THAT(Briefs(due), ElementsAre("breach B AS-TRACK@10", "breach C ORD-UNSHIPPED@20",
                                       "breach A AS-RESOLVE@30"));
  EXPECT_EQ(due[1].entity_kind, EntityKind::kOrder);
  EXPECT_EQ(due[1].deadline.rule, "ORD-UNSHIPPED");
  EXPECT_EQ(due[1].deadline.due, H(20));
  EXPECT_EQ(q.pending(), 1u);
  EXPECT_EQ(q.open_entities(), 1u);
}

// Prefetch is a hint: for a known entity, an unknown one or an empty key
// it adds, removes and fires nothing.
TEST(DeadlineQueue, PrefetchChangesNothing) {
  DeadlineQueue q;
  q.Prefetch(EntityKind::kTicket, "A");  // an empty queue
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "A", Set("AS-RESOLVE", H(30)), H(0), kNoOrigin).ok());
  for (const char* key : {"A", "B", ""}) q.Prefetch(EntityKind::kTicket, key);
  q.Prefetch(EntityKind::kOrder, "A");
  EXPECT_EQ(q.pending(), 1u);
  EXPECT_EQ(q.open_entities(), 1u);
  EXPECT_TRUE(q.OpenDeadlines(EntityKind::kTicket, "B").empty());
  EXPECT_THAT(Briefs(q.Due(H(100))), ElementsAre("breach A AS-RESOLVE@30"));
}

TEST(DeadlineQueue, EqualTimesComeInTheOrderTheyWereSet) {
  DeadlineQueue q;
  // RV-DAILY falls due at the end of the day for every review of that day.
  for (const char* key : {"R3", "R1", "R2"}) {
    ASSERT_TRUE(q.Apply(EntityKind::kReview, key, Set("RV-DAILY", H(24)), H(0), kNoOrigin).ok());
  }
  ASSERT_TRUE(q.Schedule(EntityKind::kReview, "R0", Call("RV-SCHEDULE", H(24)), kNoOrigin).ok());
  // A warning at its due time comes before its breach.
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T", Set("AS-RESOLVE", H(24), H(24)), H(0), kNoOrigin).ok());
  EXPECT_THAT(Briefs(q.Due(H(24))),
              ElementsAre("breach R3 RV-DAILY@24", "breach R1 RV-DAILY@24",
                          "breach R2 RV-DAILY@24", "action R0 RV-SCHEDULE@24",
                          "warning T AS-RESOLVE@24", "breach T AS-RESOLVE@24"));
}

TEST(DeadlineQueue, EachItemIsReturnedExactlyOnceAcrossCalls) {
  DeadlineQueue q;
  for (int h = 1; h <= 6; ++h) {
    ASSERT_TRUE(q.Apply(EntityKind::kOrder, "O" + std::to_string(h), Set("ORD-UNSHIPPED", H(h)),
                        H(0), kNoOrigin)
                    .ok());
  }
  EXPECT_THAT(q.Due(H(0)), IsEmpty());
  EXPECT_THAT(Briefs(q.Due(H(2))),
              ElementsAre("breach O1 ORD-UNSHIPPED@1", "breach O2 ORD-UNSHIPPED@2"));
  EXPECT_THAT(q.Due(H(2)), IsEmpty());
  EXPECT_THAT(q.Due(H(1)), IsEmpty());  // time going back returns nothing twice
  std::vector<DueItem> out;
  EXPECT_EQ(q.Due(H(4), &out), 2u);
  EXPECT_EQ(q.Due(H(100), &out), 2u);
  EXPECT_THAT(Briefs(out), ElementsAre("breach O3 ORD-UNSHIPPED@3", "breach O4 ORD-UNSHIPPED@4",
                                       "breach O5 ORD-UNSHIPPED@5", "breach O6 ORD-UNSHIPPED@6"));
  EXPECT_THAT(q.Due(absl::InfiniteFuture()), IsEmpty());
  EXPECT_EQ(q.pending(), 0u);
  EXPECT_EQ(q.open_entities(), 0u);
}

TEST(DeadlineQueue, WarningFiresOnceBeforeItsBreach) {
  DeadlineQueue q;
  Deadline d = Set("AS-RESOLVE", H(7 * 24), H(6 * 24));
  d.message = {"售后须7天内完结", "resolve within 7 days"};
  d.figures.push_back({"due", H(7 * 24)});
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "AS1", d, H(0), kNoOrigin).ok());
  EXPECT_EQ(q.pending(), 2u);
  EXPECT_THAT(q.Due(H(6 * 24 - 1)), IsEmpty());

  std::vector<DueItem> warn = q.Due(H(6 * 24));
  ASSERT_EQ(warn.size(), 1u);
  EXPECT_EQ(warn[0].kind, DueItem::Kind::kWarning);
  EXPECT_EQ(warn[0].at, H(6 * 24));
  EXPECT_EQ(warn[0].entity, "AS1");
  EXPECT_EQ(warn[0].entity_kind, EntityKind::kTicket);
  EXPECT_EQ(warn[0].deadline, d);
  EXPECT_EQ(q.pending(), 1u);
  ASSERT_EQ(q.OpenDeadlines(EntityKind::kTicket, "AS1").size(), 1u);
  EXPECT_TRUE(q.OpenDeadlines(EntityKind::kTicket, "AS1")[0].warned);
  EXPECT_THAT(q.Due(H(6 * 24 + 5)), IsEmpty());

  std::vector<DueItem> breach = q.Due(H(8 * 24));
  ASSERT_EQ(breach.size(), 1u);
  EXPECT_EQ(breach[0].kind, DueItem::Kind::kBreach);
  EXPECT_EQ(breach[0].at, H(7 * 24));
  EXPECT_EQ(breach[0].deadline, d);
  EXPECT_THAT(q.OpenDeadlines(EntityKind::kTicket, "AS1"), IsEmpty());
  EXPECT_EQ(q.open_entities(), 0u);
}

TEST(DeadlineQueue, SetReplacesTheEarlierDeadlineOfTheSameRuleAndItsWarning) {
  DeadlineQueue q;
  ASSERT_TRUE(
      q.Apply(EntityKind::kOrder, "O1", Set("ORD-F2-HOLD", H(48), H(24)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kOrder, "O1", Set("ORD-UNSHIPPED", H(30)), H(0), kNoOrigin).ok());
  // The buyer confirmed again: the hold restarts, with no warning this time.
  ASSERT_TRUE(q.Apply(EntityKind::kOrder, "O1", Set("ORD-F2-HOLD", H(72)), H(10), kNoOrigin).ok());
  EXPECT_EQ(q.pending(), 2u);
  const std::vector<OpenDeadline> open = q.OpenDeadlines(EntityKind::kOrder, "O1");
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].rule, "ORD-UNSHIPPED");
  EXPECT_EQ(open[1].rule, "ORD-F2-HOLD");
  EXPECT_EQ(open[1].due, H(72));
  EXPECT_FALSE(open[1].warn_at.has_value());
  EXPECT_THAT(Briefs(q.Due(H(100))),
              ElementsAre("breach O1 ORD-UNSHIPPED@30", "breach O1 ORD-F2-HOLD@72"));
}

TEST(DeadlineQueue, SetAfterTheWarningFiredWarnsAgain) {
  DeadlineQueue q;
  ASSERT_TRUE(
      q.Apply(EntityKind::kOrder, "O1", Set("ORD-F2-HOLD", H(48), H(24)), H(0), kNoOrigin).ok());
  EXPECT_THAT(Briefs(q.Due(H(30))), ElementsAre("warning O1 ORD-F2-HOLD@24"));
  ASSERT_TRUE(
      q.Apply(EntityKind::kOrder, "O1", Set("ORD-F2-HOLD", H(96), H(72)), H(30), kNoOrigin).ok());
  EXPECT_THAT(Briefs(q.Due(H(100))),
              ElementsAre("warning O1 ORD-F2-HOLD@72", "breach O1 ORD-F2-HOLD@96"));
}

TEST(DeadlineQueue, CancelForgetsTheDeadline) {
  DeadlineQueue q;
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(48), H(24)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", Set("AS-TRACK", H(10)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Op("AS-RESOLVE", DeadlineOp::kCancel), H(1), kNoOrigin)
          .ok());
  EXPECT_EQ(q.pending(), 1u);
  // Cancelling what is not there is a no-op.
  EXPECT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Op("AS-RESOLVE", DeadlineOp::kCancel), H(1), kNoOrigin)
          .ok());
  EXPECT_TRUE(
      q.Apply(EntityKind::kTicket, "T9", Op("AS-RESOLVE", DeadlineOp::kCancel), H(1), kNoOrigin)
          .ok());
  EXPECT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Op("NO-SUCH", DeadlineOp::kCancel), H(1), kNoOrigin).ok());
  EXPECT_TRUE(
      q.Apply(EntityKind::kOrder, "T1", Op("AS-TRACK", DeadlineOp::kCancel), H(1), kNoOrigin).ok());
  EXPECT_EQ(q.open_entities(), 1u);
  EXPECT_THAT(Briefs(q.Due(H(100))), ElementsAre("breach T1 AS-TRACK@10"));
  EXPECT_EQ(q.open_entities(), 0u);
}

TEST(DeadlineQueue, CancelAfterTheWarningDropsTheBreach) {
  DeadlineQueue q;
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(48), H(24)), H(0), kNoOrigin).ok());
  EXPECT_EQ(q.Due(H(25)).size(), 1u);
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Op("AS-RESOLVE", DeadlineOp::kCancel), H(26), kNoOrigin)
          .ok());
  EXPECT_THAT(q.Due(H(100)), IsEmpty());
  EXPECT_EQ(q.open_entities(), 0u);
}

TEST(DeadlineQueue, PausedDeadlineDoesNotFireAndResumesWithNewTimes) {
  DeadlineQueue q;
  Deadline d = Set("AS-RESOLVE", H(48), H(24));
  d.message = {"售后须7天内完结", "resolve within 7 days"};
  d.figures.push_back({"claimed", Money::Fen(1200)});
  d.figures.push_back({"due", H(48)});  // stays the kSet's due after the resume
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", d, H(0), kNoOrigin).ok());
  // Waiting on the supplier: the clock stops at hour 10.
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", Op("AS-RESOLVE", DeadlineOp::kPause, H(48), H(24)),
                      H(10), kNoOrigin)
                  .ok());
  EXPECT_EQ(q.paused(), 1u);
  EXPECT_EQ(q.pending(), 0u);
  EXPECT_EQ(q.open_entities(), 1u);
  ASSERT_EQ(q.OpenDeadlines(EntityKind::kTicket, "T1").size(), 1u);
  EXPECT_TRUE(q.OpenDeadlines(EntityKind::kTicket, "T1")[0].paused);
  EXPECT_THAT(q.Due(H(60)), IsEmpty());
  // Pausing twice changes nothing.
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Op("AS-RESOLVE", DeadlineOp::kPause), H(61), kNoOrigin)
          .ok());
  EXPECT_EQ(q.paused(), 1u);
  // Back at hour 70: 60 paused hours move both times.
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1",
                      Op("AS-RESOLVE", DeadlineOp::kResume, H(108), H(84)), H(70), kNoOrigin)
                  .ok());
  EXPECT_EQ(q.paused(), 0u);
  EXPECT_EQ(q.pending(), 2u);
  std::vector<DueItem> due = q.Due(H(200));
  EXPECT_THAT(Briefs(due),
              ElementsAre("warning T1 AS-RESOLVE@84", "breach T1 AS-RESOLVE@108"));
  // The message and figures of the kSet are kept; op and times are the resume's.
  EXPECT_EQ(due[1].deadline.op, DeadlineOp::kResume);
  EXPECT_EQ(due[1].deadline.due, H(108));
  EXPECT_EQ(due[1].deadline.warn_at, H(84));
  EXPECT_EQ(due[1].deadline.message, d.message);
  EXPECT_EQ(due[1].deadline.figures, d.figures);
}

TEST(DeadlineQueue, ResumeDoesNotRepeatAWarningAlreadyReturned) {
  DeadlineQueue q;
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(48), H(24)), H(0), kNoOrigin).ok());
  EXPECT_THAT(Briefs(q.Due(H(30))), ElementsAre("warning T1 AS-RESOLVE@24"));
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Op("AS-RESOLVE", DeadlineOp::kPause), H(30), kNoOrigin)
          .ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1",
                      Op("AS-RESOLVE", DeadlineOp::kResume, H(58), H(34)), H(40), kNoOrigin)
                  .ok());
  EXPECT_EQ(q.pending(), 1u);
  EXPECT_THAT(Briefs(q.Due(H(100))), ElementsAre("breach T1 AS-RESOLVE@58"));
}

TEST(DeadlineQueue, ResumeOfAnUnknownDeadlineActsAsSet) {
  DeadlineQueue q;
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1",
                      Op("AS-RESOLVE", DeadlineOp::kResume, H(20), H(10)), H(0), kNoOrigin)
                  .ok());
  EXPECT_EQ(q.pending(), 2u);
  std::vector<DueItem> due = q.Due(H(30));
  EXPECT_THAT(Briefs(due), ElementsAre("warning T1 AS-RESOLVE@10", "breach T1 AS-RESOLVE@20"));
  EXPECT_EQ(due[0].deadline.op, DeadlineOp::kResume);
}

TEST(DeadlineQueue, PauseOfAnUnknownDeadlineIsANoOp) {
  DeadlineQueue q;
  EXPECT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Op("AS-RESOLVE", DeadlineOp::kPause), H(0), kNoOrigin)
          .ok());
  EXPECT_EQ(q.open_entities(), 0u);
  EXPECT_EQ(q.paused(), 0u);
}

TEST(DeadlineQueue, CancelAllDropsEverythingOfTheEntity) {
  DeadlineQueue q;
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(48), H(24)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", Set("AS-TRACK", H(12)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Op("AS-TRACK", DeadlineOp::kPause), H(1), kNoOrigin).ok());
  ASSERT_TRUE(q.Schedule(EntityKind::kTicket, "T1", Call("AS-OWNER", H(5)), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T2", Set("AS-RESOLVE", H(50)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kOrder, "T1", Set("ORD-UNSHIPPED", H(40)), H(0), kNoOrigin).ok());
  EXPECT_EQ(q.open_entities(), 3u);
  q.CancelAll(EntityKind::kTicket, "T1");
  q.CancelAll(EntityKind::kTicket, "T-unknown");
  EXPECT_EQ(q.open_entities(), 2u);
  EXPECT_EQ(q.paused(), 0u);
  EXPECT_EQ(q.pending(), 2u);
  EXPECT_THAT(q.OpenDeadlines(EntityKind::kTicket, "T1"), IsEmpty());
  EXPECT_THAT(q.ScheduledActions(EntityKind::kTicket, "T1"), IsEmpty());
  EXPECT_THAT(Briefs(q.Due(H(100))),
              ElementsAre("breach T1 ORD-UNSHIPPED@40", "breach T2 AS-RESOLVE@50"));
}

TEST(DeadlineQueue, ScheduledActionsFireAtTheirDueAsScheduled) {
  DeadlineQueue q;
  Action second = Call("RV-SCHEDULE", H(48), "小李");
  second.kind = ActionKind::kSms;
  second.message = {"第{day}天：请买家修改评价（{channel}）", "day {day}: ask to revise ({channel})"};
  second.figures.push_back({"day", int64_t{2}});
  second.figures.push_back({"channel", std::string("sms")});
  second.figures.push_back({"due", H(48)});
  Action first = Call("RV-SCHEDULE", H(24));
  Action bare;
  bare.kind = ActionKind::kRestock;
  bare.rule = "AS-RECEIVE";
  bare.due = H(30);
  ASSERT_TRUE(q.Schedule(EntityKind::kReview, "R1", second, kNoOrigin).ok());
  ASSERT_TRUE(q.Schedule(EntityKind::kReview, "R1", first, kNoOrigin).ok());
  ASSERT_TRUE(q.Schedule(EntityKind::kReview, "R1", bare, kNoOrigin).ok());
  EXPECT_EQ(q.pending(), 3u);
  EXPECT_THAT(q.ScheduledActions(EntityKind::kReview, "R1"), ElementsAre(first, bare, second));
  // Actions are not keyed by rule: a deadline op of the same rule leaves them.
  ASSERT_TRUE(
      q.Apply(EntityKind::kReview, "R1", Op("RV-SCHEDULE", DeadlineOp::kCancel), H(1), kNoOrigin)
          .ok());
  std::vector<DueItem> due = q.Due(H(100));
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].kind, DueItem::Kind::kAction);
  EXPECT_EQ(due[0].action, first);
  EXPECT_EQ(due[1].action, bare);
  EXPECT_EQ(due[2].action, second);
  EXPECT_EQ(due[2].at, H(48));
  EXPECT_EQ(due[2].rule, "RV-SCHEDULE");
  EXPECT_EQ(due[2].entity, "R1");
  EXPECT_EQ(q.open_entities(), 0u);
}

TEST(DeadlineQueue, TimesAlreadyPastFireAtTheNextDue) {
  DeadlineQueue q;
  ASSERT_TRUE(q.Apply(EntityKind::kOrder, "O1", Set("ORD-UNSHIPPED", H(50)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kOrder, "O2", Set("ORD-UNSHIPPED", H(5)), H(0), kNoOrigin).ok());
  EXPECT_THAT(Briefs(q.Due(H(10))), ElementsAre("breach O2 ORD-UNSHIPPED@5"));
  // Set now, due long ago (an ERP delivering late).
  ASSERT_TRUE(
      q.Apply(EntityKind::kOrder, "O3", Set("ORD-UNSHIPPED", H(7), H(3)), H(10), kNoOrigin).ok());
  ASSERT_TRUE(
      q.Apply(EntityKind::kOrder, "O4", Set("ORD-UNSHIPPED", H(-2000)), H(10), kNoOrigin).ok());
  ASSERT_TRUE(q.Schedule(EntityKind::kReview, "R1", Call("RV-SCHEDULE", H(8)), kNoOrigin).ok());
  EXPECT_EQ(q.NextDue(), H(-2000));
  EXPECT_THAT(Briefs(q.Due(H(10))),
              ElementsAre("breach O4 ORD-UNSHIPPED@-2000", "warning O3 ORD-UNSHIPPED@3",
                          "breach O3 ORD-UNSHIPPED@7", "action R1 RV-SCHEDULE@8"));
  EXPECT_EQ(q.NextDue(), H(50));
  EXPECT_THAT(Briefs(q.Due(H(60))), ElementsAre("breach O1 ORD-UNSHIPPED@50"));
  EXPECT_EQ(q.NextDue(), std::nullopt);
}

TEST(DeadlineQueue, InvalidInputIsRefusedAndChangesNothing) {
  DeadlineQueue q;
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(48), H(24)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Schedule(EntityKind::kTicket, "T1", Call("AS-OWNER", H(5)), kNoOrigin).ok());
  const auto before = q.OpenDeadlines(EntityKind::kTicket, "T1");

  const std::vector<std::pair<std::string, Deadline>> bad = {
      {"", Set("AS-RESOLVE", H(10))},
      {"T1", Set("", H(10))},
      {"T1", Set("AS-RESOLVE", absl::InfiniteFuture())},
      {"T1", Set("AS-RESOLVE", absl::InfinitePast())},
      {"T1", Op("AS-RESOLVE", DeadlineOp::kResume, absl::InfiniteFuture())},
      {"T1", Set("AS-RESOLVE", H(10), H(11))},
      {"T1", Set("AS-RESOLVE", H(10), absl::InfinitePast())},
      {"T1", Set("AS-RESOLVE", absl::FromUnixSeconds(int64_t{10} << 33))},  // year 2692
      {"T1", Op("AS-RESOLVE", static_cast<DeadlineOp>(42), H(10))},
      {"", Op("AS-RESOLVE", DeadlineOp::kCancel)},
  };
  for (const auto& [key, d] : bad) {
    const absl::Status s = q.Apply(EntityKind::kTicket, key, d, H(0), kNoOrigin);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << key << " " << d.rule << " " << s;
  }
  Action no_due = Call("AS-OWNER", H(1));
  no_due.due.reset();
  Action infinite = Call("AS-OWNER", absl::InfiniteFuture());
  EXPECT_EQ(q.Schedule(EntityKind::kTicket, "T1", no_due, kNoOrigin).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.Schedule(EntityKind::kTicket, "T1", infinite, kNoOrigin).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.Schedule(EntityKind::kTicket, "", Call("AS-OWNER", H(1)), kNoOrigin).code(),
            absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(q.pending(), 3u);
  EXPECT_EQ(q.open_entities(), 1u);
  const auto after = q.OpenDeadlines(EntityKind::kTicket, "T1");
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(after[0].due, before[0].due);
  EXPECT_EQ(after[0].warn_at, before[0].warn_at);
  EXPECT_THAT(Briefs(q.Due(H(100))), ElementsAre("action T1 AS-OWNER@5", "warning T1 AS-RESOLVE@24",
                                                 "breach T1 AS-RESOLVE@48"));
}

TEST(DeadlineQueue, FiguresAndMessagesComeBackAsSet) {
  DeadlineQueue q;
  Deadline d = Set("AS-RESOLVE", H(48), H(24));
  d.message = {"{claimed}于{due}前处理", "{claimed} by {due}"};
  d.figures.push_back({"claimed", Money::Fen(-1234567)});
  d.figures.push_back({"due", H(48)});
  d.figures.push_back({"quarter", kT0 + absl::Nanoseconds(1) / 4});  // finer than ns
  d.figures.push_back({"never", absl::InfiniteFuture()});
  d.figures.push_back({"always", absl::InfinitePast()});
  d.figures.push_back({"old", absl::FromCivil(absl::CivilSecond(1500, 1, 1), absl::UTCTimeZone())});
  d.figures.push_back({"count", int64_t{-3}});
  d.figures.push_back({"big", std::numeric_limits<int64_t>::min()});
  d.figures.push_back({"state", std::string("等待退货")});
  d.figures.push_back({"payment", Term{"cash_on_delivery", "货到付款", "cash on delivery"}});
  d.figures.push_back({"missing", TermList{Term{"price", "价格", "price"},
                                           Term{"postage", "邮费", "postage"}}});
  d.figures.push_back({"none", TermList{}});
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", d, H(0), kNoOrigin).ok());
  std::vector<DueItem> due = q.Due(H(100));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].deadline, d);
  EXPECT_EQ(due[1].deadline, d);
  EXPECT_EQ(due[1].deadline.Describe(Language::kEn), d.Describe(Language::kEn));
}

// ForEachDue passes one item object, refilled for each: nothing of an item
// may show in the next (an assignee, a warning time, figures).
TEST(DeadlineQueue, ForEachDuePassesEachItemAsDueWouldReturnIt) {
  auto fill = [](DeadlineQueue* q) {
    Deadline d = Set("AS-RESOLVE", H(5), H(1));
    d.message = {"{claimed}于{due}前处理", "{claimed} by {due}"};
    d.figures.push_back({"claimed", Money::Fen(1200)});
    d.figures.push_back({"state", std::string("等待买家退货，超过十五个字节的文字")});
    ASSERT_TRUE(q->Apply(EntityKind::kTicket, "AS2026112400001234", d, H(0), kNoOrigin).ok());
    ASSERT_TRUE(q->Apply(EntityKind::kTicket, "T2", Set("AS-TRACK", H(3)), H(0), kNoOrigin).ok());
    Action with = Call("RV-SCHEDULE", H(2), "客服小王（售后组，夜班）");
    with.figures.push_back({"day", int64_t{2}});
    ASSERT_TRUE(
        q->Schedule(EntityKind::kReview, "R-with-a-long-review-key-1", with, kNoOrigin).ok());
    Action bare;
    bare.kind = ActionKind::kRestock;
    bare.rule = "AS-RECEIVE";
    bare.due = H(2);
    ASSERT_TRUE(q->Schedule(EntityKind::kOrder, "O1", bare, kNoOrigin).ok());
  };
  DeadlineQueue a, b;
  fill(&a);
  fill(&b);
  const std::vector<DueItem> want = a.Due(H(10));
  ASSERT_EQ(want.size(), 5u);
  std::vector<DueItem> got;
  EXPECT_EQ(b.ForEachDue(H(10), [&](const DueItem& d) { got.push_back(d); }), 5u);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(Brief(want[i]));
    EXPECT_EQ(got[i].kind, want[i].kind);
    EXPECT_EQ(got[i].at, want[i].at);
    EXPECT_EQ(got[i].entity_kind, want[i].entity_kind);
    EXPECT_EQ(got[i].entity, want[i].entity);
    EXPECT_EQ(got[i].rule, want[i].rule);
    EXPECT_EQ(got[i].deadline, want[i].deadline);
    EXPECT_EQ(got[i].action, want[i].action);
  }
  // The bare restock after the call: no assignee, subject or figures left.
  EXPECT_EQ(Brief(got[2]), "action O1 AS-RECEIVE@2");
  EXPECT_TRUE(got[2].action.assignee.empty());
  EXPECT_TRUE(got[2].action.subject.empty());
  EXPECT_TRUE(got[2].action.figures.empty());
  EXPECT_EQ(b.pending(), 0u);
  EXPECT_EQ(b.open_entities(), 0u);
  EXPECT_EQ(b.ForEachDue(absl::InfiniteFuture(), [](const DueItem&) { FAIL(); }), 0u);
}

TEST(DeadlineQueue, ForEachDueThatThrowsHasDeliveredTheItemsItWasPassed) {
  DeadlineQueue q;
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T" + std::to_string(i), Set("AS-RESOLVE", H(i + 1)),
                        H(0), kNoOrigin)
                    .ok());
  }
  std::vector<std::string> seen;
  EXPECT_THROW(q.ForEachDue(H(10),
                            [&](const DueItem& d) {
                              seen.push_back(Brief(d));
                              if (seen.size() == 2) throw std::runtime_error("host failed");
                            }),
               std::runtime_error);
  EXPECT_THAT(seen, ElementsAre("breach T0 AS-RESOLVE@1", "breach T1 AS-RESOLVE@2"));
  EXPECT_EQ(q.pending(), 4u);
  EXPECT_THAT(Briefs(q.Due(H(10))),
              ElementsAre("breach T2 AS-RESOLVE@3", "breach T3 AS-RESOLVE@4",
                          "breach T4 AS-RESOLVE@5", "breach T5 AS-RESOLVE@6"));
}

TEST(DeadlineQueue, KeysArePerKindAndMayBeLong) {
  DeadlineQueue q;
  const std::string long_key(100, 'k');
  ASSERT_TRUE(q.Apply(EntityKind::kOrder, "T1", Set("ORD-UNSHIPPED", H(1)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(2)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, long_key, Set("AS-RESOLVE", H(3)), H(0), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "123456789012345678901234", Set("AS-RESOLVE", H(4)),
                      H(0), kNoOrigin)
                  .ok());
  EXPECT_EQ(q.open_entities(), 4u);
  ASSERT_EQ(q.OpenDeadlines(EntityKind::kTicket, long_key).size(), 1u);
  std::vector<DueItem> due = q.Due(H(10));
  ASSERT_EQ(due.size(), 4u);
  EXPECT_EQ(due[0].entity_kind, EntityKind::kOrder);
  EXPECT_EQ(due[1].entity_kind, EntityKind::kTicket);
  EXPECT_EQ(due[2].entity, long_key);
  EXPECT_EQ(due[3].entity, "123456789012345678901234");
}

TEST(DeadlineQueue, RuleIdsNeedNotOutliveTheCall) {
  DeadlineQueue q;
  {
    std::string rule = "AS-RESOLVE";
    ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", Set(rule, H(1)), H(0), kNoOrigin).ok());
    rule = "XX-XXXXXXX";
  }
  std::vector<DueItem> due = q.Due(H(10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].rule, "AS-RESOLVE");
}

TEST(DeadlineQueue, MovedQueueKeepsItsContents) {
  DeadlineQueue a;
  ASSERT_TRUE(a.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(1)), H(0), kNoOrigin).ok());
  DeadlineQueue b = std::move(a);
  EXPECT_EQ(b.Due(H(10)).size(), 1u);
}

TEST(DeadlineQueue, ChurnOnOneDeadlineLeavesOneItem) {
  DeadlineQueue q;
  // Replacing and cancelling many times leaves stale entries behind that
  // must be swept, and never fire.
  for (int i = 0; i < 100000; ++i) {
    const Timestamp due = kT0 + absl::Seconds(i * 37 % 100000);
    ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", due, due - absl::Seconds(1)),
                        H(0), kNoOrigin)
                    .ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T2", Set("AS-TRACK", due), H(0), kNoOrigin).ok());
      ASSERT_TRUE(
          q.Apply(EntityKind::kTicket, "T2", Op("AS-TRACK", DeadlineOp::kCancel), H(0), kNoOrigin)
              .ok());
    }
  }
  EXPECT_EQ(q.pending(), 2u);
  EXPECT_EQ(q.open_entities(), 1u);
  const Timestamp last = kT0 + absl::Seconds(99999LL * 37 % 100000);
  EXPECT_THAT(q.Due(last - absl::Seconds(2)), IsEmpty());
  std::vector<DueItem> due = q.Due(absl::InfiniteFuture());
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1].at, last);
}

TEST(DeadlineQueue, ReplacingWhatIsAboutToFallDueLeavesNoStaleItem) {
  DeadlineQueue q;
  // 1000 orders due within the same few minutes; the first Due sorts them.
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(q.Apply(EntityKind::kOrder, "O" + std::to_string(i),
                        Set("ORD-UNSHIPPED", kT0 + absl::Seconds(i % 100)), H(0), kNoOrigin)
                    .ok());
  }
  EXPECT_EQ(q.Due(kT0 - absl::Seconds(1)).size(), 0u);
  EXPECT_EQ(q.NextDue(), kT0);
  // Every order gets a new time, in reverse, and half get a warning first.
  for (int i = 0; i < 1000; ++i) {
    const Timestamp due = kT0 + absl::Seconds(1000 - i);
    std::optional<Timestamp> warn;
    if (i % 2 == 0) warn = due - absl::Seconds(500);
    ASSERT_TRUE(q.Apply(EntityKind::kOrder, "O" + std::to_string(i),
                        Set("ORD-UNSHIPPED", due, warn), H(0), kNoOrigin)
                    .ok());
  }
  EXPECT_EQ(q.pending(), 1500u);
  std::vector<DueItem> due = q.Due(H(1));
  ASSERT_EQ(due.size(), 1500u);
  EXPECT_TRUE(std::is_sorted(due.begin(), due.end(), [](const DueItem& a, const DueItem& b) {
    return a.at < b.at;
  }));
  EXPECT_EQ(due.back().entity, "O0");
  EXPECT_EQ(q.open_entities(), 0u);
}

// Items of a bucket with many entries are kept together (see "Where items
// live" in deadline_queue.cc); one that falls to half full when deadlines are
// cancelled gives its items up to other slots, renewing their queue entries.
// None may be lost, repeated or reordered, equal times included.
TEST(DeadlineQueue, ManyDeadlinesOfOneBucketCancelledDownToAQuarterFireInOrder) {
  DeadlineQueue q;
  const Timestamp base = H(48);
  // 640 tickets (ten pages' worth) due within two minutes, at 40 distinct
  // instants, not in the order they are set; a quarter of them also warn.
  std::map<std::pair<Timestamp, int>, std::string> want;  // (due, set order)
  auto due_of = [&](int i) { return base + absl::Seconds((i * 7) % 40 * 3); };
  for (int i = 0; i < 640; ++i) {
    const std::string key = "T" + std::to_string(i);
    std::optional<Timestamp> warn;
    if (i % 4 == 1) warn = H(24) + absl::Seconds(i);
    ASSERT_TRUE(
        q.Apply(EntityKind::kTicket, key, Set("AS-RESOLVE", due_of(i), warn), H(0), kNoOrigin)
            .ok());
  }
  // Three in four are cancelled, in an order that empties every page.
  for (int i = 639; i >= 0; --i) {
    if (i % 4 == 0) continue;
    const std::string key = "T" + std::to_string(i);
    if (i % 8 == 3) {
      q.CancelAll(EntityKind::kTicket, key);
    } else {
      ASSERT_TRUE(
          q.Apply(EntityKind::kTicket, key, Op("AS-RESOLVE", DeadlineOp::kCancel), H(0), kNoOrigin)
              .ok());
    }
  }
  // Of those left, some are paused and resumed, some set again: a resume or
  // a new set comes after everything set before it at the same time.
  int order = 0;
  for (int i = 0; i < 640; i += 4) want[{due_of(i), order++}] = "T" + std::to_string(i);
  for (int i = 0; i < 640; i += 32) {
    const std::string key = "T" + std::to_string(i);
    ASSERT_TRUE(
        q.Apply(EntityKind::kTicket, key, Op("AS-RESOLVE", DeadlineOp::kPause), H(0), kNoOrigin)
            .ok());
  }
  EXPECT_EQ(q.paused(), 20u);
  for (int i = 0; i < 640; i += 32) {
    const std::string key = "T" + std::to_string(i);
    ASSERT_TRUE(q.Apply(EntityKind::kTicket, key, Op("AS-RESOLVE", DeadlineOp::kResume, due_of(i)),
                        H(0), kNoOrigin)
                    .ok());
    for (auto it = want.begin(); it != want.end(); ++it) {
      if (it->second == key) {
        want.erase(it);
        break;
      }
    }
    want[{due_of(i), order++}] = key;
  }
  EXPECT_EQ(q.pending(), 160u);
  EXPECT_EQ(q.open_entities(), 160u);
  EXPECT_THAT(q.Due(H(47)), IsEmpty());
  std::vector<DueItem> due = q.Due(H(49));
  std::vector<std::string> got;
  for (const DueItem& d : due) {
    EXPECT_EQ(d.kind, DueItem::Kind::kBreach) << d.entity;
    got.push_back(d.entity);
  }
  std::vector<std::string> expect;
  for (const auto& [k, key] : want) expect.push_back(key);
  EXPECT_EQ(got, expect);
  EXPECT_EQ(q.pending(), 0u);
  EXPECT_EQ(q.open_entities(), 0u);
}

// An entity's items are kept in the order they leave (by due), so firing
// one of two reads the other only when times moved; either way each fires.
TEST(DeadlineQueue, TwoDeadlinesOfOneEntityFireWhicheverIsDueFirst) {
  DeadlineQueue q;
  for (int i = 0; i < 200; ++i) {
    const std::string key = "T" + std::to_string(i);
    const Timestamp a = H(10) + absl::Seconds(i);
    const Timestamp b = H(10) + absl::Seconds(200 - i);
    ASSERT_TRUE(q.Apply(EntityKind::kTicket, key, Set("AS-RESOLVE", a), H(0), kNoOrigin).ok());
    ASSERT_TRUE(q.Apply(EntityKind::kTicket, key, Set("AS-TRACK", b), H(0), kNoOrigin).ok());
    if (i % 3 == 0) {  // moved after both were set
      ASSERT_TRUE(q.Apply(EntityKind::kTicket, key, Set("AS-RESOLVE", H(10) + absl::Seconds(300)),
                          H(0), kNoOrigin)
                      .ok());
    }
  }
  std::vector<DueItem> due = q.Due(H(11));
  ASSERT_EQ(due.size(), 400u);
  std::map<std::string, int> per_entity;
  for (const DueItem& d : due) ++per_entity[d.entity];
  EXPECT_EQ(per_entity.size(), 200u);
  for (const auto& [key, n] : per_entity) EXPECT_EQ(n, 2) << key;
  EXPECT_TRUE(std::is_sorted(due.begin(), due.end(), [](const DueItem& x, const DueItem& y) {
    return x.at < y.at;
  }));
  EXPECT_EQ(q.open_entities(), 0u);
}

TEST(DeadlineQueue, HoldsMoreEntitiesThanItsSmallChunks) {
  DeadlineQueue q;
  const int64_t n = 140000;  // past 2^17 items and entities: the large chunks
  for (int64_t i = 0; i < n; ++i) {
    const Timestamp due = kT0 + absl::Seconds(i * 7919 % n);
    ASSERT_TRUE(q.Apply(EntityKind::kOrder, "O" + std::to_string(i), Set("ORD-UNSHIPPED", due),
                        H(0), kNoOrigin)
                    .ok());
  }
  EXPECT_EQ(q.open_entities(), static_cast<size_t>(n));
  ASSERT_EQ(q.OpenDeadlines(EntityKind::kOrder, "O139999").size(), 1u);
  std::vector<DueItem> due = q.Due(absl::InfiniteFuture());
  ASSERT_EQ(due.size(), static_cast<size_t>(n));
  for (size_t i = 1; i < due.size(); ++i) ASSERT_LE(due[i - 1].at, due[i].at);
  EXPECT_EQ(q.open_entities(), 0u);
}

TEST(DeadlineQueue, EntitiesEndedByDueCanComeBackBeforeAndAfterTheSweep) {
  // Due leaves ended entities in its index and sweeps them in bulk once they
  // are many: before and after that, an ended entity is unknown to queries
  // and CancelAll, counts as closed, and its key can open it again.
  DeadlineQueue q;
  const int n = 6000;
  auto key = [](int i) {
    return i % 3 == 0 ? "long-entity-key-of-more-than-24-bytes-" + std::to_string(i)
                      : "T" + std::to_string(i);
  };
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(
        q.Apply(EntityKind::kTicket, key(i), Set("AS-RESOLVE", H(1 + i % 10)), H(0), kNoOrigin)
            .ok());
  }
  ASSERT_TRUE(q.Schedule(EntityKind::kTicket, key(1), Call("AS-RESOLVE", H(40)), kNoOrigin).ok());
  // Hour 1 ends 600 entities: fewer husks than a sweep waits for.
  ASSERT_EQ(q.Due(H(1)).size(), 600u);
  EXPECT_EQ(q.open_entities(), static_cast<size_t>(n - 600));
  EXPECT_TRUE(q.OpenDeadlines(EntityKind::kTicket, key(0)).empty());
  EXPECT_TRUE(q.ScheduledActions(EntityKind::kTicket, key(0)).empty());
  q.CancelAll(EntityKind::kTicket, key(10));  // ended: a no-op
  EXPECT_EQ(q.open_entities(), static_cast<size_t>(n - 600));
  // Ended entities come back.
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, key(0), Set("AS-TRACK", H(20)), H(1), kNoOrigin).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, key(20), Set("AS-TRACK", H(21)), H(1), kNoOrigin).ok());
  EXPECT_EQ(q.open_entities(), static_cast<size_t>(n - 600 + 2));
  ASSERT_EQ(q.OpenDeadlines(EntityKind::kTicket, key(0)).size(), 1u);
  // Hours 2..9 end 4800 more (key(1) keeps its call): the husks are swept.
  ASSERT_EQ(q.Due(H(9)).size(), 4800u);
  EXPECT_EQ(q.open_entities(), 600u + 3u);  // hour 10, key(0), key(20), key(1)
  EXPECT_EQ(q.ScheduledActions(EntityKind::kTicket, key(1)).size(), 1u);
  // Old keys and a new one after the sweep.
  for (int i = 0; i < n; i += 2) {
    ASSERT_TRUE(q.Apply(EntityKind::kTicket, key(i), Set("RV-DAILY", H(30)), H(9), kNoOrigin).ok());
  }
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "new", Set("RV-DAILY", H(31)), H(9), kNoOrigin).ok());
  // hour 10 (odd keys), key(1), the n/2 even keys, "new"
  EXPECT_EQ(q.open_entities(), static_cast<size_t>(600 + 1 + n / 2 + 1));
  ASSERT_EQ(q.OpenDeadlines(EntityKind::kTicket, key(0)).size(), 2u);
  q.CancelAll(EntityKind::kTicket, key(0));
  EXPECT_TRUE(q.OpenDeadlines(EntityKind::kTicket, key(0)).empty());
  const std::vector<DueItem> rest = q.Due(absl::InfiniteFuture());
  // hour 10, key(20)'s AS-TRACK, the other n/2 - 1 RV-DAILY, "new", key(1)'s call
  EXPECT_EQ(rest.size(), static_cast<size_t>(600 + 1 + (n / 2 - 1) + 1 + 1));
  for (size_t i = 1; i < rest.size(); ++i) ASSERT_LE(rest[i - 1].at, rest[i].at);
  EXPECT_EQ(q.open_entities(), 0u);
  EXPECT_EQ(q.pending(), 0u);
}

// A day's backlog: the warnings of deadlines due within a day, whose warn_at
// lies before `now`, spread over many time buckets.
void FillBacklog(DeadlineQueue* q, int n, int prefix = 0) {
  for (int i = 0; i < n; ++i) {
    const Timestamp due = H(1) + absl::Seconds(1 + (i * 7919) % (24 * 3600 - 1));
    Deadline d = Set("AS-RESOLVE", due, due - absl::Hours(24));
    d.figures.push_back({"due", due});
    d.figures.push_back({"claimed", Money::Fen(i)});
    ASSERT_TRUE(
        q->Apply(EntityKind::kTicket, "AS20261124" + std::to_string(prefix + i), d, H(0), kNoOrigin)
            .ok());
  }
}

TEST(DeadlineQueue, LargeBacklogComesBackWholeInOrderAfterWhatTheVectorHeld) {
  // 30,000 DueItems (19 MB): the result is reserved once, in a new block the
  // items already in the vector are moved to.
  DeadlineQueue q;
  FillBacklog(&q, 30000);
  std::vector<DueItem> out;
  out.emplace_back().entity = "held before";
  out.back().deadline.figures.push_back({"kept", int64_t{7}});
  ASSERT_EQ(q.Due(H(1), &out), 30000u);
  ASSERT_EQ(out.size(), 30001u);
  EXPECT_EQ(out[0].entity, "held before");
  ASSERT_EQ(out[0].deadline.figures.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(out[0].deadline.figures[0].value), 7);
  std::set<std::string> keys;
  for (size_t i = 1; i < out.size(); ++i) {
    ASSERT_EQ(out[i].kind, DueItem::Kind::kWarning);
    if (i > 1) {
      ASSERT_LE(out[i - 1].at, out[i].at);
    }
    ASSERT_EQ(out[i].at, out[i].deadline.due - absl::Hours(24));
    ASSERT_EQ(out[i].deadline.figures.size(), 2u);
    keys.insert(out[i].entity);
  }
  EXPECT_EQ(keys.size(), 30000u);
  EXPECT_EQ(q.pending(), 30000u);  // the breaches
  EXPECT_EQ(q.Due(H(25), &out), 30000u);
  EXPECT_EQ(out.size(), 60001u);
  EXPECT_EQ(q.pending(), 0u);
}

TEST(DeadlineQueue, TwoQueuesAppendTheirBacklogsToOneVector) {
  // As the Shop collects its shards: each queue's items follow the earlier
  // ones unchanged.
  DeadlineQueue a;
  DeadlineQueue b;
  FillBacklog(&a, 9000);
  FillBacklog(&b, 12000, 100000);
  std::vector<DueItem> out;
  ASSERT_EQ(a.Due(H(1), &out), 9000u);
  const std::vector<std::string> first = Briefs(out);
  ASSERT_EQ(b.Due(H(1), &out), 12000u);
  ASSERT_EQ(out.size(), 21000u);
  for (size_t i = 0; i < first.size(); ++i) ASSERT_EQ(Brief(out[i]), first[i]);
  for (size_t i = 9001; i < out.size(); ++i) ASSERT_LE(out[i - 1].at, out[i].at);
}

TEST(DeadlineQueue, BacklogInSlicesEqualsTheBacklogAtOnce) {
  // Same queue twice; one gives its backlog at once, the other in slices of
  // 1000 (and one of 1) into a reused vector. Warnings whose breach also
  // falls due inside the span, actions and equal times are mixed in.
  DeadlineQueue whole;
  DeadlineQueue sliced;
  for (DeadlineQueue* q : {&whole, &sliced}) {
    FillBacklog(q, 5000);
    for (int i = 0; i < 500; ++i) {
      const std::string key = "O" + std::to_string(i);
      ASSERT_TRUE(q->Apply(EntityKind::kOrder, key,
                           Set("ORD-UNSHIPPED", H(i % 30), H(i % 30) - absl::Hours(i % 7)), H(0),
                           kNoOrigin)
                      .ok());
      ASSERT_TRUE(
          q->Schedule(EntityKind::kOrder, key, Call("ORD-UNSHIPPED", H(i % 25)), kNoOrigin).ok());
    }
  }
  const std::vector<std::string> want = Briefs(whole.Due(H(26)));
  std::vector<DueItem> out;
  std::vector<std::string> got;
  ASSERT_EQ(sliced.Due(H(26), 1, &out), 1u);
  ASSERT_EQ(sliced.Due(H(26), 0, &out), 0u);  // nothing asked, nothing taken
  got = Briefs(out);
  size_t n;
  do {
    out.clear();
    n = sliced.Due(H(26), 1000, &out);
    ASSERT_LE(n, 1000u);
    ASSERT_EQ(out.size(), n);
    for (const DueItem& d : out) got.push_back(Brief(d));
  } while (n == 1000);
  EXPECT_EQ(got.size(), want.size());
  EXPECT_EQ(got, want);
  EXPECT_EQ(sliced.pending(), whole.pending());
  EXPECT_EQ(sliced.NextDue(), whole.NextDue());
  EXPECT_EQ(sliced.open_entities(), whole.open_entities());
}

// ---------------------------------------------------------------------------
// Randomized comparison with a simple model: a map of open deadlines and a
// list of actions, scanned in full on every Due.

struct ModelDeadline {
  Deadline d;  // op as last set or resumed, current times, message, figures
  bool warned = false;
  bool paused = false;
  uint64_t seq = 0;
  std::string event_id;  // of the last set or resume
  std::string agent;
};
struct ModelAction {
  EntityKind kind;
  std::string key;
  Action action;
  uint64_t seq;
  std::string event_id;
  std::string agent;
};
using ModelKey = std::tuple<EntityKind, std::string, std::string>;  // kind, key, rule

class Model {
 public:
  void Apply(EntityKind kind, const std::string& key, const Deadline& op,
             const EventOrigin& origin) {
    const ModelKey k{kind, key, std::string(op.rule)};
    auto it = deadlines_.find(k);
    switch (op.op) {
      case DeadlineOp::kCancel:
        if (it != deadlines_.end()) deadlines_.erase(it);
        return;
      case DeadlineOp::kPause:
        if (it != deadlines_.end()) it->second.paused = true;
        return;
      case DeadlineOp::kResume:
        if (it != deadlines_.end()) {
          ModelDeadline& m = it->second;
          m.d.op = DeadlineOp::kResume;
          m.d.due = op.due;
          m.d.warn_at = op.warn_at;
          if (op.message.zh != nullptr || op.message.en != nullptr) m.d.message = op.message;
          if (!op.figures.empty()) m.d.figures = op.figures;
          m.paused = false;
          m.seq = ++seq_;
          m.event_id = std::string(origin.event_id);
          m.agent = std::string(origin.agent);
          return;
        }
        [[fallthrough]];
      case DeadlineOp::kSet: {
        ModelDeadline m;
        m.d = op;
        m.seq = ++seq_;
        m.event_id = std::string(origin.event_id);
        m.agent = std::string(origin.agent);
        deadlines_[k] = m;
        return;
      }
    }
  }
  void Schedule(EntityKind kind, const std::string& key, const Action& a,
                const EventOrigin& origin) {
    actions_.push_back(
        {kind, key, a, ++seq_, std::string(origin.event_id), std::string(origin.agent)});
  }
  void CancelAll(EntityKind kind, const std::string& key) {
    for (auto it = deadlines_.begin(); it != deadlines_.end();) {
      if (std::get<0>(it->first) == kind && std::get<1>(it->first) == key) {
        it = deadlines_.erase(it);
      } else {
        ++it;
      }
    }
    actions_.erase(std::remove_if(actions_.begin(), actions_.end(),
                                  [&](const ModelAction& a) { return a.kind == kind && a.key == key; }),
                   actions_.end());
  }
  std::vector<DueItem> Due(Timestamp now) {
    // (at, seq, phase) -> item
    std::map<std::tuple<Timestamp, uint64_t, int>, DueItem> fired;
    for (auto it = deadlines_.begin(); it != deadlines_.end();) {
      ModelDeadline& m = it->second;
      bool gone = false;
      if (!m.paused) {
        auto base = [&](DueItem::Kind kind, Timestamp at) {
          DueItem d;
          d.kind = kind;
          d.at = at;
          d.entity_kind = std::get<0>(it->first);
          d.entity = std::get<1>(it->first);
          d.rule = m.d.rule;
          d.deadline = m.d;
          d.event_id = m.event_id;
          d.agent = m.agent;
          return d;
        };
        if (m.d.warn_at && !m.warned && *m.d.warn_at <= now) {
          fired.emplace(std::make_tuple(*m.d.warn_at, m.seq, 0), base(DueItem::Kind::kWarning, *m.d.warn_at));
          m.warned = true;
        }
        if (m.d.due <= now) {
          fired.emplace(std::make_tuple(m.d.due, m.seq, 1), base(DueItem::Kind::kBreach, m.d.due));
          gone = true;
        }
      }
      it = gone ? deadlines_.erase(it) : std::next(it);
    }
    for (auto it = actions_.begin(); it != actions_.end();) {
      if (*it->action.due <= now) {
        DueItem d;
        d.kind = DueItem::Kind::kAction;
        d.at = *it->action.due;
        d.entity_kind = it->kind;
        d.entity = it->key;
        d.rule = it->action.rule;
        d.action = it->action;
        d.event_id = it->event_id;
        d.agent = it->agent;
        fired.emplace(std::make_tuple(d.at, it->seq, 2), std::move(d));
        it = actions_.erase(it);
      } else {
        ++it;
      }
    }
    std::vector<DueItem> out;
    for (auto& [k, d] : fired) out.push_back(std::move(d));
    return out;
  }
  size_t pending() const {
    size_t n = actions_.size();
    for (const auto& [k, m] : deadlines_) {
      if (!m.paused) n += (m.d.warn_at && !m.warned) ? 2 : 1;
    }
    return n;
  }
  std::optional<Timestamp> NextDue() const {
    std::optional<Timestamp> next;
    auto consider = [&](Timestamp t) {
      if (!next || t < *next) next = t;
    };
    for (const auto& [k, m] : deadlines_) {
      if (!m.paused) consider(m.d.warn_at && !m.warned ? *m.d.warn_at : m.d.due);
    }
    for (const ModelAction& a : actions_) consider(*a.action.due);
    return next;
  }
  size_t paused() const {
    size_t n = 0;
    for (const auto& [k, m] : deadlines_) n += m.paused ? 1 : 0;
    return n;
  }
  size_t open_entities() const {
    std::set<std::pair<EntityKind, std::string>> open;
    for (const auto& [k, m] : deadlines_) open.emplace(std::get<0>(k), std::get<1>(k));
    for (const ModelAction& a : actions_) open.emplace(a.kind, a.key);
    return open.size();
  }
  // (due, rule, paused, warned), ordered by due then rule.
  std::vector<std::tuple<Timestamp, std::string, bool, bool>> Open(EntityKind kind,
                                                                   const std::string& key) const {
    std::vector<std::tuple<Timestamp, std::string, bool, bool>> out;
    for (const auto& [k, m] : deadlines_) {
      if (std::get<0>(k) == kind && std::get<1>(k) == key) {
        out.emplace_back(m.d.due, std::get<2>(k), m.paused, m.warned);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::map<ModelKey, ModelDeadline> deadlines_;
  std::vector<ModelAction> actions_;
  uint64_t seq_ = 0;
};

std::string Describe(const DueItem& d) {
  return Brief(d) + " [" + absl::FormatTime(d.at) + "]";
}

// Every field of two due items, asserted equal.
void ExpectSameItem(const DueItem& got, const DueItem& want, const std::string& where) {
  ASSERT_EQ(got.kind, want.kind) << where;
  ASSERT_EQ(got.at, want.at) << where << ": " << Describe(got) << " vs " << Describe(want);
  ASSERT_EQ(got.entity_kind, want.entity_kind) << where;
  ASSERT_EQ(got.entity, want.entity) << where;
  ASSERT_EQ(got.rule, want.rule) << where;
  ASSERT_EQ(got.deadline, want.deadline) << where;
  ASSERT_EQ(got.action, want.action) << where;
  ASSERT_EQ(got.event_id, want.event_id) << where;
  ASSERT_EQ(got.agent, want.agent) << where;
}

// `due_share`: percent of steps that call Due; the rest set, cancel, pause,
// resume, schedule and query (few Due calls leave many stale entries to sweep).
// `entities`: distinct keys per kind (thousands: entities ended by Due pile up
// as husks and are swept, and keys come back after the sweep).
// `import_at`: at that step the queue is exported and imported into a fresh
// one; from then on both get every op, and both must answer as the model
// does (every field of every due item, in the same order). Queries also
// check that export, import, export gives the same entries.
void RunRandomized(uint32_t seed, int ops, Duration spread, int due_share = 25, int entities = 40,
                   int import_at = -1) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  const EntityKind kinds[] = {EntityKind::kOrder, EntityKind::kTicket, EntityKind::kReview};
  const RuleId rules[] = {"AS-RESOLVE", "AS-TRACK", "ORD-UNSHIPPED", "RV-DAILY"};
  const Message messages[] = {{}, {"甲", "a"}, {"乙", "b"}};
  const std::string agents[] = {"", "小王", "客服-long-agent-name-of-many-bytes"};
  auto key_of = [&](int i) {
    return i % 7 == 0 ? "long-entity-key-of-more-than-24-bytes-" + std::to_string(i)
                      : "E" + std::to_string(i);
  };
  std::vector<std::unique_ptr<DeadlineQueue>> queues;
  queues.push_back(std::make_unique<DeadlineQueue>());
  Model m;
  Timestamp now = kT0;
  size_t fired = 0;
  auto some_time = [&]() {
    // Mostly ahead of now, sometimes behind it; often on shared instants.
    const int64_t span = absl::ToInt64Seconds(spread);
    const int64_t off = static_cast<int64_t>(rng() % static_cast<uint64_t>(2 * span)) - span / 4;
    Timestamp t = now + absl::Seconds(off);
    if (pick(3) == 0) t = absl::FromUnixSeconds(absl::ToUnixSeconds(t) / 3600 * 3600);
    return t;
  };
  for (int step = 0; step < ops; ++step) {
    if (step == import_at) {
      const std::vector<QueueEntry> entries = queues[0]->Export();
      auto fresh = std::make_unique<DeadlineQueue>();
      ASSERT_TRUE(fresh->Import(entries).ok());
      ASSERT_EQ(fresh->Export(), entries);
      queues.push_back(std::move(fresh));
    }
    const EntityKind kind = kinds[pick(3)];
    const std::string key = key_of(pick(entities));
    // The event: an id that begins with the key (most do), or not, or none.
    const int id_form = pick(4);
    const std::string event_id = id_form == 0   ? ""
                                 : id_form == 1 ? "ev" + std::to_string(step)
                                                : key + "." + std::to_string(step);
    const EventOrigin origin{event_id, agents[pick(3)]};
    const int roll = pick(100);
    // 0..74: an op or a query; 75: Due.
    const int what = roll < due_share ? 75 : (roll - due_share) * 75 / (100 - due_share);
    if (what < 40) {
      Deadline d;
      d.rule = rules[pick(4)];
      d.op = pick(4) == 0 ? DeadlineOp::kResume : DeadlineOp::kSet;
      d.due = some_time();
      if (pick(2) == 0) d.warn_at = d.due - absl::Seconds(pick(3) == 0 ? 0 : pick(100000));
      if (pick(10) == 0) d.warn_at = d.due + absl::Seconds(1);  // refused
      d.message = messages[pick(3)];
      if (pick(2) == 0) d.figures.push_back({"due", d.due});
      if (pick(3) == 0) d.figures.push_back({"claimed", Money::Fen(pick(5000))});
      const bool valid = !(d.warn_at && *d.warn_at > d.due);
      for (auto& q : queues) {
        const absl::Status s = q->Apply(kind, key, d, now, origin);
        ASSERT_EQ(s.ok(), valid) << s;
      }
      if (valid) m.Apply(kind, key, d, origin);
    } else if (what < 55) {
      Deadline d;
      d.rule = rules[pick(4)];
      d.op = pick(2) == 0 ? DeadlineOp::kCancel : DeadlineOp::kPause;
      for (auto& q : queues) ASSERT_TRUE(q->Apply(kind, key, d, now, origin).ok());
      m.Apply(kind, key, d, origin);
    } else if (what < 68) {
      Action a;
      a.kind = pick(2) == 0 ? ActionKind::kCall : ActionKind::kSms;
      a.rule = rules[pick(4)];
      if (pick(2) == 0) a.assignee = "agent" + std::to_string(pick(5));
      if (pick(2) == 0) a.subject = "buyer";
      a.due = some_time();
      a.message = messages[pick(3)];
      if (pick(2) == 0) a.figures.push_back({"day", int64_t{pick(9)}});
      for (auto& q : queues) ASSERT_TRUE(q->Schedule(kind, key, a, origin).ok());
      m.Schedule(kind, key, a, origin);
    } else if (what < 72) {
      for (auto& q : queues) q->CancelAll(kind, key);
      m.CancelAll(kind, key);
    } else if (what < 75) {
      // A query; it may load the next bucket.
      const bool round_trip = pick(8) == 0;
      for (auto& q : queues) {
        ASSERT_EQ(q->NextDue(), m.NextDue()) << "step " << step;
        const auto open = q->OpenDeadlines(kind, key);
        const auto expect = m.Open(kind, key);
        ASSERT_EQ(open.size(), expect.size());
        for (size_t i = 0; i < open.size(); ++i) {
          ASSERT_EQ(std::make_tuple(open[i].due, std::string(open[i].rule), open[i].paused,
                                    open[i].warned),
                    expect[i])
              << "step " << step;
        }
        ASSERT_EQ(q->ScheduledActions(kind, key), queues[0]->ScheduledActions(kind, key));
        if (round_trip) {
          const std::vector<QueueEntry> entries = q->Export();
          DeadlineQueue copy;
          ASSERT_TRUE(copy.Import(entries).ok());
          ASSERT_EQ(copy.Export(), entries) << "step " << step;
          ASSERT_EQ(copy.pending(), q->pending());
          ASSERT_EQ(copy.paused(), q->paused());
          ASSERT_EQ(copy.open_entities(), q->open_entities());
        }
      }
    } else {
      // Due: time mostly moves forward, sometimes stands still or goes back.
      const int how = pick(10);
      Timestamp at = now;
      if (how < 7) {
        at = now + absl::Seconds(pick(static_cast<int>(absl::ToInt64Seconds(spread) / 8) + 1));
        now = at;
      } else if (how < 8) {
        at = now - absl::Seconds(pick(3600));
      }
      // Each form of the call: a new vector, appending after an item the
      // vector held, and slices of a few items until a short one.
      // And ForEachDue, copying what it is passed.
      const int form = pick(4);
      const size_t slice = 1 + static_cast<size_t>(pick(4));
      std::vector<DueItem> want = m.Due(at);
      fired += want.size();
      for (auto& q : queues) {
        std::vector<DueItem> got;
        if (form == 0) {
          got = q->Due(at);
        } else if (form == 1) {
          got.emplace_back();
          q->Due(at, &got);
          got.erase(got.begin());
        } else if (form == 2) {
          while (q->Due(at, slice, &got) == slice) {
          }
        } else {
          const size_t n = q->ForEachDue(at, [&](const DueItem& d) { got.push_back(d); });
          ASSERT_EQ(n, got.size());
        }
        ASSERT_EQ(got.size(), want.size()) << "step " << step;
        for (size_t i = 0; i < got.size(); ++i) {
          ExpectSameItem(got[i], want[i],
                         "step " + std::to_string(step) + " item " + std::to_string(i));
          if (::testing::Test::HasFatalFailure()) return;
        }
      }
    }
    for (auto& q : queues) {
      ASSERT_EQ(q->pending(), m.pending()) << "step " << step;
      ASSERT_EQ(q->paused(), m.paused()) << "step " << step;
      if (step % 8 == 0) {
        ASSERT_EQ(q->open_entities(), m.open_entities()) << "step " << step;
      }
    }
  }
  if (queues.size() > 1) {
    ASSERT_EQ(queues[1]->Export(), queues[0]->Export());
  }
  // Everything left comes out in order, once.
  std::vector<DueItem> want = m.Due(absl::InfiniteFuture());
  fired += want.size();
  for (auto& q : queues) {
    std::vector<DueItem> got = q->Due(absl::InfiniteFuture());
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      ExpectSameItem(got[i], want[i], "at the end, item " + std::to_string(i));
      if (::testing::Test::HasFatalFailure()) return;
    }
    EXPECT_EQ(q->pending(), m.pending());
    EXPECT_EQ(q->open_entities(), m.open_entities());
    EXPECT_EQ(q->Export().size(), m.paused());  // only paused deadlines are left
  }
  EXPECT_GT(fired, static_cast<size_t>(ops / 10));  // the run did exercise Due
}

TEST(DeadlineQueueRandomized, MatchesAModelWithMinutesApart) {
  for (uint32_t seed = 1; seed <= 4; ++seed) RunRandomized(seed, 6000, absl::Minutes(20));
}

TEST(DeadlineQueueRandomized, MatchesAModelWithDaysApart) {
  for (uint32_t seed = 11; seed <= 14; ++seed) RunRandomized(seed, 6000, absl::Hours(24 * 7));
}

TEST(DeadlineQueueRandomized, MatchesAModelUnderChurnWithFewDueCalls) {
  for (uint32_t seed = 31; seed <= 33; ++seed) RunRandomized(seed, 20000, absl::Hours(1), 3);
}

TEST(DeadlineQueueRandomized, MatchesAModelWithThousandsOfEntities) {
  for (uint32_t seed = 41; seed <= 42; ++seed) {
    RunRandomized(seed, 40000, absl::Hours(6), 25, 3000);
  }
}

// Few Due calls, a hundred keys, times often on the hour: buckets with many
// entries fill item pages, and cancellations and new sets empty them down to
// where they are compacted (a compaction that lost entries fails this).
TEST(DeadlineQueueRandomized, MatchesAModelWhileBucketPagesFillAndEmpty) {
  for (uint32_t seed = 51; seed <= 53; ++seed) {
    RunRandomized(seed, 40000, absl::Minutes(30), 1, 100);
  }
}

TEST(DeadlineQueueRandomized, MatchesAModelWithManyEqualTimes) {
  for (uint32_t seed = 21; seed <= 24; ++seed) RunRandomized(seed, 6000, absl::Seconds(30));
}

// Export at a random step, import into a fresh queue, continue both with the
// same ops: every due item of both, every field, in the same order.
TEST(DeadlineQueueExport, AnImportedQueueAnswersAsTheOriginalFromThenOn) {
  std::mt19937 rng(2026);
  for (uint32_t seed = 61; seed <= 64; ++seed) {
    RunRandomized(seed, 6000, absl::Minutes(20), 25, 40, static_cast<int>(rng() % 6000));
  }
  for (uint32_t seed = 65; seed <= 66; ++seed) {
    RunRandomized(seed, 6000, absl::Hours(24 * 7), 25, 40, static_cast<int>(rng() % 6000));
  }
  for (uint32_t seed = 67; seed <= 68; ++seed) {  // many equal times: ties
    RunRandomized(seed, 6000, absl::Seconds(30), 25, 40, static_cast<int>(rng() % 6000));
  }
  // Pages filled and compacted, few Due calls: many stale entries at export.
  RunRandomized(69, 20000, absl::Minutes(30), 1, 100, static_cast<int>(rng() % 20000));
  RunRandomized(70, 20000, absl::Hours(6), 25, 3000, static_cast<int>(rng() % 20000));
}

// Due items carry the id and agent of the event that set, last resumed or
// scheduled them; a pause does not change them.
TEST(DeadlineQueue, DueItemsCarryTheEventThatSetThem) {
  DeadlineQueue q;
  const std::string long_key = "AS2026112400001234-with-a-long-tail";
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(20), H(10)), H(0), {"T1.1", "小王"})
          .ok());
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Set("AS-TRACK", H(30)), H(0), {"other-event", ""}).ok());
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Op("AS-TRACK", DeadlineOp::kPause), H(1), {"T1.2", "小李"})
          .ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", Op("AS-TRACK", DeadlineOp::kResume, H(40)), H(2),
                      {"T1", "小张"})
                  .ok());  // the id is the key itself
  ASSERT_TRUE(q.Apply(EntityKind::kOrder, long_key, Set("ORD-UNSHIPPED", H(5)), H(0),
                      {"AS2026", "客服-长名字-long-agent"})
                  .ok());  // a prefix of the key
  Action call = Call("AS-CALL", H(7), "");
  ASSERT_TRUE(q.Schedule(EntityKind::kOrder, long_key, call, {long_key + ".9", "组长"}).ok());
  ASSERT_TRUE(q.Schedule(EntityKind::kReview, "R1", Call("RV-CALL", H(8)), {}).ok());
  std::vector<std::tuple<std::string, std::string, std::string>> got;
  for (const DueItem& d : q.Due(H(100))) got.emplace_back(Brief(d), d.event_id, d.agent);
  using T = std::tuple<std::string, std::string, std::string>;
  EXPECT_THAT(
      got,
      ElementsAre(T{"breach " + long_key + " ORD-UNSHIPPED@5", "AS2026", "客服-长名字-long-agent"},
                  T{"action " + long_key + " AS-CALL@7", long_key + ".9", "组长"},
                  T{"action R1 RV-CALL@8", "", ""}, T{"warning T1 AS-RESOLVE@10", "T1.1", "小王"},
                  T{"breach T1 AS-RESOLVE@20", "T1.1", "小王"},
                  T{"breach T1 AS-TRACK@40", "T1", "小张"}));
  // ForEachDue's reused item does not keep an earlier item's origin.
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T2", Set("AS-RESOLVE", H(101)), H(0),
                      {"a-rather-long-event-id-0001", "小王"})
                  .ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T3", Set("AS-RESOLVE", H(102)), H(0), {}).ok());
  got.clear();
  q.ForEachDue(H(200), [&](const DueItem& d) { got.emplace_back(Brief(d), d.event_id, d.agent); });
  EXPECT_THAT(got, ElementsAre(T{"breach T2 AS-RESOLVE@101", "a-rather-long-event-id-0001", "小王"},
                               T{"breach T3 AS-RESOLVE@102", "", ""}));
}

// A resume keeps the figures and message, and takes the resuming event.
TEST(DeadlineQueue, AResumeTakesTheResumingEventAndKeepsTheFigures) {
  DeadlineQueue q;
  Deadline d = Set("AS-RESOLVE", H(20));
  d.message = {"{due}前处理", "by {due}"};
  d.figures.push_back({"due", H(20)});
  d.figures.push_back({"claimed", Money::Fen(1290)});
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", d, H(0), {"T1.1", "小王"}).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", Op("AS-RESOLVE", DeadlineOp::kPause), H(1),
                      {"T1.2", "小李"})
                  .ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T1", Op("AS-RESOLVE", DeadlineOp::kResume, H(30)), H(2),
                      {"T1.3", "小张"})
                  .ok());
  std::vector<DueItem> due = q.Due(H(100));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].event_id, "T1.3");
  EXPECT_EQ(due[0].agent, "小张");
  EXPECT_EQ(due[0].deadline.message, d.message);
  ASSERT_EQ(due[0].deadline.figures.size(), 2u);
  EXPECT_EQ(std::get<Timestamp>(due[0].deadline.figures[0].value), H(20));  // as set
  EXPECT_EQ(due[0].deadline.figures[1], d.figures[1]);
}

// Export lists what is pending in the order it was set; Import rebuilds it,
// ties, warnings already returned and paused deadlines included.
TEST(DeadlineQueueExport, ExportListsWhatIsPendingAndImportRebuildsIt) {
  DeadlineQueue q;
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(20), H(10)), H(0), {"s1", "小王"})
          .ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T2", Set("AS-RESOLVE", H(20)), H(0), {"s2", ""}).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kTicket, "T3", Set("AS-TRACK", H(50)), H(0), {}).ok());
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T3", Op("AS-TRACK", DeadlineOp::kPause), H(0), {}).ok());
  ASSERT_TRUE(
      q.Schedule(EntityKind::kOrder, "O1", Call("ORD-OOS-NOTIFY", H(20)), {"o1", "小李"}).ok());
  ASSERT_TRUE(q.Apply(EntityKind::kOrder, "O2", Set("ORD-UNSHIPPED", H(1)), H(0), {}).ok());
  EXPECT_EQ(q.Due(H(12)).size(), 2u);  // O2's breach, T1's warning
  const std::vector<QueueEntry> entries = q.Export();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].entity, "T1");
  EXPECT_TRUE(entries[0].warned);
  EXPECT_EQ(entries[0].event_id, "s1");
  EXPECT_EQ(entries[0].agent, "小王");
  EXPECT_EQ(entries[1].entity, "T2");
  EXPECT_EQ(entries[2].entity, "T3");
  EXPECT_TRUE(entries[2].paused);
  EXPECT_EQ(entries[3].kind, QueueEntry::Kind::kAction);
  EXPECT_EQ(entries[3].action, Call("ORD-OOS-NOTIFY", H(20)));
  EXPECT_EQ(entries[3].event_id, "o1");

  DeadlineQueue copy;
  ASSERT_TRUE(copy.Apply(EntityKind::kTicket, "gone", Set("AS-RESOLVE", H(1)), H(0), {}).ok());
  ASSERT_TRUE(copy.Import(entries).ok());  // replaces what it held
  EXPECT_EQ(copy.Export(), entries);
  EXPECT_EQ(copy.pending(), q.pending());
  EXPECT_EQ(copy.paused(), 1u);
  EXPECT_EQ(copy.open_entities(), 4u);
  EXPECT_EQ(copy.NextDue(), H(20));
  EXPECT_EQ(Briefs(copy.Due(H(100))), Briefs(q.Due(H(100))));
  EXPECT_THAT(Briefs(copy.Due(H(100))), IsEmpty());
  ASSERT_EQ(copy.OpenDeadlines(EntityKind::kTicket, "T3").size(), 1u);
  EXPECT_TRUE(copy.OpenDeadlines(EntityKind::kTicket, "T3")[0].paused);
}

// Import refuses what Apply would, and more; the message names the entry, and
// the queue keeps what it held.
TEST(DeadlineQueueExport, ImportRefusesABadEntryAndChangesNothing) {
  DeadlineQueue q;
  ASSERT_TRUE(
      q.Apply(EntityKind::kTicket, "T1", Set("AS-RESOLVE", H(20), H(10)), H(0), {"s1", "小王"})
          .ok());
  ASSERT_TRUE(q.Schedule(EntityKind::kOrder, "O1", Call("ORD-OOS-NOTIFY", H(20)), {}).ok());
  const std::vector<QueueEntry> good = q.Export();
  ASSERT_EQ(good.size(), 2u);
  auto broken = [&](auto change) {
    std::vector<QueueEntry> entries = good;
    entries.push_back(good[0]);
    entries.back().entity = "T9";
    change(entries.back());
    return entries;
  };
  struct Case {
    const char* what;
    std::vector<QueueEntry> entries;
  };
  const std::vector<Case> cases = {
      {"empty entity key", broken([](QueueEntry& e) { e.entity.clear(); })},
      {"empty rule", broken([](QueueEntry& e) { e.deadline.rule = ""; })},
      {"warns after it is due", broken([](QueueEntry& e) { e.deadline.warn_at = H(30); })},
      {"infinite or out-of-range due",
       broken([](QueueEntry& e) { e.deadline.due = absl::InfiniteFuture(); })},
      {"kSet or kResume", broken([](QueueEntry& e) { e.deadline.op = DeadlineOp::kPause; })},
      {"second deadline", broken([](QueueEntry& e) { e.entity = "T1"; })},
      {"no due time", broken([&](QueueEntry& e) {
         e = good[1];
         e.action.due.reset();
       })},
      {"cannot be paused", broken([&](QueueEntry& e) {
         e = good[1];
         e.paused = true;
       })},
      {"unknown entity kind",
       broken([](QueueEntry& e) { e.entity_kind = static_cast<EntityKind>(9); })},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    DeadlineQueue target;
    ASSERT_TRUE(target.Apply(EntityKind::kReview, "R1", Set("RV-DAILY", H(3)), H(0), {}).ok());
    const absl::Status s = target.Import(c.entries);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(c.what));
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("entry 2"));
    // Nothing half-imported: the queue holds what it held.
    EXPECT_EQ(target.open_entities(), 1u);
    EXPECT_EQ(target.pending(), 1u);
    EXPECT_THAT(Briefs(target.Due(H(100))), ElementsAre("breach R1 RV-DAILY@3"));
  }
}

}  // namespace
}  // namespace kefu

namespace kefu {
namespace {

// What the queue hands back does not point into the queue, nor into the
// caller's strings: a host may keep due items after the queue (a Shop, a
// replay) is gone (issue 17). ASan catches a dangling view here.
TEST(DeadlineQueueLifetime, DueItemsAndExportsOutliveTheQueueAndTheCallersStrings) {
  std::vector<DueItem> items;
  std::vector<QueueEntry> entries;
  {
    auto rule = std::make_unique<std::string>("X-HOST-RULE");
    auto figure = std::make_unique<std::string>("host_figure");
    auto agent = std::make_unique<std::string>("host agent");
    DeadlineQueue queue;
    Deadline d;
    d.rule = *rule;
    d.due = absl::FromUnixSeconds(2000);
    d.figures.push_back(Figure{*figure, int64_t{3}});
    ASSERT_TRUE(queue.Apply(EntityKind::kOrder, "O1", d, absl::FromUnixSeconds(1000),
                            EventOrigin{"e1", *agent}).ok());
    d.due = absl::FromUnixSeconds(3000);
    ASSERT_TRUE(queue.Apply(EntityKind::kOrder, "O2", d, absl::FromUnixSeconds(1000),
                            EventOrigin{"e2", *agent}).ok());
    entries = queue.Export();
    items = queue.Due(absl::FromUnixSeconds(2500));
    std::fill(rule->begin(), rule->end(), '?');
    std::fill(figure->begin(), figure->end(), '?');
  }
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].rule, "X-HOST-RULE");
  EXPECT_EQ(items[0].deadline.figures[0].name, "host_figure");
  EXPECT_EQ(items[0].agent, "host agent");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].deadline.rule, "X-HOST-RULE");
  EXPECT_EQ(entries[1].deadline.figures[0].name, "host_figure");
}

}  // namespace
}  // namespace kefu
