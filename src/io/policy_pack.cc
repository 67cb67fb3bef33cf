// Policy packs: see kefu/io/policy_pack.h and docs/policy_pack.md.
//
// Every key of a pack is one row of Keys(): its table, name, comment, how
// it prints and how it is set from a TOML value. Printing, reading, diffing
// and the tests all go through that one list, so a key cannot be read
// without also being printed.
#include "kefu/io/policy_pack.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "core/absl_compat.h"
#include "policies/shift_terms.h"
#include "kefu/policies/courier_reach.h"
#include "kefu/policies/order_terms.h"
#include "kefu/policies/province.h"
#include "kefu/policies/team_policies.h"
#include "kefu/text/packs.h"

// toml++ is used header-only, in this file only: a host never needs it.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

namespace kefu {

using internal::ToAbsl;

std::string PackMessage::ToString() const {
  std::string out = file;
  if (line > 0) absl::StrAppend(&out, ":", line);
  if (line > 0 && column > 0) absl::StrAppend(&out, ":", column);
  absl::StrAppend(&out, ": ");
  if (!key.empty()) absl::StrAppend(&out, key, ": ");
  out += message;
  return out;
}

namespace {

// ------------------------------------------------------------ formatting

// A TOML basic string.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += absl::StrFormat("\\u%04X", u);
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string QuoteList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& i : items) quoted.push_back(Quote(i));
  return "[" + absl::StrJoin(quoted, ", ") + "]";
}

// "19:00" for a duration since local midnight.
std::string ClockText(Duration d) {
  const int64_t minutes = absl::ToInt64Minutes(d);
  return absl::StrFormat("%02d:%02d", minutes / 60, minutes % 60);
}

// A TOML local date: four digits of year always (the form a pack is
// written in), unlike internal::DayText (core/day_text.h).
std::string TomlDate(LocalDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string HoursText(const std::optional<WorkingHours>& h) {
  if (!h) return "off";
  return ClockText(h->open) + "-" + ClockText(h->close);
}

// ------------------------------------------------------------ names

template <class E>
using Names = std::vector<std::pair<std::string, E>>;

template <class E, class NameFn>
Names<E> EnumNames(int count, NameFn name) {
  Names<E> out;
  for (int i = 0; i < count; ++i) {
    const E e = static_cast<E>(i);
    out.emplace_back(std::string(name(e)), e);
  }
  return out;
}

const Names<Channel>& ChannelNames() {
  static const auto* n = new Names<Channel>(EnumNames<Channel>(4, ChannelName));
  return *n;
}
const Names<PaymentMethod>& PaymentNames() {
  static const auto* n = new Names<PaymentMethod>(EnumNames<PaymentMethod>(5, PaymentMethodName));
  return *n;
}
const Names<VerificationItem>& VerificationNames() {
  static const auto* n = new Names<VerificationItem>(
      EnumNames<VerificationItem>(kVerificationItemCount, VerificationItemName));
  return *n;
}
const Names<Remedy>& RemedyNames() {
  static const auto* n = new Names<Remedy>(EnumNames<Remedy>(kRemedyCount, RemedyName));
  return *n;
}
const Names<StaffRole>& RoleNames() {
  static const auto* n =
      new Names<StaffRole>(EnumNames<StaffRole>(kStaffRoleCount, StaffRoleName));
  return *n;
}
const Names<ReviewChannel>& ReviewChannelNames() {
  static const auto* n = new Names<ReviewChannel>(EnumNames<ReviewChannel>(3, ReviewChannelName));
  return *n;
}
const Names<Severity>& SeverityNames() {
  static const auto* n = new Names<Severity>(EnumNames<Severity>(3, SeverityName));
  return *n;
}
const Names<DayCount>& DayCountNames() {
  static const auto* n =
      new Names<DayCount>{{"calendar", DayCount::kCalendar}, {"business", DayCount::kBusiness}};
  return *n;
}
const Names<absl::Weekday>& WeekdayNames() {
  static const auto* n = new Names<absl::Weekday>{
      {"monday", absl::Weekday::monday},       {"tuesday", absl::Weekday::tuesday},
      {"wednesday", absl::Weekday::wednesday}, {"thursday", absl::Weekday::thursday},
      {"friday", absl::Weekday::friday},       {"saturday", absl::Weekday::saturday},
      {"sunday", absl::Weekday::sunday}};
  return *n;
}

template <class E>
std::string NameOf(const Names<E>& names, E e) {
  for (const auto& [name, value] : names) {
    if (value == e) return name;
  }
  return "?";
}

template <class E>
std::string NameList(const Names<E>& names) {
  std::vector<std::string> n;
  for (const auto& p : names) n.push_back(p.first);
  return absl::StrJoin(n, ", ");
}

// ------------------------------------------------------------ reading values

std::string TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "nothing";
  }
}

// An error while setting a value: its message and, when it is about one
// element of the value, that element's position.
struct ValueError {
  std::string message;
  const toml::node* at = nullptr;
};
using SetResult = std::optional<ValueError>;

SetResult Want(std::string_view what, const toml::node& n) {
  return ValueError{absl::StrCat("expected ", ToAbsl(what), ", got ", TypeName(n)), &n};
}
SetResult Bad(std::string message, const toml::node& n) {
  return ValueError{std::move(message), &n};
}

SetResult ReadString(const toml::node& n, std::string* out, bool allow_empty = true) {
  if (!n.is_string()) return Want("a string", n);
  *out = n.as_string()->get();
  if (!allow_empty && out->empty()) return Bad("must not be empty", n);
  return std::nullopt;
}

SetResult ReadStrings(const toml::node& n, std::vector<std::string>* out,
                      std::string_view what = "string") {
  const toml::array* a = n.as_array();
  if (a == nullptr) return Want(absl::StrCat("an array of ", ToAbsl(what), "s"), n);
  std::vector<std::string> items;
  for (const toml::node& e : *a) {
    if (!e.is_string()) return Want(absl::StrCat("a ", ToAbsl(what)), e);
    std::string s = e.as_string()->get();
    if (s.empty()) return Bad(absl::StrCat("an empty ", ToAbsl(what)), e);
    if (std::find(items.begin(), items.end(), s) != items.end()) {
      return Bad(absl::StrCat("\"", s, "\" is listed twice"), e);
    }
    items.push_back(std::move(s));
  }
  *out = std::move(items);
  return std::nullopt;
}

SetResult ReadMoney(const toml::node& n, Money* out) {
  if (!n.is_string()) return Want("an amount in yuan as a string, such as \"10.00\"", n);
  const std::string& s = n.as_string()->get();
  absl::StatusOr<Money> m = Money::Parse(s);
  if (!m.ok())
    return Bad(absl::StrCat("\"", s, "\" is not an amount in yuan such as \"10.00\""), n);
  if (m->is_negative()) return Bad(absl::StrCat("a negative amount (\"", s, "\")"), n);
  *out = *m;
  return std::nullopt;
}

// "5%", "0.25%", "100%": at most two decimals, 0% to 100%.
SetResult ReadRate(const toml::node& n, Rate* out) {
  if (!n.is_string()) return Want("a percentage as a string, such as \"5%\"", n);
  const std::string& s = n.as_string()->get();
  const std::string bad =
      absl::StrCat("\"", s, "\" is not a percentage such as \"5%\" or \"0.25%\"");
  if (s.size() < 2 || s.back() != '%') return Bad(bad, n);
  if (s[0] == '-') return Bad(absl::StrCat("a negative rate (\"", s, "\")"), n);
  int64_t whole = 0, frac = 0;
  size_t i = 0, digits = 0, decimals = 0;
  const size_t end = s.size() - 1;
  for (; i < end && s[i] >= '0' && s[i] <= '9' && digits < 6; ++i, ++digits) {
    whole = whole * 10 + (s[i] - '0');
  }
  if (digits == 0) return Bad(bad, n);
  if (i < end && s[i] == '.') {
    for (++i; i < end && s[i] >= '0' && s[i] <= '9' && decimals < 2; ++i, ++decimals) {
      frac = frac * 10 + (s[i] - '0');
    }
    if (decimals == 0) return Bad(bad, n);
    if (decimals == 1) frac *= 10;
  }
  if (i != end) return Bad(bad, n);
  const int64_t bp = whole * 100 + frac;
  if (bp > 10000) return Bad(absl::StrCat("a rate over 100% (\"", s, "\")"), n);
  *out = Rate::BasisPoints(bp);
  return std::nullopt;
}

SetResult ReadInt(const toml::node& n, int64_t min, int64_t max, int64_t* out) {
  if (!n.is_integer()) return Want("an integer", n);
  const int64_t v = n.as_integer()->get();
  if (v < min || v > max) {
    return Bad(absl::StrCat(v, " is out of range: ", min, " to ", max), n);
  }
  *out = v;
  return std::nullopt;
}

SetResult ReadBool(const toml::node& n, bool* out) {
  if (!n.is_boolean()) return Want("true or false", n);
  *out = n.as_boolean()->get();
  return std::nullopt;
}

template <class E>
SetResult ReadEnum(const toml::node& n, const Names<E>& names, E* out) {
  if (!n.is_string()) return Want(absl::StrCat("one of ", NameList(names)), n);
  const std::string& s = n.as_string()->get();
  for (const auto& [name, value] : names) {
    if (name == s) {
      *out = value;
      return std::nullopt;
    }
  }
  return Bad(absl::StrCat("\"", s, "\" is not one of ", NameList(names)), n);
}

template <class E>
SetResult ReadEnumList(const toml::node& n, const Names<E>& names, std::vector<E>* out) {
  const toml::array* a = n.as_array();
  if (a == nullptr) return Want(absl::StrCat("an array of names (", NameList(names), ")"), n);
  std::vector<E> items;
  for (const toml::node& e : *a) {
    E v{};
    if (SetResult r = ReadEnum(e, names, &v)) return r;
    if (std::find(items.begin(), items.end(), v) != items.end()) {
      return Bad(absl::StrCat("\"", NameOf(names, v), "\" is listed twice"), e);
    }
    items.push_back(v);
  }
  *out = std::move(items);
  return std::nullopt;
}

// "HH:MM" from 00:00 to `max_minutes`.
bool ParseClock(std::string_view s, int max_minutes, Duration* out) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (int i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h * 60 + m > max_minutes) return false;
  *out = absl::Hours(h) + absl::Minutes(m);
  return true;
}

SetResult ReadClock(const toml::node& n, Duration* out) {
  if (!n.is_string()) return Want("a local time \"HH:MM\"", n);
  const std::string& s = n.as_string()->get();
  if (!ParseClock(s, 23 * 60 + 59, out)) {
    return Bad(absl::StrCat("\"", s, "\" is not a local time from \"00:00\" to \"23:59\""), n);
  }
  return std::nullopt;
}

// "09:00-18:00" (close up to 24:00, after open); "off" when `off_allowed`.
SetResult ReadHours(const toml::node& n, bool off_allowed, std::optional<WorkingHours>* out) {
  const char* what = off_allowed ? "working hours \"09:00-18:00\" or \"off\""
                                 : "working hours \"09:00-18:00\" or \"\"";
  if (!n.is_string()) return Want(what, n);
  const std::string& s = n.as_string()->get();
  if ((off_allowed && s == "off") || (!off_allowed && s.empty())) {
    *out = std::nullopt;
    return std::nullopt;
  }
  Duration open, close;
  if (s.size() != 11 || s[5] != '-' || !ParseClock(s.substr(0, 5), 23 * 60 + 59, &open) ||
      !ParseClock(s.substr(6), 24 * 60, &close)) {
    return Bad(absl::StrCat("\"", s, "\" is not ", what), n);
  }
  if (close <= open) return Bad(absl::StrCat("\"", s, "\" closes before it opens"), n);
  *out = WorkingHours{open, close};
  return std::nullopt;
}

SetResult ReadDuration(const toml::node& n, Duration* out) {
  if (!n.is_string()) return Want("a duration such as \"30m\" or \"2h\"", n);
  const std::string& s = n.as_string()->get();
  Duration d;
  if (!absl::ParseDuration(s, &d) || d == absl::InfiniteDuration() ||
      d == -absl::InfiniteDuration()) {
    return Bad(absl::StrCat("\"", s, "\" is not a duration such as \"30m\" or \"2h\""), n);
  }
  if (d < absl::ZeroDuration()) return Bad(absl::StrCat("a negative duration (\"", s, "\")"), n);
  if (d > absl::Hours(24 * 30)) return Bad(absl::StrCat("\"", s, "\" is over 30 days"), n);
  *out = d;
  return std::nullopt;
}

