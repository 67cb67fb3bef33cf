// kefu/core/time.h: the one timestamp type of kefu's API, and clocks.
//
// A Timestamp is an absl::Time: an absolute instant, independent of any time
// zone. Durations are absl::Duration. Local dates and clock times exist only
// through a BusinessCalendar (kefu/core/calendar.h), which knows the shop's
// zone.
//
// Nothing in kefu reads the wall clock on its own: time arrives in events or
// from a Clock the host injects. SystemClock is the only type that reads the
// wall clock, and only when the host calls Now().
//
// Thread safety: Timestamp and Duration are values. SystemClock and
// ManualClock are safe to share across threads; ManualClock::Set and Advance
// may race with Now() and each Now() sees either the old or the new time.
#ifndef KEFU_CORE_TIME_H_
#define KEFU_CORE_TIME_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kefu/core/export.h"

namespace kefu {

using Timestamp = absl::Time;
using Duration = absl::Duration;

// Parses an RFC 3339 timestamp with an explicit offset, e.g.
// "2026-10-01T09:30:00+08:00" or "2026-10-01T01:30:00Z"; fractional seconds
// are allowed. Returns kInvalidArgument for anything else (including a time
// with no offset: kefu never guesses a zone, and a leap second such as
// "2016-12-31T23:59:60Z": kefu's times have none, and it is refused rather
// than read as the next minute).
KEFU_EXPORT absl::StatusOr<Timestamp> ParseTimestamp(std::string_view text);

// The years an event may be dated in: 2000 to 2199, counted at UTC+08:00
// (China Standard Time, the offset kefu writes times at and the default
// shop calendar's zone). A date outside them is a mistake, not a shop's
// event (a default 0001-01-01, 9999-12-31 for "never", a typo in the
// year), and taking it would make every deadline fall due at once.
inline constexpr int kFirstEventYear = 2000;
inline constexpr int kLastEventYear = 2199;

// OK when `t` lies in [2000-01-01T00:00:00+08:00, 2200-01-01T00:00:00+08:00),
// the years kFirstEventYear to kLastEventYear at UTC+08:00. Otherwise
// kInvalidArgument naming the year, e.g. "year 9999 is outside the years
// an event may have, 2000 to 2199 (at UTC+08:00)", or "not a finite time"
// for absl::InfinitePast() and InfiniteFuture(). ParseEvent (kefu/io/
// events.h) checks every event's `at` with it.
KEFU_EXPORT absl::Status CheckEventTime(Timestamp t);

// Formats `t` as RFC 3339 at the given UTC offset, with seconds and no
// fraction unless `t` has one: "2026-10-01T09:30:00+08:00". The offset must be
// a whole number of minutes within ±18 h; other values are clamped to that.
KEFU_EXPORT std::string FormatTimestamp(Timestamp t, Duration utc_offset = absl::Hours(8));

// A source of the current time, injected wherever kefu needs "now".
class KEFU_EXPORT Clock {
 public:
  virtual ~Clock();
  virtual Timestamp Now() const = 0;
};

// Reads the system's wall clock.
class KEFU_EXPORT SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that moves only when told, for tests and replays.
class KEFU_EXPORT ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = absl::UnixEpoch());
  Timestamp Now() const override;
  void Set(Timestamp t);
  // Moves the clock by `d` (which may be negative).
  void Advance(Duration d);

 private:
  std::atomic<int64_t> nanos_;  // since the Unix epoch
};

}  // namespace kefu

#endif  // KEFU_CORE_TIME_H_
