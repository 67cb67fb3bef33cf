// The SQLite store (kefu/store/sqlite_store.h). docs/store.md describes the
// file; the comments here say how the pieces keep the contract.
//
// One mutex (Impl::mu) serializes what changes the in-memory state: the
// shop, the report builder, the due items pending, and the list of rows
// staged for the next commit. An Apply applies its events to the shop and
// stages their journal rows under it, then waits until a commit holding
// them is done. Whoever finds no commit running becomes the committer: it
// takes every row staged so far, writes them in one transaction outside the
// mutex (others keep staging meanwhile) and wakes the waiters; one of the
// waiters whose rows came later commits next. So a batch, or events staged
// by many threads while a commit runs, share one commit.
//
// A commit that fails (a full disk, an I/O error) fails every event staged
// and not yet durable: the shop holds their changes, so the store reloads
// the shop from the file (its snapshot and journal), where none of them is,
// and their callers get the error.
#include "kefu/store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "core/codec.h"
#include "engine/reply_schema.h"
#include "engine/state_codec.h"
#include "io/replay_builder.h"

namespace kefu {
namespace {

constexpr char kStoreKind[] = "kefu-store";
constexpr std::string_view kSnapshotMark = "KEFUSNAP";
constexpr uint64_t kSnapshotFormat = 1;

// Journal row kinds and results.
enum RowKind : int { kEventRow = 0, kTickRow = 1 };
enum RowResult : int { kApplied = 0, kRefused = 1, kDuplicate = 2, kRejected = 3, kTick = 4 };

int ResultOf(const absl::StatusOr<Outcome>& out) {
  if (!out.ok()) return kRejected;
  if (out->audit.duplicate) return kDuplicate;
  return out->refused() ? kRefused : kApplied;
}

// The stored form of an outcome, or of the engine's error for a rejected
// event: compared byte for byte when the journal is applied again.
std::string EncodeResult(const absl::StatusOr<Outcome>& out) {
  std::string bytes;
  internal::ByteWriter w(&bytes);
  if (out.ok()) {
    internal::EncodeOutcome(*out, w);
  } else {
    w.Varint(static_cast<uint64_t>(out.status().code()));
    w.String(internal::FromAbsl(out.status().message()));
  }
  return bytes;
}

// CRC-32 (zlib's, as internal::Crc32) of a row's fields, chained without
// copying them into one buffer.
uint32_t Chain(uLong crc, std::string_view bytes) {
  // (crc32_z with a null buffer returns the initial value, not `crc`: an
  // empty column reads back as a null pointer.)
  if (bytes.empty()) return static_cast<uint32_t>(crc);
  return static_cast<uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

uint32_t RowCrc(int64_t seq, int kind, std::string_view body, int result,
                std::string_view outcome) {
  std::string head;
  internal::ByteWriter w(&head);
  w.Signed(seq);
  w.Varint(static_cast<uint64_t>(kind));
  w.Varint(static_cast<uint64_t>(result));
  w.Varint(body.size());
  w.Varint(outcome.size());
  return Chain(Chain(Chain(crc32_z(0, Z_NULL, 0), head), body), outcome);
}

// An event in kefu's binary encoding (core/codec.h), through the same
// schemas the JSON Lines format uses: the kind, the key, the type's index,
// the meta, the type's fields. Exact, unlike the JSON line (which writes
// ill-formed UTF-8 as U+FFFD and cannot carry an empty id): what the store
// applies again on opening is what it applied.
void EncodeEvent(const ShopEvent& event, internal::ByteWriter& w) {
  const size_t kind = event.event.index();
  w.Varint(kind);
  w.String(event.key);
  std::visit(
      [&](const auto& of_kind) {
        w.Varint(of_kind.index());
        const internal::EventType& type =
            internal::ShopEventSchemas()[kind]->types[of_kind.index()];
        std::visit(
            [&](const auto& e) {
              w.String(e.meta.id);
              w.Time(e.meta.at);
              w.String(e.meta.agent);
              internal::EncodeObject(type.schema, &e, w);
            },
            of_kind);
      },
      event.event);
}

bool DecodeEvent(internal::ByteReader& r, ShopEvent* event) {
  uint64_t kind = 0, index = 0;
  if (!r.Varint(&kind)) return false;
  if (kind >= 4) return r.Fail("an entity kind");
  if (!r.String(&event->key) || !r.Varint(&index)) return false;
  const internal::KindSchema& schema = *internal::ShopEventSchemas()[kind];
  if (index >= schema.types.size()) return r.Fail("an event type");
  const internal::EventType& type = schema.types[index];
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
    default:
      obj = type.emplace(&event->event.emplace<3>());
      break;
  }
  EventMeta* meta = type.meta(obj);
  return r.String(&meta->id) && r.Time(&meta->at) && r.String(&meta->agent) &&
         internal::DecodeObject(type.schema, obj, r);
}

uint32_t DueCrc(int64_t id, std::string_view item) {
  std::string buf;
  internal::ByteWriter w(&buf);
  w.Signed(id);
  w.String(item);
  return internal::Crc32(buf);
}

std::string_view ColumnBlob(sqlite3_stmt* st, int i) {
  const void* p = sqlite3_column_blob(st, i);
  const int n = sqlite3_column_bytes(st, i);
  return p == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(p), n);
}

// A prepared statement, finalized when it goes.
class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(st_); }
  sqlite3_stmt** addr() { return &st_; }
  sqlite3_stmt* get() const { return st_; }

 private:
  sqlite3_stmt* st_ = nullptr;
};

