#include "kefu/core/calendar.h"

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace kefu {
namespace {

// Expected instants are written with absl's own fixed-offset zones, so the
// oracle does not share code with the calendar under test.
Timestamp AtOffset(int offset_hours, int y, int mo, int d, int h, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::FixedTimeZone(offset_hours * 3600));
}
// China Standard Time (UTC+8).
Timestamp Cst(int y, int mo, int d, int h, int mi = 0, int s = 0) {
  return AtOffset(8, y, mo, d, h, mi, s);
}
Timestamp Utc(int y, int mo, int d, int h, int mi = 0, int s = 0) {
  return AtOffset(0, y, mo, d, h, mi, s);
}

constexpr char kUsEastern[] = "America/New_York";

// China's 2026 National Day holiday (State Council notice on the 2026
// holidays): 1-7 October off; Sunday 20 September and Saturday 10 October are
// make-up working days.
BusinessCalendar::Options China2026Options() {
  BusinessCalendar::Options o;
  for (int d = 1; d <= 7; ++d) o.holidays.push_back(LocalDay(2026, 10, d));
  o.makeup_workdays = {LocalDay(2026, 9, 20), LocalDay(2026, 10, 10)};
  return o;
}

BusinessCalendar China2026() {
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(China2026Options());
  EXPECT_TRUE(cal.ok()) << cal.status();
  return cal.ok() ? *std::move(cal) : BusinessCalendar::Default();
}

BusinessCalendar UsEastern() {
  BusinessCalendar::Options o;
  o.time_zone = kUsEastern;
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(o);
  EXPECT_TRUE(cal.ok()) << cal.status();
  return cal.ok() ? *std::move(cal) : BusinessCalendar::Default();
}

absl::StatusCode CreateCode(BusinessCalendar::Options o) {
  return BusinessCalendar::Create(std::move(o)).status().code();
}

BusinessCalendar::Options WithZone(const std::string& zone) {
  BusinessCalendar::Options o;
  o.time_zone = zone;
  return o;
}

void ExpectHours(const std::optional<WorkingHours>& got, Duration open, Duration close) {
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->open, open);
  EXPECT_EQ(got->close, close);
}

// --- Default ---------------------------------------------------------------

TEST(BusinessCalendar, DefaultIsChinaStandardTimeWeekdaysNineToSix) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(cal.options().time_zone, "Asia/Shanghai");
  EXPECT_TRUE(cal.options().holidays.empty());
  EXPECT_EQ(cal.UtcOffsetAt(Utc(2026, 7, 1, 0)), absl::Hours(8));
  // 2026-09-28 is a Monday.
  for (int d = 28; d <= 30; ++d) {
    ExpectHours(cal.HoursOn(LocalDay(2026, 9, d)), absl::Hours(9), absl::Hours(18));
  }
  ExpectHours(cal.HoursOn(LocalDay(2026, 10, 2)), absl::Hours(9), absl::Hours(18));
  EXPECT_FALSE(cal.IsWorkingDay(LocalDay(2026, 10, 3)));  // Saturday
  EXPECT_FALSE(cal.IsWorkingDay(LocalDay(2026, 10, 4)));  // Sunday
  // No holidays: National Day is an ordinary Thursday here.
  EXPECT_TRUE(cal.IsWorkingDay(LocalDay(2026, 10, 1)));
}

TEST(BusinessCalendar, DefaultEqualsCreateWithDefaultOptions) {
  absl::StatusOr<BusinessCalendar> created = BusinessCalendar::Create(BusinessCalendar::Options());
  ASSERT_TRUE(created.ok()) << created.status();
  const BusinessCalendar def = BusinessCalendar::Default();
  const Timestamp t = Cst(2026, 9, 25, 17, 30);
  EXPECT_EQ(*def.AddBusinessHours(t, absl::Hours(3)),
            *created->AddBusinessHours(t, absl::Hours(3)));
  EXPECT_EQ(*def.AddBusinessHours(t, absl::Hours(3)), Cst(2026, 9, 28, 11, 30));
}

// --- Days and their ends ------------------------------------------------------

TEST(BusinessCalendar, DayOfLastSecondIsStillThatLocalDay) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(cal.DayOf(Cst(2026, 10, 1, 23, 59, 59)), LocalDay(2026, 10, 1));
  EXPECT_EQ(cal.DayOf(Cst(2026, 10, 1, 23, 59, 59) + absl::Milliseconds(999)),
            LocalDay(2026, 10, 1));
}

TEST(BusinessCalendar, DayOfLocalMidnightIsTheNewDay) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(cal.DayOf(Cst(2026, 10, 2, 0, 0, 0)), LocalDay(2026, 10, 2));
  // 16:00 UTC is already the next day in China.
  EXPECT_EQ(cal.DayOf(Utc(2026, 10, 1, 16)), LocalDay(2026, 10, 2));
  EXPECT_EQ(cal.DayOf(Utc(2026, 10, 1, 15, 59, 59)), LocalDay(2026, 10, 1));
}

TEST(BusinessCalendar, DayOfWorksBeforeTheUnixEpoch) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(cal.DayOf(Cst(1969, 12, 31, 23, 59, 59) + absl::Milliseconds(500)),
            LocalDay(1969, 12, 31));
  EXPECT_EQ(cal.DayOf(Cst(1960, 1, 1, 0)), LocalDay(1960, 1, 1));
}

TEST(BusinessCalendar, StartOfDayIsLocalMidnightInCst) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(cal.StartOfDay(LocalDay(2026, 10, 1)), Utc(2026, 9, 30, 16));
}

