// The business calendar. Boost.Date_Time parses the zone once, in Create();
// every query afterwards is integer arithmetic on "local seconds" (seconds
// since 1970-01-01 00:00 local time) and "day numbers" (local days since
// 1970-01-01), so no query calls Boost or allocates.
#include "kefu/core/calendar.h"

#include <algorithm>
#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/date_time/local_time/posix_time_zone.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>
#include <cstdint>
#include <exception>
#include <iterator>
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
// dates, and Boost's gregorian calendar covers no more.
constexpr int64_t kFirstListedYear = 1400;
constexpr int64_t kLastListedYear = 9999;

// Daylight-saving rules (Mm.w.d and Jn) repeat every 400 Gregorian years,
// which are exactly 146097 days (a whole number of weeks). The transitions of
// one cycle are precomputed; any instant is first shifted into that cycle.
constexpr int64_t kCycleSeconds = int64_t{146097} * kSecondsPerDay;
constexpr int64_t kCycleStart = 946684800;  // 2000-01-01 00:00 UTC
constexpr int kFirstTableYear = 1999;       // one year of margin either side
constexpr int kLastTableYear = 2400;

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
// Zone string syntax.
//
// Boost 1.74's posix_time_zone dereferences past the end of a short rule
// ("M3.2"), which is an assertion in debug builds and undefined behaviour in
// release; reads characters with std::isalpha (undefined for non-ASCII
// bytes); and dates the zero-based "n" rule form one day early in common
// years. So the shape is checked here first and only what Boost handles
// correctly reaches it:
//   std offset [dst [adjustment] ,rule[/time],rule[/time]]
//   offset, adjustment: [+|-]h[h][:mm[:ss]]     rule: Mm.w.d | Jn (1..365)
//   time: h[h][:mm[:ss]]
// Boost still checks the ranges (offset -12..+14 h, and so on).

class ZoneScanner {
 public:
  explicit ZoneScanner(std::string_view s) : s_(s) {}

