// Several threads apply events into one SQLite store (kefu/store/
// sqlite_store.h) while another takes and confirms due items: every call is
// acknowledged, commits are shared, and reopening the store gives the shop
// the threads built, byte for byte. Run under ThreadSanitizer by the `tsan`
// preset (label `threads`).
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/io/replay.h"
#include "kefu/store/sqlite_store.h"
#include "store/store_test_util.h"

namespace kefu {
namespace {

// Each entity's events to one of `n` threads, in their order.
std::vector<std::vector<ShopEvent>> ByEntity(const std::vector<ShopEvent>& events, int n) {
  std::vector<std::vector<ShopEvent>> parts(static_cast<size_t>(n));
  for (const ShopEvent& e : events) {
    const size_t h = std::hash<std::string>()(e.key) + static_cast<size_t>(e.kind());
    parts[h % parts.size()].push_back(e);
  }
  return parts;
}

// Runs `apply(t)` for t in [0, threads) on threads of their own while
// another takes the due items up to `end` and confirms them, until they
// are done. The failed calls: those `apply` counted and the ticker's.
int ApplyBesideTicker(SqliteStore& store, int threads, Timestamp end,
                      const std::function<int(int)>& apply) {
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> appliers;
  for (int t = 0; t < threads; ++t) appliers.emplace_back([&, t] { failures += apply(t); });
  std::thread ticker([&] {
    while (!done) {
      absl::StatusOr<std::vector<StoredDueItem>> due = store.Due(end, 50);
      if (!due.ok()) {
        ++failures;
        break;
      }
      std::vector<int64_t> ids;
      for (const StoredDueItem& d : *due) ids.push_back(d.id);
      if (!store.Confirm(ids).ok()) ++failures;
      store.shop().PendingDeadlines();
    }
  });
  for (std::thread& th : appliers) th.join();
  done = true;
  ticker.join();
  return failures.load();
}

TEST(SqliteStoreThreads, EventsOfDifferentEntitiesFromSeveralThreadsAllLandAndReopenTheSame) {
  const std::vector<ShopEvent> events = test::SampleEvents(21, 15);
  constexpr int kThreads = 4;
  const std::vector<std::vector<ShopEvent>> parts = ByEntity(events, kThreads);
  const std::string path = test::TempStorePath("threads");
  SqliteStoreOptions options;
  // Full durability: each commit waits for the disk, so the threads that
  // stage meanwhile share the next one.
  options.durability = Durability::kFull;
  options.snapshot_every = 300;
  // Shop::Save holds every shard's lock at once (a consistent snapshot);
  // ThreadSanitizer's deadlock detector tracks at most 64 locks held by one
  // thread and aborts past that, which 64 shards and the store's own lock
  // reach. Sixteen shards keep the test under the tool's limit.
  options.shop.shards = 16;
  std::string saved;
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, options);
    ASSERT_TRUE(store.ok()) << store.status();
    std::atomic<int64_t> calls{0};  // Apply and ApplyBatch calls
    const int failures = ApplyBesideTicker(**store, kThreads, MetaOf(events.back()).at, [&](int t) {
      int failed = 0;
      const std::vector<ShopEvent>& mine = parts[t];
      for (size_t i = 0; i < mine.size(); ++i) {
        // Alternately one event and a batch of a few.
        ++calls;
        if (i % 2 == 0 || i + 3 > mine.size()) {
          if (!(*store)->Apply(mine[i]).ok()) ++failed;
        } else {
          if (!(*store)->ApplyBatch(absl::MakeConstSpan(mine).subspan(i, 3)).ok()) ++failed;
          i += 2;
        }
      }
      return failed;
    });
    EXPECT_EQ(failures, 0);
    // Commits were shared: fewer than the calls that waited for one.
    std::cout << "[ threads  ] " << calls.load() << " calls, " << (*store)->commits()
              << " commits\n";
    EXPECT_LT((*store)->commits(), calls.load());
    EXPECT_GE((*store)->journal_seq(), static_cast<int64_t>(events.size()));
    saved = (*store)->shop().Save();
  }
  absl::StatusOr<std::unique_ptr<SqliteStore>> again = SqliteStore::Open(path, options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->shop().Save(), saved);
}

