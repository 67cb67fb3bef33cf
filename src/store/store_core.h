// store_core.h: what every store (kefu/engine/store.h) shares, whatever
// database keeps its rows: the in-memory shop and its report, the journal
// rows each event and tick makes (kefu's binary encodings: one format for
// every store, so a shop moves between them by copying rows), the snapshot
// (KEFUSNAP), due item ids, and the group-commit pipeline. A store supplies a
// StoreBackend that writes a batch of rows in one transaction and reads them
// back. Private.
//
// Threading: StoreCore's public operations may be called from several
// threads. One mutex serializes what changes the in-memory state: the shop,
// the report builder, the due items pending, and the rows staged for the
// next commit. An operation stages its rows under it, then waits until a
// commit holding them is done. Whoever finds no commit running becomes the
// committer: it takes every row staged so far, has the backend write them
// in one transaction outside the mutex (others keep staging meanwhile) and
// wakes the waiters; one of the waiters whose rows came later commits next.
// A long ApplyBatch that finds no commit running is the committer from its
// start: it hands its rows over in parts to a writer thread of its own
// (PartWriter; backends that WritesInParts), which encodes and writes them
// in the open transaction while the batch's next events are applied.
//
// A commit that fails fails every row staged and not yet durable: the shop
// holds their changes, so the core has the backend load the state again
// from what is durable, where none of them is, and their callers get the
// error. A store whose backend cannot load again refuses every later call.
#ifndef KEFU_STORE_STORE_CORE_H_
#define KEFU_STORE_STORE_CORE_H_

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/store.h"
#include "kefu/io/replay.h"

namespace kefu::internal {

class ReplayBuilder;

// Journal row kinds and results, as stored.
enum StoreRowKind : int { kEventRow = 0, kTickRow = 1 };
enum StoreRowResult : int {
  kRowApplied = 0,
  kRowRefused = 1,
  kRowDuplicate = 2,
  kRowRejected = 3,
  kRowTick = 4
};

// CRC-32 of a journal row's fields, and of a due row.
uint32_t JournalRowCrc(int64_t seq, int kind, std::string_view body, int result,
                       std::string_view outcome);
uint32_t DueRowCrc(int64_t id, std::string_view item);

struct StoreOp;

// A journal entry in a chunk (a store that keeps consecutive entries in one
// row, as SQLite's does): varint kind, varint result, the body and the
// outcome as length-prefixed bytes. The entry's seq is its place in the
// chunk.
struct JournalEntry {
  int kind = 0;
  int result = 0;
  std::string_view body;
  std::string_view outcome;
};
// Appends `op` (a kJournal op) to `chunk`.
void AppendJournalEntry(const StoreOp& op, std::string* chunk);
// Reads a chunk's entries in order; the views point into the chunk.
class JournalChunkReader {
 public:
  explicit JournalChunkReader(std::string_view chunk) : rest_(chunk) {}
  // The next entry; false at the end or on malformed bytes (then !ok()).
  bool Next(JournalEntry* e);
  bool ok() const { return ok_; }

