// kefu/core/calendar.h: the shop's business calendar, on which every deadline
// of the rules catalogue is computed.
//
// A BusinessCalendar knows the shop's time zone, its working hours for each
// weekday, its holidays and its make-up working days (调休: a Saturday or
// Sunday worked in exchange for a holiday), all given as data. It answers
// the questions the rules ask: which local day an instant falls on, the end
// of that day, N calendar days later, N business days or hours later, and
// whether an instant lies within service hours.
//
// Thread safety: a BusinessCalendar is immutable after Create(); all methods
// are const and safe to call from any number of threads at once.
#ifndef KEFU_CORE_CALENDAR_H_
#define KEFU_CORE_CALENDAR_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kefu/core/export.h"
#include "kefu/core/time.h"

namespace kefu {

// A local calendar date in the shop's zone, e.g. absl::CivilDay(2026, 10, 1).
using LocalDay = absl::CivilDay;

// Opening and closing local clock time of a working day, as offsets from
// local midnight: {absl::Hours(9), absl::Hours(18) + absl::Minutes(30)}.
// REQUIRES (checked by Create): 0 <= open < close <= 24 h.
struct WorkingHours {
  Duration open;
  Duration close;
};

class KEFU_EXPORT BusinessCalendar {
 public:
  struct Options {
    // The shop's zone as an IANA time zone name ("Asia/Shanghai",
    // "America/New_York", "UTC"), read from the system's time zone database
    // ($TZDIR, else /usr/share/zoneinfo; Debian's tzdata) with its whole
    // history: Shanghai's daylight saving of 1986-1991 and its local mean
    // time before 1901 are what they were. Fixed offsets are written as the
    // database writes them ("Etc/GMT-8" is UTC+8: the Etc names keep POSIX's
    // reversed sign) or as "Fixed/UTC+08:00:00". "localtime" is refused: a
    // shop's deadlines must not depend on the machine it runs on.
    std::string time_zone = "Asia/Shanghai";
    // Working hours per weekday, indexed by absl::Weekday order starting
    // on Monday: [0] = Monday ... [6] = Sunday. nullopt = not a working day.
    // Default: Monday to Friday, 09:00-18:00.
    std::array<std::optional<WorkingHours>, 7> hours = DefaultHours();
    // Days off although their weekday normally works (public holidays).
    // Years 1400-9999; order and duplicates do not matter.
    std::vector<LocalDay> holidays;
    // Days worked although their weekday normally does not (调休).
    // Years 1400-9999; a day may not be in both lists.
    std::vector<LocalDay> makeup_workdays;
    // Working hours on a make-up day whose weekday has no hours; nullopt =
    // Monday's hours, or 09:00-18:00 when Monday does not work. A make-up
    // day whose weekday has hours keeps them.
    std::optional<WorkingHours> makeup_hours;

    KEFU_EXPORT static std::array<std::optional<WorkingHours>, 7> DefaultHours();
  };

  // Validates `options` and builds the calendar. kInvalidArgument when the
  // zone is not a name the time zone database knows, working hours are out
  // of order or outside the day, a listed day is outside years 1400-9999, or
  // a day is both a holiday and a make-up day (the message names it).
  static absl::StatusOr<BusinessCalendar> Create(Options options);

  // Asia/Shanghai (China Standard Time), Monday-Friday 09:00-18:00, no
  // holidays. On a system without a time zone database it is UTC+8 at all
  // times, which is Shanghai's offset since 1991.
  static BusinessCalendar Default();

  // Copies share the immutable state and are cheap. Moving copies too, so a
  // moved-from calendar is still the same valid calendar.
  BusinessCalendar(const BusinessCalendar&);
  BusinessCalendar& operator=(const BusinessCalendar&);
  BusinessCalendar(BusinessCalendar&&) noexcept;
  BusinessCalendar& operator=(BusinessCalendar&&) noexcept;
  ~BusinessCalendar();

  const Options& options() const;

  // Converting a local clock time to an instant: a time skipped by a
  // daylight-saving change (02:30 on a spring-forward night) gives the
  // instant of the change (03:00 new time); a time that occurs twice gives
  // the earlier instant. This is absl::FromCivil's choice, and it keeps the
  // conversion in order: a later local time never gives an earlier instant.
  // EndOfDay and AddDays return an infinite instant unchanged.

  // The local day `t` falls on, and the offset from UTC in force at `t`.
  LocalDay DayOf(Timestamp t) const;
  Duration UtcOffsetAt(Timestamp t) const;
  // Local midnight at the start of `day`, as an instant.
  Timestamp StartOfDay(LocalDay day) const;
  // The end of the local day `t` falls on: the first instant of the next
  // day. A deadline due at EndOfDay(t) is met by anything strictly before it.
  Timestamp EndOfDay(Timestamp t) const;
  // The instant a host's end-of-day tick sent at `t` stands for. Hosts and
  // documents write the day's end as 23:59:59 (cron jobs, reports); any `t`
  // in the last second of its local day is that day's end, EndOfDay(t); any
  // other `t` is itself. An infinite instant is returned unchanged.
  Timestamp DayEndTick(Timestamp t) const;

  // The same local clock time `n` calendar days later (n may be negative).
  // Across a daylight-saving change the local time is kept, not the hours.
  Timestamp AddDays(Timestamp t, int n) const;

  // True when `day` is a working day: its weekday has hours and it is not a
  // holiday, or it is a make-up working day.
  bool IsWorkingDay(LocalDay day) const;
  // The working hours of `day`, or nullopt when it is not a working day.
  std::optional<WorkingHours> HoursOn(LocalDay day) const;
  // True when `t` lies on a working day within [open, close) of that day.
  bool IsWithinServiceHours(Timestamp t) const;

  // The same local clock time on the `n`-th working day after the day of `t`
  // (n >= 0; n == 0 returns t). Friday 15:00 + 1 business day is Monday
  // 15:00 unless Monday is a holiday; Saturday 15:00 + 1 is also Monday
  // 15:00. kInvalidArgument for n < 0; kOutOfRange when fewer than n working
  // days exist in the next ten years or `t` is infinite.
  absl::StatusOr<Timestamp> AddBusinessDays(Timestamp t, int n) const;

  // The instant at which `d` of working time has elapsed from `t`, counting
  // only time within working hours (time before opening or on days off does
  // not count). When `d` runs out exactly at a closing time, the result is
  // that closing instant, not the next opening. d == 0 returns t.
  // kInvalidArgument for d < 0; kOutOfRange when the calendar has too little
  // working time in the next ten years or `t` is infinite.
  absl::StatusOr<Timestamp> AddBusinessHours(Timestamp t, Duration d) const;

 private:
  struct Impl;
  explicit BusinessCalendar(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace kefu

#endif  // KEFU_CORE_CALENDAR_H_
