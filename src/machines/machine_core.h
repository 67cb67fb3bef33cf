// machine_core.h: the one place where an event meets a machine. Private:
// never include from a public header (it brings Boost.MSM in).
//
// MachineCore<Traits> owns what every kefu machine shares: the entity's data,
// its idempotency log and its Boost.MSM back-end, and the steps of Apply()
// around the machine's own part:
//
//   1. the event's meta is valid (ValidateEventMeta);
//   2. an id already judged returns its stored outcome marked duplicate, or
//      kAlreadyExists when this copy's content differs (naming what);
//   3. an event dated before the last applied one (beyond the environment's
//      clock_skew_tolerance) is kFailedPrecondition;
//   4. the outcome's entity and audit record are filled, the same way for
//      every machine;
//   5. the machine's step runs: its payload checks, its context, the
//      dispatch to its transition table (Traits' part);
//   6. the dispatch result becomes the outcome: applied, refused by a rule
//      (a refusing decision; the entity unchanged), or kFailedPrecondition
//      when the state does not accept the event;
//   7. the outcome is recorded in the log with the event's digest, refused
//      ones included.
//
// It also snapshots and restores (state by name; the audit records' state
// names re-pointed at this build's static names) and exports the table.
//
// Traits provide:
//   using Data, Fsm (msm::back::state_machine<...>), Event (the variant);
//   static constexpr std::string_view kMachine ("order", ...);
//   static const internal::KindSchema& Schema();
// and the caller of Apply passes its step: a callable taking the Outcome
// being built and returning a StepResult.
#ifndef KEFU_MACHINES_MACHINE_CORE_H_
#define KEFU_MACHINES_MACHINE_CORE_H_

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/machine.h"
#include "machines/event_schema.h"
#include "machines/msm_support.h"

namespace kefu::machine_core {

// What a machine's step reports back to the core.
struct StepResult {
  msm_support::DispatchResult dispatch = msm_support::DispatchResult::kNotAccepted;
  // A check or computation failed (malformed payload, calendar out of
  // range): returned as is, nothing recorded.
  absl::Status error;
  // The step refused before dispatching (a rule's decision is in the
  // outcome); same as a guard that refused with a decision.
  static StepResult Refused() {
    StepResult r;
    r.dispatch = msm_support::DispatchResult::kGuardRejected;
    return r;
  }
  static StepResult Error(absl::Status s) {
    StepResult r;
    r.error = std::move(s);
    return r;
  }
};

// "fields.amount, agent": what differs between the event first judged under
// this id (`seen`, with its digest) and this copy. Empty when nothing does.
std::string DescribeDifference(const internal::KindSchema& schema, const Outcome& seen,
                               const EventDigest& seen_digest, const EventMeta& meta,
                               std::string_view type, const EventDigest& digest);

// The kAlreadyExists error for an id judged before with other content.
absl::Status ReusedIdError(std::string_view machine, std::string_view entity,
                           const Outcome& seen, std::string_view differences);

// The kFailedPrecondition error for an event earlier than the entity's last.
absl::Status OutOfOrderError(std::string_view machine, std::string_view entity,
                             const EventMeta& meta, Timestamp last_at, Duration tolerance);

// The kResourceExhausted error for a new event past the entity's bound.
absl::Status TooManyEventsError(std::string_view machine, std::string_view entity,
                                size_t events, size_t bytes);

// The kFailedPrecondition error for an event the state does not take.
absl::Status NotAcceptedError(std::string_view machine, std::string_view entity,
                              std::string_view state, std::string_view event, bool as_given);

template <class Traits>
class MachineCore {
 public:
  using Data = typename Traits::Data;
  using Fsm = typename Traits::Fsm;
  using Event = typename Traits::Event;

  Data data;
  AppliedEvents log;
  Fsm fsm;
  // The latest time of the events applied (not refused): the order check.
  Timestamp last_at = absl::InfinitePast();

  MachineCore() { fsm.start(); }

  std::string_view state() const { return msm_support::StateName(fsm); }

