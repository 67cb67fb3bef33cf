// PH-CALLBACK internals shared by callback.cc and reply_checker.cc.
#ifndef KEFU_TEXT_CALLBACK_INTERNAL_H_
#define KEFU_TEXT_CALLBACK_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/text/callback.h"
#include "kefu/text/phrase_matcher.h"

namespace kefu::text_internal {

// Folded words with 64-bit filters of their first and last characters.
struct WordSet {
  WordSet() = default;
  explicit WordSet(std::vector<std::u32string> w);
  std::vector<std::u32string> words;
  uint64_t first_bits = 0;
  uint64_t last_bits = 0;
  // (first character, word) and (last character, word), sorted: the words
  // that may start or end at a character, found by binary search.
  std::vector<std::pair<char32_t, uint32_t>> by_first, by_last;
};

// The deferral grammar of a CallbackRule, compiled: its reply verbs, check
// verbs and literal markers as one normalized phrase list (the anchors,
// which ReplyChecker scans in its one pass), and the grammar that decides
// around an anchor whether the reply puts its answer off.
class Deferrals {
 public:
  static absl::StatusOr<Deferrals> Compile(const CallbackRule& rule);

  const PhraseMatcher& anchors() const { return anchors_; }
  // The deferral around the anchor hit `h` of anchors() in `reply`, or
  // nullopt when the grammar rejects it there.
  std::optional<TextSpan> Confirm(std::string_view reply, const PhraseMatch& h) const;
  // The leftmost deferral of `reply`.
  std::optional<TextSpan> FindFirst(std::string_view reply) const;

 private:
  explicit Deferrals(PhraseMatcher anchors) : anchors_(std::move(anchors)) {}
  PhraseMatcher anchors_;
  size_t reply_verbs_ = 0;  // anchors' entries [0, reply_verbs_) are reply verbs,
  size_t check_verbs_ = 0;  // then check verbs up to check_verbs_, then markers
  WordSet later_;
};

// A definite time expression, before it is read against an instant.
struct Expr {
  enum Kind { kRelative, kClock, kPartEnd, kClosing };
  Kind kind = kRelative;
  size_t begin = 0, end = 0;  // bytes of the reply
  int minutes = 0;            // kRelative
  int business_days = 0;      // kRelative, N个工作日
  bool has_day = false;       // a day word was given
  int day_offset = 0;         // 0 today, 1 tomorrow, 2 the day after
  int part = -1;              // part of the day (index into the part words), -1 none
  int hour = 0, minute = 0;   // kClock, as written
  int end_minutes = 0;        // kPartEnd: minutes after that day's midnight
};

std::optional<Expr> FindTimeExpression(std::string_view reply);
std::optional<Timestamp> Resolve(const Expr& e, Timestamp now, const BusinessCalendar& calendar);

}  // namespace kefu::text_internal

#endif  // KEFU_TEXT_CALLBACK_INTERNAL_H_
