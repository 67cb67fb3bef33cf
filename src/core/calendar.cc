// The business calendar. The zone comes from the system's time zone database
// through absl (cctz), loaded once in Create(); every query works on "local
// seconds" (seconds since 1970-01-01 00:00 local time) and "day numbers"
// (local days since 1970-01-01). Instants after the zone's last change of
// offset (1991 for Asia/Shanghai) are plain integer arithmetic; only zones
// that still change (daylight saving) or instants before that change ask
// absl for the offset.
#include "kefu/core/calendar.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kefu {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

// Instants further than this from the epoch (about 2.3 billion years) are
// clamped before any arithmetic, and local times beyond it map to an infinite
// Timestamp. This keeps every intermediate sum far from int64 overflow.
constexpr int64_t kLocalLimit = int64_t{1} << 56;
// Days beyond this year are treated as beyond kLocalLimit: their day number
// times 86400 must stay below kLocalLimit, and absl's civil-day difference
// must not overflow.
constexpr int64_t kMaxYear = 2'000'000'000;
// Listed holidays and make-up days must lie in these years: they are real
// dates, not the far instants the arithmetic above guards against.
constexpr int64_t kFirstListedYear = 1400;
constexpr int64_t kLastListedYear = 9999;

// The longest search AddBusinessDays and AddBusinessHours make.
constexpr int kSearchYears = 10;

constexpr const char* kWeekdayNames[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday"};

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

const absl::CivilDay kEpochDay(1970, 1, 1);

bool DayInRange(LocalDay day) { return day.year() >= -kMaxYear && day.year() <= kMaxYear; }

// REQUIRES: DayInRange(day).
int64_t DayNumber(LocalDay day) { return day - kEpochDay; }
// Day number -> date by Howard Hinnant's civil_from_days: DayOf is on the hot
// path, and this is several times faster than absl's `kEpochDay + dn`, which
// steps through years. REQUIRES: the year fits in int64 (|dn| < 2^56 does).
LocalDay DayFromNumber(int64_t dn) {
  const int64_t z = dn + 719468;  // days since 0000-03-01
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);             // [1, 31]
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);              // [1, 12]
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return LocalDay(year, month, day);
}
// 0 = Monday ... 6 = Sunday, the index of Options::hours. 1970-01-01 was a
// Thursday.
int WeekdayIndex(int64_t dn) { return static_cast<int>(dn + 3 - FloorDiv(dn + 3, 7) * 7); }

// The day number ten years after `dn`: the last day a bounded search looks
// at. Same month and day (29 February normalizes to 1 March).
int64_t SearchLimit(int64_t dn) {
  LocalDay day = DayFromNumber(dn);
  return DayNumber(LocalDay(day.year() + kSearchYears, day.month(), day.day()));
}

// ---------------------------------------------------------------------------
// Zones.

const absl::CivilSecond kEpochSecond(1970, 1, 1, 0, 0, 0);

absl::Status BadZone(absl::string_view zone, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("time_zone \"", zone, "\" ", why,
                                                 ": give an IANA zone name such as "
                                                 "\"Asia/Shanghai\""));
}

// Loads an IANA zone by name. Only names the database could hold reach absl:
// no path ("/etc/..", ".."), no "localtime" (the machine's own zone).
absl::Status LoadZone(const std::string& name, absl::TimeZone* tz) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos ||
      name == "localtime") {
    return BadZone(name, "is not a zone name");
  }
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+' || c == ':';
    if (!ok) return BadZone(name, "is not a zone name");
  }
  if (!absl::LoadTimeZone(name, tz)) {
    return BadZone(name, "is unknown to the time zone database");
  }
  return absl::OkStatus();
}

std::string FormatHours(const WorkingHours& h) {
  return absl::StrCat(absl::FormatDuration(h.open), "-", absl::FormatDuration(h.close));
}

bool HoursValid(const WorkingHours& h) {
  return h.open >= absl::ZeroDuration() && h.open < h.close && h.close <= absl::Hours(24);
}

}  // namespace

// ---------------------------------------------------------------------------

struct BusinessCalendar::Impl {
  enum class DayKind : uint8_t { kHoliday, kMakeup };
  struct SpecialDay {
    int64_t dn;
    DayKind kind;
  };

