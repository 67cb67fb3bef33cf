// The cost of one event through the C API (kefu/c.h) against the C++ Shop
// (issue 22), on the lines of a sample week (`kefu sample`: 7 days, 200
// orders a day; KEFU_BENCH_EVENTS=FILE reads FILE instead), each pass a
// fresh shop in memory taking every line in file order. The passes are
// bench/capi_passes.h's (which says what each path does); the time is the
// loop's alone (manual time). items_per_second is events per second; the
// time per event is its inverse.
//   BM_Cpp_ParseApplyAnswer  "cpp": the C++ host writing serve's answer,
//                            the baseline of issue 22's floors
//   BM_Cpp_ParseApply        "cpp_apply": without the answer's JSON
//   BM_C_Apply               "c": kefu_shop_apply
//   BM_C_ApplyInto           "c_into": kefu_shop_apply_into + kefu_answer_json
//   BM_C_ApplyBatch          "c_batch": kefu_shop_apply_batch, 1,000 a call
// bench/bindings_bench.py runs the same passes and Python's, in turns in
// one process, and gives the ratios; docs/benchmarks.md has the figures.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "capi_passes.h"

namespace {

void Pass(benchmark::State& state, const char* path) {
  static const bool loaded = [] {
    if (kefu_bench_load(std::getenv("KEFU_BENCH_EVENTS")) != 0) std::abort();
    return true;
  }();
  (void)loaded;
  for (auto _ : state) {
    const double s = kefu_bench_pass(path);
    if (s < 0) {
      state.SkipWithError("the pass failed");
      return;
    }
    state.SetIterationTime(s);
  }
  const auto events = static_cast<int64_t>(kefu_bench_events());
  state.SetItemsProcessed(state.iterations() * events);
  state.counters["events"] = static_cast<double>(events);
}

void BM_Cpp_ParseApplyAnswer(benchmark::State& s) { Pass(s, "cpp"); }
void BM_Cpp_ParseApply(benchmark::State& s) { Pass(s, "cpp_apply"); }
void BM_C_Apply(benchmark::State& s) { Pass(s, "c"); }
void BM_C_ApplyInto(benchmark::State& s) { Pass(s, "c_into"); }
void BM_C_ApplyBatch(benchmark::State& s) { Pass(s, "c_batch"); }

// One pass over the week per iteration; repetitions give the spread.
#define KEFU_PASS(f) \
  BENCHMARK(f)->Iterations(1)->Repetitions(5)->UseManualTime()->Unit(benchmark::kMillisecond)
KEFU_PASS(BM_Cpp_ParseApplyAnswer);
KEFU_PASS(BM_Cpp_ParseApply);
KEFU_PASS(BM_C_Apply);
KEFU_PASS(BM_C_ApplyInto);
KEFU_PASS(BM_C_ApplyBatch);

}  // namespace

BENCHMARK_MAIN();