TEST(BusinessCalendar, EndOfDayIsTheNextLocalMidnightInCst) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  // 07:30 CST on 1 October is still 30 September in UTC; the day that ends is
  // the Chinese one.
  EXPECT_EQ(cal.EndOfDay(Utc(2026, 9, 30, 23, 30)), Cst(2026, 10, 2, 0));
  EXPECT_EQ(cal.EndOfDay(Cst(2026, 10, 1, 0)), Cst(2026, 10, 2, 0));
}

TEST(BusinessCalendar, EndOfDayAcrossMidnightMovesToTheFollowingDay) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(cal.EndOfDay(Cst(2026, 10, 1, 23, 59, 59)), Cst(2026, 10, 2, 0));
  // One second later it is 2 October, whose end is a day later.
  EXPECT_EQ(cal.EndOfDay(Cst(2026, 10, 2, 0, 0, 0)), Cst(2026, 10, 3, 0));
  // Month and year ends.
  EXPECT_EQ(cal.EndOfDay(Cst(2026, 12, 31, 12)), Cst(2027, 1, 1, 0));
}

TEST(BusinessCalendar, AddDaysKeepsTheClockTimeAndSubseconds) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  const Timestamp t = Cst(2026, 2, 27, 10, 15) + absl::Milliseconds(250);
  EXPECT_EQ(cal.AddDays(t, 2), Cst(2026, 3, 1, 10, 15) + absl::Milliseconds(250));
  EXPECT_EQ(cal.AddDays(t, 0), t);
}

TEST(BusinessCalendar, AddDaysWithNegativeCountGoesBack) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(cal.AddDays(Cst(2026, 3, 1, 10), -1), Cst(2026, 2, 28, 10));
  EXPECT_EQ(cal.AddDays(Cst(2026, 1, 1, 0, 30), -366), Cst(2024, 12, 31, 0, 30));
}

// --- Daylight saving: US Eastern ------------------------------------------
// In 2026 daylight saving starts on Sunday 8 March at 02:00 EST (07:00 UTC)
// and ends on Sunday 1 November at 02:00 EDT (06:00 UTC).

TEST(BusinessCalendar, DstZoneSwitchesOffsetAtTheRuleInstants) {
  const BusinessCalendar cal = UsEastern();
  EXPECT_EQ(cal.UtcOffsetAt(Utc(2026, 3, 8, 6, 59, 59)), absl::Hours(-5));
  EXPECT_EQ(cal.UtcOffsetAt(Utc(2026, 3, 8, 7)), absl::Hours(-4));
  EXPECT_EQ(cal.UtcOffsetAt(Utc(2026, 11, 1, 5, 59, 59)), absl::Hours(-4));
  EXPECT_EQ(cal.UtcOffsetAt(Utc(2026, 11, 1, 6)), absl::Hours(-5));
  EXPECT_EQ(cal.UtcOffsetAt(Utc(2026, 1, 15, 12)), absl::Hours(-5));
  EXPECT_EQ(cal.UtcOffsetAt(Utc(2026, 7, 15, 12)), absl::Hours(-4));
}

// The second Sunday of March of `year`, by absl's calendar.
LocalDay SecondSundayOfMarch(int year) {
  LocalDay d(year, 3, 1);
  while (absl::GetWeekday(d) != absl::Weekday::sunday) ++d;
  return d + 7;
}

TEST(BusinessCalendar, DstRulesApplyInEveryYearNotOnlyNearToday) {
  const BusinessCalendar cal = UsEastern();
  // The rule in force since 2007, which the database carries on for ever.
  for (int year : {2007, 2026, 2099, 2399, 2400, 2401, 2777}) {
    const LocalDay day = SecondSundayOfMarch(year);
    const Timestamp change = absl::FromCivil(
        absl::CivilSecond(day.year(), day.month(), day.day(), 7, 0, 0), absl::UTCTimeZone());
    EXPECT_EQ(cal.UtcOffsetAt(change - absl::Seconds(1)), absl::Hours(-5)) << year;
    EXPECT_EQ(cal.UtcOffsetAt(change), absl::Hours(-4)) << year;
    // 01:59:59 EST and 03:00 EDT are both on the day of the change.
    EXPECT_EQ(cal.DayOf(change - absl::Seconds(1)), day) << year;
    EXPECT_EQ(cal.DayOf(change), day) << year;
    EXPECT_EQ(cal.StartOfDay(day + 1) - cal.StartOfDay(day), absl::Hours(23)) << year;
    // 02:30 the day before + 1 day is skipped and gives the change.
    EXPECT_EQ(cal.AddDays(change - absl::Hours(24) + absl::Minutes(30), 1), change) << year;
  }
}