  bool Done() const { return pos_ == s_.size(); }
  char Peek() const { return Done() ? '\0' : s_[pos_]; }
  bool Consume(char c) {
    if (Done() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // Consumes ASCII letters and returns how many.
  int Letters() {
    int n = 0;
    while (!Done() &&
           ((s_[pos_] >= 'A' && s_[pos_] <= 'Z') || (s_[pos_] >= 'a' && s_[pos_] <= 'z'))) {
      ++pos_;
      ++n;
    }
    return n;
  }
  // Reads min_digits..max_digits decimal digits into *value.
  bool Number(int min_digits, int max_digits, int* value) {
    int n = 0;
    *value = 0;
    while (n < max_digits && !Done() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      *value = *value * 10 + (s_[pos_] - '0');
      ++pos_;
      ++n;
    }
    return n >= min_digits;
  }
  // h[h][:mm[:ss]], minutes and seconds below 60.
  bool ClockTime() {
    int v;
    if (!Number(1, 2, &v)) return false;
    for (int i = 0; i < 2 && Consume(':'); ++i) {
      if (!Number(2, 2, &v) || v > 59) return false;
    }
    return true;
  }
  bool SignedClockTime() {
    if (!Consume('+')) Consume('-');
    return ClockTime();
  }
  bool StartsNumber() const {
    char c = Peek();
    return c == '+' || c == '-' || (c >= '0' && c <= '9');
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Empty when the rule is well formed, else what is wrong with it.
std::string CheckRule(ZoneScanner& scan) {
  int v;
  if (scan.Consume('M')) {
    int month, week, day;
    if (!scan.Number(1, 2, &month) || month < 1 || month > 12 || !scan.Consume('.') ||
        !scan.Number(1, 1, &week) || week < 1 || week > 5 || !scan.Consume('.') ||
        !scan.Number(1, 1, &day) || day > 6) {
      return "a rule Mm.w.d needs month 1-12, week 1-5 and weekday 0-6";
    }
  } else if (scan.Consume('J')) {
    if (!scan.Number(1, 3, &v) || v < 1 || v > 365) {
      return "a rule Jn needs a day 1-365";
    }
  } else if (scan.StartsNumber()) {
    return "the zero-based day rule form is not supported; use Mm.w.d or Jn";
  } else {
    return "expected a daylight-saving rule Mm.w.d or Jn";
  }
  if (scan.Consume('/') && !scan.ClockTime()) {
    return "a rule's time must be h[h][:mm[:ss]]";
  }
  return "";
}

std::string CheckZoneSyntax(std::string_view zone) {
  ZoneScanner scan(zone);
  if (scan.Letters() == 0) return "it must start with the zone's name";
  if (!scan.StartsNumber()) {
    // Boost would read "CST" as UTC+0: a silent wrong zone for a shop.
    return "the name must be followed by the offset from UTC";
  }
  if (!scan.SignedClockTime()) return "the offset must be [+|-]h[h][:mm[:ss]]";
  if (scan.Done()) return "";
  if (scan.Letters() == 0) return "unexpected text after the offset";
  if (scan.StartsNumber() && !scan.SignedClockTime()) {
    return "the daylight-saving adjustment must be [+|-]h[h][:mm[:ss]]";
  }
  for (int i = 0; i < 2; ++i) {
    if (!scan.Consume(',')) {
      return "a daylight-saving zone needs ,start,end rules";
    }
    std::string error = CheckRule(scan);
    if (!error.empty()) return error;
  }
  if (!scan.Done()) return "unexpected text after the end rule";
  return "";
}

absl::Status BadZone(absl::string_view zone, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("time_zone \"", zone,
                                                 "\" is not a zone like \"CST+08\" or ",
                                                 "\"EST-05EDT,M3.2.0,M11.1.0\": ", why));
}

// Local seconds of a Boost local ptime.
int64_t LocalSecondsOf(const boost::posix_time::ptime& p) {
  static const boost::gregorian::date kEpoch(1970, 1, 1);
  return static_cast<int64_t>((p.date() - kEpoch).days()) * kSecondsPerDay +
         static_cast<int64_t>(p.time_of_day().total_seconds());
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
  // A change of UTC offset, in seconds. `before` and `after` are the offsets
  // in force just before and from `utc` on.
  struct Transition {
    int64_t utc;
    int64_t before;
    int64_t after;
    // The local clock reading at which the transition happens, read on the
    // old offset; increasing along the table, used for local -> UTC.
    int64_t local_key;
  };
  enum class DayKind : uint8_t { kHoliday, kMakeup };
  struct SpecialDay {
    int64_t dn;
    DayKind kind;
  };

  Options options;
  // The zone's standard offset; the only offset when `transitions` is empty.
  int64_t std_offset = 0;
  // One 400-year cycle of transitions, sorted. Empty for a fixed-offset zone
  // (the fast path: no search at all).
  std::vector<Transition> transitions;
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

  // REQUIRES: !transitions.empty(). Shifts `s` into the precomputed cycle.
  static int64_t IntoCycle(int64_t s) {
    return s - FloorDiv(s - kCycleStart, kCycleSeconds) * kCycleSeconds;
  }

  int64_t OffsetAtUtc(int64_t utc) const {
    if (transitions.empty()) return std_offset;
    const int64_t u = IntoCycle(utc);
    auto it = std::upper_bound(transitions.begin(), transitions.end(), u,
                               [](int64_t v, const Transition& tr) { return v < tr.utc; });
    if (it == transitions.begin()) return transitions.front().before;
    return std::prev(it)->after;
  }

  // The UTC seconds of a local clock reading. A reading skipped by a forward
  // change (02:30 on a spring-forward night) maps to the change itself (03:00
  // new time); a reading that occurs twice maps to the earlier instant. This
  // is absl::FromCivil's choice, and it keeps the conversion in order: a
  // later local time never gives an earlier instant (the "pre" offset would
  // map 02:30 to 03:30, after 03:00). Sets *skipped for a skipped reading.
  int64_t LocalToUtc(int64_t local, bool* skipped) const {
    *skipped = false;
    if (transitions.empty()) return local - std_offset;
    const int64_t l = IntoCycle(local);
    auto it = std::upper_bound(transitions.begin(), transitions.end(), l,
                               [](int64_t v, const Transition& tr) { return v < tr.local_key; });
    if (it == transitions.begin()) return local - transitions.front().before;
    const Transition& last = *std::prev(it);
    // Reached `last` on the old clock but not on the new one: skipped.
    if (l < last.utc + last.after) {
      *skipped = true;
      return last.utc + (local - l);  // back out of the precomputed cycle
    }
    return local - last.after;
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

  // Zone. Boost may throw anything from std::exception (bad_offset,
  // bad_day_of_month, bad_lexical_cast, ...); nothing may escape.
  const std::string syntax_error = CheckZoneSyntax(options.time_zone);
  if (!syntax_error.empty()) return BadZone(options.time_zone, syntax_error);
  try {
    boost::local_time::posix_time_zone tz(options.time_zone);
    impl->std_offset = tz.base_utc_offset().total_seconds();
    if (tz.has_dst()) {
      const int64_t std_off = impl->std_offset;
      const int64_t dst_off = std_off + tz.dst_offset().total_seconds();
      struct Change {
        int64_t utc;
        int64_t after;
      };
      std::vector<Change> changes;
      changes.reserve(2 * (kLastTableYear - kFirstTableYear + 1));
      for (int y = kFirstTableYear; y <= kLastTableYear; ++y) {
        const auto year = static_cast<unsigned short>(y);
        // POSIX: the start time is read on standard time, the end time on
        // daylight time.
        changes.push_back({LocalSecondsOf(tz.dst_local_start_time(year)) - std_off, dst_off});
        changes.push_back({LocalSecondsOf(tz.dst_local_end_time(year)) - dst_off, std_off});
      }
      std::sort(changes.begin(), changes.end(),
                [](const Change& a, const Change& b) { return a.utc < b.utc; });
      int64_t current = changes.front().after == dst_off ? std_off : dst_off;
      for (const Change& c : changes) {
        if (c.after == current) continue;  // a zero adjustment changes nothing
        impl->transitions.push_back({c.utc, current, c.after, c.utc + current});
        current = c.after;
      }
      // The local -> UTC search assumes the local readings a change skips or
      // repeats never overlap the next change's; two days apart guarantees it
      // (an adjustment is below 24 h).
      for (size_t i = 1; i < impl->transitions.size(); ++i) {
        if (impl->transitions[i].utc - impl->transitions[i - 1].utc < 2 * kSecondsPerDay) {
          return BadZone(options.time_zone,
                         "daylight-saving start and end are less than two "
                         "days apart");
        }
      }
    }
  } catch (const std::exception& e) {
    return BadZone(options.time_zone, e.what());
  } catch (...) {
    return BadZone(options.time_zone, "Boost could not parse it");
  }

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
  // calendar. Create() cannot fail on the default options.
  static const std::shared_ptr<const Impl>* const kImpl = [] {
    absl::StatusOr<BusinessCalendar> cal = Create(Options());
    return new std::shared_ptr<const Impl>(cal.ok() ? cal->impl_ : nullptr);
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
  // time, i.e. no daylight-saving change shortens or lengthens a day.
  const bool can_skip_weeks = impl.transitions.empty() && impl.weekly_time > absl::ZeroDuration();

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
