// kefu/testing/matchers.h: gMock matchers for what kefu hands back, with
// failure messages that say what was expected and what came instead.
//
//   EXPECT_THAT(shop.Apply(fourth_call), IsRefusedBy("RV-CONTACT-LIMIT"));
//   EXPECT_THAT(outcome, IsAdjustedBy("AS-POSTAGE-CAP", "reimbursed", Money::Yuan(10)));
//   EXPECT_THAT(outcome, HasAction(ActionKind::kCall, "小王"));
//   EXPECT_THAT(outcome, HasDeadlineDueAt("AS-RESOLVE", Monday(10) + Days(7)));
//   EXPECT_THAT(shop.Apply(early), StatusIs(absl::StatusCode::kFailedPrecondition));
//
// The outcome matchers take an Outcome or an absl::StatusOr<Outcome> (what
// Shop::Apply and the machines' Apply return: an error status never
// matches, and the message names it). IsAllowed, IsRefusedBy, IsAdjustedBy
// and IsScheduledBy take a single Decision too; HasAction an Action too;
// HasDeadlineDueAt a Deadline too. A failure message reads, for example:
//
//   Expected: is refused by RV-CONTACT-LIMIT
//     Actual: Outcome of R1 (contact_attempted: contacting -> contacting)
//     decision RV-CONTACT-LIMIT allowed {count=2, limit=3}: ...
//   , whose RV-CONTACT-LIMIT decision is allowed, not refused
//
// Figures compare as the text kefu::testing::FigureValueText gives
// (kefu/testing/print.h): Money as "10.00", an instant as RFC 3339 at
// UTC+08:00, a count in decimal, a term as its key. So
// IsAdjustedBy("AS-POSTAGE-CAP", "reimbursed", Money::Yuan(10)) and
// IsAdjustedBy("AS-POSTAGE-CAP", "reimbursed", "10.00") mean the same.
//
// Thread safety: matchers are immutable values.
#ifndef KEFU_TESTING_MATCHERS_H_
#define KEFU_TESTING_MATCHERS_H_

#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/testing/print.h"

namespace kefu::testing {

// A figure the matchers expect: its name and its value as text (see the file
// comment). Built from Money, an instant, an integer or text.
class ExpectedFigure {
 public:
  template <class T>
  ExpectedFigure(std::string name, const T& value) : name_(std::move(name)) {
    if constexpr (std::is_same_v<T, Money> || std::is_same_v<T, Timestamp> ||
                  std::is_same_v<T, Term> || std::is_same_v<T, TermList>) {
      text_ = FigureValueText(Figure::Value(value));
    } else if constexpr (std::is_integral_v<T>) {
      text_ = std::to_string(static_cast<int64_t>(value));
    } else {
      text_ = std::string(value);
    }
  }
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  // True when `figures` has one named name() whose text is text(); otherwise
  // false, with what it has instead in *why.
  bool MatchIn(const Figures& figures, std::string* why) const;

 private:
  std::string name_;
  std::string text_;
};

namespace matchers_internal {

// The outcome in `r`, or nullptr with the error explained.
const Outcome* OutcomeOf(const absl::StatusOr<Outcome>& r, ::testing::MatchResultListener* l);

// Matches outcomes through MatchOutcome and decisions through MatchDecision
// of `Impl`.
template <class Impl>
class OutcomeMatcher {
 public:
  explicit OutcomeMatcher(Impl impl) : impl_(std::move(impl)) {}
  bool MatchAndExplain(const Outcome& o, ::testing::MatchResultListener* l) const {
    return impl_.MatchOutcome(o, l);
  }
  bool MatchAndExplain(const absl::StatusOr<Outcome>& r, ::testing::MatchResultListener* l) const {
    const Outcome* o = OutcomeOf(r, l);
    return o != nullptr && impl_.MatchOutcome(*o, l);
  }
  template <class T>
  bool MatchAndExplain(const T& item, ::testing::MatchResultListener* l) const {
    return impl_.MatchItem(item, l);
  }
  void DescribeTo(std::ostream* os) const { *os << impl_.Describe(); }
  void DescribeNegationTo(std::ostream* os) const { *os << "not (" << impl_.Describe() << ")"; }

