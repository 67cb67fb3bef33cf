// The team entity: an agent's team events judged through the TeamLedger
// (team_member.h). No transition table of its own: three states, kept by
// hand, and the idempotency steps every machine takes (machine_core.h's
// order, without its Boost.MSM back-end).
#include "engine/team_member.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/absl_compat.h"
#include "engine/reply_schema.h"
#include "kefu/core/status.h"
#include "machines/event_schema.h"
#include "policies/shift_terms.h"

namespace kefu::machine_core {
// Defined in src/machines/machine_core.cc, declared in machines/
// machine_core.h (which brings Boost.MSM in; this entity has no MSM table).
std::string DescribeDifference(const internal::KindSchema& schema, const Outcome& seen,
                               const EventDigest& seen_digest, const EventMeta& meta,
                               std::string_view type, const EventDigest& digest);
absl::Status ReusedIdError(std::string_view machine, std::string_view entity,
                           const Outcome& seen, std::string_view differences);
absl::Status OutOfOrderError(std::string_view machine, std::string_view entity,
                             const EventMeta& meta, Timestamp last_at, Duration tolerance);
absl::Status TooManyEventsError(std::string_view machine, std::string_view entity,
                                size_t events, size_t bytes);
absl::Status NotAcceptedError(std::string_view machine, std::string_view entity,
                              std::string_view state, std::string_view event, bool as_given);
}  // namespace kefu::machine_core

