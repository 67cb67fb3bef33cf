// The compiled phrase matcher; see kefu/text/phrase_matcher.h.
//
// Each list compiles to a trie over folded code points (children sorted, the
// root indexed by a rank bitmap) and a start filter: a bitmap over the raw
// code points of the Basic Multilingual Plane that fold to a phrase's first
// character. The scan decodes the text once, tests each character against
// the filter and walks the trie only from candidate starts, folding and
// skipping noise as it goes. Allow entries live in a second trie that is
// consulted only around a hit.
#include "kefu/text/phrase_matcher.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "text/fold.h"
#include "text/utf8.h"

namespace kefu {

using text_internal::CharClass;
using text_internal::ClassOf;
using text_internal::DecodeUtf8;
using text_internal::Folder;
using text_internal::kInvalidCodePoint;
using text_internal::kNoiseChar;

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

namespace {

constexpr int32_t kNoEntry = -1;

// A trie over folded code points. Transitions live in one open-addressing
// hash table keyed by (node, character), so that a step of a walk costs one
// probe; the root's children in the BMP are in a two-level table instead.
// Each transition carries the child's entry and whether it is a leaf, so a
// walk never touches per-node records.
class Trie {
 public:
  struct Step {
    uint32_t node = 0;
    int32_t entry = kNoEntry;
    bool leaf = false;
  };

  bool empty() const { return root_edges_.empty(); }
  int max_depth() const { return max_depth_; }
  // (first character, its node's entry) of every phrase.
  const std::vector<std::pair<char32_t, int32_t>>& root_edges() const { return root_edges_; }
  // (first, second character) of every phrase longer than one character.
  const std::vector<std::pair<char32_t, char32_t>>& first_pairs() const { return first_pairs_; }

  // The transition from `n` by `c`; false when there is none.
  bool Next(uint32_t n, char32_t c, Step* out) const {
    if (n == 0 && c < 0x10000) {
      const uint64_t v = root_pages_[root_dir_[c >> 8] + (c & 0xFF)];
      if (v == 0) return false;
      Unpack(static_cast<uint32_t>(v), static_cast<int32_t>(static_cast<uint32_t>(v >> 32)), out);
      return true;
    }
    if (slots_.empty()) return false;
    const uint64_t key = Key(n, c);
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) {
        Unpack(s.child, s.entry, out);
        return true;
      }
      if (s.key == kEmptyKey) return false;
    }
  }

  void Build(const std::vector<std::pair<std::u32string, int32_t>>& phrases) {
    struct TmpNode {
      std::map<char32_t, uint32_t> kids;
      int32_t entry = kNoEntry;
    };
    std::vector<TmpNode> tmp(1);
    for (const auto& [chars, id] : phrases) {
      uint32_t n = 0;
      for (char32_t c : chars) {
        auto it = tmp[n].kids.find(c);
        if (it == tmp[n].kids.end()) {
          const auto next = static_cast<uint32_t>(tmp.size());
          tmp[n].kids.emplace(c, next);
          tmp.emplace_back();
          n = next;
        } else {
          n = it->second;
        }
      }
      if (tmp[n].entry == kNoEntry) tmp[n].entry = id;
      max_depth_ = std::max(max_depth_, static_cast<int>(chars.size()));
    }
    size_t edges = tmp.size() - 1;
    size_t cap = 16;
    while (cap < edges * 2) cap *= 2;
    mask_ = cap - 1;
    slots_.assign(cap, Slot{});
    root_dir_.assign(256, 0);
    root_pages_.assign(256, 0);
    for (uint32_t n = 0; n < tmp.size(); ++n) {
      for (const auto& [c, k] : tmp[n].kids) {
        const uint32_t packed = k | (tmp[k].kids.empty() ? kLeafBit : 0);
        const int32_t entry = tmp[k].entry;
        if (n == 0) {
          root_edges_.emplace_back(c, entry);
          for (const auto& kv : tmp[k].kids) first_pairs_.emplace_back(c, kv.first);
        }
        if (n == 0 && c < 0x10000) {
          if (root_dir_[c >> 8] == 0) {
            root_dir_[c >> 8] = static_cast<uint32_t>(root_pages_.size());
            root_pages_.resize(root_pages_.size() + 256, 0);
          }
          root_pages_[root_dir_[c >> 8] + (c & 0xFF)] =
              packed | (static_cast<uint64_t>(static_cast<uint32_t>(entry)) << 32);
          continue;
        }
        const uint64_t key = Key(n, c);
        size_t i = Hash(key) & mask_;
        while (slots_[i].key != kEmptyKey) i = (i + 1) & mask_;
        slots_[i] = Slot{key, packed, entry};
      }
    }
  }

