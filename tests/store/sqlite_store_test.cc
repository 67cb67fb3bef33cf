// The SQLite store (kefu/store/sqlite_store.h): what it acknowledged comes
// back on reopening, its report is one replay's, due items are delivered
// until confirmed, and every file it cannot read is a clear error.
#include "kefu/store/sqlite_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/engine/conversation.h"
#include "kefu/io/answer_json.h"
#include "kefu/io/events.h"
#include "kefu/io/replay.h"
#include "sample/sample.h"
#include "store/store_core.h"
#include "store/store_test_util.h"

namespace kefu {
namespace {

using test::SampleEvents;
using test::TempStorePath;
using ::testing::HasSubstr;
using ::testing::Not;

SqliteStoreOptions Options(int64_t snapshot_every = 100000) {
  return test::NormalStoreOptions(snapshot_every);
}

std::unique_ptr<SqliteStore> OpenOk(const std::string& path, SqliteStoreOptions o) {
  absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(path, std::move(o));
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

void ExecSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_free(err);
  sqlite3_close(db);
}

// The due rows an open reads (into blocks of about a MiB, not a string
// each) give back each item's bytes, its id and checksum, in order: items
// across a block's end, and one larger than a block.
TEST(SqliteStore, DueRowsReadIntoBlocksGiveBackEachItem) {
  using Rows = internal::StoreCore::DueRows;
  Rows rows;
  std::vector<std::string> items;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 9000; ++i) {
    const size_t n = i == 4000 ? Rows::kBlockBytes + 3 : rng() % 400;
    items.push_back(std::string(n, static_cast<char>('a' + i % 26)));
    if (!items.back().empty()) items.back()[0] = static_cast<char>(i & 0x7f);
    rows.Add(i + 1, items.back(), i % 3 == 0 ? std::nullopt : std::optional<uint32_t>(i));
  }
  EXPECT_GT(rows.blocks.size(), 2u);
  ASSERT_EQ(rows.rows.size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_EQ(rows.item(rows.rows[i]), items[i]) << i;
    EXPECT_EQ(rows.rows[i].id, static_cast<int64_t>(i + 1));
    EXPECT_EQ(rows.rows[i].crc, i % 3 == 0 ? std::nullopt : std::optional<uint32_t>(i));
  }
}

TEST(SqliteStore, AReopenedStoreHoldsTheShopItAcknowledged) {
  const std::vector<ShopEvent> events = SampleEvents(5, 20);
  const std::string path = TempStorePath("reopen");
  std::string saved;
  {
    auto store = OpenOk(path, Options(97));
    ASSERT_NE(store, nullptr);
    for (const ShopEvent& e : events) ASSERT_TRUE(store->Apply(e).ok());
    saved = store->shop().Save();
    EXPECT_EQ(store->journal_seq(), static_cast<int64_t>(events.size()));
    EXPECT_GT(store->snapshot_seq(), 0);
  }
  auto again = OpenOk(path, Options(97));
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->shop().Save() == saved);
  EXPECT_EQ(again->journal_seq(), static_cast<int64_t>(events.size()));
}

// A snapshot every 50 events, in parts of 1,000 bytes: a snapshot of many
// rows.
SqliteStoreOptions SmallParts() {
  SqliteStoreOptions o = Options(50);
  o.snapshot_part_bytes = 1000;
  return o;
}

TEST(SqliteStore, ASnapshotDropsTheJournalBeforeIt) {
  const std::vector<ShopEvent> events = SampleEvents(6, 10);
  const std::string path = TempStorePath("snapshot");
  const SqliteStoreOptions small_parts = SmallParts();
  std::string saved;
  {
    auto store = OpenOk(path, small_parts);
    for (const ShopEvent& e : events) ASSERT_TRUE(store->Apply(e).ok());
    EXPECT_EQ(store->snapshot_seq(), static_cast<int64_t>(events.size()) / 50 * 50);
    saved = store->shop().Save();
  }
  {
    auto again = OpenOk(path, small_parts);
    ASSERT_NE(again, nullptr);
    EXPECT_TRUE(again->shop().Save() == saved);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*), min(seq) FROM journal", -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_LT(sqlite3_column_int64(st, 0), 50);
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(DISTINCT seq), count(*) FROM snapshot", -1, &st,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(st, 0), 1);  // one snapshot
  EXPECT_GT(sqlite3_column_int64(st, 1), 5);  // in parts
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// One number a query on the file gives (read beside the store, as any
// reader of its WAL may).
int64_t QueryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

// A batch long enough to be written while it is applied (in parts) does
// not wait for the deletes its snapshot makes possible: the journal up to
// the snapshot and the snapshots before it go with the next commit (on
// that batch's writer thread). Until then they are passed over: the store
// opens, read-only or not, as the shop it acknowledged, and a store
// reopened before that commit drops them with its first.
TEST(SqliteStore, WhatASnapshotInALongBatchReplacesGoesWithTheNextCommit) {
  const std::vector<ShopEvent> events = SampleEvents(6, 40);
  ASSERT_GT(events.size(), 1400u);
  const std::string path = TempStorePath("drop_later");
  const SqliteStoreOptions o = Options(500);
  auto span = absl::MakeConstSpan(events);
  const std::string old_journal = "SELECT count(*) FROM journal WHERE last <= ";
  const std::string snapshots = "SELECT count(DISTINCT seq) FROM snapshot";
  std::string saved;
  {
    auto store = OpenOk(path, o);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->ApplyBatch(span.subspan(0, 600)).ok());
    ASSERT_EQ(store->snapshot_seq(), 500);
    EXPECT_GT(QueryInt(path, old_journal + "500"), 0);  // still there
    ASSERT_TRUE(store->ApplyBatch(span.subspan(600, 600)).ok());
    ASSERT_EQ(store->snapshot_seq(), 1000);
    // This commit dropped what the first snapshot replaced, and left what
    // its own replaced.
    EXPECT_EQ(QueryInt(path, old_journal + "500"), 0);
    EXPECT_GT(QueryInt(path, old_journal + "1000"), 0);
    EXPECT_EQ(QueryInt(path, snapshots), 2);
    saved = store->shop().Save();
    SqliteStoreOptions reader = o;
    reader.read_only = true;
    auto read = OpenOk(path, reader);
    ASSERT_NE(read, nullptr);
    EXPECT_TRUE(read->shop().Save() == saved);
    EXPECT_EQ(read->snapshot_seq(), 1000);
  }
  {
    // Reopened before any other commit: the first one drops them.
    auto store = OpenOk(path, o);
    ASSERT_NE(store, nullptr);
    EXPECT_TRUE(store->shop().Save() == saved);
    EXPECT_GT(QueryInt(path, old_journal + "1000"), 0);
    ASSERT_TRUE(store->Apply(events[1200]).ok());
    EXPECT_EQ(QueryInt(path, old_journal + "1000"), 0);
    EXPECT_EQ(QueryInt(path, snapshots), 1);
    // A short batch (one commit written whole) drops at once what its own
    // snapshot replaces.
    ASSERT_TRUE(store->ApplyBatch(span.subspan(1201, 100)).ok());
    ASSERT_EQ(store->snapshot_seq(), 1000);  // 1,301 entries: not yet
    ASSERT_TRUE(store->ApplyBatch(span.subspan(1301, 200)).ok());
    ASSERT_EQ(store->snapshot_seq(), 1500);
    EXPECT_EQ(QueryInt(path, old_journal + "1500"), 0);
    EXPECT_EQ(QueryInt(path, snapshots), 1);
    saved = store->shop().Save();
  }
  auto again = OpenOk(path, o);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->shop().Save() == saved);
  test::RemoveStore(path);
}

