// Property: snapshot at any point, restore, continue -> the same outcomes as
// the uninterrupted run. Random but seeded (deterministic) event sequences.
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/machines/live_orders.h"
#include "kefu/machines/order.h"
#include "machines/order_test_util.h"

namespace kefu {
namespace {

using ::kefu::testing::At;
using ::kefu::testing::Meta;
using ::kefu::testing::SamplePlaced;

struct Step {
  absl::StatusCode code;
  Outcome outcome;
};

// A random event of a random type; about one in eight re-sends an earlier
// event id (idempotency must survive restore too).
class EventSource {
 public:
  explicit EventSource(uint32_t seed) : rng_(seed) {}

  OrderEvent Next() {
    const Timestamp at = At("2026-11-02T09:00:00+08:00") + absl::Minutes(37 * n_);
    std::string id = "e" + std::to_string(n_++);
    if (n_ > 2 && Pick(8) == 0) id = "e" + std::to_string(Pick(n_ - 1));
    EventMeta m = Meta(id, at, Pick(2) == 0 ? "小王" : "xiaoli");
    switch (Pick(18)) {
      case 0: {
        OrderPlaced p = SamplePlaced(id, at);
        p.payment = static_cast<PaymentMethod>(Pick(5));
        p.channel = static_cast<Channel>(Pick(4));
        p.paid = Pick(2) == 0;
        p.exception = static_cast<ExceptionKind>(Pick(4));
        return p;
      }
      case 1: return PaymentReceived{m, std::nullopt};
      case 2: return FinanceConfirmed{m};
      case 3:
      case 4: return CheckRecorded{m, static_cast<VerificationItem>(Pick(6))};
      case 5: return CheckPassed{m};
      case 6: return HoldPlaced{m, "wait"};
      case 7: return HoldReleased{m, Pick(2) == 0, ""};
      case 8: return OutOfStockReported{m, "charger", static_cast<StockArrival>(Pick(2))};
      case 9:
        return CustomerContacted{m, static_cast<ContactChannel>(Pick(3)),
                                 static_cast<ContactResult>(Pick(5))};
      case 10: return CourierChanged{m, Pick(2) == 0 ? "SF" : "EMS"};
      case 11: {
        OrderAdjusted a;
        a.meta = m;
        a.postage = Money::Fen(Pick(1000));
        if (Pick(2) == 0) a.agreed_via = ContactChannel::kIm;
        return a;
      }
      case 12: return PostageSupplemented{m, Money::Fen(1 + Pick(900)), Money::Fen(Pick(900))};
      case 13: return MarkedShipped{m, Pick(2) == 0, "t"};
      case 14: return Delivered{m};
      case 15:
        return Cancelled{m, Pick(3) == 0 ? std::optional<size_t>(Pick(2)) : std::nullopt, "r"};
      case 16:
        return Refunded{m, Money::Fen(1 + Pick(200000)), static_cast<RefundReason>(Pick(2)), ""};
      default: return InvoiceRequested{m, "t", Pick(3) == 0 ? "手机" : "配件"};
    }
  }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::mt19937 rng_;
  int n_ = 0;
};

std::vector<Step> RunFrom(Order& o, const std::vector<OrderEvent>& events, size_t from,
                      const OrderEnvironment& env) {
  std::vector<Step> steps;
  for (size_t i = from; i < events.size(); ++i) {
    auto r = o.Apply(events[i], env);
    steps.push_back({r.status().code(), r.ok() ? *r : Outcome{}});
  }
  return steps;
}

TEST(OrderProperty, RestoringASnapshotAtAnyPointContinuesExactlyLikeTheOriginal) {
  CourierCoverage coverage;
  ASSERT_TRUE(coverage.Block("EMS", "四川省", "", /*cod_only=*/true).ok());
  InMemoryLiveOrders live_orders;
  Order other("T0");
  ASSERT_TRUE(other.Apply(SamplePlaced("o1", At("2026-11-01T09:00:00+08:00"))).ok());
  live_orders.Update(other);
  OrderEnvironment env;
  env.courier_reach = &coverage;
  env.live_orders = &live_orders;

  int moved = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    EventSource source(seed);
    std::vector<OrderEvent> events;
    // Start every sequence with a placement so that most events can apply.
    events.push_back(SamplePlaced("p", At("2026-11-02T08:00:00+08:00")));
    for (int i = 0; i < 60; ++i) events.push_back(source.Next());

    Order reference("T1");
    std::vector<OrderSnapshot> snapshots;
    std::vector<Step> expected;
    for (const OrderEvent& e : events) {
      snapshots.push_back(reference.Snapshot());
      auto r = reference.Apply(e, env);
      expected.push_back({r.status().code(), r.ok() ? *r : Outcome{}});
    }
    moved += static_cast<int>(reference.applied().size());

    for (size_t cut = 0; cut < events.size(); ++cut) {
      auto restored = Order::Restore(snapshots[cut]);
      ASSERT_TRUE(restored.ok()) << restored.status();
      ASSERT_EQ(restored->Snapshot(), snapshots[cut]);
      const std::vector<Step> got = RunFrom(*restored, events, cut, env);
      for (size_t i = 0; i < got.size(); ++i) {
        const Step& want = expected[cut + i];
        ASSERT_EQ(got[i].code, want.code) << "seed " << seed << " cut " << cut << " step " << i;
        ASSERT_TRUE(SameOutcome(got[i].outcome, want.outcome))
            << "seed " << seed << " cut " << cut << " step " << i;
      }
      ASSERT_EQ(restored->Snapshot(), reference.Snapshot()) << "seed " << seed << " cut " << cut;
    }
  }
  EXPECT_GT(moved, 300);  // the sequences are not all refusals
}

}  // namespace
}  // namespace kefu
