// What every store shares (store_core.h): the journal's encodings, the
// snapshot, due item ids, and the group-commit pipeline.
#include "store/store_core.h"

#include <zlib.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <thread>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "core/ahead.h"
#include "core/codec.h"
#include "engine/policy_label.h"
#include "engine/reply_schema.h"
#include "engine/saved_shop.h"
#include "engine/state_codec.h"
#include "io/replay_builder.h"

namespace kefu::internal {
namespace {

constexpr std::string_view kSnapshotMark = "KEFUSNAP";
constexpr uint64_t kSnapshotFormat = 1;

int ResultOf(const absl::StatusOr<Outcome>& out) {
  if (!out.ok()) return kRowRejected;
  if (out->audit.duplicate) return kRowDuplicate;
  return out->refused() ? kRowRefused : kRowApplied;
}

// The stored form of an outcome, or of the engine's error for a rejected
// event: compared byte for byte when the journal is applied again.
void EncodeResultTo(const absl::StatusOr<Outcome>& out, std::string* bytes) {
  bytes->clear();
  ByteWriter w(bytes);
  if (out.ok()) {
    EncodeOutcome(*out, w);
  } else {
    w.Varint(static_cast<uint64_t>(out.status().code()));
    w.String(FromAbsl(out.status().message()));
  }
}

// CRC-32 (zlib's, as Crc32) of a row's fields, chained without copying them
// into one buffer.
uint32_t Chain(uLong crc, std::string_view bytes) {
  // (crc32_z with a null buffer returns the initial value, not `crc`: an
  // empty column reads back as a null pointer.)
  if (bytes.empty()) return static_cast<uint32_t>(crc);
  return static_cast<uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

// An event in kefu's binary encoding (core/codec.h), through the same
// schemas the JSON Lines format uses: the kind, the key, the type's index,
// the meta, the type's fields. Exact, unlike the JSON line (which writes
// ill-formed UTF-8 as U+FFFD and cannot carry an empty id): what the store
// applies again on opening is what it applied.
void EncodeEvent(const ShopEvent& event, ByteWriter& w) {
  const size_t kind = event.event.index();
  w.Varint(kind);
  w.String(event.key);
  std::visit(
      [&](const auto& of_kind) {
        w.Varint(of_kind.index());
        const EventType& type = ShopEventSchemas()[kind]->types[of_kind.index()];
        std::visit(
            [&](const auto& e) {
              w.String(e.meta.id);
              w.Time(e.meta.at);
              w.String(e.meta.agent);
              EncodeObject(type.schema, &e, w);
            },
            of_kind);
      },
      event.event);
}

bool DecodeEvent(ByteReader& r, ShopEvent* event) {
  uint64_t kind = 0, index = 0;
  if (!r.Varint(&kind)) return false;
  if (kind >= static_cast<uint64_t>(kEntityKindCount)) return r.Fail("an entity kind");
  if (!r.String(&event->key) || !r.Varint(&index)) return false;
  const KindSchema& schema = *ShopEventSchemas()[kind];
  if (index >= schema.types.size()) return r.Fail("an event type");
  const EventType& type = schema.types[index];
  void* obj = nullptr;
  switch (kind) {
    case 0:
      obj = type.emplace(&event->event.emplace<0>());
      break;
    case 1:
      obj = type.emplace(&event->event.emplace<1>());
      break;
    case 2:
      obj = type.emplace(&event->event.emplace<2>());
      break;
    case 3:
      obj = type.emplace(&event->event.emplace<3>());
      break;
    default:
      obj = type.emplace(&event->event.emplace<4>());
      break;
  }
  EventMeta* meta = type.meta(obj);
  return r.String(&meta->id) && r.Time(&meta->at) && r.String(&meta->agent) &&
         DecodeObject(type.schema, obj, r);
}

}  // namespace

uint32_t JournalRowCrc(int64_t seq, int kind, std::string_view body, int result,
                       std::string_view outcome) {
  std::string head;
  ByteWriter w(&head);
  w.Signed(seq);
  w.Varint(static_cast<uint64_t>(kind));
  w.Varint(static_cast<uint64_t>(result));
  w.Varint(body.size());
  w.Varint(outcome.size());
  return Chain(Chain(Chain(crc32_z(0, Z_NULL, 0), head), body), outcome);
}

void AppendJournalEntry(const StoreOp& op, std::string* chunk) {
  ByteWriter w(chunk);
  w.Varint(static_cast<uint64_t>(op.kind));
  w.Varint(static_cast<uint64_t>(op.result));
  w.String(op.body);
  w.String(op.outcome);
}

bool JournalChunkReader::Varint(uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (rest_.empty()) return ok_ = false;
    const auto b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) return true;
  }
  return ok_ = false;
}

