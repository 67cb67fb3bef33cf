// kefu/text/phrase_matcher.h: phrase lists as data, and the compiled matcher
// that finds their phrases in agents' replies (rules PH-NEGATION,
// PH-INTERJECTION, PH-IGNORANCE, PH-ADDRESS and any list a shop adds).
//
// A PhraseList is plain data: phrases with their rule ID, severity,
// suggested replacement and tags, plus "allow" entries that cancel any hit
// they cover, plus the list's own normalization settings. PhraseMatcher::
// Compile turns a list into an immutable matcher. Matching is leftmost-
// longest and non-overlapping over normalized text; reported offsets are
// byte offsets into the caller's text, whatever normalization ran.
//
// Invalid UTF-8: each byte of an ill-formed sequence is treated as one
// character that equals no phrase character and is not noise, so it breaks a
// phrase it falls into; it never causes a read outside the text. Phrases
// themselves must be valid UTF-8 (Compile refuses others).
//
// Thread safety: PhraseList and friends are plain values. A PhraseMatcher is
// immutable after Compile: every const method may be called from any number of
// threads at once, and copies share the compiled tables (copying is cheap).
#ifndef KEFU_TEXT_PHRASE_MATCHER_H_
#define KEFU_TEXT_PHRASE_MATCHER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"

namespace kefu {

class ReplyChecker;

enum class Severity : uint8_t { kInfo = 0, kWarning = 1, kError = 2 };
// "info", "warning", "error".
KEFU_EXPORT std::string_view SeverityName(Severity s);

// How a list's phrases and the text are normalized before comparison. The
// same folding is applied to the phrases at Compile time and to the text at
// match time. Every step can be turned off; Exact() turns all of them off.
struct Normalization {
  // Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space fold to
  // their ASCII counterparts: "ＯＫ" matches "OK".
  bool fold_width = true;
  // ASCII letters compare case-insensitively.
  bool fold_case = true;
  // Traditional characters fold to simplified ones using the OpenCC
  // character table shipped with kefu (data/opencc-TSCharacters.txt), so
  // "不會" matches "不会". Folding is lossy (臺, 颱 and 檯 all fold to 台):
  // characters listed in `keep_traditional` (UTF-8) are left as they are.
  bool traditional_to_simplified = true;
  std::string keep_traditional;
  // Noise characters (white space, punctuation and symbols, zero-width
  // characters, variation selectors, emoji) are skipped between the
  // characters of a phrase: "不 行", "不、行" and "不\u200b行" match "不行".
  // At most `max_noise_run` noise characters in a row are skipped. A match
  // never starts or ends on noise. Noise inside a phrase is dropped.
  bool skip_noise = true;
  int max_noise_run = 8;
  // A phrase that begins (ends) with an ASCII letter matches only when the
  // character before (after) it in the text is not a letter; likewise for
  // digits: "star" is not found in "stars", "110" not in "51103".
  bool word_boundaries = true;

  // No normalization at all: phrases match byte-exact substrings that start
  // and end on character boundaries.
  static Normalization Exact() {
    Normalization n;
    n.fold_width = n.fold_case = n.traditional_to_simplified = false;
    n.skip_noise = n.word_boundaries = false;
    return n;
  }
};

// One entry of a phrase list.
struct PhraseEntry {
  std::string phrase;      // UTF-8, not empty after normalization
  std::string rule_id;     // the rule a hit violates, e.g. "PH-NEGATION"
  Severity severity = Severity::kError;
  std::string suggestion;  // what the agent should write instead
  std::vector<std::string> tags;
  // An allow entry is never reported: it cancels every hit of this list whose
  // span lies within one of its own occurrences (感恩 cancels the 恩 in it).
  bool allow = false;
  // A standalone entry is a word of its own: a hit counts only when the
  // characters next to it are no Han characters (CJK ideographs), so that
  // it is not a character of another word or a place name: 恩 in "恩，好的"
  // or "恩 好的", not in 恩施 or 恩情. Zero-width and format characters
  // beside it are looked through (恩\u200b施 is 恩施); spaces, punctuation,
  // letters, digits and emoji end it. Repeats of the same phrase count as one
  // word ("恩恩，收到" is two hits).
  bool standalone = false;
};

struct PhraseList {
  std::string name;               // e.g. "seed", "advertising-law"
  std::vector<std::string> tags;  // e.g. {"default"}
  Normalization normalization;
  std::vector<PhraseEntry> entries;
};

// One hit: bytes [begin, end) of the caller's text, and the index of the
// entry in the compiled list.
struct PhraseMatch {
  size_t begin = 0;
  size_t end = 0;
  uint32_t entry = 0;
  friend bool operator==(const PhraseMatch& a, const PhraseMatch& b) {
    return a.begin == b.begin && a.end == b.end && a.entry == b.entry;
  }
  friend bool operator!=(const PhraseMatch& a, const PhraseMatch& b) { return !(a == b); }
};

class KEFU_EXPORT PhraseMatcher {
 public:
  // Compiles `list`. kInvalidArgument when a phrase is not valid UTF-8, is
  // empty after normalization, a non-allow entry has no rule ID, or
  // max_noise_run is negative, or the list needs more than 2^20 trie nodes
  // (about 400,000 typical phrases). When two non-allow entries normalize to
  // the same phrase, the first one wins.
  static absl::StatusOr<PhraseMatcher> Compile(PhraseList list);

  PhraseMatcher(const PhraseMatcher&);
  PhraseMatcher& operator=(const PhraseMatcher&);
  PhraseMatcher(PhraseMatcher&&) noexcept;
  PhraseMatcher& operator=(PhraseMatcher&&) noexcept;
  ~PhraseMatcher();

  const PhraseList& list() const;
  // REQUIRES: i < list().entries.size().
  const PhraseEntry& entry(uint32_t i) const;

  // Appends to `out` the hits in `text`, in order: at each position the
  // longest phrase that matches there is taken (leftmost-longest), the scan
  // resumes after it, and hits covered by an allow entry are dropped (the
  // scan then resumes one character after the dropped hit's start).
  void FindAll(std::string_view text, std::vector<PhraseMatch>* out) const;
  std::vector<PhraseMatch> FindAll(std::string_view text) const;

  // The list's normalization applied to `text` (UTF-8 out, noise kept),
  // for tests and diagnostics.
  std::string Normalize(std::string_view text) const;

  struct Impl;

 private:
  friend class ReplyChecker;  // scans several lists in one pass
  explicit PhraseMatcher(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace kefu

#endif  // KEFU_TEXT_PHRASE_MATCHER_H_
