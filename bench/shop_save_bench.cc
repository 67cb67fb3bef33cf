// Saving and loading a whole Shop (Shop::Save / Shop::Load, issue 17): the
// bytes per entity and the seconds per million entities.
//
// The shop is the sample generator's first day at N orders (with the
// tickets, reviews and conversations it brings), applied and left open:
// most entities are mid-life, with their idempotency logs and pending
// deadlines. Arg = orders per day; counters: entities (orders, tickets and
// reviews; the conversations come along uncounted), bytes per entity.
//
//   ./build/bench/bench/shop_save_bench --benchmark_filter='/1000000'
//   ./build/bench/bench/shop_save_bench --benchmark_filter='/100000$'
//
// Each iteration saves (or loads) the whole shop once; times are wall
// clock. Load includes building the indexes again.
#include <cstdlib>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "kefu/engine/shop.h"
#include "sample/sample.h"

namespace kefu {
namespace {

struct Loaded {
  std::unique_ptr<Shop> shop;
  int64_t entities = 0;
};

Loaded BuildShop(int orders, int save_threads = 2) {
  Loaded l;
  ShopOptions options;
  options.shards = 1;
  options.save_threads = save_threads;
  l.shop = *Shop::Create(options);
  SampleOptions sample;
  sample.days = 1;
  sample.orders_per_day = orders;
  absl::Status s = GenerateSample(sample, [&](const ShopEvent& e) { l.shop->Apply(e).IgnoreError(); });
  if (!s.ok()) std::abort();
  for (const StateCounts& c : l.shop->CountStates()) l.entities += c.total;
  return l;
}

void BM_ShopSave(benchmark::State& state) {
  const Loaded l = BuildShop(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string saved = l.shop->Save();
    bytes = saved.size();
    benchmark::DoNotOptimize(saved);
  }
  state.counters["entities"] = static_cast<double>(l.entities);
  state.counters["bytes_per_entity"] = static_cast<double>(bytes) / static_cast<double>(l.entities);
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_ShopSave)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// A save after another (a store's snapshots, every 100,000 events): the
// shop reserves the last save's size at once. The first save, untimed, is
// BM_ShopSave's cold figure. Args: orders, ShopOptions::save_threads (the
// same bytes either way: one thread is the baseline).
void BM_ShopSaveAgain(benchmark::State& state) {
  const Loaded l = BuildShop(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  benchmark::DoNotOptimize(l.shop->Save());
  for (auto _ : state) {
    std::string saved = l.shop->Save();
    benchmark::DoNotOptimize(saved);
  }
  state.counters["entities"] = static_cast<double>(l.entities);
}
BENCHMARK(BM_ShopSaveAgain)
    ->ArgsProduct({{100000}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_ShopLoad(benchmark::State& state) {
  std::string saved;
  int64_t entities = 0;
  {
    const Loaded l = BuildShop(static_cast<int>(state.range(0)));
    saved = l.shop->Save();
    entities = l.entities;
  }
  ShopOptions options;
  options.shards = 1;
  options.load_threads = static_cast<int>(state.range(1));
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Load(saved, options);
    if (!shop.ok()) std::abort();
    state.PauseTiming();  // freeing the shop is not loading it
    shop->reset();
    state.ResumeTiming();
  }
  state.counters["entities"] = static_cast<double>(entities);
  state.counters["bytes_per_entity"] = static_cast<double>(saved.size()) / static_cast<double>(entities);
}
// Args: orders, ShopOptions::load_threads.
BENCHMARK(BM_ShopLoad)
    ->ArgsProduct({{100000, 1000000}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