bool JournalChunkReader::Bytes(std::string_view* v) {
  uint64_t n = 0;
  if (!Varint(&n)) return false;
  if (n > rest_.size()) return ok_ = false;
  *v = rest_.substr(0, static_cast<size_t>(n));
  rest_.remove_prefix(static_cast<size_t>(n));
  return true;
}

bool JournalChunkReader::Next(JournalEntry* e) {
  if (!ok_ || rest_.empty()) return false;
  uint64_t kind = 0, result = 0;
  if (!Varint(&kind) || !Varint(&result) || !Bytes(&e->body) || !Bytes(&e->outcome)) {
    return ok_ = false;
  }
  if (kind > 16 || result > 16) return ok_ = false;
  e->kind = static_cast<int>(kind);
  e->result = static_cast<int>(result);
  return true;
}

uint32_t DueRowCrc(int64_t id, std::string_view item) {
  // The CRC of Signed(id) and String(item), the item not copied.
  std::string head;
  ByteWriter w(&head);
  w.Signed(id);
  w.Varint(item.size());
  return Chain(Chain(crc32_z(0, Z_NULL, 0), head), item);
}

void EncodeDeferred(StoreOp* op) {
  if (op->deferred_event == nullptr) return;
  op->body.reserve(256);
  ByteWriter w(&op->body);
  EncodeEvent(*op->deferred_event, w);
  op->outcome.reserve(512);
  EncodeResultTo(*op->deferred_result, &op->outcome);
  op->deferred_event = nullptr;
  op->deferred_result = nullptr;
}


StoreCore::StoreCore(StoreCoreOptions options, StoreBackend* backend)
    : options_(std::move(options)), backend_(backend) {
  replay_options_.max_items_kept = options_.max_items_kept;
  replay_options_.shop = options_.shop;
}

StoreCore::~StoreCore() { builder_.reset(); }

// ------------------------------------------------------------------ loading

absl::Status StoreCore::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  return backend_->Load(*this);
}

void StoreCore::RefuseWrites(absl::Status s) {
  std::lock_guard<std::mutex> lock(mu_);
  refused_ = std::move(s);
}

absl::Status StoreCore::Fresh() {
  pending_due_.clear();
  due_at_.clear();
  staged_.clear();
  snapshot_seq_ = 0;
  last_seq_ = 0;
  next_due_id_ = 1;
  ShopOptions shop_options = options_.shop;
  shop_options.max_findings_per_agent = options_.max_items_kept;
  absl::StatusOr<std::unique_ptr<Shop>> s = Shop::Create(std::move(shop_options));
  if (!s.ok()) return s.status();
  builder_.reset();
  shop_ = *std::move(s);
  MakeBuilder();
  return absl::OkStatus();
}

void StoreCore::MakeBuilder() {
  report_ = std::make_unique<ReplayReport>();
  builder_ = std::make_unique<ReplayBuilder>(replay_options_, *shop_, *report_);
  builder_->SetOnTaken([this](const DueItem& item) { Taken(item); });
}

