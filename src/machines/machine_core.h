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
// Steps 1 to 4 and 7, the data, the log and the snapshot of both are
// EntityCore's (entity_core.h), which the team entity shares without an MSM
// back-end; MachineCore adds the back-end, steps 5 and 6, the state by name
// in snapshots (the audit records' state names re-pointed at this build's
// static names) and the table's export.
//
// Traits provide:
//   using Data, Fsm (msm::back::state_machine<...>), Event (the variant);
//   optionally using Stored (how the data is kept: see EntityCore);
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
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/machine.h"
#include "machines/entity_core.h"
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

// Traits::Stored when the traits name one (how the entity keeps its data:
// see EntityCore), else Traits::Data.
template <class Traits, class = void>
struct StoredOf {
  using type = typename Traits::Data;
};
template <class Traits>
struct StoredOf<Traits, std::void_t<typename Traits::Stored>> {
  using type = typename Traits::Stored;
};

template <class Traits>
class MachineCore : public EntityCore<typename Traits::Data, typename StoredOf<Traits>::type> {
  using Base = EntityCore<typename Traits::Data, typename StoredOf<Traits>::type>;

 public:
  using Data = typename Traits::Data;
  using Fsm = typename Traits::Fsm;
  using Event = typename Traits::Event;

  Fsm fsm;

  MachineCore() { fsm.start(); }

  std::string_view state() const { return msm_support::StateName(fsm); }

  // Applies `event` (see the file comment); `step(Outcome&)` is the
  // machine's part and returns a StepResult. On OK, `out` holds the outcome;
  // on error nothing changed and `out` is to be discarded.
  template <class Step>
  absl::Status Apply(const Event& event, const MachineEnvironment& env, Outcome& out,
                     Step&& step) {
    EventDigest digest;
    bool repeat = false;
    if (absl::Status s = this->Begin(Traits::kMachine, Traits::Schema(), event, env, state(), out,
                                     &digest, &repeat);
        !s.ok() || repeat) {
      return s;
    }
    StepResult r = step(out);
    if (!r.error.ok()) return r.error;
    switch (r.dispatch) {
      case msm_support::DispatchResult::kMoved:
        break;
      case msm_support::DispatchResult::kGuardRejected:
        if (out.refused()) {
          out.audit.refused = true;
          break;
        }
        // Every guard said no and no rule spoke: the state does not take the
        // event as given.
        return NotAcceptedError(Traits::kMachine, this->data.id, out.audit.state_before,
                                EventName(event), true);
      case msm_support::DispatchResult::kNotAccepted:
        return NotAcceptedError(Traits::kMachine, this->data.id, out.audit.state_before,
                                EventName(event), false);
    }
    this->Record(out, digest, state());
    return absl::OkStatus();
  }

  MachineSnapshot<Data> Snapshot(int format_version) const {
    return Base::Snapshot(format_version, state());
  }

  // Fills a fresh core from `snapshot` (EntityCore::Restore, the states
  // named by the table's state names) and puts the back-end in its state.
  absl::Status Restore(MachineSnapshot<Data> snapshot, int format_version) {
    using Names = msm_support::StateNames<Fsm>;
    absl::StatusOr<std::string_view> restored = Base::Restore(
        Traits::kMachine, std::move(snapshot), format_version,
        [](std::string_view name) -> std::optional<std::string_view> {
          const int id = Names::IdOf(name);
          if (id < 0) return std::nullopt;
          return Names::Get()[static_cast<size_t>(id)];
        });
    if (!restored.ok()) return restored.status();
    msm_support::SetState(fsm, *restored);
    return absl::OkStatus();
  }

  static TransitionTable Table() { return msm_support::ExportTable<Fsm>(Traits::kMachine); }
};

}  // namespace kefu::machine_core

#endif  // KEFU_MACHINES_MACHINE_CORE_H_