  Options options;
  absl::TimeZone zone;
  // From UTC second `final_utc` on, the offset is `final_offset` for ever;
  // local readings from `final_local` on are unambiguous on it. INT64_MIN
  // for a fixed zone, INT64_MAX for a zone that still changes (daylight
  // saving). Every instant of Asia/Shanghai after 1991 takes this path,
  // which asks absl nothing.
  int64_t final_utc = std::numeric_limits<int64_t>::max();
  int64_t final_local = std::numeric_limits<int64_t>::max();
  int64_t final_offset = 0;
  std::array<std::optional<WorkingHours>, 7> weekly;
  // Hours of a make-up day whose weekday has none (always set).
  std::optional<WorkingHours> makeup_hours;
  // Holidays and make-up days, sorted by day number, unique.
  std::vector<SpecialDay> special;
  // Working days and working time of a week with no special day, to let the
  // business-day searches skip whole weeks.
  int weekly_days = 0;
  Duration weekly_time;

  // --- offsets --------------------------------------------------------------

  // Finds the zone's last change of offset, when it has one. A zone whose
  // changes go on (cctz extends its rule into the future) has none.
  void FindFinalOffset() {
    // Past every change tzdata has announced for a fixed zone.
    const absl::Time probe = absl::FromUnixSeconds(4102444800);  // 2100-01-01 UTC
    absl::TimeZone::CivilTransition tr;
    if (zone.NextTransition(probe, &tr)) return;  // daylight saving goes on
    final_offset = zone.At(probe).offset;
    if (!zone.PrevTransition(probe, &tr)) {
      final_utc = final_local = std::numeric_limits<int64_t>::min();
      return;
    }
    // The change moved the clock from `from` to `to`: the offset before it
    // was final_offset - (to - from).
    const int64_t before = final_offset - (tr.to - tr.from);
    final_utc = (tr.to - kEpochSecond) - final_offset;
    final_local = final_utc + std::max(before, final_offset);
  }

  int64_t OffsetAtUtc(int64_t utc) const {
    if (utc >= final_utc) return final_offset;
    return zone.At(absl::FromUnixSeconds(utc)).offset;
  }

  // The UTC seconds of a local clock reading. A reading skipped by a forward
  // change (02:30 on a spring-forward night) maps to the change itself (03:00
  // new time); a reading that occurs twice maps to the earlier instant. This
  // is absl::FromCivil's choice, and it keeps the conversion in order: a
  // later local time never gives an earlier instant (the "pre" offset would
  // map 02:30 to 03:30, after 03:00). Sets *skipped for a skipped reading.
  int64_t LocalToUtc(int64_t local, bool* skipped) const {
    *skipped = false;
    if (local >= final_local) return local - final_offset;
    const absl::TimeZone::TimeInfo info = zone.At(kEpochSecond + local);
    if (info.kind == absl::TimeZone::TimeInfo::SKIPPED) {
      *skipped = true;
      return absl::ToUnixSeconds(info.trans);
    }
    return absl::ToUnixSeconds(info.pre);  // the earlier of a repeated reading
  }

  // Local seconds of `t`; *sub gets the sub-second rest, in [0, 1s).
  int64_t LocalSeconds(Timestamp t, Duration* sub) const {
    int64_t secs = absl::ToUnixSeconds(t);  // rounds toward the past
    if (secs >= kLocalLimit || secs <= -kLocalLimit) {
      secs = Clamp(secs, -kLocalLimit, kLocalLimit);
      *sub = absl::ZeroDuration();
    } else {
      *sub = t - absl::FromUnixSeconds(secs);
    }
    return secs + OffsetAtUtc(secs);
  }

  // The instant of local seconds `local` plus `sub` (in [0, 1s) or any
  // sub-second rest). A skipped reading gives the instant of the change
  // without `sub`, so that results stay in order within the gap too.
  Timestamp FromLocal(int64_t local, Duration sub = absl::ZeroDuration()) const {
    if (local >= kLocalLimit) return absl::InfiniteFuture();
    if (local <= -kLocalLimit) return absl::InfinitePast();
    bool skipped;
    const int64_t utc = LocalToUtc(local, &skipped);
    return absl::FromUnixSeconds(utc) + (skipped ? absl::ZeroDuration() : sub);
  }

