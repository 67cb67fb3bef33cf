// capi_passes.h: one pass over a week of events by each way a host talks to
// kefu in its own process (issue 22), timed the same way for all: the same
// lines in file order, a fresh shop in memory each pass (made and closed
// outside the time), the time of the loop alone. capi_bench (Google
// Benchmark) runs them; bench/bindings_bench.py loads them as a shared
// library (ctypes) and runs them in turns with Python's own passes, so
// that every ratio comes from passes of one process under one load.
//
// Paths (kefu_bench_pass's `path`):
//   "cpp"        ParseEvent + Shop::Apply + AppendEventAnswerJson into a
//                reused string: a C++ host reading a JSON line and writing
//                serve's answer. The baseline of the floors.
//   "cpp_apply"  ParseEvent + Shop::Apply: a C++ host that reads Outcome's
//                fields and writes no JSON.
//   "c"          kefu_shop_apply: the answer in a buffer kefu_free releases.
//   "c_into"     kefu_shop_apply_into + kefu_answer_json on one reused
//                kefu_answer: no buffer a call.
//   "c_batch"    kefu_shop_apply_batch, 1,000 lines a call.
#ifndef KEFU_BENCH_CAPI_PASSES_H_
#define KEFU_BENCH_CAPI_PASSES_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Reads the lines of `file` (JSON Lines; empty lines skipped); NULL or
// empty: a sample week made in memory (`kefu sample`'s defaults). 0 when
// read, -1 when not.
__attribute__((visibility("default"))) int kefu_bench_load(const char* file);
// How many events were read.
__attribute__((visibility("default"))) size_t kefu_bench_events(void);
// One pass by `path`: the seconds of the loop; a negative value for an
// unknown path or a failed call.
__attribute__((visibility("default"))) double kefu_bench_pass(const char* path);
// As kefu_bench_pass, callgrind counting the loop alone (under
// valgrind --tool=callgrind --collect-atstart=no; else as kefu_bench_pass).
__attribute__((visibility("default"))) double kefu_bench_pass_counted(const char* path);
// Under callgrind (--collect-atstart=no): starts (1) or stops (0)
// counting; nothing otherwise.
__attribute__((visibility("default"))) void kefu_bench_collect(int on);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // KEFU_BENCH_CAPI_PASSES_H_
