// kefu/engine/deadline_queue.h: every deadline and scheduled action of a
// shop, and what of them is due at a given time.
//
// The machines' outcomes carry deadlines (set, cancel, pause, resume; keyed by
// entity and rule) and actions with a `due` time. A DeadlineQueue takes them
// all and answers `Due(now)`: the warnings, breaches and scheduled actions
// that fell due and were not returned before, in time order, each exactly
// once. The cost of Due is proportional to what is due, not to what is open:
// items wait unsorted in coarse time buckets (about 4.6 minutes wide) and a
// bucket is sorted only when `now` reaches it. Entries are compact (interned
// entity keys and rules, integer times, figures encoded out of line), so an
// open entity costs a small, bounded number of bytes whatever the count.
//
// Times are kept to the nanosecond (a finer fraction is dropped) and must lie
// within what int64 nanoseconds since 1970 can hold (years 1678 to 2261).
// Rule IDs, figure names and message templates follow the outcome vocabulary's
// rules (kefu/core/outcome.h: static storage); the queue keeps rule IDs,
// figure names and agents in the process-wide registry (InternText), so what
// it hands back (DueItems, exported entries) stays valid after the queue is
// gone.
//
// Every item remembers the event it came from (EventOrigin: the id and agent
// of the event whose outcome set or last resumed the deadline, or scheduled
// the action) and hands them back in DueItem. Agents are interned; an event
// id is stored as the part that follows what it shares with the entity's key
// ("T1001.7" for entity "T1001" costs 3 bytes), in the item's payload.
//
// Export() lists everything pending and Import() rebuilds it in another
// queue (a shop saved and loaded): from then on the two answer alike.
//
// Thread safety: not synchronized. One queue must not be used from two
// threads at once (the engine keeps one per shard); distinct queues are
// independent.
#ifndef KEFU_ENGINE_DEADLINE_QUEUE_H_
#define KEFU_ENGINE_DEADLINE_QUEUE_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/engine/shop_event.h"

namespace kefu {

// One thing that fell due.
struct DueItem {
  enum class Kind { kWarning, kBreach, kAction };
  Kind kind = Kind::kBreach;
  // When it fell due: the deadline's warn_at (kWarning), its due (kBreach),
  // or the action's due (kAction).
  Timestamp at = absl::InfinitePast();
  EntityKind entity_kind = EntityKind::kOrder;
  std::string entity;  // the entity's key
  RuleId rule;
  // kWarning / kBreach: the deadline as last set or resumed (op is kSet or
  // kResume; due and warn_at are the times in force).
  Deadline deadline;
  // kAction: the scheduled action, as scheduled.
  Action action;
  // The event whose outcome set or last resumed the deadline (kWarning,
  // kBreach), or scheduled the action (kAction): its id and agent, as given
  // to DeadlineQueue::Apply / Schedule (empty when none was).
  std::string event_id;
  std::string agent;
};
// "warning", "breach", "action" (stable).
KEFU_EXPORT std::string_view DueKindName(DueItem::Kind kind);

// An open deadline of one entity, as DeadlineQueue::OpenDeadlines reports it.
struct OpenDeadline {
  RuleId rule;
  Timestamp due = absl::InfinitePast();
  std::optional<Timestamp> warn_at;
  bool paused = false;  // stopped by kPause, waiting for kResume
  bool warned = false;  // its warning has been returned by Due
};

// Where a deadline op or a scheduled action comes from: the event (its id,
// and the agent who acted, empty for the system) whose outcome carried it.
// The views need only be valid during the call: the queue keeps a copy.
struct EventOrigin {
  std::string_view event_id;
  std::string_view agent;
};

// One pending thing of a DeadlineQueue, as Export() lists it and Import()
// takes it back: an open deadline (paused or not) or a scheduled action not
// yet returned by Due.
struct QueueEntry {
  enum class Kind { kDeadline, kAction };
  Kind kind = Kind::kDeadline;
  EntityKind entity_kind = EntityKind::kOrder;
  std::string entity;  // the entity's key
  // kDeadline: the deadline as last set or resumed: op is kSet or kResume
  // (what a DueItem of it will say), due and warn_at the times in force, the
  // message and figures kept.
  Deadline deadline;
  bool paused = false;  // stopped by kPause, waiting for kResume
  // Its warning has been returned by Due already (it stays so when a resume
  // without warn_at followed, as OpenDeadlines says).
  bool warned = false;
  // kAction: the scheduled action, as scheduled (due is set).
  Action action;
  // The event that set or last resumed the deadline, or scheduled the action.
  std::string event_id;
  std::string agent;
};
// Equal when every field is (messages by their text, as outcomes compare).
KEFU_EXPORT bool operator==(const QueueEntry& a, const QueueEntry& b);
inline bool operator!=(const QueueEntry& a, const QueueEntry& b) { return !(a == b); }

class KEFU_EXPORT DeadlineQueue {
 public:
  DeadlineQueue();
  ~DeadlineQueue();
  DeadlineQueue(DeadlineQueue&&) noexcept;
  DeadlineQueue& operator=(DeadlineQueue&&) noexcept;
  // A moved-from queue may only be assigned to or destroyed.
  DeadlineQueue(const DeadlineQueue&) = delete;
  DeadlineQueue& operator=(const DeadlineQueue&) = delete;