SetResult ReadDays(const toml::node& n, std::vector<LocalDay>* out) {
  const toml::array* a = n.as_array();
  if (a == nullptr) return Want("an array of dates such as [2026-10-01]", n);
  std::vector<LocalDay> days;
  for (const toml::node& e : *a) {
    if (!e.is_date()) return Want("a date such as 2026-10-01 (no quotes)", e);
    const toml::date d = e.as_date()->get();
    if (d.year < 1400 || d.year > 9999) return Bad("a date outside years 1400-9999", e);
    const LocalDay day(d.year, d.month, d.day);
    if (std::find(days.begin(), days.end(), day) != days.end()) {
      return Bad(absl::StrCat(TomlDate(day), " is listed twice"), e);
    }
    days.push_back(day);
  }
  *out = std::move(days);
  return std::nullopt;
}

// ------------------------------------------------------------ the keys

struct Key {
  std::string table;
  std::string name;
  std::string comment;
  std::string example;  // a valid value other than the default (for tests)
  std::function<std::string(const PolicySettings&)> print;
  std::function<SetResult(const toml::node&, PolicySettings&)> set;
};

template <class F>
auto& Field(F f, const PolicySettings& s) {
  return f(const_cast<PolicySettings&>(s));
}

template <class F>
Key MoneyKey(std::string table, std::string name, std::string comment, std::string example, F f) {
  return {std::move(table),
          std::move(name),
          std::move(comment),
          std::move(example),
          [f](const PolicySettings& s) { return Quote(Field(f, s).ToString()); },
          [f](const toml::node& n, PolicySettings& s) { return ReadMoney(n, &f(s)); }};
}
template <class F>
Key RateKey(std::string table, std::string name, std::string comment, std::string example, F f) {
  return {std::move(table),
          std::move(name),
          std::move(comment),
          std::move(example),
          [f](const PolicySettings& s) { return Quote(Field(f, s).ToString()); },
          [f](const toml::node& n, PolicySettings& s) { return ReadRate(n, &f(s)); }};
}
template <class F>
Key IntKey(std::string table, std::string name, std::string comment, std::string example,
           int64_t min, int64_t max, F f) {
  return {std::move(table),
          std::move(name),
          std::move(comment),
          std::move(example),
          [f](const PolicySettings& s) { return absl::StrCat(Field(f, s)); },
          [f, min, max](const toml::node& n, PolicySettings& s) -> SetResult {
            int64_t v = 0;
            if (SetResult r = ReadInt(n, min, max, &v)) return r;
            f(s) = static_cast<std::remove_reference_t<decltype(f(s))>>(v);
            return std::nullopt;
          }};
}
template <class F>
Key BoolKey(std::string table, std::string name, std::string comment, F f) {
  return {std::move(table),
          std::move(name),
          std::move(comment),
          "",
          [f](const PolicySettings& s) { return std::string(Field(f, s) ? "true" : "false"); },
          [f](const toml::node& n, PolicySettings& s) { return ReadBool(n, &f(s)); }};
}
template <class F>
Key StringKey(std::string table, std::string name, std::string comment, std::string example, F f) {
  return {std::move(table),
          std::move(name),
          std::move(comment),
          std::move(example),
          [f](const PolicySettings& s) { return Quote(Field(f, s)); },
          [f](const toml::node& n, PolicySettings& s) { return ReadString(n, &f(s), false); }};
}
template <class F>
Key StringsKey(std::string table, std::string name, std::string comment, std::string example, F f) {
  return {std::move(table),
          std::move(name),
          std::move(comment),
          std::move(example),
          [f](const PolicySettings& s) { return QuoteList(Field(f, s)); },
          [f](const toml::node& n, PolicySettings& s) { return ReadStrings(n, &f(s)); }};
}
template <class E, class F>
Key EnumKey(std::string table, std::string name, std::string comment, std::string example,
            const Names<E>& names, F f) {
  return {
      std::move(table),
      std::move(name),
      std::move(comment),
      std::move(example),
      [f, &names](const PolicySettings& s) { return Quote(NameOf(names, Field(f, s))); },
      [f, &names](const toml::node& n, PolicySettings& s) { return ReadEnum(n, names, &f(s)); }};
}
template <class E, class F>
Key EnumsKey(std::string table, std::string name, std::string comment, std::string example,
             const Names<E>& names, F f) {
  return {std::move(table),
          std::move(name),
          std::move(comment),
          std::move(example),
          [f, &names](const PolicySettings& s) {
            std::vector<std::string> n;
            for (E e : Field(f, s)) n.push_back(NameOf(names, e));
            return QuoteList(n);
          },
          [f, &names](const toml::node& n, PolicySettings& s) {
            return ReadEnumList(n, names, &f(s));
          }};
}
template <class F>
Key ClockKey(std::string table, std::string name, std::string comment, std::string example, F f) {
  return {std::move(table),
          std::move(name),
          std::move(comment),
          std::move(example),
          [f](const PolicySettings& s) { return Quote(ClockText(Field(f, s))); },
          [f](const toml::node& n, PolicySettings& s) { return ReadClock(n, &f(s)); }};
}
template <class F>
Key DurationKey(std::string table, std::string name, std::string comment, std::string example,
                F f) {
  return {std::move(table),
          std::move(name),
          std::move(comment),
          std::move(example),
          [f](const PolicySettings& s) { return Quote(absl::FormatDuration(Field(f, s))); },
          [f](const toml::node& n, PolicySettings& s) { return ReadDuration(n, &f(s)); }};
}

// The four keys of a deadline (AS-RETURN-WINDOW, AS-RESOLVE, ...).
template <class F>
void DeadlineKeys(std::vector<Key>* keys, const std::string& table, const std::string& what,
                  const std::string& seed, F f) {
  keys->push_back(IntKey(table, "days", absl::StrCat(what, ", in days", seed), "10", 0, 365,
                         [f](PolicySettings& s) -> int& { return f(s).days; }));
  keys->push_back(BoolKey(table, "business_days",
                          "count working days of the calendar instead of calendar days",
                          [f](PolicySettings& s) -> bool& { return f(s).business_days; }));
  keys->push_back(IntKey(table, "warn_days_before",
                         "the warning, in days before the due time (0: none)", "2", 0, 365,
                         [f](PolicySettings& s) -> int& { return f(s).warn_days_before; }));
  keys->push_back(BoolKey(table, "pause_while_supplier",
                          "stop the clock while the ticket waits on the supplier's exchange",
                          [f](PolicySettings& s) -> bool& { return f(s).pause_while_supplier; }));
}