// One row of the next commit.
struct Op {
  enum Type { kJournal, kDueInsert, kDueDelete, kSnapshot } type = kJournal;
  int64_t key = 0;  // seq (journal, snapshot) or due id
  int kind = 0;
  int result = 0;
  std::string body;  // event line, tick time, due item, snapshot
  std::string outcome;
};

}  // namespace

struct SqliteStore::Impl {
  std::string path;
  SqliteStoreOptions options;
  ReplayOptions replay_options;
  sqlite3* db = nullptr;
  int lock_fd = -1;

  mutable std::mutex mu;
  std::condition_variable cv;
  // The state, rebuilt by Load().
  std::unique_ptr<Shop> shop;
  std::unique_ptr<ReplayReport> report;
  std::unique_ptr<internal::ReplayBuilder> builder;
  int64_t last_seq = 0;      // the journal's last entry, staged or durable
  int64_t snapshot_seq = 0;  // the newest snapshot, staged or durable
  int64_t next_due_id = 1;
  std::map<std::pair<Timestamp, int64_t>, DueItem> pending_due;  // by (at, id)
  absl::flat_hash_map<int64_t, Timestamp> due_at;                // id -> at
  bool replaying = false;     // Load applies the journal: items are in the file
  int64_t meta_last_seq = 0;  // what the meta table says the last commit left
  int64_t meta_due_rows = 0;

  // The commit pipeline. Ops are numbered in the order staged.
  std::vector<Op> staged;
  int64_t staged_ops = 0;
  int64_t durable_ops = 0;
  int64_t commits = 0;
  bool committing = false;
  // Failures: epoch e ended with durable_ops == epoch_end[e].first, and the
  // ops staged after it got epoch_end[e].second.
  std::vector<std::pair<int64_t, absl::Status>> epoch_end;
  absl::Status broken;  // a failure the store could not recover from

  ~Impl() {
    builder.reset();
    if (db != nullptr) sqlite3_close(db);
    if (lock_fd >= 0) close(lock_fd);
  }

  // ------------------------------------------------------------- errors

  absl::Status SqlError(int rc, const std::string& what) const {
    const std::string msg = absl::StrCat("store ", path, ": ", what, ": ",
                                         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    switch (rc & 0xff) {
      case SQLITE_NOTADB:
        return absl::InvalidArgumentError(
            absl::StrCat("store ", path, " is not a kefu store (", sqlite3_errstr(rc), ")"));
      case SQLITE_CORRUPT:
        return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: ", what, ": ",
                                                db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
      case SQLITE_FULL:
        return absl::ResourceExhaustedError(msg);
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return absl::FailedPreconditionError(msg);
      default:
        return absl::UnavailableError(msg);
    }
  }

  absl::Status Exec(const char* sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) return SqlError(rc, sql);
    return absl::OkStatus();
  }

  absl::Status Prepare(const char* sql, Stmt* st) {
    const int rc = sqlite3_prepare_v2(db, sql, -1, st->addr(), nullptr);
    if (rc != SQLITE_OK) return SqlError(rc, sql);
    return absl::OkStatus();
  }

  // ------------------------------------------------------------- loading

  absl::Status Fresh() {
    ShopOptions shop_options = options.shop;
    shop_options.max_findings_per_agent = options.max_items_kept;
    absl::StatusOr<std::unique_ptr<Shop>> s = Shop::Create(std::move(shop_options));
    if (!s.ok()) return s.status();
    shop = *std::move(s);
    MakeBuilder();
    return absl::OkStatus();
  }

  void MakeBuilder() {
    report = std::make_unique<ReplayReport>();
    builder = std::make_unique<internal::ReplayBuilder>(replay_options, *shop, *report);
    builder->SetOnTaken([this](const DueItem& item) { Taken(item); });
  }

