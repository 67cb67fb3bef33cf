// Property: snapshot a ticket at any point of a random event sequence,
// restore it, continue -> the same outcomes (status, message, outcome) and
// the same final snapshot as the uninterrupted run. The snapshot restored is
// detached: its audit records name their states through strings this test
// owns and overwrites after Restore (as a snapshot read back from storage
// would), so the restored ticket must not refer to it. Also: delivering any
// judged event again, before or after a restore, changes nothing.
#include <deque>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/machines/open_tickets.h"
#include "kefu/machines/ticket.h"
#include "machines/ticket_test_util.h"

namespace kefu {
namespace {

using ::kefu::ticket_testing::Meta;
using ::kefu::ticket_testing::Monday;
using ::kefu::ticket_testing::SampleRegistered;

struct Step {
  absl::StatusCode code;
  std::string message;
  Outcome outcome;
};

// Random but seeded event sequences, biased towards the lifecycle so that
// runs reach the late states; about one event in eight re-sends an earlier
// event id (with other content, mostly: kAlreadyExists), agents vary so that
// AS-OWNER refuses some, and half the registrations name a category the
// open tickets already hold for the order (AS-DEDUP refuses them).
class EventSource {
 public:
  explicit EventSource(uint32_t seed) : rng_(seed) {}