absl::Status StoreCore::LoadSnapshot(std::string_view body, int64_t seq) {
  pending_due_.clear();
  due_at_.clear();
  staged_.clear();
  next_due_id_ = 1;
  const std::string where = absl::StrCat(options_.name, " is corrupted: snapshot ", seq);
  if (body.substr(0, kSnapshotMark.size()) != kSnapshotMark || body.size() < 12) {
    return absl::DataLossError(absl::StrCat(where, " has no KEFUSNAP mark"));
  }
  ByteReader tail(body.substr(body.size() - 4));
  uint32_t crc = 0;
  tail.Fixed32(&crc);
  const std::string_view checked = body.substr(0, body.size() - 4);
  auto mismatch = [&] {
    return absl::DataLossError(absl::StrCat(where, ": its checksum does not match"));
  };
  // The saved shop, read in place (it is most of the body).
  const std::string_view inner = checked.substr(kSnapshotMark.size());
  ByteReader r(inner);
  uint64_t format = 0;
  uint64_t shop_size = 0;
  if (!r.Varint(&format) || format != kSnapshotFormat || !r.Varint(&shop_size) ||
      shop_size > r.remaining()) {
    // Not a snapshot of this format: the checksum of the whole tells a
    // corrupted one from one of another format.
    if (crc != Crc32(checked)) return mismatch();
    if (format != kSnapshotFormat && r.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat(options_.name, ": snapshot ", seq, " has format ", format,
                       "; this build of kefu reads format ", kSnapshotFormat));
    }
    if (!r.ok()) return absl::DataLossError(absl::StrCat(where, ": ", r.error()));
    return absl::DataLossError(absl::StrCat(where, ": its saved shop is truncated"));
  }
  const size_t shop_at = kSnapshotMark.size() + r.offset();
  const std::string_view shop_bytes = checked.substr(shop_at, static_cast<size_t>(shop_size));
  const std::string_view after = checked.substr(shop_at + shop_bytes.size());
  // The checksum of the whole from its parts': the saved shop's from the
  // checksum it ends with (Shop::Load checks its bytes against that one),
  // so that its bytes, most of the snapshot, are read once.
  if (crc != Crc32Combine(Crc32Combine(Crc32(checked.substr(0, shop_at)),
                                       SavedShopChecksum(shop_bytes), shop_bytes.size()),
                          Crc32(after), after.size())) {
    return mismatch();
  }
  r = ByteReader(after);
  ShopOptions shop_options = options_.shop;
  shop_options.max_findings_per_agent = options_.max_items_kept;
  absl::StatusOr<std::unique_ptr<Shop>> s = Shop::Load(shop_bytes, std::move(shop_options));
  if (!s.ok()) {
    return absl::Status(s.status().code(), absl::StrCat(where, ": ", s.status().message()));
  }
  builder_.reset();
  shop_ = *std::move(s);
  MakeBuilder();
  if (!builder_->LoadAll(r) || !r.at_end()) {
    return absl::DataLossError(
        absl::StrCat(where, ": ", r.ok() ? "bytes after the end" : r.error()));
  }
  snapshot_seq_ = seq;
  last_seq_ = seq;
  return absl::OkStatus();
}

std::string StoreCore::EncodeSnapshot() const {
  // Built in the saved shop's own buffer (Shop::Save leaves room after it):
  // its head (mark, format, the shop's length) goes in front, the builder's
  // state and the checksum after, and the shop's bytes, most of the
  // snapshot, are never copied into a second one.
  std::string body = shop_->Save();
  std::string head(kSnapshotMark);
  ByteWriter h(&head);
  h.Varint(kSnapshotFormat);
  h.Varint(body.size());
  // The checksum from its parts' (LoadSnapshot's way): the shop's bytes
  // are not read again for it.
  uint32_t crc = Crc32Combine(Crc32(head), SavedShopChecksum(body), body.size());
  body.insert(0, head);
  const size_t after = body.size();
  ByteWriter w(&body);
  builder_->SaveAll(w);
  crc = Crc32Combine(crc, Crc32(std::string_view(body).substr(after)), body.size() - after);
  w.Fixed32(crc);
  return body;
}

