// Tests for kefu/text/privacy.h (rule PH-PRIVACY): mobile numbers with and
// without separators, resident ID numbers with a valid check digit, bank
// cards passing Luhn, e-mail addresses; always masked.
#include "kefu/text/privacy.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kefu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Masked(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& h : FindPersonalData(text)) {
    out.push_back(std::string(PersonalDataKindName(h.kind)) + ":" + h.masked);
  }
  return out;
}

TEST(PhPrivacy, MobileNumbersWithAndWithoutSeparators) {
  EXPECT_THAT(Masked("电话13812345678"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("138 1234 5678"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("138-1234-5678"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("1 3 8 1 2 3 4 5 6 7 8"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("１３８１２３４５６７８"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("+86 138 1234 5678"), ElementsAre("mobile-phone:+86138****5678"));
}

TEST(PhPrivacy, OffsetsCoverTheOriginalText) {
  const std::string text = "请拨138-1234-5678,谢谢";
  const auto hits = FindPersonalData(text);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(text.substr(hits[0].begin, hits[0].end - hits[0].begin), "138-1234-5678");
}

TEST(PhPrivacy, DigitsInsideLongerNumbersAreNotPhones) {
  EXPECT_THAT(Masked("订单号1381234567890"), IsEmpty());
  EXPECT_THAT(Masked("12812345678"), IsEmpty());  // no mobile prefix 12x
  EXPECT_THAT(Masked("SN13812345678"), IsEmpty());
  // A phone followed by an unrelated number is still found.
  EXPECT_THAT(Masked("13812345678 2件"), ElementsAre("mobile-phone:138****5678"));
}

TEST(PhPrivacy, ResidentIdNeedsAValidCheckDigit) {
  EXPECT_TRUE(IsValidResidentId("11010519491231002X"));
  EXPECT_TRUE(IsValidResidentId("11010519491231002x"));
  EXPECT_FALSE(IsValidResidentId("110105194912310021"));
  EXPECT_THAT(Masked("身份证11010519491231002X"), ElementsAre("id-number:110***********002X"));
  EXPECT_THAT(Masked("440301199003071230"), ElementsAre("id-number:440***********1230"));
  EXPECT_THAT(Masked("440301199003071231"), IsEmpty());
}

TEST(PhPrivacy, BankCardsPassLuhn) {
  EXPECT_TRUE(PassesLuhn("4532015112830366"));
  EXPECT_FALSE(PassesLuhn("4532015112830367"));
  EXPECT_THAT(Masked("卡号6222021234567890128"), ElementsAre("bank-card:6222***********0128"));
  EXPECT_THAT(Masked("4532 0151 1283 0366"), ElementsAre("bank-card:4532********0366"));
  EXPECT_THAT(Masked("4532 0151 1283 0367"), IsEmpty());
}

TEST(PhPrivacy, EmailAddresses) {
  EXPECT_THAT(Masked("发到zhang.san@example.com.cn。"), ElementsAre("email:z***@example.com.cn"));
  EXPECT_THAT(Masked("13812345678@qq.com"), ElementsAre("email:1***@qq.com"));
  EXPECT_THAT(Masked("a@b"), IsEmpty());
  EXPECT_THAT(Masked("@example.com"), IsEmpty());
}

TEST(PhPrivacy, KindsCanBeTurnedOff) {
  PersonalDataOptions o;
  o.mobile_phones = false;
  EXPECT_THAT(FindPersonalData("13812345678", o), IsEmpty());
}

TEST(PhPrivacy, InvalidUtf8AndEdgesDoNotCrash) {
  EXPECT_THAT(Masked(std::string("\xff" "13812345678\xe4")), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked(""), IsEmpty());
  EXPECT_THAT(Masked("@"), IsEmpty());
  EXPECT_THAT(Masked("1-"), IsEmpty());
  EXPECT_THAT(Masked("X"), IsEmpty());
}

// The cheap pre-check counts digits 16 bytes at a time: numbers, full-width
// digits and '@' are found wherever they fall relative to those blocks.
TEST(PhPrivacy, PreCheckFindsDataAtEveryOffset) {
  const std::string fw_phone = "１３８１２３４５６７８";  // full-width digits
  for (size_t pad = 0; pad < 40; ++pad) {
    const std::string before(pad, 'a');
    const std::string chinese_before = [&] {
      std::string s;
      for (size_t i = 0; i < pad; ++i) s += "好";
      return s;
    }();
    EXPECT_THAT(Masked(before + " 13812345678 " + before), ElementsAre("mobile-phone:138****5678"))
        << pad;
    EXPECT_THAT(Masked(chinese_before + fw_phone + chinese_before),
                ElementsAre("mobile-phone:138****5678"))
        << pad;
    EXPECT_THAT(Masked(chinese_before + "z@example.com" + chinese_before),
                ElementsAre("email:z***@example.com"))
        << pad;
    // Ten digits are too few for anything sought, split or not.
    EXPECT_THAT(Masked(chinese_before + "１２３４５" + before + "12345"), IsEmpty()) << pad;
  }
}

// The pre-check's last block overlaps the one before it (its counted lanes
// masked off) and its per-lane counters are flushed every 255 blocks: data
// ending anywhere near the end of a text of any length, short or long, is
// still found.
TEST(PhPrivacy, PreCheckFindsDataNearTheEndOfAnyLength) {
  for (size_t before : {size_t{0}, size_t{1}, size_t{7}, size_t{100}, size_t{4079}, size_t{4090},
                        size_t{9000}}) {
    for (size_t after = 0; after < 20; ++after) {
      const std::string head(before, 'a');
      std::string tail;
      for (size_t i = 0; i < after; ++i) tail += (i == 0) ? " " : (i % 3 == 0) ? "好" : "b";
      EXPECT_THAT(Masked(head + " 13812345678" + tail), ElementsAre("mobile-phone:138****5678"))
          << before << " " << after;
      EXPECT_THAT(Masked(head + "好１３８１２３４５６７８" + tail),
                  ElementsAre("mobile-phone:138****5678"))
          << before << " " << after;
      EXPECT_THAT(Masked(head + " z@example.com" + tail), ElementsAre("email:z***@example.com"))
          << before << " " << after;
    }
  }
}

}  // namespace
}  // namespace kefu