// The snapshot the meta table names: the one Open loads.
constexpr char kNamedSnapshot[] = "SELECT value FROM meta WHERE key = 'snapshot_seq'";

// Opens the store at `path` again: it loads the snapshot at `snapshot_seq`
// and holds the shop `saved` (and `journal_seq` entries, when given).
void ExpectReopens(const std::string& path, const SqliteStoreOptions& o, int64_t snapshot_seq,
                   const std::string& saved, std::optional<int64_t> journal_seq = std::nullopt) {
  auto again = OpenOk(path, o);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->snapshot_seq(), snapshot_seq);
  EXPECT_TRUE(again->shop().Save() == saved);
  if (journal_seq) {
    EXPECT_EQ(again->journal_seq(), *journal_seq);
  }
}

// The file as a crash would leave it now (the store open, no commit
// running): the database and its WAL, copied to `to`.
void CopyAsCrashed(const std::string& path, const std::string& to) {
  for (const char* suffix : {"", "-wal"}) {
    std::filesystem::copy_file(path + suffix, to + suffix,
                               std::filesystem::copy_options::overwrite_existing);
  }
  std::remove((to + "-shm").c_str());
}

// A snapshot the store takes on its own count that is larger than a part
// is written a part with each commit (single events here: no writer idle
// in between); the meta table names it, and it replaces the journal before
// it, only once its last part is committed. A crash before then opens on
// the snapshot before it, and the next commit there deletes the parts left.
TEST(SqliteStore, ASnapshotLargerThanAPartIsWrittenAcrossCommitsAndCountsOnceWhole) {
  const std::vector<ShopEvent> events = SampleEvents(6, 20);
  const std::string path = TempStorePath("slices");
  SqliteStoreOptions o = Options(200);
  o.snapshot_part_bytes = 2000;
  const std::string rows_of_200 = "SELECT count(*) FROM snapshot WHERE seq = 200";
  const std::string crashed = TempStorePath("slices_crashed");
  auto store = OpenOk(path, o);
  ASSERT_NE(store, nullptr);
  size_t next = 0;
  for (; next < 200; ++next) ASSERT_TRUE(store->Apply(events[next]).ok());
  ASSERT_EQ(store->snapshot_seq(), 200);
  // The commit that took it wrote its first part.
  EXPECT_EQ(QueryInt(path, rows_of_200), 1);
  EXPECT_EQ(QueryInt(path, kNamedSnapshot), 0);
  const std::string saved_at_200 = store->shop().Save();
  CopyAsCrashed(path, crashed);
  int64_t commits = 1;
  while (QueryInt(path, kNamedSnapshot) == 0) {
    ASSERT_LT(next, 400u) << "the snapshot at 200 was never finished";
    EXPECT_EQ(QueryInt(path, rows_of_200), commits);  // one part a commit
    EXPECT_GT(QueryInt(path, "SELECT count(*) FROM journal WHERE last <= 200"), 0);
    ASSERT_TRUE(store->Apply(events[next++]).ok());
    ++commits;
  }
  EXPECT_GT(commits, 5);  // it did take several
  EXPECT_EQ(QueryInt(path, kNamedSnapshot), 200);
  EXPECT_EQ(QueryInt(path, rows_of_200), commits);
  // Written whole in a short commit: what it replaces went with it.
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM journal WHERE last <= 200"), 0);
  EXPECT_EQ(QueryInt(path, "SELECT count(DISTINCT seq) FROM snapshot"), 1);
  const std::string saved_now = store->shop().Save();
  store.reset();
  ExpectReopens(path, o, 200, saved_now);
  // The crash copy: the unfinished snapshot passed over, the journal there.
  {
    auto again = OpenOk(crashed, o);
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->snapshot_seq(), 0);
    EXPECT_EQ(again->journal_seq(), 200);
    EXPECT_TRUE(again->shop().Save() == saved_at_200);
    EXPECT_EQ(QueryInt(crashed, rows_of_200), 1);
    // Its next commit deletes them (and, 201 entries past the snapshot
    // loaded, starts the next snapshot).
    ASSERT_TRUE(again->Apply(events[200]).ok());
    EXPECT_EQ(QueryInt(crashed, rows_of_200), 0);
    EXPECT_EQ(QueryInt(crashed, "SELECT count(*) FROM snapshot WHERE seq <> 201"), 0);
  }
  for (const std::string& p : {path, crashed}) test::RemoveStore(p);
}

// Each commit writes its share of the snapshot being written (its entries
// against those left until half the interval to the next snapshot), so
// that however few the commits and large the snapshot, it is whole by
// then: here batches of 30 entries, a snapshot every 200 in parts of 300
// bytes (many more parts than the three commits before 300).
TEST(SqliteStore, ASnapshotIsWholeHalfwayToTheNextHoweverFewTheCommits) {
  const std::vector<ShopEvent> events = SampleEvents(6, 20);
  const std::string path = TempStorePath("slices_share");
  SqliteStoreOptions o = Options(200);
  o.snapshot_part_bytes = 300;
  auto store = OpenOk(path, o);
  ASSERT_NE(store, nullptr);
  auto span = absl::MakeConstSpan(events);
  size_t next = 0;
  for (; next + 30 <= 210; next += 30) ASSERT_TRUE(store->ApplyBatch(span.subspan(next, 30)).ok());
  ASSERT_EQ(store->snapshot_seq(), 200);
  EXPECT_EQ(QueryInt(path, kNamedSnapshot), 0);  // one commit in: not whole yet
  EXPECT_GT(QueryInt(path, "SELECT count(*) FROM snapshot WHERE seq = 200"), 1);
  const int64_t parts_first = QueryInt(path, "SELECT count(*) FROM snapshot WHERE seq = 200");
  for (; next + 30 <= 300; next += 30) {
    ASSERT_TRUE(store->ApplyBatch(span.subspan(next, 30)).ok());
  }
  ASSERT_EQ(store->journal_seq(), 300);
  EXPECT_EQ(QueryInt(path, kNamedSnapshot), 200);
  const int64_t parts = QueryInt(path, "SELECT count(*) FROM snapshot WHERE seq = 200");
  EXPECT_GT(parts, 12);  // more parts than commits: several went with each
  EXPECT_GT(parts, parts_first);
  const std::string saved = store->shop().Save();
  store.reset();
  ExpectReopens(path, o, 200, saved);
  test::RemoveStore(path);
}