void StoreCore::DecodeRow(int64_t seq, int kind, std::string_view body, int result,
                          std::string_view stored, std::optional<uint32_t> crc,
                          DecodedRow* row) const {
  // (Made only for an error: this runs for every entry on opening.)
  auto where = [&] { return absl::StrCat(options_.name, " is corrupted: journal entry ", seq); };
  row->seq = seq;
  row->kind = kind;
  row->result = result;
  row->revision = 0;
  row->checksum = absl::OkStatus();
  row->error = absl::OkStatus();
  if (crc && *crc != JournalRowCrc(seq, kind, body, result, stored)) {
    row->checksum = absl::DataLossError(absl::StrCat(where(), " does not match its checksum"));
    return;
  }
  if (kind == kTickRow) {
    ByteReader r(body);
    if (!r.Time(&row->tick) || !r.at_end() || result != kRowTick) {
      row->error = absl::DataLossError(absl::StrCat(where(), ": not a tick"));
    }
    return;
  }
  if (kind != kEventRow) {
    row->error = absl::DataLossError(absl::StrCat(where(), ": unknown kind"));
    return;
  }
  ByteReader er(body);
  row->event = ShopEvent();  // DecodeEvent fills a fresh event
  if (!DecodeEvent(er, &row->event) || !er.at_end()) {
    row->error = absl::DataLossError(
        absl::StrCat(where(), ": ", er.ok() ? "bytes after the event" : er.error()));
    return;
  }
  // The stored outcome names the pack that judged the event (it may have
  // been another than the one in force now): the event is applied again
  // under that label, so the rebuilt audit trail is the stored one, and its
  // decisions must still come out as stored.
  row->stored.assign(stored.data(), stored.size());
  if (result != kRowRejected) {
    thread_local Outcome decoded;  // its blocks reused from row to row
    ByteReader sr(stored);
    if (!DecodeOutcome(sr, &decoded) || !sr.at_end()) {
      row->error = absl::DataLossError(absl::StrCat(
          where(), ": stored outcome: ", sr.ok() ? "bytes after the outcome" : sr.error()));
      return;
    }
    row->revision = decoded.audit.policy_revision;
  }
}

absl::Status StoreCore::ApplyRow(DecodedRow& row) {
  if (!row.checksum.ok()) return row.checksum;
  if (row.seq != last_seq_ + 1) {
    return absl::DataLossError(absl::StrCat(options_.name, " is corrupted: journal entry ",
                                            last_seq_ + 1, " is missing"));
  }
  last_seq_ = row.seq;
  if (!row.error.ok()) return row.error;
  replaying_ = true;
  struct Done {
    bool& flag;
    ~Done() { flag = false; }
  } done{replaying_};
  if (row.kind == kTickRow) {
    builder_->CollectDue(row.tick);
    return absl::OkStatus();
  }
  ++report_->lines;
  internal::ScopedPolicyLabel label(row.revision);
  absl::StatusOr<Outcome> out = builder_->Feed(row.event, row.seq);
  if (ResultOf(out) != row.result) return Otherwise(row.seq, row.event);
  EncodeResultTo(out, &replay_scratch_);
  if (replay_scratch_ != row.stored) return Otherwise(row.seq, row.event);
  return absl::OkStatus();
}

absl::Status StoreCore::ReplayRow(int64_t seq, int kind, std::string_view body, int result,
                                  std::string_view stored, std::optional<uint32_t> crc) {
  DecodeRow(seq, kind, body, result, stored, crc, &replay_row_);
  return ApplyRow(replay_row_);
}

absl::Status StoreCore::Otherwise(int64_t seq, const ShopEvent& event) const {
  return absl::DataLossError(absl::StrCat(
      options_.name, ": journal entry ", seq, " (event ", MetaOf(event).id,
      ") decides otherwise than when it was stored: the store was written with other "
      "options (policies, calendar) or by another version of kefu, or is corrupted"));
}

