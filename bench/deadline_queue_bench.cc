// Benchmarks of kefu/engine/deadline_queue.h with 1 and 10 million open
// entities (issue 7's floors: at most 1 us per due item, at most 256 bytes
// per open entity, entity key and deadlines included).
//
// The deadlines are the ones the ticket machine emits when a ticket is
// registered: AS-RESOLVE with a warning a day before its due and two figures
// (the due time and the claimed amount), and in the "ticket" profile also
// AS-TRACK (no warning, one figure). Due times are spread uniformly over 30
// days; keys look like ERP ticket numbers ("AS2026112400001234"). Each is
// set with the event it came from (EventOrigin), as the Shop passes it: an
// id that is the key and a suffix ("AS2026112400001234.1") and an agent.
//
//   BM_DueItems/<entities>/<profile>/<mode> ns per due item (counter
//       per_item), Due(now) called with `now` advancing so that each call
//       returns about 1000 items, until 10% of the items have fired (the open
//       count stays above 90% of <entities>). bytes_per_entity is the heap
//       growth (mallinfo2) from an empty queue to the filled one, divided by
//       the entity count: entity records and their index, items, time
//       buckets, everything the queue holds; fill_per_entity is the time to
//       fill it.
//       mode 0 is the measurement as first written: the first timed call
//       starts from an empty `out` and also returns the backlog, the
//       warnings of deadlines due within the first day, whose warn_at lies
//       before the start (about 34 times a normal call: 34,280 items at 1M,
//       ten times that at 10M). That one call was most of the time per item
//       (72% at 1M): the caller's std::vector<DueItem> growing to 22 MB
//       (640-byte DueItems moved at each doubling, fresh pages faulted in),
//       not the queue.
//       mode 1 fires the backlog before timing (a host calls Due regularly,
//       so a day's backlog at once is the exception) and reports it on its
//       own: backlog_items and backlog_per_item_ns (CPU time of that one
//       Due(now, &out) call into an empty vector, the vector's growth and
//       fresh pages included: what `kefu replay --until` or a host that was
//       down pays). The timed calls then each return about 1000 items into
//       the reused vector: the steady cost per due item.
//       mode 2 is mode 1 with the backlog collected in slices of
//       kBacklogSlice items, Due(now, kBacklogSlice, &out), into one reused
//       vector (cleared between slices, inside the timing).
//       mode 3 is mode 1 with the caches made cold before each timed call:
//       32 MiB of other memory is written, outside the timing, as a host's
//       own work between two calls would. In a shop an item fires hours or
//       days after it was set, so its item and entity record are not in
//       cache; in modes 1 and 2 about half the items of the steady calls are
//       warm (breaches whose warnings fired in the backlog a moment before).
//       Mode 3 is the figure to hold against the floor.
//       mode 4 is mode 1 with every call, the backlog's too, made through
//       ForEachDue: no result vector, the visitor reads each item's key
//       length and time. mode 5 is mode 4 with cold caches, as mode 3.
//       Build with -DKEFU_DQ_BENCH_NO_SLICES to run this file against a queue
//       without the slice overload (mode 2 is then skipped), and with
//       -DKEFU_DQ_BENCH_NO_FOREACH against one without ForEachDue (modes 4
//       and 5 skipped): before/after runs.
//   BM_BaselineHeapPop/<entities>/<mode>   the same pops from a
//       std::priority_queue of plain (time, index) pairs: the floor any
//       ordered queue pays, with no keys, no figures and no DueItem built.
//       Mode 1 reports its backlog (16-byte pairs into an empty vector) too;
//       mode 3 is mode 1 with the caches made cold before each call.
//   BM_BaselineBuildDueItems               building the DueItems alone (key
//       string, deadline and figures, event id and agent copied), no queue:
//       what the API's value type costs whatever the queue does.
//   BM_ApplyCancelThenSet/<entities>       kCancel then kSet on random open
//       entities (the entity is dropped and added again): ns per Apply.
//   BM_BytesAfterChurn/<scenario>          bytes per open entity after
//       cancellations (0), with deadlines spread over a year (1), after
//       random re-sets (2); see the function.
//   BM_ApplyReplace/<entities>             kSet replacing a random entity's
//       AS-RESOLVE with new times: ns per Apply.
//
// Run (Release build):
//   build/dq-rel/bench/deadline_queue_bench --benchmark_counters_tabular=true
// The figures below: taskset -c 1 <binary> --benchmark_counters_tabular=true
//   --benchmark_filter='BM_DueItems|BM_Baseline'
//
// Measured 2026-11-24 02:33 UTC on the shared 2-core AMD EPYC VM under load
// average 4-7, before mode 1 existed (CPU time per item):
//   entities  profile  bytes/entity  per due item  std::priority_queue pop
//   1M        0        140           1.36 us       0.39 us
//   1M        1        235           1.13 us
//   10M       0        132           1.99 us       0.64 us
//   10M       1        223           1.52 us
//
// 2026-11-24 05:09 UTC (commit 166cd1a -> husks, same bench): mode 1 steady
// 289-740 ns; backlog_per_item 0.5-0.7 us at 1M, 7.5-8.3 us at 10M.
//
// Measured 2026-11-24 07:06-07:34 UTC, `taskset -c 1`, load average 4.3-6.0
// (other engineers building; wall time 1.5-3x the CPU time), two rounds
// alternating binaries built from this file: "before" = the queue of commit
// b80498f (-DKEFU_DQ_BENCH_NO_SLICES), "after" = Due reserving its result
// once (huge-page hint on large results) plus Due(now, max_items, out).
// CPU time per item, round 1 / round 2 (round 1 sliced 4096 at a time,
// round 2 1000):
//                      before             after              heap pop (same run)
//   backlog, one call into an empty vector (mode 1, backlog_per_item_ns):
//   1M  profile 0      640 / 775 ns       379 / 482 ns       437-474 ns
//   1M  profile 1      958 / 838 ns       499 / 459 ns
//   10M profile 0      7.98 / 9.30 us     3.24 / 2.43 us     668-811 ns (991 before r1)
//   10M profile 1      12.9 / 11.1 us     3.52 / 3.38 us
//   backlog in slices (mode 2), after only:
//   1M  profile 0/1    657 / 523 ns, 1318 / 428 ns
//   10M profile 0/1    801 / 945 ns, 1330 / 1517 ns
//   steady calls of ~1000 (mode 1 per_item):
//   1M  profile 0/1    439/485, 287/477   411/453, 393/355   407-489 ns
//   10M profile 0/1    819/1244, 759/942  885/822, 618/886   664-725 ns
//   backlog in the first timed call (mode 0):
//   1M  profile 0/1    1.41/1.06, 2.00/1.13 us   656/823, 907/658 ns
//   10M profile 0/1    1.61/1.46, 1.72/1.75 us   1.10/1.09, 1.23/1.25 us
// bytes/entity unchanged (132-235). Building the DueItems alone: 69-112 ns.
// A profile (perf, 10M, profile 0, after) of the one-call backlog: about 40%
// the kernel zeroing the result's 213 MB of fresh pages, about 43% Due, most
// of it waiting on item and entity-record loads.
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "kefu/engine/deadline_queue.h"