namespace kefu::internal {
namespace {

constexpr std::string_view kMachine = "team member";

constexpr Message kNoApprovalMessage = {
    "{agent}与{with}调换{day}的{shift}未经事先批准",
    "{agent}'s {shift} shift of {day} swapped with {with} without approval beforehand"};
constexpr Message kLateApprovalMessage = {
    "{agent}与{with}调换{day}的{shift}须事先批准，批准晚于当天",
    "{agent}'s {shift} shift of {day} swapped with {with}: approved after the day, not "
    "beforehand"};
constexpr Message kSwapMessage = {
    "{agent}与{with}调换{day}的{shift}，{approved_by}已事先批准",
    "{agent}'s {shift} shift of {day} goes to {with}, approved beforehand by {approved_by}"};

Figures SwapFigures(std::string_view agent, const ShiftSwapped& e) {
  Figures f;
  f.push_back({"agent", std::string(agent)});
  f.push_back({"with", e.with});
  f.push_back({"day", e.day});
  f.push_back({"shift", ShiftNameValue(e.shift)});
  return f;
}

// What one event does: an error (nothing changes), or the decisions and
// the changes to make once it is judged.
struct Step {
  absl::Status error;
  bool refused = false;
  std::string_view state_after;
};

}  // namespace

TeamMember::TeamMember(std::string agent) { data_.id = std::move(agent); }

absl::StatusOr<Outcome> TeamMember::Apply(const TeamEvent& event, const TeamEnvironment& env) {
  const EventMeta& meta = MetaOf(event);
  if (absl::Status s = ValidateEventMeta(meta); !s.ok()) return s;
  if (env.ledger == nullptr) return absl::InternalError("team member: no ledger");
  const KindSchema& schema = TeamEventSchema();
  const EventDigest digest = DigestOf(schema, event);
  const std::string_view type = EventName(event);
  if (!log_.empty()) {
    EventDigest seen_digest;
    if (std::optional<Outcome> seen = log_.Find(meta.id, &seen_digest)) {
      const std::string diff =
          machine_core::DescribeDifference(schema, *seen, seen_digest, meta, type, digest);
      if (!diff.empty()) return machine_core::ReusedIdError(kMachine, data_.id, *seen, diff);
      seen->audit.duplicate = true;
      return *std::move(seen);
    }
  }
  if (log_.size() >= env.max_events_per_entity) {
    return machine_core::TooManyEventsError(kMachine, data_.id, log_.size(),
                                            log_.encoded_bytes());
  }
  if (last_at_ != absl::InfinitePast() && meta.at + env.clock_skew_tolerance < last_at_) {
    return machine_core::OutOfOrderError(kMachine, data_.id, meta, last_at_,
                                         env.clock_skew_tolerance);
  }

  TeamLedger& ledger = *env.ledger;
  const TeamLedger::Options& lo = ledger.options();
  const RolePolicy& roles = env.roles != nullptr ? *env.roles : lo.roles;
  const BusinessCalendar& calendar = env.calendar != nullptr ? *env.calendar : lo.calendar;
  const std::string& agent = data_.id;

  Outcome out;
  out.entity = agent;
  AuditRecord& audit = out.audit;
  audit.event_id = meta.id;
  audit.event_type = type;
  audit.agent = meta.agent;
  audit.at = meta.at;
  audit.state_before = state_;
  audit.policy_revision = env.policy_revision;

  auto not_accepted = [&]() {
    return machine_core::NotAcceptedError(kMachine, agent, state_, type, false);
  };
  TeamMemberData next = data_;
  std::string_view state_after = state_;

  // Every check comes before the ledger is fed: an error changes nothing.
  absl::Status error = std::visit(
      [&](const auto& e) -> absl::Status {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, ShiftStarted>) {
          if (state_ != kOffShift) return not_accepted();
          absl::StatusOr<std::optional<Decision>> late =
              ledger.ShiftStarted(agent, e.shift, SplitChannels(e.channels), meta.at);
          if (!late.ok()) return late.status();
          next.shift = e.shift;
          next.channels = e.channels;
          ++next.shifts;
          if (late->has_value()) {
            ++next.late_arrivals;
            out.Add(**std::move(late));
          }
          state_after = kOnShift;
        } else if constexpr (std::is_same_v<E, ShiftEnded>) {
          if (state_ == kOffShift) return not_accepted();
          ledger.ShiftEnded(agent, meta.at);
          next.shift.clear();
          next.channels.clear();
          next.handed_to.clear();
          state_after = kOffShift;
        } else if constexpr (std::is_same_v<E, SeatLeft>) {
          if (state_ != kOnShift) return not_accepted();
          std::optional<Decision> finding = ledger.SeatLeft(agent, meta.at, e.handed_over);
          ++next.seats_left;
          if (!e.handed_over) ++next.left_unhanded;
          next.handed_to = e.handed_to;
          if (finding.has_value()) out.Add(*std::move(finding));
          state_after = kAway;
        } else if constexpr (std::is_same_v<E, SeatReturned>) {
          if (state_ != kAway) return not_accepted();
          ledger.SeatReturned(agent, meta.at);
          next.handed_to.clear();
          state_after = kOnShift;
        } else if constexpr (std::is_same_v<E, ShiftSwapped>) {
          absl::CivilDay day;
          if (!absl::ParseCivilTime(ToAbsl(e.day), &day)) {
            return absl::InvalidArgumentError(absl::StrCat(
                "shift_swapped \"", meta.id, "\": day \"", e.day, "\" is not YYYY-MM-DD"));
          }
          if (lo.shifts.Find(e.shift) == nullptr) {
            return absl::InvalidArgumentError(absl::StrCat(
                "shift_swapped \"", meta.id, "\": no shift named \"", e.shift, "\""));
          }
          if (e.with.empty() || e.with == agent) {
            return absl::InvalidArgumentError(
                absl::StrCat("shift_swapped \"", meta.id, "\": `with` must name another agent"));
          }
          Decision d;
          d.rule = ShiftPolicy::kHandoverRule;
          d.figures = SwapFigures(agent, e);
          if (e.approved_by.empty()) {
            d.verdict = Verdict::kRefused;
            d.message = kNoApprovalMessage;
            out.Add(std::move(d));
            return absl::OkStatus();
          }
          if (day < calendar.DayOf(meta.at)) {
            d.verdict = Verdict::kRefused;
            d.message = kLateApprovalMessage;
            d.figures.push_back({"approved_by", e.approved_by});
            out.Add(std::move(d));
            return absl::OkStatus();
          }
          if (std::optional<Decision> refused =
                  roles.Check(e.approved_by, TeamAction::kApproveShiftSwap, e.approver_role)) {
            out.Add(*std::move(refused));
            return absl::OkStatus();
          }
          d.verdict = Verdict::kAllowed;
          d.message = kSwapMessage;
          d.figures.push_back({"approved_by", e.approved_by});
          out.Add(std::move(d));
          next.swaps.push_back({e.day, e.shift, e.with, e.approved_by});
        } else if constexpr (std::is_same_v<E, SupervisorScored>) {
          if (meta.agent.empty()) {
            return absl::InvalidArgumentError(absl::StrCat(
                "supervisor_scored \"", meta.id, "\": the scorer (agent) is empty"));
          }
          if (TeamLedger::IsMeasured(e.part)) {
            return absl::InvalidArgumentError(
                absl::StrCat("KPI-SCORE: ", ToAbsl(ScorePartName(e.part)),
                             " is counted from cases, not judged"));
          }
          if (absl::Status s = lo.score_card.CheckJudged(e.part, e.score); !s.ok()) return s;
          if (std::optional<Decision> refused =
                  roles.Check(meta.agent, TeamAction::kChangeScore, e.role)) {
            out.Add(*std::move(refused));
            return absl::OkStatus();
          }
          // FB-ROLES was judged above by the rules in force (a pack
          // ReplacePolicies brought may let other roles change a score); the
          // ledger's own table, fixed at its Create, is not asked again: it
          // is handed a role that table allows (its decision does not name
          // the role).
          StaffRole as = roles.RoleOf(meta.agent, e.role);
          const std::vector<StaffRole>& ledger_may = lo.roles.RolesFor(TeamAction::kChangeScore);
          if (!lo.roles.May(as, TeamAction::kChangeScore) && !ledger_may.empty()) {
            as = ledger_may.front();
          }
          absl::StatusOr<Decision> d = ledger.Judge(agent, e.part, e.score, as, meta.at);
          if (!d.ok()) return d.status();
          if (d->verdict != Verdict::kRefused) ++next.scores;
          out.Add(*std::move(d));
        } else if constexpr (std::is_same_v<E, ExamTaken>) {
          absl::StatusOr<Decision> d = ledger.ExamTaken(agent, e.score, meta.at);
          if (!d.ok()) return d.status();
          ++next.exams;
          out.Add(*std::move(d));
        } else {
          static_assert(std::is_same_v<E, ReportedUpward>);
          absl::StatusOr<Ruling> r = ledger.Reported(e.kind, agent, e.summary, meta.at);
          if (!r.ok()) return r.status();
          ++next.reports;
          out.Add(*std::move(r));
        }
        return absl::OkStatus();
      },
      event);
  if (!error.ok()) return error;

