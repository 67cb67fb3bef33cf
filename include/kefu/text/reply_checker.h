// kefu/text/reply_checker.h: checks an agent's reply against every PH rule
// that can be judged from the text: the phrase lists (PH-NEGATION,
// PH-INTERJECTION, PH-IGNORANCE, PH-ADDRESS, PH-ADLAW and a shop's own),
// PH-APOLOGY (a refusal must open with 非常抱歉), PH-PRIVACY (personal data
// in the reply) and PH-CALLBACK (a reply that puts its answer off must give
// a definite time, kefu/text/callback.h). PH-MEETING is in
// kefu/text/meeting.h.
//
// A ReplyChecker is built once from its options (phrase lists are compiled
// then) and is immutable: Check may be called from any number of threads at
// once. To change the rules while serving, build a new checker and publish it
// through a ReplyCheckerSlot; readers keep the checker they loaded until they
// drop it.
//
// Offsets in a Finding are byte offsets into the text passed to Check. Invalid
// UTF-8 is never read past its end; ill-formed bytes match nothing (see
// kefu/text/phrase_matcher.h) and a finding's `text` is the caller's bytes.
#ifndef KEFU_TEXT_REPLY_CHECKER_H_
#define KEFU_TEXT_REPLY_CHECKER_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/text/callback.h"
#include "kefu/text/phrase_matcher.h"
#include "kefu/text/privacy.h"

namespace kefu {

struct Finding {
  std::string rule_id;  // "PH-NEGATION", "PH-APOLOGY", ...
  Severity severity = Severity::kError;
  size_t begin = 0;  // bytes [begin, end) of the checked text
  size_t end = 0;
  // The matched original text; for PH-PRIVACY the masked form instead.
  std::string text;
  std::string suggestion;
  std::string list;  // the phrase list that produced it; empty for other rules
  friend bool operator==(const Finding& a, const Finding& b) {
    return a.rule_id == b.rule_id && a.severity == b.severity && a.begin == b.begin &&
           a.end == b.end && a.text == b.text && a.suggestion == b.suggestion &&
           a.list == b.list;
  }
};

// PH-APOLOGY: a reply containing a refusal marker must have 非常抱歉 at the
// start of its first sentence (after an optional greeting and punctuation).
// The finding spans the first refusal marker.
struct ApologyRule {
  bool enabled = true;
  Severity severity = Severity::kError;
  std::string apology = "非常抱歉";
  std::vector<std::string> refusal_markers = {"无法", "不能", "不行", "不可以", "没办法",
                                              "没有办法", "做不到", "办不到", "不支持",
                                              "恕不", "到不了"};
  std::vector<std::string> greetings = {"您好", "你好", "亲爱的", "亲", "在的", "在呢",
                                        "哈喽", "嗨", "早上好", "下午好", "晚上好"};
  // Characters that end a sentence.
  std::string sentence_ends = "。！？!?；;\n…";
};

// PH-PRIVACY.
struct PrivacyRule {
  bool enabled = true;
  Severity severity = Severity::kError;
  PersonalDataOptions kinds;
};

struct ReplyCheckerOptions {
  // Phrase lists, each with its own normalization; default: the seed pack.
  std::vector<PhraseList> lists;
  bool use_default_lists = true;  // when `lists` is empty, use SeedPack()
  ApologyRule apology;
  PrivacyRule privacy;
  // PH-CALLBACK: a deferral (the rule's grammar) without a definite time in
  // the same reply is a finding spanning the deferral. The Shop also reads
  // this rule to track
  // promised times and to schedule call backs (kefu/engine/shop.h).
  CallbackRule callback;
};

class KEFU_EXPORT ReplyChecker {
 public:
  // Compiles the lists. kInvalidArgument as PhraseMatcher::Compile, when
  // the apology rule is enabled with an empty apology or marker list, or as
  // CallbackRule::Validate.
  static absl::StatusOr<ReplyChecker> Create(ReplyCheckerOptions options);
  // The seed pack, PH-APOLOGY and PH-PRIVACY with their defaults.
  static absl::StatusOr<ReplyChecker> Default();

  ReplyChecker(const ReplyChecker&);
  ReplyChecker& operator=(const ReplyChecker&);
  ReplyChecker(ReplyChecker&&) noexcept;
  ReplyChecker& operator=(ReplyChecker&&) noexcept;
  ~ReplyChecker();

  // The findings for `reply`, ordered by begin offset, then end, then rule.
  // Each rule of a phrase list is judged on its own (the list is scanned as
  // one list per rule, with all its allow entries; rules whose phrases
  // cannot overlap share one), so findings of
  // different rules may overlap: 我不知道 gives PH-IGNORANCE and, for its
  // 不, PH-NEGATION.
  std::vector<Finding> Check(std::string_view reply) const;
  // Same, appending to `out` (reuse it across calls to avoid allocation).
  void Check(std::string_view reply, std::vector<Finding>* out) const;

  // PH-CALLBACK: the leftmost deferral of `reply` (see FindDeferral in
  // kefu/text/callback.h), with the grammar compiled once; nullopt when
  // there is none or the rule is off.
  std::optional<TextSpan> FindDeferral(std::string_view reply) const;

  const ReplyCheckerOptions& options() const;
  // The phrase lists as given (not split by rule).
  const std::vector<PhraseMatcher>& matchers() const;

  struct Impl;

 private:
  explicit ReplyChecker(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// Holds the checker currently in service. Load() returns a snapshot that
// stays valid after a later Store(); both may be called from any threads.
class KEFU_EXPORT ReplyCheckerSlot {
 public:
  explicit ReplyCheckerSlot(std::shared_ptr<const ReplyChecker> initial = nullptr);
  std::shared_ptr<const ReplyChecker> Load() const;
  void Store(std::shared_ptr<const ReplyChecker> next);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ReplyChecker> current_;
};

}  // namespace kefu

#endif  // KEFU_TEXT_REPLY_CHECKER_H_
