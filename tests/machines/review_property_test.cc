// Property: snapshot and restore at any point of a random valid event
// sequence, then continue: the outcomes and the final review are those of
// the uninterrupted run. Also: a duplicate delivery anywhere changes nothing.
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/machines/review.h"
#include "machines/review_test_util.h"

namespace kefu {
namespace {

using review_test::At;
using review_test::Events;

// A random event the review's current state accepts (per the table), with
// random content; time moves forward by up to a day and a half.
ReviewEvent RandomEvent(std::mt19937& rng, Events& ev, const Review& r) {
  const TransitionTable& table = Review::Table();
  std::vector<std::string_view> accepted;
  for (std::string_view e : table.events) {
    if (table.Accepts(r.state(), e)) accepted.push_back(e);
  }
  ev.Advance(absl::Minutes(std::uniform_int_distribution<int>(1, 36 * 60)(rng)));
  const std::string_view name =
      accepted.empty() ? std::string_view("closed")
                       : accepted[std::uniform_int_distribution<size_t>(0, accepted.size() - 1)(rng)];
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  if (name == "received") {
    return ev.Received(pick(2) == 0 ? ReviewRating::kNeutral : ReviewRating::kNegative,
                       Money::Yuan(10 + pick(40)));
  }
  if (name == "assigned") return ev.Assigned(pick(2) == 0 ? "小王" : "小李");
  if (name == "contact_attempted") {
    ContactAttempted c = ev.Contact(static_cast<ReviewChannel>(pick(3)),
                                    static_cast<ReviewContactResult>(pick(4)));
    if (pick(4) == 0) c.presence = static_cast<BuyerPresence>(pick(2));
    if (pick(6) == 0) {
      c.override_limit = true;
      c.role = StaffRole::kSupervisor;
    }
    return c;
  }
  if (name == "revision_agreed") return ev.Agreed();
  if (name == "revision_observed") return ev.Observed();
  if (name == "remedy_offered") {
    const Remedy remedy = static_cast<Remedy>(pick(kRemedyCount));
    return ev.Offer(remedy, remedy == Remedy::kPartialRefund ? Money::Yuan(1 + pick(9)) : Money());
  }
  if (name == "remedy_accepted") return ev.Accept();
  if (name == "remedy_declined") return ev.Decline();
  if (name == "day_ended") return ev.DayEnd();
  return ev.Closed();
}

struct Step {
  ReviewEvent event;
  absl::StatusOr<Outcome> result;
};

void ExpectSame(const absl::StatusOr<Outcome>& a, const absl::StatusOr<Outcome>& b,
                const std::string& where) {
  ASSERT_EQ(a.status().code(), b.status().code()) << where;
  if (a.ok()) {
    EXPECT_TRUE(SameOutcome(*a, *b)) << where;
  }
}

TEST(ReviewProperty, RestoreAtAnyPointThenContinueGivesTheSameOutcomes) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    std::mt19937 rng(seed);
    Events ev(At("2026-11-23T09:00:00+08:00"));
    Review straight("RV-P");
    std::vector<Step> steps;
    for (int i = 0; i < 14; ++i) {
      ReviewEvent e = RandomEvent(rng, ev, straight);
      auto result = straight.Apply(e);
      steps.push_back(Step{std::move(e), std::move(result)});
    }
    for (size_t cut = 0; cut <= steps.size(); ++cut) {
      Review first("RV-P");
      for (size_t i = 0; i < cut; ++i) (void)first.Apply(steps[i].event);
      auto restored = Review::Restore(first.Snapshot());
      ASSERT_TRUE(restored.ok()) << restored.status();
      for (size_t i = cut; i < steps.size(); ++i) {
        ExpectSame(steps[i].result, restored->Apply(steps[i].event),
                   "seed " + std::to_string(seed) + " cut " + std::to_string(cut) + " step " +
                       std::to_string(i));
      }
      EXPECT_TRUE(restored->Snapshot() == straight.Snapshot()) << "seed " << seed << " cut " << cut;
    }
  }
}

TEST(ReviewProperty, DeliveringAnyAppliedEventAgainChangesNothing) {
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    std::mt19937 rng(seed);
    Events ev(At("2026-11-23T09:00:00+08:00"));
    Review r("RV-D");
    std::vector<ReviewEvent> applied;
    for (int i = 0; i < 12; ++i) {
      ReviewEvent e = RandomEvent(rng, ev, r);
      auto out = r.Apply(e);
      if (out.ok() && !out->refused()) applied.push_back(e);
      if (!applied.empty()) {
        const ReviewSnapshot before = r.Snapshot();
        const ReviewEvent& again = applied[rng() % applied.size()];
        auto dup = r.Apply(again);
        ASSERT_TRUE(dup.ok());
        EXPECT_TRUE(dup->audit.duplicate);
        EXPECT_TRUE(r.Snapshot() == before) << "seed " << seed;
      }
    }
  }
}

}  // namespace
}  // namespace kefu
