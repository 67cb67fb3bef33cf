// Reply checker throughput and latency (issue 6), with baselines in the same
// binary: Hyperscan (block mode, HS_FLAG_SOM_LEFTMOST, literal API) when
// built with it, and a std::string_view::find loop per phrase.
//
// Haystack: ../shared/data/opensubtitles-zh-sampled.txt (813 KB of Chinese
// dialogue), scanned as one text. Patterns: the seed pack; the first 1,000
// and all 49,051 phrases of opencc-stphrases-simplified.txt, in exact mode
// (Normalization::Exact()) and fully normalized (the default Normalization).
// Latency: ReplyChecker::Check on 128-byte messages cut from the corpus.
//
// Run: build/text/bench/text_bench --benchmark_min_time=1
// Compare bytes_per_second of BM_Kefu_* with BM_Hyperscan_* / BM_Find_* of
// the same pattern set; docs/reply_check.md lists measured ratios.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "kefu/text/meeting.h"
#include "kefu/text/packs.h"
#include "kefu/text/phrase_matcher.h"
#include "kefu/text/reply_checker.h"

#if defined(KEFU_HAVE_HYPERSCAN)
#include <hs/hs.h>
#endif

namespace kefu {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string& Corpus() {
  static const auto* c =
      new std::string(ReadFile(std::string(KEFU_SHARED_DATA_DIR) + "/opensubtitles-zh-sampled.txt"));
  return *c;
}

std::vector<std::string> Phrases(size_t n) {
  static const auto* all = [] {
    auto* v = new std::vector<std::string>;
    std::istringstream in(ReadFile(std::string(KEFU_SHARED_DATA_DIR) + "/opencc-stphrases-simplified.txt"));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) v->push_back(line);
    }
    return v;
  }();
  return std::vector<std::string>(all->begin(), all->begin() + static_cast<std::ptrdiff_t>(std::min(n, all->size())));
}

std::vector<std::string> SeedPhrases() {
  std::vector<std::string> out;
  for (const auto& e : SeedPack().entries) {
    if (!e.allow) out.push_back(e.phrase);
  }
  return out;
}

PhraseMatcher Compile(const std::vector<std::string>& phrases, Normalization n) {
  PhraseList list;
  list.normalization = n;
  for (const auto& p : phrases) {
    PhraseEntry e;
    e.phrase = p;
    e.rule_id = "X";
    list.entries.push_back(e);
  }
  return *PhraseMatcher::Compile(std::move(list));
}

// 128-byte messages (cut on character boundaries) from the corpus.
const std::vector<std::string>& Messages() {
  static const auto* msgs = [] {
    auto* v = new std::vector<std::string>;
    const std::string& c = Corpus();
    size_t at = 0;
    while (at + 128 < c.size() && v->size() < 4096) {
      size_t end = at + 128;
      while (end > at && (static_cast<unsigned char>(c[end]) & 0xC0) == 0x80) --end;
      v->push_back(c.substr(at, end - at));
      at = end;
    }
    return v;
  }();
  return *msgs;
}