  // The instant at local clock time `tod` (>= 0) on day `dn`.
  Timestamp AtLocal(int64_t dn, Duration tod) const {
    Duration rest;
    const int64_t secs = absl::IDivDuration(tod, absl::Seconds(1), &rest);
    return FromLocal(dn * kSecondsPerDay + secs, rest);
  }

  // --- days -----------------------------------------------------------------

  const SpecialDay* FindSpecial(int64_t dn) const {
    auto it = std::lower_bound(special.begin(), special.end(), dn,
                               [](const SpecialDay& s, int64_t v) { return s.dn < v; });
    return (it != special.end() && it->dn == dn) ? &*it : nullptr;
  }

  // True when a holiday or make-up day lies in [first, last].
  bool AnySpecialIn(int64_t first, int64_t last) const {
    auto it = std::lower_bound(special.begin(), special.end(), first,
                               [](const SpecialDay& s, int64_t v) { return s.dn < v; });
    return it != special.end() && it->dn <= last;
  }

  const std::optional<WorkingHours>& HoursOnDn(int64_t dn) const {
    static const std::optional<WorkingHours> kNone;
    const std::optional<WorkingHours>& regular = weekly[WeekdayIndex(dn)];
    if (const SpecialDay* s = FindSpecial(dn)) {
      if (s->kind == DayKind::kHoliday) return kNone;
      // A make-up day on a weekday that works anyway keeps that weekday's
      // hours (a shop open on Saturdays keeps its Saturday hours).
      if (!regular.has_value()) return makeup_hours;
    }
    return regular;
  }
};

// ---------------------------------------------------------------------------

std::array<std::optional<WorkingHours>, 7> BusinessCalendar::Options::DefaultHours() {
  const WorkingHours day{absl::Hours(9), absl::Hours(18)};
  return {day, day, day, day, day, std::nullopt, std::nullopt};
}

