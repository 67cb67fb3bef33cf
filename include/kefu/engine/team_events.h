// kefu/engine/team_events.h: the events of the team entity (EntityKind::
// kTeam, JSON "entity":"team"): what an agent's day on the team is made of,
// fed to the shop's TeamLedger (kefu/engine/team_ledger.h) through
// Shop::Apply like any other event.
//
// The event's key is the agent the event is about (as events name agents,
// EventMeta::agent); meta.agent is who recorded it (the agent, a team
// lead's console, a supervisor). One agent is one team entity: its events
// are serialized, come in time order and are idempotent by id, as every
// entity's.
//
//   shift_started    SH-SHIFTS: the agent starts a shift of the ShiftPolicy's
//                    templates on channels (on a weekday the shift does not
//                    run: a finding); arriving late, an SH-HANDOVER finding.
//   shift_ended      the shift ends.
//   seat_left        SH-COVERAGE: the agent leaves the seat; not handed
//                    over, a finding. Their channels are unstaffed until
//                    seat_returned (the agent is back).
//   seat_returned    the agent is back at the seat.
//   shift_swapped    SH-HANDOVER: the agent gives a shift of a day to
//                    another agent. Needs a shift that runs that weekday
//                    (SH-SHIFTS) and approval beforehand by someone whose
//                    role may approve a swap (FB-ROLES).
//   supervisor_scored KPI-SCORE: a judged part of the agent's monthly card;
//                    meta.agent is the scorer, whose role must allow
//                    change_score (FB-ROLES).
//   exam_taken       KPI-EXAM: the agent's exam score.
//   reported_upward  FB-REPORT: the agent reports one of the six kinds.
//
// Thread safety: value types.
#ifndef KEFU_ENGINE_TEAM_EVENTS_H_
#define KEFU_ENGINE_TEAM_EVENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kefu/core/export.h"
#include "kefu/machines/machine.h"
#include "kefu/policies/team_policies.h"

