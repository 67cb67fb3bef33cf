// kefu/machines/machine.h: what every kefu machine (order, ticket, review)
// shares: event metadata, the idempotency log, the snapshot format.
//
// - Every event carries an EventMeta: a unique id, the time it happened (the
//   only source of "now" for a machine) and the acting agent.
// - An entity remembers the outcome of every event it judged, applied or
//   refused by a rule, keyed by event id (AppliedEvents), with a digest of
//   the event's content (EventDigest). The same id again, however late,
//   returns that first outcome marked duplicate and changes nothing; the
//   same id with other content (another type, time, agent or fields) is
//   kAlreadyExists naming the id and what differs. ERPs deliver at least
//   once: a sender that corrects a refused event sends it with a new id.
//   An event that ends in an error status (malformed, not accepted in the
//   state) is not remembered: it was not judged, and may be sent again.
// - Events of one entity come in time order: an event dated earlier than
//   the last event applied to the entity, by more than the environment's
//   clock_skew_tolerance, is kFailedPrecondition and changes nothing.
// - An entity judges at most MachineEnvironment::max_events_per_entity
//   events: the memory its log costs is bounded.
// - MachineSnapshot<Data> is the plain persisted form of an entity: format
//   version, state name, all data and the applied-event log. Restoring it
//   yields an entity that behaves exactly like the original.
//
// Thread safety: value types; distinct objects may be used from different
// threads, one object is not synchronized.
#ifndef KEFU_MACHINES_MACHINE_H_
#define KEFU_MACHINES_MACHINE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"

namespace kefu {

namespace internal {
class LogAccess;  // a saved shop's access to the log's records (private)
}  // namespace internal

struct EventMeta {
  std::string id;                        // unique per event, never empty
  Timestamp at = absl::InfinitePast();   // when it happened; must be finite
  std::string agent;                     // who acted (may be empty: the system)
};

// OK, or kInvalidArgument naming what is wrong (empty id, a time that is
// not finite or outside the years kefu accepts, see CheckEventTime in
// kefu/core/time.h).
KEFU_EXPORT absl::Status ValidateEventMeta(const EventMeta& meta);

// What every machine's Apply() consults besides its own policies; each
// machine's environment (OrderEnvironment, ...) is one.
struct MachineEnvironment {
  // Events of one entity must come in time order: an event dated more than
  // this before the last event applied to the entity is refused with
  // kFailedPrecondition. Zero (the default): no earlier event at all.
  Duration clock_skew_tolerance = absl::ZeroDuration();
  // The most events one entity judges and remembers in its idempotency log.
  // A new event past it is kResourceExhausted and changes nothing (copies of
  // remembered ones are still answered as duplicates). An order, ticket or
  // review sees tens of events in its life, each remembered in about 10 to
  // 300 bytes (docs/machines.md has the figures), so the default bounds an
  // entity's log near 1 MiB however hostile its sender.
  size_t max_events_per_entity = 4096;
  // The revision of the policy pack in force (AuditRecord::policy_revision),
  // written into the audit record of every event judged now. 0: no pack.
  uint64_t policy_revision = 0;
};

// The content of an event beyond its meta, as the idempotency log keeps it:
// for each field of the event's payload that is not at its default, the
// field's index in its type's schema (the order of the event struct's
// members, as docs/events.md lists them) and a 32-bit hash of its value.
// The same event sent again has the same digest; other fields give another
// one, up to hash collisions (one in 2^32 per field). 5 bytes per field set.
struct EventDigest {
  struct Entry {
    uint8_t field = 0;
    uint32_t hash = 0;
    friend bool operator==(const Entry& a, const Entry& b) {
      return a.field == b.field && a.hash == b.hash;
    }
  };
  absl::InlinedVector<Entry, 4> fields;