 private:
  bool Varint(uint64_t* v);
  bool Bytes(std::string_view* v);
  std::string_view rest_;
  bool ok_ = true;
};

// One row of a commit.
struct StoreOp {
  enum Type {
    kJournal,    // key: seq; kind, result, body (event or tick), outcome, event_id
    kDueInsert,  // key: due id; body: the item (EncodeDueItem); at: its time
    kDueDelete,  // key: due id
    kSnapshot,   // key: seq; body: the snapshot (drops the journal up to it);
                 // `background`: see below
    kInput,      // key: a backend's input row consumed (body: an error, or empty)
  } type = kJournal;
  int64_t key = 0;
  int kind = 0;
  int result = 0;
  std::string body;
  std::string outcome;
  std::string event_id;  // kJournal events
  Timestamp at;          // kDueInsert
  // A kSnapshot the core took on its own (snapshot_every), not one a caller
  // waits for (Snapshot()): a backend may write it across this commit and
  // later ones (StoreBackend::WriteIdle), and it counts only once written
  // whole. The backend may take its body.
  bool background = false;
  // A kJournal event row whose body and outcome are not encoded yet: the
  // event and its result (Shop::Apply's), encoded (into body and outcome) by the thread
  // that writes the row (StoreCore's PartWriter) before the backend sees
  // it. Both outlive the commit.
  const ShopEvent* deferred_event = nullptr;
  const absl::StatusOr<Outcome>* deferred_result = nullptr;
};
// Encodes a deferred row's body and outcome (StoreOp::deferred_event and
// deferred_result); a row already encoded is left as it is.
void EncodeDeferred(StoreOp* op);

// What the state is after a commit: written with it, checked on loading.
struct CommitMark {
  int64_t last_seq = 0;     // the journal's last entry
  int64_t due_pending = 0;  // due items taken and not confirmed (as tracked)
  int64_t next_due_id = 1;  // the id the next due item gets
};

class StoreCore;

// The database under a store.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // Writes `ops` in one transaction with `mark`; all or nothing. The ops
  // are the backend's to change (a background snapshot's body taken).
  virtual absl::Status Write(std::vector<StoreOp>& ops, const CommitMark& mark) = 0;
  // One transaction written in parts: a long batch's rows, handed over in
  // slices by the thread applying it while it goes on applying, written by
  // another thread (StoreCore's PartWriter). BeginParts opens the
  // transaction, WritePart writes a slice (slices come in order), EndParts
  // writes `mark` and commits; after an error (of any of them) AbortParts
  // rolls back, and nothing of it is durable. A backend that writes in
  // parts says so (WritesInParts); the others get every batch whole, through
  // Write. The calls of one transaction come from one thread.
  virtual bool WritesInParts() const { return false; }
  virtual absl::Status BeginParts() { return absl::UnimplementedError("no writing in parts"); }
  virtual absl::Status WritePart(std::vector<StoreOp>& ops) {
    (void)ops;
    return absl::UnimplementedError("no writing in parts");
  }
  // Between BeginParts and EndParts, when the writing thread has no part
  // to write (the applying thread has not handed the next one over yet):
  // a little of the backend's own work, written in the same transaction (a
  // background snapshot's next rows). `*more`: whether some is left; once
  // false, the writer asks again only after the next part (which may have
  // brought some). An error fails the transaction as WritePart's does.
  virtual absl::Status WriteIdle(bool* more) {
    *more = false;
    return absl::OkStatus();
  }
  virtual absl::Status EndParts(const CommitMark& mark) {
    (void)mark;
    return absl::UnimplementedError("no writing in parts");
  }
  virtual void AbortParts() {}
  // Rebuilds `core`'s state from what is durable, through its loading
  // calls (Fresh or LoadSnapshot, then ReplayRow for each journal row after
  // it, AddDue or AddDueRows, SetNextDueId). Called with the core's mutex
  // held.
  virtual absl::Status Load(StoreCore& core) = 0;
};

struct StoreCoreOptions {
  ShopOptions shop;
  int64_t snapshot_every = 100000;
  size_t max_items_kept = 1000;
  // Keep the due items taken and not confirmed in memory (Due, Confirm,
  // pending_due). A store whose due rows others delete (PostgreSQL's
  // consumers) reads them from its database instead.
  bool track_due = true;
  // Fill StoreOp::event_id on journal rows (a store that indexes events by
  // id, as PostgreSQL's kefu_event table does).
  bool journal_event_ids = true;
  // Names the store in messages ("store shop.db", "shop S in ...").
  std::string name;
};

class StoreCore {
 public:
  StoreCore(StoreCoreOptions options, StoreBackend* backend);
  ~StoreCore();
  StoreCore(const StoreCore&) = delete;
  StoreCore& operator=(const StoreCore&) = delete;

  // Loads the state through the backend (at open).
  absl::Status Load();
  // Every later write fails with `s` (a read-only store, a lost lease).
  void RefuseWrites(absl::Status s);