  // An item the builder took from the shop: pending delivery, and a row of
  // the next commit (unless the journal is being applied again: then it is
  // in the file already).
  void Taken(const DueItem& item) {
    if (replaying) return;
    const int64_t id = next_due_id++;
    Op op;
    op.type = Op::kDueInsert;
    op.key = id;
    internal::ByteWriter w(&op.body);
    internal::EncodeDueItem(item, w);
    Stage(std::move(op));
    pending_due.emplace(std::make_pair(item.at, id), item);
    due_at.emplace(id, item.at);
  }

  absl::Status DecodeSnapshot(std::string_view body, int64_t seq) {
    const std::string where = absl::StrCat("store ", path, " is corrupted: snapshot ", seq);
    if (body.substr(0, kSnapshotMark.size()) != kSnapshotMark || body.size() < 12) {
      return absl::DataLossError(absl::StrCat(where, " has no KEFUSNAP mark"));
    }
    internal::ByteReader tail(body.substr(body.size() - 4));
    uint32_t crc = 0;
    if (!tail.Fixed32(&crc) || crc != internal::Crc32(body.substr(0, body.size() - 4))) {
      return absl::DataLossError(absl::StrCat(where, ": its checksum does not match"));
    }
    internal::ByteReader r(
        body.substr(kSnapshotMark.size(), body.size() - 4 - kSnapshotMark.size()));
    uint64_t format = 0;
    std::string shop_bytes;
    if (!r.Varint(&format)) return absl::DataLossError(absl::StrCat(where, ": ", r.error()));
    if (format != kSnapshotFormat) {
      return absl::FailedPreconditionError(
          absl::StrCat("store ", path, ": snapshot ", seq, " has format ", format,
                       "; this build of kefu reads format ", kSnapshotFormat));
    }
    if (!r.String(&shop_bytes)) return absl::DataLossError(absl::StrCat(where, ": ", r.error()));
    ShopOptions shop_options = options.shop;
    shop_options.max_findings_per_agent = options.max_items_kept;
    absl::StatusOr<std::unique_ptr<Shop>> s = Shop::Load(shop_bytes, std::move(shop_options));
    if (!s.ok()) {
      return absl::Status(s.status().code(), absl::StrCat(where, ": ", s.status().message()));
    }
    shop = *std::move(s);
    MakeBuilder();
    if (!builder->LoadAll(r) || !r.at_end()) {
      return absl::DataLossError(
          absl::StrCat(where, ": ", r.ok() ? "bytes after the end" : r.error()));
    }
    return absl::OkStatus();
  }

  std::string EncodeSnapshot() const {
    std::string body(kSnapshotMark);
    internal::ByteWriter w(&body);
    w.Varint(kSnapshotFormat);
    w.String(shop->Save());
    builder->SaveAll(w);
    w.Fixed32(internal::Crc32(body));
    return body;
  }

