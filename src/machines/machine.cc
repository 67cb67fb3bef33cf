// Shared machine support: event metadata checks, the idempotency log and
// outcome equality.
#include "kefu/machines/machine.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace kefu {
namespace {

bool SameText(const char* a, const char* b) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  return std::strcmp(a, b) == 0;
}

bool SameMessage(const Message& a, const Message& b) {
  return SameText(a.zh, b.zh) && SameText(a.en, b.en);
}

bool SameFigures(const Figures& a, const Figures& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || !(a[i].value == b[i].value)) return false;
  }
  return true;
}

bool SameDecision(const Decision& a, const Decision& b) {
  return a.rule == b.rule && a.verdict == b.verdict && SameMessage(a.message, b.message) &&
         SameFigures(a.figures, b.figures);
}

bool SameAction(const Action& a, const Action& b) {
  return a.kind == b.kind && a.rule == b.rule && a.assignee == b.assignee &&
         a.subject == b.subject && a.due == b.due && SameMessage(a.message, b.message) &&
         SameFigures(a.figures, b.figures);
}

bool SameDeadline(const Deadline& a, const Deadline& b) {
  return a.rule == b.rule && a.op == b.op && a.due == b.due && a.warn_at == b.warn_at &&
         SameMessage(a.message, b.message);
}

bool SameAudit(const AuditRecord& a, const AuditRecord& b) {
  return a.event_id == b.event_id && a.event_type == b.event_type && a.agent == b.agent &&
         a.at == b.at && a.state_before == b.state_before && a.state_after == b.state_after &&
         a.duplicate == b.duplicate && a.note == b.note && a.verdicts == b.verdicts;
}

template <class T, class Eq>
bool SameSeq(const T& a, const T& b, Eq eq) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!eq(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateEventMeta(const EventMeta& meta) {
  if (meta.id.empty()) return absl::InvalidArgumentError("event id is empty");
  if (meta.at == absl::InfinitePast() || meta.at == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError(absl::StrCat("event ", meta.id, " has no time"));
  }
  return absl::OkStatus();
}

const Outcome* AppliedEvents::Find(std::string_view event_id) const {
  for (const Outcome& o : outcomes_) {
    if (o.audit.event_id == event_id) return &o;
  }
  return nullptr;
}

bool SameOutcome(const Outcome& a, const Outcome& b) {
  return a.entity == b.entity && SameSeq(a.decisions, b.decisions, SameDecision) &&
         SameSeq(a.actions, b.actions, SameAction) &&
         SameSeq(a.deadlines, b.deadlines, SameDeadline) && SameAudit(a.audit, b.audit);
}

bool SameOutcomes(const std::vector<Outcome>& a, const std::vector<Outcome>& b) {
  return SameSeq(a, b, SameOutcome);
}

}  // namespace kefu