  // The ShopStore operations. `extra` rows go into the same commit.
  absl::StatusOr<std::vector<StoredResult>> ApplyBatch(absl::Span<const ShopEvent> events,
                                                       std::vector<StoreOp> extra = {});
  // Takes what fell due by `now` (journaling a tick when it took some) and
  // waits until everything staged is durable.
  absl::Status TakeDue(Timestamp now, std::vector<StoreOp> extra = {});
  // TakeDue, then the pending items due by `now` (track_due).
  absl::StatusOr<std::vector<StoredDueItem>> Due(Timestamp now, size_t max_items);
  absl::StatusOr<size_t> Confirm(absl::Span<const int64_t> ids);  // track_due
  absl::Status Snapshot();
  // Commits `extra` rows alone (with whatever else is staged).
  absl::Status Commit(std::vector<StoreOp> extra);
  const Shop& shop() const { return *shop_; }
  absl::StatusOr<ReplayReport> Report(std::optional<Timestamp> until) const;
  // ReportingStore::FinalReport: the report on the store's own shop and
  // builder (what others staged committed first); every later call fails.
  absl::StatusOr<ReplayReport> FinalReport(std::optional<Timestamp> until);
  // kFailedPrecondition once FinalReport ran, else OK (for a backend's own
  // calls that do not go through the core, as PgStore::Confirm).
  absl::Status Ended() const;

  int64_t journal_seq() const;
  int64_t snapshot_seq() const;
  size_t pending_due() const;
  int64_t commits() const;
  const std::string& name() const { return options_.name; }

  // ------------------------------------------ loading (StoreBackend::Load)
  // A new, empty shop.
  absl::Status Fresh();
  // The state from a snapshot's body, taken as of journal entry `seq`.
  absl::Status LoadSnapshot(std::string_view body, int64_t seq);
  // Applies a journal row again: its seq must follow the last, its checksum
  // (when given) match, and its outcome be the one stored.
  absl::Status ReplayRow(int64_t seq, int kind, std::string_view body, int result,
                         std::string_view outcome, std::optional<uint32_t> crc);
  // ReplayRow in two halves, so that a backend may decode rows on a second
  // thread ahead of the one applying them (SqliteStore does): DecodeRow
  // checks and decodes a row into `*row`, reading nothing of the core but
  // its options (safe on any thread); ApplyRow applies it, reporting what
  // DecodeRow found wrong in the order ReplayRow does.
  struct DecodedRow {
    int64_t seq = 0;
    int kind = 0;
    int result = 0;
    ShopEvent event;         // an event row's
    Timestamp tick;          // a tick row's
    uint64_t revision = 0;   // the policy revision the stored outcome names
    std::string stored;      // the stored outcome's bytes
    absl::Status checksum;   // the row's checksum does not match
    absl::Status error;      // the row does not decode
  };
  void DecodeRow(int64_t seq, int kind, std::string_view body, int result,
                 std::string_view outcome, std::optional<uint32_t> crc, DecodedRow* row) const;
  absl::Status ApplyRow(DecodedRow& row);
  // A due item pending (track_due): its stored bytes and checksum.
  absl::Status AddDue(int64_t id, std::string item, std::optional<uint32_t> crc);
  // Due rows, as a backend reads them for AddDueRows: the items' bytes one
  // after another in blocks of about a MiB (a row read costs no heap block
  // of its own, and no block is copied to grow; AddDue makes each item's
  // string when it keeps it).
  struct DueRows {
    struct Row {
      int64_t id = 0;
      size_t block = 0, offset = 0, size = 0;  // of its item in `blocks`
      std::optional<uint32_t> crc;
    };
    static constexpr size_t kBlockBytes = size_t{1} << 20;
    std::vector<Row> rows;
    std::vector<std::string> blocks;
    void Add(int64_t id, std::string_view item, std::optional<uint32_t> crc) {
      if (blocks.empty() || blocks.back().capacity() - blocks.back().size() < item.size()) {
        blocks.emplace_back().reserve(std::max(kBlockBytes, item.size()));
      }
      std::string& block = blocks.back();
      rows.push_back({id, blocks.size() - 1, block.size(), item.size(), crc});
      block.append(item.data(), item.size());
    }
    std::string_view item(const Row& row) const {
      return std::string_view(blocks[row.block]).substr(row.offset, row.size);
    }
  };
  // AddDue for each row, in order, until one fails: its error. Touches
  // only what AddDue does (never what ReplayRow does), so a backend may run
  // it on a second thread while it replays the journal on its own, and
  // wait for it before anything else (SqliteStore does).
  absl::Status AddDueRows(const DueRows& rows);
  // The id the next due item gets (at least one past every id seen).
  void SetNextDueId(int64_t id);
  int64_t loaded_seq() const { return last_seq_; }
  int64_t loaded_snapshot_seq() const { return snapshot_seq_; }
  size_t loaded_due() const { return pending_due_.size(); }
  int64_t loaded_next_due_id() const { return next_due_id_; }

