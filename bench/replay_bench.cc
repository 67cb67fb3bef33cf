// End-to-end replay throughput (issue 7): a generated shop of about one
// million events, as JSON Lines in memory, replayed through kefu::Replay
// (parse + route + machines + reply checker + deadline queue + report).
// Beside it, in the same binary, the parts: parsing alone, and applying
// pre-parsed events to a Shop; the parse share is their ratio.
//
//   ./build/bench/bench/replay_bench --benchmark_repetitions=3
//   KEFU_REPLAY_BENCH_ORDERS=5000 ./build/bench/bench/replay_bench   # smaller
//
// Floor: 500,000 events per second on one core, parse included. The
// single-thread benchmarks report CPU time (rates are per CPU second): the
// machines are shared. The parallel one reports wall time, to show scaling.
#include <cstdlib>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "kefu/engine/shop.h"
#include "kefu/io/events.h"
#include "kefu/io/replay.h"
#include "sample/sample.h"

namespace kefu {
namespace {

struct Corpus {
  std::string text;                // JSON Lines
  std::vector<std::string> lines;  // the same, one per line
  int64_t events = 0;
};

// A week of the sample shop, scaled to about a million events (override the
// orders per day with KEFU_REPLAY_BENCH_ORDERS).
const Corpus& GetCorpus() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    SampleOptions options;
    options.days = 7;
    options.orders_per_day = 12000;
    if (const char* env = std::getenv("KEFU_REPLAY_BENCH_ORDERS")) {
      options.orders_per_day = std::atoi(env);
    }
    absl::Status s = GenerateSample(options, [&](const ShopEvent& e) {
      c->lines.push_back(FormatEvent(e));
      c->text += c->lines.back();
      c->text += '\n';
      ++c->events;
    });
    if (!s.ok()) std::abort();
    return c;
  }();
  return *corpus;
}

void BM_Replay_EndToEnd(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  int64_t applied = 0;
  for (auto _ : state) {
    // Copying 200 MB into the stream is not the replay's work.
    state.PauseTiming();
    auto in = std::make_unique<std::istringstream>(c.text);
    state.ResumeTiming();
    absl::StatusOr<ReplayReport> r = Replay(*in);
    if (!r.ok()) {
      state.SkipWithError("replay failed");
      return;
    }
    applied = r->applied + r->refused + r->duplicates;
    benchmark::DoNotOptimize(r->lines);
  }
  state.counters["events"] = static_cast<double>(c.events);
  state.counters["accepted"] = static_cast<double>(applied);
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(c.events) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(c.text.size()) * state.iterations());
}
BENCHMARK(BM_Replay_EndToEnd)->Unit(benchmark::kMillisecond)->Iterations(1);

// The same in wall time, reading on the calling thread (0, the baseline) or
// parsing ahead on a second one (1: ReplayOptions::parse_ahead, what
// `kefu replay --parse-ahead` does). Only worth it with a second core free.
void BM_Replay_EndToEndWall(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  ReplayOptions options;
  options.parse_ahead = state.range(0) != 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto in = std::make_unique<std::istringstream>(c.text);
    state.ResumeTiming();
    absl::StatusOr<ReplayReport> r = Replay(*in, options);
    if (!r.ok()) {
      state.SkipWithError("replay failed");
      return;
    }
    benchmark::DoNotOptimize(r->lines);
  }
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(c.events) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Replay_EndToEndWall)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Arg(0)
    ->Arg(1);

// Parsing alone: the same lines through ParseEvent.
void BM_Replay_ParseOnly(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  for (auto _ : state) {
    int64_t line = 0;
    for (const std::string& l : c.lines) {
      absl::StatusOr<ShopEvent> e = ParseEvent(l, ++line);
      benchmark::DoNotOptimize(e);
    }
  }
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(c.events) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(c.text.size()) * state.iterations());
}
BENCHMARK(BM_Replay_ParseOnly)->Unit(benchmark::kMillisecond)->Iterations(1);

// Applying pre-parsed events to a one-shard Shop, with Due() before each
// event as Replay does, and no report.
void BM_Replay_ApplyOnly(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  std::vector<ShopEvent> events;
  events.reserve(c.lines.size());
  for (const std::string& l : c.lines) events.push_back(ParseEvent(l).value());
  for (auto _ : state) {
    ShopOptions options;
    options.shards = 1;
    std::unique_ptr<Shop> shop = Shop::Create(std::move(options)).value();
    int64_t ok = 0;
    for (const ShopEvent& e : events) {
      benchmark::DoNotOptimize(shop->Due(MetaOf(e).at));
      ok += shop->Apply(e).ok();
    }
    benchmark::DoNotOptimize(ok);
  }
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(c.events) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Replay_ApplyOnly)->Unit(benchmark::kMillisecond)->Iterations(1);

// Several threads applying to one Shop (64 shards), each thread the events
// of its own entities, in order: items per second against the one-thread
// run of the same benchmark show how Apply() scales. No Due() calls.
std::unique_ptr<Shop> g_parallel_shop;
std::vector<std::vector<const ShopEvent*>> g_slices;

void BM_Shop_ParallelApply(benchmark::State& state) {
  static const std::vector<ShopEvent>* events = [] {
    auto* v = new std::vector<ShopEvent>;
    for (const std::string& l : GetCorpus().lines) v->push_back(ParseEvent(l).value());
    return v;
  }();
  if (state.thread_index() == 0) {
    g_parallel_shop = Shop::Create().value();
    g_slices.assign(static_cast<size_t>(state.threads()), {});
    for (const ShopEvent& e : *events) {
      // Same key, same thread: each entity's events stay in order.
      const size_t h = std::hash<std::string>{}(e.key) ^ static_cast<size_t>(e.kind());
      g_slices[h % g_slices.size()].push_back(&e);
    }
  }
  int64_t applied = 0;
  for (auto _ : state) {
    for (const ShopEvent* e : g_slices[static_cast<size_t>(state.thread_index())]) {
      applied += g_parallel_shop->Apply(*e).ok();
    }
  }
  state.SetItemsProcessed(applied);
}
BENCHMARK(BM_Shop_ParallelApply)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Threads(1)
    ->Threads(2);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