  // Applies `event` (see the file comment); `step(Outcome&)` is the
  // machine's part and returns a StepResult. On OK, `out` holds the outcome;
  // on error nothing changed and `out` is to be discarded.
  template <class Step>
  absl::Status Apply(const Event& event, const MachineEnvironment& env, Outcome& out,
                     Step&& step) {
    const EventMeta& meta = MetaOf(event);
    if (absl::Status s = ValidateEventMeta(meta); !s.ok()) return s;
    const internal::KindSchema& schema = Traits::Schema();
    EventDigest digest = internal::DigestOf(schema, event);
    const std::string_view type = EventName(event);
    if (log.size() > 0) {
      EventDigest seen_digest;
      if (std::optional<Outcome> seen = log.Find(meta.id, &seen_digest)) {
        const std::string diff =
            DescribeDifference(schema, *seen, seen_digest, meta, type, digest);
        if (!diff.empty()) return ReusedIdError(Traits::kMachine, data.id, *seen, diff);
        out = *std::move(seen);
        out.audit.duplicate = true;
        return absl::OkStatus();
      }
    }
    if (log.size() >= env.max_events_per_entity) {
      return TooManyEventsError(Traits::kMachine, data.id, log.size(), log.encoded_bytes());
    }
    if (last_at != absl::InfinitePast() && meta.at + env.clock_skew_tolerance < last_at) {
      return OutOfOrderError(Traits::kMachine, data.id, meta, last_at,
                             env.clock_skew_tolerance);
    }

    out.entity = data.id;
    AuditRecord& audit = out.audit;
    audit.event_id = meta.id;
    audit.event_type = type;
    audit.agent = meta.agent;
    audit.at = meta.at;
    audit.state_before = state();
    audit.policy_revision = env.policy_revision;

    StepResult r = step(out);
    if (!r.error.ok()) return r.error;
    switch (r.dispatch) {
      case msm_support::DispatchResult::kMoved:
        break;
      case msm_support::DispatchResult::kGuardRejected:
        if (out.refused()) {
          audit.refused = true;
          break;
        }
        // Every guard said no and no rule spoke: the state does not take the
        // event as given.
        return NotAcceptedError(Traits::kMachine, data.id, audit.state_before, type, true);
      case msm_support::DispatchResult::kNotAccepted:
        return NotAcceptedError(Traits::kMachine, data.id, audit.state_before, type, false);
    }
    audit.state_after = state();
    log.Record(out, digest);
    if (!audit.refused) last_at = std::max(last_at, meta.at);
    return absl::OkStatus();
  }

  MachineSnapshot<Data> Snapshot(int format_version) const {
    MachineSnapshot<Data> s;
    s.format_version = format_version;
    s.state = std::string(state());
    s.data = data;
    s.applied = log.outcomes();
    s.digests = log.digests();
    return s;
  }

  // Fills a fresh core from `snapshot`. kInvalidArgument for another
  // format version, data without an id, or an unknown state name (the
  // entity's or an audit record's).
  absl::Status Restore(MachineSnapshot<Data> snapshot, int format_version) {
    if (snapshot.format_version != format_version) {
      return absl::InvalidArgumentError(absl::StrCat(internal::ToAbsl(Traits::kMachine), " snapshot format ",
                                                     snapshot.format_version, " is not ",
                                                     format_version));
    }
    if (snapshot.data.id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(internal::ToAbsl(Traits::kMachine), " snapshot has no id"));
    }
    if (!msm_support::SetState(fsm, snapshot.state)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown ", internal::ToAbsl(Traits::kMachine), " state \"",
                                                     snapshot.state, "\""));
    }
    // Outcomes point at state names in static storage: re-point the audit
    // records at this build's names so that nothing refers to the snapshot.
    using Names = msm_support::StateNames<Fsm>;
    last_at = absl::InfinitePast();
    for (Outcome& o : snapshot.applied) {
      const int b = Names::IdOf(o.audit.state_before);
      const int a = Names::IdOf(o.audit.state_after);
      if (a < 0 || b < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(internal::ToAbsl(Traits::kMachine), " snapshot names an unknown state in event \"",
                         o.audit.event_id, "\""));
      }
      o.audit.state_before = Names::Get()[static_cast<size_t>(b)];
      o.audit.state_after = Names::Get()[static_cast<size_t>(a)];
      if (!o.audit.refused && !o.audit.duplicate) last_at = std::max(last_at, o.audit.at);
    }
    data = std::move(snapshot.data);
    log = AppliedEvents(snapshot.applied, snapshot.digests);
    return absl::OkStatus();
  }

  static TransitionTable Table() { return msm_support::ExportTable<Fsm>(Traits::kMachine); }
};

}  // namespace kefu::machine_core

#endif  // KEFU_MACHINES_MACHINE_CORE_H_
