// entity_core.h: what every kefu entity shares around its own rules, without
// Boost.MSM. Private: never include from a public header.
//
// EntityCore<Data> owns an entity's data, its idempotency log and the time
// of its last applied event, and takes the steps of Apply() that do not
// depend on how the entity keeps its state:
//
//   Begin   1. the event's meta is valid (ValidateEventMeta);
//           2. an id already judged is a repeat: its stored outcome marked
//              duplicate, or kAlreadyExists when this copy's content differs
//              (naming what);
//           3. past max_events_per_entity, kResourceExhausted; an event
//              dated before the last applied one (beyond the environment's
//              clock_skew_tolerance), kFailedPrecondition;
//           4. the outcome's entity and audit record are filled (in the
//              blocks of the outcome the thread handed back last, if any:
//              core/outcome_spare.h);
//   Record  7. the outcome judged (applied or refused) goes into the log
//              with the event's digest; an applied one moves last_at.
//
// and the snapshot of the log and data (Snapshot, Restore: the entity's
// state and the audit records' state names resolved by the caller, so that
// they point at this build's static names).
//
// MachineCore (machine_core.h) builds the machines on it with their
// Boost.MSM back-end; the team entity (src/engine/team_member.cc), which
// keeps its three states by hand, uses it directly.
#ifndef KEFU_MACHINES_ENTITY_CORE_H_
#define KEFU_MACHINES_ENTITY_CORE_H_

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "core/hot_text.h"
#include "core/codec.h"
#include "core/outcome_spare.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/machine.h"
#include "machines/event_schema.h"
#include "machines/saved_log.h"

namespace kefu::machine_core {

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

// `Stored` is how the entity keeps its Data between events: Data itself,
// or a compact record (internal::PackedOrder) with an `id`, Expand(Data*)
// and Pack(const Data&).
template <class Data, class Stored = Data>
class EntityCore {
 public:
  Stored data;
  AppliedEvents log;
  // The latest time of the events applied (not refused): the order check.
  Timestamp last_at = absl::InfinitePast();

  // Steps 1 to 4 for `event` (a variant of the entity's events, described
  // by `schema`) while the entity is in `state`. On error nothing changed.
  // On OK either `*repeat` is true and `out` is the stored outcome marked
  // duplicate (the caller returns it as is), or `out` is begun (entity,
  // audit record) and `*digest` is the event's, for Record.
  template <class Event>
  absl::Status Begin(std::string_view machine, const internal::KindSchema& schema,
                     const Event& event, const MachineEnvironment& env, std::string_view state,
                     Outcome& out, EventDigest* digest, bool* repeat) const {
    *repeat = false;
    const EventMeta& meta = MetaOf(event);
    if (absl::Status s = ValidateEventMeta(meta); !s.ok()) return s;
    *digest = internal::DigestOf(schema, event);
    const std::string_view type = EventName(event);
    if (log.size() > 0) {
      EventDigest seen_digest;
      if (std::optional<Outcome> seen = log.Find(meta.id, &seen_digest)) {
        const std::string diff =
            DescribeDifference(schema, *seen, seen_digest, meta, type, *digest);
        if (!diff.empty()) return ReusedIdError(machine, data.id, *seen, diff);
        out = *std::move(seen);
        out.audit.duplicate = true;
        *repeat = true;
        return absl::OkStatus();
      }
    }
    if (log.size() >= env.max_events_per_entity) {
      return TooManyEventsError(machine, data.id, log.size(), log.encoded_bytes());
    }
    if (last_at != absl::InfinitePast() && meta.at + env.clock_skew_tolerance < last_at) {
      return OutOfOrderError(machine, data.id, meta, last_at, env.clock_skew_tolerance);
    }
    // The blocks of the outcome this thread's caller last handed back, if
    // any (RecycleOutcome), filled with the key, id and agent.
    internal::TakeSpareBlocks(out, data.id, meta.id, meta.agent);
    AuditRecord& audit = out.audit;
    audit.event_type = type;
    audit.at = meta.at;
    audit.state_before = state;
    audit.policy_revision = env.policy_revision;
    return absl::OkStatus();
  }

  // Step 7: `out` (begun by Begin, judged; audit.refused set when a rule
  // refused it) is recorded with the state the entity is in after it.
  void Record(Outcome& out, const EventDigest& digest, std::string_view state_after) {
    out.audit.state_after = state_after;
    log.Record(out, digest);
    if (!out.audit.refused) last_at = std::max(last_at, out.audit.at);
  }

