// The SQLite store (kefu/store/sqlite_store.h). docs/store.md describes the
// file. What every store shares (the in-memory shop, the journal's
// encodings, snapshots, due ids, group commit) is store/store_core.h; this
// file writes and reads its rows in SQLite.
#include "kefu/store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ahead.h"
#include "store/store_core.h"

namespace kefu {
namespace {

using internal::StoreOp;

constexpr char kStoreKind[] = "kefu-store";

// A journal row holds consecutive entries up to about this many bytes.
constexpr size_t kChunkBytes = 256 * 1024;
// The least due rows an open checks on a second thread, beside the
// journal's replay (fewer are done before a thread would start).
constexpr size_t kDueRowsBeside = 1024;
// The least bytes of a snapshot whose pages a second thread makes ready
// while its rows are read (SnapshotBuffer::Prefault).
constexpr uint64_t kPrefaultBytes = 8 << 20;

// CRC-32 (zlib's) of a journal chunk: its first and last entry (zigzag
// varints), then its entries.
uint32_t JournalChunkCrc(int64_t first, int64_t last, std::string_view entries) {
  unsigned char head[20];
  size_t n = 0;
  for (int64_t v : {first, last}) {
    uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    while (z >= 0x80) {
      head[n++] = static_cast<unsigned char>((z & 0x7f) | 0x80);
      z >>= 7;
    }
    head[n++] = static_cast<unsigned char>(z);
  }
  uLong crc = crc32_z(crc32_z(0, Z_NULL, 0), head, n);
  if (!entries.empty()) {
    crc = crc32_z(crc, reinterpret_cast<const Bytef*>(entries.data()), entries.size());
  }
  return static_cast<uint32_t>(crc);
}

std::string_view ColumnBlob(sqlite3_stmt* st, int i) {
  const void* p = sqlite3_column_blob(st, i);
  const int n = sqlite3_column_bytes(st, i);
  return p == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(p), n);
}

// A snapshot's bytes, read once on opening: anonymous memory the kernel may
// back with huge pages (MADV_HUGEPAGE), written once front to back: a 400
// MB snapshot in 2 MiB pages takes 200 page faults instead of 100,000 (the
// kernel zeroes the pages either way; docs/benchmarks.md has what it
// saves). Grows, copying, only when the parts hold more than their
// lengths said.
//
// Prefault(): a second thread has the kernel map (and zero) the pages,
// from the last back, while this one reads the parts into them from the
// first. On the VMs we measure on, where a first touch of memory is dear,
// zeroing a 52 MB snapshot took the reading thread about 80 ms; it now
// mostly finds its pages made. The contents are the same either way
// (MADV_POPULATE_WRITE writes nothing).
class SnapshotBuffer {
 public:
  explicit SnapshotBuffer(size_t capacity) { Reserve(capacity); }
  SnapshotBuffer(const SnapshotBuffer&) = delete;
  SnapshotBuffer& operator=(const SnapshotBuffer&) = delete;
  ~SnapshotBuffer() {
    Settle();
    Free();
  }

  // The first `bytes` of the buffer (at most its capacity) populated on a
  // second thread; a kernel without MADV_POPULATE_WRITE (before 5.14)
  // refuses it, and the pages are faulted in as they are written.
  void Prefault(size_t bytes) {
#ifdef MADV_POPULATE_WRITE
    Settle();
    const size_t n = std::min(bytes, capacity_);
    if (n == 0) return;
    char* p = data_;
    try {
      // From the end back, 2 MiB at a time: the reading thread writes
      // from the front, and the two meet somewhere in the middle instead of
      // the reader waiting behind the page being made.
      faulting_ = std::thread([p, n] {
        constexpr size_t kStep = size_t{2} << 20;
        for (size_t end = n; end > 0;) {
          const size_t begin = end > kStep ? (end - 1) / kStep * kStep : 0;
          madvise(p + begin, end - begin, MADV_POPULATE_WRITE);
          end = begin;
        }
      });
    } catch (const std::system_error&) {
      // No thread: the pages come as they are written.
    }
#else
    (void)bytes;
#endif
  }

