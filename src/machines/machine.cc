// Shared machine support: event metadata checks and the idempotency log.
#include "kefu/machines/machine.h"

#include "absl/strings/str_cat.h"

namespace kefu {

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

// Equality lives with the vocabulary (kefu/core/outcome.h); these names stay
// for the machines' callers.
bool SameOutcome(const Outcome& a, const Outcome& b) { return a == b; }

bool SameOutcomes(const std::vector<Outcome>& a, const std::vector<Outcome>& b) {
  return a == b;
}

}  // namespace kefu