// A store closed while a snapshot is being written writes the rest of it
// as it closes: opened again, that snapshot is the one loaded.
TEST(SqliteStore, AStoreClosedWhileASnapshotIsWrittenFinishesIt) {
  const std::vector<ShopEvent> events = SampleEvents(6, 20);
  const std::string path = TempStorePath("slices_close");
  SqliteStoreOptions o = Options(200);
  o.snapshot_part_bytes = 2000;
  std::string saved;
  {
    auto store = OpenOk(path, o);
    ASSERT_NE(store, nullptr);
    for (size_t i = 0; i < 201; ++i) ASSERT_TRUE(store->Apply(events[i]).ok());
    ASSERT_EQ(store->snapshot_seq(), 200);
    ASSERT_EQ(QueryInt(path, kNamedSnapshot), 0);
    saved = store->shop().Save();
  }
  EXPECT_EQ(QueryInt(path, kNamedSnapshot), 200);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM journal WHERE last <= 200"), 0);
  ExpectReopens(path, o, 200, saved, 201);
  test::RemoveStore(path);
}

// A long batch that spans several snapshots' turns (each one taken
// replaces the one being written, unless the writer finished that one
// while idle): once the entries are halfway to the next turn, the last
// one taken is whole, and the next commit leaves it alone in the table;
// Snapshot() then writes its own whole at once.
TEST(SqliteStore, ALongBatchOfSeveralSnapshotsLeavesTheLastWholeHalfwayToTheNext) {
  const std::vector<ShopEvent> events = SampleEvents(6, 20);
  ASSERT_GT(events.size(), 700u);
  const std::string path = TempStorePath("slices_replaced");
  SqliteStoreOptions o = Options(100);
  o.snapshot_part_bytes = 500;
  auto store = OpenOk(path, o);
  ASSERT_NE(store, nullptr);
  auto span = absl::MakeConstSpan(events);
  ASSERT_TRUE(store->ApplyBatch(span.subspan(0, 660)).ok());  // snapshots at 100, ..., 600
  ASSERT_EQ(store->snapshot_seq(), 600);
  EXPECT_EQ(QueryInt(path, kNamedSnapshot), 600);  // 60 entries past its turn: more than half
  EXPECT_GT(QueryInt(path, "SELECT count(*) FROM snapshot WHERE seq = 600"), 5);
  ASSERT_TRUE(store->Apply(events[660]).ok());
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM snapshot WHERE seq <> 600"), 0);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM journal WHERE last <= 600"), 0);
  ASSERT_TRUE(store->Snapshot().ok());
  EXPECT_EQ(QueryInt(path, kNamedSnapshot), 661);
  EXPECT_EQ(QueryInt(path, "SELECT count(DISTINCT seq) FROM snapshot"), 1);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM journal"), 0);
  const std::string saved = store->shop().Save();
  store.reset();
  ExpectReopens(path, o, 661, saved);
  test::RemoveStore(path);
}

// Opening reads the newest snapshot's parts, in order, by scanning the
// table (no seek: see LoadInTransaction): rows of an older snapshot left
// beside it are passed over, and a part missing from the newest is data
// loss naming it.
TEST(SqliteStore, OpeningReadsTheNewestSnapshotsPartsAndNamesAMissingOne) {
  const std::vector<ShopEvent> events = SampleEvents(6, 10);
  const std::string path = TempStorePath("snapshot_parts");
  const SqliteStoreOptions small_parts = SmallParts();
  std::string saved;
  int64_t snapshot_seq = 0;
  {
    auto store = OpenOk(path, small_parts);
    ASSERT_NE(store, nullptr);
    for (const ShopEvent& e : events) ASSERT_TRUE(store->Apply(e).ok());
    saved = store->shop().Save();
    snapshot_seq = store->snapshot_seq();
    ASSERT_GT(snapshot_seq, 1);
  }
  // An older snapshot, not a kefu snapshot at all, beside the newest (and
  // one of its rows sorted before the newest's first part).
  ExecSql(path, absl::StrCat("INSERT INTO snapshot(seq, part, body) VALUES (", snapshot_seq - 1,
                             ", 0, x'00'), (", snapshot_seq - 1, ", 1, zeroblob(5000))"));
  {
    auto again = OpenOk(path, small_parts);
    ASSERT_NE(again, nullptr);
    EXPECT_TRUE(again->shop().Save() == saved);
    EXPECT_EQ(again->snapshot_seq(), snapshot_seq);
  }
  ExecSql(path, absl::StrCat("DELETE FROM snapshot WHERE seq = ", snapshot_seq, " AND part = 2"));
  absl::StatusOr<std::unique_ptr<SqliteStore>> broken = SqliteStore::Open(path, small_parts);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(broken.status().message(),
              HasSubstr(absl::StrCat("snapshot ", snapshot_seq, " lacks part 2")));
  test::RemoveStore(path);
}

// Applies `events` one by one into `one` and as one batch into `batch`
// (both fresh): the batch is one commit with the singles' results, in
// order, and leaves the same shop.
void ExpectBatchActsAsSingles(SqliteStore& one, SqliteStore& batch,
                              const std::vector<ShopEvent>& events) {
  std::vector<std::string> singles;
  for (const ShopEvent& e : events) {
    absl::StatusOr<StoredResult> r = one.Apply(e);
    ASSERT_TRUE(r.ok());
    singles.push_back(StoredResultName(*r));
  }
  const int64_t commits = batch.commits();
  absl::StatusOr<std::vector<StoredResult>> rs = batch.ApplyBatch(events);
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(batch.commits(), commits + 1);  // a batch is one commit
  EXPECT_GE(one.commits(), static_cast<int64_t>(events.size()));
  ASSERT_EQ(rs->size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(StoredResultName((*rs)[i]), singles[i]) << i;
    EXPECT_EQ((*rs)[i].seq, static_cast<int64_t>(i + 1));
  }
  EXPECT_EQ(batch.snapshot_seq(), one.snapshot_seq());
  EXPECT_EQ(batch.shop().Save(), one.shop().Save());
}

TEST(SqliteStore, ABatchGivesTheResultsOfSingleApplies) {
  auto one = OpenOk(TempStorePath("single"), Options());
  auto batch = OpenOk(TempStorePath("batch"), Options());
  ExpectBatchActsAsSingles(*one, *batch, SampleEvents(7, 10));
}