  void Append(std::string_view bytes) {
    if (bytes.size() > capacity_ - size_) Reserve(std::max(size_ + bytes.size(), 2 * capacity_));
    if (!bytes.empty()) std::memcpy(data_ + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  std::string_view view() const { return std::string_view(data_, size_); }

 private:
  // Waits for Prefault's thread: before the mapping changes or goes.
  void Settle() {
    if (faulting_.joinable()) faulting_.join();
  }
  void Reserve(size_t n) {
    if (n <= capacity_) return;
    Settle();
    void* p = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, n, MADV_HUGEPAGE);  // advice: without it, 4 KiB pages
    if (size_ > 0) std::memcpy(p, data_, size_);
    Free();
    data_ = static_cast<char*>(p);
    capacity_ = n;
  }
  void Free() {
    if (data_ != nullptr) munmap(data_, capacity_);
    data_ = nullptr;
    capacity_ = 0;
  }
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  std::thread faulting_;
};

// A prepared statement, finalized when it goes.
class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt& operator=(Stmt&& other) noexcept {
    if (this != &other) {
      sqlite3_finalize(st_);
      st_ = other.st_;
      other.st_ = nullptr;
    }
    return *this;
  }
  sqlite3_stmt** addr() { return &st_; }
  sqlite3_stmt* get() const { return st_; }

 private:
  sqlite3_stmt* st_ = nullptr;
};

}  // namespace

struct SqliteStore::Impl final : internal::StoreBackend {
  std::string path;
  SqliteStoreOptions options;
  sqlite3* db = nullptr;
  int lock_fd = -1;

  Stmt journal_insert;       // kept across commits (finalized before the db closes)
  Stmt snapshot_insert;      // likewise
  std::string chunk_buffer;  // a journal chunk being built (its capacity kept)
  int64_t chunk_first = 0, chunk_last = 0;  // its entries
  int64_t meta_last_seq = 0;  // what the meta table says the last commit left
  int64_t meta_due_rows = 0;
  int64_t meta_format = 0;
  // The snapshot Open loads (format 3 on): the last one written whole. -1:
  // not in the meta table (format 2: the newest snapshot is whole).
  int64_t meta_snapshot_seq = -1;
  // Pages in the WAL after the last commit (sqlite3_wal_hook): the store
  // checkpoints itself, at the start of the next commit, once there are
  // kCheckpointPages (SQLite's automatic checkpoint would run at the end
  // of the commit that crossed it, while its caller waits).
  static constexpr int kCheckpointPages = 1000;
  int wal_pages = 0;
  // What a snapshot made needless: the journal up to it and the snapshots
  // before it. A commit written in parts leaves them (pending_drop, then
  // drop_below once it is committed) to the start of the next commit, on
  // the next batch's writer thread while the batch is applied, instead of
  // making its own caller wait for the deletes (a commit that fails leaves
  // them for the next). Opening passes over them either way. 0: nothing.
  bool in_parts = false;
  int64_t pending_drop = 0;
  int64_t drop_below = 0;
  // A background snapshot (StoreOp::background) being written a part at a
  // time: parts while a long batch's writer is idle (WriteIdle) and every
  // commit's share (EndParts); once its last part is written, the meta table's
  // snapshot_seq names it (in that part's transaction). Committed parts
  // stay when the store stops: Open passes over them, and the next
  // commit deletes them (incomplete_above). A failed commit reloads the
  // state (StoreCore::Fail), which drops the snapshot being written.
  struct Slicing {
    int64_t seq = 0;
    std::string body;
    size_t parts = 0;      // in all (0: none)
    size_t next_part = 0;  // the next one to write
    // Parts are left to write.
    bool writing() const { return next_part < parts; }
  } slicing;
  // Snapshot rows after this seq are a background snapshot's that was not
  // finished (found by Load): the next commit deletes them. -1: none.
  int64_t incomplete_above = -1;
  // The journal's last entry as of the last commit (or of loading).
  int64_t committed_seq = 0;
  std::unique_ptr<internal::StoreCore> core;

