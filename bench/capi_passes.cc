// The timed passes of capi_passes.h.
#include "capi_passes.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kefu/c.h"
#include "kefu/engine/shop.h"
#include "kefu/io/answer_json.h"
#include "kefu/io/events.h"
#include "sample/sample.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define KEFU_BENCH_CALLGRIND 1
#endif
#endif

namespace {

std::vector<std::string>& Lines() {
  static std::vector<std::string> lines;
  return lines;
}

using Clock = std::chrono::steady_clock;

// Callgrind counts the loop alone when kefu_bench_pass_counted runs it.
bool count_loop = false;

void Collect(bool on) {
#ifdef KEFU_BENCH_CALLGRIND
  static bool collecting = false;
  if (on != collecting) {
    CALLGRIND_TOGGLE_COLLECT;
    collecting = on;
  }
#else
  (void)on;
#endif
}

Clock::time_point Start() {
  if (count_loop) Collect(true);
  return Clock::now();
}

double Seconds(Clock::time_point start) {
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  if (count_loop) Collect(false);
  return s;
}

std::unique_ptr<kefu::Shop> NewShop() {
  kefu::ShopOptions o;
  o.shards = 1;  // as kefu serve and the C API
  auto shop = kefu::Shop::Create(o);
  if (!shop.ok()) std::abort();
  return *std::move(shop);
}

// ParseEvent + Shop::Apply, and serve's answer when `answer`.
double CppPass(bool answer) {
  auto shop = NewShop();
  std::string out;
  int64_t seq = 0;
  const Clock::time_point start = Start();
  for (const std::string& line : Lines()) {
    auto e = kefu::ParseEvent(line, 1);
    if (!e.ok()) return -1;
    kefu::StoredResult r{shop->Apply(*e), ++seq};
    if (answer) {
      out.clear();
      kefu::AppendEventAnswerJson(&out, *e, r, kefu::Language::kZh);
    }
    asm volatile("" : : "g"(out.data()), "g"(&r) : "memory");
  }
  const double s = Seconds(start);
  shop.reset();
  return s;
}

kefu_shop* OpenC() {
  kefu_shop* shop = nullptr;
  if (kefu_shop_open(nullptr, 0, nullptr, 0, &shop, nullptr) != KEFU_OK) std::abort();
  return shop;
}

double CPass() {
  kefu_shop* shop = OpenC();
  const Clock::time_point start = Start();
  for (const std::string& line : Lines()) {
    char* answer = nullptr;
    size_t len = 0;
    if (kefu_shop_apply(shop, line.data(), line.size(), &answer, &len, nullptr) != KEFU_OK) {
      return -1;
    }
    asm volatile("" : : "g"(answer) : "memory");
    kefu_free(answer);
  }
  const double s = Seconds(start);
  kefu_shop_close(shop);
  return s;
}

double CIntoPass() {
  kefu_shop* shop = OpenC();
  kefu_answer* answer = nullptr;
  if (kefu_answer_new(&answer, nullptr) != KEFU_OK) std::abort();
  const Clock::time_point start = Start();
  for (const std::string& line : Lines()) {
    const char* json = nullptr;
    size_t len = 0;
    if (kefu_shop_apply_into(shop, line.data(), line.size(), answer, nullptr) != KEFU_OK ||
        kefu_answer_json(answer, &json, &len, nullptr) != KEFU_OK) {
      return -1;
    }
    asm volatile("" : : "g"(json) : "memory");
  }
  const double s = Seconds(start);
  kefu_answer_free(answer);
  kefu_shop_close(shop);
  return s;
}

double CBatchPass() {
  static const std::vector<std::string> batches = [] {
    std::vector<std::string> v;
    std::string batch;
    size_t n = 0;
    for (const std::string& line : Lines()) {
      batch += line;
      batch += '\n';
      if (++n % 1000 == 0) v.push_back(std::move(batch)), batch.clear();
    }
    if (!batch.empty()) v.push_back(std::move(batch));
    return v;
  }();
  kefu_shop* shop = OpenC();
  const Clock::time_point start = Start();
  for (const std::string& b : batches) {
    char* answers = nullptr;
    if (kefu_shop_apply_batch(shop, b.data(), b.size(), &answers, nullptr, nullptr) != KEFU_OK) {
      return -1;
    }
    asm volatile("" : : "g"(answers) : "memory");
    kefu_free(answers);
  }
  const double s = Seconds(start);
  kefu_shop_close(shop);
  return s;
}

}  // namespace

extern "C" {

int kefu_bench_load(const char* file) {
  std::vector<std::string>& v = Lines();
  v.clear();
  if (file != nullptr && *file != '\0') {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) v.push_back(line);
    }
    return v.empty() ? -1 : 0;
  }
  kefu::SampleOptions o;  // `kefu sample`'s defaults
  if (!kefu::GenerateSample(o, [&v](const kefu::ShopEvent& e) {
         v.push_back(kefu::FormatEvent(e));
       }).ok()) {
    return -1;
  }
  return 0;
}

size_t kefu_bench_events(void) { return Lines().size(); }

double kefu_bench_pass(const char* path) {
  const std::string_view p = path == nullptr ? "" : path;
  if (Lines().empty()) return -1;
  if (p == "cpp") return CppPass(true);
  if (p == "cpp_apply") return CppPass(false);
  if (p == "c") return CPass();
  if (p == "c_into") return CIntoPass();
  if (p == "c_batch") return CBatchPass();
  return -1;
}

double kefu_bench_pass_counted(const char* path) {
  count_loop = true;
  const double s = kefu_bench_pass(path);
  count_loop = false;
  return s;
}

void kefu_bench_collect(int on) { Collect(on != 0); }

}  // extern "C"
