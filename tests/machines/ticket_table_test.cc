// The ticket machine's table: every (state, event) pair, restore into every
// state, the snapshot property test, and the generated diagram in
// docs/ticket.md.
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
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

using ::kefu::ticket_testing::At;
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
                              ""},
          RefundPaid{Meta("x", at)},
          CashPutInParcel{Meta("x", at), Money::Yuan(8)},
          Reshipped{Meta("x", at), "SF"},
          HandedOff{Meta("x", at), "xiaoli", ""},
          Escalated{Meta("x", at), "zhuguan", ""},
          TicketClosed{Meta("x", at), ""},
          TicketRejected{Meta("x", at), "not as described"}};
}

// A registered ticket (owner xiaowang) restored into `state`. A refund from
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

// ---------------------------------------------------- snapshot property

struct Step {
  absl::StatusCode code;
  std::string message;
  Outcome outcome;
};

// Random but seeded event sequences, biased towards the lifecycle so that
// runs reach the late states; about one event in eight re-sends an earlier
// event id, and agents vary so that AS-OWNER refuses some.
class EventSource {
 public:
  explicit EventSource(uint32_t seed) : rng_(seed) {}

  TicketEvent Next() {
    const Timestamp at = Monday() + absl::Minutes(97 * n_);
    std::string id = "e" + std::to_string(n_++);
    if (n_ > 2 && Pick(8) == 0) id = "e" + std::to_string(Pick(n_ - 1));
    const char* agents[] = {"xiaowang", "xiaowang", "xiaoli", ""};
    EventMeta m = Meta(id, at, agents[Pick(4)]);
    // Half the time the next step of a lifecycle script, else any event.
    static constexpr int kScript[] = {0, 1, 2, 3, 4, 5, 6, 9, 7, 8, 12, 13, 10, 11, 16};
    int type = Pick(2) == 0 ? kScript[script_++ % std::size(kScript)] : Pick(18);
    if (type >= 16 && Pick(4) != 0) type = Pick(16);  // end tickets less often
    switch (type) {
      case 0: {
        TicketRegistered r = SampleRegistered(id, at, static_cast<TicketKind>(Pick(8) == 0 ? 4 : Pick(4)));
        r.meta = m;
        // Mostly complete records; now and then one AS-WHO-PAYS refuses.
        r.repayment = static_cast<Repayment>(Pick(6) == 0 ? 0 : 1 + Pick(2));
        r.return_postage = static_cast<PostagePayer>(Pick(6) == 0 ? 0 : 1 + Pick(2));
        r.reship_postage = static_cast<PostagePayer>(Pick(6) == 0 ? 0 : 1 + Pick(2));
        r.repayment_amount = Money::Fen(Pick(1200));
        r.customer_province = Pick(2) == 0 ? "广东省" : "四川省";
        r.quality_claim = Pick(2) == 0;
        r.order_marked_shipped = Pick(2) == 0;
        return r;
      }
      case 1: return ReturnAgreed{m};
      case 2: return ReturnShipped{m, Money::Fen(Pick(1500)), Pick(5) == 0, "SF"};
      case 3: return ParcelReceived{m, Pick(3) == 0 ? "xiaozhou" : ""};
      case 4: return PackagingChecked{m, static_cast<Packaging>(Pick(3)), Pick(4) != 0};
      case 5: return ItemTested{m, Pick(2) == 0, Pick(2) == 0 ? "QC-1" : ""};
      case 6: return ResaleDecided{m, Pick(2) == 0, Pick(2) == 0};
      case 7: return SupplierExchangeRequested{m};
      case 8: return SupplierExchangeReceived{m};
      case 9: return EvidenceRecorded{m, Pick(2) == 0, Pick(2) == 0};
      case 10:
        return RefundSentToFinance{m,           Money::Fen(Pick(20000)), Money::Fen(Pick(500)),
                                   Pick(2) == 0, Pick(3) == 0,           Pick(2) == 0,
                                   ""};
      case 11: return RefundPaid{m};
      case 12: return CashPutInParcel{m, Money::Fen(1 + Pick(1000))};
      case 13: return Reshipped{m, "SF"};
      case 14: return HandedOff{m, Pick(2) == 0 ? "xiaoli" : "xiaowang", ""};
      case 15: return Escalated{m, "zhuguan", ""};
      case 16: return TicketClosed{m, ""};
      default: return TicketRejected{m, "r"};
    }
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  std::mt19937 rng_;
  int n_ = 0;
  size_t script_ = 0;
};

std::vector<Step> RunEvents(Ticket& t, const std::vector<TicketEvent>& events, size_t from,
                      size_t to, const TicketEnvironment& env) {
  std::vector<Step> steps;
  for (size_t i = from; i < to; ++i) {
    auto r = t.Apply(events[i], env);
    steps.push_back({r.status().code(), std::string(r.status().message()),
                     r.ok() ? *std::move(r) : Outcome{}});
  }
  return steps;
}

void ExpectSameSteps(const std::vector<Step>& a, const std::vector<Step>& b, uint32_t seed,
                     size_t cut) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].code, b[i].code) << "seed " << seed << " cut " << cut << " step " << i;
    EXPECT_EQ(a[i].message, b[i].message) << "seed " << seed << " cut " << cut << " step " << i;
    EXPECT_TRUE(SameOutcome(a[i].outcome, b[i].outcome))
        << "seed " << seed << " cut " << cut << " step " << i;
  }
}