  MachineSnapshot<Data> Snapshot(int format_version, std::string_view state) const {
    MachineSnapshot<Data> s;
    s.format_version = format_version;
    s.state = std::string(state);
    if constexpr (std::is_same_v<Stored, Data>) {
      s.data = data;
    } else {
      data.Expand(&s.data);
    }
    s.applied = log.outcomes();
    s.digests = log.digests();
    return s;
  }

  // Fills a fresh core from `snapshot` and returns the entity's state as
  // `resolve` names it. `resolve(name)` gives this build's static name of a
  // state (std::optional<std::string_view>; nullopt: unknown). kInvalidArgument
  // for another format version, data without an id, or an unknown state
  // name (the entity's or an audit record's); then nothing is kept. When
  // the thread has a saved log's source (Shop::Load, format 4), it is
  // taken, and the log is built by it instead of from snapshot.applied.
  template <class Resolve>
  absl::StatusOr<std::string_view> Restore(std::string_view machine,
                                           MachineSnapshot<Data> snapshot, int format_version,
                                           Resolve&& resolve) {
    using internal::ToAbsl;
    // A saved shop's log (internal::SavedLogSource): built from its saved
    // records, not from the snapshot's outcomes.
    internal::SavedLogSource* const source =
        std::exchange(internal::ThreadSavedLogSource(), nullptr);
    if (snapshot.format_version != format_version) {
      return absl::InvalidArgumentError(absl::StrCat(ToAbsl(machine), " snapshot format ",
                                                     snapshot.format_version, " is not ",
                                                     format_version));
    }
    if (snapshot.data.id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(ToAbsl(machine), " snapshot has no id"));
    }
    const std::optional<std::string_view> state = resolve(std::string_view(snapshot.state));
    if (!state) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown ", ToAbsl(machine), " state \"", snapshot.state, "\""));
    }
    if (source != nullptr) {
      AppliedEvents built;
      Timestamp last = absl::InfinitePast();
      if (absl::Status s = source->Build(resolve, &built, &last); !s.ok()) return s;
      if (!snapshot.applied.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(ToAbsl(machine), " snapshot has a log twice"));
      }
      last_at = last;
      SetData(std::move(snapshot.data));
      log = std::move(built);
      return *state;
    }
    // Outcomes point at state names in static storage: re-point the audit
    // records at this build's names so that nothing refers to the snapshot.
    Timestamp last = absl::InfinitePast();
    // The names resolved so far, by where their text lies: a decoded
    // snapshot's names are views of a few interned texts, each repeated in
    // most records, and `resolve` compares texts (a shop's load resolves
    // millions). The snapshot is this call's: its texts stay put.
    struct Resolved {
      const char* data = nullptr;
      size_t size = 0;
      std::optional<std::string_view> name;
    };
    Resolved resolved[8];
    size_t next_resolved = 0;
    auto resolve_name = [&](std::string_view text) -> std::optional<std::string_view> {
      for (const Resolved& r : resolved) {
        if (r.data != nullptr && r.data == text.data() && r.size == text.size()) return r.name;
      }
      const std::optional<std::string_view> name = resolve(text);
      if (text.data() != nullptr) {
        resolved[next_resolved++ % std::size(resolved)] = Resolved{text.data(), text.size(), name};
      }
      return name;
    };
    for (Outcome& o : snapshot.applied) {
      const std::optional<std::string_view> before = resolve_name(o.audit.state_before);
      const std::optional<std::string_view> after = resolve_name(o.audit.state_after);
      if (!before || !after) {
        return absl::InvalidArgumentError(absl::StrCat(ToAbsl(machine),
                                                       " snapshot names an unknown state in event \"",
                                                       o.audit.event_id, "\""));
      }
      o.audit.state_before = *before;
      o.audit.state_after = *after;
      if (!o.audit.refused && !o.audit.duplicate) last = std::max(last, o.audit.at);
    }
    last_at = last;
    SetData(std::move(snapshot.data));
    log = AppliedEvents(snapshot.applied, snapshot.digests);
    // The decoded outcomes, spent, kept for the thread's next snapshot
    // (internal::DecodeSnapshot): a shop's load decodes millions.
    internal::RecycleOutcomes(std::move(snapshot.applied));
    return *state;
  }

 private:
  void SetData(Data&& d) {
    if constexpr (std::is_same_v<Stored, Data>) {
      data = std::move(d);
    } else {
      data.Pack(d);
    }
  }
};

}  // namespace kefu::machine_core

#endif  // KEFU_MACHINES_ENTITY_CORE_H_