// A batch longer than a part (StoreCore::kPartEvents, 256 events) is
// written by another thread while it is applied: still one commit, the
// results of single applies, snapshots inside it in their place, and
// reopening gives the same shop.
TEST(SqliteStore, ALongBatchIsOneCommitWrittenWhileItIsApplied) {
  const std::vector<ShopEvent> events = SampleEvents(31, 40);
  ASSERT_GT(events.size(), 2000u);
  const std::string path = TempStorePath("long-batch");
  auto one = OpenOk(TempStorePath("long-single"), Options(500));
  auto batch = OpenOk(path, Options(500));
  ExpectBatchActsAsSingles(*one, *batch, events);
  ASSERT_FALSE(HasFailure());
  EXPECT_GT(batch->snapshot_seq(), 0);  // snapshots fell inside the batch
  // And the next batch, after it, on the same connection.
  const std::vector<ShopEvent> more = SampleEvents(32, 10, 2);
  ASSERT_TRUE(batch->ApplyBatch(more).ok());
  const std::string saved_more = batch->shop().Save();
  batch.reset();
  auto again = OpenOk(path, Options(500));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->shop().Save(), saved_more);
  EXPECT_EQ(again->journal_seq(), static_cast<int64_t>(events.size() + more.size()));
}

// The store checkpoints its WAL itself (at the start of a commit, once the
// WAL holds 1,000 pages, SqliteStore::Impl::BeginParts): long batches and
// short commits alike leave a WAL of a bounded size, not one holding every
// commit since the store was opened; reopened, the shop is the same.
TEST(SqliteStore, TheWalIsCheckpointedAcrossLongBatchesAndShortCommits) {
  const std::vector<ShopEvent> events = SampleEvents(33, 150);
  ASSERT_GT(events.size(), 12000u);
  const std::string path = TempStorePath("wal-bound");
  auto store = OpenOk(path, Options());
  const auto wal_bytes = [&] {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path + "-wal", ec);
    return ec ? uintmax_t{0} : n;
  };
  uintmax_t largest = 0;
  size_t i = 0;
  for (int round = 0; i < events.size(); ++round) {
    if (round % 2 == 0) {  // a long batch, written in parts
      const size_t n = std::min<size_t>(events.size() - i, 1500);
      ASSERT_TRUE(store->ApplyBatch(absl::MakeConstSpan(events).subspan(i, n)).ok());
      i += n;
    } else {
      for (size_t k = 0; k < 300 && i < events.size(); ++k, ++i) {
        ASSERT_TRUE(store->Apply(events[i]).ok());
      }
    }
    largest = std::max(largest, wal_bytes());
  }
  // Unchecked, the WAL would hold every page written: more than 20 MB here
  // (a page or more per short commit). Checkpointed, at most the 1,000
  // pages that start a checkpoint plus one commit's.
  EXPECT_GT(largest, 0u);
  EXPECT_LT(largest, uintmax_t{12} << 20) << largest;
  const std::string saved = store->shop().Save();
  store.reset();
  auto again = OpenOk(path, Options());
  EXPECT_EQ(again->shop().Save(), saved);
}

TEST(SqliteStore, ARedeliveredEventIsADuplicateAlsoAfterReopening) {
  const std::vector<ShopEvent> events = SampleEvents(8, 5);
  const std::string path = TempStorePath("dup");
  {
    auto store = OpenOk(path, Options(7));
    for (const ShopEvent& e : events) ASSERT_TRUE(store->Apply(e).ok());
  }
  auto store = OpenOk(path, Options(7));
  absl::StatusOr<StoredResult> r = store->Apply(events[3]);
  ASSERT_TRUE(r.ok());
  EXPECT_STREQ(StoredResultName(*r), "duplicate");
}

// The team entities (issue 20) are journaled and come back on reopening,
// from the journal alone and from a snapshot: each agent's state and data,
// the ledger's shifts, cards and reports, and a redelivery is a duplicate.
TEST(SqliteStore, AReopenedStoreKeepsTheTeam) {
  const std::vector<std::string> lines = {
      R"({"id":"s-1","at":"2026-11-21T08:48:00+08:00","agent":"小王","entity":"team","key":"小王","type":"shift_started","fields":{"shift":"early","channels":"旺旺,商城"}})",
      R"({"id":"s-2","at":"2026-11-21T12:00:00+08:00","agent":"小王","entity":"team","key":"小王","type":"seat_left"})",
      R"({"id":"s-3","at":"2026-11-21T14:00:00+08:00","agent":"小王","entity":"team","key":"小王","type":"shift_swapped","fields":{"day":"2026-11-23","shift":"early","with":"小李","approved_by":"主管老张","approver_role":"supervisor"}})",
      R"({"id":"s-4","at":"2026-11-21T15:00:00+08:00","agent":"小李","entity":"team","key":"小李","type":"reported_upward","fields":{"kind":"competition","summary":"竞店同款保温杯降价10元"}})",
      R"({"id":"s-5","at":"2026-11-21T19:00:00+08:00","agent":"主管老张","entity":"team","key":"小李","type":"supervisor_scored","fields":{"part":"attitude","score":18,"role":"supervisor"}})",
      R"({"id":"s-6","at":"2026-11-21T19:05:00+08:00","agent":"小李","entity":"team","key":"小王","type":"supervisor_scored","fields":{"part":"attitude","score":20}})",
  };
  for (const int64_t snapshot_every : {int64_t{100000}, int64_t{4}}) {
    SCOPED_TRACE(snapshot_every);
    const std::string path = TempStorePath(absl::StrCat("team", snapshot_every));
    std::string saved, ledger;
    {
      auto store = OpenOk(path, Options(snapshot_every));
      ASSERT_NE(store, nullptr);
      for (const std::string& line : lines) {
        absl::StatusOr<ShopEvent> e = ParseEvent(line);
        ASSERT_TRUE(e.ok()) << e.status();
        ASSERT_TRUE(store->Apply(*e).ok());
      }
      saved = store->shop().Save();
      ledger = store->shop().Team().SaveState();
      EXPECT_EQ(store->snapshot_seq(), snapshot_every == 4 ? 4 : 0);
    }
    auto again = OpenOk(path, Options(snapshot_every));
    ASSERT_NE(again, nullptr);
    EXPECT_TRUE(again->shop().Save() == saved);
    EXPECT_EQ(again->shop().Team().SaveState(), ledger);
    const std::optional<TeamMemberState> wang = again->shop().FindTeamMember("小王");
    ASSERT_TRUE(wang.has_value());
    EXPECT_EQ(wang->state, "away");
    EXPECT_EQ(wang->data.swaps.size(), 1u);
    EXPECT_EQ(wang->data.left_unhanded, 1);
    const TeamLedger team = again->shop().Team();
    EXPECT_EQ(team.Card("小李", absl::CivilMonth(2026, 11))
                  .parts[static_cast<size_t>(ScorePart::kAttitude)],
              18);
    EXPECT_EQ(team.ReportsBetween(absl::InfinitePast(), absl::InfiniteFuture()).size(), 1u);
    EXPECT_EQ(team.ShiftFindings().size(), 1u);
    for (size_t i : {size_t{2}, size_t{5}}) {
      absl::StatusOr<StoredResult> r = again->Apply(*ParseEvent(lines[i]));
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_STREQ(StoredResultName(*r), "duplicate");
    }
    // And it goes on from there.
    absl::StatusOr<StoredResult> back = again->Apply(*ParseEvent(
        R"({"id":"s-7","at":"2026-11-21T19:10:00+08:00","agent":"小王","entity":"team","key":"小王","type":"seat_returned"})"));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_STREQ(StoredResultName(*back), "applied");
    EXPECT_EQ(again->shop().FindTeamMember("小王")->state, "on_shift");
  }
}

