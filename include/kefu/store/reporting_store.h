// kefu/store/reporting_store.h: what the stores of this layer (SQLite,
// PostgreSQL) add to the engine's ShopStore interface (kefu/engine/store.h):
// the replay report of everything the store took, and the journal's
// position; and the durability modes they share. kefu/store/open.h opens
// either by name.
#ifndef KEFU_STORE_REPORTING_STORE_H_
#define KEFU_STORE_REPORTING_STORE_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/core/time.h"
#include "kefu/engine/store.h"
#include "kefu/io/replay.h"

namespace kefu {

// How hard a commit tries to reach the disk.
enum class Durability {
  // Every commit is synced before Apply returns (SQLite synchronous=FULL,
  // PostgreSQL synchronous_commit=on). Survives a process crash and a power
  // loss. The default.
  kFull,
  // SQLite synchronous=NORMAL (in WAL mode, commits are synced only at
  // checkpoints), PostgreSQL synchronous_commit=off. Survives a crash of the
  // process using the store (kill -9); a power loss, an operating-system
  // crash or a crash of the database server may lose the last commits
  // (never corrupts).
  kNormal,
};

class KEFU_EXPORT ReportingStore : public ShopStore {
 public:
  // The replay report (kefu/io/replay.h) of every event the store took, as
  // one kefu replay of them would give it: entities by state, decisions by
  // rule, actions, warnings and breaches due by `until` (nullopt: the
  // latest time of an applied event), what is still pending. Line numbers
  // in its errors are journal positions. Works on a copy of the state (the
  // store is not changed): costs a Save and a Load of the shop.
  virtual absl::StatusOr<ReplayReport> Report(
      std::optional<Timestamp> until = std::nullopt) const = 0;

  // The same report, for a caller done with the store (`kefu report`,
  // the end of `kefu replay --db`): the SQLite and PostgreSQL stores build
  // it on their own shop instead of a copy, which saves the Save and the
  // Load of the whole shop (seconds at a million events). Afterwards the
  // store takes nothing more: Apply, Due, Confirm, Snapshot, Report and
  // FinalReport fail with kFailedPrecondition, and shop() is the report's
  // shop (what was due by `until` taken from its queue). What the store
  // holds on disk is not changed. By default, Report(until).
  virtual absl::StatusOr<ReplayReport> FinalReport(std::optional<Timestamp> until = std::nullopt) {
    return Report(until);
  }

  // Journal entries so far (the last seq).
  virtual int64_t journal_seq() const = 0;
};

}  // namespace kefu

#endif  // KEFU_STORE_REPORTING_STORE_H_
