#include "kefu/core/money.h"

#include <cstdint>
#include <limits>
#include <sstream>
#include <type_traits>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kefu {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// Money::Yuan(x) is a valid expression for an argument of type T.
template <class T, class = void>
struct YuanAccepts : std::false_type {};
template <class T>
struct YuanAccepts<T, std::void_t<decltype(Money::Yuan(std::declval<T>()))>> : std::true_type {};

// Money::Yuan(12.5) used to compile and give 12.00 yuan: a double must not
// convert silently (issue 19).
static_assert(YuanAccepts<int>::value && YuanAccepts<int64_t>::value);
static_assert(!YuanAccepts<double>::value && !YuanAccepts<float>::value &&
              !YuanAccepts<long double>::value);

TEST(Money, YuanTakesWholeYuanOnly) {
  EXPECT_EQ(Money::Yuan(12).fen(), 1200);
  EXPECT_EQ(Money::Yuan(int64_t{-3}).fen(), -300);
}

TEST(Money, ParsesWholeAndDecimalYuan) {
  EXPECT_EQ(Money::Parse("12.34")->fen(), 1234);
  EXPECT_EQ(Money::Parse("12")->fen(), 1200);
  EXPECT_EQ(Money::Parse("12.3")->fen(), 1230);
  EXPECT_EQ(Money::Parse("0.05")->fen(), 5);
  EXPECT_EQ(Money::Parse("-0.05")->fen(), -5);
  EXPECT_EQ(Money::Parse("+3.00")->fen(), 300);
  EXPECT_EQ(Money::Parse("007.10")->fen(), 710);
}

TEST(Money, RejectsMalformedText) {
  for (const char* bad : {"", "-", "+", ".5", "12.", "12.345", "1,000", "12.3a", " 1", "1 ",
                          "¥12", "1e3", "--1", "12..3", "0x10"}) {
    auto m = Money::Parse(bad);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << '"' << bad << '"';
  }
}

TEST(Money, ParsesTheExtremesAndRejectsOneBeyond) {
  EXPECT_EQ(Money::Parse("92233720368547758.07")->fen(), kMax);
  EXPECT_EQ(Money::Parse("-92233720368547758.08")->fen(), kMin);
  EXPECT_EQ(Money::Parse("92233720368547758.08").status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Money::Parse("-92233720368547758.09").status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Money::Parse("999999999999999999999").status().code(), absl::StatusCode::kOutOfRange);
}

TEST(Money, ParseNonNegativeRefusesNegativeAmounts) {
  EXPECT_EQ(Money::ParseNonNegative("-1.00").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Money::ParseNonNegative("0")->fen(), 0);
  EXPECT_EQ(Money::ParseNonNegative("8.00")->fen(), 800);
}

TEST(Money, FormatsWithTwoDecimals) {
  EXPECT_EQ(Money::Fen(1234).ToString(), "12.34");
  EXPECT_EQ(Money::Fen(5).ToString(), "0.05");
  EXPECT_EQ(Money::Fen(-5).ToString(), "-0.05");
  EXPECT_EQ(Money::Fen(0).ToString(), "0.00");
  EXPECT_EQ(Money::Yuan(30).ToString(), "30.00");
  EXPECT_EQ(Money::Fen(kMin).ToString(), "-92233720368547758.08");
  EXPECT_EQ(Money::Fen(kMax).ToString(), "92233720368547758.07");
  std::ostringstream os;
  os << Money::Fen(1001);
  EXPECT_EQ(os.str(), "10.01");
}

TEST(Money, FormatThenParseRoundTrips) {
  for (int64_t fen : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{99}, int64_t{100},
                      int64_t{123456789}, kMax, kMin}) {
    EXPECT_EQ(Money::Parse(Money::Fen(fen).ToString())->fen(), fen);
  }
}

TEST(Money, CheckedArithmeticReportsOverflowInsteadOfWrapping) {
  EXPECT_EQ(Money::Fen(800).Add(Money::Fen(200))->fen(), 1000);
  EXPECT_EQ(Money::Fen(800).Subtract(Money::Fen(1000))->fen(), -200);
  EXPECT_EQ(Money::Fen(250).Multiply(4)->fen(), 1000);
  EXPECT_EQ(Money::Fen(kMax).Add(Money::Fen(1)).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Money::Fen(kMin).Subtract(Money::Fen(1)).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Money::Fen(kMax / 2 + 1).Multiply(2).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Money::Fen(kMin).Multiply(-1).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(Money, ComparesAndPicksMinAndMax) {
  EXPECT_LT(Money::Fen(800), Money::Fen(1000));
  EXPECT_EQ(Min(Money::Yuan(12), Money::Yuan(10)), Money::Yuan(10));
  EXPECT_EQ(Max(Money::Yuan(12), Money::Yuan(10)), Money::Yuan(12));
  EXPECT_TRUE(Money::Zero().is_zero());
  EXPECT_TRUE(Money::Fen(-1).is_negative());
}

// ORD-MALL-COMP's arithmetic: 5% of the refund, at most 30 yuan.
TEST(PercentOf, FivePercentOf1234YuanRoundsHalfUpToTheFen) {
  // 5% of 12.34 yuan = 61.7 fen -> 62 fen.
  EXPECT_EQ(PercentOf(Money::Fen(1234), Rate::Percent(5))->fen(), 62);
  // 5% of 0.10 yuan = 0.5 fen -> 1 fen (half rounds up).
  EXPECT_EQ(PercentOf(Money::Fen(10), Rate::Percent(5))->fen(), 1);
  // 5% of 0.09 yuan = 0.45 fen -> 0 fen.
  EXPECT_EQ(PercentOf(Money::Fen(9), Rate::Percent(5))->fen(), 0);
}

TEST(PercentOf, CapLimitsTheResult) {
  const Money cap = Money::Yuan(30);
  EXPECT_EQ(*PercentOf(Money::Yuan(1000), Rate::Percent(5), cap), Money::Yuan(30));
  EXPECT_EQ(*PercentOf(Money::Yuan(200), Rate::Percent(5), cap), Money::Yuan(10));
  EXPECT_EQ(*PercentOf(Money::Yuan(600), Rate::Percent(5), cap), Money::Yuan(30));
}

TEST(PercentOf, HandlesFractionalRatesAndRatesAboveOneHundredPercent) {
  EXPECT_EQ(PercentOf(Money::Yuan(100), Rate::BasisPoints(25))->fen(), 25);  // 0.25%
  EXPECT_EQ(PercentOf(Money::Yuan(100), Rate::Percent(150))->fen(), 15000);
  EXPECT_EQ(PercentOf(Money::Fen(kMax), Rate::Percent(100))->fen(), kMax);
  EXPECT_EQ(PercentOf(Money::Fen(kMax), Rate::Percent(200)).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(PercentOf, RejectsNegativeInputs) {
  EXPECT_EQ(PercentOf(Money::Fen(-1), Rate::Percent(5)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PercentOf(Money::Fen(100), Rate::BasisPoints(-1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PercentOf(Money::Fen(100), Rate::Percent(5), Money::Fen(-1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Rate, FormatsAsPercent) {
  EXPECT_EQ(Rate::Percent(5).ToString(), "5%");
  EXPECT_EQ(Rate::BasisPoints(25).ToString(), "0.25%");
  EXPECT_EQ(Rate::BasisPoints(650).ToString(), "6.5%");
  EXPECT_EQ(Rate::BasisPoints(605).ToString(), "6.05%");
  EXPECT_EQ(Rate::BasisPoints(-50).ToString(), "-0.5%");
}

}  // namespace
}  // namespace kefu
