// The PostgreSQL store (kefu/store/pg_store.h, kefu/store/pg_worker.h,
// issue 24) on a real PostgreSQL 15, against the SQLite store in the same
// run.
//
//   BM_SqliteApply/<batch>        the baseline: ApplyBatch of `batch` events
//                                 into a SqliteStore (durability normal)
//   BM_PgApply/<batch>            the same into a PgStore (durability normal:
//                                 synchronous_commit off)
//   BM_PgWorkers/<workers>/<shops> `workers` RunPgWorker threads, each with
//                                 its own connections as separate processes
//                                 would have, drain an inbox holding a week
//                                 of `shops` shops (JSON lines, as an ERP
//                                 inserts them); events a second
//   BM_PgClaim/<pending>/<limit>  PgDueConsumer::Claim of `limit` items with
//                                 `pending` items due (copies of a real item
//                                 spread over 1,000 shops and a year); the
//                                 claim is rolled back (deliver fails) so
//                                 that every iteration sees the same table
//
// The server: $KEFU_BENCH_PG_URI when set; otherwise one started for the
// run by tests/store/pg_fixture.sh (a Unix socket in a temporary directory,
// fsync on as a server's default), stopped at exit. items_per_second is
// wall-clock: a commit waits for the server. The first repetition is the
// cold one (a fresh database); run with --benchmark_repetitions=3 to see
// warm ones beside it.
//
//   ./build/bench/bench/pg_bench --benchmark_filter='Apply'
//   ./build/bench/bench/pg_bench --benchmark_filter='Workers'
//   ./build/bench/bench/pg_bench --benchmark_filter='Claim/1000000'
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "temp_store_path.h"
#include "kefu/io/events.h"
#include "kefu/store/pg_store.h"
#include "kefu/store/pg_worker.h"
#include "kefu/store/sqlite_store.h"
#include "sample/sample.h"

namespace kefu {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "pg_bench: %s\n", what.c_str());
  std::exit(1);
}

// The server for the run, started on first use and stopped at exit.
class Server {
 public:
  static const std::string& Uri() {
    static Server* server = new Server;
    return server->uri_;
  }

 private:
  Server() {
    if (const char* uri = std::getenv("KEFU_BENCH_PG_URI"); uri != nullptr && *uri != '\0') {
      uri_ = uri;
      return;
    }
    dir_ = absl::StrCat("/tmp/kefu-pg-bench-", getpid());
    const std::string start = absl::StrCat("KEFU_PG_FSYNC=on bash ", KEFU_SOURCE_DIR,
                                           "/tests/store/pg_fixture.sh start ", dir_, " >&2");
    if (std::system(start.c_str()) != 0) Die("cannot start PostgreSQL (see above)");
    static const std::string* dir = new std::string(dir_);
    std::atexit([] {
      const std::string stop =
          absl::StrCat("bash ", KEFU_SOURCE_DIR, "/tests/store/pg_fixture.sh stop ", *dir);
      if (std::system(stop.c_str()) != 0) std::fprintf(stderr, "pg_bench: stop failed\n");
    });
    std::ifstream in(dir_ + "/uri");
    std::getline(in, uri_);
    if (uri_.empty()) Die("the fixture wrote no uri");
  }
  std::string dir_;
  std::string uri_;
};

void Exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Die(absl::StrCat(sql.substr(0, 200), ": ", PQerrorMessage(c)));
  }
  PQclear(r);
}

PGconn* Connect(const std::string& uri) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (PQstatus(c) != CONNECTION_OK) Die(absl::StrCat("cannot connect: ", PQerrorMessage(c)));
  return c;
}

int64_t Count(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) Die(absl::StrCat(sql, ": ", PQerrorMessage(c)));
  const int64_t n = std::atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  return n;
}

