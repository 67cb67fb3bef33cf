// Provinces in orders: an order's address names one of the 34 provincial-
// level divisions, compared as provinces (short and full names alike) by
// ORD-COD-REACH's courier blind spots and ORD-DUP-SHIP's addresses.
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "kefu/machines/live_orders.h"
#include "kefu/machines/order.h"
#include "kefu/policies/courier_reach.h"
#include "machines/order_test_util.h"

namespace kefu {
namespace {

using ::kefu::testing::At;
using ::kefu::testing::CheckAll;
using ::kefu::testing::Meta;
using ::kefu::testing::MustApply;
using ::kefu::testing::SamplePlaced;

const Timestamp kMon10 = At("2026-11-02T10:00:00+08:00");
const Timestamp kMon11 = At("2026-11-02T11:00:00+08:00");

TEST(OrderProvince, AnAddressInNoProvinceIsInvalidArgumentNamingItAndChangesNothing) {
  Order o("T1");
  const OrderSnapshot before = o.Snapshot();
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.address.province = "四川州";
  auto r = o.Apply(p);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("address.province"), absl::string_view::npos) << r.status();
  EXPECT_NE(r.status().message().find("\"四川州\" is not a province"), absl::string_view::npos)
      << r.status();
  EXPECT_EQ(o.Snapshot(), before);
  EXPECT_EQ(o.applied_count(), 0u);
  // The short name, the full name and an empty province are all taken.
  for (const char* province : {"四川", "四川省", ""}) {
    Order ok("T2");
    p.address.province = province;
    MustApply(ok, p);
  }
}

TEST(OrderProvince, ACourierBlindSpotCoversItsProvinceWhicheverNameTheAddressUses) {
  // ORD-COD-REACH: the host blocks "西藏"; the address says "西藏自治区".
  CourierCoverage coverage;
  ASSERT_TRUE(coverage.Block("SF", "西藏").ok());
  OrderEnvironment env;
  env.courier_reach = &coverage;
  Order o("W1");
  OrderPlaced p = SamplePlaced("e1", kMon10);
  p.courier = "SF";
  p.address = {"西藏自治区", "拉萨市", "城关区", "北京中路1号"};
  MustApply(o, p, env);
  CheckAll(o, "W1", kMon10, env);
  MustApply(o, CheckPassed{Meta("e2", kMon11)}, env);
  EXPECT_EQ(o.state(), "held_courier_unreachable");
}

TEST(OrderProvince, TheSameAddressWithAShortAndAFullProvinceIsALikelyDuplicate) {
  // ORD-DUP-SHIP: 四川 and 四川省 are the same province, so these two
  // addresses are one character apart (侯/候), not two.
  InMemoryLiveOrders live_orders;
  OrderEnvironment env;
  env.live_orders = &live_orders;
  Order first("T1");
  MustApply(first, SamplePlaced("T1-placed", kMon10), env);
  CheckAll(first, "T1", kMon10, env);
  live_orders.Update(first);

  Order second("T2");
  OrderPlaced p = SamplePlaced("T2-placed", kMon11);
  p.address.province = "四川";
  p.address.district = "武候区";
  MustApply(second, p, env);
  CheckAll(second, "T2", kMon11, env);
  MustApply(second, CheckPassed{Meta("T2-pass", kMon11)}, env);
  EXPECT_EQ(second.state(), "held_duplicate_suspect");
}

}  // namespace
}  // namespace kefu
