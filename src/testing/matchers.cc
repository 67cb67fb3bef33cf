#include "kefu/testing/matchers.h"

#include <string>
#include <vector>

#include "testing/text_util.h"

namespace kefu::testing {

using internal::Append;
using internal::Cat;
using internal::Join;

bool ExpectedFigure::MatchIn(const Figures& figures, std::string* why) const {
  const Figure* f = FindFigure(figures, name_);
  if (f == nullptr) {
    *why = figures.empty() ? Cat("has no figure ", name_, " (it has none)")
                           : Cat("has no figure ", name_, " (it has ", FiguresText(figures), ")");
    return false;
  }
  const std::string actual = FigureValueText(f->value);
  if (actual == text_) return true;
  *why = Cat("has ", name_, "=", actual, ", not ", text_);
  return false;
}

namespace matchers_internal {

const Outcome* OutcomeOf(const absl::StatusOr<Outcome>& r, ::testing::MatchResultListener* l) {
  if (r.ok()) return &*r;
  *l << "which is an error, not an outcome: " << r.status();
  return nullptr;
}

namespace {

std::string RuleList(const Outcome& o) {
  if (o.decisions.empty()) return "none";
  return Join(o.decisions, ", ",
              [](const Decision& d) { return Cat(d.rule, " ", VerdictName(d.verdict)); });
}

}  // namespace

std::string VerdictImpl::Describe() const {
  if (!rule.has_value()) return "is allowed (no rule refused it)";
  std::string out = Cat("is ", VerdictName(verdict), " by ", *rule);
  if (figure.has_value()) Append(&out, " with ", figure->name(), "=", figure->text());
  return out;
}

bool VerdictImpl::MatchOutcome(const Outcome& o, ::testing::MatchResultListener* l) const {
  if (!rule.has_value()) {
    for (const Decision& d : o.decisions) {
      if (d.verdict == Verdict::kRefused) {
        *l << "which " << d.rule << " refused";
        return false;
      }
    }
    if (o.refused()) {
      *l << "which is refused";
      return false;
    }
    return true;
  }
  const Decision* found = nullptr;
  std::string why;
  for (const Decision& d : o.decisions) {
    if (d.rule != *rule) continue;
    if (found == nullptr) found = &d;
    if (d.verdict != verdict) continue;
    if (figure.has_value() && !figure->MatchIn(d.figures, &why)) continue;
    if (verdict == Verdict::kRefused && !o.refused()) {
      *l << "whose " << *rule << " decision is refused but the outcome is not";
      return false;
    }
    return true;
  }
  if (found == nullptr) {
    *l << "which has no decision of " << *rule << " (its decisions: " << RuleList(o) << ")";
  } else if (found->verdict != verdict) {
    *l << "whose " << *rule << " decision is " << VerdictName(found->verdict) << ", not "
       << VerdictName(verdict);
  } else {
    *l << "whose " << *rule << " decision " << why;
  }
  return false;
}

bool VerdictImpl::MatchItem(const Decision& d, ::testing::MatchResultListener* l) const {
  if (rule.has_value() && d.rule != *rule) {
    *l << "which is a decision of " << d.rule << ", not " << *rule;
    return false;
  }
  if (d.verdict != verdict) {
    *l << "whose verdict is " << VerdictName(d.verdict) << ", not " << VerdictName(verdict);
    return false;
  }
  std::string why;
  if (figure.has_value() && !figure->MatchIn(d.figures, &why)) {
    *l << "which " << why;
    return false;
  }
  return true;
}

std::string ActionImpl::Describe() const {
  std::string out = Cat("has an action ", ActionKindName(kind));
  if (assignee.has_value()) Append(&out, " for \"", *assignee, "\"");
  return out;
}

bool ActionImpl::MatchItem(const Action& a, ::testing::MatchResultListener* l) const {
  if (a.kind != kind) {
    *l << "which is an action " << ActionKindName(a.kind);
    return false;
  }
  if (assignee.has_value() && a.assignee != *assignee) {
    *l << "which is for \"" << a.assignee << "\"";
    return false;
  }
  return true;
}

bool ActionImpl::MatchOutcome(const Outcome& o, ::testing::MatchResultListener* l) const {
  std::vector<std::string> others;
  for (const Action& a : o.actions) {
    if (a.kind == kind && (!assignee.has_value() || a.assignee == *assignee)) return true;
    others.push_back(Cat(ActionKindName(a.kind), a.assignee.empty() ? "" : " for ", a.assignee));
  }
  if (others.empty()) {
    *l << "which has no actions";
  } else {
    *l << "whose actions are " << Join(others, ", ", [](const std::string& t) { return t; });
  }
  return false;
}

std::string DeadlineImpl::Describe() const {
  return Cat("has a deadline of ", rule, " due at ", FormatTimestamp(due));
}

bool DeadlineImpl::MatchItem(const Deadline& d, ::testing::MatchResultListener* l) const {
  if (d.rule != rule) {
    *l << "which is a deadline of " << d.rule;
    return false;
  }
  if (d.op != DeadlineOp::kSet && d.op != DeadlineOp::kResume) {
    *l << "whose op is " << DeadlineOpName(d.op) << ", not set or resume";
    return false;
  }
  if (d.due != due) {
    *l << "which is due at " << FormatTimestamp(d.due);
    return false;
  }
  return true;
}

bool DeadlineImpl::MatchOutcome(const Outcome& o, ::testing::MatchResultListener* l) const {
  std::vector<std::string> of_rule;
  for (const Deadline& d : o.deadlines) {
    ::testing::StringMatchResultListener ignored;
    if (MatchItem(d, &ignored)) return true;
    if (d.rule == rule) of_rule.push_back(DeadlineText(d));
  }
  if (!of_rule.empty()) {
    *l << "whose deadlines of " << rule
       << " are: " << Join(of_rule, "; ", [](const std::string& t) { return t; });
  } else if (o.deadlines.empty()) {
    *l << "which has no deadlines";
  } else {
    *l << "which has no deadline of " << rule << " (its deadlines: "
       << Join(o.deadlines, ", ", [](const Deadline& d) { return std::string(d.rule); }) << ")";
  }
  return false;
}

bool StatusCodeMatcher::MatchAndExplain(const absl::Status& s,
                                        ::testing::MatchResultListener* l) const {
  if (s.code() == code_) return true;
  if (s.ok()) {
    *l << "which is OK";
  } else {
    *l << "whose code is " << absl::StatusCodeToString(s.code()) << " (" << s.message() << ")";
  }
  return false;
}

void StatusCodeMatcher::DescribeTo(std::ostream* os) const {
  *os << "has status code " << absl::StatusCodeToString(code_);
}

void StatusCodeMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "does not have status code " << absl::StatusCodeToString(code_);
}

}  // namespace matchers_internal
}  // namespace kefu::testing
