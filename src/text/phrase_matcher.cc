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

// A trie over folded code points, flattened for lookups.
class Trie {
 public:
  struct Node {
    uint32_t first = 0;   // index of the first child in keys_/kids_
    uint32_t count = 0;   // number of children
    int32_t entry = kNoEntry;
    CharClass cls = CharClass::kOther;  // class of the character leading here
  };

  bool empty() const { return nodes_.size() <= 1; }
  int max_depth() const { return max_depth_; }
  const Node& node(uint32_t i) const { return nodes_[i]; }

  // The child of `n` reached by `c`, or 0 when there is none.
  uint32_t Child(uint32_t n, char32_t c) const {
    if (n == 0 && c < 0x10000) {
      const uint64_t word = root_bits_[c >> 6];
      const uint64_t bit = uint64_t{1} << (c & 63);
      if ((word & bit) == 0) return 0;
      return root_dense_[root_rank_[c >> 6] +
                         static_cast<uint32_t>(__builtin_popcountll(word & (bit - 1)))];
    }
    const Node& nd = nodes_[n];
    const char32_t* k = keys_.data() + nd.first;
    if (nd.count <= 8) {
      for (uint32_t i = 0; i < nd.count; ++i) {
        if (k[i] == c) return kids_[nd.first + i];
      }
      return 0;
    }
    const char32_t* it = std::lower_bound(k, k + nd.count, c);
    if (it == k + nd.count || *it != c) return 0;
    return kids_[nd.first + static_cast<uint32_t>(it - k)];
  }

  // Builds the trie from folded phrases; phrases[i] maps to entry ids[i].
  // Returns false when a phrase is a duplicate (the first one is kept).
  void Build(const std::vector<std::pair<std::u32string, int32_t>>& phrases) {
    // Temporary pointer trie with ordered children.
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
    // Breadth-first renumbering so that siblings are contiguous.
    std::vector<uint32_t> order{0};
    std::vector<uint32_t> new_id(tmp.size(), 0);
    std::vector<char32_t> incoming(tmp.size(), 0);
    for (size_t i = 0; i < order.size(); ++i) {
      for (const auto& [c, k] : tmp[order[i]].kids) {
        new_id[k] = static_cast<uint32_t>(order.size());
        incoming[k] = c;
        order.push_back(k);
      }
    }
    nodes_.assign(order.size(), Node{});
    for (size_t i = 0; i < order.size(); ++i) {
      const TmpNode& t = tmp[order[i]];
      Node& nd = nodes_[i];
      nd.entry = t.entry;
      nd.cls = i == 0 ? CharClass::kOther : ClassOf(incoming[order[i]]);
      nd.first = static_cast<uint32_t>(keys_.size());
      nd.count = static_cast<uint32_t>(t.kids.size());
      for (const auto& [c, k] : t.kids) {
        keys_.push_back(c);
        kids_.push_back(new_id[k]);
      }
    }
    // Rank bitmap over the root's children in the BMP.
    root_bits_.assign(1024, 0);
    root_rank_.assign(1024, 0);
    const Node& root = nodes_[0];
    for (uint32_t i = 0; i < root.count; ++i) {
      const char32_t c = keys_[root.first + i];
      if (c < 0x10000) root_bits_[c >> 6] |= uint64_t{1} << (c & 63);
    }
    uint32_t total = 0;
    for (size_t w = 0; w < 1024; ++w) {
      root_rank_[w] = total;
      total += static_cast<uint32_t>(__builtin_popcountll(root_bits_[w]));
    }
    root_dense_.assign(total, 0);
    for (uint32_t i = 0; i < root.count; ++i) {
      const char32_t c = keys_[root.first + i];
      if (c >= 0x10000) continue;
      const uint64_t word = root_bits_[c >> 6];
      const uint64_t bit = uint64_t{1} << (c & 63);
      root_dense_[root_rank_[c >> 6] +
                  static_cast<uint32_t>(__builtin_popcountll(word & (bit - 1)))] =
          kids_[root.first + i];
    }
  }

 private:
  std::vector<Node> nodes_;
  std::vector<char32_t> keys_;
  std::vector<uint32_t> kids_;
  std::vector<uint64_t> root_bits_;
  std::vector<uint32_t> root_rank_;
  std::vector<uint32_t> root_dense_;
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
  bool boundaries = false;
  int max_noise_run = 0;

  explicit Impl(PhraseList l) : list(std::move(l)), folder(list.normalization) {}

  bool MayStart(char32_t cp) const {
    if (cp < 0x10000) return (start_bits[cp >> 6] >> (cp & 63)) & 1;
    if (cp == kInvalidCodePoint) return false;
    const char32_t f = folder.Fold(cp);
    return f != kNoiseChar && banned.Child(0, f) != 0;
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
      node = trie.Child(node, f);
      if (node == 0) break;
      p += len;
      const auto& nd = trie.node(node);
      if (nd.entry != kNoEntry) {
        const size_t at = static_cast<size_t>(p - base);
        if (!boundaries || nd.cls == CharClass::kOther || ClassAt(text, at) != nd.cls) {
          best.end = at;
          best.entry = nd.entry;
          best.last = cp;
        }
      }
      if (nd.count == 0) break;
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

  void FindAll(std::string_view text, std::vector<PhraseMatch>* out) const {
    if (banned.empty()) return;
    const auto* base = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    const uint64_t* bits = start_bits.data();
    size_t pos = 0;
    char32_t prev = 0;
    while (pos < n) {
      char32_t cp;
      const size_t len = DecodeUtf8(base + pos, base + n, &cp);
      const bool candidate =
          cp < 0x10000 ? ((bits[cp >> 6] >> (cp & 63)) & 1) != 0 : MayStart(cp);
      if (candidate) {
        bool start_ok = true;
        if (boundaries) {
          const CharClass c = ClassOf(folder.Fold(cp));
          start_ok = c == CharClass::kOther || ClassOf(folder.Fold(prev)) != c;
        }
        if (start_ok) {
          const WalkResult r = Walk(banned, text, pos);
          if (r.entry != kNoEntry && !Covered(text, pos, r.end)) {
            out->push_back(PhraseMatch{pos, r.end, static_cast<uint32_t>(r.entry)});
            pos = r.end;
            prev = r.last;
            continue;
          }
        }
      }
      prev = cp;
      pos += len;
    }
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
  // Start filter: raw BMP code points whose folded form begins a phrase.
  impl->start_bits.assign(1024, 0);
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    const char32_t f = impl->folder.Fold(cp);
    if (f == kNoiseChar || f == kInvalidCodePoint) continue;
    if (impl->banned.Child(0, f) != 0) impl->start_bits[cp >> 6] |= uint64_t{1} << (cp & 63);
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