 private:
  Impl impl_;
};

struct VerdictImpl {
  std::optional<RuleId> rule;  // nullopt: IsAllowed() on the whole outcome
  Verdict verdict;
  std::optional<ExpectedFigure> figure;
  std::string Describe() const;
  bool MatchOutcome(const Outcome& o, ::testing::MatchResultListener* l) const;
  bool MatchItem(const Decision& d, ::testing::MatchResultListener* l) const;
};

struct ActionImpl {
  ActionKind kind;
  std::optional<std::string> assignee;
  std::string Describe() const;
  bool MatchOutcome(const Outcome& o, ::testing::MatchResultListener* l) const;
  bool MatchItem(const Action& a, ::testing::MatchResultListener* l) const;
};

struct DeadlineImpl {
  RuleId rule;
  Timestamp due;
  std::string Describe() const;
  bool MatchOutcome(const Outcome& o, ::testing::MatchResultListener* l) const;
  bool MatchItem(const Deadline& d, ::testing::MatchResultListener* l) const;
};

class StatusCodeMatcher {
 public:
  explicit StatusCodeMatcher(absl::StatusCode code) : code_(code) {}
  bool MatchAndExplain(const absl::Status& s, ::testing::MatchResultListener* l) const;
  template <class T>
  bool MatchAndExplain(const absl::StatusOr<T>& r, ::testing::MatchResultListener* l) const {
    return MatchAndExplain(r.status(), l);
  }
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  absl::StatusCode code_;
};

class StateMatcher {
 public:
  explicit StateMatcher(std::string state) : state_(std::move(state)) {}
  // Anything with state() (Order, Ticket, Review, Conversation), or a
  // pointer to it (Shop::FindOrder, ...).
  template <class Entity>
  bool MatchAndExplain(const Entity& e, ::testing::MatchResultListener* l) const {
    if constexpr (std::is_pointer_v<Entity>) {
      if (e == nullptr) {
        *l << "which is no entity (nullptr)";
        return false;
      }
      return MatchAndExplain(*e, l);
    } else {
      if (e.state() == state_) return true;
      *l << "which is in state \"" << e.state() << "\"";
      return false;
    }
  }
  void DescribeTo(std::ostream* os) const { *os << "is in state \"" << state_ << "\""; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is not in state \"" << state_ << "\""; }

 private:
  std::string state_;
};

}  // namespace matchers_internal

// The outcome was applied: no decision refused it (and it is no error). On
// a Decision: its verdict is allowed.
inline auto IsAllowed() {
  return ::testing::MakePolymorphicMatcher(matchers_internal::OutcomeMatcher(
      matchers_internal::VerdictImpl{std::nullopt, Verdict::kAllowed, std::nullopt}));
}

// A decision of `rule` allowed the event.
inline auto IsAllowedBy(RuleId rule) {
  return ::testing::MakePolymorphicMatcher(matchers_internal::OutcomeMatcher(
      matchers_internal::VerdictImpl{rule, Verdict::kAllowed, std::nullopt}));
}

// `rule` refused the event: the outcome is refused and has a decision of
// `rule` with verdict refused.
inline auto IsRefusedBy(RuleId rule) {
  return ::testing::MakePolymorphicMatcher(matchers_internal::OutcomeMatcher(
      matchers_internal::VerdictImpl{rule, Verdict::kRefused, std::nullopt}));
}

// `rule` adjusted a figure: a decision of `rule` with verdict adjusted (and,
// in the second form, a figure `name` whose value is `value`).
inline auto IsAdjustedBy(RuleId rule) {
  return ::testing::MakePolymorphicMatcher(matchers_internal::OutcomeMatcher(
      matchers_internal::VerdictImpl{rule, Verdict::kAdjusted, std::nullopt}));
}
template <class T>
auto IsAdjustedBy(RuleId rule, std::string name, const T& value) {
  return ::testing::MakePolymorphicMatcher(
      matchers_internal::OutcomeMatcher(matchers_internal::VerdictImpl{
          rule, Verdict::kAdjusted, ExpectedFigure(std::move(name), value)}));
}

// `rule` scheduled something (a decision with verdict scheduled; and, in the
// second form, a figure `name` whose value is `value`).
inline auto IsScheduledBy(RuleId rule) {
  return ::testing::MakePolymorphicMatcher(matchers_internal::OutcomeMatcher(
      matchers_internal::VerdictImpl{rule, Verdict::kScheduled, std::nullopt}));
}
template <class T>
auto IsScheduledBy(RuleId rule, std::string name, const T& value) {
  return ::testing::MakePolymorphicMatcher(
      matchers_internal::OutcomeMatcher(matchers_internal::VerdictImpl{
          rule, Verdict::kScheduled, ExpectedFigure(std::move(name), value)}));
}

// An action of `kind` (for `assignee`, when given: an agent's name or a
// role such as "finance").
inline auto HasAction(ActionKind kind) {
  return ::testing::MakePolymorphicMatcher(
      matchers_internal::OutcomeMatcher(matchers_internal::ActionImpl{kind, std::nullopt}));
}
inline auto HasAction(ActionKind kind, std::string assignee) {
  return ::testing::MakePolymorphicMatcher(
      matchers_internal::OutcomeMatcher(matchers_internal::ActionImpl{kind, std::move(assignee)}));
}

// A deadline of `rule` set (or resumed) to fall due at `due`.
inline auto HasDeadlineDueAt(RuleId rule, Timestamp due) {
  return ::testing::MakePolymorphicMatcher(
      matchers_internal::OutcomeMatcher(matchers_internal::DeadlineImpl{rule, due}));
}

// An absl::Status or absl::StatusOr<T> whose code is `code`.
inline auto StatusIs(absl::StatusCode code) {
  return ::testing::MakePolymorphicMatcher(matchers_internal::StatusCodeMatcher(code));
}

// An entity (or a pointer to one) whose state() is `state`.
inline auto IsInState(std::string state) {
  return ::testing::MakePolymorphicMatcher(matchers_internal::StateMatcher(std::move(state)));
}

}  // namespace kefu::testing

#endif  // KEFU_TESTING_MATCHERS_H_