std::vector<Key> BuildKeys() {
  std::vector<Key> k;
  using S = PolicySettings;
  // ---- ORD
  {
    // A bit set, not a vector: its own print and set.
    Key verify;
    verify.table = "ORD-VERIFY";
    verify.name = "required";
    verify.comment =
        "what is checked against the platform backend before F2 -> F3; seed: "
        "\"一定要...核对好产品,数量.价格和邮费\"";
    verify.example = "[\"product\", \"price\"]";
    verify.print = [](const S& s) {
      std::vector<std::string> n;
      for (const auto& [name, item] : VerificationNames()) {
        if (s.order.verify.required & VerificationBit(item)) n.push_back(name);
      }
      return QuoteList(n);
    };
    verify.set = [](const toml::node& n, S& s) -> SetResult {
      std::vector<VerificationItem> items;
      if (SetResult r = ReadEnumList(n, VerificationNames(), &items)) return r;
      VerificationSet set = 0;
      for (VerificationItem i : items) set |= VerificationBit(i);
      s.order.verify.required = set;
      return std::nullopt;
    };
    k.push_back(std::move(verify));
  }
  k.push_back(
      BoolKey("ORD-DUP-SHIP", "enabled",
              "hold likely duplicate shipments; seed: \"之前出现一字之差,照成重复发4个EMS\"",
              [](S& s) -> bool& { return s.order.duplicate_ship.enabled; }));
  k.push_back(IntKey("ORD-DUP-SHIP", "max_address_edits",
                     "addresses this many characters apart are alike (edit distance)", "2", 0, 20,
                     [](S& s) -> int& { return s.order.duplicate_ship.max_address_edits; }));
  k.push_back(BoolKey("ORD-COD-REACH", "enabled",
                      "hold orders the courier cannot reach or collect cash for; seed: "
                      "\"注意货到付款的订单和地址明显不到的订单核查更改快递\"",
                      [](S& s) -> bool& { return s.order.courier_reach.enabled; }));
  k.push_back(EnumsKey(
      "ORD-PREPAY", "channels", "channels whose unreachable orders ask the customer to pay first",
      "[\"website\", \"phone\"]", ChannelNames(),
      [](S& s) -> std::vector<Channel>& { return s.order.courier_reach.prepay_channels; }));
  k.push_back(EnumsKey(
      "ORD-FIN-CHECK", "methods", "payment methods that wait for finance to confirm the money",
      "[\"bank_transfer\"]", PaymentNames(),
      [](S& s) -> std::vector<PaymentMethod>& { return s.order.finance_check.methods; }));
  k.push_back(ClockKey("ORD-EXCEPTION", "reconcile_after",
                       "local time from which the evening reconciliation may run (after the "
                       "shipping run)",
                       "\"20:30\"",
                       [](S& s) -> Duration& { return s.order.exception.reconcile_after; }));
  k.push_back(BoolKey("ORD-OOS-NOTIFY", "prefer_sms",
                      "after an unanswered call: SMS (true) or an IM message; catalogue: SMS "
                      "preferred, it is cheaper",
                      [](S& s) -> bool& { return s.order.out_of_stock.prefer_sms; }));
  k.push_back(EnumsKey(
      "ORD-OOS-NOTIFY", "always_call_channels",
      "channels whose orders not shipped the same day are always phoned",
      "[\"website\", \"tmall\"]", ChannelNames(),
      [](S& s) -> std::vector<Channel>& { return s.order.out_of_stock.always_call_channels; }));
  k.push_back(
      EnumsKey("ORD-MALL-COMP", "channels", "channels whose out-of-stock refunds pay compensation",
               "[\"tmall\", \"taobao\"]", ChannelNames(),
               [](S& s) -> std::vector<Channel>& { return s.order.mall_compensation.channels; }));
  k.push_back(RateKey("ORD-MALL-COMP", "rate",
                      "compensation as a share of the refund; seed: \"扣除退款金额的5%\"", "\"8%\"",
                      [](S& s) -> Rate& { return s.order.mall_compensation.rate; }));
  k.push_back(MoneyKey("ORD-MALL-COMP", "cap",
                       "the most compensation paid; seed: \"最多不超过30元\"", "\"50.00\"",
                       [](S& s) -> Money& { return s.order.mall_compensation.cap; }));
  k.push_back(BoolKey("ORD-MALL-COMP", "require_style_offer",
                      "another style must have been offered before refunding",
                      [](S& s) -> bool& { return s.order.mall_compensation.require_style_offer; }));
  k.push_back(IntKey("ORD-CANCEL-REG", "within_days",
                     "days to enter a cancellation in the register (0: the same day)", "1", 0, 30,
                     [](S& s) -> int& { return s.order.cancellation.within_days; }));
  k.push_back(BoolKey("ORD-CANCEL-REG", "restock", "a cancelled order's goods get a restock record",
                      [](S& s) -> bool& { return s.order.cancellation.restock; }));
  k.push_back(
      IntKey("ORD-F2-HOLD", "max_days",
             "days an order may wait in F2 after confirming; seed: \"留单时间不要超过三天\"", "5",
             0, 365, [](S& s) -> int& { return s.order.check_hold.max_days; }));
  k.push_back(IntKey("ORD-UNSHIPPED", "close_out_day",
                     "an unshipped order is closed out by the end of this day (1 = its shipping "
                     "day)",
                     "4", 1, 365, [](S& s) -> int& { return s.order.unshipped.close_out_day; }));
  k.push_back(ClockKey("ORD-UNSHIPPED", "tell_customer_at",
                       "local time the customer is told the order did not ship today", "\"16:00\"",
                       [](S& s) -> Duration& { return s.order.unshipped.tell_customer_at; }));
  k.push_back(
      EnumsKey("ORD-FIX", "price_adjust_channels",
               "channels whose unpaid orders may have price and postage adjusted",
               "[\"taobao\", \"tmall\"]", ChannelNames(),
               [](S& s) -> std::vector<Channel>& { return s.order.fix.price_adjust_channels; }));
  k.push_back(BoolKey("ORD-FIX", "require_customer_contact",
                      "product and quantity changes need the customer's agreement",
                      [](S& s) -> bool& { return s.order.fix.require_customer_contact; }));
  k.push_back(BoolKey("ORD-POSTAGE-SUPP", "require_erp_cost",
                      "a postage supplement needs the ERP's cost looked up first",
                      [](S& s) -> bool& { return s.order.postage_supplement.require_erp_cost; }));
  k.push_back(BoolKey("ORD-POSTAGE-SUPP", "cap_at_erp_cost",
                      "a supplement above the ERP's cost is reduced to it",
                      [](S& s) -> bool& { return s.order.postage_supplement.cap_at_erp_cost; }));
  k.push_back(RateKey("ORD-INVOICE", "fee", "the invoice handling fee of fee_channels", "\"3%\"",
                      [](S& s) -> Rate& { return s.order.invoice.fee; }));
  k.push_back(EnumsKey("ORD-INVOICE", "fee_channels", "channels that charge the invoice fee",
                       "[\"website\", \"phone\"]", ChannelNames(),
                       [](S& s) -> std::vector<Channel>& { return s.order.invoice.fee_channels; }));
  {
    Key key;
    key.table = "ORD-INVOICE";
    key.name = "channel_fees";
    key.comment = "channels with a handling fee of their own, in place of fee";
    key.example = "{ tmall = \"3%\", phone = \"1.5%\" }";
    key.print = [](const S& s) {
      std::vector<std::string> parts;
      for (const InvoicePolicy::ChannelFee& f : s.order.invoice.channel_fees) {
        parts.push_back(absl::StrCat(NameOf(ChannelNames(), f.channel), " = ",
                                     Quote(f.fee.ToString())));
      }
      return parts.empty() ? std::string("{}") : absl::StrCat("{ ", absl::StrJoin(parts, ", "), " }");
    };
    key.set = [](const toml::node& n, S& s) -> SetResult {
      const toml::table* t = n.as_table();
      if (t == nullptr) return Want("a table of channel = \"rate\", such as { tmall = \"3%\" }", n);
      std::vector<InvoicePolicy::ChannelFee> out;
      for (const auto& [name, value] : *t) {
        InvoicePolicy::ChannelFee f{};
        bool known = false;
        for (const auto& [channel_name, channel] : ChannelNames()) {
          if (channel_name == name.str()) {
            f.channel = channel;
            known = true;
          }
        }
        if (!known) {
          std::vector<std::string> names;
          for (const auto& [channel_name, channel] : ChannelNames()) names.push_back(channel_name);
          return Bad(absl::StrCat("unknown channel \"", ToAbsl(name.str()), "\"; known: ",
                                  absl::StrJoin(names, ", ")),
                     value);
        }
        if (SetResult r = ReadRate(value, &f.fee)) return r;
        out.push_back(f);
      }
      s.order.invoice.channel_fees = std::move(out);
      return std::nullopt;
    };
    k.push_back(std::move(key));
  }
  k.push_back(StringsKey(
      "ORD-INVOICE", "allowed_contents",
      "what an invoice's content line may say; seed: only \"配件\"", "[\"配件\", \"办公用品\"]",
      [](S& s) -> std::vector<std::string>& { return s.order.invoice.allowed_contents; }));
  // ---- AS
  k.push_back(StringsKey("AS-REGISTER", "categories",
                         "the shop's after-sales categories (事务类别); empty: any category",
                         "[\"质量问题\", \"发错货\"]", [](S& s) -> std::vector<std::string>& {
                           return s.ticket.register_.categories;
                         }));
  k.push_back(
      BoolKey("AS-REGISTER", "register_lone_postage_refunds",
              "register postage-only refunds too (the seed says they need none)",
              [](S& s) -> bool& { return s.ticket.register_.register_lone_postage_refunds; }));
  k.push_back(BoolKey("AS-REGISTER", "require_qc_stamp_on_fault",
                      "an inspection fault carries its QC stamp number",
                      [](S& s) -> bool& { return s.ticket.register_.require_qc_stamp_on_fault; }));
  k.push_back(BoolKey("AS-DEDUP", "enabled",
                      "no second open ticket for the same order; catalogue: no duplicate entry",
                      [](S& s) -> bool& { return s.ticket.dedup.enabled; }));
  k.push_back(BoolKey("AS-DEDUP", "same_category_only",
                      "only a ticket of the same category is a duplicate",
                      [](S& s) -> bool& { return s.ticket.dedup.same_category_only; }));
  DeadlineKeys(&k, "AS-RETURN-WINDOW", "the customer sends the goods back within", "; seed: 2 days",
               [](S& s) -> DeadlineTerms& { return s.ticket.return_window.terms; });
  DeadlineKeys(&k, "AS-RESOLVE", "registration to reshipment or refund", "; seed: \"不要超过7天\"",
               [](S& s) -> DeadlineTerms& { return s.ticket.resolve.terms; });
  DeadlineKeys(&k, "AS-TRACK", "a ticket under tracking stays open at most",
               "; seed: \"不超过一个星期\"",
               [](S& s) -> DeadlineTerms& { return s.ticket.track.terms; });
  k.push_back(
      MoneyKey("AS-POSTAGE-CAP", "in_province",
               "return postage reimbursed within the shop's province; seed: \"省内不超过8元\"",
               "\"6.00\"", [](S& s) -> Money& { return s.ticket.postage_cap.in_province; }));
  k.push_back(MoneyKey("AS-POSTAGE-CAP", "out_of_province",
                       "return postage reimbursed from another province; seed: \"省外不超过10元\"",
                       "\"12.00\"",
                       [](S& s) -> Money& { return s.ticket.postage_cap.out_of_province; }));
  k.push_back(MoneyKey("AS-POSTAGE-CAP", "quality",
                       "a quality return's postage stays within this too; seed: 10 yuan",
                       "\"15.00\"", [](S& s) -> Money& { return s.ticket.postage_cap.quality; }));
  k.push_back(BoolKey("AS-POSTAGE-CAP", "refuse_freight_collect",
                      "freight-collect parcels are refused (catalogue)",
                      [](S& s) -> bool& { return s.ticket.postage_cap.refuse_freight_collect; }));
  k.push_back(BoolKey("AS-WHO-PAYS", "enabled",
                      "the record says who pays the return and the reshipment postage",
                      [](S& s) -> bool& { return s.ticket.who_pays.enabled; }));
  k.push_back(StringKey("AS-RECEIVE", "finance", "who is notified of refunds (an agent name)",
                        "\"财务\"", [](S& s) -> std::string& { return s.ticket.receive.finance; }));
  k.push_back(BoolKey("AS-RECEIVE", "require_cash_before_reship",
                      "no reshipment while the cash the shop owes is not in the parcel",
                      [](S& s) -> bool& { return s.ticket.receive.require_cash_before_reship; }));
  k.push_back(StringKey(
      "AS-QUALITY", "fault_marking",
      "the after-sales order's mark for a quality fault; seed: \"(质量问题更换)\"",
      "\"(质量问题)\"", [](S& s) -> std::string& { return s.ticket.quality.fault_marking; }));
  k.push_back(StringKey(
      "AS-QUALITY", "no_packaging_marking", "the mark for goods returned without packaging",
      "\"(缺包装)\"", [](S& s) -> std::string& { return s.ticket.quality.no_packaging_marking; }));
  k.push_back(
      StringKey("AS-QUALITY", "damaged_packaging_marking",
                "the mark for goods returned with damaged packaging", "\"(包装破损)\"",
                [](S& s) -> std::string& { return s.ticket.quality.damaged_packaging_marking; }));
  k.push_back(StringKey("AS-QUALITY", "replacement_area",
                        "where faulty goods go, the replacement area (catalogue)", "\"返修区\"",
                        [](S& s) -> std::string& { return s.ticket.quality.replacement_area; }));
  DeadlineKeys(&k, "AS-RESALE", "a supplier exchange reaches the customer within", "; seed: 2 days",
               [](S& s) -> DeadlineTerms& { return s.ticket.resale.exchange; });
  k.push_back(BoolKey("AS-PREFER-EXCHANGE", "enabled",
                      "offer an exchange before a refund where the supplier takes nothing back",
                      [](S& s) -> bool& { return s.ticket.prefer_exchange.enabled; }));
  k.push_back(BoolKey("AS-EVIDENCE", "photos_for_quality_refund",
                      "a quality refund needs the customer's photos",
                      [](S& s) -> bool& { return s.ticket.evidence.photos_for_quality_refund; }));
  k.push_back(
      BoolKey("AS-EVIDENCE", "destruction_photo_for_full_refund",
              "a full refund of an unusable item needs a photo of it destroyed",
              [](S& s) -> bool& { return s.ticket.evidence.destruction_photo_for_full_refund; }));
  k.push_back(
      BoolKey("AS-OWNER", "enabled",
              "whoever unpacks a return owns the ticket; seed: \"哪位客服拆包,就要跟踪到底\"",
              [](S& s) -> bool& { return s.ticket.owner.enabled; }));
  k.push_back(StringsKey(
      "AS-OWNER", "supervisors",
      "agents who may act on any ticket when there is no roster (with one: its supervisors and "
      "managers)",
      "[\"主管\"]", [](S& s) -> std::vector<std::string>& { return s.ticket.owner.supervisors; }));
  k.push_back(StringsKey(
      "AS-OWNER", "exempt_agents", "agents whose events no owner refuses", "[\"finance\"]",
      [](S& s) -> std::vector<std::string>& { return s.ticket.owner.exempt_agents; }));
  k.push_back(BoolKey("AS-REFUND-RECORD", "mark_shipped_first",
                      "an order not marked shipped is marked shipped before the refund",
                      [](S& s) -> bool& { return s.ticket.refund_record.mark_shipped_first; }));
  k.push_back(IntKey("AS-DEFECT", "test_at",
                     "tickets of a product before it is tested before each shipment; seed: 2-3",
                     "3", 1, 1000, [](S& s) -> int& { return s.ticket.defect.test_at; }));
  k.push_back(IntKey("AS-DEFECT", "delist_at",
                     "tickets of a product before its delisting is proposed", "5", 1, 1000,
                     [](S& s) -> int& { return s.ticket.defect.delist_at; }));
  k.push_back(EnumKey("AS-WEEKLY", "report_day",
                      "the day of the after-sales statistics; catalogue: every Saturday",
                      "\"friday\"", WeekdayNames(),
                      [](S& s) -> absl::Weekday& { return s.ticket.weekly.report_day; }));
  // ---- RV
  k.push_back(IntKey("RV-CONTACT-LIMIT", "neutral_calls",
                     "phone calls on a neutral review at most; seed: \"中评电话不超过两个\"", "3",
                     0, 100,
                     [](S& s) -> int& { return s.review.contact_limit.neutral_max_calls; }));
  k.push_back(IntKey("RV-CONTACT-LIMIT", "negative_contacts",
                     "contacts on a negative review at most; seed: \"差评尽可能不超过三次\"", "4",
                     0, 100,
                     [](S& s) -> int& { return s.review.contact_limit.negative_max_contacts; }));
  k.push_back(BoolKey("RV-CONTACT-LIMIT", "count_unreachable",
                      "an attempt that reaches nobody counts",
                      [](S& s) -> bool& { return s.review.contact_limit.count_unreachable; }));
  k.push_back(EnumKey(
      "RV-CHANNEL", "when_online", "channel when the buyer is online; catalogue: chat", "\"sms\"",
      ReviewChannelNames(), [](S& s) -> ReviewChannel& { return s.review.channel.when_online; }));
  k.push_back(EnumKey("RV-CHANNEL", "when_offline",
                      "channel when the buyer is offline; catalogue: phone", "\"sms\"",
                      ReviewChannelNames(),
                      [](S& s) -> ReviewChannel& { return s.review.channel.when_offline; }));
  k.push_back(BoolKey("RV-CHANNEL", "enforce",
                      "refuse a chat or phone contact on the other channel",
                      [](S& s) -> bool& { return s.review.channel.enforce; }));
  {
    Key steps;
    steps.table = "RV-SCHEDULE";
    steps.name = "steps";
    steps.comment =
        "contacts of a buyer who still refuses, day 1 = the refusal's day; seed: call on day 1, "
        "SMS on day 2 and day 3";
    steps.example = "[{ day = 1, channel = \"phone\" }, { day = 3, channel = \"sms\" }]";
    steps.print = [](const S& s) {
      std::vector<std::string> items;
      for (const ScheduleStep& st : s.review.schedule.steps) {
        items.push_back(absl::StrCat("{ day = ", st.day, ", channel = ",
                                     Quote(NameOf(ReviewChannelNames(), st.channel)), " }"));
      }
      return "[" + absl::StrJoin(items, ", ") + "]";
    };
    steps.set = [](const toml::node& n, S& s) -> SetResult {
      const toml::array* a = n.as_array();
      if (a == nullptr) return Want("an array of { day = N, channel = \"...\" }", n);
      std::vector<ScheduleStep> out;
      for (const toml::node& e : *a) {
        const toml::table* t = e.as_table();
        if (t == nullptr) return Want("a table { day = N, channel = \"...\" }", e);
        ScheduleStep step;
        bool has_day = false, has_channel = false;
        for (const auto& [key, v] : *t) {
          if (key.str() == "day") {
            int64_t d = 0;
            if (SetResult r = ReadInt(v, 1, 365, &d)) return r;
            step.day = static_cast<int>(d);
            has_day = true;
          } else if (key.str() == "channel") {
            if (SetResult r = ReadEnum(v, ReviewChannelNames(), &step.channel)) return r;
            has_channel = true;
          } else {
            return Bad(
                absl::StrCat("unknown key \"", ToAbsl(key.str()), "\" in a step (day, channel)"),
                v);
          }
        }
        if (!has_day || !has_channel) return Bad("a step needs day and channel", e);
        if (!out.empty() && step.day < out.back().day) {
          return Bad("steps must be in order of their days", e);
        }
        out.push_back(step);
      }
      s.review.schedule.steps = std::move(out);
      return std::nullopt;
    };
    k.push_back(std::move(steps));
  }
  k.push_back(EnumKey("RV-SCHEDULE", "day_count", "how the days are counted: calendar or business",
                      "\"business\"", DayCountNames(),
                      [](S& s) -> DayCount& { return s.review.schedule.day_count; }));
  k.push_back(ClockKey("RV-SCHEDULE", "local_time", "local time of the contacts after day 1",
                       "\"09:30\"",
                       [](S& s) -> Duration& { return s.review.schedule.local_time; }));
  k.push_back(ClockKey("RV-PROMISE", "local_time",
                       "local time of the reminder SMS; catalogue: not revised by that night, "
                       "an SMS the next day",
                       "\"11:00\"", [](S& s) -> Duration& { return s.review.promise.local_time; }));
  k.push_back(IntKey("RV-PROMISE", "max_reminders", "reminder SMS at most", "2", 0, 10,
                     [](S& s) -> int& { return s.review.promise.max_reminders; }));
  k.push_back(EnumKey("RV-PROMISE", "day_count",
                      "how the next day is counted: calendar or business", "\"business\"",
                      DayCountNames(),
                      [](S& s) -> DayCount& { return s.review.promise.day_count; }));
  k.push_back(MoneyKey("RV-REMEDY", "threshold",
                       "item price below which no return is needed; seed: 30 yuan", "\"50.00\"",
                       [](S& s) -> Money& { return s.review.remedy.threshold; }));
  k.push_back(EnumsKey("RV-REMEDY", "under_threshold",
                       "remedies for an item under the threshold; catalogue: partial refund or a "
                       "gift with the next order",
                       "[\"partial_refund\"]", RemedyNames(), [](S& s) -> std::vector<Remedy>& {
                         return s.review.remedy.under_threshold;
                       }));
  k.push_back(EnumsKey("RV-REMEDY", "at_or_over_threshold",
                       "remedies at or over it, or for a difficult buyer; catalogue: return or "
                       "exchange",
                       "[\"exchange\"]", RemedyNames(), [](S& s) -> std::vector<Remedy>& {
                         return s.review.remedy.at_or_over_threshold;
                       }));
  k.push_back(BoolKey("RV-REMEDY", "neutral_too", "neutral reviews follow the same lists",
                      [](S& s) -> bool& { return s.review.remedy.neutral_too; }));
  // ---- KPI, SH, FB (TeamPolicies: the host reads them from settings().team)
  k.push_back(RateKey("KPI-MONTH", "base_growth",
                      "the month's base target over last month's orders; catalogue: 10%", "\"12%\"",
                      [](S& s) -> Rate& { return s.team.targets.base_growth; }));
  k.push_back(RateKey("KPI-MONTH", "stretch_growth",
                      "the month's stretch target over last month's orders; catalogue: 25%",
                      "\"30%\"", [](S& s) -> Rate& { return s.team.targets.stretch_growth; }));
  k.push_back(IntKey("KPI-MONTH", "days_per_week", "days a week's quota is split over", "6", 1, 7,
                     [](S& s) -> int& { return s.team.targets.days_per_week; }));
  k.push_back(BoolKey("KPI-CARRY", "carry_shortfall",
                      "a week's shortfall is added to the next week's quota (catalogue)",
                      [](S& s) -> bool& { return s.team.targets.carry_shortfall; }));
  k.push_back(IntKey("KPI-EXAM", "max_score", "an exam's full score; catalogue: 100", "120", 1,
                     1000, [](S& s) -> int& { return s.team.exam.max_score; }));
  k.push_back(IntKey("KPI-EXAM", "pass_mark", "the score that passes", "70", 0, 1000,
                     [](S& s) -> int& { return s.team.exam.pass_mark; }));
  {
    Key shifts;
    shifts.table = "SH-SHIFTS";
    shifts.name = "shifts";
    shifts.comment =
        "the shifts; catalogue: early 9:00-18:30, middle 11:30-21:00 (takes over from early), "
        "late Tuesday-Friday 16:00-24:00 (takes over from middle)";
    shifts.example =
        "[{ name = \"day\", start = \"09:00\", end = \"18:00\", days = [\"monday\", "
        "\"tuesday\"] }]";
    shifts.print = [](const S& s) {
      std::vector<std::string> items;
      for (const ShiftTemplate& t : s.team.shifts.shifts) {
        std::vector<std::string> days;
        for (absl::Weekday d : t.days) days.push_back(NameOf(WeekdayNames(), d));
        items.push_back(absl::StrCat(
            "{ name = ", Quote(t.name), ", start = ", Quote(ClockText(t.start)),
            ", end = ", Quote(ClockText(t.end)), ", days = ", QuoteList(days),
            t.takes_over.empty() ? "" : absl::StrCat(", takes_over = ", Quote(t.takes_over)),
            " }"));
      }
      return "[\n  " + absl::StrJoin(items, ",\n  ") + (items.empty() ? "]" : ",\n]");
    };
    shifts.set = [](const toml::node& n, S& s) -> SetResult {
      const toml::array* a = n.as_array();
      if (a == nullptr) return Want("an array of { name, start, end, days, takes_over }", n);
      std::vector<ShiftTemplate> out;
      for (const toml::node& e : *a) {
        const toml::table* t = e.as_table();
        if (t == nullptr) return Want("a table { name, start, end, days, takes_over }", e);
        ShiftTemplate shift;
        std::optional<WorkingHours> hours;
        std::string start, end;
        bool has_start = false, has_end = false, has_days = false;
        for (const auto& [key, v] : *t) {
          const std::string_view name = key.str();
          SetResult r;
          if (name == "name") {
            r = ReadString(v, &shift.name, false);
          } else if (name == "start") {
            r = ReadString(v, &start, false);
            has_start = true;
          } else if (name == "end") {
            r = ReadString(v, &end, false);
            has_end = true;
          } else if (name == "days") {
            r = ReadEnumList(v, WeekdayNames(), &shift.days);
            has_days = true;
          } else if (name == "takes_over") {
            r = ReadString(v, &shift.takes_over, true);
          } else {
            r = Bad(absl::StrCat("unknown key \"", ToAbsl(name),
                                 "\" in a shift (name, start, end, days, takes_over)"),
                    v);
          }
          if (r) return r;
        }
        if (shift.name.empty() || !has_start || !has_end || !has_days) {
          return Bad("a shift needs name, start, end and days", e);
        }
        toml::value<std::string> span(start + "-" + end);
        if (SetResult r = ReadHours(span, false, &hours)) return Bad(r->message, e);
        if (!hours) return Bad("a shift needs start and end", e);
        shift.start = hours->open;
        shift.end = hours->close;
        for (const ShiftTemplate& before : out) {
          if (before.name == shift.name) {
            return Bad(absl::StrCat("shift \"", shift.name, "\" is listed twice"), e);
          }
        }
        out.push_back(std::move(shift));
      }
      // SH-HANDOVER: a shift takes over from another one of the list.
      if (const ShiftTemplate* t = internal::TakesOverFromNoShift(out)) {
        return Bad(absl::StrCat("shift \"", t->name, "\" takes over from \"", t->takes_over,
                                "\", which is not another shift of the list"),
                   (*a)[static_cast<size_t>(t - out.data())]);
      }
      s.team.shifts.shifts = std::move(out);
      return std::nullopt;
    };
    k.push_back(std::move(shifts));
  }
  k.push_back(StringsKey("SH-COVERAGE", "channels",
                         "the channels staffed at every hour of service; catalogue: 旺旺, 商城, "
                         "53客服",
                         "[\"旺旺\", \"商城\"]",
                         [](S& s) -> std::vector<std::string>& { return s.team.shifts.channels; }));
  k.push_back(ClockKey("SH-COVERAGE", "service_start", "local time service opens", "\"08:30\"",
                       [](S& s) -> Duration& { return s.team.shifts.service_start; }));
  {
    // Up to 24:00 (midnight at the end of the day), unlike the other times.
    Key end;
    end.table = "SH-COVERAGE";
    end.name = "service_end";
    end.comment = "local time service closes (\"24:00\": midnight)";
    end.example = "\"23:00\"";
    end.print = [](const S& s) { return Quote(ClockText(s.team.shifts.service_end)); };
    end.set = [](const toml::node& n, S& s) -> SetResult {
      if (!n.is_string()) return Want("a local time \"HH:MM\"", n);
      const std::string& v = n.as_string()->get();
      if (!ParseClock(v, 24 * 60, &s.team.shifts.service_end)) {
        return Bad(absl::StrCat("\"", v, "\" is not a local time from \"00:00\" to \"24:00\""), n);
      }
      return std::nullopt;
    };
    k.push_back(std::move(end));
  }
  k.push_back(DurationKey("SH-HANDOVER", "arrive_early_min",
                          "the next shift arrives at least this early; catalogue: 10 minutes",
                          "\"5m\"", [](S& s) -> Duration& { return s.team.shifts.arrive_early_min; }));
  k.push_back(DurationKey("SH-HANDOVER", "arrive_early_max",
                          "and at most this early; catalogue: 15 minutes", "\"20m\"",
                          [](S& s) -> Duration& { return s.team.shifts.arrive_early_max; }));
  {
    // One integer per part, by the part's name; parts not named keep theirs.
    Key weights;
    weights.table = "KPI-SCORE";
    weights.name = "weights";
    weights.comment =
        "points of each part of the score card; catalogue: 10 + 10, 20, 20, 5 + 5 + 10, 4 + 6 "
        "(90)";
    weights.example = "{ attitude = 25 }";
    weights.print = [](const S& s) {
      std::vector<std::string> parts;
      for (int i = 0; i < kScorePartCount; ++i) {
        parts.push_back(absl::StrCat(ToAbsl(ScorePartName(static_cast<ScorePart>(i))), " = ",
                                     s.team.score_card.weights[static_cast<size_t>(i)]));
      }
      return "{ " + absl::StrJoin(parts, ", ") + " }";
    };
    weights.set = [](const toml::node& n, S& s) -> SetResult {
      const toml::table* t = n.as_table();
      if (t == nullptr) return Want("a table { part = points, ... }", n);
      auto w = s.team.score_card.weights;
      for (const auto& [key, v] : *t) {
        int part = -1;
        std::vector<std::string> names;
        for (int i = 0; i < kScorePartCount; ++i) {
          names.emplace_back(ScorePartName(static_cast<ScorePart>(i)));
          if (names.back() == key.str()) part = i;
        }
        if (part < 0) {
          return Bad(absl::StrCat("\"", ToAbsl(key.str()), "\" is not a part of the score card (",
                                  absl::StrJoin(names, ", "), ")"),
                     v);
        }
        int64_t points = 0;
        if (SetResult r = ReadInt(v, 0, 100, &points)) return r;
        w[static_cast<size_t>(part)] = static_cast<int>(points);
      }
      s.team.score_card.weights = w;
      return std::nullopt;
    };
    k.push_back(std::move(weights));
  }
  // FB-TRIAGE: points by customer level, category and agent level.
  auto points_key = [](const char* name, const char* comment, const char* example,
                       std::vector<TriagePolicy::Points> TriagePolicy::*field) {
    Key key;
    key.table = "FB-TRIAGE";
    key.name = name;
    key.comment = comment;
    key.example = example;
    key.print = [field](const S& s) {
      std::vector<std::string> items;
      for (const TriagePolicy::Points& p : s.team.triage.*field) {
        items.push_back(absl::StrCat("{ key = ", Quote(p.key), ", points = ", p.points, " }"));
      }
      return "[" + absl::StrJoin(items, ", ") + "]";
    };
    key.set = [field](const toml::node& n, S& s) -> SetResult {
      const toml::array* a = n.as_array();
      if (a == nullptr) return Want("an array of { key = \"...\", points = N }", n);
      std::vector<TriagePolicy::Points> out;
      for (const toml::node& e : *a) {
        const toml::table* t = e.as_table();
        if (t == nullptr) return Want("a table { key = \"...\", points = N }", e);
        TriagePolicy::Points p;
        bool has_key = false, has_points = false;
        for (const auto& [k2, v] : *t) {
          SetResult r;
          if (k2.str() == "key") {
            r = ReadString(v, &p.key, false);
            has_key = true;
          } else if (k2.str() == "points") {
            int64_t points = 0;
            r = ReadInt(v, -1000, 1000, &points);
            p.points = static_cast<int>(points);
            has_points = true;
          } else {
            r = Bad(absl::StrCat("unknown key \"", ToAbsl(k2.str()), "\" (key, points)"), v);
          }
          if (r) return r;
        }
        if (!has_key || !has_points) return Bad("an entry needs key and points", e);
        for (const TriagePolicy::Points& before : out) {
          if (before.key == p.key) return Bad(absl::StrCat("\"", p.key, "\" is listed twice"), e);
        }
        out.push_back(std::move(p));
      }
      s.team.triage.*field = std::move(out);
      return std::nullopt;
    };
    return key;
  };
  k.push_back(points_key("customer_levels", "priority points by customer level (seed 003)",
                         "[{ key = \"vip\", points = 50 }]", &TriagePolicy::customer_levels));
  k.push_back(points_key("categories", "priority points by problem category (seed 003)",
                         "[{ key = \"complaint\", points = 60 }]", &TriagePolicy::categories));
  k.push_back(points_key("agent_levels", "priority points by the agent's level (seed 003)",
                         "[{ key = \"senior\", points = 20 }]", &TriagePolicy::agent_levels));
  {
    Key customers;
    customers.table = "FB-TRIAGE";
    customers.name = "customers";
    customers.comment = "buyers (IM names) with a customer level; every other buyer is "
                        "default_customer_level";
    customers.example = "[{ buyer = \"开心的小熊\", level = \"vip\" }]";
    customers.print = [](const S& s) {
      std::vector<std::string> items;
      for (const TriagePolicy::Customer& c : s.team.triage.customers) {
        items.push_back(absl::StrCat("{ buyer = ", Quote(c.buyer), ", level = ", Quote(c.level),
                                     " }"));
      }
      return "[" + absl::StrJoin(items, ", ") + "]";
    };
    customers.set = [](const toml::node& n, S& s) -> SetResult {
      const toml::array* a = n.as_array();
      if (a == nullptr) return Want("an array of { buyer = \"...\", level = \"...\" }", n);
      std::vector<TriagePolicy::Customer> out;
      for (const toml::node& e : *a) {
        const toml::table* t = e.as_table();
        if (t == nullptr) return Want("a table { buyer = \"...\", level = \"...\" }", e);
        TriagePolicy::Customer c;
        bool has_buyer = false, has_level = false;
        for (const auto& [k2, v] : *t) {
          SetResult r;
          if (k2.str() == "buyer") {
            r = ReadString(v, &c.buyer, false);
            has_buyer = true;
          } else if (k2.str() == "level") {
            r = ReadString(v, &c.level, false);
            has_level = true;
          } else {
            r = Bad(absl::StrCat("unknown key \"", ToAbsl(k2.str()), "\" (buyer, level)"), v);
          }
          if (r) return r;
        }
        if (!has_buyer || !has_level) return Bad("an entry needs buyer and level", e);
        for (const TriagePolicy::Customer& before : out) {
          if (before.buyer == c.buyer) {
            return Bad(absl::StrCat("\"", c.buyer, "\" is listed twice"), e);
          }
        }
        out.push_back(std::move(c));
      }
      s.team.triage.customers = std::move(out);
      return std::nullopt;
    };
    k.push_back(std::move(customers));
  }
  k.push_back(StringKey("FB-TRIAGE", "default_customer_level",
                        "the level of a buyer customers does not list", "\"new\"",
                        [](S& s) -> std::string& { return s.team.triage.default_customer_level; }));
  k.push_back(MoneyKey("FB-ROLES", "refund_approval_above",
                       "a refund above this needs approve_large_refund's roles", "\"200.00\"",
                       [](S& s) -> Money& { return s.team.roles.refund_approval_above; }));
  k.push_back(EnumsKey("FB-ROLES", "approve_large_refund", "roles that approve a large refund",
                       "[\"manager\"]", RoleNames(),
                       [](S& s) -> std::vector<StaffRole>& { return s.team.roles.approve_large_refund; }));
  k.push_back(EnumsKey("FB-ROLES", "override_contact_limit",
                       "roles that may go past RV-CONTACT-LIMIT (formerly "
                       "RV-CONTACT-LIMIT.override_roles)",
                       "[\"manager\"]", RoleNames(),
                       [](S& s) -> std::vector<StaffRole>& {
                         return s.team.roles.override_contact_limit;
                       }));
  k.push_back(EnumsKey("FB-ROLES", "approve_shift_swap",
                       "roles that approve a shift swap (SH-HANDOVER)", "[\"team_lead\"]",
                       RoleNames(),
                       [](S& s) -> std::vector<StaffRole>& { return s.team.roles.approve_shift_swap; }));
  k.push_back(EnumsKey("FB-ROLES", "change_score",
                       "roles that may change a judged part of a score card (KPI-SCORE)",
                       "[\"qc_inspector\"]", RoleNames(),
                       [](S& s) -> std::vector<StaffRole>& { return s.team.roles.change_score; }));
  k.push_back(StringKey("FB-REPORT", "escalate_to",
                        "who receives the six kinds of report (seed 001)", "\"经理\"",
                        [](S& s) -> std::string& { return s.team.report.escalate_to; }));
  // ---- PH
  k.push_back(BoolKey("PH-APOLOGY", "enabled",
                      "a refusal opens with the apology; seed: \"非常抱歉\"",
                      [](S& s) -> bool& { return s.apology.enabled; }));
  k.push_back(EnumKey("PH-APOLOGY", "severity", "severity of a finding (info, warning, error)",
                      "\"warning\"", SeverityNames(),
                      [](S& s) -> Severity& { return s.apology.severity; }));
  k.push_back(StringKey("PH-APOLOGY", "apology", "the words a refusal opens with", "\"很抱歉\"",
                        [](S& s) -> std::string& { return s.apology.apology; }));
  k.push_back(
      StringsKey("PH-APOLOGY", "refusal_markers", "words that make a reply a refusal", "[\"无法\"]",
                 [](S& s) -> std::vector<std::string>& { return s.apology.refusal_markers; }));
  k.push_back(StringsKey("PH-APOLOGY", "greetings", "greetings allowed before the apology",
                         "[\"您好\"]",
                         [](S& s) -> std::vector<std::string>& { return s.apology.greetings; }));
  k.push_back(StringKey("PH-APOLOGY", "sentence_ends",
                        "characters that end a sentence (the apology must open the one that "
                        "refuses)",
                        "\"。！？\"", [](S& s) -> std::string& { return s.apology.sentence_ends; }));
  k.push_back(BoolKey("PH-PRIVACY", "enabled",
                      "flag customers' data in replies; seed: \"不随意提供客户资料\"",
                      [](S& s) -> bool& { return s.privacy.enabled; }));
  k.push_back(EnumKey("PH-PRIVACY", "severity", "severity of a finding (info, warning, error)",
                      "\"warning\"", SeverityNames(),
                      [](S& s) -> Severity& { return s.privacy.severity; }));
  k.push_back(BoolKey("PH-PRIVACY", "mobile_phones", "flag mobile phone numbers (138****5678)",
                      [](S& s) -> bool& { return s.privacy.kinds.mobile_phones; }));
  k.push_back(BoolKey("PH-PRIVACY", "id_numbers", "flag resident ID numbers (GB 11643)",
                      [](S& s) -> bool& { return s.privacy.kinds.id_numbers; }));
  k.push_back(BoolKey("PH-PRIVACY", "bank_cards", "flag bank card numbers (Luhn)",
                      [](S& s) -> bool& { return s.privacy.kinds.bank_cards; }));
  k.push_back(BoolKey("PH-PRIVACY", "emails", "flag e-mail addresses",
                      [](S& s) -> bool& { return s.privacy.kinds.emails; }));
  k.push_back(BoolKey("PH-PRIVACY", "landlines", "flag landline numbers (0571****6666)",
                      [](S& s) -> bool& { return s.privacy.kinds.landlines; }));
  k.push_back(BoolKey("PH-PRIVACY", "addresses", "flag street addresses down to the room",
                      [](S& s) -> bool& { return s.privacy.kinds.addresses; }));
  k.push_back(BoolKey("PH-CALLBACK", "enabled",
                      "a reply that puts its answer off gives a definite time (seed 001)",
                      [](S& s) -> bool& { return s.callback.enabled; }));
  k.push_back(EnumKey("PH-CALLBACK", "severity", "severity of a finding (info, warning, error)",
                      "\"warning\"", SeverityNames(),
                      [](S& s) -> Severity& { return s.callback.severity; }));
  k.push_back(
      StringsKey("PH-CALLBACK", "deferral_markers", "the shop's own phrases that put an answer off",
                 "[\"容我想想\"]",
                 [](S& s) -> std::vector<std::string>& { return s.callback.deferral_markers; }));
  k.push_back(
      StringsKey("PH-CALLBACK", "later_words",
                 "words that put an answer later (稍后, 晚点, the 后/内 of a time)", "[\"稍后\"]",
                 [](S& s) -> std::vector<std::string>& { return s.callback.later_words; }));
  k.push_back(
      StringsKey("PH-CALLBACK", "reply_verbs", "verbs of answering that follow a later word",
                 "[\"回复\"]",
                 [](S& s) -> std::vector<std::string>& { return s.callback.reply_verbs; }));
  k.push_back(StringKey("PH-CALLBACK", "suggestion", "the suggestion of a deferral finding",
                        "\"请告诉客户具体回复时间\"",
                        [](S& s) -> std::string& { return s.callback.suggestion; }));
  k.push_back(DurationKey("PH-CALLBACK", "call_back_within",
                          "a wrong answer's call back is due this long after it is found", "\"1h\"",
                          [](S& s) -> Duration& { return s.callback.call_back_within; }));
  k.push_back(EnumKey("PH-MEETING", "weekday",
                      "the day of the weekly product training; seed: Wednesday", "\"thursday\"",
                      WeekdayNames(),
                      [](S& s) -> absl::Weekday& { return s.meeting.weekday; }));
  k.push_back(ClockKey("PH-MEETING", "start", "local time the training starts; seed: 16:30",
                       "\"15:00\"", [](S& s) -> Duration& { return s.meeting.start; }));
  k.push_back(DurationKey("PH-MEETING", "length", "how long every account answers automatically",
                          "\"1h30m\"", [](S& s) -> Duration& { return s.meeting.length; }));
  k.push_back(BoolKey("PH-MEETING", "only_on_working_days",
                      "no training on a day the calendar says is off",
                      [](S& s) -> bool& { return s.meeting.only_on_working_days; }));
  k.push_back(StringKey("PH-MEETING", "auto_reply",
                        "what every account answers during the training",
                        "\"亲，客服开会中，稍后回复您\"",
                        [](S& s) -> std::string& { return s.meeting.auto_reply; }));
  // ---- response times (ResponsePolicy, kefu/engine/team_ledger.h: what the
  // platforms measure, not a rule of the catalogue)
  k.push_back(DurationKey("response", "within",
                          "a round answered this soon after the buyer's message is answered in "
                          "time; the platforms: 3 minutes",
                          "\"5m\"", [](S& s) -> Duration& { return s.team.response.within; }));
  k.push_back(ClockKey("response", "counted_from",
                       "rounds begun from this local time make the day's response rate",
                       "\"09:00\"", [](S& s) -> Duration& { return s.team.response.counted_from; }));
  {
    // Up to 24:00, like SH-COVERAGE.service_end.
    Key until;
    until.table = "response";
    until.name = "counted_until";
    until.comment = "and until this one (\"24:00\": midnight); the platforms: 08:00 to 23:00";
    until.example = "\"22:00\"";
    until.print = [](const S& s) { return Quote(ClockText(s.team.response.counted_until)); };
    until.set = [](const toml::node& n, S& s) -> SetResult {
      if (!n.is_string()) return Want("a local time \"HH:MM\"", n);
      const std::string& v = n.as_string()->get();
      if (!ParseClock(v, 24 * 60, &s.team.response.counted_until)) {
        return Bad(absl::StrCat("\"", v, "\" is not a local time from \"00:00\" to \"24:00\""), n);
      }
      return std::nullopt;
    };
    k.push_back(std::move(until));
  }
  k.push_back(RateKey("response", "target",
                      "an agent's day whose rate falls below this is a warning; the platforms: 90%",
                      "\"85%\"", [](S& s) -> Rate& { return s.team.response.target; }));
  // ---- the shop
  {
    Key province;
    province.table = "shop";
    province.name = "province";
    province.comment =
        "AS-POSTAGE-CAP: the shop's own province, for a ticket that names none (\"\": none)";
    province.example = "\"广东\"";
    province.print = [](const S& s) { return Quote(s.shop_province); };
    province.set = [](const toml::node& n, S& s) -> SetResult {
      std::string name;
      if (SetResult r = ReadString(n, &name)) return r;
      if (!name.empty()) {
        absl::StatusOr<Province> p = ParseProvince(name);
        if (!p.ok()) return Bad(std::string(p.status().message()), n);
      }
      s.shop_province = name;
      return std::nullopt;
    };
    k.push_back(std::move(province));
  }
  k.push_back(BoolKey("shop", "only_listed_couriers",
                      "ORD-COD-REACH: a courier not listed under [couriers] reaches nowhere (an "
                      "order naming it is held until the courier is changed)",
                      [](S& s) -> bool& { return s.only_listed_couriers; }));
  // ---- calendar
  {
    Key zone;
    zone.table = "calendar";
    zone.name = "time_zone";
    zone.comment = "the shop's IANA time zone; every deadline is counted in it";
    zone.example = "\"Asia/Tokyo\"";
    zone.print = [](const S& s) { return Quote(s.calendar.time_zone); };
    zone.set = [](const toml::node& n, S& s) -> SetResult {
      std::string name;
      if (SetResult r = ReadString(n, &name, false)) return r;
      BusinessCalendar::Options probe;
      probe.time_zone = name;
      absl::Status zone_ok = BusinessCalendar::Create(std::move(probe)).status();
      if (!zone_ok.ok()) return Bad(std::string(zone_ok.message()), n);
      s.calendar.time_zone = std::move(name);
      return std::nullopt;
    };
    k.push_back(std::move(zone));
  }
  for (const auto& [day, weekday] : WeekdayNames()) {
    const int index = (static_cast<int>(weekday) + 7) % 7;  // absl: monday = 0
    Key hours;
    hours.table = "calendar";
    hours.name = day;
    hours.comment = absl::StrCat("working hours on ", day, " (\"off\": not a working day)");
    hours.example = weekday == absl::Weekday::saturday ? "\"10:00-16:00\"" : "\"08:30-17:30\"";
    hours.print = [index](const S& s) {
      return Quote(HoursText(s.calendar.hours[static_cast<size_t>(index)]));
    };
    hours.set = [index](const toml::node& n, S& s) {
      return ReadHours(n, true, &s.calendar.hours[static_cast<size_t>(index)]);
    };
    k.push_back(std::move(hours));
  }
  {
    Key holidays;
    holidays.table = "calendar";
    holidays.name = "holidays";
    holidays.comment = "public holidays: days off although their weekday works";
    holidays.example = "[2026-10-01, 2026-10-02]";
    auto print_days = [](const std::vector<LocalDay>& days) {
      std::vector<std::string> d;
      for (LocalDay day : days) d.push_back(TomlDate(day));
      return "[" + absl::StrJoin(d, ", ") + "]";
    };
    holidays.print = [print_days](const S& s) { return print_days(s.calendar.holidays); };
    holidays.set = [](const toml::node& n, S& s) { return ReadDays(n, &s.calendar.holidays); };
    k.push_back(std::move(holidays));
    Key makeup;
    makeup.table = "calendar";
    makeup.name = "makeup_workdays";
    makeup.comment = "make-up working days of 调休: days worked although their weekday does not";
    makeup.example = "[2026-10-10]";
    makeup.print = [print_days](const S& s) { return print_days(s.calendar.makeup_workdays); };
    makeup.set = [](const toml::node& n, S& s) { return ReadDays(n, &s.calendar.makeup_workdays); };
    k.push_back(std::move(makeup));
    Key makeup_hours;
    makeup_hours.table = "calendar";
    makeup_hours.name = "makeup_hours";
    makeup_hours.comment = "hours of a make-up day (\"\": Monday's hours)";
    makeup_hours.example = "\"10:00-17:00\"";
    makeup_hours.print = [](const S& s) {
      return Quote(s.calendar.makeup_hours ? HoursText(s.calendar.makeup_hours) : "");
    };
    makeup_hours.set = [](const toml::node& n, S& s) {
      return ReadHours(n, false, &s.calendar.makeup_hours);
    };
    k.push_back(std::move(makeup_hours));
  }
  // ---- phrases
  k.push_back(BoolKey("phrases", "seed",
                      "the shipped seed phrases (PH-NEGATION, PH-INTERJECTION, PH-IGNORANCE, "
                      "PH-ADDRESS) stay on",
                      [](S& s) -> bool& { return s.phrases.seed; }));
  k.push_back(BoolKey("phrases", "advertising_law",
                      "the Advertising Law's absolute terms (PH-ADLAW), off by default",
                      [](S& s) -> bool& { return s.phrases.advertising_law; }));
  k.push_back(StringsKey("phrases", "remove", "shipped phrases dropped from their pack", "[\"你\"]",
                         [](S& s) -> std::vector<std::string>& { return s.phrases.remove; }));
  k.push_back(StringsKey(
      "phrases", "allow", "words in which a hit does not count, in every list (感恩 cancels 恩)",
      "[\"不错\"]", [](S& s) -> std::vector<std::string>& { return s.phrases.allow; }));
  {
    Key add;
    add.table = "phrases";
    add.name = "add";
    add.comment =
        "the shop's own phrases: { phrase, rule, suggestion, severity (default error), "
        "standalone (default false) }";
    add.example = "[{ phrase = \"亲\", rule = \"PH-ADDRESS\", suggestion = \"您\" }]";
    add.print = [](const S& s) {
      if (s.phrases.add.empty()) return std::string("[]");
      std::string out = "[\n";
      for (const PhraseEntry& e : s.phrases.add) {
        absl::StrAppend(&out, "  { phrase = ", Quote(e.phrase), ", rule = ", Quote(e.rule_id),
                        ", suggestion = ", Quote(e.suggestion),
                        ", severity = ", Quote(SeverityName(e.severity)));
        if (e.standalone) out += ", standalone = true";
        out += " },\n";
      }
      return out + "]";
    };
    add.set = [](const toml::node& n, S& s) -> SetResult {
      const toml::array* a = n.as_array();
      if (a == nullptr) return Want("an array of { phrase, rule, suggestion }", n);
      std::vector<PhraseEntry> out;
      for (const toml::node& item : *a) {
        const toml::table* t = item.as_table();
        if (t == nullptr) return Want("a table { phrase, rule, suggestion }", item);
        PhraseEntry e;
        e.tags = {"shop"};
        for (const auto& [key, v] : *t) {
          const std::string_view name = key.str();
          SetResult r;
          if (name == "phrase") {
            r = ReadString(v, &e.phrase, false);
          } else if (name == "rule") {
            r = ReadString(v, &e.rule_id, false);
          } else if (name == "suggestion") {
            r = ReadString(v, &e.suggestion);
          } else if (name == "severity") {
            r = ReadEnum(v, SeverityNames(), &e.severity);
          } else if (name == "standalone") {
            r = ReadBool(v, &e.standalone);
          } else {
            r = Bad(absl::StrCat("unknown key \"", ToAbsl(name),
                                 "\" in a phrase (phrase, rule, suggestion, severity, standalone)"),
                    v);
          }
          if (r) return r;
        }
        if (e.phrase.empty() || e.rule_id.empty())
          return Bad("a phrase needs phrase and rule", item);
        if (e.rule_id.rfind("PH-", 0) != 0) {
          return Bad(absl::StrCat("rule \"", e.rule_id, "\" is not a PH rule"), item);
        }
        for (const PhraseEntry& before : out) {
          if (before.phrase == e.phrase) {
            return Bad(absl::StrCat("duplicate phrase \"", e.phrase, "\""), item);
          }
        }
        out.push_back(std::move(e));
      }
      s.phrases.add = std::move(out);
      return std::nullopt;
    };
    k.push_back(std::move(add));
  }
  return k;
}

