// event_time.h: CheckEventTime's range as constants, for the checks on
// every event's path. Private.
#ifndef KEFU_CORE_EVENT_TIME_H_
#define KEFU_CORE_EVENT_TIME_H_

#include <cstdint>

#include "absl/time/time.h"
#include "kefu/core/time.h"

namespace kefu::internal {

// Days from 1970-01-01 to the proleptic Gregorian date `year`-`month`-`day`
// (a valid date, year -399 or later), counting years from March so that a
// leap day ends its year: cheaper than absl::CivilDay's normalizing
// arithmetic, and constant. The event reader's dates (io/events.cc) and
// the bounds below.
constexpr int64_t DaysFromCivil(int64_t year, int month, int day) {
  const int64_t y = year - (month <= 2 ? 1 : 0) + 400;  // + 400: year 0000 stays positive
  const int64_t era = y / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t month_from_march = (month + 9) % 12;
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return (era - 1) * 146097 + day_of_era - 719468;
}

// 0:00 on 1 January of `year` at UTC+08:00.
constexpr Timestamp NewYearAtUtcPlus8(int year) {
  return absl::FromUnixSeconds(DaysFromCivil(year, 1, 1) * 86400 - 8 * 3600);
}

inline constexpr Timestamp kFirstEventTime = NewYearAtUtcPlus8(kFirstEventYear);
inline constexpr Timestamp kEventTimeEnd = NewYearAtUtcPlus8(kLastEventYear + 1);

// CheckEventTime(t).ok() without a call: checked for every event by the
// reader, the shop and the machine.
inline bool InEventYears(Timestamp t) { return t >= kFirstEventTime && t < kEventTimeEnd; }

}  // namespace kefu::internal

#endif  // KEFU_CORE_EVENT_TIME_H_
