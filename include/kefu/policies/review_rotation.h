// kefu/policies/review_rotation.h: who handles the day's neutral and
// negative reviews (RV-DAILY), as a rotation given as data.
//
// The seed: reviews are answered every day, the day's and older ones, by one
// agent at a time, changing daily or weekly ("一天一换或一周一换"), as the
// supervisor arranges. A ReviewRotation names the agents in turn, the period
// and the first day of the rotation; AgentOn(day) says who is on duty.
// Assigning the open reviews to that agent is kefu/machines/review_register.h.
//
// Thread safety: an immutable value once built; const methods are safe to
// call from any number of threads.
#ifndef KEFU_POLICIES_REVIEW_ROTATION_H_
#define KEFU_POLICIES_REVIEW_ROTATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/outcome.h"

namespace kefu {

struct KEFU_EXPORT ReviewRotation {
  static constexpr RuleId kRule = "RV-DAILY";
  enum class Period { kDaily, kWeekly };
  // The message of the deadline a neutral or negative review sets: handled
  // the same day.
  static constexpr Message kDeadline{"中差评当天处理",
                                     "handle neutral and negative reviews the same day"};
  // kAllowed: `agent` handles the review (figure "agent").
  static Decision Assigned(std::string_view agent);

  std::vector<std::string> agents;  // in turn; not empty, no empty names
  Period period = Period::kDaily;
  // The day agents[0] is on duty. Weekly turns change every 7 days from it.
  LocalDay start = LocalDay(2026, 1, 5);  // a Monday

  // OK, or kInvalidArgument when there is no agent or a name is empty.
  absl::Status Validate() const;
  // The agent on duty on `day` (days before `start` continue the rotation
  // backwards). REQUIRES: Validate().ok().
  const std::string& AgentOn(LocalDay day) const;
};

// "daily", "weekly".
KEFU_EXPORT std::string_view RotationPeriodName(ReviewRotation::Period p);

}  // namespace kefu

#endif  // KEFU_POLICIES_REVIEW_ROTATION_H_