const std::vector<Key>& Keys() {
  static const auto* keys = new std::vector<Key>(BuildKeys());
  return *keys;
}

// The tables in the order they print.
std::vector<std::string> TableOrder() {
  std::vector<std::string> out;
  for (const Key& k : Keys()) {
    if (std::find(out.begin(), out.end(), k.table) == out.end()) out.push_back(k.table);
  }
  return out;
}

// The rule a table's comment names: its ID, or for the other tables the
// rules they serve.
std::string TableRule(const std::string& table) {
  if (table == "calendar") return "calendar (every deadline)";
  if (table == "shop") return "shop";
  if (table == "phrases") return "phrases (PH-*)";
  return table;
}

std::string BareOrQuoted(const std::string& key) {
  bool bare = !key.empty();
  for (char c : key) {
    bare = bare && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-');
  }
  return bare ? key : Quote(key);
}

// "province" or "province/city": ParseProvince must know the province.
absl::Status CheckArea(const std::string& area) {
  const size_t slash = area.find('/');
  const std::string province = area.substr(0, slash);
  absl::StatusOr<Province> p = ParseProvince(province);
  if (!p.ok()) return p.status();
  if (slash != std::string::npos && slash + 1 == area.size()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", area, "\" names no city after the /"));
  }
  return absl::OkStatus();
}

