#include "kefu/core/time.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/time/civil_time.h"
#include "core/event_time.h"
#include "gtest/gtest.h"

namespace kefu {
namespace {

TEST(ParseTimestamp, ReadsOffsetsAndUtc) {
  auto a = ParseTimestamp("2026-10-01T09:30:00+08:00");
  auto b = ParseTimestamp("2026-10-01T01:30:00Z");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(absl::ToUnixSeconds(*a), 1790818200);
  auto frac = ParseTimestamp("2026-10-01T01:30:00.250Z");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(*frac - *b, absl::Milliseconds(250));
}

TEST(ParseTimestamp, RefusesTimesWithoutOffsetAndGarbage) {
  for (const char* bad : {"2026-10-01T09:30:00", "2026-10-01", "yesterday", "",
                          "2026-13-01T09:30:00+08:00", "2026-10-01T09:30:00+08:00 extra"}) {
    EXPECT_EQ(ParseTimestamp(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ParseTimestamp, RefusesALeapSecondInsteadOfReadingTheNextMinute) {
  // absl::ParseTime alone reads 23:59:60 as 00:00:00 of the next day.
  for (const char* leap : {"2016-12-31T23:59:60Z", "2016-12-31T23:59:60.5Z",
                           "2026-11-02T09:15:60+08:00", "2016-12-31t23:59:60z"}) {
    absl::StatusOr<Timestamp> t = ParseTimestamp(leap);
    ASSERT_FALSE(t.ok()) << leap << " read as " << FormatTimestamp(*t);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(t.status().message(),
              std::string("a leap second (second 60) is not a time kefu takes: \"") + leap + "\"");
  }
  // Second 59 and a minute or an offset of 60-something are not leap seconds.
  EXPECT_TRUE(ParseTimestamp("2016-12-31T23:59:59Z").ok());
  EXPECT_TRUE(ParseTimestamp("2016-12-31T23:59:59.999+08:00").ok());
}

// The day count the event reader and the bounds below use
// (internal::DaysFromCivil) is absl's, for every day of 1600 to 2500 and
// around year 0.
TEST(CheckEventTime, DaysFromCivilCountsAsAbslDoes) {
  const absl::CivilDay epoch(1970, 1, 1);
  for (absl::CivilDay d(1600, 1, 1); d < absl::CivilDay(2501, 1, 1); ++d) {
    ASSERT_EQ(internal::DaysFromCivil(d.year(), d.month(), d.day()), d - epoch) << d;
  }
  for (absl::CivilDay d(-399, 1, 1); d < absl::CivilDay(2, 1, 1); ++d) {
    ASSERT_EQ(internal::DaysFromCivil(d.year(), d.month(), d.day()), d - epoch) << d;
  }
  static_assert(internal::DaysFromCivil(1970, 1, 1) == 0);
  static_assert(internal::DaysFromCivil(2000, 3, 1) == 11017);
}

// The constants the hot path checks against (core/event_time.h) are the
// civil new years at UTC+08:00, and InEventYears is CheckEventTime's ok().
TEST(CheckEventTime, TheInlineBoundsAreTheCivilNewYears) {
  const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  for (int year = 1600; year <= 2500; ++year) {
    ASSERT_EQ(internal::NewYearAtUtcPlus8(year),
              absl::FromCivil(absl::CivilSecond(year, 1, 1), zone))
        << year;
  }
  const Timestamp first = internal::kFirstEventTime;
  const Timestamp end = internal::kEventTimeEnd;
  for (const Timestamp t :
       {first, first - absl::Nanoseconds(1), end, end - absl::Nanoseconds(1),
        absl::InfinitePast(), absl::InfiniteFuture(), absl::UnixEpoch(),
        first + absl::Hours(24 * 365 * 100)}) {
    EXPECT_EQ(internal::InEventYears(t), CheckEventTime(t).ok()) << t;
  }
  EXPECT_TRUE(internal::InEventYears(first));
  EXPECT_FALSE(internal::InEventYears(end));
}

TEST(CheckEventTime, TakesTheYears2000To2199AtUtcPlus8) {
  const auto at = [](const char* text) { return ParseTimestamp(text).value(); };
  EXPECT_TRUE(CheckEventTime(at("2000-01-01T00:00:00+08:00")).ok());
  EXPECT_TRUE(CheckEventTime(at("2026-11-02T09:15:00+08:00")).ok());
  EXPECT_TRUE(CheckEventTime(at("2199-12-31T23:59:59.999999999+08:00")).ok());
  EXPECT_TRUE(CheckEventTime(at("2199-12-31T15:59:59Z")).ok());

  const absl::Status before = CheckEventTime(at("1999-12-31T23:59:59.999+08:00"));
  EXPECT_EQ(before.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(before.message(),
            "year 1999 is outside the years an event may have, 2000 to 2199 (at UTC+08:00)");
  const absl::Status after = CheckEventTime(at("2200-01-01T00:00:00+08:00"));
  EXPECT_EQ(after.message(),
            "year 2200 is outside the years an event may have, 2000 to 2199 (at UTC+08:00)");
  // The year is the one at UTC+08:00, whatever offset the time was read at.
  EXPECT_EQ(CheckEventTime(at("2199-12-31T16:00:00Z")).message(), after.message());
  EXPECT_EQ(CheckEventTime(at("9999-12-31T10:00:00+08:00")).message(),
            "year 9999 is outside the years an event may have, 2000 to 2199 (at UTC+08:00)");
  EXPECT_EQ(CheckEventTime(absl::UnixEpoch()).message(),
            "year 1970 is outside the years an event may have, 2000 to 2199 (at UTC+08:00)");
  EXPECT_EQ(CheckEventTime(absl::InfinitePast()).message(), "not a finite time");
  EXPECT_EQ(CheckEventTime(absl::InfiniteFuture()).message(), "not a finite time");
  EXPECT_EQ(kFirstEventYear, 2000);
  EXPECT_EQ(kLastEventYear, 2199);
}

TEST(FormatTimestamp, WritesRfc3339AtTheGivenOffset) {
  const Timestamp t = absl::FromUnixSeconds(1790818200);
  EXPECT_EQ(FormatTimestamp(t), "2026-10-01T09:30:00+08:00");
  EXPECT_EQ(FormatTimestamp(t, absl::ZeroDuration()), "2026-10-01T01:30:00+00:00");
  EXPECT_EQ(FormatTimestamp(t, absl::Hours(-5)), "2026-09-30T20:30:00-05:00");
  EXPECT_EQ(*ParseTimestamp(FormatTimestamp(t + absl::Milliseconds(5))),
            t + absl::Milliseconds(5));
}

TEST(ManualClock, MovesOnlyWhenTold) {
  const Timestamp start = absl::FromUnixSeconds(1790818200);
  ManualClock clock(start);
  EXPECT_EQ(clock.Now(), start);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(absl::Hours(25));
  EXPECT_EQ(clock.Now(), start + absl::Hours(25));
  clock.Advance(-absl::Hours(1));
  EXPECT_EQ(clock.Now(), start + absl::Hours(24));
  clock.Set(start);
  EXPECT_EQ(clock.Now(), start);
}

TEST(ManualClock, IsSafeToAdvanceFromSeveralThreads) {
  ManualClock clock(absl::UnixEpoch());
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 1000; ++j) clock.Advance(absl::Seconds(1));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.Now(), absl::UnixEpoch() + absl::Seconds(4000));
}

TEST(SystemClock, ReadsTheWallClockThroughTheInterface) {
  SystemClock system;
  const Clock& clock = system;
  const Timestamp a = clock.Now();
  const Timestamp b = clock.Now();
  EXPECT_LE(a, b);
  EXPECT_GT(a, *ParseTimestamp("2020-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace kefu