absl::StatusOr<BusinessCalendar> BusinessCalendar::Create(Options options) {
  auto impl = std::make_shared<Impl>();

  // Zone.
  if (absl::Status s = LoadZone(options.time_zone, &impl->zone); !s.ok()) return s;
  impl->FindFinalOffset();

  // Hours.
  for (int i = 0; i < 7; ++i) {
    if (options.hours[i].has_value() && !HoursValid(*options.hours[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("working hours of ", kWeekdayNames[i], " (hours[", i, "]) are ",
                       FormatHours(*options.hours[i]), "; they need 0 <= open < close <= 24h"));
    }
    impl->weekly[i] = options.hours[i];
    if (options.hours[i].has_value()) {
      ++impl->weekly_days;
      impl->weekly_time += options.hours[i]->close - options.hours[i]->open;
    }
  }
  if (options.makeup_hours.has_value() && !HoursValid(*options.makeup_hours)) {
    return absl::InvalidArgumentError(absl::StrCat("makeup_hours are ",
                                                   FormatHours(*options.makeup_hours),
                                                   "; they need 0 <= open < close <= 24h"));
  }
  if (options.makeup_hours.has_value()) {
    impl->makeup_hours = options.makeup_hours;
  } else if (options.hours[0].has_value()) {
    impl->makeup_hours = options.hours[0];
  } else {
    impl->makeup_hours = WorkingHours{absl::Hours(9), absl::Hours(18)};
  }

  // Holidays and make-up days.
  auto add_days = [&](const std::vector<LocalDay>& days, Impl::DayKind kind,
                      absl::string_view what) -> absl::Status {
    for (const LocalDay& d : days) {
      if (d.year() < kFirstListedYear || d.year() > kLastListedYear) {
        return absl::InvalidArgumentError(absl::StrCat(what, " ", absl::FormatCivilTime(d),
                                                       " is outside ", "the years ",
                                                       kFirstListedYear, "-", kLastListedYear));
      }
      impl->special.push_back({DayNumber(d), kind});
    }
    return absl::OkStatus();
  };
  if (absl::Status s = add_days(options.holidays, Impl::DayKind::kHoliday, "holiday"); !s.ok()) {
    return s;
  }
  if (absl::Status s =
          add_days(options.makeup_workdays, Impl::DayKind::kMakeup, "make-up working day");
      !s.ok()) {
    return s;
  }
  std::sort(impl->special.begin(), impl->special.end(),
            [](const Impl::SpecialDay& a, const Impl::SpecialDay& b) {
              return a.dn < b.dn || (a.dn == b.dn && a.kind < b.kind);
            });
  // Duplicates within one list are harmless; a day in both is a contradiction
  // the shop must resolve.
  std::vector<Impl::SpecialDay> unique;
  unique.reserve(impl->special.size());
  for (const Impl::SpecialDay& s : impl->special) {
    if (!unique.empty() && unique.back().dn == s.dn) {
      if (unique.back().kind != s.kind) {
        return absl::InvalidArgumentError(
            absl::StrCat(absl::FormatCivilTime(DayFromNumber(s.dn)),
                         " is both a holiday and a make-up working day"));
      }
      continue;
    }
    unique.push_back(s);
  }
  impl->special = std::move(unique);

  impl->options = std::move(options);
  return BusinessCalendar(std::move(impl));
}

BusinessCalendar BusinessCalendar::Default() {
  // Built once: Default() sits on hot paths of hosts that never configure a
  // calendar. Create() fails on the default options only when the system has
  // no time zone database; Shanghai's offset since 1991 then stands in.
  static const std::shared_ptr<const Impl>* const kImpl = [] {
    absl::StatusOr<BusinessCalendar> cal = Create(Options());
    if (cal.ok()) return new std::shared_ptr<const Impl>(cal->impl_);
    Options fixed;
    fixed.time_zone = "Fixed/UTC+08:00:00";  // cctz needs no database for it
    cal = Create(fixed);
    auto impl = std::make_shared<Impl>(*cal->impl_);
    impl->options.time_zone = Options().time_zone;
    return new std::shared_ptr<const Impl>(std::move(impl));
  }();
  return BusinessCalendar(*kImpl);
}

BusinessCalendar::BusinessCalendar(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

// Moving copies the pointer instead of stealing it: the state is immutable and
// shared anyway, and a moved-from calendar stays a valid calendar rather than
// a null one that would crash on the next query.
BusinessCalendar::BusinessCalendar(const BusinessCalendar&) = default;
BusinessCalendar& BusinessCalendar::operator=(const BusinessCalendar&) = default;
BusinessCalendar::BusinessCalendar(BusinessCalendar&& other) noexcept : impl_(other.impl_) {}
BusinessCalendar& BusinessCalendar::operator=(BusinessCalendar&& other) noexcept {
  impl_ = other.impl_;
  return *this;
}
BusinessCalendar::~BusinessCalendar() = default;

const BusinessCalendar::Options& BusinessCalendar::options() const { return impl_->options; }

LocalDay BusinessCalendar::DayOf(Timestamp t) const {
  Duration sub;
  return DayFromNumber(FloorDiv(impl_->LocalSeconds(t, &sub), kSecondsPerDay));
}

Duration BusinessCalendar::UtcOffsetAt(Timestamp t) const {
  const int64_t secs = Clamp(absl::ToUnixSeconds(t), -kLocalLimit, kLocalLimit);
  return absl::Seconds(impl_->OffsetAtUtc(secs));
}

Timestamp BusinessCalendar::StartOfDay(LocalDay day) const {
  if (!DayInRange(day)) {
    return day.year() > 0 ? absl::InfiniteFuture() : absl::InfinitePast();
  }
  return impl_->FromLocal(DayNumber(day) * kSecondsPerDay);
}

Timestamp BusinessCalendar::EndOfDay(Timestamp t) const {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return t;
  Duration sub;
  const int64_t dn = FloorDiv(impl_->LocalSeconds(t, &sub), kSecondsPerDay) + 1;
  return impl_->FromLocal(dn * kSecondsPerDay);
}

Timestamp BusinessCalendar::DayEndTick(Timestamp t) const {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return t;
  const Timestamp end = EndOfDay(t);
  return end - t <= absl::Seconds(1) ? end : t;
}

Timestamp BusinessCalendar::AddDays(Timestamp t, int n) const {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return t;
  Duration sub;
  const int64_t local = impl_->LocalSeconds(t, &sub);
  return impl_->FromLocal(local + int64_t{n} * kSecondsPerDay, sub);
}

bool BusinessCalendar::IsWorkingDay(LocalDay day) const { return HoursOn(day).has_value(); }

std::optional<WorkingHours> BusinessCalendar::HoursOn(LocalDay day) const {
  if (!DayInRange(day)) {
    // No holiday or make-up day lies out here; only the weekday counts.
    return impl_->weekly[static_cast<int>(absl::GetWeekday(day))];
  }
  return impl_->HoursOnDn(DayNumber(day));
}

bool BusinessCalendar::IsWithinServiceHours(Timestamp t) const {
  Duration sub;
  const int64_t local = impl_->LocalSeconds(t, &sub);
  const int64_t dn = FloorDiv(local, kSecondsPerDay);
  const std::optional<WorkingHours>& hours = impl_->HoursOnDn(dn);
  if (!hours.has_value()) return false;
  const Duration tod = absl::Seconds(local - dn * kSecondsPerDay) + sub;
  return tod >= hours->open && tod < hours->close;
}

absl::StatusOr<Timestamp> BusinessCalendar::AddBusinessDays(Timestamp t, int n) const {
  if (n < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("AddBusinessDays: n must not be negative, got ", n));
  }
  if (n == 0) return t;
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) {
    return absl::OutOfRangeError("AddBusinessDays: the start is infinite");
  }
  const Impl& impl = *impl_;
  Duration sub;
  const int64_t local = impl.LocalSeconds(t, &sub);
  const int64_t start = FloorDiv(local, kSecondsPerDay);
  const Duration tod = absl::Seconds(local - start * kSecondsPerDay) + sub;
  const int64_t limit = SearchLimit(start);

  int64_t remaining = n;
  int64_t dn = start;
  while (dn < limit) {
    // A week with no holiday or make-up day holds exactly weekly_days working
    // days; skip it whole while more than that many remain.
    if (remaining > impl.weekly_days && impl.weekly_days > 0 && dn + 7 <= limit &&
        !impl.AnySpecialIn(dn + 1, dn + 7)) {
      dn += 7;
      remaining -= impl.weekly_days;
      continue;
    }
    ++dn;
    if (impl.HoursOnDn(dn).has_value() && --remaining == 0) {
      return impl.AtLocal(dn, tod);
    }
  }
  return absl::OutOfRangeError(absl::StrCat("AddBusinessDays: fewer than ", n,
                                            " working days in the ten years after ",
                                            absl::FormatCivilTime(DayFromNumber(start))));
}

