// Differential test of PhraseMatcher in normalized mode (full-width, case,
// traditional -> simplified, noise skipping, word boundaries, allow
// entries) against a slow reference written from the documented rules:
// the reference folds the text with the library's own Folder (fold.h) into
// a sequence of characters that keep their byte offsets, then tries every
// phrase naively at every character.
//
// Texts: the OpenSubtitles sample, and its first lines perturbed (noise of
// every kind inserted between characters, runs longer than max_noise_run
// among them; characters replaced by traditional forms, full-width and
// upper-case letters). Lists: the first 1,000 and all 49,051 STPhrases (the
// latter takes the batched scan for lists with many start characters), the
// seed pack (allow entries, one-character phrases) and a list with Latin
// words and digits (boundaries). Under AddressSanitizer the texts are cut.
// The data is shipped in tests/text/data.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/text/packs.h"
#include "kefu/text/phrase_matcher.h"
#include "shared_data.h"
#include "text/fold.h"
#include "text/utf8.h"

namespace kefu {
namespace {

using text_internal::CharClass;
using text_internal::ClassOf;
using text_internal::DecodeUtf8;
using text_internal::Folder;
using text_internal::kInvalidCodePoint;
using text_internal::kNoiseChar;

using test::Lines;

#ifdef KEFU_UNDER_ASAN
constexpr size_t kCorpusLines = 3000;
constexpr size_t kPerturbedLines = 1500;
#else
constexpr size_t kCorpusLines = size_t{1} << 30;
constexpr size_t kPerturbedLines = 8000;
#endif

using Data = test::SharedData;

const Data* LoadData() { return test::LoadSharedData(kCorpusLines); }

// A deterministic generator (SplitMix64).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t s_;
};

// The text with noise inserted between characters (sometimes long runs),
// characters replaced by a traditional form that folds back to them, ASCII
// letters and digits made full-width or upper-case.
std::string Perturb(std::string_view text, uint64_t seed) {
  static const auto* simplified_to_traditional = [] {
    auto* m = new std::unordered_map<char32_t, char32_t>;
    for (const auto& [t, s] : text_internal::TraditionalToSimplifiedMap()) {
      auto it = m->find(s);
      if (it == m->end() || t < it->second) (*m)[s] = t;
    }
    return m;
  }();
  static const char* const kNoise[] = {" ", "、", "\u200b", "，", "\xF0\x9F\x98\x80", "\u3000",
                                       "—", "\xEF\xB8\x8F", "!", "\t", "·"};
  Rng rng(seed);
  std::string out;
  for (size_t p = 0; p < text.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(text, p, &cp);
    const size_t roll = rng.Below(100);
    if (roll < 12) {
      const size_t run = rng.Below(10) == 0 ? 1 + rng.Below(11) : 1;  // sometimes > 8
      for (size_t i = 0; i < run; ++i) out += kNoise[rng.Below(std::size(kNoise))];
    }
    auto t = simplified_to_traditional->find(cp);
    if (t != simplified_to_traditional->end() && rng.Below(3) == 0) {
      text_internal::AppendUtf8(t->second, &out);
    } else if (cp < 0x80 && ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) &&
               rng.Below(2) == 0) {
      text_internal::AppendUtf8(rng.Below(2) == 0 ? cp + 0xFEE0 : (cp >= 'a' ? cp - 32 : cp), &out);
    } else {
      out.append(text.substr(p, len));
    }
    p += len;
  }
  return out;
}