namespace kefu {
namespace {

const Timestamp kStart = absl::FromUnixSeconds(1795000000);  // 2026-11-18
constexpr int64_t kSpreadSeconds = 30 * 86400;
constexpr int64_t kItemsPerCall = 1000;
constexpr size_t kBacklogSlice = 1000;  // as a steady call

size_t HeapBytes() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// "AS" + 16 digits, formatted without allocating.
class KeyMaker {
 public:
  std::string_view operator()(uint64_t n) {
    buf_[0] = 'A';
    buf_[1] = 'S';
    uint64_t v = 2026112400000000ull + n;
    for (int i = 17; i >= 2; --i) {
      buf_[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    return std::string_view(buf_, 18);
  }

 private:
  char buf_[18];
};

// The event that set an entity's deadlines, as the queue is told it: the
// ticket's own key with a suffix ("AS2026112400001234.1", what `kefu sample`
// writes) and an agent.
class Origin {
 public:
  EventOrigin operator()(std::string_view key) {
    const size_t n = std::min(key.size(), sizeof buf_ - 2);
    std::memcpy(buf_, key.data(), n);
    buf_[n] = '.';
    buf_[n + 1] = '1';
    return EventOrigin{std::string_view(buf_, n + 2), "客服小王"};
  }

 private:
  char buf_[32];
};

Deadline Resolve(Timestamp due) {
  Deadline d;
  d.rule = "AS-RESOLVE";
  d.op = DeadlineOp::kSet;
  d.due = due;
  d.warn_at = due - absl::Hours(24);
  d.message = {"售后须在{due}之前完结（申请{claimed}）", "resolve by {due} (claimed {claimed})"};
  d.figures.push_back({"due", due});
  d.figures.push_back({"claimed", Money::Fen(1290)});
  return d;
}
Deadline Track(Timestamp due) {
  Deadline d;
  d.rule = "AS-TRACK";
  d.op = DeadlineOp::kSet;
  d.due = due;
  d.message = {"{due}之前跟进物流", "track the return parcel by {due}"};
  d.figures.push_back({"due", due});
  return d;
}

Timestamp RandomDue(std::mt19937_64* rng) {
  return kStart + absl::Seconds(static_cast<int64_t>((*rng)() % kSpreadSeconds));
}

struct Filled {
  std::unique_ptr<DeadlineQueue> queue;
  size_t bytes = 0;
  double fill_ns = 0;
  size_t items = 0;  // warnings + breaches that can fire
};

// profile 0: AS-RESOLVE only; 1: AS-RESOLVE and AS-TRACK.
Filled Fill(int64_t entities, int profile) {
  Filled f;
  const size_t before = HeapBytes();
  f.queue = std::make_unique<DeadlineQueue>();
  std::mt19937_64 rng(42);
  KeyMaker key;
  Origin origin;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < entities; ++i) {
    const std::string_view k = key(static_cast<uint64_t>(i));
    const Timestamp due = RandomDue(&rng);
    const EventOrigin from = origin(k);
    if (!f.queue->Apply(EntityKind::kTicket, k, Resolve(due), kStart, from).ok()) std::abort();
    if (profile == 1) {
      const Timestamp track = RandomDue(&rng);
      if (!f.queue->Apply(EntityKind::kTicket, k, Track(track), kStart, from).ok()) std::abort();
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  f.fill_ns = std::chrono::duration<double, std::nano>(t1 - t0).count() /
              static_cast<double>(entities);
  f.bytes = HeapBytes() - before;
  f.items = f.queue->pending();
  return f;
}

// Writes one byte per cache line of 32 MiB (more than this machine's last
// level cache), so that the next call finds the queue's memory cold.
void EvictCaches() {
  static std::vector<char>* junk = new std::vector<char>(size_t{32} << 20, 1);
  for (size_t i = 0; i < junk->size(); i += 64) ++(*junk)[i];
  benchmark::ClobberMemory();
}

double CpuNs() {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

void BM_DueItems(benchmark::State& state) {
  const int64_t entities = state.range(0);
  const int profile = static_cast<int>(state.range(1));
  const int mode = static_cast<int>(state.range(2));
#ifdef KEFU_DQ_BENCH_NO_SLICES
  if (mode == 2) {
    state.SkipWithError("this queue has no Due(now, max_items, out)");
    for (auto _ : state) {
    }
    return;
  }
#endif
#ifdef KEFU_DQ_BENCH_NO_FOREACH
  if (mode >= 4) {
    state.SkipWithError("this queue has no ForEachDue");
    for (auto _ : state) {
    }
    return;
  }
#endif
  const bool visit = mode >= 4;
  const bool cold = mode == 3 || mode == 5;
  Filled f = Fill(entities, profile);
  // Items per second of shop time; step so that a call returns ~1000.
  const double rate = static_cast<double>(f.items) / static_cast<double>(kSpreadSeconds);
  const Duration step = absl::Seconds(static_cast<double>(kItemsPerCall) / rate);
  Timestamp now = kStart;
  std::vector<DueItem> out;
  // What the visitor reads of each item (modes 4 and 5).
  int64_t seen = 0;
  auto due = [&](Timestamp t) -> size_t {
#ifndef KEFU_DQ_BENCH_NO_FOREACH
    if (visit) {
      return f.queue->ForEachDue(t, [&](const DueItem& item) {
        seen += static_cast<int64_t>(item.entity.size()) + absl::ToUnixNanos(item.at);
      });
    }
#endif
    return f.queue->Due(t, &out);
  };
  if (mode != 0) {
    const double t0 = CpuNs();
    size_t n = 0;
    if (mode != 2) {  // modes 1, 3, 4 and 5: one call
      n = due(now);
    } else {
#ifndef KEFU_DQ_BENCH_NO_SLICES
      for (;;) {  // slices of kBacklogSlice into one reused vector
        out.clear();
        const size_t got = f.queue->Due(now, kBacklogSlice, &out);
        n += got;
        if (got < kBacklogSlice) break;
      }
#endif
    }
    const double t1 = CpuNs();
    state.counters["backlog_items"] = static_cast<double>(n);
    state.counters["backlog_per_item_ns"] = n == 0 ? 0.0 : (t1 - t0) / static_cast<double>(n);
    out.clear();  // keeps its capacity, as a host reusing its vector would
  }
  int64_t items = 0;
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      EvictCaches();
      state.ResumeTiming();
    }
    now += step;
    out.clear();
    items += static_cast<int64_t>(due(now));
    benchmark::DoNotOptimize(out.data());
    benchmark::DoNotOptimize(seen);
  }
  state.counters["per_item"] =
      benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate |
                                                         benchmark::Counter::kInvert);
  state.counters["items"] = static_cast<double>(items);
  state.counters["open_after"] = static_cast<double>(f.queue->open_entities());
  state.counters["bytes_per_entity"] =
      static_cast<double>(f.bytes) / static_cast<double>(entities);
  state.counters["fill_per_entity_ns"] = f.fill_ns;
  out = std::vector<DueItem>();
  f.queue.reset();
}

void BM_BaselineHeapPop(benchmark::State& state) {
  const int64_t entities = state.range(0);
  using Pair = std::pair<int64_t, uint32_t>;
  const size_t before = HeapBytes();
  std::vector<Pair> init;
  init.reserve(static_cast<size_t>(2 * entities));
  std::mt19937_64 rng(42);
  for (int64_t i = 0; i < entities; ++i) {
    const int64_t due = absl::ToUnixNanos(RandomDue(&rng));
    init.emplace_back(due - int64_t{86400} * 1000000000, static_cast<uint32_t>(i));
    init.emplace_back(due, static_cast<uint32_t>(i));
  }
  std::priority_queue<Pair, std::vector<Pair>, std::greater<Pair>> heap(std::greater<Pair>(),
                                                                        std::move(init));
  const size_t bytes = HeapBytes() - before;
  const double rate = static_cast<double>(heap.size()) / static_cast<double>(kSpreadSeconds);
  const int64_t step = static_cast<int64_t>(static_cast<double>(kItemsPerCall) / rate * 1e9);
  int64_t now = absl::ToUnixNanos(kStart);
  std::vector<Pair> out;
  const int64_t mode = state.range(1);
  if (mode != 0) {  // the backlog before timing, as BM_DueItems' modes 1 and 3
    const double t0 = CpuNs();
    while (!heap.empty() && heap.top().first <= now) {
      out.push_back(heap.top());
      heap.pop();
    }
    const double t1 = CpuNs();
    state.counters["backlog_items"] = static_cast<double>(out.size());
    state.counters["backlog_per_item_ns"] =
        out.empty() ? 0.0 : (t1 - t0) / static_cast<double>(out.size());
  }
  int64_t items = 0;
  for (auto _ : state) {
    if (mode == 3) {  // cold caches, as BM_DueItems' mode 3
      state.PauseTiming();
      EvictCaches();
      state.ResumeTiming();
    }
    now += step;
    out.clear();
    while (!heap.empty() && heap.top().first <= now) {
      out.push_back(heap.top());
      heap.pop();
    }
    items += static_cast<int64_t>(out.size());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["per_item"] =
      benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate |
                                                         benchmark::Counter::kInvert);
  state.counters["items"] = static_cast<double>(items);
  state.counters["bytes_per_entity"] = static_cast<double>(bytes) / static_cast<double>(entities);
}

// What the DueItem type costs by itself: 1000 DueItems built per iteration
// (key string, rule, the deadline with its two figures, the event id and
// agent) with no queue at all.
void BM_BaselineBuildDueItems(benchmark::State& state) {
  const Deadline d = Resolve(kStart);
  KeyMaker key;
  Origin origin;
  std::vector<DueItem> out;
  int64_t items = 0;
  uint64_t n = 0;
  for (auto _ : state) {
    out.clear();
    for (int64_t i = 0; i < kItemsPerCall; ++i) {
      DueItem& item = out.emplace_back();
      item.kind = DueItem::Kind::kBreach;
      item.at = d.due;
      item.entity_kind = EntityKind::kTicket;
      const std::string_view k = key(n++);
      item.entity.assign(k);
      item.rule = d.rule;
      item.deadline = d;
      const EventOrigin from = origin(k);
      item.event_id.assign(from.event_id);
      item.agent.assign(from.agent);
    }
    items += kItemsPerCall;
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["per_item"] =
      benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate |
                                                         benchmark::Counter::kInvert);
}

void BM_ApplyCancelThenSet(benchmark::State& state) {
  const int64_t entities = state.range(0);
  Filled f = Fill(entities, 0);
  std::mt19937_64 rng(7);
  KeyMaker key;
  Origin origin;
  Deadline cancel;
  cancel.rule = "AS-RESOLVE";
  cancel.op = DeadlineOp::kCancel;
  int64_t applies = 0;
  for (auto _ : state) {
    const std::string_view k = key(rng() % static_cast<uint64_t>(entities));
    if (!f.queue->Apply(EntityKind::kTicket, k, cancel, kStart, origin(k)).ok()) std::abort();
    if (!f.queue->Apply(EntityKind::kTicket, k, Resolve(RandomDue(&rng)), kStart, origin(k)).ok()) {
      std::abort();
    }
    applies += 2;
  }
  state.counters["per_apply"] =
      benchmark::Counter(static_cast<double>(applies), benchmark::Counter::kIsRate |
                                                           benchmark::Counter::kInvert);
  state.counters["open_after"] = static_cast<double>(f.queue->open_entities());
}

void BM_ApplyReplace(benchmark::State& state) {
  const int64_t entities = state.range(0);
  Filled f = Fill(entities, 0);
  std::mt19937_64 rng(9);
  KeyMaker key;
  Origin origin;
  int64_t applies = 0;
  for (auto _ : state) {
    const std::string_view k = key(rng() % static_cast<uint64_t>(entities));
    if (!f.queue->Apply(EntityKind::kTicket, k, Resolve(RandomDue(&rng)), kStart, origin(k)).ok()) {
      std::abort();
    }
    ++applies;
  }
  state.counters["per_apply"] =
      benchmark::Counter(static_cast<double>(applies), benchmark::Counter::kIsRate |
                                                           benchmark::Counter::kInvert);
  state.counters["open_after"] = static_cast<double>(f.queue->open_entities());
}

// Memory per open entity after the queue has been worked, not just filled
// (bytes_per_open, heap growth from an empty queue). Items are kept in pages
// per time bucket; pages are released when empty and compacted at half
// full, and sparse buckets get none, so none of these may hold pages for a
// few items. Scenario 0: 2M tickets set over 30 days (10 s of shop time
// apart), each AS-RESOLVE due 7 days after it is set, nine in ten cancelled
// at random afterwards (as resolved tickets are). 1: 100,000 deadlines
// spread over a year (about one per time bucket). 2: 1M deadlines over 30
// days, then 2M sets of random ones to new random times.
void BM_BytesAfterChurn(benchmark::State& state) {
  const int scenario = static_cast<int>(state.range(0));
  for (auto _ : state) {
    const size_t before = HeapBytes();
    auto q = std::make_unique<DeadlineQueue>();
    std::mt19937_64 rng(7);
    KeyMaker key;
    Origin origin;
    auto set = [&](uint64_t n, Timestamp due, Timestamp at) {
      const std::string_view k = key(n);
      if (!q->Apply(EntityKind::kTicket, k, Resolve(due), at, origin(k)).ok()) std::abort();
    };
    if (scenario == 0) {
      const int64_t total = 2000000;
      for (int64_t i = 0; i < total; ++i) {
        const Timestamp at = kStart + absl::Seconds(kSpreadSeconds * i / total);
        set(static_cast<uint64_t>(i), at + absl::Hours(24 * 7), at);
        if (rng() % 10 != 0) {
          q->CancelAll(EntityKind::kTicket, key(rng() % static_cast<uint64_t>(i + 1)));
        }
      }
    } else if (scenario == 1) {
      for (uint64_t i = 0; i < 100000; ++i) {
        set(i, kStart + absl::Seconds(static_cast<int64_t>(rng() % (365 * 86400))), kStart);
      }
    } else {
      for (uint64_t i = 0; i < 1000000; ++i) set(i, RandomDue(&rng), kStart);
      for (int k = 0; k < 2000000; ++k) set(rng() % 1000000, RandomDue(&rng), kStart);
    }
    state.counters["bytes_per_open"] = static_cast<double>(HeapBytes() - before) /
                                       static_cast<double>(q->open_entities());
    state.counters["open"] = static_cast<double>(q->open_entities());
  }
}

// Iterations are fixed so that each run fills its queue once and fires about
// 10% of its items (~1000 items per iteration).
// mode 0 first (the figures as first measured), then modes 1 to 5.
BENCHMARK(BM_DueItems)->Args({1000000, 0, 0})->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({1000000, 1, 0})->Iterations(400)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 0, 0})->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 1, 0})->Iterations(4000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({1000000, 0, 1})->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({1000000, 1, 1})->Iterations(400)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 0, 1})->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 1, 1})->Iterations(4000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({1000000, 0, 2})->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({1000000, 1, 2})->Iterations(400)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 0, 2})->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 1, 2})->Iterations(4000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({1000000, 0, 3})->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 0, 3})->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 1, 3})->Iterations(4000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({1000000, 0, 4})->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 0, 4})->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 1, 4})->Iterations(4000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({1000000, 0, 5})->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 0, 5})->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DueItems)->Args({10000000, 1, 5})->Iterations(4000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineHeapPop)->Args({1000000, 0})->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineHeapPop)->Args({10000000, 0})->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineHeapPop)->Args({1000000, 1})->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineHeapPop)->Args({10000000, 1})->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineHeapPop)->Args({1000000, 3})->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineHeapPop)->Args({10000000, 3})->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineBuildDueItems)->Iterations(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ApplyCancelThenSet)->Arg(1000000)->Iterations(1000000);
BENCHMARK(BM_ApplyCancelThenSet)->Arg(10000000)->Iterations(1000000);
BENCHMARK(BM_ApplyReplace)->Arg(1000000)->Iterations(1000000);
BENCHMARK(BM_ApplyReplace)->Arg(10000000)->Iterations(1000000);
BENCHMARK(BM_BytesAfterChurn)->DenseRange(0, 2)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