TEST(BusinessCalendar, DayArithmeticAgreesWithAbslNewYorkFrom2007On) {
  // The calendar takes only offsets from the zone; its days, their starts
  // and AddDays are its own arithmetic. absl's civil conversions check them.
  absl::TimeZone ny;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &ny));
  const BusinessCalendar cal = UsEastern();
  const Timestamp end = Utc(2100, 1, 1, 0);
  int mismatches = 0;
  for (Timestamp t = Utc(2007, 1, 1, 0); t < end && mismatches < 10;
       t += absl::Hours(6) + absl::Minutes(37) + absl::Seconds(11)) {
    const absl::TimeZone::CivilInfo info = ny.At(t);
    const LocalDay day(info.cs);
    if (cal.DayOf(t) != day || cal.UtcOffsetAt(t) != absl::Seconds(info.offset) ||
        cal.StartOfDay(day) != absl::FromCivil(day, ny) ||
        cal.AddDays(t, 1) != absl::FromCivil(info.cs + 86400, ny)) {
      ++mismatches;
      ADD_FAILURE() << "at " << t << ": local " << info.cs << " DayOf " << cal.DayOf(t)
                    << " offset " << cal.UtcOffsetAt(t) << " start " << cal.StartOfDay(day)
                    << " vs " << absl::FromCivil(day, ny) << " AddDays " << cal.AddDays(t, 1)
                    << " vs " << absl::FromCivil(info.cs + 86400, ny);
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(BusinessCalendar, DayOfAgreesWithAbslAcrossCenturies) {
  // A fixed zone, so that every century has the same offset.
  absl::StatusOr<BusinessCalendar> fixed = BusinessCalendar::Create(WithZone("Etc/GMT-8"));
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  const BusinessCalendar& cal = *fixed;
  const absl::TimeZone cst = absl::FixedTimeZone(8 * 3600);
  int mismatches = 0;
  for (Timestamp t = Utc(1500, 1, 1, 0); t < Utc(2600, 1, 1, 0) && mismatches < 10;
       t += absl::Hours(233) + absl::Seconds(17)) {
    const LocalDay want = absl::ToCivilDay(t, cst);
    if (cal.DayOf(t) != want || cal.StartOfDay(want) != absl::FromCivil(want, cst)) {
      ++mismatches;
      ADD_FAILURE() << "at " << t << ": want " << want << ", got " << cal.DayOf(t);
    }
  }
  EXPECT_EQ(mismatches, 0);
  // Far years, before year 0 included.
  for (int64_t year : {-400001, -1001, -1, 0, 1, 10000, 123456}) {
    for (int month : {1, 2, 3, 12}) {
      const LocalDay day(year, month, 28);
      const Timestamp t = absl::FromCivil(absl::CivilSecond(day) + 3600, cst);
      EXPECT_EQ(cal.DayOf(t), day);
      EXPECT_EQ(cal.StartOfDay(day), absl::FromCivil(day, cst)) << day;
    }
  }
}

TEST(BusinessCalendar, AddDaysKeepsLocalTimeAcrossSpringForward) {
  const BusinessCalendar cal = UsEastern();
  // Saturday 10:00 EST + 1 day = Sunday 10:00 EDT, only 23 hours later.
  const Timestamp sat = AtOffset(-5, 2026, 3, 7, 10);
  EXPECT_EQ(cal.AddDays(sat, 1), AtOffset(-4, 2026, 3, 8, 10));
  EXPECT_EQ(cal.AddDays(sat, 1) - sat, absl::Hours(23));
  // And back.
  EXPECT_EQ(cal.AddDays(AtOffset(-4, 2026, 3, 8, 10), -1), sat);
}

TEST(BusinessCalendar, AddDaysKeepsLocalTimeAcrossFallBack) {
  const BusinessCalendar cal = UsEastern();
  const Timestamp sat = AtOffset(-4, 2026, 10, 31, 10);
  EXPECT_EQ(cal.AddDays(sat, 1), AtOffset(-5, 2026, 11, 1, 10));
  EXPECT_EQ(cal.AddDays(sat, 1) - sat, absl::Hours(25));
}

TEST(BusinessCalendar, SkippedLocalTimeGivesTheChangeAndRepeatedTheFirst) {
  const BusinessCalendar cal = UsEastern();
  // 02:30 does not exist on 8 March: it gives the change, 03:00 EDT, like
  // 03:00 itself, so that a later start never gives an earlier result.
  EXPECT_EQ(cal.AddDays(AtOffset(-5, 2026, 3, 7, 2, 30), 1), Utc(2026, 3, 8, 7));
  EXPECT_EQ(cal.AddDays(AtOffset(-5, 2026, 3, 7, 2, 59, 59) + absl::Milliseconds(500), 1),
            Utc(2026, 3, 8, 7));
  EXPECT_EQ(cal.AddDays(AtOffset(-5, 2026, 3, 7, 3), 1), Utc(2026, 3, 8, 7));
  EXPECT_EQ(cal.AddDays(AtOffset(-5, 2026, 3, 7, 1, 59, 59), 1), Utc(2026, 3, 8, 6, 59, 59));
  // 01:30 happens twice on 1 November: the first time, on EDT.
  EXPECT_EQ(cal.AddDays(AtOffset(-4, 2026, 10, 31, 1, 30), 1), AtOffset(-4, 2026, 11, 1, 1, 30));
}

// A host's end-of-day tick: the day's last second stands for its end.
TEST(BusinessCalendar, DayEndTickTakesTheLastSecondAsTheDaysEnd) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(cal.DayEndTick(Cst(2026, 10, 1, 23, 59, 59)), Cst(2026, 10, 2, 0));
  EXPECT_EQ(cal.DayEndTick(Cst(2026, 10, 1, 23, 59, 59) + absl::Milliseconds(999)),
            Cst(2026, 10, 2, 0));
  // Earlier in the day, and midnight itself, are what they say.
  EXPECT_EQ(cal.DayEndTick(Cst(2026, 10, 1, 23, 59, 58)), Cst(2026, 10, 1, 23, 59, 58));
  EXPECT_EQ(cal.DayEndTick(Cst(2026, 10, 2, 0)), Cst(2026, 10, 2, 0));
  EXPECT_EQ(cal.DayEndTick(absl::InfiniteFuture()), absl::InfiniteFuture());
}

TEST(BusinessCalendar, StartAndEndOfDayAreCorrectOnDstDays) {
  const BusinessCalendar cal = UsEastern();
  EXPECT_EQ(cal.StartOfDay(LocalDay(2026, 3, 8)), Utc(2026, 3, 8, 5));
  EXPECT_EQ(cal.StartOfDay(LocalDay(2026, 3, 9)), Utc(2026, 3, 9, 4));
  EXPECT_EQ(cal.EndOfDay(AtOffset(-4, 2026, 3, 8, 12)), Utc(2026, 3, 9, 4));
  EXPECT_EQ(cal.StartOfDay(LocalDay(2026, 11, 2)) - cal.StartOfDay(LocalDay(2026, 11, 1)),
            absl::Hours(25));
  // 23:30 EDT on 30 June is 03:30 UTC on 1 July.
  EXPECT_EQ(cal.DayOf(Utc(2026, 7, 1, 3, 30)), LocalDay(2026, 6, 30));
}

TEST(BusinessCalendar, BusinessHoursOverASpringForwardWeekend) {
  const BusinessCalendar cal = UsEastern();
  // Friday 6 March 17:00 EST + 2 h = Monday 9 March 10:00 EDT.
  EXPECT_EQ(*cal.AddBusinessHours(AtOffset(-5, 2026, 3, 6, 17), absl::Hours(2)),
            AtOffset(-4, 2026, 3, 9, 10));
  EXPECT_EQ(*cal.AddBusinessDays(AtOffset(-5, 2026, 3, 6, 17), 1), AtOffset(-4, 2026, 3, 9, 17));
}

TEST(BusinessCalendar, SouthernHemisphereDstSpansTheNewYear) {
  absl::StatusOr<BusinessCalendar> cal =
      BusinessCalendar::Create(WithZone("Australia/Sydney"));
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->UtcOffsetAt(Utc(2026, 1, 15, 0)), absl::Hours(11));
  EXPECT_EQ(cal->UtcOffsetAt(Utc(2026, 7, 15, 0)), absl::Hours(10));
  EXPECT_EQ(cal->UtcOffsetAt(Utc(2026, 12, 15, 0)), absl::Hours(11));
  // Ends Sunday 5 April 2026 at 03:00 AEDT = 16:00 UTC on the 4th.
  EXPECT_EQ(cal->UtcOffsetAt(Utc(2026, 4, 4, 15, 59, 59)), absl::Hours(11));
  EXPECT_EQ(cal->UtcOffsetAt(Utc(2026, 4, 4, 16)), absl::Hours(10));
}