// The reference matcher: the documented rules, applied naively.
class Reference {
 public:
  explicit Reference(const PhraseList& list) : folder_(list.normalization) {
    const Normalization& n = list.normalization;
    max_noise_run_ = n.skip_noise ? n.max_noise_run : 0;
    boundaries_ = n.word_boundaries;
    for (size_t i = 0; i < list.entries.size(); ++i) {
      const PhraseEntry& e = list.entries[i];
      std::u32string folded;
      for (size_t p = 0; p < e.phrase.size();) {
        char32_t cp;
        p += DecodeUtf8(e.phrase, p, &cp);
        const char32_t f = folder_.Fold(cp);
        if (f != kNoiseChar) folded.push_back(f);
      }
      standalone_.push_back(e.standalone && !e.allow);
      Set& set = e.allow ? allow_ : banned_;
      set.phrases.emplace(folded, static_cast<uint32_t>(i));  // the first one wins
      for (size_t k = 1; k <= folded.size(); ++k) set.prefixes.insert(folded.substr(0, k));
      set.max_chars = std::max(set.max_chars, folded.size());
    }
  }

  std::vector<PhraseMatch> FindAll(std::string_view text) const {
    std::vector<Char> chars;
    for (size_t p = 0; p < text.size();) {
      char32_t cp;
      const size_t len = DecodeUtf8(text, p, &cp);
      chars.push_back(Char{p, p + len, folder_.Fold(cp), cp});
      p += len;
    }
    std::vector<PhraseMatch> out;
    for (size_t i = 0; i < chars.size();) {
      const Hit h = Longest(banned_, chars, i);
      if (h.entry < 0) {
        ++i;
        continue;
      }
      const size_t begin = chars[i].begin;
      const size_t end = chars[h.last].end;
      if (Covered(chars, i, end) || (standalone_[static_cast<size_t>(h.entry)] &&
                                     !StandsAlone(chars, i, h.last))) {
        ++i;
        continue;
      }
      out.push_back(PhraseMatch{begin, end, static_cast<uint32_t>(h.entry)});
      i = h.last + 1;
    }
    return out;
  }

 private:
  struct Char {
    size_t begin, end;
    char32_t folded;  // kNoiseChar for noise, kInvalidCodePoint for bad bytes
    char32_t raw;
  };

  // PhraseEntry::standalone, as documented: the characters next to the hit
  // [i, last], zero-width and format characters and copies of the hit
  // skipped, are no Han characters.
  static bool Invisible(char32_t cp) {
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x00AD;
  }
  static bool Han(char32_t f) {
    return (f >= 0x4E00 && f <= 0x9FFF) || (f >= 0x3400 && f <= 0x4DBF) ||
           (f >= 0x20000 && f <= 0x2FA1F) || (f >= 0xF900 && f <= 0xFAFF);
  }
  bool StandsAlone(const std::vector<Char>& chars, size_t i, size_t last) const {
    const size_t len = last - i + 1;
    const auto copy_at = [&](size_t k) {  // chars [k, k + len) repeat the hit
      if (k + len > chars.size()) return false;
      for (size_t j = 0; j < len; ++j) {
        if (chars[k + j].raw != chars[i + j].raw) return false;
      }
      return true;
    };
    size_t b = i;
    while (true) {
      if (b >= len && copy_at(b - len)) {
        b -= len;
      } else if (b > 0 && Invisible(chars[b - 1].raw)) {
        --b;
      } else {
        break;
      }
    }
    if (b > 0 && Han(chars[b - 1].folded)) return false;
    size_t a = last + 1;
    while (true) {
      if (copy_at(a)) {
        a += len;
      } else if (a < chars.size() && Invisible(chars[a].raw)) {
        ++a;
      } else {
        break;
      }
    }
    return !(a < chars.size() && Han(chars[a].folded));
  }
  struct Set {
    std::map<std::u32string, uint32_t> phrases;
    std::unordered_set<std::u32string> prefixes;
    size_t max_chars = 0;
  };
  struct Hit {
    int64_t entry = -1;
    size_t last = 0;  // index of the last character
  };

  static bool Letter(char32_t f) { return f != kNoiseChar && f != kInvalidCodePoint; }
  CharClass ClassAt(const std::vector<Char>& chars, size_t i) const {
    return i < chars.size() ? ClassOf(chars[i].folded) : CharClass::kOther;
  }

