// src/text/phrase_matcher_impl.h: the compiled form of a phrase list
// (private; shared by phrase_matcher.cc and reply_checker.cc, which scans
// several lists in one pass). See phrase_matcher.cc for the design.
// Thread safety: immutable after Compile.
#ifndef KEFU_SRC_TEXT_PHRASE_MATCHER_IMPL_H_
#define KEFU_SRC_TEXT_PHRASE_MATCHER_IMPL_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kefu/text/phrase_matcher.h"
#include "text/fold.h"
#include "text/utf8.h"

namespace kefu {
namespace text_internal {
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
      const uint64_t s = slots_[i];
      if ((s & kKeyMask) == key) {
        out->node = static_cast<uint32_t>((s >> 42) & kChildMask);
        out->leaf = ((s >> 62) & 1) != 0;
        out->entry = (s >> 63) != 0 ? entries_[out->node] : kNoEntry;
        return true;
      }
      if (s == 0) return false;
    }
  }

  // The number of trie nodes a list may compile to.
  static constexpr size_t kMaxNodes = size_t{1} << 20;
  size_t nodes() const { return entries_.size(); }

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
    const size_t edges = tmp.size() - 1;
    entries_.assign(tmp.size(), kNoEntry);
    for (size_t n = 0; n < tmp.size(); ++n) entries_[n] = tmp[n].entry;
    if (tmp.size() > kMaxNodes) return;  // Compile refuses such a list
    size_t cap = 16;
    while (cap < edges + edges / 4 + 1) cap *= 2;
    mask_ = cap - 1;
    slots_.assign(cap, 0);
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
        while (slots_[i] != 0) i = (i + 1) & mask_;
        slots_[i] = key | (static_cast<uint64_t>(k) << 42) |
                    (tmp[k].kids.empty() ? uint64_t{1} << 62 : 0) |
                    (entry != kNoEntry ? uint64_t{1} << 63 : 0);
      }
    }
  }

 private:
  // A slot packs character (bits 0-20), node (21-41), child (42-61), leaf
  // (62) and "child ends a phrase" (63); 0 is empty (node 0's BMP children
  // are in the page table, so key 0 never occurs).
  static constexpr uint64_t kKeyMask = (uint64_t{1} << 42) - 1;
  static constexpr uint64_t kChildMask = (uint64_t{1} << 20) - 1;
  static constexpr uint32_t kLeafBit = 0x80000000u;
  static uint64_t Key(uint32_t n, char32_t c) { return (static_cast<uint64_t>(n) << 21) | c; }
  static size_t Hash(uint64_t key) {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 32);
  }
  static void Unpack(uint32_t child, int32_t entry, Step* out) {
    out->node = child & ~kLeafBit;
    out->leaf = (child & kLeafBit) != 0;
    out->entry = entry;
  }

  std::vector<uint64_t> slots_;
  std::vector<int32_t> entries_;  // per node
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

// The first position at or after `pos` whose character may start a hit
// according to `bits` (raw BMP code points) and `may_start` (other code
// points), or text.size(). This is the hot loop: it decodes three-byte
// sequences inline (four at a time with SSE2) and leaves the rest to
// DecodeUtf8.
template <typename MayStartFn>
size_t NextCandidate(std::string_view text, size_t pos, const uint64_t* bits,
                     const MayStartFn& may_start) {
  const auto* base = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  while (pos < n) {
#if defined(__SSE2__)
    // Fastest path: four three-byte characters at a time (typical Chinese
    // text), checked with one 16-byte load, decoded and tested together.
    while (pos + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + pos));
      const int cont = _mm_movemask_epi8(
          _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xC0))),
                         _mm_set1_epi8(static_cast<char>(0x80))));
      const int lead_e = _mm_movemask_epi8(
          _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xF0))),
                         _mm_set1_epi8(static_cast<char>(0xE0))));
      const int special = _mm_movemask_epi8(
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xE0))),
                       _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xED)))));
      if ((cont & 0xFFF) != 0xDB6 || (lead_e & 0x249) != 0x249 || (special & 0x249) != 0) break;
      const unsigned char* q = base + pos;
      const char32_t c0 = ((q[0] & 0x0Fu) << 12) | ((q[1] & 0x3Fu) << 6) | (q[2] & 0x3Fu);
      const char32_t c1 = ((q[3] & 0x0Fu) << 12) | ((q[4] & 0x3Fu) << 6) | (q[5] & 0x3Fu);
      const char32_t c2 = ((q[6] & 0x0Fu) << 12) | ((q[7] & 0x3Fu) << 6) | (q[8] & 0x3Fu);
      const char32_t c3 = ((q[9] & 0x0Fu) << 12) | ((q[10] & 0x3Fu) << 6) | (q[11] & 0x3Fu);
      const uint64_t hit = ((bits[c0 >> 6] >> (c0 & 63)) | (bits[c1 >> 6] >> (c1 & 63)) |
                            (bits[c2 >> 6] >> (c2 & 63)) | (bits[c3 >> 6] >> (c3 & 63))) & 1;
      if (hit) {
        if ((bits[c0 >> 6] >> (c0 & 63)) & 1) return pos;
        if ((bits[c1 >> 6] >> (c1 & 63)) & 1) return pos + 3;
        if ((bits[c2 >> 6] >> (c2 & 63)) & 1) return pos + 6;
        return pos + 9;
      }
      pos += 12;
    }