 private:
  static constexpr uint64_t kEmptyKey = ~uint64_t{0};
  static constexpr uint32_t kLeafBit = 0x80000000u;
  struct Slot {
    uint64_t key = kEmptyKey;
    uint32_t child = 0;
    int32_t entry = kNoEntry;
  };
  static uint64_t Key(uint32_t n, char32_t c) { return (static_cast<uint64_t>(n) << 21) | c; }
  static size_t Hash(uint64_t key) {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 32);
  }
  static void Unpack(uint32_t child, int32_t entry, Step* out) {
    out->node = child & ~kLeafBit;
    out->leaf = (child & kLeafBit) != 0;
    out->entry = entry;
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<uint32_t> root_dir_;    // page index per 256 code points
  std::vector<uint64_t> root_pages_;  // child | leaf bit | entry << 32; page 0 empty
  std::vector<std::pair<char32_t, int32_t>> root_edges_;
  std::vector<std::pair<char32_t, char32_t>> first_pairs_;
  int max_depth_ = 0;
};

// The longest phrase found from a start: its end and entry, and the raw code
// point of its last character.
struct WalkResult {
  size_t end = 0;
  int32_t entry = kNoEntry;
  char32_t last = 0;
};

}  // namespace

struct PhraseMatcher::Impl {
  PhraseList list;
  Folder folder;
  Trie banned;
  Trie allow;
  std::vector<uint64_t> start_bits;  // raw BMP code points that may start a hit
  // Second-character filter: folded first characters that are whole phrases
  // (single_bits, BMP), and a hashed bitmap of the folded first two
  // characters of every longer phrase.
  std::vector<uint64_t> single_bits;
  std::vector<uint64_t> pair_bits;
  uint32_t pair_shift = 32;

  static uint32_t PairHash(char32_t a, char32_t b) {
    return (static_cast<uint32_t>(a) * 0x9E3779B1u) ^ (static_cast<uint32_t>(b) * 0x85EBCA6Bu) ^
           (static_cast<uint32_t>(b) >> 7);
  }
  bool PairMayMatch(char32_t a, char32_t b) const {
    const uint32_t h = PairHash(a, b) >> pair_shift;
    return (pair_bits[h >> 6] >> (h & 63)) & 1;
  }
  // False when no phrase can start at `pos` (first character `f1`, folded)
  // given the character after it; true when a walk is needed.
  bool SecondCharMayMatch(std::string_view text, size_t next, char32_t f1) const {
    if (f1 >= 0x10000 || ((single_bits[f1 >> 6] >> (f1 & 63)) & 1)) return true;
    if (next >= text.size()) return false;
    char32_t c2;
    DecodeUtf8(text, next, &c2);
    const char32_t f2 = folder.Fold(c2);
    if (f2 == kNoiseChar) return true;
    if (f2 == kInvalidCodePoint) return false;
    return PairMayMatch(f1, f2);
  }
  bool boundaries = false;
  int max_noise_run = 0;

  explicit Impl(PhraseList l) : list(std::move(l)), folder(list.normalization) {}

  bool MayStart(char32_t cp) const {
    if (cp < 0x10000) return (start_bits[cp >> 6] >> (cp & 63)) & 1;
    if (cp == kInvalidCodePoint) return false;
    const char32_t f = folder.Fold(cp);
    Trie::Step st;
    return f != kNoiseChar && banned.Next(0, f, &st);
  }

  CharClass ClassAt(std::string_view text, size_t pos) const {
    if (pos >= text.size()) return CharClass::kOther;
    char32_t cp;
    DecodeUtf8(text, pos, &cp);
    return ClassOf(folder.Fold(cp));
  }

  // The longest phrase of `trie` starting at `pos` (whose first character is
  // not noise), honouring noise skipping and word boundaries.
  WalkResult Walk(const Trie& trie, std::string_view text, size_t pos) const {
    WalkResult best;
    const auto* base = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = base + text.size();
    const auto* p = base + pos;
    uint32_t node = 0;
    int noise_run = 0;
    while (p < end) {
      char32_t cp;
      const size_t len = DecodeUtf8(p, end, &cp);
      const char32_t f = folder.Fold(cp);
      if (f == kNoiseChar) {
        if (node == 0 || ++noise_run > max_noise_run) break;
        p += len;
        continue;
      }
      noise_run = 0;
      if (f == kInvalidCodePoint) break;
      Trie::Step st;
      if (!trie.Next(node, f, &st)) break;
      node = st.node;
      p += len;
      if (st.entry != kNoEntry) {
        const size_t at = static_cast<size_t>(p - base);
        const CharClass cls = boundaries ? ClassOf(f) : CharClass::kOther;
        if (cls == CharClass::kOther || ClassAt(text, at) != cls) {
          best.end = at;
          best.entry = st.entry;
          best.last = cp;
        }
      }
      if (st.leaf) break;
    }
    return best;
  }

