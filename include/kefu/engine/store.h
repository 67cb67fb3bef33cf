// kefu/engine/store.h: a shop that lives in a database, so that what it
// acknowledged survives the process. The interface a host programs against;
// kefu/store/sqlite_store.h is the embedded implementation (SQLite), and a
// PostgreSQL store for many shops is designed as a second one
// (docs/scaling.md). docs/store.md describes the contract in full.
//
// The contract of every implementation:
//   - Apply / ApplyBatch return only once what they report is durable (the
//     commit of the store's durability mode is done). A batch shares one
//     commit. When the store cannot make it durable (a full disk, a failed
//     write), they return the store's error: nothing of it is acknowledged
//     and the shop is as it was before (the store rebuilds its shop from
//     what is durable).
//   - Every event taken is journaled with its result (applied, refused by a
//     rule, duplicate, rejected by the engine) and its outcome or error, in
//     the order the store applied them; reopening the store gives the shop
//     those events made, exactly.
//   - Due items (warnings, breaches, scheduled actions) taken from the
//     shop's deadline queue get a stable id and are delivered at least once:
//     Due returns every item not yet confirmed, across restarts, until
//     Confirm names it; then never again.
//
// Threading: every method may be called from several threads at once. The
// store applies one event at a time (the journal's order is the order the
// shop saw, so reopening reproduces it), and the commits of events staged
// while an earlier commit runs are shared: one commit for everything staged
// meanwhile (group commit). A caller returns once its own event's commit is
// done.
#ifndef KEFU_ENGINE_STORE_H_
#define KEFU_ENGINE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/engine/deadline_queue.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/shop_event.h"

namespace kefu {

// What a store did with one event, durably.
struct StoredResult {
  // Shop::Apply's result: an outcome (applied, refused by a rule, or a
  // duplicate: outcome->audit.duplicate) or the engine's error (the event
  // was rejected; nothing changed but the journal records it).
  absl::StatusOr<Outcome> outcome;
  // The event's position in the store's journal (1, 2, ...).
  int64_t seq = 0;
};

// "applied", "refused", "duplicate", "rejected" (stable; kefu serve writes
// them).
KEFU_EXPORT const char* StoredResultName(const StoredResult& r);

// A due item with the id the store gave it (stable across restarts).
struct StoredDueItem {
  int64_t id = 0;
  DueItem item;
};

class KEFU_EXPORT ShopStore {
 public:
  virtual ~ShopStore();

  // Applies `event` and returns once it is durable. An error status is the
  // store's own (kUnavailable, kDataLoss, ...): the event is not
  // acknowledged and the shop is unchanged.
  virtual absl::StatusOr<StoredResult> Apply(const ShopEvent& event) = 0;
  // Applies `events` in order with one commit; a result per event. An error
  // status: none of them is acknowledged, and the shop is as before.
  virtual absl::StatusOr<std::vector<StoredResult>> ApplyBatch(
      absl::Span<const ShopEvent> events) = 0;

  // Takes from the shop what fell due by `now` (durably, as Apply), then
  // returns the items due by `now` not yet confirmed, earliest first (ties
  // by id), at most `max_items` (0: all). Items returned before and not
  // confirmed come again.
  virtual absl::StatusOr<std::vector<StoredDueItem>> Due(Timestamp now, size_t max_items = 0) = 0;
  // Marks items as handled, durably: Due never returns them again. Ids not
  // pending (unknown or already confirmed) are ignored. Returns how many
  // were pending.
  virtual absl::StatusOr<size_t> Confirm(absl::Span<const int64_t> ids) = 0;

  // Writes a snapshot of the whole shop now (stores also do it by
  // themselves every so many events).
  virtual absl::Status Snapshot() = 0;

  // The shop as of the latest event staged. Read it only with the store's
  // shop queries that are safe alongside Apply (see kefu/engine/shop.h).
  virtual const Shop& shop() const = 0;
};

}  // namespace kefu

#endif  // KEFU_ENGINE_STORE_H_
