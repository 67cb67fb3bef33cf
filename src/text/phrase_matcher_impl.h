// src/text/phrase_matcher_impl.h: the compiled form of a phrase list
// (private; shared by phrase_matcher.cc and reply_checker.cc, which scans
// several lists in one pass). See phrase_matcher.cc for the design.
// Thread safety: immutable after Compile.
#ifndef KEFU_SRC_TEXT_PHRASE_MATCHER_IMPL_H_
#define KEFU_SRC_TEXT_PHRASE_MATCHER_IMPL_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
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

  // The depth-2 transition for the first two characters `a`, `b` (both in
  // the BMP): one probe instead of two trie steps. False when no phrase
  // starts with them.
  bool FirstTwo(char32_t a, char32_t b, Step* out) const {
    if (pair_slots_.empty()) return false;
    const uint32_t key = (static_cast<uint32_t>(a) << 16) | static_cast<uint32_t>(b);
    for (size_t i = Hash(key) & pair_mask_;; i = (i + 1) & pair_mask_) {
      const PairSlot& s = pair_slots_[i];
      if (s.child == 0) return false;
      if (s.key == key) {
        out->node = s.child & kPairChildMask;
        out->leaf = (s.child & kPairLeafBit) != 0;
        out->entry = s.entry;
        return true;
      }
    }
  }
  // False when no phrase starts with the three characters `a`, `b`, `c`
  // (a hashed bitmap: true may be a false positive).
  bool FirstThreeMayMatch(char32_t a, char32_t b, char32_t c) const {
    const uint32_t h = TripleHash(a, b, c) >> triple_shift_;
    return (triple_bits_[h >> 6] >> (h & 63)) & 1;
  }
  bool has_first_two() const { return !pair_slots_.empty(); }
  // Asks the cache for the slot FirstTwo(a, b) will probe first.
  void PrefetchFirstTwo(char32_t a, char32_t b) const {
    const uint32_t key = (static_cast<uint32_t>(a) << 16) | static_cast<uint32_t>(b);
    __builtin_prefetch(pair_slots_.data() + (Hash(key) & pair_mask_));
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
    BuildFirstTwo(tmp);
  }

 private:
  // Fills the depth-2 table (pairs of BMP characters) and the bitmap of the
  // first three characters.
  template <typename TmpNodes>
  void BuildFirstTwo(const TmpNodes& tmp) {
    size_t pairs = 0, triples = 0;
    for (const auto& [a, k1] : tmp[0].kids) {
      for (const auto& [b, k2] : tmp[k1].kids) {
        if (a < 0x10000 && b < 0x10000) ++pairs;
        triples += tmp[k2].kids.size();
      }
    }
    uint32_t bits_log2 = 12;
    while (bits_log2 < 24 && (size_t{1} << bits_log2) < triples * 16) ++bits_log2;
    triple_shift_ = 32 - bits_log2;
    triple_bits_.assign((size_t{1} << bits_log2) / 64, 0);
    if (pairs == 0) return;
    size_t cap = 16;
    while (cap < pairs + pairs / 4 + 1) cap *= 2;
    pair_mask_ = cap - 1;
    pair_slots_.assign(cap, PairSlot{});
    for (const auto& [a, k1] : tmp[0].kids) {
      for (const auto& [b, k2] : tmp[k1].kids) {
        for (const auto& kv : tmp[k2].kids) {
          const uint32_t h = TripleHash(a, b, kv.first) >> triple_shift_;
          triple_bits_[h >> 6] |= uint64_t{1} << (h & 63);
        }
        if (a >= 0x10000 || b >= 0x10000) continue;
        const uint32_t key = (static_cast<uint32_t>(a) << 16) | static_cast<uint32_t>(b);
        const uint32_t v = k2 | (tmp[k2].kids.empty() ? kPairLeafBit : 0);
        size_t i = Hash(key) & pair_mask_;
        while (pair_slots_[i].child != 0) i = (i + 1) & pair_mask_;
        pair_slots_[i] = PairSlot{key, v, tmp[k2].entry};
      }
    }
  }

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
  static uint32_t TripleHash(char32_t a, char32_t b, char32_t c) {
    return (static_cast<uint32_t>(a) * 0x9E3779B1u) ^ (static_cast<uint32_t>(b) * 0x85EBCA6Bu) ^
           (static_cast<uint32_t>(c) * 0xC2B2AE35u) ^ (static_cast<uint32_t>(c) >> 9);
  }
  // A depth-2 transition: key (a << 16 | b); child node and leaf bit (0 for
  // an empty slot: the child is never the root); the child's entry. Twelve
  // bytes, so that a probe touches one cache line.
  struct PairSlot {
    uint32_t key = 0;
    uint32_t child = 0;
    int32_t entry = kNoEntry;
  };
  static constexpr uint32_t kPairChildMask = (uint32_t{1} << 20) - 1;
  static constexpr uint32_t kPairLeafBit = uint32_t{1} << 30;
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
  std::vector<PairSlot> pair_slots_;
  size_t pair_mask_ = 0;
  std::vector<uint64_t> triple_bits_;
  uint32_t triple_shift_ = 32;
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
    // Fastest path: 16 bytes of ASCII and three-byte sequences (Chinese text
    // with ASCII spaces and punctuation), classified with SSE2; only the
    // characters that may start a hit by their lead byte are decoded and
    // tested, in order.
    const bool ascii_may_start = (bits[0] | bits[1]) != 0;
    while (pos + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + pos));
      const unsigned ascii = ~static_cast<unsigned>(_mm_movemask_epi8(v)) & 0xFFFFu;
      const auto cont = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xC0))),
                         _mm_set1_epi8(static_cast<char>(0x80)))));
      const auto lead3 = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xF0))),
                         _mm_set1_epi8(static_cast<char>(0xE0)))));
      // Every byte is ASCII, a three-byte lead or one of its two continuation
      // bytes (those of a lead at 14 or 15 lie partly beyond the block).
      if ((ascii | lead3 | cont) != 0xFFFFu || cont != (((lead3 << 1) | (lead3 << 2)) & 0xFFFFu)) {
        break;
      }
      // Characters whose lead is at 14 or 15 are left for the next step.
      const unsigned tail = lead3 & 0xC000u;
      const unsigned advance = tail != 0 ? static_cast<unsigned>(__builtin_ctz(tail)) : 16;
      const unsigned taken = (1u << advance) - 1;
      const auto special = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xE0))),
                       _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xED))))));
      if ((special & lead3 & taken) != 0) break;  // may be overlong or a surrogate
      for (unsigned starts = (ascii_may_start ? (ascii | lead3) : lead3) & taken; starts != 0;
           starts &= starts - 1) {
        const auto i = static_cast<unsigned>(__builtin_ctz(starts));
        const unsigned char* q = base + pos + i;
        const char32_t c = q[0] < 0x80 ? q[0]
                                       : ((q[0] & 0x0Fu) << 12) | ((q[1] & 0x3Fu) << 6) | (q[2] & 0x3Fu);
        if ((bits[c >> 6] >> (c & 63)) & 1) return pos + i;
      }
      pos += advance;
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

