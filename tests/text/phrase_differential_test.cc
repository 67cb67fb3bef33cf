// Differential test of PhraseMatcher in exact mode (no normalization) on real
// Chinese dialogue (OpenSubtitles sample) with the first 1,000 and with all
// 49,051 phrases of OpenCC's STPhrases: the hits must equal those of a simple
// reference (a hash set per phrase length, longest first at each character)
// and, where kefu was built with Hyperscan, those of Hyperscan.
//
// Under AddressSanitizer only the first 4,000 lines of the corpus are used, to
// keep the sanitizer run short. The data is shipped in tests/text/data.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/text/phrase_matcher.h"
#include "shared_data.h"

#if defined(KEFU_HAVE_HYPERSCAN)
#include <hs/hs.h>
#endif

namespace kefu {
namespace {

using test::Lines;

#ifdef KEFU_UNDER_ASAN
constexpr size_t kCorpusLines = 4000;  // keeps the sanitizer run short
#else
constexpr size_t kCorpusLines = size_t{1} << 30;
#endif

const test::SharedData* LoadData() { return test::LoadSharedData(kCorpusLines); }

// Leftmost-longest, non-overlapping, on character boundaries; duplicates
// resolve to the first entry.
class Reference {
 public:
  explicit Reference(const std::vector<std::string>& phrases) {
    for (size_t i = 0; i < phrases.size(); ++i) {
      index_.emplace(phrases[i], static_cast<uint32_t>(i));
      lengths_.push_back(phrases[i].size());
    }
    std::sort(lengths_.begin(), lengths_.end(), std::greater<>());
    lengths_.erase(std::unique(lengths_.begin(), lengths_.end()), lengths_.end());
  }
  std::vector<PhraseMatch> FindAll(std::string_view text) const;

 private:
  std::unordered_map<std::string_view, uint32_t> index_;
  std::vector<size_t> lengths_;
};

std::vector<PhraseMatch> Reference::FindAll(std::string_view text) const {
  const auto& index = index_;
  const auto& lengths = lengths_;
  std::vector<PhraseMatch> out;
  size_t i = 0;
  while (i < text.size()) {
    bool hit = false;
    for (size_t len : lengths) {
      if (i + len > text.size()) continue;
      auto it = index.find(text.substr(i, len));
      if (it != index.end()) {
        out.push_back(PhraseMatch{i, i + len, it->second});
        i += len;
        hit = true;
        break;
      }
    }
    if (hit) continue;
    // Next character boundary (the corpus is valid UTF-8).
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return out;
}

PhraseMatcher CompileExact(const std::vector<std::string>& phrases) {
  PhraseList list;
  list.name = "stphrases";
  list.normalization = Normalization::Exact();
  for (const auto& p : phrases) {
    PhraseEntry e;
    e.phrase = p;
    e.rule_id = "X";
    list.entries.push_back(std::move(e));
  }
  auto m = PhraseMatcher::Compile(std::move(list));
  EXPECT_TRUE(m.ok()) << m.status();
  return *std::move(m);
}

#if defined(KEFU_HAVE_HYPERSCAN)
std::vector<PhraseMatch> WithHyperscan(std::string_view text, const std::vector<std::string>& phrases) {
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < phrases.size(); ++i) {
    exprs.push_back(phrases[i].data());
    lens.push_back(phrases[i].size());
    flags.push_back(HS_FLAG_SOM_LEFTMOST);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                           static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                           &err) != HS_SUCCESS) {
    ADD_FAILURE() << "hyperscan: " << (err ? err->message : "?");
    hs_free_compile_error(err);
    return {};
  }
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(db, &scratch);
  std::vector<PhraseMatch> all;
  auto on_match = [](unsigned id, unsigned long long from, unsigned long long to, unsigned,
                     void* ctx) -> int {
    static_cast<std::vector<PhraseMatch>*>(ctx)->push_back(
        PhraseMatch{static_cast<size_t>(from), static_cast<size_t>(to), id});
    return 0;
  };
  hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch, on_match, &all);
  hs_free_scratch(scratch);
  hs_free_database(db);
  // Reduce all (overlapping) matches to leftmost-longest, first entry wins.
  std::sort(all.begin(), all.end(), [](const PhraseMatch& a, const PhraseMatch& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.entry < b.entry;
  });
  std::vector<PhraseMatch> out;
  size_t next = 0;
  for (const PhraseMatch& m : all) {
    if (m.begin < next) continue;
    out.push_back(m);
    next = m.end;
  }
  return out;
}
#endif

void Compare(size_t n_phrases) {
  const test::SharedData* data = LoadData();
  if (data == nullptr) GTEST_FAIL() << "no test data at " << KEFU_TEXT_TEST_DATA_DIR;
  const std::vector<std::string> phrases(
      data->phrases.begin(),
      data->phrases.begin() + static_cast<std::ptrdiff_t>(std::min(n_phrases, data->phrases.size())));
  const PhraseMatcher m = CompileExact(phrases);
  const std::vector<PhraseMatch> got = m.FindAll(data->corpus);
  const std::vector<PhraseMatch> want = Reference(phrases).FindAll(data->corpus);
  EXPECT_GT(want.size(), 50u);  // 73 with 1k phrases on the ASan cut, 561 in full
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], want[i]) << "hit " << i << " at byte " << want[i].begin << ": "
                               << phrases[want[i].entry];
  }
#if defined(KEFU_HAVE_HYPERSCAN) && !defined(KEFU_UNDER_ASAN)
  const std::vector<PhraseMatch> hs = WithHyperscan(data->corpus, phrases);
  ASSERT_EQ(hs.size(), want.size());
  for (size_t i = 0; i < hs.size(); ++i) ASSERT_EQ(hs[i], want[i]) << "hyperscan hit " << i;
#endif
}

TEST(PhraseDifferential, ExactModeFirst1000PhrasesEqualReference) { Compare(1000); }
TEST(PhraseDifferential, ExactModeAll49051PhrasesEqualReference) { Compare(49051); }

// Per-line checking (as replies arrive) gives the same hits as the whole text
// when no phrase spans a newline.
TEST(PhraseDifferential, PerLineEqualsReferencePerLine) {
  const test::SharedData* data = LoadData();
  if (data == nullptr) GTEST_FAIL() << "no test data at " << KEFU_TEXT_TEST_DATA_DIR;
  const std::vector<std::string> phrases(data->phrases.begin(), data->phrases.begin() + 1000);
  const PhraseMatcher m = CompileExact(phrases);
  const Reference ref(phrases);
  size_t checked = 0;
  for (const std::string& line : Lines(data->corpus, 3000)) {
    ASSERT_EQ(m.FindAll(line), ref.FindAll(line)) << line;
    ++checked;
  }
  EXPECT_GT(checked, 1000u);
}

}  // namespace
}  // namespace kefu
