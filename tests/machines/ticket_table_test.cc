// The ticket machine's table: every (state, event) pair, restore into every
// state, and the generated diagram in docs/ticket.md. The snapshot property
// test is ticket_property_test.cc.
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/machines/ticket.h"
#include "machines/ticket_test_util.h"
#include "machines/diagram_check.h"

namespace kefu {
namespace {

using ::kefu::ticket_testing::Meta;
using ::kefu::ticket_testing::Monday;
using ::kefu::ticket_testing::SampleRegistered;
using ::testing::HasSubstr;

// One well-formed event of every type, in TicketEvent's order.
std::vector<TicketEvent> OneOfEach() {
  const Timestamp at = Monday() + absl::Hours(1);
  return {SampleRegistered("x", at),
          ReturnAgreed{Meta("x", at)},
          ReturnShipped{Meta("x", at), Money::Yuan(9), false, "SF"},
          ParcelReceived{Meta("x", at), ""},
          PackagingChecked{Meta("x", at), Packaging::kIntact, true},
          ItemTested{Meta("x", at), true, "QC-1"},
          ResaleDecided{Meta("x", at), true, true},
          SupplierExchangeRequested{Meta("x", at)},
          SupplierExchangeReceived{Meta("x", at)},
          EvidenceRecorded{Meta("x", at), true, true},
          RefundSentToFinance{Meta("x", at), Money::Yuan(50), Money::Zero(), false, false, false,
                              "", ""},
          RefundPaid{Meta("x", at)},
          CashPutInParcel{Meta("x", at), Money::Yuan(8)},
          Reshipped{Meta("x", at), "SF"},
          HandedOff{Meta("x", at), "xiaoli", ""},
          Escalated{Meta("x", at), "zhuguan", ""},
          TicketClosed{Meta("x", at), ""},
          TicketRejected{Meta("x", at), "not as described"}};
}

// A registered ticket (owner 小王) restored into `state`. A refund from
// "registered" needs a kind whose goods stay with the customer; the others
// use an exchange.
Ticket InState(std::string_view state, std::string_view event = "") {
  const bool refund_only = state == "registered" && event == "refund_sent_to_finance";
  Ticket t("T1");
  EXPECT_TRUE(t.Apply(SampleRegistered("reg", Monday(), refund_only ? TicketKind::kRefundOnly
                                                                    : TicketKind::kExchange))
                  .ok());
  TicketSnapshot s = t.Snapshot();
  s.state = std::string(state);
  auto r = Ticket::Restore(s);
  EXPECT_TRUE(r.ok()) << r.status();
  return *std::move(r);
}

TEST(TicketTable, EveryStateCanBeRestoredByName) {
  for (std::string_view state : Ticket::Table().states) {
    EXPECT_EQ(InState(state).state(), state);
  }
}

TEST(TicketTable, RestoreRefusesUnknownStatesAndOtherFormats) {
  TicketSnapshot s = InState("registered").Snapshot();
  s.state = "limbo";
  EXPECT_EQ(Ticket::Restore(s).status().code(), absl::StatusCode::kInvalidArgument);
  s.state = "registered";
  s.format_version = Ticket::kSnapshotFormat + 1;
  EXPECT_EQ(Ticket::Restore(s).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(TicketTable, CoversTheStatesAndEventsTheIssueAsksFor) {
  const TransitionTable& t = Ticket::Table();
  EXPECT_EQ(t.machine, "ticket");
  EXPECT_EQ(t.initial, "new");
  const std::set<std::string_view> states(t.states.begin(), t.states.end());
  for (const char* s : {"new", "registered", "awaiting_return", "in_transit", "received",
                        "inspecting", "awaiting_supplier", "awaiting_finance", "reshipped",
                        "refunded", "closed", "rejected"}) {
    EXPECT_EQ(states.count(s), 1u) << s;
  }
  EXPECT_EQ(t.states.size(), 12u);
  EXPECT_EQ(t.events.size(), std::variant_size_v<TicketEvent>);
}

// Allowed pairs move to their row's target (no two rows share a pair);
// every other pair is kFailedPrecondition naming state and event, and
// changes nothing.
TEST(TicketTable, AllowedPairsMoveAndAllOthersAreRefusedCleanly) {
  const TransitionTable& t = Ticket::Table();
  int allowed = 0, refused = 0;
  for (std::string_view state : t.states) {
    for (const TicketEvent& event : OneOfEach()) {
      const std::string_view name = EventName(event);
      Ticket ticket = InState(state, name);
      const TicketSnapshot before = ticket.Snapshot();
      auto r = ticket.Apply(event);
      const auto rows = t.RowsFor(state, name);
      ASSERT_LE(rows.size(), 1u) << state << " + " << name;
      if (rows.empty()) {
        ++refused;
        ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition)
            << state << " + " << name << ": " << r.status();
        const std::string msg(r.status().message());
        EXPECT_THAT(msg, HasSubstr(std::string(state)));
        EXPECT_THAT(msg, HasSubstr(std::string(name)));
        EXPECT_EQ(ticket.Snapshot(), before) << state << " + " << name;
        continue;
      }
      ++allowed;
      ASSERT_TRUE(r.ok()) << state << " + " << name << ": " << r.status();
      ASSERT_FALSE(r->refused()) << state << " + " << name;
      EXPECT_EQ(ticket.state(), rows[0]->target) << state << " + " << name;
      EXPECT_EQ(r->audit.state_before, state);
      EXPECT_EQ(r->audit.state_after, ticket.state());
      EXPECT_EQ(ticket.applied().size(), before.applied.size() + 1);
    }
  }
  EXPECT_EQ(allowed + refused, static_cast<int>(t.states.size() * OneOfEach().size()));
  EXPECT_EQ(allowed, static_cast<int>(t.rows.size()));
}

// ------------------------------------------------------------- diagram

// docs/ticket.md carries the Mermaid diagram generated from Ticket::Table().
// To refresh it: KEFU_UPDATE_DOCS=1 ./ticket_table_test
TEST(TicketTable, CommittedDiagramInDocsIsGeneratedFromTheTable) {
  testing::ExpectCommittedDiagramIsCurrent("docs/ticket.md", "Ticket::Table()", Ticket::Table());
}

}  // namespace
}  // namespace kefu