// --- Working days -----------------------------------------------------------

TEST(BusinessCalendar, FridayPlusOneBusinessDayIsMonday) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(*cal.AddBusinessDays(Cst(2026, 9, 25, 15), 1), Cst(2026, 9, 28, 15));
}

TEST(BusinessCalendar, WeekendPlusOneBusinessDayIsMonday) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(*cal.AddBusinessDays(Cst(2026, 9, 26, 15), 1), Cst(2026, 9, 28, 15));
  EXPECT_EQ(*cal.AddBusinessDays(Cst(2026, 9, 27, 23, 59), 1), Cst(2026, 9, 28, 23, 59));
}

TEST(BusinessCalendar, NationalDayHolidaysAreDaysOff) {
  const BusinessCalendar cal = China2026();
  for (int d = 1; d <= 7; ++d) {
    EXPECT_FALSE(cal.IsWorkingDay(LocalDay(2026, 10, d))) << "October " << d;
    EXPECT_FALSE(cal.HoursOn(LocalDay(2026, 10, d)).has_value());
  }
  EXPECT_TRUE(cal.IsWorkingDay(LocalDay(2026, 10, 8)));
  EXPECT_TRUE(cal.IsWorkingDay(LocalDay(2026, 9, 30)));
}

TEST(BusinessCalendar, WednesdayBeforeNationalDayPlusOneIsThursdayAfter) {
  const BusinessCalendar cal = China2026();
  EXPECT_EQ(*cal.AddBusinessDays(Cst(2026, 9, 30, 15), 1), Cst(2026, 10, 8, 15));
}

TEST(BusinessCalendar, SaturdayTenthOfOctoberIsAMakeupWorkingDay) {
  const BusinessCalendar cal = China2026();
  EXPECT_TRUE(cal.IsWorkingDay(LocalDay(2026, 10, 10)));
  ExpectHours(cal.HoursOn(LocalDay(2026, 10, 10)), absl::Hours(9), absl::Hours(18));
  EXPECT_FALSE(cal.IsWorkingDay(LocalDay(2026, 10, 11)));  // Sunday
  // Friday 9 October + 1 business day is that Saturday.
  EXPECT_EQ(*cal.AddBusinessDays(Cst(2026, 10, 9, 11), 1), Cst(2026, 10, 10, 11));
  // Three business days from 30 September: 8, 9 and 10 October.
  EXPECT_EQ(*cal.AddBusinessDays(Cst(2026, 9, 30, 9), 3), Cst(2026, 10, 10, 9));
}

TEST(BusinessCalendar, SundayTwentiethOfSeptemberIsAMakeupWorkingDay) {
  const BusinessCalendar cal = China2026();
  EXPECT_TRUE(cal.IsWorkingDay(LocalDay(2026, 9, 20)));
  EXPECT_FALSE(cal.IsWorkingDay(LocalDay(2026, 9, 19)));  // Saturday
  EXPECT_EQ(*cal.AddBusinessDays(Cst(2026, 9, 19, 10), 1), Cst(2026, 9, 20, 10));
  EXPECT_EQ(*cal.AddBusinessDays(Cst(2026, 9, 18, 10), 1), Cst(2026, 9, 20, 10));
}

