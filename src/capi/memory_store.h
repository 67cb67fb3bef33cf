// memory_store.h: the store of a shop the C API opens in memory
// (kefu_shop_open with no file): the ShopStore contract (kefu/engine/
// store.h) without a disk. Events get journal positions, due items ids,
// and the report is the one a replay of every event taken would give, as
// the SQLite store's; nothing survives the process. Private to the C API.
//
// Thread safety: every method may be called from several threads at once
// (one mutex).
#ifndef KEFU_CAPI_MEMORY_STORE_H_
#define KEFU_CAPI_MEMORY_STORE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "kefu/engine/store.h"
#include "kefu/io/replay.h"
#include "kefu/store/reporting_store.h"

namespace kefu::internal {

class ReplayBuilder;

class MemoryStore final : public ReportingStore {
 public:
  // The shop's options as SqliteStoreOptions::shop; `max_items_kept` as
  // SqliteStoreOptions::max_items_kept.
  static absl::StatusOr<std::unique_ptr<MemoryStore>> Open(ShopOptions options,
                                                          size_t max_items_kept = 1000);
  ~MemoryStore() override;

  absl::StatusOr<StoredResult> Apply(const ShopEvent& event) override;
  absl::StatusOr<std::vector<StoredResult>> ApplyBatch(absl::Span<const ShopEvent> events) override;
  absl::StatusOr<std::vector<StoredDueItem>> Due(Timestamp now, size_t max_items = 0) override;
  absl::StatusOr<size_t> Confirm(absl::Span<const int64_t> ids) override;
  // Nothing to write: OK.
  absl::Status Snapshot() override;
  const Shop& shop() const override;

  // As SqliteStore::Report.
  absl::StatusOr<ReplayReport> Report(std::optional<Timestamp> until) const override;
  int64_t journal_seq() const override;

 private:
  MemoryStore() = default;
  StoredResult ApplyLocked(const ShopEvent& event);

  mutable std::mutex mu_;
  ReplayOptions replay_options_;
  std::unique_ptr<Shop> shop_;
  std::unique_ptr<ReplayReport> report_;
  std::unique_ptr<ReplayBuilder> builder_;
  int64_t last_seq_ = 0;
  int64_t next_due_id_ = 1;
  // Pending due items by (time, id), and each id's time.
  std::map<std::pair<Timestamp, int64_t>, DueItem> pending_;
  absl::flat_hash_map<int64_t, Timestamp> due_at_;
};

}  // namespace kefu::internal

#endif  // KEFU_CAPI_MEMORY_STORE_H_