std::string CouriersToml(const std::vector<PackCourier>& couriers, bool comments) {
  std::string out;
  if (couriers.empty() && comments) {
    out +=
        "# couriers (ORD-COD-REACH, ORD-PREPAY): none listed, so every courier reaches\n"
        "# everywhere and collects cash everywhere. A courier is a table, e.g.\n"
        "# [couriers.EMS]\n"
        "# blind_spots = [\"西藏\", \"新疆/阿里\"]      # province or province/city it does not "
        "reach\n"
        "# cash_on_delivery = true                   # false: collects cash nowhere\n"
        "# no_cash_on_delivery_in = [\"青海\"]         # reaches, but collects no cash there\n"
        "# express = true                            # false: the post or freight (no "
        "ORD-PREPAY)\n";
  }
  for (const PackCourier& c : couriers) {
    if (!out.empty()) out += "\n";
    absl::StrAppend(&out, "[couriers.", BareOrQuoted(c.name), "]\n");
    if (comments) out += "# ORD-COD-REACH: provinces or province/city the courier does not reach\n";
    absl::StrAppend(&out, "blind_spots = ", QuoteList(c.blind_spots), "\n");
    if (comments) out += "# ORD-COD-REACH: collects cash on delivery (where it reaches)\n";
    absl::StrAppend(&out, "cash_on_delivery = ", c.cash_on_delivery ? "true" : "false", "\n");
    if (comments) out += "# ORD-COD-REACH: reaches, but collects no cash there\n";
    absl::StrAppend(&out, "no_cash_on_delivery_in = ", QuoteList(c.no_cash_on_delivery_in), "\n");
    if (comments) out += "# ORD-PREPAY: an express courier (false: the post or freight)\n";
    absl::StrAppend(&out, "express = ", c.express ? "true" : "false", "\n");
  }
  return out;
}