TEST(BusinessCalendar, MakeupHoursApplyToMakeupWeekendDays) {
  BusinessCalendar::Options o = China2026Options();
  o.makeup_hours = WorkingHours{absl::Hours(10), absl::Hours(16)};
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok()) << cal.status();
  ExpectHours(cal->HoursOn(LocalDay(2026, 9, 20)), absl::Hours(10), absl::Hours(16));
  EXPECT_FALSE(cal->IsWithinServiceHours(Cst(2026, 9, 20, 9, 30)));
  EXPECT_TRUE(cal->IsWithinServiceHours(Cst(2026, 9, 20, 10)));
}

TEST(BusinessCalendar, MakeupHoursDefaultToMondaysHours) {
  BusinessCalendar::Options o = China2026Options();
  o.hours[0] = WorkingHours{absl::Hours(8), absl::Hours(20)};
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok()) << cal.status();
  ExpectHours(cal->HoursOn(LocalDay(2026, 10, 10)), absl::Hours(8), absl::Hours(20));

  o.hours[0] = std::nullopt;  // closed on Mondays: 09:00-18:00
  cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok()) << cal.status();
  ExpectHours(cal->HoursOn(LocalDay(2026, 10, 10)), absl::Hours(9), absl::Hours(18));
}

TEST(BusinessCalendar, MakeupDayOnAWorkingWeekdayKeepsItsOwnHours) {
  BusinessCalendar::Options o = China2026Options();
  o.hours[5] = WorkingHours{absl::Hours(10), absl::Hours(15)};  // Saturdays
  o.makeup_hours = WorkingHours{absl::Hours(8), absl::Hours(12)};
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok()) << cal.status();
  ExpectHours(cal->HoursOn(LocalDay(2026, 10, 10)), absl::Hours(10), absl::Hours(15));
  // The make-up Sunday has no own hours and takes makeup_hours.
  ExpectHours(cal->HoursOn(LocalDay(2026, 9, 20)), absl::Hours(8), absl::Hours(12));
}

TEST(BusinessCalendar, ZeroBusinessDaysReturnsTheSameInstant) {
  const BusinessCalendar cal = China2026();
  const Timestamp sunday = Cst(2026, 10, 4, 3, 14, 15) + absl::Nanoseconds(9);
  EXPECT_EQ(*cal.AddBusinessDays(sunday, 0), sunday);
}

TEST(BusinessCalendar, BusinessDaysKeepSubseconds) {
  const BusinessCalendar cal = China2026();
  const Timestamp t = Cst(2026, 9, 30, 15) + absl::Microseconds(7);
  EXPECT_EQ(*cal.AddBusinessDays(t, 1), Cst(2026, 10, 8, 15) + absl::Microseconds(7));
}