  ~Impl() override {
    core.reset();
    FinishSnapshot();
    journal_insert = Stmt();
    snapshot_insert = Stmt();
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
    meta_snapshot_seq = -1;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      const std::string_view key = ColumnBlob(st.get(), 0);
      if (key == "kind") kind = std::string(ColumnBlob(st.get(), 1));
      if (key == "format") format = sqlite3_column_int64(st.get(), 1);
      if (key == "last_seq") meta_last_seq = sqlite3_column_int64(st.get(), 1);
      if (key == "due_rows") meta_due_rows = sqlite3_column_int64(st.get(), 1);
      if (key == "snapshot_seq") meta_snapshot_seq = sqlite3_column_int64(st.get(), 1);
    }
    if (rc != SQLITE_DONE) return SqlError(rc, "reading the meta table");
    if (kind != kStoreKind) {
      return absl::InvalidArgumentError(
          absl::StrCat("store ", path, " is not a kefu store (its meta table has no kind \"",
                       kStoreKind, "\")"));
    }
    const std::string reads = absl::StrCat("this build of kefu reads formats ", kOldestFormat,
                                           " to ", kFormat);
    if (format > kFormat) {
      return absl::FailedPreconditionError(absl::StrCat("store ", path, " has format ", format,
                                                        "; ", reads,
                                                        " (it was written by a newer kefu)"));
    }
    if (format < 1) {
      return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: format ", format));
    }
    if (format < kOldestFormat) {
      return absl::FailedPreconditionError(absl::StrCat(
          "store ", path, " has format ", format, "; ", reads,
          " (it was written by an older kefu, which reads it; replay its events into a new "
          "store to move it here)"));
    }
    if (format >= 3 && meta_snapshot_seq < 0) {
      return absl::DataLossError(absl::StrCat(
          "store ", path, " is corrupted: its meta table names no whole snapshot (snapshot_seq)"));
    }
    meta_format = format;
    return absl::OkStatus();
  }

  // The state from the file: the newest snapshot, the journal after it
  // applied again (each outcome checked against the one stored), the due
  // items pending. Runs in one read transaction.
  absl::Status Load(internal::StoreCore& c) override {
    slicing = Slicing();  // what was being written is not what is loaded
    // The snapshot is most of the file and read once: through a memory
    // map, SQLite reads its pages without a system call and a copy each
    // (only while loading; writes never go through the map).
    sqlite3_exec(db, "PRAGMA mmap_size=1073741824", nullptr, nullptr, nullptr);
    absl::Status s = Exec("BEGIN");
    if (s.ok()) {
      s = LoadInTransaction(c);
      sqlite3_exec(db, s.ok() ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
    }
    sqlite3_exec(db, "PRAGMA mmap_size=0", nullptr, nullptr, nullptr);
    return s;
  }

  // Applies a journal chunk's entries again (their checksum is the
  // chunk's).
  // The journal's chunks from `st` (seq, last, entries, crc), each checked
  // against its checksum, their entries decoded one at a time
  // (StoreCore::DecodeRow): what an open applies again, made ahead of it.
  class JournalRows {
   public:
    JournalRows(const Impl& store, const internal::StoreCore& core, sqlite3_stmt* st)
        : store_(store), core_(core), st_(st) {}

    // The next row into `*row`; false after the last.
    absl::StatusOr<bool> Next(internal::StoreCore::DecodedRow* row) {
      internal::JournalEntry e;
      while (!reader_ || !reader_->Next(&e) || seq_ > last_) {
        if (reader_ && (!reader_->ok() || seq_ != last_ + 1)) return Undecodable();
        const int rc = sqlite3_step(st_);
        if (rc == SQLITE_DONE) return false;
        if (rc != SQLITE_ROW) return store_.SqlError(rc, "reading the journal");
        first_ = seq_ = sqlite3_column_int64(st_, 0);
        last_ = sqlite3_column_int64(st_, 1);
        entries_ = std::string(ColumnBlob(st_, 2));
        if (static_cast<uint32_t>(sqlite3_column_int64(st_, 3)) !=
            JournalChunkCrc(first_, last_, entries_)) {
          return absl::DataLossError(absl::StrCat("store ", store_.path,
                                                  " is corrupted: journal entries ", first_,
                                                  " to ", last_,
                                                  " do not match their checksum"));
        }
        reader_.emplace(entries_);
      }
      core_.DecodeRow(seq_++, e.kind, e.body, e.result, e.outcome, std::nullopt, row);
      return true;
    }

   private:
    absl::Status Undecodable() const {
      return absl::DataLossError(absl::StrCat("store ", store_.path,
                                              " is corrupted: journal entries ", first_, " to ",
                                              last_, " do not decode"));
    }
    const Impl& store_;
    const internal::StoreCore& core_;
    sqlite3_stmt* st_;
    std::string entries_;  // the chunk being read
    std::optional<internal::JournalChunkReader> reader_;
    int64_t first_ = 0, last_ = 0, seq_ = 0;
  };

  absl::Status LoadInTransaction(internal::StoreCore& c) {
    absl::Status s = CheckMeta();
    if (!s.ok()) return s;
    // The due items' rows are read on a second thread while this one loads
    // the snapshot (which needs no SQLite once its rows are read), then
    // checked and kept (StoreCore::AddDueRows) on one while this one
    // applies the journal again: the replay takes no due item (they are
    // durable already), so the two touch nothing in common. A store with
    // few due rows, or an open on one thread, reads and keeps each row as
    // it comes, on this thread (no blocks to copy them from); either way
    // an item's error counts after the journal's.
    const bool beside_threads =
        options.shop.load_threads > 1 && std::thread::hardware_concurrency() > 1;
    const bool beside = meta_due_rows >= static_cast<int64_t>(kDueRowsBeside) && beside_threads;
    internal::StoreCore::DueRows due_rows;
    absl::Status due_read;
    absl::Status due_added;
    auto read_due_rows = [this, beside, &c, &due_rows, &due_read, &due_added] {
      Stmt st;
      if (due_read = Prepare("SELECT id, item, crc FROM due ORDER BY id", &st); !due_read.ok()) {
        return;
      }
      // The count its last commit left (checked after the journal): room
      // for that many, within what a corrupt count may claim.
      if (beside) {
        due_rows.rows.reserve(
            static_cast<size_t>(std::clamp<int64_t>(meta_due_rows, 0, 1 << 20)));
      }
      int rc;
      while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        const int64_t id = sqlite3_column_int64(st.get(), 0);
        const uint32_t crc = static_cast<uint32_t>(sqlite3_column_int64(st.get(), 2));
        if (beside) {
          due_rows.Add(id, ColumnBlob(st.get(), 1), crc);
        } else if (due_added.ok()) {
          due_added = c.AddDue(id, std::string(ColumnBlob(st.get(), 1)), crc);
        }
      }
      if (rc != SQLITE_DONE) due_read = SqlError(rc, "reading the due items");
    };
    std::optional<internal::Beside> read_due;
    {
      // The snapshot, in its parts (rows of at most snapshot_part_bytes:
      // SQLite refuses a value over 1 GB). Both statements scan the table
      // rather than seek in it: the table is WITHOUT ROWID, and a seek
      // compares its key with whole rows, which SQLite reads in full (out
      // of their overflow pages) for each row it compares against. A scan
      // reads a row's header only, and a part's body only when it is the
      // snapshot's.
      // The snapshot the meta table names (format 3 on: rows of a later
      // seq are a background snapshot not finished), else the newest.
      const bool named = meta_snapshot_seq >= 0;
      int64_t snapshot_seq = named ? meta_snapshot_seq : 0;
      uint64_t total = 0;
      bool any = false;
      {
        // Its seq and the size of its parts: the body is read into a
        // buffer sized once (a snapshot is the shop's every byte).
        Stmt size;
        if (s = Prepare("SELECT seq, length(body) FROM snapshot", &size); !s.ok()) return s;
        int rc;
        while ((rc = sqlite3_step(size.get())) == SQLITE_ROW) {
          const int64_t seq = sqlite3_column_int64(size.get(), 0);
          const int64_t n = sqlite3_column_int64(size.get(), 1);
          if (named ? seq != snapshot_seq : (any && seq < snapshot_seq)) continue;
          if (!any || seq > snapshot_seq) {
            snapshot_seq = seq;
            total = 0;
          }
          any = true;
          if (n > 0) total += static_cast<uint64_t>(n);
        }
        if (rc != SQLITE_DONE) return SqlError(rc, "reading the snapshot");
        if (named && snapshot_seq > 0 && !any) {
          return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: snapshot ",
                                                  snapshot_seq, ", which its meta table names, "
                                                  "has no rows"));
        }
      }
      // What a background snapshot left unfinished goes with the next
      // commit; the one being written (none, after loading) starts over.
      slicing = Slicing();
      if (!options.read_only) incomplete_above = named ? snapshot_seq : -1;
      committed_seq = meta_last_seq;
      SnapshotBuffer body(total <= (uint64_t{1} << 40) ? static_cast<size_t>(total) : 0);
      // Its pages made ready beside the reading, for no more than the file
      // holds: the lengths SQLite reports for a corrupt file may be any.
      if (beside_threads && total >= kPrefaultBytes) {
        struct stat file;
        if (stat(path.c_str(), &file) == 0 && file.st_size > 0) {
          body.Prefault(std::min<uint64_t>(total, static_cast<uint64_t>(file.st_size)));
        }
      }
      int64_t parts = 0;
      {
        Stmt st;
        // `+seq`: compared in the scan, not sought; the order is the
        // primary key's, so no sorting either.
        if (s = Prepare("SELECT seq, part, body FROM snapshot WHERE +seq = ? ORDER BY seq, part",
                        &st);
            !s.ok()) {
          return s;
        }
        sqlite3_bind_int64(st.get(), 1, snapshot_seq);
        int rc;
        while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
          if (sqlite3_column_int64(st.get(), 1) != parts) {
            return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: snapshot ",
                                                    snapshot_seq, " lacks part ", parts));
          }
          ++parts;
          body.Append(ColumnBlob(st.get(), 2));
        }
        if (rc != SQLITE_DONE) return SqlError(rc, "reading the snapshot");
      }
      // The connection is the second thread's from here until the join
      // below: this one touches only the snapshot's bytes, read already.
      read_due.emplace(beside, read_due_rows);
      if (parts > 0) {
        if (s = c.LoadSnapshot(body.view(), snapshot_seq); !s.ok()) return s;
      } else if (s = c.Fresh(); !s.ok()) {
        return s;
      }
    }
    read_due->Join();  // started in the block above, which returns or starts it
    if (!due_read.ok()) return due_read;
    internal::Beside add_due(
        beside, [&c, &due_rows, &due_added] {
          if (due_added.ok()) due_added = c.AddDueRows(due_rows);  // kept while read, or none
        });
    {
      // The journal after the snapshot: chunks of consecutive entries.
      Stmt st;
      if (s = Prepare("SELECT seq, last, entries, crc FROM journal WHERE last > ? ORDER BY seq",
                      &st);
          !s.ok()) {
        return s;
      }
      sqlite3_bind_int64(st.get(), 1, c.loaded_snapshot_seq());
      // Read and decoded on a second thread ahead of this one, which
      // applies each row in turn: the errors, and the shop, are those of
      // one thread.
      JournalRows rows(*this, c, st.get());
      internal::AheadOptions ahead;
      ahead.ahead = options.shop.load_threads > 1 && std::thread::hardware_concurrency() > 1;
      absl::Status applied;
      s = internal::ProduceAhead<internal::StoreCore::DecodedRow>(
          ahead, [&rows](internal::StoreCore::DecodedRow* row) { return rows.Next(row); },
          [&c, &applied](internal::StoreCore::DecodedRow& row) {
            applied = c.ApplyRow(row);
            return applied.ok();
          });
      if (!applied.ok()) return applied;
      if (!s.ok()) return s;
      if (c.loaded_seq() != meta_last_seq) {
        return absl::DataLossError(absl::StrCat("store ", path,
                                                " is corrupted: its journal ends at entry ",
                                                c.loaded_seq(), ", its last commit wrote entry ",
                                                meta_last_seq));
      }
    }
    {
      add_due.Join();
      if (!due_added.ok()) return due_added;
      if (static_cast<int64_t>(c.loaded_due()) != meta_due_rows) {
        return absl::DataLossError(absl::StrCat("store ", path, " is corrupted: it holds ",
                                                c.loaded_due(),
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
      if (rc == SQLITE_ROW) {
        c.SetNextDueId(sqlite3_column_int64(st.get(), 0) + 1);
      } else if (rc != SQLITE_DONE) {
        return SqlError(rc, "reading the due items' sequence");
      }
    }
    return absl::OkStatus();
  }

  // ------------------------------------------------------------- writing

  // Writes `batch` in one transaction, with the journal's last entry and
  // the count of due items pending after it (checked by Load: a journal or
  // due table that lost rows at its end is not taken for a whole one).
  absl::Status Write(std::vector<StoreOp>& batch, const internal::CommitMark& mark) override {
    absl::Status s = Begin(/*in_parts=*/false);
    if (s.ok()) s = WritePart(batch);
    if (s.ok()) s = EndParts(mark);
    if (!s.ok()) AbortParts();
    return s;
  }

  // The same transaction in parts (a long batch, written while the rest of
  // it is applied): journal chunks run on across parts.
  bool WritesInParts() const override { return true; }

  absl::Status BeginParts() override { return Begin(/*in_parts=*/true); }

  absl::Status Begin(bool parts) {
    chunk_buffer.clear();
    in_parts = parts;
    pending_drop = 0;
    // A long batch begins on its writer thread while the batch is being
    // applied: the WAL of the commits before it is copied back into the
    // database meanwhile, not after the batch's commit. PASSIVE: it waits
    // for no reader; what it cannot copy now stays in the WAL for the next
    // time (the WAL is durable either way: its failure fails nothing).
    if (wal_pages >= kCheckpointPages) {
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      wal_pages = 0;
    }
    if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    if (drop_below > 0) {
      // What the last snapshot made needless goes with this commit (a
      // failure fails it, as it failed the snapshot's own commit before).
      if (absl::Status s = DropBefore(drop_below); !s.ok()) return s;
    }
    if (incomplete_above >= 0) {
      Stmt st;
      // `+seq`: scanned, not sought (see LoadInTransaction).
      if (absl::Status s = Prepare("DELETE FROM snapshot WHERE +seq > ?", &st); !s.ok()) return s;
      sqlite3_bind_int64(st.get(), 1, incomplete_above);
      if (const int rc = sqlite3_step(st.get()); rc != SQLITE_DONE) {
        return SqlError(rc, "dropping an unfinished snapshot");
      }
      // Kept until this commit is: a failed one reloads and sets it again.
    }
    return absl::OkStatus();
  }

  // Deletes the journal up to `seq` and the snapshots before it (the one
  // at `seq` is the newest).
  absl::Status DropBefore(int64_t seq) {
    Stmt journal, snapshots;
    absl::Status s = Prepare("DELETE FROM journal WHERE last <= ?", &journal);
    // `+seq`: scanned, not sought (see LoadInTransaction).
    if (s.ok()) s = Prepare("DELETE FROM snapshot WHERE +seq < ?", &snapshots);
    if (!s.ok()) return s;
    for (sqlite3_stmt* st : {snapshots.get(), journal.get()}) {
      sqlite3_bind_int64(st, 1, seq);
      if (const int rc = sqlite3_step(st); rc != SQLITE_DONE) {
        return SqlError(rc, "dropping what a snapshot replaced");
      }
    }
    return absl::OkStatus();
  }

  absl::Status WritePart(std::vector<StoreOp>& part) override { return WriteOps(part); }

  // A long batch's writer with nothing to write: the next part of the
  // background snapshot.
  absl::Status WriteIdle(bool* more) override {
    absl::Status s;
    if (slicing.writing()) s = WriteSnapshotPart();
    *more = s.ok() && slicing.writing();
    return s;
  }

  absl::Status EndParts(const internal::CommitMark& mark) override {
    absl::Status s = FlushChunk();
    // Every commit writes parts of the background snapshot: at least one,
    // and its share of what is left (its entries against those left until
    // half the interval to the next snapshot), so that the snapshot is
    // whole by then however the store is fed and however large it is.
    if (s.ok() && slicing.writing()) {
      const int64_t entries = std::max<int64_t>(1, mark.last_seq - committed_seq);
      const int64_t left = slicing.seq + options.snapshot_every / 2 - mark.last_seq;
      const size_t remaining = slicing.parts - slicing.next_part;
      const size_t share =
          left <= 0 ? remaining
                    : static_cast<size_t>(std::ceil(static_cast<double>(remaining) *
                                                    static_cast<double>(entries) /
                                                    static_cast<double>(entries + left)));
      for (size_t n = std::max<size_t>(1, share);
           s.ok() && n > 0 && slicing.writing(); --n) {
        s = WriteSnapshotPart();
      }
    }
    if (s.ok()) {
      const std::string sql =
          absl::StrCat("INSERT OR REPLACE INTO meta VALUES ('last_seq', ", mark.last_seq,
                       "), ('due_rows', ", mark.due_pending, ")");
      s = Exec(sql.c_str());
    }
    if (s.ok()) s = Exec("COMMIT");
    if (s.ok()) {
      drop_below = pending_drop;  // deleted, or what this one leaves
      incomplete_above = -1;
      committed_seq = mark.last_seq;
      if (!slicing.writing()) slicing = Slicing();  // its body freed once whole
    }
    pending_drop = 0;
    return s;
  }

  void AbortParts() override {
    chunk_buffer.clear();
    pending_drop = 0;
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  // Journal entries go in chunks: consecutive entries of the commit, up to
  // kChunkBytes, one row (a snapshot ends a chunk: the entries before it
  // are dropped by rows). The chunk being built is chunk_buffer,
  // its first and last entry chunk_first and chunk_last.
  absl::Status FlushChunk() {
    std::string& chunk = chunk_buffer;
    if (chunk.empty()) return absl::OkStatus();
    if (!journal_insert.get()) {
      if (absl::Status p =
              Prepare("INSERT INTO journal(seq, last, entries, crc) VALUES (?, ?, ?, ?)",
                      &journal_insert);
          !p.ok()) {
        return p;
      }
    }
    sqlite3_stmt* st = journal_insert.get();
    sqlite3_bind_int64(st, 1, chunk_first);
    sqlite3_bind_int64(st, 2, chunk_last);
    sqlite3_bind_blob(st, 3, chunk.data(), static_cast<int>(chunk.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, JournalChunkCrc(chunk_first, chunk_last, chunk));
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    chunk.clear();
    if (rc != SQLITE_DONE) return SqlError(rc, "writing the journal");
    return absl::OkStatus();
  }

  // Writes `batch`'s rows, all but the journal chunk being built (EndParts
  // writes that one).
  absl::Status WriteOps(std::vector<StoreOp>& batch) {
    Stmt due_insert, due_delete;
    absl::Status s;
    std::string& chunk = chunk_buffer;
    for (StoreOp& op : batch) {
      int rc = SQLITE_DONE;
      if (op.type != StoreOp::kJournal) {
        if (s = FlushChunk(); !s.ok()) return s;
      }
      switch (op.type) {
        case StoreOp::kJournal:
          if (!chunk.empty() && op.key != chunk_last + 1) {
            if (s = FlushChunk(); !s.ok()) return s;
          }
          if (chunk.empty()) chunk_first = op.key;
          internal::AppendJournalEntry(op, &chunk);
          chunk_last = op.key;
          if (chunk.size() >= kChunkBytes) {
            if (s = FlushChunk(); !s.ok()) return s;
          }
          break;
        case StoreOp::kDueInsert:
          if (!due_insert.get() &&
              !(s = Prepare("INSERT INTO due(id, item, crc) VALUES (?, ?, ?)", &due_insert)).ok()) {
            return s;
          }
          sqlite3_bind_int64(due_insert.get(), 1, op.key);
          sqlite3_bind_blob(due_insert.get(), 2, op.body.data(), static_cast<int>(op.body.size()),
                            SQLITE_STATIC);
          sqlite3_bind_int64(due_insert.get(), 3, internal::DueRowCrc(op.key, op.body));
          rc = sqlite3_step(due_insert.get());
          sqlite3_reset(due_insert.get());
          break;
        case StoreOp::kDueDelete:
          if (!due_delete.get() &&
              !(s = Prepare("DELETE FROM due WHERE id = ?", &due_delete)).ok()) {
            return s;
          }
          sqlite3_bind_int64(due_delete.get(), 1, op.key);
          rc = sqlite3_step(due_delete.get());
          sqlite3_reset(due_delete.get());
          break;
        case StoreOp::kInput:  // the PostgreSQL store's inbox
          break;
        case StoreOp::kSnapshot:
          if (s = StartSnapshot(op); !s.ok()) return s;
          break;
      }
      if (rc != SQLITE_DONE) return SqlError(rc, "writing");
    }
    return absl::OkStatus();
  }

  // A snapshot staged with this commit. One that Snapshot() took is
  // written whole, now; a background one becomes the one written a part at
  // a time (WriteIdle, EndParts). Either replaces one still being written:
  // that one's parts, of an earlier seq (or the same), go once the new one
  // is whole (DropBefore). A snapshot is whole halfway to the next one's
  // turn (EndParts), so only a batch that spans more than that replaces one.
  absl::Status StartSnapshot(StoreOp& op) {
    if (op.background && slicing.writing() && slicing.seq == op.key) {
      return absl::OkStatus();  // being written
    }
    slicing = Slicing();
    {
      // Taken again with no entry since: it replaces the rows there.
      Stmt same_seq;
      if (absl::Status s = Prepare("DELETE FROM snapshot WHERE +seq = ?", &same_seq); !s.ok()) {
        return s;
      }
      sqlite3_bind_int64(same_seq.get(), 1, op.key);
      if (const int rc = sqlite3_step(same_seq.get()); rc != SQLITE_DONE) {
        return SqlError(rc, "writing a snapshot");
      }
    }
    const size_t part_bytes = static_cast<size_t>(options.snapshot_part_bytes);
    slicing.seq = op.key;
    slicing.body = std::move(op.body);
    slicing.parts = std::max<size_t>(1, (slicing.body.size() + part_bytes - 1) / part_bytes);
    slicing.next_part = 0;
    if (!op.background) {
      while (slicing.writing()) {
        if (absl::Status s = WriteSnapshotPart(); !s.ok()) return s;
      }
    }
    return absl::OkStatus();
  }

  // Writes the next part of the snapshot being written; after its last,
  // names it in the meta table and drops what it replaces (at the start of
  // the next commit when this one is written in parts).
  absl::Status WriteSnapshotPart() {
    if (!snapshot_insert.get()) {
      if (absl::Status s =
              Prepare("INSERT INTO snapshot(seq, part, body) VALUES (?, ?, ?)", &snapshot_insert);
          !s.ok()) {
        return s;
      }
    }
    const size_t part_bytes = static_cast<size_t>(options.snapshot_part_bytes);
    const std::string& body = slicing.body;
    const size_t at = slicing.next_part * part_bytes;
    const size_t n = at < body.size() ? std::min(part_bytes, body.size() - at) : 0;
    sqlite3_stmt* st = snapshot_insert.get();
    sqlite3_bind_int64(st, 1, slicing.seq);
    sqlite3_bind_int64(st, 2, static_cast<int64_t>(slicing.next_part));
    sqlite3_bind_blob(st, 3, body.data() + at, static_cast<int>(n), SQLITE_STATIC);
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return SqlError(rc, "writing a snapshot");
    if (++slicing.next_part < slicing.parts) return absl::OkStatus();
    const std::string sql = absl::StrCat(
        "INSERT OR REPLACE INTO meta VALUES ('snapshot_seq', ", slicing.seq, ")");
    if (absl::Status s = Exec(sql.c_str()); !s.ok()) return s;
    if (in_parts) {
      pending_drop = slicing.seq;  // dropped at the start of the next commit
      return absl::OkStatus();
    }
    return DropBefore(slicing.seq);
  }

  // As the store closes (the core gone: nothing else to commit): the rest
  // of the background snapshot, in a commit of its own. A failure leaves
  // it unfinished, as a crash would: Open loads the one before it.
  void FinishSnapshot() {
    if (db == nullptr || options.read_only || !slicing.writing()) {
      return;
    }
    absl::Status s = Begin(/*parts=*/false);
    while (s.ok() && slicing.writing()) s = WriteSnapshotPart();
    if (s.ok()) s = Exec("COMMIT");
    if (!s.ok()) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    slicing = Slicing();
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
          "), ('snapshot_seq', 0);"
          "CREATE TABLE journal(seq INTEGER PRIMARY KEY, last INTEGER NOT NULL, "
          "  entries BLOB NOT NULL, crc INTEGER NOT NULL);"
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
      // Replaces SQLite's automatic checkpoint (BeginParts checkpoints).
      sqlite3_wal_hook(
          db,
          [](void* impl, sqlite3*, const char*, int pages) {
            static_cast<Impl*>(impl)->wal_pages = pages;
            return SQLITE_OK;
          },
          this);
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
    internal::StoreCoreOptions core_options;
    core_options.shop = options.shop;
    core_options.snapshot_every = options.snapshot_every;
    core_options.max_items_kept = options.max_items_kept;
    core_options.name = absl::StrCat("store ", path);
    core_options.journal_event_ids = false;  // the journal is read in order, never by id
    core = std::make_unique<internal::StoreCore>(std::move(core_options), this);
    if (options.read_only) {
      core->RefuseWrites(
          absl::FailedPreconditionError(absl::StrCat("store ", path, " is open read-only")));
    }
    if (absl::Status s = core->Load(); !s.ok()) return s;
    if (options.read_only) return absl::OkStatus();
    // What a run that stopped between a snapshot and its next commit left
    // goes with the first commit.
    drop_below = core->snapshot_seq();
    if (meta_format < kFormat) {
      // An older format (2) this build writes as its own: its newest
      // snapshot, the one just loaded, is whole.
      const std::string sql =
          absl::StrCat("BEGIN IMMEDIATE; INSERT OR REPLACE INTO meta VALUES ('format', ", kFormat,
                       "), ('snapshot_seq', ", core->snapshot_seq(), "); COMMIT");
      if (absl::Status s = Exec(sql.c_str()); !s.ok()) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return s;
      }
      meta_format = kFormat;
    }
    return absl::OkStatus();
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
  return impl_->core->ApplyBatch(events);
}

absl::StatusOr<std::vector<StoredDueItem>> SqliteStore::Due(Timestamp now, size_t max_items) {
  return impl_->core->Due(now, max_items);
}

absl::StatusOr<size_t> SqliteStore::Confirm(absl::Span<const int64_t> ids) {
  return impl_->core->Confirm(ids);
}

absl::Status SqliteStore::Snapshot() { return impl_->core->Snapshot(); }

const Shop& SqliteStore::shop() const { return impl_->core->shop(); }

absl::StatusOr<ReplayReport> SqliteStore::Report(std::optional<Timestamp> until) const {
  return impl_->core->Report(until);
}

absl::StatusOr<ReplayReport> SqliteStore::FinalReport(std::optional<Timestamp> until) {
  return impl_->core->FinalReport(until);
}

int64_t SqliteStore::journal_seq() const { return impl_->core->journal_seq(); }
int64_t SqliteStore::snapshot_seq() const { return impl_->core->snapshot_seq(); }
int64_t SqliteStore::commits() const { return impl_->core->commits(); }
size_t SqliteStore::pending_due() const { return impl_->core->pending_due(); }

}  // namespace kefu