 private:
  void MakeBuilder();
  void Taken(const DueItem& item);
  void Stage(StoreOp op);
  // `background`: taken on the core's own count (StoreOp::background).
  void StageSnapshot(bool background);
  void MaybeSnapshot();
  std::string EncodeSnapshot() const;
  absl::Status Writable() const;
  absl::Status FinalTaken() const;
  absl::Status AwaitDurable(std::unique_lock<std::mutex>& lock, int64_t mine, size_t epoch);
  class PartWriter;
  void CommitStaged(std::unique_lock<std::mutex>& lock);
  CommitMark MarkNow() const;
  // After a commit of the ops up to number `target`: durable, or failed.
  void Committed(const absl::Status& s, int64_t target);
  void Fail(absl::Status s);
  absl::Status StageTick(Timestamp now);
  // Journal entry `seq` decides otherwise than when it was stored.
  absl::Status Otherwise(int64_t seq, const ShopEvent& event) const;

  StoreCoreOptions options_;
  ReplayOptions replay_options_;
  StoreBackend* backend_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<Shop> shop_;  // shared with a final report
  std::unique_ptr<ReplayReport> report_;
  std::unique_ptr<ReplayBuilder> builder_;
  int64_t last_seq_ = 0;      // the journal's last entry, staged or durable
  int64_t snapshot_seq_ = 0;  // the newest snapshot, staged or durable
  int64_t next_due_id_ = 1;
  // The due items pending, by (at, id): each as its row's bytes (a few
  // hundred, against about 700 for a DueItem and its blocks); AddDue
  // checks that they decode, Due decodes those it hands out.
  std::map<std::pair<Timestamp, int64_t>, std::string> pending_due_;
  DueItem due_scratch_;  // AddDue: the item being checked (its blocks reused)
  absl::flat_hash_map<int64_t, Timestamp> due_at_;                // id -> at
  bool replaying_ = false;  // loading: the items taken are durable already
  std::string replay_scratch_;  // loading: an outcome encoded again
  DecodedRow replay_row_;       // loading, ReplayRow's: a row decoded (its blocks reused)

  // The commit pipeline. Ops are numbered in the order staged.
  std::vector<StoreOp> staged_;
  int64_t staged_ops_ = 0;
  int64_t durable_ops_ = 0;
  int64_t commits_ = 0;
  bool committing_ = false;
  bool final_taken_ = false;  // FinalReport ran: the builder is closed
  // ApplyBatch hands a batch longer than this to the backend in slices of
  // this many events, written by another thread while it applies the next
  // (when the backend WritesInParts and no commit is running).
  static constexpr size_t kPartEvents = 256;
  // Failures: epoch e ended with durable_ops_ == epoch_end_[e].first, and
  // the ops staged after it got epoch_end_[e].second.
  std::vector<std::pair<int64_t, absl::Status>> epoch_end_;
  absl::Status broken_;  // a failure the store could not recover from
  absl::Status refused_;  // RefuseWrites
};

}  // namespace kefu::internal

#endif  // KEFU_STORE_STORE_CORE_H_