  // True when an occurrence of an allow entry covers [begin, end).
  bool Covered(std::string_view text, size_t begin, size_t end) const {
    if (allow.empty()) return false;
    size_t s = begin;
    int steps_back = 0;
    int noise_run = 0;
    while (true) {
      char32_t cp;
      DecodeUtf8(text, s, &cp);
      const char32_t f = folder.Fold(cp);
      if (f != kNoiseChar && f != kInvalidCodePoint) {
        bool start_ok = true;
        if (boundaries) {
          const CharClass c = ClassOf(f);
          if (c != CharClass::kOther && s > 0) {
            start_ok = ClassAt(text, text_internal::PreviousCodePointStart(text, s)) != c;
          }
        }
        if (start_ok) {
          const WalkResult r = Walk(allow, text, s);
          if (r.entry != kNoEntry && r.end >= end) return true;
        }
      }
      if (s == 0) return false;
      if (f == kNoiseChar) {
        if (++noise_run > max_noise_run) return false;
      } else {
        noise_run = 0;
        if (++steps_back >= allow.max_depth()) return false;
      }
      s = text_internal::PreviousCodePointStart(text, s);
    }
  }

  // The first position at or after `pos` whose character may start a hit
  // (by the start filter), or text.size(). This is the hot loop: it decodes
  // three-byte sequences inline and leaves everything else to DecodeUtf8.
  size_t NextCandidate(std::string_view text, size_t pos) const {
    const auto* base = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    const uint64_t* bits = start_bits.data();
    while (pos < n) {
      const unsigned char b0 = base[pos];
      if (b0 < 0x80) {
        if ((bits[b0 >> 6] >> (b0 & 63)) & 1) return pos;
        ++pos;
        continue;
      }
      if ((b0 & 0xF0) == 0xE0 && b0 != 0xE0 && b0 != 0xED && pos + 2 < n &&
          (base[pos + 1] & 0xC0) == 0x80 && (base[pos + 2] & 0xC0) == 0x80) {
        const char32_t c = (static_cast<char32_t>(b0 & 0x0F) << 12) |
                           (static_cast<char32_t>(base[pos + 1] & 0x3F) << 6) |
                           (base[pos + 2] & 0x3F);
        if ((bits[c >> 6] >> (c & 63)) & 1) return pos;
        pos += 3;
        continue;
      }
      char32_t cp;
      const size_t len = DecodeUtf8(base + pos, base + n, &cp);
      if (cp < 0x10000 ? ((bits[cp >> 6] >> (cp & 63)) & 1) != 0 : MayStart(cp)) return pos;
      pos += len;
    }
    return n;
  }

  // Handles a candidate start at `pos`: appends a hit and returns the
  // position after it, or returns the position of the next character.
  size_t TryAt(std::string_view text, size_t pos, std::vector<PhraseMatch>* out) const {
    char32_t cp;
    const size_t len = DecodeUtf8(text, pos, &cp);
    const char32_t f = folder.Fold(cp);
    if (boundaries) {
      const CharClass c = ClassOf(f);
      if (c != CharClass::kOther && pos > 0 &&
          ClassAt(text, text_internal::PreviousCodePointStart(text, pos)) == c) {
        return pos + len;
      }
    }
    if (!SecondCharMayMatch(text, pos + len, f)) return pos + len;
    const WalkResult r = Walk(banned, text, pos);
    if (r.entry == kNoEntry || Covered(text, pos, r.end)) return pos + len;
    out->push_back(PhraseMatch{pos, r.end, static_cast<uint32_t>(r.entry)});
    return r.end;
  }

  void FindAll(std::string_view text, std::vector<PhraseMatch>* out) const {
    if (banned.empty()) return;
    size_t pos = NextCandidate(text, 0);
    while (pos < text.size()) pos = NextCandidate(text, TryAt(text, pos, out));
  }
};