// An open on two threads (the due rows read beside the snapshot's load and
// checked beside the journal's replay, the journal's rows read and decoded
// ahead of it, the snapshot's entities restored and its checksum taken on
// both) makes the shop, the due items and the errors an open on one thread
// makes.
TEST(SqliteStoreThreads, AnOpenOnTwoThreadsIsAnOpenOnOne) {
  const std::vector<ShopEvent> events = test::SampleEvents(23, 150);
  const std::string path = test::TempStorePath("open-threads");
  // A snapshot two thirds of the way: a journal after it to apply again.
  SqliteStoreOptions options =
      test::NormalStoreOptions(static_cast<int64_t>(events.size() * 2 / 3), 8);
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, options);
    ASSERT_TRUE(store.ok()) << store.status();
    for (size_t i = 0; i < events.size(); i += 500) {
      const size_t n = std::min<size_t>(500, events.size() - i);
      ASSERT_TRUE((*store)->ApplyBatch(absl::MakeConstSpan(events).subspan(i, n)).ok());
      // Taken and never confirmed: due rows kept by the store.
      ASSERT_TRUE((*store)->Due(MetaOf(events[i + n - 1]).at).ok());
    }
    ASSERT_GE((*store)->pending_due(), 1024u);  // enough to be checked on a thread of their own
    ASSERT_GT((*store)->journal_seq(), (*store)->snapshot_seq());
  }
  struct Opened {
    std::string shop;
    std::vector<std::string> due;
    int64_t journal_seq = 0;
    std::string error;
  };
  auto open = [&](const std::string& file, int threads) {
    SqliteStoreOptions o = options;
    o.shop.load_threads = threads;
    Opened out;
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(file, o);
    if (!store.ok()) {
      out.error = std::string(store.status().message());
      return out;
    }
    out.shop = (*store)->shop().Save();
    // Up to the last time they were taken: nothing new taken, no tick
    // journaled (the store stays as it was for the next open).
    absl::StatusOr<std::vector<StoredDueItem>> due = (*store)->Due(MetaOf(events.back()).at);
    EXPECT_TRUE(due.ok());
    for (const StoredDueItem& d : *due) {
      out.due.push_back(absl::StrCat(d.id, " ", d.item.entity, " ", FormatTimestamp(d.item.at)));
    }
    out.journal_seq = (*store)->journal_seq();
    return out;
  };
  auto expect_same = [&](const std::string& file) {
    const Opened one = open(file, 1), two = open(file, 2);
    EXPECT_EQ(one.error, two.error);
    EXPECT_TRUE(one.shop == two.shop);
    EXPECT_EQ(one.due, two.due);
    EXPECT_EQ(one.journal_seq, two.journal_seq);
    return one;
  };
  const Opened whole = expect_same(path);
  EXPECT_TRUE(whole.error.empty()) << whole.error;
  EXPECT_GE(whole.due.size(), 1024u);

  // Altered past their checksums: a journal chunk after the snapshot, a
  // due row. Each copy refused the same way on one thread and on two.
  auto altered = [&](const std::string& name, const std::string& sql) {
    const std::string copy = test::TempStorePath(name);
    std::filesystem::copy_file(path, copy, std::filesystem::copy_options::overwrite_existing);
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(copy.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    return copy;
  };
  const Opened journal = expect_same(
      altered("open-threads-journal", "UPDATE journal SET crc = crc + 1 WHERE seq = "
                                      "(SELECT max(seq) FROM journal)"));
  EXPECT_NE(journal.error.find("do not match their checksum"), std::string::npos)
      << journal.error;
  const Opened due = expect_same(
      altered("open-threads-due", "UPDATE due SET crc = crc + 1 WHERE id = (SELECT max(id) FROM due)"));
  EXPECT_NE(due.error.find("does not match its checksum"), std::string::npos) << due.error;
  // Both: the journal's error, on one thread (each due row kept as it is
  // read, before the journal) as on two: an item's error counts after the
  // journal's.
  const Opened both = expect_same(altered(
      "open-threads-both",
      "UPDATE journal SET crc = crc + 1 WHERE seq = (SELECT max(seq) FROM journal); "
      "UPDATE due SET crc = crc + 1 WHERE id = (SELECT min(id) FROM due)"));
  EXPECT_NE(both.error.find("do not match their checksum"), std::string::npos) << both.error;
  for (const char* name :
       {"open-threads", "open-threads-journal", "open-threads-due", "open-threads-both"}) {
    test::RemoveStore(test::TempStorePath(name));
  }
}

// The options of the tests with long batches: a snapshot every 700
// entries (inside the batches), in parts of 4 KiB (so that each is written
// across commits, parts of it by the batches' writer threads when idle), 8
// shards (Shop::Save under TSan: see the first test).
SqliteStoreOptions LongBatchOptions() {
  SqliteStoreOptions o = test::NormalStoreOptions(700, 8);
  o.snapshot_part_bytes = 4096;
  return o;
}