  // Checks the file is a kefu store this build reads.
  absl::Status CheckMeta() {
    Stmt st;
    int rc = sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, st.addr(), nullptr);
    if (rc != SQLITE_OK) {
      if ((rc & 0xff) == SQLITE_ERROR) {  // no such table
        return absl::InvalidArgumentError(
            absl::StrCat("store ", path, " is not a kefu store (it has no kefu meta table)"));
      }
      return SqlError(rc, "reading the meta table");
    }
    std::string kind;
    int64_t format = -1;
    meta_last_seq = 0;
    meta_due_rows = 0;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      const std::string_view key = ColumnBlob(st.get(), 0);
      if (key == "kind") kind = std::string(ColumnBlob(st.get(), 1));
      if (key == "format") format = sqlite3_column_int64(st.get(), 1);
      if (key == "last_seq") meta_last_seq = sqlite3_column_int64(st.get(), 1);
      if (key == "due_rows") meta_due_rows = sqlite3_column_int64(st.get(), 1);
    }
    if (rc != SQLITE_DONE) return SqlError(rc, "reading the meta table");
    if (kind != kStoreKind) {
      return absl::InvalidArgumentError(
          absl::StrCat("store ", path, " is not a kefu store (its meta table has no kind \"",
                       kStoreKind, "\")"));
    }
    if (format > kFormat) {
      return absl::FailedPreconditionError(
          absl::StrCat("store ", path, " has format ", format, "; this build of kefu reads format ",
                       kFormat, " (it was written by a newer kefu)"));
    }
    if (format < 1) {
      return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: format ", format));
    }
    return absl::OkStatus();
  }

  // The state from the file: the newest snapshot, the journal after it
  // applied again (each outcome checked against the one stored), the due
  // items pending. Runs in one read transaction.
  absl::Status Load() {
    absl::Status s = Exec("BEGIN");
    if (!s.ok()) return s;
    s = LoadInTransaction();
    sqlite3_exec(db, s.ok() ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }

  absl::Status LoadInTransaction() {
    absl::Status s = CheckMeta();
    if (!s.ok()) return s;
    pending_due.clear();
    due_at.clear();
    staged.clear();
    snapshot_seq = 0;
    {
      // The newest snapshot, in its parts (rows of at most
      // snapshot_part_bytes: SQLite refuses a value over 1 GB).
      Stmt st;
      if (s = Prepare("SELECT seq, part, body FROM snapshot "
                      "WHERE seq = (SELECT max(seq) FROM snapshot) ORDER BY part",
                      &st);
          !s.ok()) {
        return s;
      }
      std::string body;
      int64_t parts = 0;
      int rc;
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        snapshot_seq = sqlite3_column_int64(st.get(), 0);
        if (sqlite3_column_int64(st.get(), 1) != parts) {
          return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: snapshot ",
                                                  snapshot_seq, " lacks part ", parts));
        }
        ++parts;
        body += ColumnBlob(st.get(), 2);
      }
      if (rc != SQLITE_DONE) return SqlError(rc, "reading the snapshot");
      if (parts > 0) {
        if (s = DecodeSnapshot(body, snapshot_seq); !s.ok()) return s;
      } else if (s = Fresh(); !s.ok()) {
        return s;
      }
    }
    last_seq = snapshot_seq;
    {
      Stmt st;
      if (s = Prepare("SELECT seq, kind, body, result, outcome, crc FROM journal "
                      "WHERE seq > ? ORDER BY seq",
                      &st);
          !s.ok()) {
        return s;
      }
      sqlite3_bind_int64(st.get(), 1, snapshot_seq);
      replaying = true;
      int rc;
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        s = ApplyJournalRow(st.get());
        if (!s.ok()) break;
      }
      replaying = false;
      if (!s.ok()) return s;
      if (rc != SQLITE_DONE) return SqlError(rc, "reading the journal");
      if (last_seq != meta_last_seq) {
        return absl::DataLossError(
            absl::StrCat("store ", path, " is corrupted: its journal ends at entry ", last_seq,
                         ", its last commit wrote entry ", meta_last_seq));
      }
    }
    {
      Stmt st;
      if (s = Prepare("SELECT id, item, crc FROM due ORDER BY id", &st); !s.ok()) return s;
      int rc;
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        const int64_t id = sqlite3_column_int64(st.get(), 0);
        const std::string_view bytes = ColumnBlob(st.get(), 1);
        DueItem item;
        internal::ByteReader r(bytes);
        if (static_cast<uint32_t>(sqlite3_column_int64(st.get(), 2)) != DueCrc(id, bytes) ||
            !internal::DecodeDueItem(r, &item) || !r.at_end()) {
          return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: due item ", id,
                                                  " does not match its checksum"));
        }
        due_at.emplace(id, item.at);
        pending_due.emplace(std::make_pair(item.at, id), std::move(item));
      }
      if (rc != SQLITE_DONE) return SqlError(rc, "reading the due items");
      if (static_cast<int64_t>(pending_due.size()) != meta_due_rows) {
        return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: it holds ",
                                                pending_due.size(),
                                                " due items, its last "
                                                "commit left ",
                                                meta_due_rows));
      }
    }
    {
      Stmt st;
      if (s = Prepare("SELECT seq FROM sqlite_sequence WHERE name = 'due'", &st); !s.ok()) {
        return s;
      }
      const int rc = sqlite3_step(st.get());
      next_due_id = 1;
      if (rc == SQLITE_ROW) {
        next_due_id = sqlite3_column_int64(st.get(), 0) + 1;
      } else if (rc != SQLITE_DONE) {
        return SqlError(rc, "reading the due items' sequence");
      }
      for (const auto& [id, at] : due_at) next_due_id = std::max(next_due_id, id + 1);
    }
    return absl::OkStatus();
  }

  absl::Status ApplyJournalRow(sqlite3_stmt* st) {
    const int64_t seq = sqlite3_column_int64(st, 0);
    const int kind = sqlite3_column_int(st, 1);
    const std::string_view body = ColumnBlob(st, 2);
    const int result = sqlite3_column_int(st, 3);
    const std::string_view stored = ColumnBlob(st, 4);
    const std::string where = absl::StrCat("store ", path, " is corrupted: journal entry ", seq);
    if (static_cast<uint32_t>(sqlite3_column_int64(st, 5)) !=
        RowCrc(seq, kind, body, result, stored)) {
      return absl::DataLossError(absl::StrCat(where, " does not match its checksum"));
    }
    if (seq != last_seq + 1) {
      return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: journal entry ",
                                              last_seq + 1, " is missing"));
    }
    last_seq = seq;
    if (kind == kTickRow) {
      internal::ByteReader r(body);
      Timestamp t;
      if (!r.Time(&t) || !r.at_end() || result != kTick) {
        return absl::DataLossError(absl::StrCat(where, ": not a tick"));
      }
      builder->CollectDue(t);
      return absl::OkStatus();
    }
    if (kind != kEventRow) return absl::DataLossError(absl::StrCat(where, ": unknown kind"));
    ShopEvent event;
    internal::ByteReader er(body);
    if (!DecodeEvent(er, &event) || !er.at_end()) {
      return absl::DataLossError(
          absl::StrCat(where, ": ", er.ok() ? "bytes after the event" : er.error()));
    }
    ++report->lines;
    absl::StatusOr<Outcome> out = builder->Feed(event, seq);
    if (ResultOf(out) != result || EncodeResult(out) != stored) {
      return absl::DataLossError(absl::StrCat(
          "store ", path, ": journal entry ", seq, " (event ", MetaOf(event).id,
          ") decides otherwise than when it was stored: the store was written with other "
          "options (policies, calendar) or by another version of kefu, or is corrupted"));
    }
    return absl::OkStatus();
  }

  // ------------------------------------------------------------- writing

  void Stage(Op op) {
    staged.push_back(std::move(op));
    ++staged_ops;
  }

  // Stages a snapshot of the state as it is now (every staged event in it).
  void StageSnapshot() {
    Op op;
    op.type = Op::kSnapshot;
    op.key = last_seq;
    op.body = EncodeSnapshot();
    Stage(std::move(op));
    snapshot_seq = last_seq;
  }

  void MaybeSnapshot() {
    if (last_seq - snapshot_seq >= options.snapshot_every) StageSnapshot();
  }

  // Writes `batch` in one transaction, with the journal's last entry and
  // the count of due items pending after it (checked by Load: a journal or
  // due table that lost rows at its end is not taken for a whole one).
  absl::Status WriteBatch(const std::vector<Op>& batch, int64_t end_seq, int64_t due_rows) {
    absl::Status s = Exec("BEGIN IMMEDIATE");
    if (!s.ok()) return s;
    s = WriteOps(batch);
    if (s.ok()) {
      const std::string sql = absl::StrCat("INSERT OR REPLACE INTO meta VALUES ('last_seq', ",
                                           end_seq, "), ('due_rows', ", due_rows, ")");
      s = Exec(sql.c_str());
    }
    if (s.ok()) s = Exec("COMMIT");
    if (!s.ok()) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }

  absl::Status WriteOps(const std::vector<Op>& batch) {
    Stmt journal, due_insert, due_delete, snap, drop_journal, drop_snaps;
    absl::Status s;
    for (const Op& op : batch) {
      int rc = SQLITE_DONE;
      switch (op.type) {
        case Op::kJournal:
          if (!journal.get() &&
              !(s = Prepare("INSERT INTO journal(seq, kind, body, result, outcome, crc) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            &journal))
                   .ok()) {
            return s;
          }
          sqlite3_bind_int64(journal.get(), 1, op.key);
          sqlite3_bind_int(journal.get(), 2, op.kind);
          sqlite3_bind_blob(journal.get(), 3, op.body.data(), static_cast<int>(op.body.size()),
                            SQLITE_STATIC);
          sqlite3_bind_int(journal.get(), 4, op.result);
          sqlite3_bind_blob(journal.get(), 5, op.outcome.data(),
                            static_cast<int>(op.outcome.size()), SQLITE_STATIC);
          sqlite3_bind_int64(journal.get(), 6,
                             RowCrc(op.key, op.kind, op.body, op.result, op.outcome));
          rc = sqlite3_step(journal.get());
          sqlite3_reset(journal.get());
          break;
        case Op::kDueInsert:
          if (!due_insert.get() &&
              !(s = Prepare("INSERT INTO due(id, item, crc) VALUES (?, ?, ?)", &due_insert)).ok()) {
            return s;
          }
          sqlite3_bind_int64(due_insert.get(), 1, op.key);
          sqlite3_bind_blob(due_insert.get(), 2, op.body.data(), static_cast<int>(op.body.size()),
                            SQLITE_STATIC);
          sqlite3_bind_int64(due_insert.get(), 3, DueCrc(op.key, op.body));
          rc = sqlite3_step(due_insert.get());
          sqlite3_reset(due_insert.get());
          break;
        case Op::kDueDelete:
          if (!due_delete.get() &&
              !(s = Prepare("DELETE FROM due WHERE id = ?", &due_delete)).ok()) {
            return s;
          }
          sqlite3_bind_int64(due_delete.get(), 1, op.key);
          rc = sqlite3_step(due_delete.get());
          sqlite3_reset(due_delete.get());
          break;
        case Op::kSnapshot: {
          if (!snap.get()) {
            if (!(s = Prepare("INSERT INTO snapshot(seq, part, body) VALUES (?, ?, ?)", &snap))
                     .ok() ||
                !(s = Prepare("DELETE FROM journal WHERE seq <= ?", &drop_journal)).ok() ||
                !(s = Prepare("DELETE FROM snapshot WHERE seq <= ?", &drop_snaps)).ok()) {
              return s;
            }
          }
          sqlite3_bind_int64(drop_snaps.get(), 1, op.key);
          rc = sqlite3_step(drop_snaps.get());
          sqlite3_reset(drop_snaps.get());
          const size_t part_bytes = static_cast<size_t>(options.snapshot_part_bytes);
          for (size_t at = 0, part = 0; rc == SQLITE_DONE && (at < op.body.size() || part == 0);
               at += part_bytes, ++part) {
            const size_t n = std::min(part_bytes, op.body.size() - at);
            sqlite3_bind_int64(snap.get(), 1, op.key);
            sqlite3_bind_int64(snap.get(), 2, static_cast<int64_t>(part));
            sqlite3_bind_blob(snap.get(), 3, op.body.data() + at, static_cast<int>(n),
                              SQLITE_STATIC);
            rc = sqlite3_step(snap.get());
            sqlite3_reset(snap.get());
          }
          if (rc != SQLITE_DONE) break;
          sqlite3_bind_int64(drop_journal.get(), 1, op.key);
          rc = sqlite3_step(drop_journal.get());
          sqlite3_reset(drop_journal.get());
          break;
        }
      }
      if (rc != SQLITE_DONE) return SqlError(rc, "writing");
    }
    return absl::OkStatus();
  }

  // Waits, under `lock`, until op number `mine` (staged in `epoch`) is
  // durable, committing what is staged when nobody else is. The error of
  // the commit that failed it otherwise.
  absl::Status AwaitDurable(std::unique_lock<std::mutex>& lock, int64_t mine, size_t epoch) {
    for (;;) {
      if (epoch < epoch_end.size()) {
        if (mine <= epoch_end[epoch].first) return absl::OkStatus();
        return epoch_end[epoch].second;
      }
      if (durable_ops >= mine) return absl::OkStatus();
      if (!committing) {
        CommitStaged(lock);
        continue;
      }
      cv.wait(lock);
    }
  }

  void CommitStaged(std::unique_lock<std::mutex>& lock) {
    committing = true;
    std::vector<Op> batch = std::move(staged);
    staged.clear();
    const int64_t target = staged_ops;
    const int64_t end_seq = last_seq;
    const int64_t due_rows = static_cast<int64_t>(pending_due.size());
    lock.unlock();
    absl::Status s = WriteBatch(batch, end_seq, due_rows);
    lock.lock();
    committing = false;
    if (s.ok()) {
      durable_ops = target;
      ++commits;
    } else {
      Fail(absl::Status(s.code(),
                        absl::StrCat("not stored (nothing of it is acknowledged): ", s.message())));
    }
    cv.notify_all();
  }

  // A commit failed: every op not durable fails, and the state goes back to
  // what the file holds.
  void Fail(absl::Status s) {
    epoch_end.emplace_back(durable_ops, s);
    staged.clear();
    staged_ops = durable_ops;
    absl::Status reload = Load();
    if (!reload.ok()) {
      broken = absl::Status(
          reload.code(),
          absl::StrCat("store ", path, " stopped after a failed write: ", reload.message()));
    }
  }

  absl::Status Writable() const {
    if (options.read_only) {
      return absl::FailedPreconditionError(absl::StrCat("store ", path, " is open read-only"));
    }
    return broken;
  }

  // ------------------------------------------------------------- opening

  absl::Status Create() {
    // Built beside the path, then renamed: the path is a whole store or
    // nothing.
    const std::string tmp = path + ".creating";
    std::remove(tmp.c_str());
    sqlite3* t = nullptr;
    int rc = sqlite3_open_v2(tmp.c_str(), &t, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    absl::Status s;
    if (rc == SQLITE_OK) {
      const std::string sql = absl::StrCat(
          "PRAGMA journal_mode=WAL;"
          "BEGIN;"
          "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
          "INSERT INTO meta VALUES ('kind', '",
          kStoreKind, "'), ('format', ", kFormat,
          ");"
          "CREATE TABLE journal(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, "
          "  body BLOB NOT NULL, result INTEGER NOT NULL, outcome BLOB NOT NULL, "
          "  crc INTEGER NOT NULL);"
          "CREATE TABLE snapshot(seq INTEGER NOT NULL, part INTEGER NOT NULL, "
          "  body BLOB NOT NULL, PRIMARY KEY (seq, part)) WITHOUT ROWID;"
          "CREATE TABLE due(id INTEGER PRIMARY KEY AUTOINCREMENT, item BLOB NOT NULL, "
          "  crc INTEGER NOT NULL);"
          "COMMIT;");
      char* err = nullptr;
      rc = sqlite3_exec(t, sql.c_str(), nullptr, nullptr, &err);
      if (rc != SQLITE_OK) {
        s = absl::UnavailableError(
            absl::StrCat("cannot create store ", path, ": ", err ? err : sqlite3_errstr(rc)));
      }
      sqlite3_free(err);
    } else {
      s = absl::UnavailableError(
          absl::StrCat("cannot create store ", path, ": ", sqlite3_errstr(rc)));
    }
    rc = sqlite3_close(t);
    if (s.ok() && rc != SQLITE_OK) {
      s = absl::UnavailableError(
          absl::StrCat("cannot create store ", path, ": ", sqlite3_errstr(rc)));
    }
    if (s.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
      s = absl::UnavailableError(
          absl::StrCat("cannot create store ", path, ": ", std::strerror(errno)));
    }
    if (!s.ok()) std::remove(tmp.c_str());
    return s;
  }

  absl::Status Open() {
    if (options.snapshot_every <= 0) {
      return absl::InvalidArgumentError("SqliteStoreOptions::snapshot_every must be > 0");
    }
    if (options.snapshot_part_bytes <= 0 || options.snapshot_part_bytes > (1 << 30)) {
      return absl::InvalidArgumentError(
          "SqliteStoreOptions::snapshot_part_bytes must be in (0, 1 GiB]");
    }
    replay_options.max_items_kept = options.max_items_kept;
    replay_options.shop = options.shop;
    struct stat st {};
    const bool exists = stat(path.c_str(), &st) == 0;
    if (!exists && errno != ENOENT) {
      return absl::UnavailableError(
          absl::StrCat("cannot open store ", path, ": ", std::strerror(errno)));
    }
    if (exists && !S_ISREG(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("store ", path, " is not a kefu store (not a regular file)"));
    }
    if (exists && st.st_size == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("store ", path, " is not a kefu store (an empty file)"));
    }
    if (!options.read_only) {
      // One writer: a lock file beside the store, held while it is open.
      const std::string lock_path = path + "-lock";
      lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (lock_fd < 0) {
        return absl::UnavailableError(
            absl::StrCat("cannot open ", lock_path, ": ", std::strerror(errno)));
      }
      if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "store ", path, " is open for writing by another process (", lock_path, " is locked)"));
      }
      if (!exists) {
        if (absl::Status s = Create(); !s.ok()) return s;
      }
    } else if (!exists) {
      return absl::NotFoundError(absl::StrCat("no store at ", path));
    }
    const int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) return SqlError(rc, "opening");
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    // Is it ours? Before any pragma writes to it: a file that is not a kefu
    // store is left as it was.
    if (absl::Status s = CheckMeta(); !s.ok()) return s;
    if (!options.read_only) {
      if (absl::Status s = Exec("PRAGMA journal_mode=WAL"); !s.ok()) return s;
      if (options.max_pages > 0) {
        const std::string pragma = absl::StrCat("PRAGMA max_page_count=", options.max_pages);
        if (absl::Status s = Exec(pragma.c_str()); !s.ok()) return s;
      }
      if (absl::Status s =
              Exec(options.durability == Durability::kFull ? "PRAGMA synchronous=FULL"
                                                           : "PRAGMA synchronous=NORMAL");
          !s.ok()) {
        return s;
      }
    }
    return Load();
  }
};

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                               SqliteStoreOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = std::move(options);
  if (absl::Status s = impl->Open(); !s.ok()) return s;
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

