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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "text/fold.h"
#include "text/phrase_matcher_impl.h"
#include "text/utf8.h"

namespace kefu {

using text_internal::CharClass;
using text_internal::ClassOf;
using text_internal::DecodeUtf8;
using text_internal::Folder;
using text_internal::kInvalidCodePoint;
using text_internal::kNoiseChar;
using text_internal::kNoEntry;
using text_internal::Trie;

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

// A list whose phrases start with at least this many distinct code points
// makes most characters of Chinese text start characters (all 49,051
// STPhrases start with 3,557 characters, about 60% of the corpus; their
// first 1,000 with 998, about 3%).
constexpr size_t kDenseStartChars = 2000;

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
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].standalone && !entries[i].allow) {
      impl->standalone.assign(entries.size(), 0);
      break;
    }
  }
  if (!impl->standalone.empty()) {
    for (size_t i = 0; i < entries.size(); ++i) {
      impl->standalone[i] = entries[i].standalone && !entries[i].allow ? 1 : 0;
    }
  }
  if (impl->banned.nodes() > Trie::kMaxNodes || impl->allow.nodes() > Trie::kMaxNodes) {
    return absl::InvalidArgumentError(absl::StrCat("phrase list \"", impl->list.name,
                                                   "\" is too large (more than 2^20 trie nodes)"));
  }
  impl->allow_chars.assign(1024, 0);
  for (const auto& a : allow) {
    for (char32_t c : a.first) {
      if (c < 0x10000) impl->allow_chars[c >> 6] |= uint64_t{1} << (c & 63);
    }
  }
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
  size_t start_chars = 0;
  for (uint64_t w : impl->start_bits) {
    for (; w != 0; w &= w - 1) ++start_chars;
  }
  impl->rolling_misses = start_chars >= kDenseStartChars ? 3 : 1;
  impl->batched = start_chars >= kDenseStartChars;
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