// Long batches are written in parts by a thread of their own while they are
// applied (StoreCore's PartWriter): other threads' singles, ticks and
// confirmations meanwhile wait for the next commit, and everything lands
// once, as one run would leave it.
TEST(SqliteStoreThreads, LongBatchesWrittenWhileAppliedBesideSinglesAndTicks) {
  const std::vector<ShopEvent> events = test::SampleEvents(22, 30);
  constexpr int kThreads = 3;
  const std::vector<std::vector<ShopEvent>> parts = ByEntity(events, kThreads);
  const std::string path = test::TempStorePath("long-batches");
  const SqliteStoreOptions options = LongBatchOptions();
  std::string saved;
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, options);
    ASSERT_TRUE(store.ok()) << store.status();
    const int failures = ApplyBesideTicker(**store, kThreads, MetaOf(events.back()).at, [&](int t) {
      int failed = 0;
      const std::vector<ShopEvent>& mine = parts[t];
      size_t i = 0;
      for (int round = 0; i < mine.size(); ++round) {
        if (round % 2 == 0) {  // a long batch: several parts
          const size_t n = std::min<size_t>(mine.size() - i, 600 + 97 * static_cast<size_t>(t));
          absl::StatusOr<std::vector<StoredResult>> r =
              (*store)->ApplyBatch(absl::MakeConstSpan(mine).subspan(i, n));
          if (!r.ok() || r->size() != n) ++failed;
          i += n;
        } else {
          for (size_t k = 0; k < 20 && i < mine.size(); ++k, ++i) {
            if (!(*store)->Apply(mine[i]).ok()) ++failed;
          }
        }
      }
      return failed;
    });
    EXPECT_EQ(failures, 0);
    EXPECT_GE((*store)->journal_seq(), static_cast<int64_t>(events.size()));
    saved = (*store)->shop().Save();
  }
  absl::StatusOr<std::unique_ptr<SqliteStore>> again = SqliteStore::Open(path, options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->shop().Save(), saved);
}

// FinalReport while other threads apply (long batches among singles): the
// events acknowledged are those the report counts and the journal holds,
// and every call after the report fails as ended, none half done.
TEST(SqliteStoreThreads, AFinalReportAmidApplyingCountsWhatWasAcknowledged) {
  const std::vector<ShopEvent> events = test::SampleEvents(23, 30);
  constexpr int kThreads = 3;
  const std::vector<std::vector<ShopEvent>> parts = ByEntity(events, kThreads);
  const std::string path = test::TempStorePath("final-amid");
  const SqliteStoreOptions options = LongBatchOptions();
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, options);
  ASSERT_TRUE(store.ok()) << store.status();
  std::atomic<int64_t> acknowledged{0};
  std::atomic<int> other_failures{0};
  std::vector<std::thread> appliers;
  for (int t = 0; t < kThreads; ++t) {
    appliers.emplace_back([&, t] {
      const std::vector<ShopEvent>& mine = parts[t];
      size_t i = 0;
      for (int round = 0; i < mine.size(); ++round) {
        const size_t n = round % 3 == 0 ? std::min<size_t>(mine.size() - i, 400) : 1;
        absl::StatusOr<std::vector<StoredResult>> r =
            (*store)->ApplyBatch(absl::MakeConstSpan(mine).subspan(i, n));
        if (!r.ok()) {
          if (r.status().code() != absl::StatusCode::kFailedPrecondition) ++other_failures;
          return;  // ended
        }
        acknowledged += static_cast<int64_t>(r->size());
        i += n;
      }
    });
  }
  while ((*store)->journal_seq() < static_cast<int64_t>(events.size()) / 3) {
    std::this_thread::yield();
  }
  absl::StatusOr<ReplayReport> report = (*store)->FinalReport();
  for (std::thread& th : appliers) th.join();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(other_failures.load(), 0);
  // Almost always the report comes before the last events (a third of them
  // were in when it was asked for); when the appliers all won the lock
  // until their end, the counts are still checked.
  if (acknowledged.load() == static_cast<int64_t>(events.size())) {
    std::cout << "[ note     ] every event was applied before the report\n";
  }
  EXPECT_EQ(report->lines, acknowledged.load());
  EXPECT_EQ((*store)->journal_seq(), acknowledged.load());
  store->reset();
  // On disk: what was acknowledged, nothing else.
  absl::StatusOr<std::unique_ptr<SqliteStore>> again = SqliteStore::Open(path, options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->journal_seq(), acknowledged.load());
}

}  // namespace
}  // namespace kefu