std::string AgentsToml(const std::vector<StaffMember>& agents, bool comments) {
  std::string out;
  if (agents.empty() && comments) {
    out +=
        "# agents (FB-ROLES, FB-TRIAGE): no roster, so the role a contact_attempted event\n"
        "# names counts as it is and no refund needs approval. An agent is a table, e.g.\n"
        "# [agents.\"王主管\"]\n"
        "# role = \"supervisor\"   # agent, team_lead, supervisor, manager, qc_inspector,\n"
        "#                         # training_lead or trainer\n"
        "# level = \"senior\"      # FB-TRIAGE agent level (a key of agent_levels)\n"
        "# With a roster, an agent it does not list acts as an agent.\n";
  }
  for (const StaffMember& m : agents) {
    if (!out.empty()) out += "\n";
    absl::StrAppend(&out, "[agents.", BareOrQuoted(m.name), "]\n");
    if (comments) out += "# FB-ROLES: the agent's role (what FB-ROLES lets it approve or override)\n";
    absl::StrAppend(&out, "role = ", Quote(NameOf(RoleNames(), m.role)), "\n");
    if (comments) out += "# FB-TRIAGE: the agent's level (a key of FB-TRIAGE.agent_levels)\n";
    absl::StrAppend(&out, "level = ", Quote(m.level), "\n");
  }
  return out;
}

std::string SettingsToml(const PolicySettings& s, bool comments) {
  std::string out;
  if (comments) {
    out +=
        "# kefu policy pack (docs/policy_pack.md). Every key keeps the catalogue's default\n"
        "# unless set; money is yuan as a string (\"10.00\"), rates \"5%\", local times\n"
        "# \"HH:MM\", durations \"30m\", dates 2026-10-01.\n";
  }
  for (const std::string& table : TableOrder()) {
    if (!out.empty()) out += "\n";
    absl::StrAppend(&out, "[", table, "]\n");
    for (const Key& k : Keys()) {
      if (k.table != table) continue;
      if (comments) absl::StrAppend(&out, "# ", TableRule(table), ": ", k.comment, "\n");
      absl::StrAppend(&out, k.name, " = ", k.print(s), "\n");
    }
  }
  const std::string couriers = CouriersToml(s.couriers, comments);
  if (!couriers.empty()) absl::StrAppend(&out, "\n", couriers);
  const std::string agents = AgentsToml(s.team.roles.agents, comments);
  if (!agents.empty()) absl::StrAppend(&out, "\n", agents);
  return out;
}