  // Applies one deadline op of entity (kind, key). A deadline is identified
  // by (entity, rule):
  //   kSet     replaces the entity's earlier deadline of the same rule, its
  //            unfired warning included; the warning (when warn_at is given)
  //            fires at warn_at, the breach at due.
  //   kCancel  forgets it; a no-op when there is none.
  //   kPause   stops it firing; it stays open (see OpenDeadlines). A no-op
  //            when there is none or it is paused already.
  //   kResume  re-arms it with the op's due and warn_at; acts as kSet when
  //            there is none. A warning already returned is not returned
  //            again. The message and figures are kept unless the op carries
  //            new ones.
  // Times already past fire at the next Due. `at` is the event's time (kept
  // for symmetry with the outcome; the op's own times decide). `origin` is
  // the event whose outcome carries the op: kSet and kResume make it the
  // deadline's (its DueItems carry it); kCancel and kPause ignore it.
  // Returns kInvalidArgument, changing nothing, for an empty key or rule, an
  // infinite or out-of-range due on kSet/kResume, a warn_at that is infinite,
  // out of range or after due, or an unknown op; kResourceExhausted when the
  // queue already holds 65535 distinct rule IDs, figure names or agents.
  absl::Status Apply(EntityKind kind, std::string_view key, const Deadline& op, Timestamp at,
                     const EventOrigin& origin);

  // Enqueues `action` for entity (kind, key), scheduled by the event
  // `origin`; it fires at action.due. Actions are not keyed: each scheduled
  // action fires once unless CancelAll drops it.
  // Returns kInvalidArgument, changing nothing, when action.due is not set,
  // infinite or out of range, or the key is empty; kResourceExhausted as
  // Apply.
  absl::Status Schedule(EntityKind kind, std::string_view key, const Action& action,
                        const EventOrigin& origin);

  // The entity is finished (closed, refunded, ...): drops all its deadlines
  // and scheduled actions. A no-op for an unknown entity.
  void CancelAll(EntityKind kind, std::string_view key);

  // A hint, changing nothing: starts fetching into the CPU's cache the
  // index slots that Apply, Schedule and CancelAll for (kind, key) read
  // first, so that a caller with other work to do before them (the Shop
  // applying the event) does not wait for them then. A large queue's index
  // is out of cache for most entities.
  void Prefetch(EntityKind kind, std::string_view key) const;

  // Everything with a time <= now not returned before, in time order; equal
  // times in the order they were set, resumed or scheduled (a deadline's
  // warning before its breach). Each item is returned exactly once: a
  // breach once, after which the deadline is gone; a warning once, before
  // its breach. Paused deadlines do not fire.
  //
  // A call reserves room in the result for about what is due at once (one
  // allocation, not a doubling vector of 704-byte DueItems), so a call that
  // returns a large backlog costs mostly the fresh memory its result needs.
  std::vector<DueItem> Due(Timestamp now);
  // Same, appending to `*out`; returns how many items were appended.
  size_t Due(Timestamp now, std::vector<DueItem>* out);
  // Same, appending at most `max_items`: the earliest of what is due, in the
  // same order. Call again until it returns less than `max_items` to collect
  // a backlog (a host that was down, a replay's end) in slices, reusing one
  // vector: the items not returned stay due and come next, each still
  // exactly once.
  size_t Due(Timestamp now, size_t max_items, std::vector<DueItem>* out);
  // Same items in the same order, each handed to `fn` instead of stored:
  // the item passed is the queue's own, valid only during the call and
  // refilled for the next one (copy what you keep). No DueItem is built per
  // item, and the key (and an action's assignee and subject) reuse the
  // buffers of the items before, so this is the cheapest way to consume
  // what falls due. `fn` must not call this queue. If `fn` throws, the
  // exception propagates; the items passed so far, the one it threw on
  // included, are delivered and do not come again. Returns how many items
  // were passed.
  size_t ForEachDue(Timestamp now, absl::FunctionRef<void(const DueItem&)> fn);

  // The earliest time at which something will fall due (a warning, breach
  // or action not yet returned), or nullopt when nothing can. Not const: it
  // may sort the next time bucket (which Due would do anyway).
  std::optional<Timestamp> NextDue();

  // Entities with at least one open deadline (paused ones included) or
  // scheduled action.
  size_t open_entities() const;
  // Items that can still fire without another op: unfired warnings,
  // breaches of deadlines that are not paused, and scheduled actions. This
  // is how many items Due(absl::InfiniteFuture()) would return now.
  size_t pending() const;
  // Deadlines currently paused.
  size_t paused() const;

  // The open deadlines of one entity (paused ones included), ordered by due
  // then rule. Empty for an unknown entity.
  std::vector<OpenDeadline> OpenDeadlines(EntityKind kind, std::string_view key) const;
  // The actions scheduled for one entity and not yet returned, in the order
  // Due would return them.
  std::vector<Action> ScheduledActions(EntityKind kind, std::string_view key) const;

  // Everything pending: every open deadline (paused ones included) and every
  // scheduled action not yet returned, in the order they were last set,
  // resumed or scheduled. What Due has returned is not listed (a breach or
  // an action returned is gone; a warning returned is `warned`). The
  // entries' RuleIds and figure names live as long as the process.
  std::vector<QueueEntry> Export() const;
  // Replaces everything this queue holds with `entries` (as Export lists
  // them, in that order): from then on Due, ForEachDue, NextDue, pending,
  // paused, open_entities, OpenDeadlines and ScheduledActions answer as the
  // exporting queue does, equal times included (they come in the order of
  // `entries`). The queue copies rule IDs, figure names, keys and strings;
  // messages and terms must be static storage, as for Apply.
  // Returns kInvalidArgument naming the entry (its index, entity and rule)
  // for what Apply or Schedule would refuse, an op other than kSet or
  // kResume, two deadlines of one entity with the same rule, an unknown
  // entity kind, or a paused or warned action; kResourceExhausted as
  // Apply. On an error the queue is unchanged.
  absl::Status Import(const std::vector<QueueEntry>& entries);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kefu

#endif  // KEFU_ENGINE_DEADLINE_QUEUE_H_