TEST(BusinessCalendar, NegativeBusinessDaysAreInvalid) {
  EXPECT_EQ(BusinessCalendar::Default().AddBusinessDays(Cst(2026, 9, 30, 15), -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BusinessCalendar, ThousandBusinessDaysFromMondayIsMonday200WeeksLater) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  const Timestamp monday = Cst(2026, 9, 28, 9, 30);
  EXPECT_EQ(*cal.AddBusinessDays(monday, 1000), cal.AddDays(monday, 1400));
}

// Counts working days one by one with IsWorkingDay: a slow, obvious oracle
// for AddBusinessDays, which skips whole weeks.
Timestamp NaiveAddBusinessDays(const BusinessCalendar& cal, Timestamp t, int n) {
  int days = 0;
  while (n > 0) {
    ++days;
    if (cal.IsWorkingDay(cal.DayOf(t) + days)) --n;
  }
  return cal.AddDays(t, days);
}

TEST(BusinessCalendar, BusinessDaysAgreeWithCountingDayByDay) {
  const BusinessCalendar cal = China2026();
  for (int start = 0; start < 21; ++start) {
    const Timestamp t = cal.AddDays(Cst(2026, 9, 10, 16, 45), start);
    for (int n = 1; n <= 40; ++n) {
      EXPECT_EQ(*cal.AddBusinessDays(t, n), NaiveAddBusinessDays(cal, t, n))
          << "start " << cal.DayOf(t) << " n " << n;
    }
  }
}

TEST(BusinessCalendar, CalendarWithoutWorkingDaysIsOutOfRange) {
  BusinessCalendar::Options o;
  o.hours.fill(std::nullopt);
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->AddBusinessDays(Cst(2026, 9, 30, 15), 1).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(cal->AddBusinessHours(Cst(2026, 9, 30, 15), absl::Minutes(1)).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(BusinessCalendar, MoreBusinessDaysThanTenYearsHoldIsOutOfRange) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  // Ten years hold about 2609 weekdays.
  EXPECT_TRUE(cal.AddBusinessDays(Cst(2026, 9, 30, 15), 2500).ok());
  EXPECT_EQ(cal.AddBusinessDays(Cst(2026, 9, 30, 15), 2700).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(BusinessCalendar, MakeupDaysAloneStillCount) {
  // A calendar that works only on listed make-up days.
  BusinessCalendar::Options o;
  o.hours.fill(std::nullopt);
  o.makeup_workdays = {LocalDay(2030, 6, 1)};
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(*cal->AddBusinessDays(Cst(2026, 9, 30, 15), 1), Cst(2030, 6, 1, 15));
  EXPECT_EQ(*cal->AddBusinessHours(Cst(2026, 9, 30, 15), absl::Hours(1)), Cst(2030, 6, 1, 10));
}

// --- Working hours ----------------------------------------------------------

TEST(BusinessCalendar, ServiceHoursIncludeOpeningAndExcludeClosing) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_FALSE(cal.IsWithinServiceHours(Cst(2026, 9, 30, 8, 59, 59)));
  EXPECT_TRUE(cal.IsWithinServiceHours(Cst(2026, 9, 30, 9)));
  EXPECT_TRUE(cal.IsWithinServiceHours(Cst(2026, 9, 30, 17, 59, 59) + absl::Milliseconds(999)));
  EXPECT_FALSE(cal.IsWithinServiceHours(Cst(2026, 9, 30, 18)));
  EXPECT_FALSE(cal.IsWithinServiceHours(Cst(2026, 10, 3, 10)));  // Saturday
}

TEST(BusinessCalendar, ServiceHoursFollowHolidaysAndMakeupDays) {
  const BusinessCalendar cal = China2026();
  EXPECT_FALSE(cal.IsWithinServiceHours(Cst(2026, 10, 1, 10)));
  EXPECT_TRUE(cal.IsWithinServiceHours(Cst(2026, 10, 10, 10)));
  EXPECT_TRUE(cal.IsWithinServiceHours(Cst(2026, 9, 20, 10)));
  // 02:00 UTC on 10 October is 10:00 in China.
  EXPECT_TRUE(cal.IsWithinServiceHours(Utc(2026, 10, 10, 2)));
}

TEST(BusinessCalendar, BusinessHoursSpanAnEvening) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  // Tuesday 17:30 + 1 h: half an hour today, half an hour tomorrow morning.
  EXPECT_EQ(*cal.AddBusinessHours(Cst(2026, 9, 29, 17, 30), absl::Hours(1)),
            Cst(2026, 9, 30, 9, 30));
  // Started in the evening, the clock waits for the next opening.
  EXPECT_EQ(*cal.AddBusinessHours(Cst(2026, 9, 29, 21), absl::Minutes(90)),
            Cst(2026, 9, 30, 10, 30));
  // Started before opening, likewise.
  EXPECT_EQ(*cal.AddBusinessHours(Cst(2026, 9, 29, 7), absl::Hours(1)), Cst(2026, 9, 29, 10));
}

TEST(BusinessCalendar, BusinessHoursSpanAWeekend) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  // Friday 25 September 17:00 + 2 h = Monday 28 September 10:00.
  EXPECT_EQ(*cal.AddBusinessHours(Cst(2026, 9, 25, 17), absl::Hours(2)), Cst(2026, 9, 28, 10));
  // Saturday counts nothing.
  EXPECT_EQ(*cal.AddBusinessHours(Cst(2026, 9, 26, 12), absl::Hours(2)), Cst(2026, 9, 28, 11));
}

TEST(BusinessCalendar, BusinessHoursSkipTheNationalDayHoliday) {
  const BusinessCalendar cal = China2026();
  EXPECT_EQ(*cal.AddBusinessHours(Cst(2026, 9, 30, 17), absl::Hours(2)), Cst(2026, 10, 8, 10));
}

TEST(BusinessCalendar, BusinessHoursEndingAtClosingReturnTheClosingInstant) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_EQ(*cal.AddBusinessHours(Cst(2026, 9, 28, 9), absl::Hours(9)), Cst(2026, 9, 28, 18));
  EXPECT_EQ(*cal.AddBusinessHours(Cst(2026, 9, 28, 9), absl::Hours(9) + absl::Seconds(1)),
            Cst(2026, 9, 29, 9, 0, 1));
}

TEST(BusinessCalendar, FourHundredFiftyBusinessHoursAreFiftyWorkingDays) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  // From Monday 09:00, 50 days of 9 hours end on the Friday of the 10th week.
  EXPECT_EQ(*cal.AddBusinessHours(Cst(2026, 9, 7, 9), absl::Hours(450)),
            cal.AddDays(Cst(2026, 9, 7, 18), 7 * 9 + 4));
}

TEST(BusinessCalendar, BusinessHoursAgreeWithBusinessDaysAcrossHolidays) {
  // k full working days from an opening end at the closing of the k-th
  // working day, which AddBusinessDays finds independently.
  const BusinessCalendar cal = China2026();
  const Timestamp monday_open = Cst(2026, 9, 7, 9);
  for (int k = 1; k <= 80; ++k) {
    EXPECT_EQ(*cal.AddBusinessHours(monday_open, absl::Hours(9) * k),
              *cal.AddBusinessDays(Cst(2026, 9, 7, 18), k - 1))
        << k;
  }
}

TEST(BusinessCalendar, AroundTheClockShopCountsElapsedTime) {
  BusinessCalendar::Options o;
  o.hours.fill(WorkingHours{absl::ZeroDuration(), absl::Hours(24)});
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok()) << cal.status();
  const Timestamp t = Cst(2026, 9, 30, 23, 30);
  EXPECT_EQ(*cal->AddBusinessHours(t, absl::Hours(1000)), t + absl::Hours(1000));
  EXPECT_TRUE(cal->IsWithinServiceHours(Cst(2026, 10, 1, 0)));
  EXPECT_TRUE(cal->IsWithinServiceHours(Cst(2026, 10, 1, 23, 59, 59)));
}

