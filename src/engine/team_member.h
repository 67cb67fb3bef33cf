// team_member.h: one agent of the team as a shop entity (EntityKind::kTeam):
// the idempotency log of the agent's team events, the per-agent state
// (off shift, on shift, away from the seat) and TeamMemberData. Its Apply
// judges a team event (kefu/engine/team_events.h) by feeding the shop's
// TeamLedger, whose decisions are the outcome's. Private to the engine:
// the Shop keeps one per agent in its shards, Shop::FindTeamMember answers
// from it. The idempotency and order checks, the audit record and the
// snapshot of data and log are the entity core's (machines/entity_core.h),
// as every machine's; the snapshot is kefu::TeamMemberSnapshot
// (kefu/engine/team_events.h), also as JSON (kefu/io/state_json.h).
//
// Apply's results, as every machine's (kefu/machines/machine.h):
//   - malformed meta, a payload the ledger does not take (an unknown shift
//     template, no channel, a measured part scored, a score out of range,
//     an empty summary, a swap's day that is not YYYY-MM-DD, a swap with
//     nobody or with oneself, a score without a scorer): kInvalidArgument;
//   - an id judged before: its outcome marked duplicate, or kAlreadyExists
//     when this copy differs; an event earlier than the last one applied:
//     kFailedPrecondition; past max_events_per_entity: kResourceExhausted;
//   - the state does not take the event (a shift started while on one, a
//     seat left off shift or while away, back at the seat while not away,
//     a shift ended off shift): kFailedPrecondition;
//   - a shift swap or a score refused (SH-SHIFTS: the shift does not run on
//     the swapped day's weekday; SH-HANDOVER: no approval beforehand;
//     FB-ROLES: the approver's or scorer's role may not): an outcome marked
//     refused, nothing changed (the ledger neither);
//   - otherwise applied, with the ledger's decisions: the SH-HANDOVER late
//     arrival, the SH-COVERAGE seat left without a handover and a failed
//     KPI-EXAM are findings (refused verdicts of an applied event), and so
//     is a shift started on a weekday its template does not run (SH-SHIFTS).
// On an error nothing changes, the ledger included.
#ifndef KEFU_ENGINE_TEAM_MEMBER_H_
#define KEFU_ENGINE_TEAM_MEMBER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/calendar.h"
#include "kefu/core/outcome.h"
#include "kefu/engine/team_events.h"
#include "kefu/engine/team_ledger.h"
#include "kefu/machines/machine.h"
#include "kefu/policies/team_policies.h"
#include "machines/entity_core.h"

namespace kefu::internal {

struct TeamEnvironment : MachineEnvironment {
  TeamLedger* ledger = nullptr;       // required; the caller holds its lock
  const RolePolicy* roles = nullptr;  // FB-ROLES; null: the ledger's
  const BusinessCalendar* calendar = nullptr;  // null: the ledger's
};

class TeamMember {
 public:
  static constexpr int kSnapshotFormat = 1;
  static constexpr std::string_view kOffShift = "off_shift";
  static constexpr std::string_view kOnShift = "on_shift";
  static constexpr std::string_view kAway = "away";

  explicit TeamMember(std::string agent);

  absl::StatusOr<Outcome> Apply(const TeamEvent& event, const TeamEnvironment& env);

  const std::string& id() const { return core_.data.id; }
  std::string_view state() const { return state_; }
  const TeamMemberData& data() const { return core_.data; }
  std::vector<Outcome> applied() const { return core_.log.outcomes(); }
  const AppliedEvents& applied_log() const { return core_.log; }

  TeamMemberSnapshot Snapshot() const;
  // kInvalidArgument for another format, no id or an unknown state name.
  static absl::StatusOr<TeamMember> Restore(TeamMemberSnapshot snapshot);

 private:
  // The data, the idempotency log and the steps around Apply every entity
  // shares (machines/entity_core.h).
  machine_core::EntityCore<TeamMemberData> core_;
  std::string_view state_ = kOffShift;  // static storage
};

}  // namespace kefu::internal

#endif  // KEFU_ENGINE_TEAM_MEMBER_H_