  // A refusal (a swap or a score) changes nothing; a finding of an applied
  // event does not refuse it.
  const bool refused = (std::holds_alternative<ShiftSwapped>(event) ||
                        std::holds_alternative<SupervisorScored>(event)) &&
                       out.refused();
  if (refused) {
    audit.refused = true;
  } else {
    data_ = std::move(next);
    state_ = state_after;
    last_at_ = std::max(last_at_, meta.at);
  }
  audit.state_after = state_;
  log_.Record(out, digest);
  return out;
}

TeamMemberSnapshot TeamMember::Snapshot() const {
  TeamMemberSnapshot s;
  s.format_version = kSnapshotFormat;
  s.state = std::string(state_);
  s.data = data_;
  s.applied = log_.outcomes();
  s.digests = log_.digests();
  return s;
}

namespace {
std::optional<std::string_view> StateNamed(std::string_view name) {
  for (std::string_view s : {TeamMember::kOffShift, TeamMember::kOnShift, TeamMember::kAway}) {
    if (s == name) return s;
  }
  return std::nullopt;
}
}  // namespace

absl::StatusOr<TeamMember> TeamMember::Restore(TeamMemberSnapshot snapshot) {
  if (snapshot.format_version != kSnapshotFormat) {
    return absl::InvalidArgumentError(absl::StrCat("team member snapshot format ",
                                                   snapshot.format_version, " is not ",
                                                   kSnapshotFormat));
  }
  if (snapshot.data.id.empty()) {
    return absl::InvalidArgumentError("team member snapshot has no id");
  }
  const std::optional<std::string_view> state = StateNamed(snapshot.state);
  if (!state) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown team member state \"", snapshot.state, "\""));
  }
  TeamMember m(snapshot.data.id);
  m.state_ = *state;
  for (Outcome& o : snapshot.applied) {
    const std::optional<std::string_view> before = StateNamed(o.audit.state_before);
    const std::optional<std::string_view> after = StateNamed(o.audit.state_after);
    if (!before || !after) {
      return absl::InvalidArgumentError(absl::StrCat(
          "team member snapshot names an unknown state in event \"", o.audit.event_id, "\""));
    }
    o.audit.state_before = *before;
    o.audit.state_after = *after;
    if (!o.audit.refused && !o.audit.duplicate) m.last_at_ = std::max(m.last_at_, o.audit.at);
  }
  m.data_ = std::move(snapshot.data);
  m.log_ = AppliedEvents(snapshot.applied, snapshot.digests);
  return m;
}

}  // namespace kefu::internal