absl::StatusOr<StoredResult> SqliteStore::Apply(const ShopEvent& event) {
  absl::StatusOr<std::vector<StoredResult>> r = ApplyBatch(absl::MakeConstSpan(&event, 1));
  if (!r.ok()) return r.status();
  return std::move((*r)[0]);
}

absl::StatusOr<std::vector<StoredResult>> SqliteStore::ApplyBatch(
    absl::Span<const ShopEvent> events) {
  Impl& m = *impl_;
  std::unique_lock<std::mutex> lock(m.mu);
  if (absl::Status s = m.Writable(); !s.ok()) return s;
  std::vector<StoredResult> results;
  results.reserve(events.size());
  for (const ShopEvent& event : events) {
    const int64_t seq = ++m.last_seq;
    ++m.report->lines;
    absl::StatusOr<Outcome> out = m.builder->Feed(event, seq);
    Op op;
    op.type = Op::kJournal;
    op.key = seq;
    op.kind = kEventRow;
    op.result = ResultOf(out);
    {
      internal::ByteWriter w(&op.body);
      EncodeEvent(event, w);
    }
    op.outcome = EncodeResult(out);
    m.Stage(std::move(op));
    results.push_back(StoredResult{std::move(out), seq});
    m.MaybeSnapshot();
  }
  const size_t epoch = m.epoch_end.size();
  if (absl::Status s = m.AwaitDurable(lock, m.staged_ops, epoch); !s.ok()) return s;
  return results;
}