TEST(BusinessCalendar, BusinessHoursRefuseNegativeAndReturnStartForZero) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  const Timestamp t = Cst(2026, 9, 26, 12);  // Saturday
  EXPECT_EQ(cal.AddBusinessHours(t, -absl::Seconds(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*cal.AddBusinessHours(t, absl::ZeroDuration()), t);
}

TEST(BusinessCalendar, TooManyBusinessHoursAreOutOfRange) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  const Timestamp t = Cst(2026, 9, 28, 9);
  // Ten years hold about 2609 days of 9 hours = 23481 hours.
  EXPECT_TRUE(cal.AddBusinessHours(t, absl::Hours(23000)).ok());
  EXPECT_EQ(cal.AddBusinessHours(t, absl::Hours(24000)).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(cal.AddBusinessHours(t, absl::InfiniteDuration()).status().code(),
            absl::StatusCode::kOutOfRange);
}

// --- Extremes ---------------------------------------------------------------

TEST(BusinessCalendar, InfiniteInstantsStayInfiniteOrAreOutOfRange) {
  const BusinessCalendar cal = UsEastern();
  EXPECT_EQ(cal.EndOfDay(absl::InfiniteFuture()), absl::InfiniteFuture());
  EXPECT_EQ(cal.AddDays(absl::InfinitePast(), 3), absl::InfinitePast());
  EXPECT_EQ(cal.AddDays(absl::InfiniteFuture(), -3), absl::InfiniteFuture());
  EXPECT_GT(cal.DayOf(absl::InfiniteFuture()), LocalDay(9999, 12, 31));
  EXPECT_LT(cal.DayOf(absl::InfinitePast()), LocalDay(1, 1, 1));
  EXPECT_EQ(cal.AddBusinessDays(absl::InfiniteFuture(), 1).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(cal.AddBusinessHours(absl::InfinitePast(), absl::Hours(1)).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(cal.StartOfDay(LocalDay(1'000'000'000'000, 1, 1)), absl::InfiniteFuture());
}

TEST(BusinessCalendar, FarDaysStillFollowTheWeek) {
  const BusinessCalendar cal = China2026();
  const LocalDay far(50'000'000'000, 6, 1);
  const bool weekend = absl::GetWeekday(far) == absl::Weekday::saturday ||
                       absl::GetWeekday(far) == absl::Weekday::sunday;
  EXPECT_EQ(cal.IsWorkingDay(far), !weekend);
  EXPECT_EQ(cal.IsWorkingDay(far + 1), absl::GetWeekday(far + 1) != absl::Weekday::saturday &&
                                           absl::GetWeekday(far + 1) != absl::Weekday::sunday);
}

// --- Validation -------------------------------------------------------------

TEST(BusinessCalendar, AcceptsZonesWithMinutes) {
  absl::StatusOr<BusinessCalendar> india = BusinessCalendar::Create(WithZone("Asia/Kolkata"));
  ASSERT_TRUE(india.ok()) << india.status();
  EXPECT_EQ(india->UtcOffsetAt(Utc(2026, 1, 1, 0)), absl::Hours(5) + absl::Minutes(30));
  EXPECT_EQ(india->DayOf(Utc(2026, 1, 1, 18, 29, 59)), LocalDay(2026, 1, 1));
  EXPECT_EQ(india->DayOf(Utc(2026, 1, 1, 18, 30)), LocalDay(2026, 1, 2));

  absl::StatusOr<BusinessCalendar> newfoundland =
      BusinessCalendar::Create(WithZone("America/St_Johns"));
  ASSERT_TRUE(newfoundland.ok()) << newfoundland.status();
  EXPECT_EQ(newfoundland->UtcOffsetAt(Utc(2026, 7, 1, 0)), -(absl::Hours(2) + absl::Minutes(30)));

  absl::StatusOr<BusinessCalendar> utc = BusinessCalendar::Create(WithZone("UTC"));
  ASSERT_TRUE(utc.ok()) << utc.status();
  EXPECT_EQ(utc->UtcOffsetAt(Utc(1900, 7, 1, 0)), absl::ZeroDuration());
  EXPECT_EQ(utc->DayOf(Utc(2026, 1, 1, 23, 59, 59)), LocalDay(2026, 1, 1));
}

// The zone's history, not only its current rule: Shanghai kept daylight
// saving from 1986 to 1991 and local mean time (UTC+08:05:43) before 1901;
// New York's rule changed in 1987 and 2007.
TEST(BusinessCalendar, FollowsTheZonesHistory) {
  const BusinessCalendar shanghai = BusinessCalendar::Default();
  EXPECT_EQ(shanghai.UtcOffsetAt(Utc(1988, 7, 15, 0)), absl::Hours(9));
  EXPECT_EQ(shanghai.UtcOffsetAt(Utc(1988, 12, 15, 0)), absl::Hours(8));
  EXPECT_EQ(shanghai.UtcOffsetAt(Utc(1890, 1, 1, 0)),
            absl::Hours(8) + absl::Minutes(5) + absl::Seconds(43));
  // 1988-07-15 23:30 UTC is 08:30 on the 16th in Shanghai that summer.
  EXPECT_EQ(shanghai.DayOf(Utc(1988, 7, 15, 23, 30)), LocalDay(1988, 7, 16));
  EXPECT_EQ(shanghai.StartOfDay(LocalDay(1988, 7, 16)), Utc(1988, 7, 15, 15));

  const BusinessCalendar ny = UsEastern();
  // 1999: daylight saving began on the first Sunday of April (the 4th).
  EXPECT_EQ(ny.UtcOffsetAt(Utc(1999, 4, 4, 6, 59, 59)), absl::Hours(-5));
  EXPECT_EQ(ny.UtcOffsetAt(Utc(1999, 4, 4, 7)), absl::Hours(-4));
  EXPECT_EQ(ny.UtcOffsetAt(Utc(1999, 3, 20, 12)), absl::Hours(-5));
  // Friday 2 April 1999 17:00 EST + 2 business hours = Monday 5 April 10:00 EDT.
  EXPECT_EQ(*ny.AddBusinessHours(AtOffset(-5, 1999, 4, 2, 17), absl::Hours(2)),
            AtOffset(-4, 1999, 4, 5, 10));
}

TEST(BusinessCalendar, RefusesNamesTheDatabaseDoesNotKnow) {
  for (const char* zone : {
           "",                               // empty
           "CST+08",                         // the old POSIX form
           "CST-08",                         // the TZ variable's form
           "Asia/Shangai",                   // misspelt
           "Asia/Shanghai ",                 // trailing space
           "../etc/passwd",                  // a path
           "/usr/share/zoneinfo/UTC",        // an absolute path
           "localtime",                      // the machine's zone
           "\xe5\x8c\x97\xe4\xba\xac",  // non-ASCII
       }) {
    absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(WithZone(zone));
    EXPECT_EQ(cal.status().code(), absl::StatusCode::kInvalidArgument) << "\"" << zone << "\"";
  }
}

TEST(BusinessCalendar, ZoneErrorNamesTheZone) {
  absl::Status s = BusinessCalendar::Create(WithZone("Mars/Olympus")).status();
  EXPECT_NE(s.message().find("Mars/Olympus"), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("IANA"), absl::string_view::npos) << s;
}

TEST(BusinessCalendar, RefusesHoursOutOfOrderOrOutsideTheDay) {
  const WorkingHours bad[] = {
      {absl::Hours(9), absl::Hours(9)},   // empty
      {absl::Hours(18), absl::Hours(9)},  // reversed
      {absl::Hours(9), absl::Hours(25)},  // past midnight
      {-absl::Hours(1), absl::Hours(9)},  // before midnight
  };
  for (const WorkingHours& h : bad) {
    BusinessCalendar::Options o;
    o.hours[5] = h;
    EXPECT_EQ(CreateCode(o), absl::StatusCode::kInvalidArgument) << h.open << "-" << h.close;
    BusinessCalendar::Options m;
    m.makeup_hours = h;
    EXPECT_EQ(CreateCode(m), absl::StatusCode::kInvalidArgument) << h.open << "-" << h.close;
  }
  BusinessCalendar::Options whole_day;
  whole_day.hours[6] = WorkingHours{absl::ZeroDuration(), absl::Hours(24)};
  EXPECT_EQ(CreateCode(whole_day), absl::StatusCode::kOk);
}

TEST(BusinessCalendar, HoursErrorNamesTheWeekday) {
  BusinessCalendar::Options o;
  o.hours[5] = WorkingHours{absl::Hours(18), absl::Hours(9)};
  absl::Status s = BusinessCalendar::Create(o).status();
  EXPECT_NE(s.message().find("Saturday"), absl::string_view::npos) << s;
}

TEST(BusinessCalendar, RefusesADayThatIsBothHolidayAndMakeupAndNamesIt) {
  BusinessCalendar::Options o = China2026Options();
  o.holidays.push_back(LocalDay(2026, 10, 10));
  absl::Status s = BusinessCalendar::Create(o).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("2026-10-10"), absl::string_view::npos) << s;
}

TEST(BusinessCalendar, DuplicateListedDaysAreHarmless) {
  BusinessCalendar::Options o = China2026Options();
  o.holidays.push_back(LocalDay(2026, 10, 1));
  o.makeup_workdays.push_back(LocalDay(2026, 9, 20));
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_FALSE(cal->IsWorkingDay(LocalDay(2026, 10, 1)));
  EXPECT_TRUE(cal->IsWorkingDay(LocalDay(2026, 9, 20)));
}

TEST(BusinessCalendar, RefusesListedDaysOutsideTheSupportedYears) {
  BusinessCalendar::Options o;
  o.holidays = {LocalDay(12026, 10, 1)};
  EXPECT_EQ(CreateCode(o), absl::StatusCode::kInvalidArgument);
}

// --- Value semantics --------------------------------------------------------

TEST(BusinessCalendar, CopiesOutliveTheOriginal) {
  std::optional<BusinessCalendar> original = China2026();
  const BusinessCalendar copy = *original;
  BusinessCalendar assigned = BusinessCalendar::Default();
  assigned = *original;
  original.reset();
  for (const BusinessCalendar* cal : std::vector<const BusinessCalendar*>{&copy, &assigned}) {
    EXPECT_EQ(cal->options().holidays.size(), 7u);
    EXPECT_EQ(*cal->AddBusinessDays(Cst(2026, 9, 30, 15), 1), Cst(2026, 10, 8, 15));
  }
}

TEST(BusinessCalendar, MovesCarryTheCalendarAndLeaveTheSourceValid) {
  BusinessCalendar source = China2026();
  BusinessCalendar moved(std::move(source));
  EXPECT_FALSE(moved.IsWorkingDay(LocalDay(2026, 10, 1)));
  BusinessCalendar assigned = BusinessCalendar::Default();
  assigned = std::move(moved);
  EXPECT_FALSE(assigned.IsWorkingDay(LocalDay(2026, 10, 1)));
  // Documented: a moved-from calendar is still the same calendar.
  // NOLINTNEXTLINE(bugprone-use-after-move)
  EXPECT_FALSE(source.IsWorkingDay(LocalDay(2026, 10, 1)));
}

}  // namespace
}  // namespace kefu
