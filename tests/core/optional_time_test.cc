// OptionalTime (src/core/optional_time.h): a std::optional<Timestamp> in 16
// bytes that gives back every time as it was given.
#include "core/optional_time.h"

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace kefu::internal {
namespace {

TEST(OptionalTime, EmptyUntilSetAndAfterReset) {
  OptionalTime t;
  EXPECT_FALSE(t.has_value());
  EXPECT_EQ(t.get(), std::nullopt);
  t = absl::FromUnixSeconds(1);
  EXPECT_TRUE(t.has_value());
  t.reset();
  EXPECT_FALSE(t.has_value());
  t = absl::FromUnixSeconds(1);
  t = std::optional<Timestamp>();
  EXPECT_FALSE(t.has_value());
}

TEST(OptionalTime, EveryTimeComesBackAsGiven) {
  const absl::Duration tick = absl::Nanoseconds(1) / 4;
  const Timestamp base = absl::FromUnixSeconds(1793000000);  // November 2026
  const std::vector<Timestamp> times = {
      base,
      base + absl::Milliseconds(250),
      base + absl::Nanoseconds(999999999),
      base + tick,                  // absl::Time's finest step
      base + absl::Seconds(1) - tick,
      absl::UnixEpoch(),
      absl::UnixEpoch() - tick,     // before 1970: seconds round down
      absl::FromUnixSeconds(-62135596800) + absl::Microseconds(7),  // year 1
      absl::FromUnixSeconds(253402300799) + absl::Nanoseconds(3),   // year 9999
      absl::InfinitePast(),
      absl::InfiniteFuture(),
  };
  for (const Timestamp& time : times) {
    SCOPED_TRACE(absl::FormatTime(time));
    OptionalTime t;
    t = time;
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(*t, time);
    EXPECT_EQ(t.get(), std::optional<Timestamp>(time));
    EXPECT_EQ(OptionalTime(std::optional<Timestamp>(time)).get(), std::optional<Timestamp>(time));
  }
}

}  // namespace
}  // namespace kefu::internal