namespace kefu {

// SH-SHIFTS: the agent (the key) starts the shift named `shift` (a template
// of ShiftPolicy::shifts: "early", "middle", "late") on `channels`, the
// channel names separated by commas ("旺旺,商城"; spaces around a name are
// dropped). meta.at is when the agent arrived.
struct ShiftStarted {
  static constexpr std::string_view kName = "shift_started";
  EventMeta meta;
  std::string shift;     // required
  std::string channels;  // required: at least one name
};

// The agent's shift ends (also while away from the seat).
struct ShiftEnded {
  static constexpr std::string_view kName = "shift_ended";
  EventMeta meta;
};

// SH-COVERAGE: the agent leaves the seat during the shift. Without a
// handover (`handed_over` false) it is a finding; either way the agent's
// channels count as unstaffed until SeatReturned.
struct SeatLeft {
  static constexpr std::string_view kName = "seat_left";
  EventMeta meta;
  bool handed_over = false;
  std::string handed_to;  // who took the channels over, when known
};

// The agent is back at the seat: their channels are staffed again.
struct SeatReturned {
  static constexpr std::string_view kName = "seat_returned";
  EventMeta meta;
};

// SH-HANDOVER: the agent (the key) gives their `shift` of local day `day`
// ("2026-11-05") to `with`, approved by `approved_by`. The template must run
// on that day's weekday (ShiftTemplate::days: the seed's late shift Tuesday
// to Friday), else SH-SHIFTS refuses it. The approval must come
// beforehand: the event (the approval's time) on or before `day`, and an
// approver; otherwise SH-HANDOVER refuses it. The approver's role is the
// roster's (RolePolicy::RoleOf: without a roster, `approver_role` as given)
// and must be allowed to approve a swap, else FB-ROLES refuses it. A
// refused swap changes nothing.
struct ShiftSwapped {
  static constexpr std::string_view kName = "shift_swapped";
  EventMeta meta;
  std::string day;          // required: YYYY-MM-DD, local
  std::string shift;        // required: a template's name
  std::string with;         // required: the agent taking the shift over
  std::string approved_by;  // empty: not approved (refused)
  StaffRole approver_role = StaffRole::kAgent;  // claimed; a roster overrides it
};

// KPI-SCORE: meta.agent (the scorer, not empty) gives the judged `part` of
// the agent's (the key's) card for the month of meta.at the score `score`
// (0..the part's weight; a later score replaces an earlier one). The
// scorer's role is the roster's (without a roster, `role` as given) and must
// be allowed change_score (FB-ROLES), else the event is refused and the
// card does not change.
struct SupervisorScored {
  static constexpr std::string_view kName = "supervisor_scored";
  EventMeta meta;
  ScorePart part = ScorePart::kAttitude;  // required: a judged part
  int32_t score = 0;                      // required
  StaffRole role = StaffRole::kAgent;     // the scorer's claimed role
};

// KPI-EXAM: the agent took an exam (of a training stage) scored `score` out
// of ExamPolicy::max_score; below the pass mark is a finding (the event
// applies: the score is on the card).
struct ExamTaken {
  static constexpr std::string_view kName = "exam_taken";
  EventMeta meta;
  int32_t score = 0;  // required
  std::string stage;  // the training stage, as the shop names it
};

// FB-REPORT: the agent reports `kind` upward with `summary`; the outcome
// escalates it (ReportPolicy::escalate_to).
struct ReportedUpward {
  static constexpr std::string_view kName = "reported_upward";
  EventMeta meta;
  ReportKind kind = ReportKind::kCustomerFeedback;  // required
  std::string summary;                              // required, not empty
};

using TeamEvent = std::variant<ShiftStarted, ShiftEnded, SeatLeft, SeatReturned, ShiftSwapped,
                               SupervisorScored, ExamTaken, ReportedUpward>;

KEFU_EXPORT std::string_view EventName(const TeamEvent& event);
KEFU_EXPORT const EventMeta& MetaOf(const TeamEvent& event);

// A shift swap the shop approved.
struct ApprovedSwap {
  std::string day;
  std::string shift;
  std::string with;
  std::string approved_by;
  friend bool operator==(const ApprovedSwap& a, const ApprovedSwap& b) {
    return a.day == b.day && a.shift == b.shift && a.with == b.with &&
           a.approved_by == b.approved_by;
  }
};

// What the shop keeps of one agent beside the ledger's numbers (Shop::
// TeamMember). Its state ("off_shift", "on_shift", "away") is the entity's.
struct TeamMemberData {
  std::string id;        // the agent
  std::string shift;     // the shift the agent is on; empty off shift
  std::string channels;  // its channels, as the event gave them
  std::string handed_to; // away: who took the channels over
  int64_t shifts = 0;              // shifts started
  int64_t late_arrivals = 0;       // SH-HANDOVER findings
  int64_t seats_left = 0;          // times the seat was left
  int64_t left_unhanded = 0;       // of them without a handover (SH-COVERAGE)
  int64_t scores = 0;              // judged parts of the agent's card scored
  int64_t exams = 0;               // exams taken
  int64_t reports = 0;             // reports upward
  std::vector<ApprovedSwap> swaps; // approved shift swaps, in order

  friend bool operator==(const TeamMemberData& a, const TeamMemberData& b) {
    return a.id == b.id && a.shift == b.shift && a.channels == b.channels &&
           a.handed_to == b.handed_to && a.shifts == b.shifts &&
           a.late_arrivals == b.late_arrivals && a.seats_left == b.seats_left &&
           a.left_unhanded == b.left_unhanded && a.scores == b.scores && a.exams == b.exams &&
           a.reports == b.reports && a.swaps == b.swaps;
  }
  friend bool operator!=(const TeamMemberData& a, const TeamMemberData& b) { return !(a == b); }
};

// A team entity's persisted form (the shop saves one per agent, Shop::Save;
// kefu/io/state_json.h writes and reads it as JSON, "kind": "team"): the
// state ("off_shift", "on_shift", "away"), TeamMemberData and the
// idempotency log; format_version 1.
using TeamMemberSnapshot = MachineSnapshot<TeamMemberData>;

// A team entity as Shop::FindTeamMember returns it.
struct TeamMemberState {
  std::string state;  // "off_shift", "on_shift" or "away"
  TeamMemberData data;
};

// The channel names of a shift_started event's `channels`: split at commas,
// spaces around each dropped, empty names skipped.
KEFU_EXPORT std::vector<std::string> SplitChannels(std::string_view channels);

}  // namespace kefu

#endif  // KEFU_ENGINE_TEAM_EVENTS_H_
