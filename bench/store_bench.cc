// The SQLite store (kefu/store/sqlite_store.h, issue 18): durable apply
// against the in-memory Shop in the same run, and recovery.
//
//   BM_ShopApply/<batch>              the in-memory baseline: Shop::Apply of
//                                     the same events in the same batches,
//                                     outcomes kept for the batch
//   BM_StoreApply/<durability>/<batch>  ApplyBatch of `batch` events into a
//                                     store in $TMPDIR (/tmp); durability
//                                     0 = full (fsync every commit), 1 = normal
//   BM_StoreOpen/<history>/<threads>/<huge>  Open of a store holding
//                                     `history` events with its snapshot at
//                                     the end and history/10 journal entries
//                                     after it, the snapshot's entities
//                                     restored on `threads`
//                                     (ShopOptions::load_threads), in a child
//                                     process (a restart's fresh heap): on
//                                     4 KiB pages (huge 0) or after
//                                     kefu::PrepareHugePageHeap (1, as the
//                                     `kefu` program runs)
//   BM_StoreSinglesAcrossASnapshot    one event a commit (kefu serve's way)
//                                     across a snapshot: the longest wait
//                                     and the mean
//   BM_StoreReport/<history>/<final>  the report of such a store, opened
//                                     read-only: Report (on a copy of the
//                                     shop) or FinalReport (its own shop)
//
// Events are a sample week (tools/sample/) in time order, fed once each
// (every iteration takes the next events; a fresh store when they run
// out). items_per_second is events a second of wall-clock time (a commit
// waits for the disk); bytes_per_event the file per event journaled.
// Batches of 1 run 2,000 events (in full mode each pays an fsync); batches
// of 100 and 10,000 the week's first 200,000, so that a run pays for its
// share of snapshots (SqliteStoreOptions::snapshot_every, 100,000): two.
//
//   ./build/bench/bench/store_bench --benchmark_filter='Apply'
//   ./build/bench/bench/store_bench --benchmark_filter='Open/1000000'
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "temp_store_path.h"
#include "kefu/core/heap.h"
#include "kefu/engine/shop.h"
#include "kefu/io/replay.h"
#include "kefu/store/sqlite_store.h"
#include "sample/sample.h"