absl::StatusOr<std::vector<StoredDueItem>> SqliteStore::Due(Timestamp now, size_t max_items) {
  Impl& m = *impl_;
  std::unique_lock<std::mutex> lock(m.mu);
  if (absl::Status s = m.Writable(); !s.ok()) return s;
  const int64_t before = m.staged_ops;
  m.builder->CollectDue(now);
  if (m.staged_ops != before) {  // it took something: journal the tick
    Op op;
    op.type = Op::kJournal;
    op.key = ++m.last_seq;
    op.kind = kTickRow;
    op.result = kTick;
    internal::ByteWriter w(&op.body);
    w.Time(now);
    m.Stage(std::move(op));
    m.MaybeSnapshot();
  }
  // Wait for whatever is staged: the items returned must be durable (also
  // those another thread's Apply took and has not committed yet).
  const size_t epoch = m.epoch_end.size();
  if (absl::Status s = m.AwaitDurable(lock, m.staged_ops, epoch); !s.ok()) return s;
  std::vector<StoredDueItem> out;
  for (const auto& [key, item] : m.pending_due) {
    if (key.first > now || (max_items != 0 && out.size() >= max_items)) break;
    out.push_back(StoredDueItem{key.second, item});
  }
  return out;
}

absl::StatusOr<size_t> SqliteStore::Confirm(absl::Span<const int64_t> ids) {
  Impl& m = *impl_;
  std::unique_lock<std::mutex> lock(m.mu);
  if (absl::Status s = m.Writable(); !s.ok()) return s;
  size_t n = 0;
  for (int64_t id : ids) {
    auto it = m.due_at.find(id);
    if (it == m.due_at.end()) continue;
    m.pending_due.erase(std::make_pair(it->second, id));
    m.due_at.erase(it);
    Op op;
    op.type = Op::kDueDelete;
    op.key = id;
    m.Stage(std::move(op));
    ++n;
  }
  if (n == 0) return n;
  const size_t epoch = m.epoch_end.size();
  if (absl::Status s = m.AwaitDurable(lock, m.staged_ops, epoch); !s.ok()) return s;
  return n;
}

