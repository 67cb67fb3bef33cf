// kefu/core/money.h: amounts of renminbi as whole fen (1 yuan = 100 fen).
//
// Money is an int64_t count of fen. No floating point is used on any money
// path. Arithmetic that could overflow is checked and returns kOutOfRange
// instead of wrapping. Percentages are rates in basis points (1% = 100 bp)
// and round half up to the fen, the one rounding rule of the library.
//
// Thread safety: Money and Rate are immutable values, safe to share.
#ifndef KEFU_CORE_MONEY_H_
#define KEFU_CORE_MONEY_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"

namespace kefu {

// An amount in fen. May be negative (a balance, a difference); functions that
// only make sense for non-negative amounts say so and refuse negative ones.
class KEFU_EXPORT Money {
 public:
  constexpr Money() = default;
  static constexpr Money Fen(int64_t fen) { return Money(fen); }
  // Whole yuan. REQUIRES: |yuan| <= INT64_MAX / 100 (use Parse otherwise).
  static constexpr Money Yuan(int64_t yuan) { return Money(yuan * 100); }
  // A floating-point amount does not compile: Money::Yuan(12.5) would
  // silently be 12.00 yuan. Use Fen(1250) or Parse("12.50").
  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  static Money Yuan(T yuan) = delete;
  static constexpr Money Zero() { return Money(0); }

  // Parses "12", "12.3", "12.34", "-0.05" or "+3.00" (plain decimal yuan, at
  // most two decimals, no spaces, no thousands separators, no currency sign).
  // Returns kInvalidArgument for anything else, kOutOfRange when the amount
  // does not fit in int64_t fen.
  static absl::StatusOr<Money> Parse(std::string_view text);
  // Like Parse, and also refuses negative amounts with kInvalidArgument.
  static absl::StatusOr<Money> ParseNonNegative(std::string_view text);

  constexpr int64_t fen() const { return fen_; }
  constexpr bool is_negative() const { return fen_ < 0; }
  constexpr bool is_zero() const { return fen_ == 0; }

  // "12.34", "-0.05", "0.00": always two decimals, no unit.
  std::string ToString() const;

  // Checked arithmetic: kOutOfRange on overflow, the value otherwise.
  absl::StatusOr<Money> Add(Money other) const;
  absl::StatusOr<Money> Subtract(Money other) const;
  absl::StatusOr<Money> Multiply(int64_t factor) const;

  friend constexpr bool operator==(Money a, Money b) { return a.fen_ == b.fen_; }
  friend constexpr bool operator!=(Money a, Money b) { return a.fen_ != b.fen_; }
  friend constexpr bool operator<(Money a, Money b) { return a.fen_ < b.fen_; }
  friend constexpr bool operator<=(Money a, Money b) { return a.fen_ <= b.fen_; }
  friend constexpr bool operator>(Money a, Money b) { return a.fen_ > b.fen_; }
  friend constexpr bool operator>=(Money a, Money b) { return a.fen_ >= b.fen_; }

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

KEFU_EXPORT std::ostream& operator<<(std::ostream& os, Money m);

// Smaller / larger of two amounts.
constexpr Money Min(Money a, Money b) { return b < a ? b : a; }
constexpr Money Max(Money a, Money b) { return a < b ? b : a; }

// A rate in basis points: 1% = 100 bp, 100% = 10000 bp. Rates above 100% are
// allowed (a 6% fee on top is 600 bp; a 150% penalty is 15000 bp).
class KEFU_EXPORT Rate {
 public:
  constexpr Rate() = default;
  static constexpr Rate BasisPoints(int64_t bp) { return Rate(bp); }
  static constexpr Rate Percent(int64_t percent) { return Rate(percent * 100); }
  constexpr int64_t basis_points() const { return bp_; }
  // "5%", "0.25%", "6%".
  std::string ToString() const;
  friend constexpr bool operator==(Rate a, Rate b) { return a.bp_ == b.bp_; }
  friend constexpr bool operator!=(Rate a, Rate b) { return a.bp_ != b.bp_; }

 private:
  constexpr explicit Rate(int64_t bp) : bp_(bp) {}
  int64_t bp_ = 0;
};

// `rate` of `amount`, rounded half up to the fen (0.5 fen and above rounds
// up), then limited to `cap` when one is given: 5% of 12.34 yuan is 0.62
// yuan (61.7 fen rounds up); 5% of 1000 yuan capped at 30 yuan is 30 yuan.
// Returns kInvalidArgument when amount, rate or cap is negative, kOutOfRange
// when the result does not fit (it never does for real amounts).
KEFU_EXPORT absl::StatusOr<Money> PercentOf(Money amount, Rate rate,
                                            std::optional<Money> cap = std::nullopt);

}  // namespace kefu

#endif  // KEFU_CORE_MONEY_H_