namespace kefu {
namespace {

const std::vector<ShopEvent>& Week() {
  static const std::vector<ShopEvent>* events = [] {
    auto* v = new std::vector<ShopEvent>;
    SampleOptions sample;
    sample.orders_per_day = 3000;  // about 200k events in the week
    if (!GenerateSample(sample, [&](const ShopEvent& e) { v->push_back(e); }).ok()) std::abort();
    return v;
  }();
  return *events;
}

std::string TempPath(const std::string& name) { return bench::TempStorePath("kefu-store-bench", name); }

int64_t FileBytes(const std::string& path) {
  int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    struct stat st {};
    if (stat((path + suffix).c_str(), &st) == 0) total += st.st_size;
  }
  return total;
}

// The baseline does what BM_StoreApply does without the store: the same
// events in the same batches (a fresh shop where the store starts afresh),
// every outcome kept until the batch is done, as ApplyBatch returns them.
void BM_ShopApply(benchmark::State& state) {
  const std::vector<ShopEvent>& week = Week();
  const size_t batch = static_cast<size_t>(state.range(0));
  ShopOptions options;
  options.shards = 1;
  std::unique_ptr<Shop> shop = *Shop::Create(options);
  std::vector<absl::StatusOr<Outcome>> outcomes;
  outcomes.reserve(batch);
  size_t next = 0;
  int64_t events = 0;
  for (auto _ : state) {
    if (next + batch > week.size()) {
      state.PauseTiming();
      shop = *Shop::Create(options);
      next = 0;
      state.ResumeTiming();
    }
    outcomes.clear();
    for (size_t i = 0; i < batch; ++i) outcomes.push_back(shop->Apply(week[next++]));
    benchmark::DoNotOptimize(outcomes.data());
    events += static_cast<int64_t>(batch);
  }
  state.SetItemsProcessed(events);
}

void BM_StoreApply(benchmark::State& state) {
  const std::vector<ShopEvent>& week = Week();
  const Durability durability = state.range(0) == 0 ? Durability::kFull : Durability::kNormal;
  const size_t batch = static_cast<size_t>(state.range(1));
  SqliteStoreOptions options;
  options.durability = durability;
  options.shop.shards = 1;
  const std::string path = TempPath("apply");
  std::unique_ptr<SqliteStore> store = *SqliteStore::Open(path, options);
  size_t next = 0;
  int64_t events = 0, bytes = 0, journaled = 0;
  for (auto _ : state) {
    if (next + batch > week.size()) {
      state.PauseTiming();
      bytes += FileBytes(path);
      journaled += static_cast<int64_t>(next);
      store.reset();
      bench::RemoveStore(path);
      store = *SqliteStore::Open(path, options);
      next = 0;
      state.ResumeTiming();
    }
    absl::StatusOr<std::vector<StoredResult>> r =
        store->ApplyBatch(absl::MakeConstSpan(week).subspan(next, batch));
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    next += batch;
    events += static_cast<int64_t>(batch);
  }
  bytes += FileBytes(path);
  journaled += static_cast<int64_t>(next);
  state.SetItemsProcessed(events);
  state.counters["bytes_per_event"] = static_cast<double>(bytes) / static_cast<double>(journaled);
  store.reset();
  bench::RemoveStore(path);
}
// Each durable run beside its baseline, over the same events: 2,000
// events in batches of 1; the first 200,000 (snapshots at the 100,000th
// and the last) in batches of 100 and of 10,000.
BENCHMARK(BM_ShopApply)->ArgName("batch")->Arg(1)->Iterations(2000)->UseRealTime();
BENCHMARK(BM_StoreApply)
    ->ArgNames({"normal", "batch"})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Iterations(2000)
    ->UseRealTime();
BENCHMARK(BM_ShopApply)->ArgName("batch")->Arg(100)->Iterations(2000)->UseRealTime();
BENCHMARK(BM_StoreApply)
    ->ArgNames({"normal", "batch"})
    ->Args({0, 100})
    ->Args({1, 100})
    ->Iterations(2000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_ShopApply)
    ->ArgName("batch")
    ->Arg(10000)
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_StoreApply)
    ->ArgNames({"normal", "batch"})
    ->Args({0, 10000})
    ->Args({1, 10000})
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One event a commit across a snapshot, as `kefu serve` acknowledges line
// by line: a store fed the week's first 99,000 events in batches (not
// timed), then 2,000 single events, the 1,000th of which takes the
// snapshot at the 100,000th entry. Each Apply is timed alone: the counters
// are the longest wait (max_ms) and the mean (mean_us), normal mode.
void BM_StoreSinglesAcrossASnapshot(benchmark::State& state) {
  const std::vector<ShopEvent>& week = Week();
  SqliteStoreOptions options;
  options.durability = Durability::kNormal;
  options.shop.shards = 1;
  const std::string path = TempPath("singles");
  constexpr size_t kBefore = 99000, kSingles = 2000;
  if (week.size() < kBefore + kSingles) {
    state.SkipWithError("the sample week is too short");
    return;
  }
  double max_ms = 0, total_ms = 0;
  int64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    bench::RemoveStore(path);
    std::unique_ptr<SqliteStore> store = *SqliteStore::Open(path, options);
    for (size_t at = 0; at < kBefore; at += 10000) {
      const size_t n = std::min<size_t>(10000, kBefore - at);
      if (!store->ApplyBatch(absl::MakeConstSpan(week).subspan(at, n)).ok()) std::abort();
    }
    state.ResumeTiming();
    for (size_t i = kBefore; i < kBefore + kSingles; ++i) {
      const auto start = std::chrono::steady_clock::now();
      if (!store->Apply(week[i]).ok()) state.SkipWithError("an apply failed");
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      max_ms = std::max(max_ms, ms);
      total_ms += ms;
      ++events;
    }
    state.PauseTiming();
    store.reset();  // finishing the snapshot: not timed
    state.ResumeTiming();
  }
  state.SetItemsProcessed(events);
  state.counters["max_ms"] = max_ms;
  state.counters["mean_us"] = total_ms * 1000 / static_cast<double>(events);
  bench::RemoveStore(path);
}
BENCHMARK(BM_StoreSinglesAcrossASnapshot)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