// A fresh database `name` on the server, with kefu's schema; its URI.
std::string FreshDatabase(const std::string& name) {
  const std::string& server = Server::Uri();
  PGconn* c = Connect(server);
  Exec(c, absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"));
  Exec(c, absl::StrCat("CREATE DATABASE ", name));
  PQfinish(c);
  std::string uri = server;
  const size_t at = uri.find("/postgres");
  if (at == std::string::npos) Die("the server's URI names no /postgres database: " + server);
  uri.replace(at, 9, "/" + name);
  if (!PgMigrate(uri).ok()) Die("kefu db migrate failed on " + uri);
  return uri;
}

const std::vector<ShopEvent>& Week(int seed = 1, int orders_per_day = 3000) {
  static auto* weeks = new std::map<std::pair<int, int>, std::vector<ShopEvent>>;
  std::vector<ShopEvent>& v = (*weeks)[{seed, orders_per_day}];
  if (v.empty()) {
    SampleOptions sample;
    sample.orders_per_day = orders_per_day;
    sample.seed = static_cast<uint64_t>(seed);
    if (!GenerateSample(sample, [&](const ShopEvent& e) { v.push_back(e); }).ok()) {
      Die("the sample week failed");
    }
  }
  return v;
}

std::string TempPath(const std::string& name) { return bench::TempStorePath("kefu-pg-bench", name); }

// Feeds the week in batches of `batch` into stores `open` makes, a fresh
// one when the week runs out.
template <class Open>
void ApplyWeek(benchmark::State& state, Open open) {
  const std::vector<ShopEvent>& week = Week();
  const size_t batch = static_cast<size_t>(state.range(0));
  auto store = open();
  size_t next = 0;
  for (auto _ : state) {
    if (next + batch > week.size()) {
      state.PauseTiming();
      store.reset();
      store = open();
      next = 0;
      state.ResumeTiming();
    }
    auto r = store->ApplyBatch(absl::MakeConstSpan(week).subspan(next, batch));
    if (!r.ok()) Die(std::string(r.status().message()));
    next += batch;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}

void BM_SqliteApply(benchmark::State& state) {
  int n = 0;
  ApplyWeek(state, [&] {
    SqliteStoreOptions o;
    o.durability = Durability::kNormal;
    o.shop.shards = 1;
    auto s = SqliteStore::Open(TempPath(absl::StrCat("apply-", n++)), o);
    if (!s.ok()) Die(std::string(s.status().message()));
    return *std::move(s);
  });
}

void BM_PgApply(benchmark::State& state) {
  const std::string uri = FreshDatabase("bench_apply");
  int n = 0;
  ApplyWeek(state, [&] {
    PgStoreOptions o;
    o.durability = Durability::kNormal;
    o.shop.shards = 1;
    o.shop_id = absl::StrCat("shop", n++);
    auto s = PgStore::Open(uri, o);
    if (!s.ok()) Die(std::string(s.status().message()));
    return *std::move(s);
  });
}

// The inbox of `shops` shops, a week of 30 orders a day each, as COPY text.
const std::string& InboxCopy(int shops) {
  static auto* copies = new std::map<int, std::string>;
  std::string& text = (*copies)[shops];
  if (text.empty()) {
    for (int s = 1; s <= shops; ++s) {
      for (const ShopEvent& e : Week(s, 30)) {
        std::string line = FormatEvent(e);
        absl::StrAppend(&text, "shop", s, "\t");
        for (char ch : line) {  // COPY's text format escapes the backslash
          if (ch == '\\') text += '\\';
          text += ch;
        }
        text += '\n';
      }
    }
  }
  return text;
}

void CopyInbox(const std::string& uri, const std::string& text) {
  PGconn* c = Connect(uri);
  PGresult* r = PQexec(c, "COPY kefu_inbox (shop_id, line) FROM STDIN");
  if (PQresultStatus(r) != PGRES_COPY_IN) Die(PQerrorMessage(c));
  PQclear(r);
  if (PQputCopyData(c, text.data(), static_cast<int>(text.size())) != 1 ||
      PQputCopyEnd(c, nullptr) != 1) {
    Die(PQerrorMessage(c));
  }
  r = PQgetResult(c);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
}

void BM_PgWorkers(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  const int shops = static_cast<int>(state.range(1));
  const std::string& inbox = InboxCopy(shops);
  int64_t lines = 0;
  for (char ch : inbox) lines += ch == '\n' ? 1 : 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string uri = FreshDatabase("bench_workers");
    CopyInbox(uri, inbox);
    PGconn* watch = Connect(uri);
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    state.ResumeTiming();
    for (int w = 0; w < workers; ++w) {
      threads.emplace_back([&, w] {
        PgWorkerOptions o;
        o.conninfo = uri;
        o.name = absl::StrCat("bench-w", w);
        o.store.durability = Durability::kNormal;
        o.store.shop.shards = 1;
        if (absl::Status s = RunPgWorker(o, stop); !s.ok()) Die(std::string(s.message()));
      });
    }
    while (Count(watch, "SELECT count(*) FROM kefu_inbox") != 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    state.PauseTiming();
    stop = true;
    for (std::thread& t : threads) t.join();
    if (Count(watch, "SELECT count(*) FROM kefu_inbox_bad") != 0) Die("inbox lines refused");
    PQfinish(watch);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * lines);
  state.counters["events"] = static_cast<double>(lines);
}

void BM_PgClaim(benchmark::State& state) {
  const int64_t pending = state.range(0);
  const size_t limit = static_cast<size_t>(state.range(1));
  static auto* databases = new std::map<int64_t, std::string>;
  std::string& uri = (*databases)[pending];
  if (uri.empty()) {
    uri = FreshDatabase(absl::StrCat("bench_claim_", pending));
    // One real item to copy: a shop's week leaves due items behind.
    {
      PgStoreOptions o;
      o.durability = Durability::kNormal;
      o.shop_id = "source";
      auto store = PgStore::Open(uri, o);
      if (!store.ok()) Die(std::string(store.status().message()));
      const std::vector<ShopEvent>& week = Week(1, 30);
      if (!(*store)->ApplyBatch(week).ok()) Die("apply failed");
      if (absl::StatusOr<std::vector<StoredDueItem>> due = (*store)->Due(absl::InfiniteFuture());
          !due.ok()) {
        Die(absl::StrCat("due: ", due.status().message()));
      }
    }
    PGconn* c = Connect(uri);
    if (Count(c, "SELECT count(*) FROM kefu_due") == 0) Die("the week left no due item");
    Exec(c, absl::StrCat(
                "INSERT INTO kefu_due (shop_id, id, at, item, crc) "
                "SELECT 'bulk' || (g % 1000), 1000000000 + g, "
                "timestamptz '2026-01-01' + g * (interval '1 year' / ",
                pending, "), (SELECT item FROM kefu_due LIMIT 1), 0 "
                "FROM generate_series(1, ",
                pending, ") g"));
    Exec(c, "ANALYZE kefu_due");
    PQfinish(c);
  }
  auto consumer = PgDueConsumer::Open(uri);
  if (!consumer.ok()) Die(std::string(consumer.status().message()));
  const Timestamp now = absl::FromCivil(absl::CivilSecond(2027, 1, 1), absl::UTCTimeZone());
  size_t seen = 0;
  for (auto _ : state) {
    absl::StatusOr<size_t> n = (*consumer)->Claim(
        now, limit, "bulk%", [&](const std::vector<PgClaimedDue>& items) {
          seen = items.size();
          // Not delivered: the claim rolls back and the table stays as it was.
          return absl::CancelledError("bench");
        });
    benchmark::DoNotOptimize(n);
  }
  if (seen != limit) Die(absl::StrCat("claimed ", seen, " items, asked for ", limit));
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(pending);
}

BENCHMARK(BM_SqliteApply)->Arg(1)->Arg(100)->Arg(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PgApply)->Arg(1)->Arg(100)->Arg(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PgWorkers)
    ->Args({1, 20})
    ->Args({2, 20})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PgClaim)
    ->Args({10000, 100})
    ->Args({1000000, 1})
    ->Args({1000000, 100})
    ->Args({1000000, 1000})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
