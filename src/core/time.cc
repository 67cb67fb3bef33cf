// Timestamp text conversion and the two clocks.
#include "kefu/core/time.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/absl_compat.h"
#include "core/event_time.h"

namespace kefu {
namespace {

// absl::ParseTime reads second 60 as second 0 of the next minute. Called on
// a text it parsed: there no minute, hour or offset can be 60, so ":60" is
// the seconds field.
bool IsLeapSecond(std::string_view text) { return text.find(":60") != std::string_view::npos; }

}  // namespace

absl::StatusOr<Timestamp> ParseTimestamp(std::string_view text) {
  // %Ez accepts "Z", "+08:00" and "-05:00"; %E*S accepts fractional seconds.
  // RFC 3339 requires the offset, so a text without one is refused rather
  // than read in some default zone.
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", std::string(text), &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not an RFC 3339 time with offset (e.g. \"2026-10-01T09:30:00+08:00\"): \"", internal::ToAbsl(text),
        "\": ", err));
  }
  if (IsLeapSecond(text)) {
    return absl::InvalidArgumentError(
        absl::StrCat("a leap second (second 60) is not a time kefu takes: \"",
                     internal::ToAbsl(text), "\""));
  }
  return t;
}

absl::Status CheckEventTime(Timestamp t) {
  if (internal::InEventYears(t)) return absl::OkStatus();
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("not a finite time");
  }
  static const absl::TimeZone kZone = absl::FixedTimeZone(8 * 3600);
  return absl::InvalidArgumentError(
      absl::StrCat("year ", absl::ToCivilYear(t, kZone).year(),
                   " is outside the years an event may have, ", kFirstEventYear, " to ",
                   kLastEventYear, " (at UTC+08:00)"));
}

std::string FormatTimestamp(Timestamp t, Duration utc_offset) {
  const int64_t limit = 18 * 3600;
  const int64_t seconds = std::clamp<int64_t>(absl::ToInt64Seconds(utc_offset), -limit, limit);
  const absl::TimeZone zone = absl::FixedTimeZone(static_cast<int>(seconds - seconds % 60));
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", t, zone);
}

Clock::~Clock() = default;

Timestamp SystemClock::Now() const { return absl::Now(); }

ManualClock::ManualClock(Timestamp start) : nanos_(absl::ToUnixNanos(start)) {}

Timestamp ManualClock::Now() const {
  return absl::FromUnixNanos(nanos_.load(std::memory_order_acquire));
}

void ManualClock::Set(Timestamp t) { nanos_.store(absl::ToUnixNanos(t), std::memory_order_release); }

void ManualClock::Advance(Duration d) {
  nanos_.fetch_add(absl::ToInt64Nanoseconds(d), std::memory_order_acq_rel);
}

}  // namespace kefu
