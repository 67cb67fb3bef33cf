// The cost of one event through the C API (kefu/c.h) against the C++ Shop
// (issue 22), on the lines of a sample week (`kefu sample`: 7 days, 200
// orders a day), applied in file order to a fresh shop in every
// repetition:
//   BM_Cpp_ParseApply        ParseEvent + Shop::Apply: the C++ host
//   BM_Cpp_ParseApplyAnswer  the same + EventAnswerJson: serve's answer
//   BM_C_Apply               kefu_shop_apply on a shop in memory: the JSON
//                            in, the store's bookkeeping (journal positions,
//                            due items, the report's tallies), the JSON out
//   BM_C_ApplyBatch          kefu_shop_apply_batch, 1,000 lines a call
// items_per_second is events per second; the time per event is its inverse.
// KEFU_BENCH_EVENTS=FILE reads the lines from FILE instead (the Python
// timing script, bench/bindings_bench.py, passes the file it times Python
// on). docs/benchmarks.md has the figures.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "kefu/c.h"
#include "kefu/engine/shop.h"
#include "kefu/io/answer_json.h"
#include "kefu/io/events.h"
#include "sample/sample.h"

namespace {

const std::vector<std::string>& Lines() {
  static const std::vector<std::string> lines = [] {
    std::vector<std::string> v;
    if (const char* file = std::getenv("KEFU_BENCH_EVENTS"); file != nullptr && *file != '\0') {
      std::ifstream in(file);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) v.push_back(line);
      }
      if (v.empty()) std::abort();
      return v;
    }
    kefu::SampleOptions o;  // `kefu sample`'s defaults
    if (!kefu::GenerateSample(o, [&v](const kefu::ShopEvent& e) {
           v.push_back(kefu::FormatEvent(e));
         }).ok()) {
      std::abort();
    }
    return v;
  }();
  return lines;
}

void Finish(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Lines().size()));
  state.counters["events"] = static_cast<double>(Lines().size());
}

std::unique_ptr<kefu::Shop> NewShop() {
  kefu::ShopOptions o;
  o.shards = 1;  // as kefu serve and the C API
  auto shop = kefu::Shop::Create(o);
  if (!shop.ok()) std::abort();
  return *std::move(shop);
}

void BM_Cpp_ParseApply(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    auto shop = NewShop();
    state.ResumeTiming();
    for (const std::string& line : Lines()) {
      auto e = kefu::ParseEvent(line, 1);
      if (!e.ok()) std::abort();
      auto out = shop->Apply(*e);
      benchmark::DoNotOptimize(out);
    }
    state.PauseTiming();
    shop.reset();
    state.ResumeTiming();
  }
  Finish(state);
}

void BM_Cpp_ParseApplyAnswer(benchmark::State& state) {
  int64_t seq = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto shop = NewShop();
    state.ResumeTiming();
    for (const std::string& line : Lines()) {
      auto e = kefu::ParseEvent(line, 1);
      if (!e.ok()) std::abort();
      kefu::StoredResult r{shop->Apply(*e), ++seq};
      std::string answer = kefu::EventAnswerJson(*e, r, kefu::Language::kZh);
      benchmark::DoNotOptimize(answer);
    }
    state.PauseTiming();
    shop.reset();
    state.ResumeTiming();
  }
  Finish(state);
}

kefu_shop* OpenC() {
  kefu_shop* shop = nullptr;
  if (kefu_shop_open(nullptr, 0, nullptr, 0, &shop, nullptr) != KEFU_OK) std::abort();
  return shop;
}

void BM_C_Apply(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    kefu_shop* shop = OpenC();
    state.ResumeTiming();
    for (const std::string& line : Lines()) {
      char* answer = nullptr;
      size_t len = 0;
      if (kefu_shop_apply(shop, line.data(), line.size(), &answer, &len, nullptr) != KEFU_OK) {
        std::abort();
      }
      benchmark::DoNotOptimize(answer);
      kefu_free(answer);
    }
    state.PauseTiming();
    kefu_shop_close(shop);
    state.ResumeTiming();
  }
  Finish(state);
}

void BM_C_ApplyBatch(benchmark::State& state) {
  std::vector<std::string> batches;
  std::string batch;
  size_t n = 0;
  for (const std::string& line : Lines()) {
    batch += line;
    batch += '\n';
    if (++n % 1000 == 0) batches.push_back(std::move(batch)), batch.clear();
  }
  if (!batch.empty()) batches.push_back(std::move(batch));
  for (auto _ : state) {
    state.PauseTiming();
    kefu_shop* shop = OpenC();
    state.ResumeTiming();
    for (const std::string& b : batches) {
      char* answers = nullptr;
      if (kefu_shop_apply_batch(shop, b.data(), b.size(), &answers, nullptr, nullptr) != KEFU_OK) {
        std::abort();
      }
      benchmark::DoNotOptimize(answers);
      kefu_free(answers);
    }
    state.PauseTiming();
    kefu_shop_close(shop);
    state.ResumeTiming();
  }
  Finish(state);
}

// One pass over the week per iteration; repetitions give the spread.
BENCHMARK(BM_Cpp_ParseApply)->Iterations(1)->Repetitions(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Cpp_ParseApplyAnswer)->Iterations(1)->Repetitions(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_C_Apply)->Iterations(1)->Repetitions(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_C_ApplyBatch)->Iterations(1)->Repetitions(5)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