absl::Status StoreCore::AddDue(int64_t id, std::string bytes, std::optional<uint32_t> crc) {
  // Decoded here only to be checked (into a kept item: no heap blocks made
  // for it); kept as its bytes, decoded again when Due hands it out.
  ByteReader r(bytes);
  if ((crc && *crc != DueRowCrc(id, bytes)) || !DecodeDueItem(r, &due_scratch_) || !r.at_end()) {
    return absl::DataLossError(absl::StrCat(options_.name, " is corrupted: due item ", id,
                                            " does not match its checksum"));
  }
  next_due_id_ = std::max(next_due_id_, id + 1);
  if (!options_.track_due) return absl::OkStatus();
  due_at_.emplace(id, due_scratch_.at);
  pending_due_.emplace(std::make_pair(due_scratch_.at, id), std::move(bytes));
  return absl::OkStatus();
}

absl::Status StoreCore::AddDueRows(const DueRows& rows) {
  for (const DueRows::Row& row : rows.rows) {
    if (absl::Status s = AddDue(row.id, std::string(rows.item(row)), row.crc); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void StoreCore::SetNextDueId(int64_t id) { next_due_id_ = std::max(next_due_id_, id); }

// ------------------------------------------------------------------ staging

// An item the builder took from the shop: pending delivery, and a row of
// the next commit (unless the journal is being applied again: then it is
// durable already).
void StoreCore::Taken(const DueItem& item) {
  if (replaying_) return;
  const int64_t id = next_due_id_++;
  StoreOp op;
  op.type = StoreOp::kDueInsert;
  op.key = id;
  op.at = item.at;
  ByteWriter w(&op.body);
  EncodeDueItem(item, w);
  if (options_.track_due) {
    pending_due_.emplace(std::make_pair(item.at, id), op.body);
    due_at_.emplace(id, item.at);
  }
  Stage(std::move(op));
}

void StoreCore::Stage(StoreOp op) {
  staged_.push_back(std::move(op));
  ++staged_ops_;
}

// Stages a snapshot of the state as it is now (every staged event in it).
void StoreCore::StageSnapshot(bool background) {
  StoreOp op;
  op.type = StoreOp::kSnapshot;
  op.key = last_seq_;
  op.background = background;
  op.body = EncodeSnapshot();
  Stage(std::move(op));
  snapshot_seq_ = last_seq_;
}

void StoreCore::MaybeSnapshot() {
  if (last_seq_ - snapshot_seq_ >= options_.snapshot_every) StageSnapshot(/*background=*/true);
}

absl::Status StoreCore::Writable() const {
  if (!refused_.ok()) return refused_;
  return broken_;
}

// ------------------------------------------------------------- committing

// Waits, under `lock`, until op number `mine` (staged in `epoch`) is
// durable, committing what is staged when nobody else is. The error of the
// commit that failed it otherwise.
absl::Status StoreCore::AwaitDurable(std::unique_lock<std::mutex>& lock, int64_t mine,
                                     size_t epoch) {
  for (;;) {
    if (epoch < epoch_end_.size()) {
      if (mine <= epoch_end_[epoch].first) return absl::OkStatus();
      return epoch_end_[epoch].second;
    }
    if (durable_ops_ >= mine) return absl::OkStatus();
    if (!committing_) {
      CommitStaged(lock);
      continue;
    }
    cv_.wait(lock);
  }
}

CommitMark StoreCore::MarkNow() const {
  CommitMark mark;
  mark.last_seq = last_seq_;
  mark.due_pending = static_cast<int64_t>(pending_due_.size());
  mark.next_due_id = next_due_id_;
  return mark;
}

void StoreCore::CommitStaged(std::unique_lock<std::mutex>& lock) {
  committing_ = true;
  std::vector<StoreOp> batch = std::move(staged_);
  staged_.clear();
  const int64_t target = staged_ops_;
  const CommitMark mark = MarkNow();
  lock.unlock();
  absl::Status s = backend_->Write(batch, mark);
  lock.lock();
  Committed(s, target);
}

void StoreCore::Committed(const absl::Status& s, int64_t target) {
  committing_ = false;
  if (s.ok()) {
    durable_ops_ = target;
    ++commits_;
  } else {
    Fail(absl::Status(s.code(),
                      absl::StrCat("not stored (nothing of it is acknowledged): ", s.message())));
  }
  cv_.notify_all();
}

// A commit failed: every op not durable fails, and the state goes back to
// what the database holds.
void StoreCore::Fail(absl::Status s) {
  epoch_end_.emplace_back(durable_ops_, s);
  staged_.clear();
  staged_ops_ = durable_ops_;
  absl::Status reload = backend_->Load(*this);
  if (!reload.ok()) {
    broken_ = absl::Status(reload.code(), absl::StrCat(options_.name, " stopped after a failed write: ",
                                                       reload.message()));
  }
}

// One commit written in parts (StoreBackend::BeginParts...EndParts) by a
// thread of its own, while the thread that hands the parts over goes on
// applying events: the database's work (SQLite's inserts, the chunks'
// checksums, the commit) runs beside the shop's instead of after it. The
// writer touches nothing of the core's state, only the ops it is given.
class StoreCore::PartWriter {
 public:
  explicit PartWriter(StoreBackend* backend)
      : backend_(backend), thread_(internal::StartThread([this] { Run(); })) {}
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;
  // Not finished (the applying thread left by an exception): nothing of
  // it is committed.
  ~PartWriter() {
    if (thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        abandoned_ = true;
      }
      cv_.notify_one();
      thread_.join();
    }
  }

  void Push(std::vector<StoreOp> part) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      parts_.push_back(std::move(part));
    }
    cv_.notify_one();
  }

  // Every part is given: commits with `mark` once they are written.
  absl::Status Finish(const CommitMark& mark) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      mark_ = mark;
      finished_ = true;
    }
    cv_.notify_one();
    thread_.join();
    return status_;
  }

 private:
  void Run() {
    absl::Status s = backend_->BeginParts();
    bool commit = false;
    bool idle_work = s.ok();  // the backend may have work for idle moments
    for (;;) {
      std::vector<StoreOp> part;
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (idle_work && parts_.empty() && !finished_ && !abandoned_) {
          // Nothing handed over yet: a little of the backend's own work
          // (WriteIdle), then look again.
          lock.unlock();
          s = backend_->WriteIdle(&idle_work);
          if (!s.ok()) idle_work = false;
          continue;
        }
        cv_.wait(lock, [this] { return !parts_.empty() || finished_ || abandoned_; });
        if (abandoned_) break;
        if (parts_.empty()) {
          commit = true;
          break;
        }
        part = std::move(parts_.front());
        parts_.pop_front();
      }
      if (!s.ok()) continue;  // after an error: drained, not written
      for (StoreOp& op : part) EncodeDeferred(&op);
      s = backend_->WritePart(part);
      idle_work = s.ok();  // the part may have given it some (a snapshot)
    }
    if (s.ok() && !commit) s = absl::AbortedError("the batch was abandoned");
    if (s.ok()) {
      CommitMark mark;
      {
        std::lock_guard<std::mutex> lock(mu_);
        mark = mark_;
      }
      s = backend_->EndParts(mark);
    }
    if (!s.ok()) backend_->AbortParts();
    status_ = std::move(s);
  }

  StoreBackend* backend_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<StoreOp>> parts_;
  CommitMark mark_;
  bool finished_ = false;
  bool abandoned_ = false;
  absl::Status status_;  // written by the thread, read after the join
  std::thread thread_;   // last: starts once the rest is built
};