// Builds at `path` a store of `history` events (the sample's first days,
// as many as it takes), snapshot at the end of `history`, then history/10
// more. In a child process: the store is then opened as a restart opens
// it, on a fresh heap (memory the build freed would spare the opening
// thread its page faults, and not a second thread's).
bool BuildStore(const std::string& path, const SqliteStoreOptions& options, int64_t history) {
  const int64_t after = history / 10;
  const pid_t child = fork();
  if (child < 0) std::abort();
  if (child == 0) {
    std::unique_ptr<SqliteStore> store = *SqliteStore::Open(path, options);
    SampleOptions sample;
    sample.orders_per_day = static_cast<int>(history / 7 / 7) + 1;
    std::vector<ShopEvent> batch;
    int64_t fed = 0;
    auto flush = [&] {
      if (!store->ApplyBatch(batch).ok()) std::abort();
      fed += static_cast<int64_t>(batch.size());
      batch.clear();
    };
    if (!GenerateSample(sample, [&](const ShopEvent& e) {
           if (fed + static_cast<int64_t>(batch.size()) >= history + after) return;
           batch.push_back(e);
           if (batch.size() == 10000) flush();
         }).ok()) {
      std::abort();
    }
    flush();
    store.reset();
    _exit(0);
  }
  int status = 0;
  return waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

SqliteStoreOptions OpenOptions(int64_t history, int load_threads) {
  SqliteStoreOptions options;
  options.durability = Durability::kNormal;
  options.shop.shards = 1;
  options.shop.load_threads = load_threads;
  options.snapshot_every = history;  // one snapshot, at the end of the history
  return options;
}

// What an open in a child process saw.
struct ChildOpen {
  double seconds = -1;  // -1: the open failed (or the child did)
  int64_t events = 0;
  int64_t snapshot_at = 0;
};

// Opens the store at `path` in a child process, as a restart opens it: on a
// fresh heap, marked for huge pages first when `huge_heap`
// (kefu::PrepareHugePageHeap, as the `kefu` program does). The child times
// the open alone and sends its figures back through a pipe.
ChildOpen OpenInChild(const std::string& path, const SqliteStoreOptions& options, bool huge_heap) {
  ChildOpen result;
  int fds[2];
  if (pipe(fds) != 0) return result;
  const pid_t child = fork();
  if (child < 0) std::abort();
  if (child == 0) {
    close(fds[0]);
    ChildOpen seen;
    if (huge_heap && !PrepareHugePageHeap(size_t{1} << 30)) _exit(2);
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, options);
    const auto end = std::chrono::steady_clock::now();
    if (store.ok()) {
      seen.seconds = std::chrono::duration<double>(end - start).count();
      seen.events = (*store)->journal_seq();
      seen.snapshot_at = (*store)->snapshot_seq();
    }
    const bool sent = write(fds[1], &seen, sizeof seen) == static_cast<ssize_t>(sizeof seen);
    _exit(sent ? 0 : 1);  // the store's memory goes with the process, as at a crash
  }
  close(fds[1]);
  const bool read_all = read(fds[0], &result, sizeof result) == static_cast<ssize_t>(sizeof result);
  close(fds[0]);
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      !read_all) {
    result.seconds = -1;
  }
  return result;
}

void BM_StoreOpen(benchmark::State& state) {
  const int64_t history = state.range(0);
  const SqliteStoreOptions options = OpenOptions(history, static_cast<int>(state.range(1)));
  const bool huge_heap = state.range(2) != 0;
  const std::string path = TempPath("open");
  if (!BuildStore(path, options, history)) {
    state.SkipWithError("building the store failed");
    return;
  }
  state.counters["MB"] = static_cast<double>(FileBytes(path)) / 1e6;
  for (auto _ : state) {
    const ChildOpen open = OpenInChild(path, options, huge_heap);
    if (open.seconds < 0) {
      state.SkipWithError(huge_heap ? "the open (or the huge-page heap) failed" : "the open failed");
      break;
    }
    state.SetIterationTime(open.seconds);
    state.counters["events"] = static_cast<double>(open.events);
    state.counters["snapshot_at"] = static_cast<double>(open.snapshot_at);
  }
  bench::RemoveStore(path);
}
BENCHMARK(BM_StoreOpen)
    ->ArgsProduct({{100000, 1000000}, {1, 2}, {0}})
    ->Args({100000, 2, 1})
    ->Args({1000000, 1, 1})
    ->Args({1000000, 2, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(1);

// The report of the same store, opened read-only as `kefu report` opens
// it (the open not timed): Report (`final` 0: on a copy of the shop, a
// Save and a Load) or FinalReport (1: on the store's own shop).
void BM_StoreReport(benchmark::State& state) {
  const int64_t history = state.range(0);
  SqliteStoreOptions options = OpenOptions(history, 2);
  const std::string path = TempPath("report");
  if (!BuildStore(path, options, history)) {
    state.SkipWithError("building the store failed");
    return;
  }
  options.read_only = true;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<SqliteStore> store = *SqliteStore::Open(path, options);
    state.ResumeTiming();
    absl::StatusOr<ReplayReport> report =
        state.range(1) == 0 ? store->Report() : store->FinalReport();
    if (!report.ok()) {
      state.SkipWithError(std::string(report.status().message()).c_str());
      break;
    }
    state.PauseTiming();
    state.counters["applied"] = static_cast<double>(report->applied);
    report = absl::UnknownError("");
    store.reset();
    state.ResumeTiming();
  }
  bench::RemoveStore(path);
}
BENCHMARK(BM_StoreReport)
    ->ArgNames({"history", "final"})
    ->ArgsProduct({{100000, 1000000}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
