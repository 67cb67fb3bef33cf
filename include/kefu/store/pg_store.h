// kefu/store/pg_store.h: the store (kefu/engine/store.h,
// kefu/store/reporting_store.h) on PostgreSQL through libpq: many shops in
// one database, each kept by one process at a time under a lease. The
// tables, the lease and the schema's versions are in docs/store.md
// ("PostgreSQL"); kefu/store/pg_worker.h runs the shops of a database from
// its inbox; docs/scaling.md gives the design and its figures.
//
// Threading: as ShopStore. A PgStore holds its own connection; its calls
// take turns on it.
#ifndef KEFU_STORE_PG_STORE_H_
#define KEFU_STORE_PG_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "kefu/core/export.h"
#include "kefu/engine/deadline_queue.h"
#include "kefu/engine/shop.h"
#include "kefu/store/reporting_store.h"

namespace kefu {

struct PgStoreOptions {
  // The shop's options: open a shop with the options it was written with
  // (as SqliteStoreOptions::shop).
  ShopOptions shop;
  // The shop in the database (every row carries it). Not empty.
  std::string shop_id = "default";
  // kFull: synchronous_commit=on; kNormal: synchronous_commit=off.
  Durability durability = Durability::kFull;
  // A snapshot of the whole shop every this many journal entries (> 0).
  int64_t snapshot_every = 100000;
  // Read without writing: no lease; Apply/Due/Confirm fail with
  // kFailedPrecondition.
  bool read_only = false;
  // How long the lease on the shop lasts without being renewed; a PgStore
  // renews it every lease/4 while it is open. In [1 s, 1 h].
  absl::Duration lease = absl::Seconds(30);
  // Items the report keeps per list (ReplayOptions::max_items_kept).
  size_t max_items_kept = 1000;
  // Hash partitions of each table when Open creates the schema (a database
  // without one). In [1, 1024].
  int partitions = 16;
};

class KEFU_EXPORT PgStore final : public ReportingStore {
 public:
  // The schema version this build reads and writes (table kefu_schema).
  static int SchemaVersion();

  // Connects with `conninfo` (a postgresql:// or postgres:// URI, or libpq's
  // key=value form), creates kefu's tables when the database has none
  // (`options.partitions`), takes the lease on `options.shop_id` (unless
  // read_only) and loads the shop: its newest snapshot and the journal
  // after it. Errors, with no store made:
  //   kUnavailable: the database cannot be reached (libpq's reason);
  //   kFailedPrecondition: the schema is newer than this build's (a newer
  //     kefu migrated it) or older (run kefu db migrate); another live
  //     process holds the shop's lease (its name and until when); libpq
  //     cannot be loaded (kefu does not link it: the first connection
  //     loads libpq.so.5, Debian's libpq5);
  //   kDataLoss: rows that do not decode or replay otherwise;
  //   kInvalidArgument: invalid options.
  static absl::StatusOr<std::unique_ptr<PgStore>> Open(const std::string& conninfo,
                                                       PgStoreOptions options = {});
  // Releases the lease (when it still holds it).
  ~PgStore() override;

  // As ShopStore. A commit also checks, in its transaction, that this store
  // still holds the shop's lease: when another process took it over (this
  // one was cut off longer than the lease), the events are not stored,
  // the call fails with kUnavailable and so does every later one. When the
  // connection is lost, the commit in flight fails with kUnavailable
  // (nothing of it acknowledged) and the store connects again at its next
  // statement, loading the shop again from what is durable.
  absl::StatusOr<StoredResult> Apply(const ShopEvent& event) override;
  absl::StatusOr<std::vector<StoredResult>> ApplyBatch(absl::Span<const ShopEvent> events) override;
  // The due items by `now` not yet confirmed, from the database (consumers
  // may have claimed some: see PgClaimDue).
  absl::StatusOr<std::vector<StoredDueItem>> Due(Timestamp now, size_t max_items = 0) override;
  absl::StatusOr<size_t> Confirm(absl::Span<const int64_t> ids) override;
  absl::Status Snapshot() override;
  const Shop& shop() const override;
  absl::StatusOr<ReplayReport> Report(
      std::optional<Timestamp> until = std::nullopt) const override;
  absl::StatusOr<ReplayReport> FinalReport(
      std::optional<Timestamp> until = std::nullopt) override;
  int64_t journal_seq() const override;

  const std::string& shop_id() const;
  // The lease's epoch this store holds (each takeover adds one; 0 when
  // read-only).
  int64_t epoch() const;

  // For kefu's worker (src/store/pg_worker.cc): the store's parts.
  struct Impl;
  Impl& impl() const { return *impl_; }
  explicit PgStore(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// What `kefu db migrate` does: applies the schema versions the database
// lacks, in order, each in one transaction under an advisory lock (so that
// several processes may run it at once). `partitions` sets the hash
// partitions of the per-shop tables when they are created. Returns the
// versions applied (none: it was up to date). A database at a newer
// version than this build's: kFailedPrecondition, nothing changed.
KEFU_EXPORT absl::StatusOr<std::vector<int>> PgMigrate(const std::string& conninfo,
                                                       int partitions = 16);

// A due item claimed by a consumer.
struct PgClaimedDue {
  std::string shop_id;
  int64_t id = 0;
  DueItem item;
};

// A consumer of due items on its own connection: a dialler, an SMS sender,
// a finance notifier; as many as wanted, on any machine.
class KEFU_EXPORT PgDueConsumer {
 public:
  static absl::StatusOr<std::unique_ptr<PgDueConsumer>> Open(const std::string& conninfo);
  ~PgDueConsumer();

  // Claims up to `limit` due items by `now` of the shops whose id matches
  // `shops` (SQL LIKE; "%": all), earliest first, with SELECT ... FOR
  // UPDATE SKIP LOCKED (consumers running at once take disjoint items),
  // hands them to `deliver` and, when it returns OK, deletes them in the
  // same transaction: delivered. When `deliver` fails, or the process dies
  // before the commit, they stay for the next claim (at least once).
  // Returns how many were delivered (0: none due).
  absl::StatusOr<size_t> Claim(
      Timestamp now, size_t limit, const std::string& shops,
      const std::function<absl::Status(const std::vector<PgClaimedDue>&)>& deliver);

  struct Impl;

 private:
  explicit PgDueConsumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kefu

#endif  // KEFU_STORE_PG_STORE_H_