TEST(TicketSnapshot, RestoringAtAnyPointContinuesExactlyLikeTheUninterruptedRun) {
  TicketPolicies pack;  // pausing exercises more of the deadline state
  pack.resolve.terms.pause_while_supplier = true;
  pack.owner.supervisors = {"zhuguan"};
  const TicketEnvironment env{{}, &pack, nullptr, nullptr};
  int moved = 0;
  std::set<std::string_view> reached;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    EventSource source(seed);
    std::vector<TicketEvent> events;
    for (int i = 0; i < 60; ++i) events.push_back(source.Next());
    Ticket full("T1");
    const std::vector<Step> expected = RunEvents(full, events, 0, events.size(), env);
    moved += static_cast<int>(full.applied().size());
    for (const Outcome& o : full.applied()) reached.insert(o.audit.state_after);
    for (size_t cut = 0; cut <= events.size(); cut += 3) {
      Ticket first("T1");
      RunEvents(first, events, 0, cut, env);
      auto restored = Ticket::Restore(first.Snapshot());
      ASSERT_TRUE(restored.ok()) << restored.status();
      EXPECT_EQ(restored->Snapshot(), first.Snapshot());
      Ticket second("T1");
      const std::vector<Step> head = RunEvents(second, events, 0, cut, env);
      const std::vector<Step> tail = RunEvents(*restored, events, cut, events.size(), env);
      std::vector<Step> joined = head;
      joined.insert(joined.end(), tail.begin(), tail.end());
      ExpectSameSteps(expected, joined, seed, cut);
      EXPECT_EQ(restored->Snapshot(), full.Snapshot()) << "seed " << seed << " cut " << cut;
    }
  }
  EXPECT_GT(moved, 40 * 6);  // the sequences do get somewhere
  EXPECT_GE(reached.size(), 10u) << "the sequences reach most states";
}

// ------------------------------------------------------------- diagram

// docs/ticket.md carries the Mermaid diagram generated from Ticket::Table().
// To refresh it: KEFU_UPDATE_DOCS=1 ./ticket_table_test
TEST(TicketTable, CommittedDiagramInDocsIsGeneratedFromTheTable) {
  testing::ExpectCommittedDiagramIsCurrent("docs/ticket.md", "Ticket::Table()", Ticket::Table());
}

}  // namespace
}  // namespace kefu