// The report of a store equals one replay of the same lines, across
// reopenings and snapshots.
TEST(SqliteStore, ItsReportIsTheReplayOfEverythingItTook) {
  const std::vector<ShopEvent> events = SampleEvents(9, 25);
  std::string text;
  for (const ShopEvent& e : events) text += FormatEvent(e) + "\n";
  std::istringstream in(text);
  absl::StatusOr<ReplayReport> replay = Replay(in, ReplayOptions{});
  ASSERT_TRUE(replay.ok());

  const std::string path = TempStorePath("report");
  for (size_t from = 0; from < events.size();) {
    auto store = OpenOk(path, Options(61));
    const size_t to = std::min(events.size(), from + 333);
    for (size_t i = from; i < to; ++i) ASSERT_TRUE(store->Apply(events[i]).ok());
    from = to;
  }
  auto store = OpenOk(path, Options(61));
  absl::StatusOr<ReplayReport> r = store->Report();
  ASSERT_TRUE(r.ok()) << r.status();
  test::ExpectSameReport(*r, *replay);
}

// FinalReport builds on the store's own shop the report Report builds on
// a copy, with and without `until`, also read-only (`kefu report`); then
// the store takes nothing more, and the file is as it was.
TEST(SqliteStore, AFinalReportIsTheReportAndEndsTheStore) {
  const std::vector<ShopEvent> events = SampleEvents(12, 25);
  const std::string path = TempStorePath("final_report");
  const Timestamp later = MetaOf(events.back()).at + absl::Hours(24 * 5);
  {
    auto store = OpenOk(path, Options(97));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->ApplyBatch(events).ok());
  }
  const std::string before = TempStorePath("final_report_before");
  std::filesystem::copy_file(path, before, std::filesystem::copy_options::overwrite_existing);
  SqliteStoreOptions reader = Options(97);
  reader.read_only = true;
  for (const std::optional<Timestamp>& until : {std::optional<Timestamp>(), std::optional(later)}) {
    for (const SqliteStoreOptions& o : {Options(97), reader}) {
      auto store = OpenOk(path, o);
      ASSERT_NE(store, nullptr);
      const int64_t seq = store->journal_seq();
      absl::StatusOr<ReplayReport> copy = store->Report(until);
      ASSERT_TRUE(copy.ok()) << copy.status();
      absl::StatusOr<ReplayReport> final_report = store->FinalReport(until);
      ASSERT_TRUE(final_report.ok()) << final_report.status();
      EXPECT_EQ(ReportJson("s", *final_report, Language::kEn, 1),
                ReportJson("s", *copy, Language::kEn, 1));
      EXPECT_GT(final_report->applied, 0);
      ASSERT_NE(final_report->shop, nullptr);
      EXPECT_EQ(final_report->shop.get(), &store->shop());
      // Nothing more.
      for (const absl::Status& s :
           {store->Apply(events[0]).status(), store->Due(later).status(),
            store->Confirm({1}).status(), store->Snapshot(), store->Report().status(),
            store->FinalReport().status()}) {
        EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
        EXPECT_THAT(s.message(), HasSubstr("final report"));
      }
      EXPECT_EQ(store->journal_seq(), seq);
    }
  }
  // The items due by `later` that the reports took were the reports': the
  // store delivers what a copy of it made before them delivers.
  std::vector<std::pair<int64_t, std::string>> delivered[2];
  for (int i = 0; i < 2; ++i) {
    auto store = OpenOk(i == 0 ? path : before, Options(97));
    ASSERT_NE(store, nullptr);
    absl::StatusOr<std::vector<StoredDueItem>> due = store->Due(later);
    ASSERT_TRUE(due.ok()) << due.status();
    for (const StoredDueItem& d : *due) {
      delivered[i].emplace_back(d.id, test::DueKeys({d.item})[0]);
    }
  }
  EXPECT_FALSE(delivered[0].empty());
  EXPECT_EQ(delivered[0], delivered[1]);
  for (const std::string& p : {path, before}) test::RemoveStore(p);
}

TEST(SqliteStore, DueItemsComeUntilConfirmedAcrossReopening) {
  const std::vector<ShopEvent> events = SampleEvents(10, 20);
  const std::string path = TempStorePath("due");
  const Timestamp end = MetaOf(events.back()).at + absl::Hours(24 * 30);
  std::vector<int64_t> first_ids;
  {
    auto store = OpenOk(path, Options(101));
    ASSERT_TRUE(store->ApplyBatch(events).ok());
    absl::StatusOr<std::vector<StoredDueItem>> due = store->Due(end);
    ASSERT_TRUE(due.ok()) << due.status();
    ASSERT_GT(due->size(), 10u);
    for (const StoredDueItem& d : *due) first_ids.push_back(d.id);
    // Confirm the first half.
    std::vector<int64_t> done(first_ids.begin(), first_ids.begin() + first_ids.size() / 2);
    absl::StatusOr<size_t> n = store->Confirm(done);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, done.size());
    n = store->Confirm(done);  // again: nothing pending
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 0u);
  }
  auto store = OpenOk(path, Options(101));
  absl::StatusOr<std::vector<StoredDueItem>> due = store->Due(end);
  ASSERT_TRUE(due.ok());
  std::vector<int64_t> ids;
  for (const StoredDueItem& d : *due) ids.push_back(d.id);
  // The unconfirmed half, with the ids they had, and nothing new.
  EXPECT_EQ(ids, std::vector<int64_t>(first_ids.begin() + first_ids.size() / 2, first_ids.end()));
  // A slice.
  due = store->Due(end, 3);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 3u);
}

TEST(SqliteStore, ATickIsJournaledSoReopeningDoesNotDeliverItsItemsTwice) {
  const std::vector<ShopEvent> events = SampleEvents(11, 10);
  const std::string path = TempStorePath("tick");
  const Timestamp end = MetaOf(events.back()).at + absl::Hours(24 * 30);
  size_t taken = 0;
  {
    auto store = OpenOk(path, Options());  // no snapshot: the tick is in the journal
    ASSERT_TRUE(store->ApplyBatch(events).ok());
    absl::StatusOr<std::vector<StoredDueItem>> due = store->Due(end);
    ASSERT_TRUE(due.ok());
    taken = due->size();
    std::vector<int64_t> ids;
    for (const StoredDueItem& d : *due) ids.push_back(d.id);
    ASSERT_TRUE(store->Confirm(ids).ok());
  }
  auto store = OpenOk(path, Options());
  EXPECT_GT(taken, 0u);
  EXPECT_EQ(store->pending_due(), 0u);
  absl::StatusOr<std::vector<StoredDueItem>> due = store->Due(end);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
}

