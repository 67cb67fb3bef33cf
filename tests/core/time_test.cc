#include "kefu/core/time.h"

#include <thread>
#include <vector>

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
