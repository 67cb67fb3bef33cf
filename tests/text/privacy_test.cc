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

// Issue 16: the catalogue says phone numbers, ID numbers and addresses.
TEST(PhPrivacy, AddressesDownToAHouseAreFlaggedAndMasked) {
  EXPECT_THAT(Masked("地址是浙江省杭州市西湖区文三路90号5幢2单元301室,请核对"),
              ElementsAre("address:浙江省杭州市西湖区文三路**号*幢*单元***室"));
  EXPECT_THAT(Masked("寄到文三路90号"), ElementsAre("address:文三路**号"));
  EXPECT_THAT(Masked("中山北路100弄5号"), ElementsAre("address:中山北路***弄*号"));
  EXPECT_THAT(Masked("世纪大道88号"), ElementsAre("address:世纪大道**号"));
  EXPECT_THAT(Masked("送到3号楼2单元"), ElementsAre("address:*号楼*单元"));
  EXPECT_THAT(Masked("文三路九十号"), ElementsAre("address:文三路**号"));
  EXPECT_THAT(Masked("内蒙古自治区呼和浩特市新城区新华大街12号"),
              ElementsAre("address:内蒙古自治区呼和浩特市新城区新华大街**号"));
  const std::string text = "您的地址文三路90号5幢已登记";
  const auto hits = FindPersonalData(text);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(text.substr(hits[0].begin, hits[0].end - hits[0].begin), "文三路90号5幢");
}

TEST(PhPrivacy, DatesRegionsAndOtherNumbersAreNoAddresses) {
  EXPECT_THAT(Masked("6月3号发货"), IsEmpty());
  EXPECT_THAT(Masked("3号和5号都有货"), IsEmpty());
  EXPECT_THAT(Masked("我们在浙江省杭州市西湖区"), IsEmpty());
  EXPECT_THAT(Masked("坐地铁2号线到文三路"), IsEmpty());
  EXPECT_THAT(Masked("这款有3号色和5号色"), IsEmpty());
  EXPECT_THAT(Masked("请看第一单元的说明"), IsEmpty());
  EXPECT_THAT(Masked("型号A3,尺码38号"), IsEmpty());
}

TEST(PhPrivacy, LandlinesAreFlaggedAndMasked) {
  EXPECT_THAT(Masked("电话0571-88886666"), ElementsAre("landline:0571****6666"));
  EXPECT_THAT(Masked("(010)12345678"), ElementsAre("landline:010****5678"));
  EXPECT_THAT(Masked("（010）12345678"), ElementsAre("landline:010****5678"));
  EXPECT_THAT(Masked("0571 8888666"), ElementsAre("landline:0571***8666"));
  EXPECT_THAT(Masked("02088886666"), ElementsAre("landline:020****6666"));
}

TEST(PhPrivacy, TheShopsOwnLinesAndMaskedNumbersStayClean) {
  EXPECT_THAT(Masked("客服热线400-820-8820"), IsEmpty());
  EXPECT_THAT(Masked("免费电话800-810-8888"), IsEmpty());
  EXPECT_THAT(Masked("4008208820"), IsEmpty());
  EXPECT_THAT(Masked("银行客服95588"), IsEmpty());
  EXPECT_THAT(Masked("您尾号138****6620的手机"), IsEmpty());
  EXPECT_THAT(Masked("138＊＊＊＊6620"), IsEmpty());
  EXPECT_THAT(Masked("138 **** 6620"), IsEmpty());
}

TEST(PhPrivacy, MobilesBrokenByEmojiOrPunctuationAreCaught) {
  EXPECT_THAT(Masked("138🙂1234🙂5678"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("1️⃣3️⃣8 1234 5678"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("138，1234，5678"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("138_1234_5678"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("1/3/8/1/2/3/4/5/6/7/8"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("138\u200b1234\u200b5678"), ElementsAre("mobile-phone:138****5678"));
  // A line break ends a number.
  EXPECT_THAT(Masked("138\n12345678"), IsEmpty());
}

TEST(PhPrivacy, MobilesInChineseNumeralsAreCaught) {
  EXPECT_THAT(Masked("一三八一二三四五六七八"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("幺三八幺二三四五六七八"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("一三八 一二三四 五六七八"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("138一二三四5678"), ElementsAre("mobile-phone:138****5678"));
  EXPECT_THAT(Masked("一五九〇〇〇〇一一一一"), ElementsAre("mobile-phone:159****1111"));
  EXPECT_THAT(Masked("一二三四五六七八九十"), IsEmpty());
  EXPECT_THAT(Masked("三三两两,一五一十"), IsEmpty());
}

}  // namespace
}  // namespace kefu