// The candidates of up to 64 bytes at once, for scans that visit every
// candidate whatever the hits (the reply checker's one pass over all its
// lists): the bytes from `pos` (a character boundary), when they are ASCII
// and well-formed three-byte sequences (no E0 or ED lead, which may be
// overlong or a surrogate), are classified with SSE2, every character that
// may start a hit by its lead byte is tested against `bits` (raw BMP code
// points) without branching on the answer, and the answer is a bit mask:
// bit i set when the character at pos + i is a candidate. Returns the number
// of bytes covered (a character boundary: a character whose bytes would
// cross the 64 is left for the next call), or 0 when the bytes are anything
// else (the caller then takes a slower path for them). Never reads outside
// the text: the last bytes of a text of at least 64 bytes are one
// overlapping load, a shorter text is copied into a padded buffer.
inline size_t CandidateMask64(std::string_view text, size_t pos, const uint64_t* bits,
                              uint64_t* mask) {
#if defined(__SSE2__)
  const auto* base = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const size_t left = n - pos;  // REQUIRES: pos < n
  const unsigned char* src;
  unsigned shift = 0;  // bytes of the 64 loaded that lie before pos
  alignas(16) unsigned char buf[64];
  if (left >= 64) {
    src = base + pos;
  } else if (n >= 64) {
    src = base + n - 64;
    shift = static_cast<unsigned>(64 - left);
  } else {
    std::memset(buf, 0, sizeof buf);
    std::memcpy(buf, base + pos, left);
    src = buf;
  }
  uint64_t ascii = 0, lead3 = 0, cont = 0, special = 0;
  for (unsigned b = 0; b < 4; ++b) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16 * b));
    const unsigned sh = 16 * b;
    ascii |= static_cast<uint64_t>(~static_cast<unsigned>(_mm_movemask_epi8(v)) & 0xFFFFu) << sh;
    cont |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(
                _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xC0))),
                               _mm_set1_epi8(static_cast<char>(0x80))))))
            << sh;
    lead3 |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(
                 _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xF0))),
                                _mm_set1_epi8(static_cast<char>(0xE0))))))
             << sh;
    special |= static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(
                   _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xE0))),
                                _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xED)))))))
               << sh;
  }
  ascii >>= shift;
  lead3 >>= shift;
  cont >>= shift;
  special >>= shift;
  const unsigned len = left >= 64 ? 64u : static_cast<unsigned>(left);
  const uint64_t valid = len == 64 ? ~uint64_t{0} : (uint64_t{1} << len) - 1;
  // Three-byte characters whose lead is one of the last two bytes: left for
  // the next call when the text goes on, ill-formed when it ends there.
  const uint64_t tail = lead3 & valid & ~(valid >> 2);
  if (tail != 0 && left <= 64) return 0;
  const unsigned covered = tail != 0 ? static_cast<unsigned>(__builtin_ctzll(tail)) : len;
  const uint64_t taken = covered == 64 ? ~uint64_t{0} : (uint64_t{1} << covered) - 1;
  if (((ascii | lead3 | cont) & valid) != valid) return 0;
  if ((cont & valid) != (((lead3 << 1) | (lead3 << 2)) & valid)) return 0;
  if ((special & lead3 & taken) != 0) return 0;
  const bool ascii_may_start = (bits[0] | bits[1]) != 0;
  const unsigned char* q0 = base + pos;
  uint64_t m = 0;
  for (uint64_t starts = (ascii_may_start ? (ascii | lead3) : lead3) & taken; starts != 0;
       starts &= starts - 1) {
    const auto i = static_cast<unsigned>(__builtin_ctzll(starts));
    const unsigned char* q = q0 + i;
    const char32_t c = q[0] < 0x80 ? q[0]
                                   : ((q[0] & 0x0Fu) << 12) | ((q[1] & 0x3Fu) << 6) | (q[2] & 0x3Fu);
    m |= ((bits[c >> 6] >> (c & 63)) & 1) << i;
  }
  *mask = m;
  return covered;