// Events the JSON Lines format cannot carry (ill-formed UTF-8 in a reply, an
// empty id, a time out of range) are journaled exactly: reopening gives the
// same shop, instead of a journal that decides otherwise.
TEST(SqliteStore, EventsThatJsonCannotCarryAreJournaledExactly) {
  std::vector<ShopEvent> events = SampleEvents(16, 8);
  size_t replies = 0;
  for (ShopEvent& e : events) {
    if (auto* reply = std::get_if<ReplyEvent>(&e.event)) {
      if (auto* posted = std::get_if<ReplyPosted>(reply)) {
        posted->text += "\xff\xfe 到不了";  // ill-formed, and a finding
        ++replies;
      }
    }
  }
  ASSERT_GT(replies, 0u);
  ShopEvent no_id = events[0];
  std::visit([](auto& k) { std::visit([](auto& ev) { ev.meta.id.clear(); }, k); }, no_id.event);
  ShopEvent far = events[1];
  std::visit([](auto& k) { std::visit([](auto& ev) { ev.meta.at = absl::InfiniteFuture(); }, k); },
             far.event);
  events.push_back(no_id);
  events.push_back(far);
  const std::string path = TempStorePath("exact");
  std::string saved;
  {
    auto store = OpenOk(path, Options());
    absl::StatusOr<std::vector<StoredResult>> rs = store->ApplyBatch(events);
    ASSERT_TRUE(rs.ok());
    EXPECT_STREQ(StoredResultName(rs->back()), "rejected");
    EXPECT_STREQ(StoredResultName((*rs)[rs->size() - 2]), "rejected");
    saved = store->shop().Save();
  }
  auto again = OpenOk(path, Options());
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->shop().Save() == saved);
}

// ------------------------------------------------------------------ errors

TEST(SqliteStore, AFileThatIsNotAStoreIsRefused) {
  const std::string text = TempStorePath("text");
  std::ofstream(text) << "{\"id\":\"e1\"}\n";
  absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(text, Options());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("not a kefu store"));

  const std::string empty = TempStorePath("empty");
  std::ofstream(empty).flush();
  s = SqliteStore::Open(empty, Options());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("not a kefu store"));

  const std::string other = TempStorePath("other");
  ExecSql(other, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
  std::ifstream before_file(other, std::ios::binary);
  const std::string before((std::istreambuf_iterator<char>(before_file)),
                           std::istreambuf_iterator<char>());
  s = SqliteStore::Open(other, Options());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("not a kefu store"));
  // Left as it was (not switched to WAL).
  std::ifstream after_file(other, std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(after_file)),
                          std::istreambuf_iterator<char>());
  EXPECT_TRUE(after == before);
}

TEST(SqliteStore, ANewerFormatIsRefusedNamingBoth) {
  const std::string path = TempStorePath("newer");
  { ASSERT_NE(OpenOk(path, Options()), nullptr); }
  ExecSql(path, "UPDATE meta SET value = 4 WHERE key = 'format'");
  absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(path, Options());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(),
              HasSubstr("has format 4; this build of kefu reads formats 2 to 3"));
  EXPECT_THAT(s.status().message(), HasSubstr("newer kefu"));
}

// The newest snapshot's body, its parts joined.
std::string SnapshotBody(const std::string& path, int64_t seq) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT body FROM snapshot WHERE seq = ? ORDER BY part", -1,
                               &st, nullptr),
            SQLITE_OK);
  sqlite3_bind_int64(st, 1, seq);
  std::string body;
  while (sqlite3_step(st) == SQLITE_ROW) {
    body.append(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                static_cast<size_t>(sqlite3_column_bytes(st, 0)));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return body;
}

// Makes `body` snapshot `seq`'s only part.
void SetSnapshotBody(const std::string& path, int64_t seq, const std::string& body) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, absl::StrCat("DELETE FROM snapshot WHERE seq = ", seq).c_str(),
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO snapshot(seq, part, body) VALUES (?, 0, ?)", -1,
                               &st, nullptr),
            SQLITE_OK);
  sqlite3_bind_int64(st, 1, seq);
  sqlite3_bind_blob(st, 2, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// A snapshot's checksum covers its saved shop through the checksum the
// shop ends with (the shop's bytes are read once, by Shop::Load against
// that one): whichever of its parts is altered, the store is refused.
TEST(SqliteStore, ASnapshotAlteredAnywhereIsRefused) {
  const std::vector<ShopEvent> events = SampleEvents(6, 10);
  const std::string path = TempStorePath("altered");
  int64_t seq = 0;
  std::string shop;
  {
    auto store = OpenOk(path, Options());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->ApplyBatch(absl::MakeConstSpan(events).subspan(0, 60)).ok());
    ASSERT_TRUE(store->Snapshot().ok());
    seq = store->snapshot_seq();
    shop = store->shop().Save();
  }
  const std::string body = SnapshotBody(path, seq);
  // "KEFUSNAP", the format (1), the shop's size, the shop, the rest, the
  // checksum.
  internal::ByteReader head(std::string_view(body).substr(8));
  uint64_t format = 0, shop_size = 0;
  ASSERT_TRUE(head.Varint(&format) && head.Varint(&shop_size));
  ASSERT_EQ(format, 1u);
  ASSERT_EQ(shop_size, shop.size());
  const size_t shop_at = 8 + head.offset();
  ASSERT_EQ(body.substr(shop_at, shop.size()), shop);
  ASSERT_GT(body.size(), shop_at + shop.size() + 4);  // the report's state after it
  SetSnapshotBody(path, seq, body);  // the helpers themselves: it opens
  {
    auto again = OpenOk(path, Options());
    ASSERT_NE(again, nullptr);
    EXPECT_TRUE(again->shop().Save() == shop);
  }
  auto expect_refused = [&](std::string altered, const std::string& what,
                            absl::StatusCode code = absl::StatusCode::kDataLoss) {
    SetSnapshotBody(path, seq, altered);
    absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(path, Options());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), code);
    EXPECT_THAT(s.status().message(), HasSubstr(absl::StrCat("snapshot ", seq)));
    EXPECT_THAT(s.status().message(), HasSubstr(what));
  };
  auto flipped = [&](size_t at) {
    std::string b = body;
    b[at] = static_cast<char>(b[at] ^ 0x40);
    return b;
  };
  // Within the shop: its own checksum refuses it.
  expect_refused(flipped(shop_at + shop.size() / 2),
                 "saved shop is corrupted: its checksum does not match");
  // The shop's checksum, the shop's size, the report's state, the
  // snapshot's own checksum: the snapshot's checksum refuses it.
  for (size_t at : {shop_at + shop.size() - 2, shop_at - 1, shop_at + shop.size() + 1,
                    body.size() - 1}) {
    SCOPED_TRACE(at);
    expect_refused(flipped(at), "its checksum does not match");
  }
  // Another format with its checksum right: refused naming it.
  std::string other = body;
  other[8] = 2;
  const uint32_t crc =
      internal::Crc32(std::string_view(other).substr(0, other.size() - 4));
  for (int i = 0; i < 4; ++i) other[other.size() - 4 + i] = static_cast<char>(crc >> (8 * i));
  expect_refused(other, "has format 2; this build of kefu reads format 1",
                 absl::StatusCode::kFailedPrecondition);
  test::RemoveStore(path);
}