void RunKefu(benchmark::State& state, const PhraseMatcher& m) {
  const std::string& text = Corpus();
  if (text.empty()) {
    state.SkipWithError("no corpus");
    return;
  }
  std::vector<PhraseMatch> hits;
  for (auto _ : state) {
    hits.clear();
    m.FindAll(text, &hits);
    benchmark::DoNotOptimize(hits.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
  state.counters["hits"] = static_cast<double>(hits.size());
}

void BM_Kefu_Seed_Normalized(benchmark::State& state) {
  static const PhraseMatcher m = *PhraseMatcher::Compile(SeedPack());
  RunKefu(state, m);
}
void BM_Kefu_1k_Exact(benchmark::State& state) {
  static const PhraseMatcher m = Compile(Phrases(1000), Normalization::Exact());
  RunKefu(state, m);
}
void BM_Kefu_1k_Normalized(benchmark::State& state) {
  static const PhraseMatcher m = Compile(Phrases(1000), Normalization{});
  RunKefu(state, m);
}
void BM_Kefu_49k_Exact(benchmark::State& state) {
  static const PhraseMatcher m = Compile(Phrases(49051), Normalization::Exact());
  RunKefu(state, m);
}
void BM_Kefu_49k_Normalized(benchmark::State& state) {
  static const PhraseMatcher m = Compile(Phrases(49051), Normalization{});
  RunKefu(state, m);
}
BENCHMARK(BM_Kefu_Seed_Normalized);
BENCHMARK(BM_Kefu_1k_Exact);
BENCHMARK(BM_Kefu_1k_Normalized);
BENCHMARK(BM_Kefu_49k_Exact);
BENCHMARK(BM_Kefu_49k_Normalized);

// Baseline: one std::string_view::find loop per phrase (all occurrences).
void RunFind(benchmark::State& state, const std::vector<std::string>& phrases) {
  const std::string_view text = Corpus();
  size_t found = 0;
  for (auto _ : state) {
    found = 0;
    for (const std::string& p : phrases) {
      for (size_t at = text.find(p); at != std::string_view::npos; at = text.find(p, at + 1)) ++found;
    }
    benchmark::DoNotOptimize(found);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
  state.counters["hits"] = static_cast<double>(found);
}
void BM_Find_Seed(benchmark::State& state) { RunFind(state, SeedPhrases()); }
void BM_Find_1k(benchmark::State& state) { RunFind(state, Phrases(1000)); }
BENCHMARK(BM_Find_Seed);
BENCHMARK(BM_Find_1k)->Iterations(3);

#if defined(KEFU_HAVE_HYPERSCAN)
struct Hyperscan {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  explicit Hyperscan(const std::vector<std::string>& phrases) {
    std::vector<const char*> exprs;
    std::vector<size_t> lens;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < phrases.size(); ++i) {
      exprs.push_back(phrases[i].data());
      lens.push_back(phrases[i].size());
      flags.push_back(HS_FLAG_SOM_LEFTMOST);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* err = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                             static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                             &err) != HS_SUCCESS) {
      hs_free_compile_error(err);
      db = nullptr;
      return;
    }
    hs_alloc_scratch(db, &scratch);
  }
};

int CountMatch(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  ++*static_cast<size_t*>(ctx);
  return 0;
}

void RunHyperscan(benchmark::State& state, const Hyperscan& hs, std::string_view text) {
  if (hs.db == nullptr) {
    state.SkipWithError("hyperscan compile failed");
    return;
  }
  size_t found = 0;
  for (auto _ : state) {
    found = 0;
    hs_scan(hs.db, text.data(), static_cast<unsigned>(text.size()), 0, hs.scratch, CountMatch, &found);
    benchmark::DoNotOptimize(found);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
  state.counters["hits"] = static_cast<double>(found);
}
void BM_Hyperscan_Seed(benchmark::State& state) {
  static const Hyperscan hs(SeedPhrases());
  RunHyperscan(state, hs, Corpus());
}
void BM_Hyperscan_1k(benchmark::State& state) {
  static const Hyperscan hs(Phrases(1000));
  RunHyperscan(state, hs, Corpus());
}
void BM_Hyperscan_49k(benchmark::State& state) {
  static const Hyperscan hs(Phrases(49051));
  RunHyperscan(state, hs, Corpus());
}
BENCHMARK(BM_Hyperscan_Seed);
BENCHMARK(BM_Hyperscan_1k);
BENCHMARK(BM_Hyperscan_49k);

void BM_Hyperscan_Seed_128B(benchmark::State& state) {
  static const Hyperscan hs(SeedPhrases());
  const auto& msgs = Messages();
  size_t i = 0, found = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& m = msgs[i++ % msgs.size()];
    hs_scan(hs.db, m.data(), static_cast<unsigned>(m.size()), 0, hs.scratch, CountMatch, &found);
    bytes += m.size();
  }
  benchmark::DoNotOptimize(found);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Hyperscan_Seed_128B);
#endif

// Check on each message in turn, reusing the findings vector.
void RunChecker128B(benchmark::State& state, const ReplyChecker& c,
                    const std::vector<std::string>& msgs) {
  if (msgs.empty()) {
    state.SkipWithError("no corpus");
    return;
  }
  std::vector<Finding> findings;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& m = msgs[i++ % msgs.size()];
    findings.clear();
    c.Check(m, &findings);
    benchmark::DoNotOptimize(findings.data());
    bytes += m.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// Latency per 128-byte message: the whole checker (seed pack, PH-APOLOGY,
// PH-PRIVACY, PH-CALLBACK), and the seed phrase matcher alone.
void BM_Kefu_ReplyChecker_128B(benchmark::State& state) {
  static const ReplyChecker c = *ReplyChecker::Default();
  RunChecker128B(state, c, Messages());
}
BENCHMARK(BM_Kefu_ReplyChecker_128B);

// The same on replies written the way the seed asks (the meeting auto-reply
// cut into 128-byte pieces): the common, clean case.
void BM_Kefu_ReplyChecker_128B_CleanReply(benchmark::State& state) {
  static const ReplyChecker c = *ReplyChecker::Default();
  static const auto* msgs = [] {
    auto* v = new std::vector<std::string>;
    const std::string& t = SeedMeetingAutoReply();
    size_t at = 0;
    while (at < t.size()) {
      size_t end = std::min(t.size(), at + 128);
      while (end < t.size() && end > at && (static_cast<unsigned char>(t[end]) & 0xC0) == 0x80) --end;
      v->push_back(t.substr(at, end - at));
      at = end;
    }
    return v;
  }();
  RunChecker128B(state, c, *msgs);
}
BENCHMARK(BM_Kefu_ReplyChecker_128B_CleanReply);

// The dialogue slices again with PH-CALLBACK turned off: the difference to
// BM_Kefu_ReplyChecker_128B is what the deferral-marker scan costs.
void BM_Kefu_ReplyChecker_128B_NoCallback(benchmark::State& state) {
  static const ReplyChecker c = [] {
    ReplyCheckerOptions o;
    o.callback.enabled = false;
    return *ReplyChecker::Create(o);
  }();
  RunChecker128B(state, c, Messages());
}
BENCHMARK(BM_Kefu_ReplyChecker_128B_NoCallback);

// Long replies mixing phrase and PH-PRIVACY findings (issue 16: Check was
// quadratic on them): dialogue lines from the corpus, each followed by one
// of a mobile number, an e-mail address, a landline and an address in
// turn, cut to state.range(0) bytes on a character boundary. Checking must
// cost time linear in the text: ns_per_byte stays flat from 1 KiB to 1 MiB.
const std::string& MixedReply(size_t bytes) {
  static const auto* whole = [] {
    auto* s = new std::string;
    const char* data[] = {"13812345678", "zhang.san@example.com", "0571-88886666",
                          "文三路90号5幢2单元301室"};
    const std::string& c = Corpus();
    size_t at = 0, k = 0;
    while (s->size() < (size_t{1} << 20) + 4096 && !c.empty()) {
      size_t nl = c.find('\n', at);
      if (nl == std::string::npos) {
        nl = c.size();
      }
      s->append(c, at, nl - at);
      s->append(",");
      s->append(data[k++ % 4]);
      s->append("。");
      at = nl + 1 >= c.size() ? 0 : nl + 1;
    }
    return s;
  }();
  static auto* cuts = new std::vector<std::pair<size_t, std::string>>;
  for (const auto& [n, t] : *cuts) {
    if (n == bytes) return t;
  }
  size_t end = std::min(bytes, whole->size());
  while (end > 0 && (static_cast<unsigned char>((*whole)[end]) & 0xC0) == 0x80) --end;
  cuts->emplace_back(bytes, whole->substr(0, end));
  return cuts->back().second;
}

void BM_Kefu_ReplyChecker_MixedLong(benchmark::State& state) {
  static const ReplyChecker c = *ReplyChecker::Default();
  const std::string& text = MixedReply(static_cast<size_t>(state.range(0)));
  std::vector<Finding> findings;
  for (auto _ : state) {
    findings.clear();
    c.Check(text, &findings);
    benchmark::DoNotOptimize(findings.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
  state.counters["findings"] = static_cast<double>(findings.size());
  // Seconds per byte, shown with an SI prefix (n = nanoseconds per byte).
  state.counters["s_per_byte"] = benchmark::Counter(
      static_cast<double>(text.size()), benchmark::Counter::kIsIterationInvariantRate |
                                            benchmark::Counter::kInvert);
}
BENCHMARK(BM_Kefu_ReplyChecker_MixedLong)->RangeMultiplier(4)->Range(1 << 10, 1 << 20);

void BM_Kefu_Seed_128B(benchmark::State& state) {
  static const PhraseMatcher m = *PhraseMatcher::Compile(SeedPack());
  const auto& msgs = Messages();
  if (msgs.empty()) {
    state.SkipWithError("no corpus");
    return;
  }
  std::vector<PhraseMatch> hits;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& msg = msgs[i++ % msgs.size()];
    hits.clear();
    m.FindAll(msg, &hits);
    benchmark::DoNotOptimize(hits.data());
    bytes += msg.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Kefu_Seed_128B);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
