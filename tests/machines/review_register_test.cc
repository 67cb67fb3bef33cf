// RV-REGISTER and RV-DAILY: the register query and the day's assignments.
#include "kefu/machines/review_register.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "machines/review_test_util.h"

namespace kefu {
namespace {

using review_test::At;
using review_test::Events;

struct Shop {
  Shop() {
    // Two from Monday (one closed), one from Tuesday; today is Tuesday.
    Receive(a, "2026-11-23T10:00:00+08:00", "N86 液晶屏", "屏幕有坏点");
    Receive(b, "2026-11-23T09:00:00+08:00", "读卡器", "不能读卡");
    Receive(c, "2026-11-24T09:30:00+08:00", "N86 液晶屏", "发货慢");
    Receive(d, "2026-11-23T08:00:00+08:00", "数据线", "太短");
    ev.Set(At("2026-11-23T18:00:00+08:00"));
    EXPECT_TRUE(d.Apply(ev.Closed()).ok());
  }
  void Receive(Review& r, const char* at, const char* product, const char* complaint) {
    ev.Set(At(at));
    ReviewReceived e = ev.Received();
    e.product = product;
    e.complaint = complaint;
    EXPECT_TRUE(r.Apply(e).ok());
  }
  std::vector<const Review*> all() const { return {&a, &b, &c, &d, &blank}; }

  Events ev{At("2026-11-23T08:00:00+08:00")};
  Review a{"RV-A"}, b{"RV-B"}, c{"RV-C"}, d{"RV-D"}, blank{"RV-BLANK"};
  BusinessCalendar cal = BusinessCalendar::Default();
};

std::vector<std::string> Ids(const std::vector<ReviewRegisterEntry>& entries) {
  std::vector<std::string> ids;
  for (const auto& e : entries) ids.push_back(e.review_id);
  return ids;
}

// RV-REGISTER: reviews still open from earlier days come first.
TEST(ReviewRegister, OpenReviewsFromEarlierDaysComeFirstThenTodaysThenClosed) {
  Shop shop;
  const auto reg = ReviewRegister(shop.all(), LocalDay(2026, 11, 24), shop.cal);
  EXPECT_THAT(Ids(reg), ::testing::ElementsAre("RV-B", "RV-A", "RV-C", "RV-D"));
  EXPECT_TRUE(reg[0].carried_over);
  EXPECT_FALSE(reg[2].carried_over);
  EXPECT_FALSE(reg[3].open);
  EXPECT_EQ(reg[3].state, "unresolved");
}

// RV-REGISTER: the product and what the buyer disliked.
TEST(ReviewRegister, RecordsProductAndComplaintAndFiltersByProduct) {
  Shop shop;
  ReviewRegisterQuery q;
  q.product = "N86 液晶屏";
  const auto reg = ReviewRegister(shop.all(), LocalDay(2026, 11, 24), shop.cal, q);
  ASSERT_EQ(reg.size(), 2u);
  EXPECT_EQ(reg[0].complaint, "屏幕有坏点");
  EXPECT_EQ(reg[1].complaint, "发货慢");
  EXPECT_EQ(reg[0].order_id, "T-1001");
  EXPECT_EQ(reg[0].received_day, LocalDay(2026, 11, 23));
  q = {};
  q.open_only = true;
  EXPECT_EQ(ReviewRegister(shop.all(), LocalDay(2026, 11, 24), shop.cal, q).size(), 3u);
}

// RV-DAILY: today's agent of the rotation takes the open reviews, older first.
TEST(PlanDailyAssignments, AssignsOpenReviewsToTodaysAgentOldestFirst) {
  Shop shop;
  ReviewRotation rotation;
  rotation.agents = {"小王", "小李"};
  rotation.start = LocalDay(2026, 11, 23);
  auto plan = PlanDailyAssignments(shop.all(), At("2026-11-24T09:45:00+08:00"), rotation, shop.cal);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 3u);
  EXPECT_EQ((*plan)[0].review_id, "RV-B");
  EXPECT_EQ((*plan)[0].event.agent, "小李");
  EXPECT_EQ((*plan)[0].event.meta.id, "rv-daily/RV-B/2026-11-24");
  // Applying the plan assigns them; planning again gives nothing to do.
  Review* by_id[] = {&shop.b, &shop.a, &shop.c};
  for (size_t i = 0; i < plan->size(); ++i) {
    ASSERT_TRUE(by_id[i]->Apply((*plan)[i].event).ok());
    EXPECT_EQ(by_id[i]->data().agent, "小李");
  }
  auto again = PlanDailyAssignments(shop.all(), At("2026-11-24T10:00:00+08:00"), rotation, shop.cal);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  // Wednesday: 小王's turn, the still-open reviews move to him.
  auto wednesday =
      PlanDailyAssignments(shop.all(), At("2026-11-25T09:00:00+08:00"), rotation, shop.cal);
  ASSERT_EQ(wednesday->size(), 3u);
  EXPECT_EQ((*wednesday)[0].event.agent, "小王");
}

// RV-DAILY: a rotation must name someone.
TEST(PlanDailyAssignments, EmptyRotationIsInvalid) {
  Shop shop;
  EXPECT_EQ(PlanDailyAssignments(shop.all(), At("2026-11-24T09:45:00+08:00"), ReviewRotation{},
                                 shop.cal)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kefu
