// `kefu worker` (kefu/store/pg_worker.h) on a real PostgreSQL 15 (the ctest
// fixture kefu_postgres):
//   - two workers and 50 shops fed through the inbox at once, one worker
//     killed with SIGKILL mid-stream and started again: every line the feed
//     committed is applied exactly once, no due item is lost, and each
//     shop's report equals a single-process store fed the same lines;
//   - a worker cut off from the database (its connection killed and new
//     ones refused) stops applying before another worker can take its
//     shops: no two workers on one shop, checked on both workers' logs and
//     on the journal's epochs.
#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/io/events.h"
#include "kefu/store/pg_store.h"
#include "kefu/store/sqlite_store.h"
#include "store/pg_test_util.h"
#include "store/store_test_util.h"

namespace kefu {
namespace {

using test::Sql;

// A shop's feed: sample events, a tick every 25 of them and one at the end.
struct Feed {
  std::string shop;
  std::vector<std::string> lines;
  Timestamp end;
};

Feed MakeFeed(int i) {
  Feed f;
  f.shop = "shop" + std::to_string(i);
  const std::vector<ShopEvent> events = test::SampleEvents(1000 + i, 2, 2);
  for (size_t k = 0; k < events.size(); ++k) {
    f.lines.push_back(FormatEvent(events[k]));
    if (k % 25 == 24) {
      f.lines.push_back("{\"tick\":\"" + FormatTimestamp(MetaOf(events[k]).at) + "\"}");
    }
  }
  f.end = MetaOf(events.back()).at + absl::Hours(24 * 8);
  f.lines.push_back("{\"tick\":\"" + FormatTimestamp(f.end) + "\"}");
  return f;
}

// What one process makes of a feed: a SQLite store fed the same lines.
std::unique_ptr<SqliteStore> Reference(const Feed& f) {
  SqliteStoreOptions o;
  o.durability = Durability::kNormal;
  o.shop.shards = 1;
  const std::string path = test::TempStorePath("ref-" + f.shop);
  auto store = *SqliteStore::Open(path, o);
  for (const std::string& line : f.lines) {
    absl::StatusOr<ShopEvent> e = ParseEvent(line, 0);
    if (e.ok()) {
      EXPECT_TRUE(store->Apply(*e).ok());
    } else {
      const std::string t = line.substr(9, line.size() - 11);
      EXPECT_TRUE(store->Due(*ParseTimestamp(t)).ok()) << line;
    }
  }
  return store;
}

pid_t StartWorker(const std::string& uri, const std::string& name, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, STDIN_FILENO);
    dup2(devnull, STDOUT_FILENO);
    execl(KEFU_TOOL, KEFU_TOOL, "worker", "--db", uri.c_str(), "--name", name.c_str(),
          "--lease", "2", "--batch", "200", "--durability", "normal",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int StopWorker(pid_t pid, int sig) {
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Inserts each shop's lines in chunks of 1 to 20 lines, shops interleaved,
// from `threads` connections (a shop always from the same one, so its lines
// keep their order). `fed` counts the lines committed.
// Feeds every line from `threads` connections. With `hold_at` > 0 the
// feeders set `pause` themselves once `hold_at` lines are in, once, so that a
// test can act mid-stream however slow the machine; the test clears it.
void FeedAll(const std::string& uri, const std::vector<Feed>& feeds, int threads,
             std::atomic<size_t>& fed, std::atomic<bool>& pause, size_t hold_at = 0) {
  std::atomic<bool> held{false};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      PGconn* c = PQconnectdb(uri.c_str());
      ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
      std::mt19937 rng(t);
      std::vector<size_t> next(feeds.size(), 0);
      for (;;) {
        std::vector<size_t> open;
        for (size_t i = t; i < feeds.size(); i += threads) {
          if (next[i] < feeds[i].lines.size()) open.push_back(i);
        }
        if (open.empty()) break;
        if (hold_at > 0 && fed >= hold_at && !held.exchange(true)) pause = true;
        while (pause) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const size_t i = open[rng() % open.size()];
        const size_t n = std::min<size_t>(1 + rng() % 20, feeds[i].lines.size() - next[i]);
        std::string sql = "INSERT INTO kefu_inbox (shop_id, line) VALUES ";
        std::vector<const char*> params{feeds[i].shop.c_str()};
        for (size_t k = 0; k < n; ++k) {
          sql += (k ? ", ($1, $" : "($1, $") + std::to_string(k + 2) + ")";
          params.push_back(feeds[i].lines[next[i] + k].c_str());
        }
        PGresult* r = PQexecParams(c, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                   params.data(), nullptr, nullptr, 0);
        ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
        PQclear(r);
        next[i] += n;
        fed += n;
      }
      PQfinish(c);
    });
  }
  for (std::thread& t : ts) t.join();
}

// Waits until the inbox is empty and every shop's journal is as long as its
// reference's; false after `seconds`.
bool WaitDrained(const std::string& uri, const std::vector<std::unique_ptr<SqliteStore>>& refs,
                 int seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int64_t want = 0;
  for (const auto& r : refs) want += r->journal_seq();
  while (std::chrono::steady_clock::now() < until) {
    auto rows = Sql(uri,
                    "SELECT (SELECT count(*) FROM kefu_inbox), "
                    "(SELECT coalesce(sum(last_seq), 0) FROM kefu_shop)");
    if (!rows.empty() && rows[0][0] == "0" && rows[0][1] == std::to_string(want)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Every shop: its report is the reference's, its due items are the
// reference's (same ids, same times), every line applied once.
void ExpectEachShopAsOneProcess(const std::string& uri, const std::vector<Feed>& feeds,
                                const std::vector<std::unique_ptr<SqliteStore>>& refs) {
  EXPECT_EQ(Sql(uri, "SELECT count(*) FROM kefu_inbox_bad")[0][0], "0");
  // No two workers wrote one shop: the journal's epochs never go back.
  EXPECT_EQ(Sql(uri,
                "SELECT count(*) FROM (SELECT epoch, lag(epoch) OVER (PARTITION BY shop_id "
                "ORDER BY seq) AS prev FROM kefu_journal) j WHERE epoch < prev")[0][0],
            "0");
  for (size_t i = 0; i < feeds.size(); ++i) {
    SCOPED_TRACE(feeds[i].shop);
    PgStoreOptions o;
    o.shop_id = feeds[i].shop;
    o.read_only = true;
    o.shop.shards = 1;
    absl::StatusOr<std::unique_ptr<PgStore>> s = PgStore::Open(uri, o);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ((*s)->journal_seq(), refs[i]->journal_seq());
    EXPECT_TRUE((*s)->shop().Save() == refs[i]->shop().Save());
    absl::StatusOr<ReplayReport> got = (*s)->Report(), want = refs[i]->Report();
    ASSERT_TRUE(got.ok() && want.ok());
    test::ExpectSameReport(*got, *want);
    absl::StatusOr<std::vector<StoredDueItem>> due = refs[i]->Due(feeds[i].end);
    ASSERT_TRUE(due.ok());
    std::string want_due, got_due;
    for (const StoredDueItem& d : *due) {
      want_due += std::to_string(d.id) + "@" + absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", d.item.at, absl::UTCTimeZone()) + " ";
    }
    for (const auto& row :
         Sql(uri, "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                  "FROM kefu_due WHERE shop_id = '" + feeds[i].shop + "' ORDER BY at, id")) {
      got_due += row[0] + "@" + row[1] + " ";
    }
    EXPECT_EQ(got_due, want_due);
    // Each event line once in the journal.
    size_t events = 0;
    for (const std::string& l : feeds[i].lines) events += l.rfind("{\"tick\"", 0) != 0;
    EXPECT_EQ(Sql(uri, "SELECT count(*) FROM kefu_journal WHERE kind = 0 AND shop_id = '" +
                           feeds[i].shop + "'")[0][0],
              std::to_string(events));
  }
}

std::string TempLog(const std::string& name) {
  const std::string path = test::TempStorePath(name) + ".log";
  std::remove(path.c_str());
  return path;
}

TEST(PgWorker, TwoWorkersFiftyShopsOneKilledAndRestartedApplyEachLineOnce) {
  const std::string uri = test::FreshDatabase("pg_workers");
  ASSERT_FALSE(uri.empty());
  ASSERT_TRUE(PgMigrate(uri, 8).ok());
  std::vector<Feed> feeds;
  std::vector<std::unique_ptr<SqliteStore>> refs;
  size_t total = 0;
  for (int i = 0; i < 50; ++i) {
    feeds.push_back(MakeFeed(i));
    refs.push_back(Reference(feeds.back()));
    total += feeds.back().lines.size();
  }
  const std::string log_a = TempLog("worker-a"), log_b = TempLog("worker-b");
  pid_t a = StartWorker(uri, "A", log_a);
  const pid_t b = StartWorker(uri, "B", log_b);
  std::atomic<size_t> fed{0};
  std::atomic<bool> pause{false};
  // The feeders hold at a third of the lines until A is killed.
  std::thread feeder([&] { FeedAll(uri, feeds, 4, fed, pause, total / 3); });
  // Killed mid-stream: a third of the lines fed, and A running shops.
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((fed < total / 3 ||
          std::stoi(Sql(uri, "SELECT count(*) FROM kefu_journal j JOIN kefu_shop s USING "
                             "(shop_id, epoch) WHERE s.owner = 'A'")[0][0]) < 20) &&
         std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string a_shops = Sql(uri, "SELECT count(*) FROM kefu_shop WHERE owner = 'A'")[0][0];
  EXPECT_EQ(StopWorker(a, SIGKILL), 128 + SIGKILL);
  EXPECT_NE(a_shops, "0");
  EXPECT_LT(fed, total);
  pause = false;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  a = StartWorker(uri, "A", log_a);
  feeder.join();
  const bool drained = WaitDrained(uri, refs, 60);
  EXPECT_EQ(StopWorker(a, SIGTERM), 0);
  EXPECT_EQ(StopWorker(b, SIGTERM), 0);
  ASSERT_TRUE(drained) << "the workers did not apply every line in 60 s; logs: " << log_a
                       << " " << log_b;
  ExpectEachShopAsOneProcess(uri, feeds, refs);
}

// The worker logs' "took shop S epoch E" / "stopped|lost shop S epoch E" at
// their times (microseconds).
struct LeaseEvent {
  int64_t us = 0;
  std::string what, shop;
  int64_t epoch = 0;
};
std::vector<LeaseEvent> ReadLog(const std::string& path) {
  std::vector<LeaseEvent> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kefu, worker, name, word, shop_word;
    LeaseEvent e;
    ls >> kefu >> worker >> name >> e.us >> e.what >> shop_word >> e.shop >> word >> e.epoch;
    if (shop_word == "shop" && word == "epoch") out.push_back(e);
  }
  return out;
}

TEST(PgWorker, AWorkerCutOffStopsApplyingBeforeAnotherTakesItsShops) {
  const std::string server = test::PgServerUri();
  const std::string uri = test::FreshDatabase("pg_cutoff");
  ASSERT_FALSE(uri.empty());
  ASSERT_TRUE(PgMigrate(uri, 4).ok());
  Sql(server, "DROP ROLE IF EXISTS worker_a");
  Sql(server, "CREATE ROLE worker_a LOGIN SUPERUSER");
  std::string uri_a = uri;
  uri_a.replace(uri_a.find("kefu@"), 5, "worker_a@");
  std::vector<Feed> feeds;
  std::vector<std::unique_ptr<SqliteStore>> refs;
  for (int i = 0; i < 10; ++i) {
    feeds.push_back(MakeFeed(100 + i));
    refs.push_back(Reference(feeds.back()));
  }
  // The shops exist before the workers start: A takes them all, then gives
  // B half.
  for (const Feed& f : feeds) Sql(uri, "INSERT INTO kefu_shop (shop_id) VALUES ('" + f.shop + "')");
  const std::string log_a = TempLog("cut-a"), log_b = TempLog("cut-b");
  const pid_t a = StartWorker(uri_a, "A", log_a);
  // A holds every shop before B starts (not a fixed pause: under a
  // sanitizer on a busy machine a worker takes seconds to start).
  {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (Sql(uri, "SELECT count(*) FROM kefu_shop WHERE owner = 'A'")[0][0] != "10" &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  const pid_t b = StartWorker(uri, "B", log_b);
  std::atomic<size_t> fed{0};
  std::atomic<bool> pause{false};
  std::thread feeder([&] { FeedAll(uri, feeds, 2, fed, pause); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Cut A off: its connections killed, new ones refused.
  Sql(server, "ALTER ROLE worker_a NOLOGIN");
  Sql(server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'worker_a'");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool b_has_all = false;
  while (!b_has_all && std::chrono::steady_clock::now() < until) {
    b_has_all = Sql(uri, "SELECT count(*) FROM kefu_shop WHERE owner = 'B'")[0][0] == "10";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Sql(server, "ALTER ROLE worker_a LOGIN");
  feeder.join();
  const bool drained = WaitDrained(uri, refs, 30);
  EXPECT_EQ(StopWorker(a, SIGTERM), 0);
  EXPECT_EQ(StopWorker(b, SIGTERM), 0);
  ASSERT_TRUE(b_has_all) << "B did not take A's shops; logs: " << log_a << " " << log_b;
  ASSERT_TRUE(drained) << "logs: " << log_a << " " << log_b;

  // Every shop A was running when it was cut off: A stopped it (at its
  // local deadline, or on finding it taken) before B took it over, at a
  // later epoch.
  std::map<std::string, LeaseEvent> a_stopped;
  std::vector<LeaseEvent> b_took;
  for (const LeaseEvent& e : ReadLog(log_a)) {
    if ((e.what == "stopped" || e.what == "lost") && !a_stopped.count(e.shop)) a_stopped[e.shop] = e;
  }
  for (const LeaseEvent& e : ReadLog(log_b)) {
    if (e.what == "took") b_took.push_back(e);
  }
  ASSERT_GE(a_stopped.size(), 3u) << log_a;
  for (const auto& [shop, stopped] : a_stopped) {
    SCOPED_TRACE(shop);
    const LeaseEvent* next = nullptr;
    for (const LeaseEvent& e : b_took) {
      if (e.shop == shop && e.epoch > stopped.epoch && (!next || e.epoch < next->epoch)) next = &e;
    }
    ASSERT_NE(next, nullptr) << log_b;
    EXPECT_LT(stopped.us, next->us);
  }
  ExpectEachShopAsOneProcess(uri, feeds, refs);
}

}  // namespace
}  // namespace kefu