// ---------------------------------------------------------------- operations

absl::StatusOr<std::vector<StoredResult>> StoreCore::ApplyBatch(absl::Span<const ShopEvent> events,
                                                                std::vector<StoreOp> extra) {
  std::unique_lock<std::mutex> lock(mu_);
  if (absl::Status s = Writable(); !s.ok()) return s;
  std::vector<StoredResult> results;
  results.reserve(events.size());
  // A long batch is written while it is applied, when nobody is committing
  // (this thread then is the committer; what others staged before goes in
  // its first part).
  std::optional<PartWriter> writer;
  if (events.size() > kPartEvents && !committing_ && backend_->WritesInParts()) {
    committing_ = true;
    writer.emplace(backend_);
  }
  size_t in_part = 0;
  for (const ShopEvent& event : events) {
    const int64_t seq = ++last_seq_;
    ++report_->lines;
    absl::StatusOr<Outcome> out = builder_->Feed(event, seq);
    StoreOp op;
    op.type = StoreOp::kJournal;
    op.key = seq;
    op.kind = kEventRow;
    op.result = ResultOf(out);
    if (options_.journal_event_ids) op.event_id = MetaOf(event).id;
    results.push_back(StoredResult{std::move(out), seq});
    op.deferred_event = &event;
    op.deferred_result = &results.back().outcome;  // reserved: it stays put
    // In parts, the writer encodes the row; otherwise it is encoded now.
    if (!writer) EncodeDeferred(&op);
    Stage(std::move(op));
    MaybeSnapshot();
    if (writer && ++in_part == kPartEvents) {
      writer->Push(std::move(staged_));
      staged_.clear();
      in_part = 0;
    }
  }
  for (StoreOp& op : extra) Stage(std::move(op));
  if (writer) {
    writer->Push(std::move(staged_));
    staged_.clear();
    const int64_t target = staged_ops_;
    const CommitMark mark = MarkNow();
    lock.unlock();
    const absl::Status s = writer->Finish(mark);
    lock.lock();
    writer.reset();
    Committed(s, target);
    if (!s.ok()) return epoch_end_.back().second;
    return results;
  }
  const size_t epoch = epoch_end_.size();
  if (absl::Status s = AwaitDurable(lock, staged_ops_, epoch); !s.ok()) return s;
  return results;
}

