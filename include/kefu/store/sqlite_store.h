// kefu/store/sqlite_store.h: the embedded store (kefu/engine/store.h,
// kefu/store/reporting_store.h) on
// SQLite: one file holds a shop's journal, its latest snapshot and its due
// items. docs/store.md describes the file, the durability modes and the
// errors.
//
// Threading: as ShopStore. One process at a time may open a file for
// writing (a lock file beside it, FILE-lock, held while the store is open);
// any number may open it read-only (Report), also while a writer runs.
#ifndef KEFU_STORE_SQLITE_STORE_H_
#define KEFU_STORE_SQLITE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kefu/core/export.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/store.h"
#include "kefu/io/replay.h"
#include "kefu/store/reporting_store.h"

namespace kefu {

struct SqliteStoreOptions {
  // The shop's options. Open a store with the options it was written with:
  // the journal after the snapshot is applied again, and a different
  // outcome than the one stored is kDataLoss (see Open).
  ShopOptions shop;
  Durability durability = Durability::kFull;
  // A snapshot of the whole shop is taken after this many journal
  // entries, and the journal before it dropped once it is written. > 0.
  int64_t snapshot_every = 100000;
  // A snapshot is stored in rows of at most this many bytes (SQLite takes
  // no value over 1 GB). One taken after snapshot_every entries is written
  // a row at a time: rows while a long batch's writer has nothing else to
  // write, and with every commit its share (whole by half the interval to
  // the next), so that no commit waits for the whole of it; it counts
  // (Open loads it) once its last row is committed, and a store closed
  // before that writes the rest as it closes. One that Snapshot() takes is
  // written whole by its commit. In (0, 1 GiB].
  int64_t snapshot_part_bytes = 1 << 20;
  // Open without writing: no lock, no journal, Apply/Due/Confirm fail with
  // kFailedPrecondition. Reads what writers committed.
  bool read_only = false;
  // The most pages (of 4 KiB) the file may grow to (PRAGMA max_page_count);
  // 0: no limit. A write past it fails as on a full disk: the events are
  // not acknowledged and the shop stays as it was.
  int64_t max_pages = 0;
  // Items the report keeps per list (ReplayOptions::max_items_kept).
  size_t max_items_kept = 1000;
};

class KEFU_EXPORT SqliteStore final : public ReportingStore {
 public:
  // The format this build writes (the meta table's "format"). It reads
  // kOldestFormat to kFormat; opening an older one for writing makes it
  // kFormat (format 2 lacks the meta table's "snapshot_seq").
  static constexpr int kFormat = 3;
  static constexpr int kOldestFormat = 2;

  // Opens the store at `path`, creating it when absent (unless read_only:
  // kNotFound), then loads its newest whole snapshot and applies the
  // journal after it. Errors, with no store made:
  //   kInvalidArgument: not a kefu store (another SQLite database, an empty
  //     file, something else), or invalid options;
  //   kFailedPrecondition: written by another version of kefu (a format
  //     outside kOldestFormat..kFormat: a newer one, or an older one this
  //     build no longer reads, the message naming both);
  //     another process (or another SqliteStore) has it open for writing;
  //   kDataLoss: truncated or corrupted (SQLite's own checks, a checksum of
  //     a snapshot or journal row that does not match, a journal entry whose
  //     outcome differs from the one stored), naming what;
  //   kUnavailable: the file cannot be opened or read (the system's reason).
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                           SqliteStoreOptions options = {});
  ~SqliteStore() override;

  absl::StatusOr<StoredResult> Apply(const ShopEvent& event) override;
  absl::StatusOr<std::vector<StoredResult>> ApplyBatch(absl::Span<const ShopEvent> events) override;
  absl::StatusOr<std::vector<StoredDueItem>> Due(Timestamp now, size_t max_items = 0) override;
  absl::StatusOr<size_t> Confirm(absl::Span<const int64_t> ids) override;
  absl::Status Snapshot() override;
  const Shop& shop() const override;

  absl::StatusOr<ReplayReport> Report(
      std::optional<Timestamp> until = std::nullopt) const override;
  absl::StatusOr<ReplayReport> FinalReport(
      std::optional<Timestamp> until = std::nullopt) override;
  int64_t journal_seq() const override;

  // The seq of the newest snapshot taken (0: none); while it is being
  // written (snapshot_part_bytes), Open would load the one before it.
  int64_t snapshot_seq() const;
  // Due items taken and not confirmed.
  size_t pending_due() const;
  // Transactions committed since Open: one per batch, and one for every
  // group of calls that were staged while an earlier commit ran.
  int64_t commits() const;

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kefu

#endif  // KEFU_STORE_SQLITE_STORE_H_