absl::StatusOr<PhraseMatcher> PhraseMatcher::Compile(PhraseList list) {
  if (list.normalization.max_noise_run < 0) {
    return absl::InvalidArgumentError("phrase list: max_noise_run must not be negative");
  }
  if (list.entries.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return absl::InvalidArgumentError("phrase list: too many entries");
  }
  auto impl = std::make_shared<Impl>(std::move(list));
  impl->boundaries = impl->list.normalization.word_boundaries;
  impl->max_noise_run = impl->list.normalization.skip_noise ? impl->list.normalization.max_noise_run : 0;
  std::vector<std::pair<std::u32string, int32_t>> banned, allow;
  const auto& entries = impl->list.entries;
  for (size_t i = 0; i < entries.size(); ++i) {
    const PhraseEntry& e = entries[i];
    if (!text_internal::IsValidUtf8(e.phrase)) {
      return absl::InvalidArgumentError(
          absl::StrCat("phrase list \"", impl->list.name, "\": entry ", i, " is not valid UTF-8"));
    }
    if (!e.allow && e.rule_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("phrase list \"", impl->list.name,
                                                     "\": entry ", i, " (", e.phrase,
                                                     ") has no rule id"));
    }
    std::u32string folded;
    for (size_t p = 0; p < e.phrase.size();) {
      char32_t cp;
      p += DecodeUtf8(e.phrase, p, &cp);
      const char32_t f = impl->folder.Fold(cp);
      if (f != kNoiseChar) folded.push_back(f);
    }
    if (folded.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("phrase list \"", impl->list.name,
                                                     "\": entry ", i, " (", e.phrase,
                                                     ") is empty after normalization"));
    }
    (e.allow ? allow : banned).emplace_back(std::move(folded), static_cast<int32_t>(i));
  }
  impl->banned.Build(banned);
  impl->allow.Build(allow);
  // Second-character filter.
  {
    Impl& m = *impl;
    m.single_bits.assign(1024, 0);
    for (const auto& [c, entry] : m.banned.root_edges()) {
      if (entry != kNoEntry && c < 0x10000) m.single_bits[c >> 6] |= uint64_t{1} << (c & 63);
    }
    const size_t pairs = m.banned.first_pairs().size();
    uint32_t bits_log2 = 12;
    while (bits_log2 < 22 && (size_t{1} << bits_log2) < pairs * 16) ++bits_log2;
    m.pair_shift = 32 - bits_log2;
    m.pair_bits.assign((size_t{1} << bits_log2) / 64, 0);
    for (const auto& [a, b] : m.banned.first_pairs()) {
      const uint32_t h = Impl::PairHash(a, b) >> m.pair_shift;
      m.pair_bits[h >> 6] |= uint64_t{1} << (h & 63);
    }
  }
  // Start filter: raw BMP code points whose folded form begins a phrase.
  impl->start_bits.assign(1024, 0);
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    const char32_t f = impl->folder.Fold(cp);
    if (f == kNoiseChar || f == kInvalidCodePoint) continue;
    Trie::Step st;
    if (impl->banned.Next(0, f, &st)) impl->start_bits[cp >> 6] |= uint64_t{1} << (cp & 63);
  }
  return PhraseMatcher(std::move(impl));
}

PhraseMatcher::PhraseMatcher(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
PhraseMatcher::PhraseMatcher(const PhraseMatcher&) = default;
PhraseMatcher& PhraseMatcher::operator=(const PhraseMatcher&) = default;
PhraseMatcher::PhraseMatcher(PhraseMatcher&&) noexcept = default;
PhraseMatcher& PhraseMatcher::operator=(PhraseMatcher&&) noexcept = default;
PhraseMatcher::~PhraseMatcher() = default;

const PhraseList& PhraseMatcher::list() const { return impl_->list; }
const PhraseEntry& PhraseMatcher::entry(uint32_t i) const { return impl_->list.entries[i]; }

void PhraseMatcher::FindAll(std::string_view text, std::vector<PhraseMatch>* out) const {
  impl_->FindAll(text, out);
}

std::vector<PhraseMatch> PhraseMatcher::FindAll(std::string_view text) const {
  std::vector<PhraseMatch> out;
  impl_->FindAll(text, &out);
  return out;
}

std::string PhraseMatcher::Normalize(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  for (size_t p = 0; p < text.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(text, p, &cp);
    const char32_t f = impl_->folder.Fold(cp);
    if (f == kNoiseChar || f == kInvalidCodePoint) {
      out.append(text.substr(p, len));
    } else {
      text_internal::AppendUtf8(f, &out);
    }
    p += len;
  }
  return out;
}

}  // namespace kefu
