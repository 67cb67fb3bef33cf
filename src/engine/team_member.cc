// The team entity: an agent's team events judged through the TeamLedger
// (team_member.h). No transition table of its own: three states, kept by
// hand; the idempotency steps, the audit record and the log are the entity
// core's (machines/entity_core.h), as every machine's.
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
constexpr Message kNotThatDayMessage = {
    "{agent}与{with}调换{day}的{shift}，但{shift}只在{days}上班，{day}是{weekday}",
    "{agent}'s {shift} shift of {day} swapped with {with}: that shift runs on {days} only, and "
    "{day} is a {weekday}"};
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

}  // namespace

TeamMember::TeamMember(std::string agent) { core_.data.id = std::move(agent); }

absl::StatusOr<Outcome> TeamMember::Apply(const TeamEvent& event, const TeamEnvironment& env) {
  const EventMeta& meta = MetaOf(event);
  const std::string_view type = EventName(event);
  Outcome out;
  EventDigest digest;
  bool repeat = false;
  if (absl::Status s = core_.Begin(kMachine, TeamEventSchema(), event, env, state_, out, &digest,
                                   &repeat);
      !s.ok()) {
    return s;
  }
  if (repeat) return out;
  if (env.ledger == nullptr) return absl::InternalError("team member: no ledger");

  TeamLedger& ledger = *env.ledger;
  const TeamLedger::Options& lo = ledger.options();
  const RolePolicy& roles = env.roles != nullptr ? *env.roles : lo.roles;
  const BusinessCalendar& calendar = env.calendar != nullptr ? *env.calendar : lo.calendar;
  const std::string& agent = core_.data.id;

  auto not_accepted = [&]() {
    return machine_core::NotAcceptedError(kMachine, agent, state_, type, false);
  };
  TeamMemberData next = core_.data;
  std::string_view state_after = state_;

  // Every check comes before the ledger is fed: an error changes nothing.
  absl::Status error = std::visit(
      [&](const auto& e) -> absl::Status {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, ShiftStarted>) {
          if (state_ != kOffShift) return not_accepted();
          // The ledger's findings: SH-HANDOVER's late arrival, SH-SHIFTS'
          // shift on a weekday it does not run (at work all the same).
          absl::StatusOr<std::vector<Decision>> findings =
              ledger.ShiftStarted(agent, e.shift, SplitChannels(e.channels), meta.at);
          if (!findings.ok()) return findings.status();
          next.shift = e.shift;
          next.channels = e.channels;
          ++next.shifts;
          for (Decision& d : *findings) {
            if (d.rule == ShiftPolicy::kHandoverRule) ++next.late_arrivals;
            out.Add(std::move(d));
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
          const ShiftTemplate* shift = lo.shifts.Find(e.shift);
          if (shift == nullptr) {
            return absl::InvalidArgumentError(absl::StrCat(
                "shift_swapped \"", meta.id, "\": no shift named \"", e.shift, "\""));
          }
          if (e.with.empty() || e.with == agent) {
            return absl::InvalidArgumentError(
                absl::StrCat("shift_swapped \"", meta.id, "\": `with` must name another agent"));
          }
          // SH-SHIFTS: there is no such shift to swap on a day it does not run.
          if (!ShiftPolicy::Runs(*shift, day)) {
            Decision off;
            off.rule = ShiftPolicy::kShiftsRule;
            off.verdict = Verdict::kRefused;
            off.message = kNotThatDayMessage;
            off.figures = SwapFigures(agent, e);
            AddRunningDays(*shift, day, &off.figures);
            out.Add(std::move(off));
            return absl::OkStatus();
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
    out.audit.refused = true;
  } else {
    core_.data = std::move(next);
    state_ = state_after;
  }
  core_.Record(out, digest, state_);
  return out;
}

TeamMemberSnapshot TeamMember::Snapshot() const {
  return core_.Snapshot(kSnapshotFormat, state_);
}

absl::StatusOr<TeamMember> TeamMember::Restore(TeamMemberSnapshot snapshot) {
  TeamMember m(snapshot.data.id);
  absl::StatusOr<std::string_view> state = m.core_.Restore(
      kMachine, std::move(snapshot), kSnapshotFormat,
      [](std::string_view name) -> std::optional<std::string_view> {
        for (std::string_view s : {kOffShift, kOnShift, kAway}) {
          if (s == name) return s;
        }
        return std::nullopt;
      });
  if (!state.ok()) return state.status();
  m.state_ = *state;
  return m;
}

}  // namespace kefu::internal