absl::Status StoreCore::StageTick(Timestamp now) {
  const int64_t before = staged_ops_;
  builder_->CollectDue(now);
  if (staged_ops_ != before) {  // it took something: journal the tick
    StoreOp op;
    op.type = StoreOp::kJournal;
    op.key = ++last_seq_;
    op.kind = kTickRow;
    op.result = kRowTick;
    ByteWriter w(&op.body);
    w.Time(now);
    Stage(std::move(op));
    MaybeSnapshot();
  }
  return absl::OkStatus();
}

absl::Status StoreCore::TakeDue(Timestamp now, std::vector<StoreOp> extra) {
  std::unique_lock<std::mutex> lock(mu_);
  if (absl::Status s = Writable(); !s.ok()) return s;
  StageTick(now).IgnoreError();
  for (StoreOp& op : extra) Stage(std::move(op));
  // Wait for whatever is staged: the items returned must be durable (also
  // those another thread's Apply took and has not committed yet).
  const size_t epoch = epoch_end_.size();
  return AwaitDurable(lock, staged_ops_, epoch);
}

absl::StatusOr<std::vector<StoredDueItem>> StoreCore::Due(Timestamp now, size_t max_items) {
  std::unique_lock<std::mutex> lock(mu_);
  if (absl::Status s = Writable(); !s.ok()) return s;
  StageTick(now).IgnoreError();
  const size_t epoch = epoch_end_.size();
  if (absl::Status s = AwaitDurable(lock, staged_ops_, epoch); !s.ok()) return s;
  std::vector<StoredDueItem> out;
  for (const auto& [key, bytes] : pending_due_) {
    if (key.first > now || (max_items != 0 && out.size() >= max_items)) break;
    StoredDueItem& stored = out.emplace_back();
    stored.id = key.second;
    ByteReader r(bytes);
    if (!DecodeDueItem(r, &stored.item)) {  // checked when taken or loaded
      return absl::InternalError(absl::StrCat(options_.name, ": due item ", key.second,
                                              " does not decode: ", r.error()));
    }
  }
  return out;
}

