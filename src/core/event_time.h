// event_time.h: CheckEventTime's range as constants, for the checks on
// every event's path. Private.
#ifndef KEFU_CORE_EVENT_TIME_H_
#define KEFU_CORE_EVENT_TIME_H_

#include <cstdint>

#include "absl/time/time.h"
#include "kefu/core/time.h"

namespace kefu::internal {

// Days from 1970-01-01 to `year`-01-01 in the proleptic Gregorian calendar.
constexpr int64_t DaysToNewYear(int64_t year) {
  // Whole 400-, 100- and 4-year cycles from year 1 to the year before.
  const int64_t y = year - 1;
  const int64_t days_from_year_1 = y * 365 + y / 4 - y / 100 + y / 400;
  constexpr int64_t kYear1To1970 = 719162;  // days from 0001-01-01 to 1970-01-01
  return days_from_year_1 - kYear1To1970;
}

// 0:00 on 1 January of `year` at UTC+08:00.
constexpr Timestamp NewYearAtUtcPlus8(int year) {
  return absl::FromUnixSeconds(DaysToNewYear(year) * 86400 - 8 * 3600);
}

inline constexpr Timestamp kFirstEventTime = NewYearAtUtcPlus8(kFirstEventYear);
inline constexpr Timestamp kEventTimeEnd = NewYearAtUtcPlus8(kLastEventYear + 1);

// CheckEventTime(t).ok() without a call: checked for every event by the
// reader, the shop and the machine.
inline bool InEventYears(Timestamp t) { return t >= kFirstEventTime && t < kEventTimeEnd; }

}  // namespace kefu::internal

#endif  // KEFU_CORE_EVENT_TIME_H_
