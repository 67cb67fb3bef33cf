// Money arithmetic and text conversion. All overflow checks use the GCC/Clang
// checked-arithmetic builtins so that no path has undefined behaviour.
#include "kefu/core/money.h"

#include <cstdlib>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"

namespace kefu {
namespace {

using internal::ToAbsl;
__extension__ typedef __int128 int128;

absl::Status Overflow(std::string_view what) {
  return absl::OutOfRangeError(absl::StrCat("money overflow in ", ToAbsl(what)));
}

}  // namespace

absl::StatusOr<Money> Money::Parse(std::string_view text) {
  const std::string_view original = text;
  auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("not an amount of yuan (expected e.g. \"12.34\"): \"", ToAbsl(original), "\""));
  };
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && (frac.empty() || frac.size() > 2))) {
    return invalid();
  }
  // Accumulate negatively so that INT64_MIN fen parses too.
  int64_t fen = 0;
  auto push_digit = [&](char c) -> absl::Status {
    if (c < '0' || c > '9') return invalid();
    if (__builtin_mul_overflow(fen, int64_t{10}, &fen) ||
        __builtin_sub_overflow(fen, int64_t{c - '0'}, &fen)) {
      return Overflow(absl::StrCat("parsing \"", ToAbsl(original), "\""));
    }
    return absl::OkStatus();
  };
  for (char c : whole) {
    if (auto s = push_digit(c); !s.ok()) return s;
  }
  for (size_t i = 0; i < 2; ++i) {
    if (auto s = push_digit(i < frac.size() ? frac[i] : '0'); !s.ok()) return s;
  }
  if (!negative) {
    if (fen == std::numeric_limits<int64_t>::min()) {
      return Overflow(absl::StrCat("parsing \"", ToAbsl(original), "\""));
    }
    fen = -fen;
  }
  return Money(fen);
}

absl::StatusOr<Money> Money::ParseNonNegative(std::string_view text) {
  absl::StatusOr<Money> m = Parse(text);
  if (m.ok() && m->is_negative()) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount must not be negative: \"", ToAbsl(text), "\""));
  }
  return m;
}

std::string Money::ToString() const {
  // Work on the magnitude as unsigned so that INT64_MIN formats correctly.
  const bool negative = fen_ < 0;
  const uint64_t magnitude =
      negative ? uint64_t{0} - static_cast<uint64_t>(fen_) : static_cast<uint64_t>(fen_);
  const uint64_t cents = magnitude % 100;
  return absl::StrCat(negative ? "-" : "", magnitude / 100, cents < 10 ? ".0" : ".", cents);
}

absl::StatusOr<Money> Money::Add(Money other) const {
  int64_t r;
  if (__builtin_add_overflow(fen_, other.fen_, &r)) return Overflow("addition");
  return Money(r);
}

absl::StatusOr<Money> Money::Subtract(Money other) const {
  int64_t r;
  if (__builtin_sub_overflow(fen_, other.fen_, &r)) return Overflow("subtraction");
  return Money(r);
}

absl::StatusOr<Money> Money::Multiply(int64_t factor) const {
  int64_t r;
  if (__builtin_mul_overflow(fen_, factor, &r)) return Overflow("multiplication");
  return Money(r);
}

std::ostream& operator<<(std::ostream& os, Money m) { return os << m.ToString(); }

std::string Rate::ToString() const {
  const bool negative = bp_ < 0;
  const uint64_t magnitude =
      negative ? uint64_t{0} - static_cast<uint64_t>(bp_) : static_cast<uint64_t>(bp_);
  std::string out = absl::StrCat(negative ? "-" : "", magnitude / 100);
  if (uint64_t frac = magnitude % 100; frac != 0) {
    absl::StrAppend(&out, frac < 10 ? ".0" : ".", frac % 10 == 0 ? frac / 10 : frac);
  }
  out += '%';
  return out;
}

absl::StatusOr<Money> PercentOf(Money amount, Rate rate, std::optional<Money> cap) {
  if (amount.is_negative()) {
    return absl::InvalidArgumentError(
        absl::StrCat("percentage of a negative amount: ", amount.ToString()));
  }
  if (rate.basis_points() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("negative rate: ", rate.ToString()));
  }
  if (cap && cap->is_negative()) {
    return absl::InvalidArgumentError(absl::StrCat("negative cap: ", cap->ToString()));
  }
  // amount * bp / 10000, rounded half up; the product fits in 128 bits.
  const int128 product = static_cast<int128>(amount.fen()) * rate.basis_points();
  const int128 rounded = (product + 5000) / 10000;
  if (rounded > std::numeric_limits<int64_t>::max()) return Overflow("percentage");
  Money result = Money::Fen(static_cast<int64_t>(rounded));
  if (cap && *cap < result) result = *cap;
  return result;
}

}  // namespace kefu
