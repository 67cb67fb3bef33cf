// The order machine's table: every (state, event) pair, restore into every
// state, and the generated diagram in docs/order.md.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/machines/order.h"
#include "machines/order_test_util.h"
#include "machines/diagram_check.h"

namespace kefu {
namespace {

using ::kefu::testing::At;
using ::kefu::testing::Meta;
using ::kefu::testing::SamplePlaced;
using ::testing::HasSubstr;

const Timestamp kAt = At("2026-11-02T12:00:00+08:00");

// One well-formed event of every type, in OrderEvent's order.
std::vector<OrderEvent> OneOfEach() {
  OrderAdjusted adjust;
  adjust.meta = Meta("x", kAt);
  adjust.postage = Money::Yuan(6);
  adjust.agreed_via = ContactChannel::kIm;
  return {SamplePlaced("x", kAt),
          PaymentReceived{Meta("x", kAt), std::nullopt},
          FinanceConfirmed{Meta("x", kAt)},
          CheckRecorded{Meta("x", kAt), VerificationItem::kPrice},
          CheckPassed{Meta("x", kAt)},
          HoldPlaced{Meta("x", kAt), "waiting"},
          HoldReleased{Meta("x", kAt), true, ""},
          OutOfStockReported{Meta("x", kAt), "charger", StockArrival::kTomorrow},
          CustomerContacted{Meta("x", kAt), ContactChannel::kPhone, ContactResult::kReached},
          CourierChanged{Meta("x", kAt), "SF"},
          adjust,
          PostageSupplemented{Meta("x", kAt), Money::Yuan(5), Money::Yuan(5)},
          MarkedShipped{Meta("x", kAt), true, ""},
          Delivered{Meta("x", kAt)},
          Completed{Meta("x", kAt)},
          Cancelled{Meta("x", kAt), std::nullopt, "test"},
          Refunded{Meta("x", kAt), Money::Yuan(5), RefundReason::kOther, ""},
          InvoiceRequested{Meta("x", kAt), "个人", "配件"}};
}

// A fully checked, paid, confirmed order restored into `state`.
Order InState(std::string_view state) {
  Order o("T1");
  EXPECT_TRUE(o.Apply(SamplePlaced("p", kAt)).ok());
  OrderSnapshot s = o.Snapshot();
  s.state = std::string(state);
  s.data.checked = kAllVerificationItems;
  s.data.finance_confirmed = true;
  auto r = Order::Restore(s);
  EXPECT_TRUE(r.ok()) << r.status();
  return *std::move(r);
}

TEST(OrderTable, EveryStateCanBeRestoredByName) {
  for (std::string_view state : Order::Table().states) {
    EXPECT_EQ(InState(state).state(), state);
  }
}

TEST(OrderTable, CoversTheStatesAndEventsTheIssueAsksFor) {
  const TransitionTable& t = Order::Table();
  EXPECT_EQ(t.machine, "order");
  EXPECT_EQ(t.initial, "new");
  const std::set<std::string_view> states(t.states.begin(), t.states.end());
  for (const char* s : {"new", "awaiting_payment", "awaiting_finance_check", "in_check",
                        "held_duplicate_suspect", "held_courier_unreachable", "held_out_of_stock",
                        "held_awaiting_customer", "ready_to_ship", "shipped", "delivered",
                        "completed", "cancelled"}) {
    EXPECT_EQ(states.count(s), 1u) << s;
  }
  EXPECT_EQ(t.states.size(), 13u);
  EXPECT_EQ(t.events.size(), std::variant_size_v<OrderEvent>);
}

// Allowed pairs move to one of their rows' targets (or, refused by a policy,
// stay); every other pair is kFailedPrecondition and changes nothing.
TEST(OrderTable, AllowedPairsMoveAndAllOthersAreRefusedCleanly) {
  const TransitionTable& t = Order::Table();
  int allowed = 0, refused = 0;
  for (std::string_view state : t.states) {
    for (const OrderEvent& event : OneOfEach()) {
      Order o = InState(state);
      const OrderSnapshot before = o.Snapshot();
      const std::string_view name = EventName(event);
      auto r = o.Apply(event);
      const auto rows = t.RowsFor(state, name);
      if (rows.empty()) {
        ++refused;
        ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition)
            << state << " + " << name << ": " << r.status();
        const std::string msg(r.status().message());
        EXPECT_THAT(msg, HasSubstr(std::string(state)));
        EXPECT_THAT(msg, HasSubstr(std::string(name)));
        EXPECT_EQ(o.Snapshot(), before) << state << " + " << name;
        continue;
      }
      ++allowed;
      ASSERT_TRUE(r.ok()) << state << " + " << name << ": " << r.status();
      if (r->refused()) {
        EXPECT_EQ(o.state(), before.state) << state << " + " << name;
        EXPECT_TRUE(o.data() == before.data) << state << " + " << name;
        EXPECT_EQ(o.applied_count(), before.applied.size() + 1) << "the refusal is remembered";
        continue;
      }
      std::set<std::string_view> targets;
      for (const Transition* row : rows) targets.insert(row->target);
      EXPECT_EQ(targets.count(o.state()), 1u) << state << " + " << name << " -> " << o.state();
      EXPECT_EQ(r->audit.state_before, state);
      EXPECT_EQ(r->audit.state_after, o.state());
    }
  }
  EXPECT_EQ(allowed + refused, static_cast<int>(t.states.size() * OneOfEach().size()));
  EXPECT_GT(allowed, 30);
}

// docs/order.md carries the Mermaid diagram generated from Order::Table().
// To refresh it: KEFU_UPDATE_DOCS=1 ./order_table_test
TEST(OrderTable, CommittedDiagramInDocsIsGeneratedFromTheTable) {
  testing::ExpectCommittedDiagramIsCurrent("docs/order.md", "Order::Table()", Order::Table());
}

}  // namespace
}  // namespace kefu