// A store of format 2 (before snapshots were written in parts: no
// snapshot_seq in the meta table, the newest snapshot is whole) is read as
// it is; opened for writing, it becomes format 3, naming that snapshot.
TEST(SqliteStore, AFormatTwoStoreIsReadAndBecomesFormatThreeWhenWritten) {
  const std::vector<ShopEvent> events = SampleEvents(6, 10);
  const std::string path = TempStorePath("format2");
  std::string saved;
  int64_t seq = 0;
  {
    auto store = OpenOk(path, Options());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->ApplyBatch(absl::MakeConstSpan(events).subspan(0, 50)).ok());
    ASSERT_TRUE(store->Snapshot().ok());
    ASSERT_TRUE(store->ApplyBatch(absl::MakeConstSpan(events).subspan(50, 10)).ok());
    saved = store->shop().Save();
    seq = store->snapshot_seq();
    ASSERT_EQ(seq, 50);
  }
  ExecSql(path,
          "UPDATE meta SET value = 2 WHERE key = 'format';"
          "DELETE FROM meta WHERE key = 'snapshot_seq'");
  const std::string format = "SELECT value FROM meta WHERE key = 'format'";
  const std::string named_rows = "SELECT count(*) FROM meta WHERE key = 'snapshot_seq'";
  SqliteStoreOptions reader = Options();
  reader.read_only = true;
  {
    auto read = OpenOk(path, reader);
    ASSERT_NE(read, nullptr);
    EXPECT_EQ(read->snapshot_seq(), seq);
    EXPECT_TRUE(read->shop().Save() == saved);
  }
  EXPECT_EQ(QueryInt(path, format), 2);  // read-only: left as it was
  {
    auto store = OpenOk(path, Options());
    ASSERT_NE(store, nullptr);
    EXPECT_TRUE(store->shop().Save() == saved);
    EXPECT_EQ(QueryInt(path, format), SqliteStore::kFormat);
    EXPECT_EQ(QueryInt(path, kNamedSnapshot), seq);
  }
  auto again = OpenOk(path, Options());
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->shop().Save() == saved);
  again.reset();
  // Format 3 without it, or naming a snapshot that is not there: data loss.
  ExecSql(path, "DELETE FROM meta WHERE key = 'snapshot_seq'");
  EXPECT_EQ(QueryInt(path, named_rows), 0);
  absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(path, reader);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.status().message(), HasSubstr("names no whole snapshot"));
  ExecSql(path, "INSERT INTO meta VALUES ('snapshot_seq', 49)");
  s = SqliteStore::Open(path, reader);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.status().message(), HasSubstr("snapshot 49, which its meta table names, has no rows"));
  test::RemoveStore(path);
}

// A store of format 1 (a journal row per entry, before entries went in
// chunks): a clear message naming both formats, not an SQL error about a
// missing column; the file is left as it was.
TEST(SqliteStore, AnOlderFormatIsRefusedNamingBoth) {
  const std::string path = TempStorePath("older");
  {
    auto store = OpenOk(path, Options());
    ASSERT_TRUE(store->ApplyBatch(SampleEvents(15, 2)).ok());
  }
  // Format 1's tables, as that kefu made them.
  ExecSql(path,
          "DROP TABLE journal;"
          "CREATE TABLE journal(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, "
          "  body BLOB NOT NULL, result INTEGER NOT NULL, outcome BLOB NOT NULL, "
          "  crc INTEGER NOT NULL);"
          "UPDATE meta SET value = 1 WHERE key = 'format'");
  for (bool read_only : {false, true}) {
    SqliteStoreOptions options = Options();
    options.read_only = read_only;
    absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(path, options);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(s.status().message(),
                HasSubstr("has format 1; this build of kefu reads formats 2 to 3 (it was "
                          "written by an older kefu"));
    EXPECT_THAT(s.status().message(), Not(HasSubstr("no such column")));
  }
}

TEST(SqliteStore, OneWriterAtATime) {
  const std::string path = TempStorePath("lock");
  auto first = OpenOk(path, Options());
  absl::StatusOr<std::unique_ptr<SqliteStore>> second = SqliteStore::Open(path, Options());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("open for writing by another process"));
  // A reader may open it meanwhile, and sees what the writer committed.
  const std::vector<ShopEvent> events = SampleEvents(12, 3);
  ASSERT_TRUE(first->ApplyBatch(events).ok());
  SqliteStoreOptions ro = Options();
  ro.read_only = true;
  auto reader = OpenOk(path, ro);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->shop().Save(), first->shop().Save());
  EXPECT_EQ(reader->Apply(events[0]).status().code(), absl::StatusCode::kFailedPrecondition);
  first.reset();
  EXPECT_NE(OpenOk(path, Options()), nullptr);  // released on close
}

TEST(SqliteStore, AnAlteredJournalRowIsDataLoss) {
  const std::vector<ShopEvent> events = SampleEvents(13, 3);
  const std::string path = TempStorePath("altered");
  // One commit (and so one journal row) per event.
  auto apply_each = [&](const std::string& p) {
    auto store = OpenOk(p, Options());
    for (const ShopEvent& e : events) ASSERT_TRUE(store->Apply(e).ok());
  };
  apply_each(path);
  // Row 6 is an order's event (ids "TM..."): its bytes hold a 'T' to alter.
  ExecSql(path, "UPDATE journal SET entries = replace(entries, 'T', 'X') WHERE seq = 6");
  absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(path, Options());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.status().message(), HasSubstr("journal entries 6 to 6 do not match"));

  const std::string gap = TempStorePath("gap");
  apply_each(gap);
  ExecSql(gap, "DELETE FROM journal WHERE seq = 4");
  s = SqliteStore::Open(gap, Options());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.status().message(), HasSubstr("journal entry 4 is missing"));
}

TEST(SqliteStore, OpeningWithOtherPoliciesThatDecideOtherwiseIsDataLoss) {
  const std::vector<ShopEvent> events = SampleEvents(14, 20);
  const std::string path = TempStorePath("policies");
  { ASSERT_TRUE(OpenOk(path, Options())->ApplyBatch(events).ok()); }
  SqliteStoreOptions other = Options();
  other.shop.max_events_per_entity = 2;  // later events of an order are refused now
  absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(path, other);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.status().message(), HasSubstr("decides otherwise than when it was stored"));
}