  // The longest phrase of `set` starting at character i.
  Hit Longest(const Set& set, const std::vector<Char>& chars, size_t i) const {
    Hit best;
    if (!Letter(chars[i].folded)) return best;
    if (boundaries_ && i > 0) {
      const CharClass c = ClassOf(chars[i].folded);
      if (c != CharClass::kOther && ClassAt(chars, i - 1) == c) return best;
    }
    std::u32string acc;
    size_t j = i;
    while (true) {
      acc.push_back(chars[j].folded);
      if (set.prefixes.count(acc) == 0) break;
      auto it = set.phrases.find(acc);
      if (it != set.phrases.end()) {
        const CharClass c = boundaries_ ? ClassOf(acc.back()) : CharClass::kOther;
        if (c == CharClass::kOther || ClassAt(chars, j + 1) != c) {
          best.entry = it->second;
          best.last = j;
        }
      }
      if (acc.size() >= set.max_chars) break;
      size_t k = j + 1;
      int run = 0;
      while (k < chars.size() && chars[k].folded == kNoiseChar) {
        ++run;
        ++k;
      }
      if (run > max_noise_run_ || k >= chars.size() || chars[k].folded == kInvalidCodePoint) break;
      j = k;
    }
    return best;
  }

  // True when an occurrence of an allow phrase (the longest from its start)
  // covers the hit from character i to byte `end`.
  bool Covered(const std::vector<Char>& chars, size_t i, size_t end) const {
    if (allow_.phrases.empty()) return false;
    const size_t reach = allow_.max_chars * 4 * (static_cast<size_t>(max_noise_run_) + 1);
    for (size_t s = i + 1; s-- > 0;) {
      if (chars[i].begin - chars[s].begin > reach) break;
      const Hit h = Longest(allow_, chars, s);
      if (h.entry >= 0 && chars[h.last].end >= end) return true;
    }
    return false;
  }

  Folder folder_;
  int max_noise_run_ = 0;
  bool boundaries_ = false;
  Set banned_, allow_;
  std::vector<bool> standalone_;  // per entry
};

PhraseList ListOf(const std::vector<std::string>& phrases, Normalization n) {
  PhraseList list;
  list.name = "stphrases";
  list.normalization = std::move(n);
  for (const auto& p : phrases) {
    PhraseEntry e;
    e.phrase = p;
    e.rule_id = "X";
    list.entries.push_back(std::move(e));
  }
  return list;
}

// Compares the matcher with the reference on the whole text and on each of
// its lines; returns the number of hits on the whole text.
size_t Compare(const PhraseList& list, const std::string& text) {
  auto m = PhraseMatcher::Compile(list);
  EXPECT_TRUE(m.ok()) << m.status();
  if (!m.ok()) return 0;
  const Reference ref(list);
  const std::vector<PhraseMatch> got = m->FindAll(text);
  const std::vector<PhraseMatch> want = ref.FindAll(text);
  const size_t n = std::min(got.size(), want.size());
  for (size_t i = 0; i < n; ++i) {
    if (got[i] != want[i]) {
      const size_t at = std::min(got[i].begin, want[i].begin);
      ADD_FAILURE() << "hit " << i << ": got [" << got[i].begin << ", " << got[i].end << ") entry "
                    << got[i].entry << ", want [" << want[i].begin << ", " << want[i].end
                    << ") entry " << want[i].entry << " (" << list.entries[want[i].entry].phrase
                    << ") near: " << text.substr(at >= 12 ? at - 12 : 0, 48);
      return got.size();
    }
  }
  EXPECT_EQ(got.size(), want.size());
  return got.size();
}

std::string PerturbedCorpus(const Data& d, uint64_t seed) {
  std::string out;
  for (const std::string& line : Lines(d.corpus, kPerturbedLines)) {
    out += Perturb(line, seed++);
    out += '\n';
  }
  return out;
}