  TicketEvent Next() {
    const Timestamp at = Monday() + absl::Minutes(97 * n_);
    std::string id = "e" + std::to_string(n_++);
    if (n_ > 2 && Pick(8) == 0) id = "e" + std::to_string(Pick(n_ - 1));
    const char* agents[] = {"小王", "小王", "xiaoli", ""};
    EventMeta m = Meta(id, at, agents[Pick(4)]);
    // Half the time the next step of a lifecycle script, else any event.
    static constexpr int kScript[] = {0, 1, 2, 3, 4, 5, 6, 9, 7, 8, 12, 13, 10, 11, 16};
    int type = Pick(2) == 0 ? kScript[script_++ % std::size(kScript)] : Pick(18);
    if (type >= 16 && Pick(4) != 0) type = Pick(16);  // end tickets less often
    switch (type) {
      case 0: {
        TicketRegistered r =
            SampleRegistered(id, at, static_cast<TicketKind>(Pick(8) == 0 ? 4 : Pick(4)));
        r.meta = m;
        r.category = Pick(2) == 0 ? "质量问题" : "少发漏发";
        // Mostly complete records; now and then AS-WHO-PAYS refuses one.
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
                                   "", ""};
      case 11: return RefundPaid{m};
      case 12: return CashPutInParcel{m, Money::Fen(1 + Pick(1000))};
      case 13: return Reshipped{m, "SF"};
      case 14: return HandedOff{m, Pick(2) == 0 ? "xiaoli" : "小王", ""};
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

// The policies and the open tickets every run uses: the supplier wait pauses
// AS-RESOLVE (more deadline state to carry), a supervisor may act, and the
// order already has an open "少发漏发" ticket of another agent. The defect
// ledger stays null: it lives outside the ticket and would count each
// replayed registration again.
struct World {
  World() {
    pack.resolve.terms.pause_while_supplier = true;
    pack.owner.supervisors = {"zhuguan"};
    Ticket other("T0");
    TicketRegistered reg = SampleRegistered("o1", Monday() - absl::Hours(2));
    reg.category = "少发漏发";
    reg.meta.agent = "xiaozhou";
    EXPECT_TRUE(other.Apply(reg).ok());
    EXPECT_TRUE(other.open());
    open_tickets.Update(other);
    env.policies = &pack;
    env.open_tickets = &open_tickets;
  }
  TicketPolicies pack;
  InMemoryOpenTickets open_tickets;
  TicketEnvironment env;
};

Step Judge(Ticket& t, const TicketEvent& event, const TicketEnvironment& env) {
  auto r = t.Apply(event, env);
  return {r.status().code(), std::string(r.status().message()), r.ok() ? *std::move(r) : Outcome{}};
}

std::vector<TicketEvent> Sequence(uint32_t seed, int n) {
  EventSource source(seed);
  std::vector<TicketEvent> events;
  for (int i = 0; i < n; ++i) events.push_back(source.Next());
  return events;
}

// A copy of `s` whose audit records name their states through strings in
// `names` (which the caller owns, and may overwrite once restored), not
// through the machine's static names.
TicketSnapshot Detached(const TicketSnapshot& s, std::deque<std::string>& names) {
  TicketSnapshot copy = s;
  for (Outcome& o : copy.applied) {
    o.audit.state_before = names.emplace_back(o.audit.state_before);
    o.audit.state_after = names.emplace_back(o.audit.state_after);
  }
  return copy;
}

void Scribble(std::deque<std::string>& names) {
  for (std::string& n : names) n.assign(n.size(), '#');
}

std::string Where(uint32_t seed, size_t cut, size_t step) {
  return "seed " + std::to_string(seed) + " cut " + std::to_string(cut) + " step " +
         std::to_string(step);
}

TEST(TicketProperty, RestoringAtAnyPointContinuesExactlyLikeTheUninterruptedRun) {
  const World world;
  int moved = 0;
  std::set<std::string_view> reached;
  std::set<absl::StatusCode> codes;
  int refused = 0;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    const std::vector<TicketEvent> events = Sequence(seed, 60);
    Ticket full("T1");
    std::vector<TicketSnapshot> snapshots;  // before each event, and at the end
    std::vector<Step> expected;
    for (const TicketEvent& e : events) {
      snapshots.push_back(full.Snapshot());
      expected.push_back(Judge(full, e, world.env));
      codes.insert(expected.back().code);
      if (expected.back().code == absl::StatusCode::kOk && expected.back().outcome.refused()) {
        ++refused;
      }
    }
    snapshots.push_back(full.Snapshot());
    moved += static_cast<int>(full.applied_count());
    for (const Outcome& o : full.applied()) reached.insert(o.audit.state_after);

    for (size_t cut = 0; cut <= events.size(); ++cut) {
      std::deque<std::string> names;
      auto restored = Ticket::Restore(Detached(snapshots[cut], names));
      ASSERT_TRUE(restored.ok()) << restored.status();
      Scribble(names);
      ASSERT_TRUE(restored->Snapshot() == snapshots[cut]) << Where(seed, cut, 0);
      for (size_t i = cut; i < events.size(); ++i) {
        const Step got = Judge(*restored, events[i], world.env);
        const Step& want = expected[i];
        ASSERT_EQ(got.code, want.code) << Where(seed, cut, i) << ": " << got.message;
        ASSERT_EQ(got.message, want.message) << Where(seed, cut, i);
        ASSERT_TRUE(SameOutcome(got.outcome, want.outcome)) << Where(seed, cut, i);
      }
      ASSERT_TRUE(restored->Snapshot() == snapshots.back()) << Where(seed, cut, events.size());
      ASSERT_TRUE(restored->data() == full.data()) << Where(seed, cut, events.size());
      EXPECT_EQ(restored->state(), full.state());
    }
  }
  // The sequences get somewhere, reach most states, and meet every kind of
  // answer: applied, refused by a rule, not accepted, malformed, id reused.
  EXPECT_GT(moved, 40 * 6);
  EXPECT_GT(refused, 40);
  EXPECT_GE(reached.size(), 10u);
  EXPECT_EQ(codes.count(absl::StatusCode::kFailedPrecondition), 1u);
  EXPECT_EQ(codes.count(absl::StatusCode::kAlreadyExists), 1u);
}

// Outcomes point at state names in static storage; Restore re-points the
// audit records at the machine's own names, so the snapshot (its strings
// overwritten here) may go away and the ticket still tells its history.
TEST(TicketProperty, RestoredAuditRecordsDoNotReferToTheSnapshot) {
  const World world;
  const TransitionTable& table = Ticket::Table();
  const std::set<std::string_view> states(table.states.begin(), table.states.end());
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    const std::vector<TicketEvent> events = Sequence(seed, 40);
    Ticket t("T1");
    for (const TicketEvent& e : events) (void)t.Apply(e, world.env);
    const std::vector<Outcome> history = t.applied();
    ASSERT_FALSE(history.empty());

    std::deque<std::string> names;
    auto restored = Ticket::Restore(Detached(t.Snapshot(), names));
    ASSERT_TRUE(restored.ok()) << restored.status();
    Scribble(names);
    const std::vector<Outcome> got = restored->applied();
    ASSERT_EQ(got.size(), history.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].audit.state_before, history[i].audit.state_before) << "seed " << seed;
      EXPECT_EQ(got[i].audit.state_after, history[i].audit.state_after) << "seed " << seed;
      EXPECT_EQ(states.count(got[i].audit.state_before), 1u) << "seed " << seed;
      EXPECT_EQ(states.count(got[i].audit.state_after), 1u) << "seed " << seed;
    }
    // A duplicate answered from the restored log names the states too.
    for (const TicketEvent& e : events) {
      auto again = restored->Apply(e, world.env);
      if (!again.ok() || !again->audit.duplicate) continue;
      EXPECT_EQ(states.count(again->audit.state_before), 1u) << "seed " << seed;
      EXPECT_EQ(states.count(again->audit.state_after), 1u) << "seed " << seed;
    }
  }
}

// Any event already judged (applied or refused by a rule), delivered again
// to the ticket or to a restored copy, returns its first outcome marked
// duplicate and changes nothing.
TEST(TicketProperty, DeliveringAnyJudgedEventAgainChangesNothing) {
  const World world;
  int duplicates = 0;
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    std::mt19937 rng(seed * 7919u);
    const std::vector<TicketEvent> events = Sequence(seed, 50);
    Ticket t("T1");
    std::vector<std::pair<TicketEvent, Outcome>> judged;
    for (const TicketEvent& e : events) {
      auto out = t.Apply(e, world.env);
      if (out.ok() && !out->audit.duplicate) judged.emplace_back(e, *out);
      if (judged.empty()) continue;
      const auto& [again, first] = judged[rng() % judged.size()];
      const TicketSnapshot before = t.Snapshot();
      auto restored = Ticket::Restore(before);
      ASSERT_TRUE(restored.ok()) << restored.status();
      for (Ticket* target : {&t, &*restored}) {
        auto dup = target->Apply(again, world.env);
        ASSERT_TRUE(dup.ok()) << "seed " << seed << ": " << dup.status();
        EXPECT_TRUE(dup->audit.duplicate);
        Outcome want = first;
        want.audit.duplicate = true;
        EXPECT_TRUE(SameOutcome(*dup, want)) << "seed " << seed;
        EXPECT_TRUE(target->Snapshot() == before) << "seed " << seed;
        ++duplicates;
      }
    }
  }
  EXPECT_GT(duplicates, 1000);
}

}  // namespace
}  // namespace kefu