absl::Status SqliteStore::Snapshot() {
  Impl& m = *impl_;
  std::unique_lock<std::mutex> lock(m.mu);
  if (absl::Status s = m.Writable(); !s.ok()) return s;
  m.StageSnapshot();
  const size_t epoch = m.epoch_end.size();
  return m.AwaitDurable(lock, m.staged_ops, epoch);
}

const Shop& SqliteStore::shop() const { return *impl_->shop; }

absl::StatusOr<ReplayReport> SqliteStore::Report(std::optional<Timestamp> until) const {
  const Impl& m = *impl_;
  std::string shop_bytes, builder_bytes;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    shop_bytes = m.shop->Save();
    internal::ByteWriter w(&builder_bytes);
    m.builder->SaveAll(w);
  }
  ShopOptions shop_options = m.options.shop;
  shop_options.max_findings_per_agent = m.options.max_items_kept;
  absl::StatusOr<std::unique_ptr<Shop>> copy = Shop::Load(shop_bytes, std::move(shop_options));
  if (!copy.ok()) return copy.status();
  std::shared_ptr<Shop> shop = *std::move(copy);
  ReplayReport report;
  ReplayOptions options = m.replay_options;
  options.until = until;
  internal::ReplayBuilder builder(options, *shop, report);
  internal::ByteReader r(builder_bytes);
  if (!builder.LoadAll(r)) return absl::InternalError(r.error());
  builder.Close(until);
  builder.Finalize();
  report.shop = std::move(shop);
  return report;
}

int64_t SqliteStore::journal_seq() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->last_seq;
}

int64_t SqliteStore::snapshot_seq() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->snapshot_seq;
}

int64_t SqliteStore::commits() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->commits;
}

size_t SqliteStore::pending_due() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->pending_due.size();
}

}  // namespace kefu