#else
  (void)text;
  (void)pos;
  (void)bits;
  *mask = 0;
  return 0;
#endif
}

// Decodes the character at `q` (REQUIRES: q < n) like DecodeUtf8, with ASCII
// and three-byte sequences decoded inline and without a branch between them.
inline size_t DecodeFast(const unsigned char* base, size_t q, size_t n, char32_t* cp) {
  if (q + 3 <= n) {
    const unsigned b0 = base[q], b1 = base[q + 1], b2 = base[q + 2];
    const bool ascii = b0 < 0x80;
    const bool three = ((b0 & 0xF0) == 0xE0) & (b0 != 0xE0) & (b0 != 0xED) &
                       ((b1 & 0xC0) == 0x80) & ((b2 & 0xC0) == 0x80);
    if (ascii | three) {
      *cp = ascii ? b0 : (((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu));
      return ascii ? 1 : 3;
    }
  }
  return DecodeUtf8(base + q, base + n, cp);
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
  // NextPairCandidate returns to the skip loop after this many characters
  // in a row that start no phrase: at once for lists with few start
  // characters (the skip loop is faster there), later for lists with many.
  int rolling_misses = 1;
  // FindAll gathers candidates in batches (FindAllBatched): for lists with
  // many start characters, whose tries do not fit in the caches.
  bool batched = false;
  // Per entry: PhraseEntry::standalone (empty when no entry is).
  std::vector<uint8_t> standalone;

  static bool IsHan(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2FA1F) || (cp >= 0xF900 && cp <= 0xFAFF);
  }
  // Looked through when testing a standalone entry's neighbours.
  static bool IsInvisible(char32_t cp) {
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x00AD;
  }
  // The folded character before `pos` and its start, invisible ones and
  // copies of [hb, he) (the hit itself) skipped; 0 at the text's start.
  char32_t StandaloneBefore(std::string_view text, size_t pos, size_t hb, size_t he) const {
    const std::string_view self = text.substr(hb, he - hb);
    int guard = 0;
    while (pos > 0 && ++guard < 64) {
      if (pos >= self.size() && text.substr(pos - self.size(), self.size()) == self) {
        pos -= self.size();
        continue;
      }
      const size_t p = text_internal::PreviousCodePointStart(text, pos);
      char32_t cp;
      DecodeUtf8(text, p, &cp);
      if (!IsInvisible(cp)) return cp;
      pos = p;
    }
    return 0;
  }
  char32_t StandaloneAfter(std::string_view text, size_t pos, size_t hb, size_t he) const {
    const std::string_view self = text.substr(hb, he - hb);
    int guard = 0;
    while (pos < text.size() && ++guard < 64) {
      if (text.substr(pos, self.size()) == self) {
        pos += self.size();
        continue;
      }
      char32_t cp;
      const size_t len = DecodeUtf8(text, pos, &cp);
      if (!IsInvisible(cp)) return cp;
      pos += len;
    }
    return 0;
  }
  // False when a hit [begin, end) of a standalone entry is glued to a Han
  // character (see PhraseEntry::standalone).
  bool StandsAlone(std::string_view text, size_t begin, size_t end) const {
    return !IsHan(folder.Fold(StandaloneBefore(text, begin, begin, end))) &&
           !IsHan(folder.Fold(StandaloneAfter(text, end, begin, end)));
  }

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
    return WalkFrom(trie, text, pos, 0, WalkResult{});
  }

  // Walk from `pos` when its first character (`cp`, raw, of `len` bytes;
  // `f` folded) has been decoded: the root step without decoding again.
  WalkResult WalkFirst(const Trie& trie, std::string_view text, size_t pos, size_t len,
                       char32_t cp, char32_t f) const {
    WalkResult best;
    if (f == kNoiseChar || f == kInvalidCodePoint) return best;
    Trie::Step st;
    if (!trie.Next(0, f, &st)) return best;
    const size_t at = pos + len;
    if (st.entry != kNoEntry) {
      const CharClass cls = boundaries ? ClassOf(f) : CharClass::kOther;
      if (cls == CharClass::kOther || ClassAt(text, at) != cls) {
        best.end = at;
        best.entry = st.entry;
        best.last = cp;
      }
    }
    if (st.leaf) return best;
    return WalkFrom(trie, text, at, st.node, best);
  }

  // Walk's loop resumed at byte `pos` in trie node `node` (whose characters
  // ended just before `pos`), with `best` found so far.
  WalkResult WalkFrom(const Trie& trie, std::string_view text, size_t pos, uint32_t node,
                      WalkResult best) const {
    const auto* base = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = base + text.size();
    const auto* p = base + pos;
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
  // `first` is the hit's first character, folded.
  bool Covered(std::string_view text, size_t begin, size_t end, char32_t first) const {
    if (allow.empty()) return false;
    // Cheap exit: a hit whose first character occurs in no allow phrase
    // cannot lie inside an allow occurrence.
    if (first < 0x10000 && ((allow_chars[first >> 6] >> (first & 63)) & 1) == 0) return false;
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

  // The first position at or after `pos` where a hit may start according to
  // the start filter and the first-two-characters filter, or text.size().
  // Where start characters are sparse, NextCandidate skips ahead; where they
  // are dense, characters are decoded once each and every one is tested with
  // the character after it, without branching on the filters' answers.
  size_t NextPairCandidate(std::string_view text, size_t pos) const {
    const auto* base = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    const uint64_t* starts = start_bits.data();
    const uint64_t* singles = single_bits.data();
    const uint64_t* pairs = pair_bits.data();
    while (true) {
      pos = NextCandidate(text, pos);
      if (pos >= n) return n;
      char32_t c;
      size_t len = text_internal::DecodeFast(base, pos, n, &c);
      char32_t f = folder.Fold(c);
      int misses = 0;
      while (true) {
        const size_t q = pos + len;
        char32_t c2 = kInvalidCodePoint, f2 = kInvalidCodePoint;
        size_t len2 = 1;
        if (q < n) {
          len2 = text_internal::DecodeFast(base, q, n, &c2);
          f2 = folder.Fold(c2);
        }
        const uint64_t start =
            c < 0x10000 ? (starts[c >> 6] >> (c & 63)) & 1 : static_cast<uint64_t>(MayStart(c));
        const uint64_t big = f >= 0x10000;  // noise (no start) or folded beyond the BMP
        const uint32_t fb = f & 0xFFFF;
        const uint64_t single = (singles[fb >> 6] >> (fb & 63)) & 1;
        const uint64_t noise2 = f2 == kNoiseChar;
        const uint32_t h = PairHash(f, f2) >> pair_shift;
        const uint64_t pair = (pairs[h >> 6] >> (h & 63)) & 1;
        if (start & (big | single | noise2 | pair)) return pos;
        if (q >= n) return n;
        misses = start != 0 ? 0 : misses + 1;
        pos = q;
        if (misses >= rolling_misses) break;  // sparse again: back to the skip loop
        c = c2;
        f = f2;
        len = len2;
      }
    }
  }

  bool StartBit(char32_t cp) const {
    return cp < 0x10000 ? ((start_bits[cp >> 6] >> (cp & 63)) & 1) != 0 : MayStart(cp);
  }

  enum class Fast { kNoHit, kDone, kSlow };
  // The common start of a walk from `pos` (first character `f1`, folded, of
  // `len1` bytes) when the first characters are adjacent, not noise and in
  // the BMP: the depth-2 table gives the first two steps at once, and the
  // bitmap of first three characters usually ends the walk there. kNoHit:
  // no phrase starts at `pos`; kDone: `*r` is the longest phrase; kSlow:
  // the general walk must decide.
  Fast FirstSteps(std::string_view text, size_t pos, size_t len1, char32_t f1,
                  WalkResult* r) const {
    if (!banned.has_first_two() || f1 >= 0x10000 || ((single_bits[f1 >> 6] >> (f1 & 63)) & 1)) {
      return Fast::kSlow;
    }
    size_t p2 = pos + len1;
    char32_t c2, f2;
    size_t len2;
    int noise = 0;
    while (true) {
      if (p2 >= text.size()) return Fast::kNoHit;
      len2 = DecodeUtf8(text, p2, &c2);
      f2 = folder.Fold(c2);
      if (f2 != kNoiseChar) break;
      if (++noise > max_noise_run) return Fast::kNoHit;
      p2 += len2;
    }
    if (f2 >= 0x10000) return f2 == kInvalidCodePoint ? Fast::kNoHit : Fast::kSlow;
    if (!PairMayMatch(f1, f2)) return Fast::kNoHit;
    return FirstStepsFrom(text, f1, p2 + len2, c2, f2, r);
  }
  // FirstSteps from the depth-2 probe on: `f1`, `f2` (the folded first and
  // second characters, both in the BMP, not noise; the second raw `c2`)
  // have been read, and the third character starts at `p3`.
  Fast FirstStepsFrom(std::string_view text, char32_t f1, size_t p3, char32_t c2, char32_t f2,
                      WalkResult* r) const {
    Trie::Step st;
    if (!banned.FirstTwo(f1, f2, &st)) return Fast::kNoHit;
    int noise = 0;
    WalkResult best;
    if (st.entry != kNoEntry) {
      const CharClass cls = boundaries ? ClassOf(f2) : CharClass::kOther;
      if (cls == CharClass::kOther || ClassAt(text, p3) != cls) {
        best.end = p3;
        best.entry = st.entry;
        best.last = c2;
      }
    }
    if (!st.leaf) {
      // The third character (after at most max_noise_run noise characters).
      for (size_t p = p3; p < text.size();) {
        char32_t c3;
        const size_t len3 = DecodeUtf8(text, p, &c3);
        const char32_t f3 = folder.Fold(c3);
        if (f3 == kNoiseChar) {
          if (++noise > max_noise_run) break;
          p += len3;
          continue;
        }
        if (f3 != kInvalidCodePoint && banned.FirstThreeMayMatch(f1, f2, f3)) {
          *r = WalkFrom(banned, text, p3, st.node, best);
          return Fast::kDone;
        }
        break;
      }
    }
    *r = best;
    return Fast::kDone;
  }

  // Handles a candidate start at `pos`: appends a hit and returns the
  // position after it, or returns the position of the next character.
  size_t TryAt(std::string_view text, size_t pos, std::vector<PhraseMatch>* out) const {
    PhraseMatch hit;
    const size_t next = TryAt(text, pos, &hit);
    if (hit.end != 0) out->push_back(hit);
    return next;
  }
  // Same, storing the hit in `*hit` (hit->end stays 0 when there is none).
  // (FindAll's path; the reply checker's one-pass scan has decoded the
  // character already and takes TryAtDecoded. The two are kept apart so
  // that FindAll's batched loop, which inlines this, stays as it was.)
  size_t TryAt(std::string_view text, size_t pos, PhraseMatch* hit) const {
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
    WalkResult r;
    switch (FirstSteps(text, pos, len, f, &r)) {
      case Fast::kNoHit:
        return pos + len;
      case Fast::kDone:
        break;
      case Fast::kSlow:
        if (!SecondCharMayMatch(text, pos + len, f)) return pos + len;
        r = Walk(banned, text, pos);
        break;
    }
    return Accept(text, pos, len, f, r, hit);
  }
  // TryAt when the character at `pos` (`cp`, raw, `len` bytes, as DecodeUtf8
  // gives it) has been decoded already: it is neither decoded nor folded
  // again on the way (the reply checker's one-pass scan).
  size_t TryAtDecoded(std::string_view text, size_t pos, char32_t cp, size_t len,
                      PhraseMatch* hit) const {
    const char32_t f = folder.Fold(cp);
    if (boundaries) {
      const CharClass c = ClassOf(f);
      if (c != CharClass::kOther && pos > 0 &&
          ClassAt(text, text_internal::PreviousCodePointStart(text, pos)) == c) {
        return pos + len;
      }
    }
    WalkResult r;
    switch (FirstSteps(text, pos, len, f, &r)) {
      case Fast::kNoHit:
        return pos + len;
      case Fast::kDone:
        break;
      case Fast::kSlow:
        if (!SecondCharMayMatch(text, pos + len, f)) return pos + len;
        r = WalkFirst(banned, text, pos, len, cp, f);
        break;
    }
    return Accept(text, pos, len, f, r, hit);
  }
  // The end of TryAt: `r` is the longest phrase from `pos` (first character
  // of `len` bytes, `f` folded).
  size_t Accept(std::string_view text, size_t pos, size_t len, char32_t f, const WalkResult& r,
                PhraseMatch* hit) const {
    if (r.entry == kNoEntry || Covered(text, pos, r.end, f)) return pos + len;
    if (!standalone.empty() && standalone[static_cast<size_t>(r.entry)] != 0 &&
        !StandsAlone(text, pos, r.end)) {
      return pos + len;
    }
    *hit = PhraseMatch{pos, r.end, static_cast<uint32_t>(r.entry)};
    return r.end;
  }

  // A candidate as GatherCandidates leaves it: its position, its first
  // character (folded) and the second character of a phrase from there
  // (the next one after any noise; raw and folded).
  struct Candidate {
    size_t pos;
    size_t p3;  // the position after the second character
    char32_t f1;
    char32_t c2;
    char32_t f2;
    uint32_t len1;  // bytes of the first character
    // True when f1 and f2 (the second character after any noise, as
    // FirstSteps reads it) go to the depth-2 table: both in the BMP, not
    // noise, f1 not a phrase of its own; the pair filter has passed them.
    bool pair;
  };
  // TryAt for a gathered candidate: the common case (an adjacent pair, no
  // word boundary to test) goes straight to the depth-2 table, without
  // decoding again; everything else takes TryAt.
  size_t TryCandidate(std::string_view text, const Candidate& c,
                      std::vector<PhraseMatch>* out) const {
    if (!c.pair || (boundaries && ClassOf(c.f1) != CharClass::kOther)) {
      return TryAt(text, c.pos, out);
    }
    WalkResult r;
    if (FirstStepsFrom(text, c.f1, c.p3, c.c2, c.f2, &r) == Fast::kNoHit) {
      return c.pos + c.len1;
    }
    PhraseMatch hit;
    const size_t next = Accept(text, c.pos, c.len1, c.f1, r, &hit);
    if (hit.end != 0) out->push_back(hit);
    return next;
  }

  void FindAll(std::string_view text, std::vector<PhraseMatch>* out) const {
    if (banned.empty()) return;
    if (batched) {
      FindAllBatched(text, out);
    } else {
      FindAllOneByOne(text, out);
    }
  }

  // The scan one candidate at a time: find the next candidate, try it,
  // resume after the hit or the candidate.
  void FindAllOneByOne(std::string_view text, std::vector<PhraseMatch>* out) const {
    if (banned.empty()) return;
    size_t pos = NextPairCandidate(text, 0);
    while (pos < text.size()) pos = NextPairCandidate(text, TryAt(text, pos, out));
  }

  // Up to this many candidates are gathered before they are tried.
  static constexpr size_t kBatch = 16;

  // The same hits as FindAllOneByOne, for lists with many start characters:
  // candidates (every character boundary that passes the start and
  // first-two-characters filters) are gathered a batch at a time, asking the
  // cache for their depth-2 table slots as they are found, and then tried in
  // order, skipping those inside a hit. The slots' cache misses overlap
  // instead of stalling one try after the other. Gathering past a hit is
  // harmless: every hit ends on a boundary of the same decoding.
  void FindAllBatched(std::string_view text, std::vector<PhraseMatch>* out) const {
    if (banned.empty()) return;
    const size_t n = text.size();
    Candidate cand[kBatch];
    size_t pos = 0;     // next character boundary to gather from
    size_t resume = 0;  // the scan's position: candidates before it are inside a hit
    while (pos < n) {
      size_t count = 0;
      pos = GatherCandidates(text, pos, cand, &count);
      for (size_t i = 0; i < count; ++i) {
        if (cand[i].pos >= resume) resume = TryCandidate(text, cand[i], out);
      }
      pos = std::max(pos, resume);
    }
  }

  // Gathers into `cand` (at most kBatch) the candidates at or after `pos`,
  // in order, and returns the boundary after the last character examined
  // (text.size() at the end). The filters of NextPairCandidate, except that
  // a start character followed by noise is not a candidate by that alone:
  // the noise is skipped (as FirstSteps does) and the pair filter tests the
  // character after it. A candidate may still have no hit; a position that
  // is not one has none.
  size_t GatherCandidates(std::string_view text, size_t pos, Candidate* cand, size_t* count) const {
    // REQUIRES: pos < text.size().
    const auto* base = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    const uint64_t* starts = start_bits.data();
    const uint64_t* singles = single_bits.data();
    const uint64_t* pairs = pair_bits.data();
    const bool two = banned.has_first_two();
    size_t k = 0;
    while (k < kBatch) {
      pos = NextCandidate(text, pos);
      if (pos >= n) break;
      char32_t c;
      size_t len = text_internal::DecodeFast(base, pos, n, &c);
      char32_t f = folder.Fold(c);
      int misses = 0;
      while (true) {
        const size_t q = pos + len;
        char32_t c2 = kInvalidCodePoint, f2 = kInvalidCodePoint;
        size_t len2 = 1;
        if (q < n) {
          len2 = text_internal::DecodeFast(base, q, n, &c2);
          f2 = folder.Fold(c2);
        }
        const uint64_t start =
            c < 0x10000 ? (starts[c >> 6] >> (c & 63)) & 1 : static_cast<uint64_t>(MayStart(c));
        const uint64_t big = f >= 0x10000;  // noise (no start) or folded beyond the BMP
        const uint32_t fb = f & 0xFFFF;
        const uint64_t single = (singles[fb >> 6] >> (fb & 63)) & 1;
        // The second character of a phrase from here: the next one, or the
        // first after the noise that follows (at most max_noise_run of it),
        // as FirstSteps reads it. p3 is the position after it.
        char32_t s2 = c2, g2 = f2;
        size_t p3 = q + len2;
        uint64_t later_pair = 0;  // a second character after noise, not in the BMP
        if (f2 == kNoiseChar && (start & (big | single)) == 0) {
          g2 = kInvalidCodePoint;
          size_t p = q + len2;
          for (int run = 1; run <= max_noise_run && p < n; ++run) {
            char32_t cn;
            const size_t ln = text_internal::DecodeFast(base, p, n, &cn);
            const char32_t fn = folder.Fold(cn);
            p += ln;
            if (fn != kNoiseChar) {
              s2 = cn;
              g2 = fn;
              p3 = p;
              break;
            }
          }
          later_pair = g2 >= 0x10000 && g2 != kInvalidCodePoint;
        }
        const uint32_t h = PairHash(f, g2) >> pair_shift;
        const uint64_t pair = (pairs[h >> 6] >> (h & 63)) & 1;
        // Without branching on the filters' answers (they are a coin toss
        // in dense text): the candidate is always written and counted only
        // when it passes; the prefetch of its depth-2 slot (the common case
        // of FirstSteps: both characters in the BMP) goes to a fixed
        // address otherwise.
        const uint64_t pass = start & (big | single | later_pair | pair);
        const uint64_t two_bmp = two & ((big | single) == 0) & (g2 < 0x10000);
        cand[k] = Candidate{pos, p3, f, s2, g2, static_cast<uint32_t>(len), two_bmp != 0};
        k += pass;
        const uint32_t keep = 0u - static_cast<uint32_t>(pass & two_bmp);
        banned.PrefetchFirstTwo(f & keep, g2 & keep);
        if (q >= n) {
          *count = k;
          return n;
        }
        misses = start != 0 ? 0 : misses + 1;
        pos = q;
        if (k == kBatch) break;
        if (misses >= rolling_misses) break;  // sparse again: back to the skip loop
        c = c2;
        f = f2;
        len = len2;
      }
    }
    *count = k;
    return pos;
  }
};

}  // namespace kefu

#endif  // KEFU_SRC_TEXT_PHRASE_MATCHER_IMPL_H_
