// kefu/machines/machine.h: what every kefu machine (order, ticket, review)
// shares: event metadata, the idempotency log, the snapshot format.
//
// - Every event carries an EventMeta: a unique id, the time it happened (the
//   only source of "now" for a machine) and the acting agent.
// - An entity remembers the outcome of every event it applied, keyed by event
//   id (AppliedEvents): an event applied again returns the first outcome,
//   marked duplicate, and changes nothing. ERPs deliver at least once.
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

#include "absl/status/status.h"
#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"

namespace kefu {

struct EventMeta {
  std::string id;                        // unique per event, never empty
  Timestamp at = absl::InfinitePast();   // when it happened; must be finite
  std::string agent;                     // who acted (may be empty: the system)
};

// OK, or kInvalidArgument naming what is wrong (empty id, infinite time).
KEFU_EXPORT absl::Status ValidateEventMeta(const EventMeta& meta);

// The outcomes an entity has applied, oldest first, looked up by event id
// (Outcome::audit.event_id).
//
// Every applied event is remembered for the entity's whole life, so the log
// is kept compact: each outcome is encoded into the entity's own byte blocks
// (its strings and figures copied, its rule IDs, figure names, messages and
// state names kept as the pointers into static storage they already are;
// see kefu/core/outcome.h) — typically 100 to 200 bytes per event instead of
// about a kilobyte of separately allocated vectors and strings. Recording
// an outcome allocates only when the current block is full. Find and outcomes()
// decode: they build fresh Outcome values equal to what was recorded.
// Lookup is linear in the entity's event count, which stays small (tens)
// for one order, ticket or review.
class KEFU_EXPORT AppliedEvents {
 public:
  AppliedEvents() = default;
  // Records each of `outcomes`, in order.
  explicit AppliedEvents(const std::vector<Outcome>& outcomes);
  AppliedEvents(const AppliedEvents& other);
  AppliedEvents& operator=(const AppliedEvents& other);
  AppliedEvents(AppliedEvents&& other) noexcept;
  AppliedEvents& operator=(AppliedEvents&& other) noexcept;
  ~AppliedEvents();

  // The outcome recorded for `event_id`, or nullopt.
  std::optional<Outcome> Find(std::string_view event_id) const;
  bool Contains(std::string_view event_id) const;
  // Records `outcome` under its audit.event_id. REQUIRES: not yet recorded.
  void Record(const Outcome& outcome);
  // Every recorded outcome, oldest first (decoded on each call).
  std::vector<Outcome> outcomes() const;
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes the encoded records take (for capacity planning and benchmarks).
  size_t encoded_bytes() const { return bytes_; }

 private:
  // Records live in a list of blocks of under 1 KiB each (a record never
  // spans two): such blocks come from the allocator's small-size caches.
  struct Block;
  void Clear();
  // Links a new block of at least `need` bytes after the last one.
  Block* AppendBlock(size_t need);
  Block* head_ = nullptr;
  Block* tail_ = nullptr;
  size_t count_ = 0;
  size_t bytes_ = 0;
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

  friend bool operator==(const MachineSnapshot& a, const MachineSnapshot& b) {
    return a.format_version == b.format_version && a.state == b.state && a.data == b.data &&
           SameOutcomes(a.applied, b.applied);
  }
  friend bool operator!=(const MachineSnapshot& a, const MachineSnapshot& b) { return !(a == b); }
};

}  // namespace kefu

#endif  // KEFU_MACHINES_MACHINE_H_