#endif
    // Fast path, branch-free between ASCII and three-byte sequences (the
    // mix of Chinese text with spaces and ASCII punctuation).
    while (pos + 3 <= n) {
      const unsigned b0 = base[pos], b1 = base[pos + 1], b2 = base[pos + 2];
      const bool ascii = b0 < 0x80;
      const bool three = ((b0 & 0xF0) == 0xE0) & (b0 != 0xE0) & (b0 != 0xED) &
                         ((b1 & 0xC0) == 0x80) & ((b2 & 0xC0) == 0x80);
      if (!(ascii | three)) break;
      const char32_t c3 = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
      const char32_t c = ascii ? b0 : c3;
      if ((bits[c >> 6] >> (c & 63)) & 1) return pos;
      pos += ascii ? 1 : 3;
    }
    if (pos >= n) break;
    char32_t cp;
    const size_t len = DecodeUtf8(base + pos, base + n, &cp);
    if (cp < 0x10000 ? ((bits[cp >> 6] >> (cp & 63)) & 1) != 0 : may_start(cp)) return pos;
    pos += len;
  }
  return n;
}


}  // namespace text_internal

struct PhraseMatcher::Impl {
  using Trie = text_internal::Trie;
  using WalkResult = text_internal::WalkResult;
  using CharClass = text_internal::CharClass;
  using Folder = text_internal::Folder;
  static constexpr int32_t kNoEntry = text_internal::kNoEntry;
  static constexpr char32_t kNoiseChar = text_internal::kNoiseChar;
  static constexpr char32_t kInvalidCodePoint = text_internal::kInvalidCodePoint;
  static size_t DecodeUtf8(std::string_view s, size_t pos, char32_t* cp) {
    return text_internal::DecodeUtf8(s, pos, cp);
  }
  static size_t DecodeUtf8(const unsigned char* p, const unsigned char* end, char32_t* cp) {
    return text_internal::DecodeUtf8(p, end, cp);
  }
  static CharClass ClassOf(char32_t c) { return text_internal::ClassOf(c); }

  PhraseList list;
  Folder folder;
  Trie banned;
  Trie allow;
  std::vector<uint64_t> start_bits;  // raw BMP code points that may start a hit
  // Second-character filter: folded first characters that are whole phrases
  // (single_bits, BMP), and a hashed bitmap of the folded first two
  // characters of every longer phrase.
  std::vector<uint64_t> single_bits;
  // Folded BMP characters that occur in some allow phrase.
  std::vector<uint64_t> allow_chars;
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
    {
      // Cheap exit: a hit whose first character occurs in no allow phrase
      // cannot lie inside an allow occurrence.
      char32_t cp;
      DecodeUtf8(text, begin, &cp);
      const char32_t f = folder.Fold(cp);
      if (f < 0x10000 && ((allow_chars[f >> 6] >> (f & 63)) & 1) == 0) return false;
    }
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
    return text_internal::NextCandidate(text, pos, start_bits.data(),
                                        [this](char32_t cp) { return MayStart(cp); });
  }

  bool StartBit(char32_t cp) const {
    return cp < 0x10000 ? ((start_bits[cp >> 6] >> (cp & 63)) & 1) != 0 : MayStart(cp);
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

}  // namespace kefu

#endif  // KEFU_SRC_TEXT_PHRASE_MATCHER_IMPL_H_