TEST(PhraseNormalizedDifferential, First1000PhrasesOnCorpus) {
  const Data* d = LoadData();
  if (d == nullptr) GTEST_FAIL() << "no test data at " << KEFU_TEXT_TEST_DATA_DIR;
  const std::vector<std::string> phrases(d->phrases.begin(), d->phrases.begin() + 1000);
  EXPECT_GT(Compare(ListOf(phrases, Normalization{}), d->corpus), 50u);
}

TEST(PhraseNormalizedDifferential, All49051PhrasesOnCorpus) {
  const Data* d = LoadData();
  if (d == nullptr) GTEST_FAIL() << "no test data at " << KEFU_TEXT_TEST_DATA_DIR;
  EXPECT_GT(Compare(ListOf(d->phrases, Normalization{}), d->corpus), 1000u);
}

TEST(PhraseNormalizedDifferential, PerturbedCorpus) {
  const Data* d = LoadData();
  if (d == nullptr) GTEST_FAIL() << "no test data at " << KEFU_TEXT_TEST_DATA_DIR;
  const std::string text = PerturbedCorpus(*d, 1);
  const std::vector<std::string> first1000(d->phrases.begin(), d->phrases.begin() + 1000);
  EXPECT_GT(Compare(ListOf(first1000, Normalization{}), text), 20u);
  EXPECT_GT(Compare(ListOf(d->phrases, Normalization{}), text), 500u);
  // Shorter noise runs, and none at all.
  for (int run : {0, 2}) {
    Normalization n;
    n.max_noise_run = run;
    Compare(ListOf(first1000, n), text);
    Compare(ListOf(d->phrases, n), text);
  }
  // Each switch off on its own.
  for (int off = 0; off < 5; ++off) {
    Normalization n;
    if (off == 0) n.fold_width = false;
    if (off == 1) n.fold_case = false;
    if (off == 2) n.traditional_to_simplified = false;
    if (off == 3) n.skip_noise = false;
    if (off == 4) n.word_boundaries = false;
    Compare(ListOf(d->phrases, n), text);
  }
}

TEST(PhraseNormalizedDifferential, SeedPackWithAllowEntries) {
  const Data* d = LoadData();
  if (d == nullptr) GTEST_FAIL() << "no test data at " << KEFU_TEXT_TEST_DATA_DIR;
  EXPECT_GT(Compare(SeedPack(), d->corpus), 1000u);
  EXPECT_GT(Compare(SeedPack(), PerturbedCorpus(*d, 7)), 100u);
  // Allow entries in a dense list too: every STPhrase containing 恩 or 不
  // allowed, 恩 and 不 banned beside all others.
  PhraseList list = ListOf(d->phrases, Normalization{});
  for (const std::string& p : d->phrases) {
    if (p.find("恩") != std::string::npos || p.find("不") != std::string::npos) {
      PhraseEntry e;
      e.phrase = p;
      e.allow = true;
      list.entries.push_back(std::move(e));
    }
  }
  for (const char* one : {"恩", "不", "你"}) {
    PhraseEntry e;
    e.phrase = one;
    e.rule_id = "ONE";
    list.entries.push_back(std::move(e));
  }
  Compare(list, d->corpus);
  Compare(list, PerturbedCorpus(*d, 11));
}

TEST(PhraseNormalizedDifferential, LatinWordsAndDigitsOnBoundaries) {
  const Data* d = LoadData();
  if (d == nullptr) GTEST_FAIL() << "no test data at " << KEFU_TEXT_TEST_DATA_DIR;
  std::vector<std::string> phrases = {"ok", "no", "yes", "i", "a", "the", "you", "1", "2", "10",
                                      "100", "ok吗", "不ok", "3d", "tv", "dvd", "go"};
  phrases.insert(phrases.end(), d->phrases.begin(), d->phrases.begin() + 3000);
  const std::string text = PerturbedCorpus(*d, 23);
  Compare(ListOf(phrases, Normalization{}), text);
  Normalization no_boundaries;
  no_boundaries.word_boundaries = false;
  Compare(ListOf(phrases, no_boundaries), text);
}

}  // namespace
}  // namespace kefu