uint64_t Fnv1a64(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// The known name nearest `name`, for "did you mean".
std::string Nearest(std::string_view name, const std::vector<std::string>& known) {
  std::string best;
  int best_distance = 3;
  for (const std::string& k : known) {
    const int d = Utf8EditDistance(name, k, 2);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best.empty() ? "" : absl::StrCat(" (did you mean \"", best, "\"?)");
}

// The phrase lists of `p`: the shipped ones on, less what is removed; the
// shop's; allow words in each.
std::vector<PhraseList> BuildLists(const PackPhrases& p) {
  std::vector<PhraseList> lists;
  if (p.seed) lists.push_back(SeedPack());
  if (p.advertising_law) lists.push_back(AdvertisingLawPack());
  for (PhraseList& list : lists) {
    auto& e = list.entries;
    e.erase(std::remove_if(e.begin(), e.end(),
                           [&](const PhraseEntry& x) {
                             return !x.allow && std::find(p.remove.begin(), p.remove.end(),
                                                          x.phrase) != p.remove.end();
                           }),
            e.end());
  }
  if (!p.add.empty()) {
    PhraseList shop;
    shop.name = "shop";
    shop.tags = {"shop"};
    shop.entries = p.add;
    lists.push_back(std::move(shop));
  }
  for (PhraseList& list : lists) {
    for (const std::string& w : p.allow) {
      PhraseEntry e;
      e.phrase = w;
      e.allow = true;
      e.tags = {"shop"};
      list.entries.push_back(std::move(e));
    }
  }
  return lists;
}

}  // namespace

// ------------------------------------------------------------ the pack

struct PackBuilder {
  static PolicyPack WithWarnings(PolicyPack pack, std::vector<PackMessage> warnings) {
    pack.warnings_ = std::move(warnings);
    return pack;
  }
  // Makes the pack of `settings`: compiles its calendar, couriers and reply
  // checker. Errors are about the whole pack (the caller places them).
  static absl::StatusOr<PolicyPack> Make(PolicySettings settings) {
    PolicyPack pack;
    absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(settings.calendar);
    if (!cal.ok()) return cal.status();
    pack.calendar_ = std::make_shared<const BusinessCalendar>(*std::move(cal));
    if (!settings.couriers.empty() || settings.only_listed_couriers) {
      auto coverage = std::make_shared<CourierCoverage>();
      coverage->set_only_declared(settings.only_listed_couriers);
      for (const PackCourier& c : settings.couriers) {
        coverage->Declare(c.name, c.express);
        for (const std::string& area : c.blind_spots) {
          const size_t slash = area.find('/');
          absl::Status st =
              coverage->Block(c.name, area.substr(0, slash),
                              slash == std::string::npos ? "" : area.substr(slash + 1), false);
          if (!st.ok()) return st;
        }
        if (!c.cash_on_delivery) {
          for (int i = 0; i < kProvinceCount; ++i) {
            absl::Status st =
                coverage->Block(c.name, ProvinceShortName(static_cast<Province>(i)), "", true);
            if (!st.ok()) return st;
          }
        }
        for (const std::string& area : c.no_cash_on_delivery_in) {
          const size_t slash = area.find('/');
          absl::Status st =
              coverage->Block(c.name, area.substr(0, slash),
                              slash == std::string::npos ? "" : area.substr(slash + 1), true);
          if (!st.ok()) return st;
        }
      }
      pack.couriers_ = std::move(coverage);
    }
    ReplyCheckerOptions rc;
    rc.lists = BuildLists(settings.phrases);
    rc.use_default_lists = false;
    rc.apology = settings.apology;
    rc.privacy = settings.privacy;
    rc.callback = settings.callback;
    absl::StatusOr<ReplyChecker> checker = ReplyChecker::Create(std::move(rc));
    if (!checker.ok()) return checker.status();
    pack.checker_ = std::make_shared<const ReplyChecker>(*std::move(checker));
    std::sort(settings.couriers.begin(), settings.couriers.end(),
              [](const PackCourier& a, const PackCourier& b) { return a.name < b.name; });
    // RolePolicy::Find looks the roster up by halving.
    std::sort(settings.team.roles.agents.begin(), settings.team.roles.agents.end(),
              [](const StaffMember& a, const StaffMember& b) { return a.name < b.name; });
    pack.revision_ = absl::StrFormat("%016x", Fnv1a64(SettingsToml(settings, false)));
    pack.settings_ = std::make_shared<const PolicySettings>(std::move(settings));
    return pack;
  }
};

const PolicyPack& PolicyPack::Defaults() {
  static const auto* pack = [] {
    absl::StatusOr<PolicyPack> p = PackBuilder::Make(PolicySettings{});
    // The catalogue's defaults always build; a failure is a bug in kefu.
    if (!p.ok()) std::abort();
    return new PolicyPack(*std::move(p));
  }();
  return *pack;
}

ShopOptions PolicyPack::shop_options() const {
  ShopOptions o;
  ApplyTo(&o);
  return o;
}

void PolicyPack::ApplyTo(ShopOptions* o) const {
  o->order_policies = settings_->order;
  o->ticket_policies = settings_->ticket;
  o->review_policies = settings_->review;
  o->team_policies = settings_->team;
  o->calendar = calendar_;
  o->courier_reach = couriers_;
  o->reply_checker = checker_;
  o->shop_province = settings_->shop_province;
  o->policy_revision = revision_;
}

std::string PolicyPack::ToToml(bool comments) const { return SettingsToml(*settings_, comments); }

std::vector<std::string> PolicyPack::Diff(const PolicyPack& base) const {
  std::vector<std::string> out;
  for (const Key& k : Keys()) {
    const std::string mine = k.print(*settings_);
    const std::string theirs = k.print(*base.settings_);
    if (mine != theirs) {
      out.push_back(absl::StrCat(k.table, ".", k.name, " = ", mine, " (was ", theirs, ")"));
    }
  }
  const std::string mine = CouriersToml(settings_->couriers, false);
  const std::string theirs = CouriersToml(base.settings_->couriers, false);
  if (mine != theirs) {
    std::vector<std::string> names;
    for (const PackCourier& c : settings_->couriers) names.push_back(c.name);
    out.push_back(absl::StrCat("couriers = [", absl::StrJoin(names, ", "), "] (",
                               base.settings_->couriers.empty() ? "was none: every courier "
                                                                  "reaches everywhere"
                                                                : "changed",
                               ")"));
  }
  const std::string my_agents = AgentsToml(settings_->team.roles.agents, false);
  const std::string their_agents = AgentsToml(base.settings_->team.roles.agents, false);
  if (my_agents != their_agents) {
    std::vector<std::string> items;
    for (const StaffMember& m : settings_->team.roles.agents) {
      items.push_back(absl::StrCat(m.name, " (", NameOf(RoleNames(), m.role), ", ", m.level, ")"));
    }
    out.push_back(absl::StrCat("agents = [", absl::StrJoin(items, ", "), "] (",
                               base.settings_->team.roles.agents.empty()
                                   ? "was none: no roster"
                                   : "changed",
                               ")"));
  }
  return out;
}

std::vector<PackKeyInfo> PolicyPackKeys() {
  std::vector<PackKeyInfo> out;
  for (const Key& k : Keys()) out.push_back({k.table, k.name, k.comment, k.example});
  return out;
}

// ------------------------------------------------------------ reading

namespace {

class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  void Error(const toml::source_region& at, std::string key, std::string message) {
    errors_.push_back({file_, static_cast<int64_t>(at.begin.line),
                       static_cast<int64_t>(at.begin.column), std::move(key), std::move(message)});
  }
  void Warn(const toml::source_region& at, std::string key, std::string message) {
    warnings_.push_back({file_, static_cast<int64_t>(at.begin.line),
                         static_cast<int64_t>(at.begin.column), std::move(key),
                         std::move(message)});
  }

  PackReading Read(std::string_view text) {
    PackReading out;
    toml::table doc;
    try {
      doc = toml::parse(text, std::string(file_));
    } catch (const toml::parse_error& e) {
      std::string key;
      std::string message(e.description());
      // A second [agents.NAME] or [couriers.NAME]: TOML refuses to define a
      // table twice; name the agent or courier listed twice (from the
      // header's own line: toml++'s message may garble the name).
      if (absl::StrContains(message, "cannot redefine existing table")) {
        std::string header;
        size_t line = 1, at = 0;
        while (line < e.source().begin.line && at != std::string_view::npos) {
          at = text.find('\n', at);
          if (at != std::string_view::npos) ++at;
          ++line;
        }
        if (at != std::string_view::npos) {
          header = std::string(text.substr(at, text.find('\n', at) - at));
        }
        const size_t open = header.find('['), close = header.rfind(']');
        std::string name;
        if (open != std::string::npos && close != std::string::npos && close > open) {
          for (char c : header.substr(open + 1, close - open - 1)) {
            if (c != '"' && c != ' ') name += c;
          }
        }
        for (const char* kind : {"agents", "couriers"}) {
          const std::string prefix = absl::StrCat(kind, ".");
          if (absl::StartsWith(name, prefix)) {
            key = name;
            message = absl::StrCat(kind == std::string("agents") ? "the agent \"" : "the courier \"",
                                   name.substr(prefix.size()), "\" is listed twice");
          }
        }
      }
      errors_.push_back({file_, static_cast<int64_t>(e.source().begin.line),
                         static_cast<int64_t>(e.source().begin.column), std::move(key),
                         std::move(message)});
      out.errors = std::move(errors_);
      return out;
    }
    PolicySettings s;
    const std::vector<std::string> tables = TableOrder();
    std::vector<std::string> known_tables = tables;
    known_tables.push_back("couriers");
    known_tables.push_back("agents");
    // Where each key was set, for the cross-key checks.
    std::map<std::string, toml::source_region> where;
    for (const auto& [tkey, tnode] : doc) {
      const std::string table(tkey.str());
      if (std::find(known_tables.begin(), known_tables.end(), table) == known_tables.end()) {
        Error(tkey.source(), table,
              absl::StrCat("unknown table [", table, "]", Nearest(table, known_tables)));
        continue;
      }
      const toml::table* t = tnode.as_table();
      if (t == nullptr) {
        Error(tkey.source(), table,
              absl::StrCat("[", table, "] must be a table, not ", TypeName(tnode)));
        continue;
      }
      if (table == "couriers") {
        ReadCouriers(*t, &s);
        continue;
      }
      if (table == "agents") {
        ReadAgents(*t, &s, &where);
        continue;
      }
      where[table] = tkey.source();
      std::vector<std::string> names;
      for (const Key& k : Keys()) {
        if (k.table == table) names.push_back(k.name);
      }
      for (const auto& [kkey, knode] : *t) {
        const std::string name(kkey.str());
        const std::string full = absl::StrCat(table, ".", name);
        const Key* key = nullptr;
        for (const Key& k : Keys()) {
          if (k.table == table && k.name == name) key = &k;
        }
        if (key == nullptr && full == "RV-CONTACT-LIMIT.override_roles") {
          // Moved: one table of roles for every action (FB-ROLES).
          Error(kkey.source(), full,
                "override_roles has moved to [FB-ROLES] override_contact_limit (one table of "
                "roles for every action that needs one); set it there");
          continue;
        }
        if (key == nullptr) {
          Error(kkey.source(), full,
                absl::StrCat("unknown key \"", name, "\" in [", table, "]", Nearest(name, names),
                             "; known: ", absl::StrJoin(names, ", ")));
          continue;
        }
        where[full] = kkey.source();
        if (SetResult r = key->set(knode, s)) {
          Error(r->at != nullptr ? r->at->source() : kkey.source(), full, r->message);
        }
      }
    }
    if (errors_.empty()) Check(s, where);
    if (errors_.empty()) {
      absl::StatusOr<PolicyPack> pack = PackBuilder::Make(std::move(s));
      if (!pack.ok()) {
        // What only building finds (a day both a holiday and a make-up day,
        // a phrase the matcher refuses): placed at its table.
        const absl::string_view why = pack.status().message();
        std::string table = "phrases";
        if (absl::StartsWith(why, "PH-APOLOGY")) {
          table = "PH-APOLOGY";
        } else if (absl::StartsWith(why, "PH-CALLBACK")) {
          table = "PH-CALLBACK";
        } else if (absl::StrContains(why, "time_zone") || absl::StrContains(why, "holiday") ||
                   absl::StrContains(why, "make-up")) {
          table = "calendar";
        }
        auto it = where.find(table);
        errors_.push_back({file_,
                           it == where.end() ? 0 : static_cast<int64_t>(it->second.begin.line),
                           it == where.end() ? 0 : static_cast<int64_t>(it->second.begin.column),
                           table, std::string(pack.status().message())});
      } else {
        out.pack = PackBuilder::WithWarnings(*std::move(pack), warnings_);
      }
    }
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const PackMessage& a, const PackMessage& b) {
                       return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                     });
    out.errors = std::move(errors_);
    out.warnings = std::move(warnings_);
    if (!out.errors.empty()) out.pack.reset();
    return out;
  }

 private:
  void ReadAgents(const toml::table& agents, PolicySettings* s,
                  std::map<std::string, toml::source_region>* where) {
    for (const auto& [akey, anode] : agents) {
      const std::string name(akey.str());
      const std::string prefix = absl::StrCat("agents.", name);
      const toml::table* t = anode.as_table();
      if (t == nullptr) {
        Error(akey.source(), prefix,
              absl::StrCat("an agent must be a table, not ", TypeName(anode)));
        continue;
      }
      if (name.empty()) {
        Error(akey.source(), prefix, "an agent needs a name");
        continue;
      }
      StaffMember m;
      m.name = name;
      bool has_role = false;
      for (const auto& [kkey, knode] : *t) {
        const std::string key(kkey.str());
        const std::string full = absl::StrCat(prefix, ".", key);
        SetResult r;
        if (key == "role") {
          r = ReadEnum(knode, RoleNames(), &m.role);
          has_role = true;
        } else if (key == "level") {
          r = ReadString(knode, &m.level, false);
          (*where)[full] = kkey.source();
        } else {
          const std::vector<std::string> known = {"role", "level"};
          r = ValueError{absl::StrCat("unknown key \"", key, "\" in [", prefix, "]",
                                      Nearest(key, known), "; known: ", absl::StrJoin(known, ", ")),
                         nullptr};
        }
        if (r) Error(r->at != nullptr ? r->at->source() : kkey.source(), full, r->message);
      }
      if (!has_role) {
        Error(akey.source(), absl::StrCat(prefix, ".role"),
              absl::StrCat("[", prefix, "] needs a role (", NameList(RoleNames()), ")"));
      }
      s->team.roles.agents.push_back(std::move(m));
    }
  }

  void ReadCouriers(const toml::table& couriers, PolicySettings* s) {
    for (const auto& [ckey, cnode] : couriers) {
      const std::string name(ckey.str());
      const std::string prefix = absl::StrCat("couriers.", name);
      const toml::table* t = cnode.as_table();
      if (t == nullptr) {
        Error(ckey.source(), prefix,
              absl::StrCat("a courier must be a table, not ", TypeName(cnode)));
        continue;
      }
      PackCourier c;
      c.name = name;
      for (const auto& [kkey, knode] : *t) {
        const std::string key(kkey.str());
        const std::string full = absl::StrCat(prefix, ".", key);
        SetResult r;
        if (key == "blind_spots" || key == "no_cash_on_delivery_in") {
          std::vector<std::string>* areas =
              key == "blind_spots" ? &c.blind_spots : &c.no_cash_on_delivery_in;
          r = ReadStrings(knode, areas, "province or province/city");
          if (!r) {
            const toml::array& a = *knode.as_array();
            for (size_t i = 0; i < areas->size(); ++i) {
              absl::Status st = CheckArea((*areas)[i]);
              if (!st.ok()) {
                r = Bad(std::string(st.message()), *a.get(i));
                break;
              }
            }
          }
        } else if (key == "cash_on_delivery") {
          r = ReadBool(knode, &c.cash_on_delivery);
        } else if (key == "express") {
          r = ReadBool(knode, &c.express);
        } else {
          const std::vector<std::string> known = {"blind_spots", "cash_on_delivery",
                                                  "no_cash_on_delivery_in", "express"};
          r = ValueError{absl::StrCat("unknown key \"", key, "\" in [", prefix, "]",
                                      Nearest(key, known), "; known: ", absl::StrJoin(known, ", ")),
                         nullptr};
        }
        if (r) Error(r->at != nullptr ? r->at->source() : kkey.source(), full, r->message);
      }
      s->couriers.push_back(std::move(c));
    }
  }

  // What no single key can tell.
  void Check(const PolicySettings& s, const std::map<std::string, toml::source_region>& where) {
    auto at = [&](const std::string& key, const std::string& table) {
      auto it = where.find(key);
      if (it == where.end()) it = where.find(table);
      return it == where.end() ? toml::source_region{} : it->second;
    };
    const PostageCapPolicy& cap = s.ticket.postage_cap;
    if (cap.in_province > cap.out_of_province) {
      const bool in_set = where.count("AS-POSTAGE-CAP.in_province") > 0;
      const std::string key =
          in_set ? "AS-POSTAGE-CAP.in_province" : "AS-POSTAGE-CAP.out_of_province";
      Warn(at(key, "AS-POSTAGE-CAP"), key,
           absl::StrCat("the in-province cap (", cap.in_province.ToString(),
                        ") is above the out-of-province one (", cap.out_of_province.ToString(),
                        "): a nearer return is reimbursed more"));
    }
    if (s.team.exam.pass_mark > s.team.exam.max_score) {
      const std::string key =
          where.count("KPI-EXAM.pass_mark") > 0 ? "KPI-EXAM.pass_mark" : "KPI-EXAM.max_score";
      Error(at(key, "KPI-EXAM"), key,
            absl::StrCat("the pass mark ", s.team.exam.pass_mark, " is above the full score ",
                         s.team.exam.max_score));
    }
    if (s.team.shifts.service_end <= s.team.shifts.service_start) {
      Error(at("SH-COVERAGE.service_end", "SH-COVERAGE"), "SH-COVERAGE.service_end",
            "service closes before it opens");
    }
    if (s.team.shifts.arrive_early_max < s.team.shifts.arrive_early_min) {
      Error(at("SH-HANDOVER.arrive_early_max", "SH-HANDOVER"), "SH-HANDOVER.arrive_early_max",
            "arrive_early_max is below arrive_early_min");
    }
    if (s.ticket.defect.delist_at < s.ticket.defect.test_at) {
      Warn(at("AS-DEFECT.delist_at", "AS-DEFECT"), "AS-DEFECT.delist_at",
           "delisting is proposed before the product is tested (delist_at < test_at)");
    }
    // FB-TRIAGE: a level no table gives points to is likely a misspelling.
    auto has_key = [](const std::vector<TriagePolicy::Points>& table, const std::string& key) {
      for (const TriagePolicy::Points& p : table) {
        if (p.key == key) return true;
      }
      return false;
    };
    const TriagePolicy& triage = s.team.triage;
    for (const TriagePolicy::Customer& c : triage.customers) {
      if (!has_key(triage.customer_levels, c.level)) {
        Warn(at("FB-TRIAGE.customers", "FB-TRIAGE"), "FB-TRIAGE.customers",
             absl::StrCat("\"", c.buyer, "\"'s level \"", c.level,
                          "\" is not in customer_levels: it adds no points"));
      }
    }
    if (!has_key(triage.customer_levels, triage.default_customer_level)) {
      Warn(at("FB-TRIAGE.default_customer_level", "FB-TRIAGE"), "FB-TRIAGE.default_customer_level",
           absl::StrCat("\"", triage.default_customer_level,
                        "\" is not in customer_levels: it adds no points"));
    }
    for (const StaffMember& m : s.team.roles.agents) {
      const std::string key = absl::StrCat("agents.", m.name, ".level");
      if (where.count(key) > 0 && !has_key(triage.agent_levels, m.level)) {
        Warn(at(key, key), key,
             absl::StrCat("\"", m.level, "\" is not in FB-TRIAGE.agent_levels: it adds no points"));
      }
    }
    if (!s.team.roles.agents.empty() && !s.ticket.owner.supervisors.empty()) {
      Warn(at("AS-OWNER.supervisors", "AS-OWNER"), "AS-OWNER.supervisors",
           "the roster ([agents.NAME]) names the supervisors: its supervisors and managers "
           "may act on any ticket, and this list is not used");
    }
    if (s.only_listed_couriers && s.couriers.empty()) {
      Warn(at("shop.only_listed_couriers", "shop"), "shop.only_listed_couriers",
           "only listed couriers reach, and none is listed under [couriers]: every order is "
           "held for its courier");
    }
    bool any_hours = false;
    for (const auto& h : s.calendar.hours) any_hours = any_hours || h.has_value();
    if (!any_hours && s.calendar.makeup_workdays.empty()) {
      Error(at("calendar.monday", "calendar"), "calendar",
            "no working day at all: business-day deadlines could never fall due");
    }
    for (LocalDay d : s.calendar.holidays) {
      if (std::find(s.calendar.makeup_workdays.begin(), s.calendar.makeup_workdays.end(), d) !=
          s.calendar.makeup_workdays.end()) {
        Error(at("calendar.makeup_workdays", "calendar"), "calendar.makeup_workdays",
              absl::StrCat(TomlDate(d), " is both a holiday and a make-up working day"));
      }
    }
    if (s.team.response.within <= absl::ZeroDuration()) {
      Error(at("response.within", "response"), "response.within",
            "a round is never answered within no time: give a positive duration");
    }
    if (s.team.response.counted_from >= s.team.response.counted_until) {
      Error(at("response.counted_until", "response"), "response.counted_until",
            absl::StrCat("the counted hours end (", ClockText(s.team.response.counted_until),
                         ") at or before they begin (", ClockText(s.team.response.counted_from), ")"));
    }
    if (absl::Status m = s.meeting.Validate(); !m.ok()) {
      const std::string key = absl::StrContains(m.message(), "start")    ? "PH-MEETING.start"
                              : absl::StrContains(m.message(), "length") ? "PH-MEETING.length"
                                                                         : "PH-MEETING.auto_reply";
      Error(at(key, "PH-MEETING"), key, std::string(m.message()));
    }
    if (s.apology.enabled && s.apology.refusal_markers.empty()) {
      Error(at("PH-APOLOGY.refusal_markers", "PH-APOLOGY"), "PH-APOLOGY.refusal_markers",
            "PH-APOLOGY is on with no refusal marker: give at least one, or enabled = false");
    }
    // Phrases: what is removed must be shipped and on; what is added must
    // not be shipped already.
    std::vector<PhraseList> shipped;
    if (s.phrases.seed) shipped.push_back(SeedPack());
    if (s.phrases.advertising_law) shipped.push_back(AdvertisingLawPack());
    auto shipped_rule = [&](const std::string& phrase) -> std::string {
      for (const PhraseList& l : shipped) {
        for (const PhraseEntry& e : l.entries) {
          if (!e.allow && e.phrase == phrase) return absl::StrCat(l.name, " pack, ", e.rule_id);
        }
      }
      return "";
    };
    for (const std::string& r : s.phrases.remove) {
      if (shipped_rule(r).empty()) {
        Error(at("phrases.remove", "phrases"), "phrases.remove",
              absl::StrCat("\"", r, "\" is not a phrase of a shipped pack that is on"));
      }
    }
    for (const PhraseEntry& e : s.phrases.add) {
      const std::string rule = shipped_rule(e.phrase);
      if (!rule.empty() && std::find(s.phrases.remove.begin(), s.phrases.remove.end(), e.phrase) ==
                               s.phrases.remove.end()) {
        Error(at("phrases.add", "phrases"), "phrases.add",
              absl::StrCat("duplicate phrase \"", e.phrase, "\": already in the ", rule,
                           " (remove it there to give it another rule or suggestion)"));
      }
      if (std::find(s.phrases.allow.begin(), s.phrases.allow.end(), e.phrase) !=
          s.phrases.allow.end()) {
        Error(at("phrases.add", "phrases"), "phrases.add",
              absl::StrCat("\"", e.phrase, "\" is both added and allowed"));
      }
    }
  }

  std::string file_;
  std::vector<PackMessage> errors_;
  std::vector<PackMessage> warnings_;
};

}  // namespace

PackReading ReadPolicyPack(std::string_view toml, std::string_view file) {
  return Reader(file).Read(toml);
}

absl::StatusOr<PolicyPack> ParsePolicyPack(std::string_view toml, std::string_view file) {
  PackReading r = ReadPolicyPack(toml, file);
  if (r.pack) return *std::move(r.pack);
  std::vector<std::string> lines;
  for (const PackMessage& m : r.errors) lines.push_back(m.ToString());
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

absl::StatusOr<PolicyPack> LoadPolicyPack(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    const int e = errno;
    const std::string why = absl::StrCat("cannot open ", path, ": ", std::strerror(e));
    if (e == ENOENT) return absl::NotFoundError(why);
    if (e == EACCES) return absl::PermissionDeniedError(why);
    return absl::DataLossError(why);
  }
  std::ostringstream buf;
  buf << f.rdbuf();
  if (f.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return ParsePolicyPack(buf.str(), path);
}

}  // namespace kefu
