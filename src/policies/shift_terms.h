// shift_terms.h: a shift template's name as a figure (SH-SHIFTS): the
// seed's three shifts ("early", "middle", "late") as terms, so that a
// message renders them in its own language (早班 / early shift); any other
// name (a pack's own template) as the text it is. Weekdays as terms, and
// the figures of a shift on a day it does not run. Private.
#ifndef KEFU_POLICIES_SHIFT_TERMS_H_
#define KEFU_POLICIES_SHIFT_TERMS_H_

#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "kefu/core/outcome.h"
#include "kefu/policies/team_policies.h"

namespace kefu::internal {

Figure::Value ShiftNameValue(std::string_view name);

// A weekday as a term, so that a message names it in its own language.
Term WeekdayTerm(absl::Weekday day);

// SH-SHIFTS' figures of a shift on a day it does not run: "days" (the
// weekdays `shift` runs) and "weekday" (`day`'s), added to `figures`.
void AddRunningDays(const ShiftTemplate& shift, absl::CivilDay day, Figures* figures);

// SH-HANDOVER: the first of `shifts` whose `takes_over` is not empty and
// names no other shift of the list (itself included); null when there is
// none. TeamLedger::Create and the policy pack refuse it.
const ShiftTemplate* TakesOverFromNoShift(const std::vector<ShiftTemplate>& shifts);

}  // namespace kefu::internal

#endif  // KEFU_POLICIES_SHIFT_TERMS_H_
