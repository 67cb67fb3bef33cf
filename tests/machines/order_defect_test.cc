// AS-DEFECT across machines: products with repeated after-sales tickets are
// tested before they ship, asked for by the order machine's ready-to-ship step.
#include <algorithm>

#include "gtest/gtest.h"
#include "kefu/machines/order.h"
#include "kefu/machines/ticket_defects.h"
#include "machines/order_test_util.h"

namespace kefu {
namespace {

using testing::At;
using testing::CheckAll;
using testing::Meta;
using testing::MustApply;
using testing::SamplePlaced;

Outcome PassCheck(const OrderEnvironment& env) {
  Order order("O-1");
  MustApply(order, SamplePlaced("p", At("2026-11-02T10:00:00+08:00")), env);
  CheckAll(order, "v", At("2026-11-02T10:05:00+08:00"), env);
  CheckPassed pass;
  pass.meta = Meta("r", At("2026-11-02T10:06:00+08:00"));
  Outcome out = MustApply(order, pass, env);
  EXPECT_EQ(order.state(), "ready_to_ship");
  return out;
}

int TestActionsFor(const Outcome& out, std::string_view product) {
  return static_cast<int>(std::count_if(out.actions.begin(), out.actions.end(), [&](const Action& a) {
    return a.kind == ActionKind::kTestBeforeShipping && a.rule == "AS-DEFECT" &&
           a.subject == product;
  }));
}

TEST(OrderDefect, ProductWithTwoTicketsIsTestedBeforeShippingAsDefectRule) {
  DefectCounter defects;
  defects.Record("T-1", {{"N86-case", 1}});
  defects.Record("T-2", {{"N86-case", 2}});
  OrderEnvironment env;
  env.product_tests = &defects;
  const Outcome out = PassCheck(env);
  EXPECT_EQ(TestActionsFor(out, "N86-case"), 1);
  EXPECT_EQ(TestActionsFor(out, "charger"), 0);
  const Decision* d = out.Find("AS-DEFECT");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kScheduled);
  EXPECT_EQ(d->Reason(), "N86-case售后问题较多，发货前先检测");
}

TEST(OrderDefect, OneTicketOrNoQueryAsksForNoTest) {
  DefectCounter defects;
  defects.Record("T-1", {{"N86-case", 1}});
  OrderEnvironment env;
  env.product_tests = &defects;
  EXPECT_EQ(PassCheck(env).Find("AS-DEFECT"), nullptr);
  EXPECT_EQ(PassCheck(OrderEnvironment{}).Find("AS-DEFECT"), nullptr);
}

}  // namespace
}  // namespace kefu
