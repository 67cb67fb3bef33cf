// RV-DAILY: the review rotation.
#include "kefu/policies/review_rotation.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace kefu {

absl::Status ReviewRotation::Validate() const {
  if (agents.empty()) return absl::InvalidArgumentError("RV-DAILY: the rotation names no agent");
  for (size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("RV-DAILY: agent ", i + 1, " has no name"));
    }
  }
  return absl::OkStatus();
}

const std::string& ReviewRotation::AgentOn(LocalDay day) const {
  int64_t turn = day - start;  // days since the start, may be negative
  if (period == Period::kWeekly) turn = turn >= 0 ? turn / 7 : -((-turn + 6) / 7);
  const auto n = static_cast<int64_t>(agents.size());
  const int64_t index = ((turn % n) + n) % n;
  return agents[static_cast<size_t>(index)];
}

std::string_view RotationPeriodName(ReviewRotation::Period p) {
  return p == ReviewRotation::Period::kDaily ? "daily" : "weekly";
}

Decision ReviewRotation::Assigned(std::string_view agent) {
  Decision d;
  d.rule = kRule;
  d.verdict = Verdict::kAllowed;
  d.message = {"由{agent}处理", "handled by {agent}"};
  d.figures.push_back({"agent", std::string(agent)});
  return d;
}

}  // namespace kefu
