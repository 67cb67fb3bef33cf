// The in-memory store of the C API (memory_store.h).
#include "capi/memory_store.h"

#include <string>
#include <utility>

#include "core/codec.h"
#include "io/replay_builder.h"

namespace kefu::internal {

absl::StatusOr<std::unique_ptr<MemoryStore>> MemoryStore::Open(ShopOptions options,
                                                               size_t max_items_kept) {
  std::unique_ptr<MemoryStore> m(new MemoryStore());
  m->replay_options_.max_items_kept = max_items_kept;
  m->replay_options_.shop = options;
  options.max_findings_per_agent = max_items_kept;
  absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Create(std::move(options));
  if (!shop.ok()) return shop.status();
  m->shop_ = *std::move(shop);
  m->report_ = std::make_unique<ReplayReport>();
  m->builder_ = std::make_unique<ReplayBuilder>(m->replay_options_, *m->shop_, *m->report_);
  MemoryStore* self = m.get();
  m->builder_->SetOnTaken([self](const DueItem& item) {
    const int64_t id = self->next_due_id_++;
    self->pending_.emplace(std::make_pair(item.at, id), item);
    self->due_at_.emplace(id, item.at);
  });
  return m;
}

MemoryStore::~MemoryStore() = default;

StoredResult MemoryStore::ApplyLocked(const ShopEvent& event) {
  const int64_t seq = ++last_seq_;
  ++report_->lines;
  return StoredResult{builder_->Feed(event, seq), seq};
}

absl::StatusOr<StoredResult> MemoryStore::Apply(const ShopEvent& event) {
  std::lock_guard<std::mutex> lock(mu_);
  return ApplyLocked(event);
}

absl::StatusOr<std::vector<StoredResult>> MemoryStore::ApplyBatch(
    absl::Span<const ShopEvent> events) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StoredResult> results;
  results.reserve(events.size());
  for (const ShopEvent& event : events) results.push_back(ApplyLocked(event));
  return results;
}

absl::StatusOr<std::vector<StoredDueItem>> MemoryStore::Due(Timestamp now, size_t max_items) {
  std::lock_guard<std::mutex> lock(mu_);
  builder_->CollectDue(now);
  std::vector<StoredDueItem> out;
  for (const auto& [key, item] : pending_) {
    if (key.first > now || (max_items != 0 && out.size() >= max_items)) break;
    out.push_back(StoredDueItem{key.second, item});
  }
  return out;
}

absl::StatusOr<size_t> MemoryStore::Confirm(absl::Span<const int64_t> ids) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (int64_t id : ids) {
    auto it = due_at_.find(id);
    if (it == due_at_.end()) continue;
    pending_.erase(std::make_pair(it->second, id));
    due_at_.erase(it);
    ++n;
  }
  return n;
}

absl::Status MemoryStore::Snapshot() { return absl::OkStatus(); }

int64_t MemoryStore::journal_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_seq_;
}

const Shop& MemoryStore::shop() const { return *shop_; }

absl::StatusOr<ReplayReport> MemoryStore::Report(std::optional<Timestamp> until) const {
  // On a copy, as the SQLite store: the shop goes on unchanged.
  std::string shop_bytes, builder_bytes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shop_bytes = shop_->Save();
    ByteWriter w(&builder_bytes);
    builder_->SaveAll(w);
  }
  return ReportFromSaved(shop_bytes, builder_bytes, replay_options_.shop, replay_options_,
                         replay_options_.max_items_kept, until);
}

}  // namespace kefu::internal
