// internal::DayText (src/core/day_text.h): absl::FormatCivilTime's text of
// a day, byte for byte, without its formatter.
#include "core/day_text.h"

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace kefu::internal {
namespace {

TEST(DayText, AsAbslWritesIt) {
  // Every day of 1999 to 2031 (leap years, month and year ends), and the
  // years where the fast path stops.
  for (absl::CivilDay d(1999, 1, 1); d < absl::CivilDay(2032, 1, 1); ++d) {
    ASSERT_EQ(DayText(d), absl::FormatCivilTime(d)) << d;
  }
  for (const auto year : {-10000, -5, 0, 7, 999, 1000, 9999, 10000, 123456}) {
    for (const absl::CivilDay d : {absl::CivilDay(year, 1, 1), absl::CivilDay(year, 12, 31)}) {
      EXPECT_EQ(DayText(d), absl::FormatCivilTime(d)) << year;
    }
  }
  EXPECT_EQ(DayText(absl::CivilDay(2026, 11, 3)), "2026-11-03");
}

}  // namespace
}  // namespace kefu::internal