// A pack that decides the same but is another file (another revision): the
// store opens, the events it journaled keep the revision that judged them
// (also as duplicates), and later events name the new one.
TEST(SqliteStore, ReopenedUnderAnotherPackItsJournalKeepsTheRevisionThatJudged) {
  const std::vector<ShopEvent> events = SampleEvents(15, 20);
  const std::string path = TempStorePath("revision");
  SqliteStoreOptions a = Options();
  a.shop.policy_revision = "aaaaaaaaaaaaaaaa";
  const size_t half = events.size() / 2;
  {
    auto store = OpenOk(path, a);
    for (size_t i = 0; i < half; ++i) {
      absl::StatusOr<StoredResult> r = store->Apply(events[i]);
      ASSERT_TRUE(r.ok());
      if (r->outcome.ok()) {
        EXPECT_EQ(r->outcome->audit.policy_revision, 0xaaaaaaaaaaaaaaaau);
      }
    }
    EXPECT_EQ(store->snapshot_seq(), 0);  // everything is in the journal
  }
  SqliteStoreOptions b = Options();
  b.shop.policy_revision = "bbbbbbbbbbbbbbbb";
  std::string saved;
  {
    auto store = OpenOk(path, b);
    ASSERT_NE(store, nullptr);
    int originals = 0;
    for (size_t i = 0; i < half; ++i) {
      absl::StatusOr<StoredResult> r = store->Apply(events[i]);
      ASSERT_TRUE(r.ok());
      if (!r->outcome.ok()) continue;
      ASSERT_TRUE(r->outcome->audit.duplicate);
      EXPECT_EQ(r->outcome->audit.policy_revision, 0xaaaaaaaaaaaaaaaau);
      ++originals;
    }
    EXPECT_GT(originals, 10);
    int later = 0;
    for (size_t i = half; i < events.size(); ++i) {
      absl::StatusOr<StoredResult> r = store->Apply(events[i]);
      ASSERT_TRUE(r.ok());
      if (!r->outcome.ok() || r->outcome->audit.duplicate) continue;
      EXPECT_EQ(r->outcome->audit.policy_revision, 0xbbbbbbbbbbbbbbbbu);
      ++later;
    }
    EXPECT_GT(later, 10);
    saved = store->shop().Save();
  }
  // And again: the whole journal, two revisions in it, rebuilds the same shop.
  auto again = OpenOk(path, b);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->shop().Save() == saved);
}

// Applies `events` one at a time until the store refuses one (a full
// disk): how many it acknowledged, the shop's Save before the refused one,
// and the refusal (OK when none was refused). `before_each` runs before
// each Apply, after the Save.
struct Refusal {
  size_t acknowledged = 0;
  std::string before;
  absl::Status failed;
};
Refusal ApplyUntilRefused(SqliteStore& store, const std::vector<ShopEvent>& events,
                          const std::function<void()>& before_each = nullptr) {
  Refusal out;
  for (const ShopEvent& e : events) {
    out.before = store.shop().Save();
    if (before_each) before_each();
    absl::StatusOr<StoredResult> r = store.Apply(e);
    if (!r.ok()) {
      out.failed = r.status();
      break;
    }
    ++out.acknowledged;
  }
  return out;
}

// A full disk: the events are not acknowledged and the shop is unchanged,
// in memory and in the file.
TEST(SqliteStore, AFailedWriteAcknowledgesNothingAndLeavesTheShopAsItWas) {
  const std::vector<ShopEvent> events = SampleEvents(15, 30);
  const std::string path = TempStorePath("full");
  SqliteStoreOptions o = Options();
  o.max_pages = 40;  // 160 KiB: room for a few hundred events
  auto store = OpenOk(path, o);
  ASSERT_NE(store, nullptr);
  const auto [acknowledged, before, failed] = ApplyUntilRefused(*store, events);
  ASSERT_FALSE(failed.ok()) << "the store never filled up";
  EXPECT_EQ(failed.code(), absl::StatusCode::kResourceExhausted) << failed;
  EXPECT_THAT(failed.message(), HasSubstr("not stored"));
  EXPECT_GT(acknowledged, 10u);
  EXPECT_EQ(store->shop().Save(), before);
  EXPECT_EQ(store->journal_seq(), static_cast<int64_t>(acknowledged));
  // A batch that does not fit: none of it. It is long (written in parts
  // while applied), and the write fails in one of its parts.
  ASSERT_GT(events.size() - acknowledged, 1000u);
  absl::StatusOr<std::vector<StoredResult>> batch =
      store->ApplyBatch(absl::MakeConstSpan(events).subspan(acknowledged));
  EXPECT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kResourceExhausted) << batch.status();
  EXPECT_EQ(store->shop().Save(), before);
  store.reset();
  auto again = OpenOk(path, Options());
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->shop().Save(), before);
  EXPECT_EQ(again->journal_seq(), static_cast<int64_t>(acknowledged));
}

// The disk fills while a snapshot is being written a part at a time: the
// commit that fails (its events, and the part it carried) is not
// acknowledged, the shop goes back to what the file holds, and the file,
// reopened, holds every event acknowledged and none other.
TEST(SqliteStore, AFailedWriteWhileASnapshotIsWrittenAcknowledgesNothing) {
  const std::vector<ShopEvent> events = SampleEvents(16, 30);
  const std::string path = TempStorePath("full_slices");
  SqliteStoreOptions o = Options(40);
  o.snapshot_part_bytes = 700;
  o.max_pages = 60;
  auto store = OpenOk(path, o);
  ASSERT_NE(store, nullptr);
  bool snapshot_unfinished = false;  // when the write failed
  const auto [acknowledged, before, failed] = ApplyUntilRefused(*store, events, [&] {
    snapshot_unfinished = QueryInt(path, kNamedSnapshot) < store->snapshot_seq();
  });
  ASSERT_FALSE(failed.ok()) << "the store never filled up";
  EXPECT_EQ(failed.code(), absl::StatusCode::kResourceExhausted) << failed;
  EXPECT_TRUE(snapshot_unfinished) << "the disk filled between snapshots";
  EXPECT_GT(acknowledged, 40u);
  EXPECT_EQ(store->shop().Save(), before);
  EXPECT_EQ(store->journal_seq(), static_cast<int64_t>(acknowledged));
  store.reset();  // its try at finishing the snapshot fails too
  auto again = OpenOk(path, Options(40));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->shop().Save(), before);
  EXPECT_EQ(again->journal_seq(), static_cast<int64_t>(acknowledged));
  // And it goes on from there.
  ASSERT_TRUE(again->Apply(events[acknowledged]).ok());
  again.reset();
  test::RemoveStore(path);
}

}  // namespace
}  // namespace kefu