absl::StatusOr<size_t> StoreCore::Confirm(absl::Span<const int64_t> ids) {
  std::unique_lock<std::mutex> lock(mu_);
  if (absl::Status s = Writable(); !s.ok()) return s;
  size_t n = 0;
  for (int64_t id : ids) {
    auto it = due_at_.find(id);
    if (it == due_at_.end()) continue;
    pending_due_.erase(std::make_pair(it->second, id));
    due_at_.erase(it);
    StoreOp op;
    op.type = StoreOp::kDueDelete;
    op.key = id;
    Stage(std::move(op));
    ++n;
  }
  if (n == 0) return n;
  const size_t epoch = epoch_end_.size();
  if (absl::Status s = AwaitDurable(lock, staged_ops_, epoch); !s.ok()) return s;
  return n;
}

absl::Status StoreCore::Snapshot() {
  std::unique_lock<std::mutex> lock(mu_);
  if (absl::Status s = Writable(); !s.ok()) return s;
  StageSnapshot(/*background=*/false);
  const size_t epoch = epoch_end_.size();
  return AwaitDurable(lock, staged_ops_, epoch);
}

absl::Status StoreCore::Commit(std::vector<StoreOp> extra) {
  std::unique_lock<std::mutex> lock(mu_);
  if (absl::Status s = Writable(); !s.ok()) return s;
  for (StoreOp& op : extra) Stage(std::move(op));
  const size_t epoch = epoch_end_.size();
  return AwaitDurable(lock, staged_ops_, epoch);
}

absl::StatusOr<ReplayReport> StoreCore::Report(std::optional<Timestamp> until) const {
  std::string shop_bytes, builder_bytes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (final_taken_) return FinalTaken();
    shop_bytes = shop_->Save();
    ByteWriter w(&builder_bytes);
    builder_->SaveAll(w);
  }
  return ReportFromSaved(shop_bytes, builder_bytes, options_.shop, replay_options_,
                         options_.max_items_kept, until);
}

absl::StatusOr<ReplayReport> StoreCore::FinalReport(std::optional<Timestamp> until) {
  std::unique_lock<std::mutex> lock(mu_);
  if (final_taken_) return FinalTaken();
  // What other calls staged goes in first (their callers wait for it); a
  // store that writes no more (read-only, or after a failed write) reports
  // what it holds, as Report does.
  if (Writable().ok()) {
    const size_t epoch = epoch_end_.size();
    if (absl::Status s = AwaitDurable(lock, staged_ops_, epoch); !s.ok()) return s;
  }
  final_taken_ = true;
  refused_ = FinalTaken();
  // What falls due by `until` is the report's now, not a delivery.
  builder_->SetOnTaken(nullptr);
  replay_options_.until = until;  // the builder's options
  builder_->Close(until);
  builder_->Finalize();
  ReplayReport report = std::move(*report_);
  report.shop = shop_;
  return report;
}

absl::Status StoreCore::Ended() const {
  std::lock_guard<std::mutex> lock(mu_);
  return final_taken_ ? FinalTaken() : absl::OkStatus();
}

absl::Status StoreCore::FinalTaken() const {
  return absl::FailedPreconditionError(
      absl::StrCat(options_.name, ": its final report was taken (open it again to go on)"));
}

int64_t StoreCore::journal_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_seq_;
}

int64_t StoreCore::snapshot_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_seq_;
}

size_t StoreCore::pending_due() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_due_.size();
}

int64_t StoreCore::commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commits_;
}

}  // namespace kefu::internal