  friend bool operator==(const EventDigest& a, const EventDigest& b) { return a.fields == b.fields; }
  friend bool operator!=(const EventDigest& a, const EventDigest& b) { return !(a == b); }
};

// The outcomes of the events an entity has judged (applied or refused by a
// rule), oldest first, looked up by event id (Outcome::audit.event_id), each
// with its event's digest.
//
// Every judged event is remembered for the entity's whole life, so the log
// is compact: each outcome is encoded into one byte buffer the entity owns;
// names in static storage (kefu/core/outcome.h) numbered once per process,
// times as varints from the event's time, the id after the entity's id; the
// rest (digest, agent, decisions...) in two parts that, when other events
// had the same bytes, are kept once per process (10 to 20 bytes an event
// then, 60 to 100 otherwise; machine.cc has the layout). Recording an
// outcome allocates only when the buffer is full (it grows by a quarter) or
// a part is kept for the process the second time it is seen (bounded at
// 32 MiB). Find and outcomes() decode: fresh Outcomes equal to what was recorded.
// Lookup is linear in the entity's event count, which stays small (tens)
// for one order, ticket or review.
class KEFU_EXPORT AppliedEvents {
 public:
  AppliedEvents() = default;
  // Records each of `outcomes`, in order, with digests[i] (none when
  // `digests` is shorter).
  explicit AppliedEvents(const std::vector<Outcome>& outcomes,
                         const std::vector<EventDigest>& digests = {});
  AppliedEvents(const AppliedEvents& other);
  AppliedEvents& operator=(const AppliedEvents& other);
  AppliedEvents(AppliedEvents&& other) noexcept;
  AppliedEvents& operator=(AppliedEvents&& other) noexcept;
  ~AppliedEvents();

  // The outcome recorded for `event_id`, or nullopt; its digest in
  // `*digest` when given.
  std::optional<Outcome> Find(std::string_view event_id, EventDigest* digest = nullptr) const;
  bool Contains(std::string_view event_id) const;
  // Records `outcome` under its audit.event_id, with the digest of its
  // event. REQUIRES: not yet recorded.
  void Record(const Outcome& outcome, const EventDigest& digest = {});
  // Every recorded outcome, oldest first (decoded on each call).
  std::vector<Outcome> outcomes() const;
  // Their digests, in the same order.
  std::vector<EventDigest> digests() const;
  // Calls f(outcome, digest) for each recorded outcome, oldest first: what
  // outcomes() and digests() hold, each decoded in turn into the same two
  // objects (valid during the call only), which keep their heap blocks
  // from one record to the next and from one call to the next on a thread:
  // a walk over many logs (Shop::Save's) allocates next to nothing.
  void ForEach(absl::FunctionRef<void(const Outcome&, const EventDigest&)> f) const;
  size_t size() const;
  bool empty() const { return size() == 0; }
  // Bytes of the entity's own records (parts kept per process not counted).
  size_t encoded_bytes() const;
  // A hint, changing nothing: starts fetching the first records into the
  // CPU's cache, for a caller with other work to do before it calls Find,
  // Contains or Record (the Shop claiming the event's id).
  void Prefetch() const;

 private:
  friend class internal::LogAccess;
  // The records live in one block, grown as needed, which counts them and
  // their bytes (none before the first record).
  struct Block;
  void Clear();
  // Grows the block for `need` more bytes (0: shrinks it to its records).
  Block* AppendBlock(size_t need);
  Block* head_ = nullptr;
  // The last record's time in whole Unix seconds (0 when none, or not whole
  // seconds): the next record's time counts from it.
  int64_t base_seconds_ = 0;
  // Two bits per recorded id (from its hash): an id whose bits are not all
  // set was never recorded, and most lookups (every new event's duplicate
  // check) end here without reading the blocks.
  uint64_t id_filter_ = 0;
};

// Field-by-field equality of outcomes (message texts compared by content).
KEFU_EXPORT bool SameOutcome(const Outcome& a, const Outcome& b);
KEFU_EXPORT bool SameOutcomes(const std::vector<Outcome>& a, const std::vector<Outcome>& b);

// The persisted form of an entity of any machine. `Data` is the machine's
// plain data struct (OrderData, ...) and must have operator==.
template <class Data>
struct MachineSnapshot {
  int format_version = 0;   // the machine's kSnapshotFormat when taken
  std::string state;        // stable state name
  Data data;
  std::vector<Outcome> applied;  // the idempotency log, oldest first
  // The digest of each event in `applied` (same order). Missing ones (a
  // shorter vector) are empty digests.
  std::vector<EventDigest> digests;

  friend bool operator==(const MachineSnapshot& a, const MachineSnapshot& b) {
    return a.format_version == b.format_version && a.state == b.state && a.data == b.data &&
           SameOutcomes(a.applied, b.applied) && a.digests == b.digests;
  }
  friend bool operator!=(const MachineSnapshot& a, const MachineSnapshot& b) { return !(a == b); }
};

}  // namespace kefu

#endif  // KEFU_MACHINES_MACHINE_H_