absl::StatusOr<Timestamp> BusinessCalendar::AddBusinessHours(Timestamp t, Duration d) const {
  if (d < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("AddBusinessHours: d must not be negative, got ", absl::FormatDuration(d)));
  }
  if (d == absl::ZeroDuration()) return t;
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) {
    return absl::OutOfRangeError("AddBusinessHours: the start is infinite");
  }
  const Impl& impl = *impl_;
  Duration sub;
  const int64_t start = FloorDiv(impl.LocalSeconds(t, &sub), kSecondsPerDay);
  const int64_t limit = SearchLimit(start);
  // Whole weeks can be skipped only when every week has the same working
  // time, i.e. no change of offset shortens or lengthens a day from `t` on.
  const bool can_skip_weeks =
      impl.final_utc <= absl::ToUnixSeconds(t) && impl.weekly_time > absl::ZeroDuration();

  Duration remaining = d;
  for (int64_t dn = start; dn <= limit; ++dn) {
    if (dn > start && can_skip_weeks && remaining > impl.weekly_time && dn + 6 <= limit &&
        !impl.AnySpecialIn(dn, dn + 6)) {
      remaining -= impl.weekly_time;
      dn += 6;
      continue;
    }
    const std::optional<WorkingHours>& hours = impl.HoursOnDn(dn);
    if (!hours.has_value()) continue;
    // Measured between instants, so a daylight-saving change inside working
    // hours counts the time that really elapsed.
    const Timestamp open = std::max(impl.AtLocal(dn, hours->open), t);
    const Timestamp close = impl.AtLocal(dn, hours->close);
    if (open >= close) continue;
    const Duration available = close - open;
    if (remaining <= available) return open + remaining;
    remaining -= available;
  }
  return absl::OutOfRangeError(absl::StrCat("AddBusinessHours: less than ", absl::FormatDuration(d),
                                            " of working time in the ten years after ",
                                            absl::FormatCivilTime(DayFromNumber(start))));
}

}  // namespace kefu
