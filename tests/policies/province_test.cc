// The 34 provincial-level divisions (kefu/policies/province.h): every short
// and full name parses, anything else is refused naming the text; and the
// places that compare provinces (AS-POSTAGE-CAP, ORD-COD-REACH,
// ORD-DUP-SHIP) see short and full names as one province.
#include "kefu/policies/province.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "kefu/policies/courier_reach.h"
#include "kefu/policies/order_terms.h"

namespace kefu {
namespace {

Province P(int i) { return static_cast<Province>(i); }

TEST(Province, ThirtyFourDivisionsWithDistinctNamesAndTheRightKinds) {
  std::set<std::string_view> names, shorts, fulls;
  int counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < kProvinceCount; ++i) {
    names.insert(ProvinceName(P(i)));
    shorts.insert(ProvinceShortName(P(i)));
    fulls.insert(ProvinceFullName(P(i)));
    ++counts[static_cast<int>(KindOf(P(i)))];
  }
  EXPECT_EQ(names.size(), 34u);
  EXPECT_EQ(shorts.size(), 34u);
  EXPECT_EQ(fulls.size(), 34u);
  EXPECT_EQ(counts[static_cast<int>(ProvinceKind::kProvince)], 23);
  EXPECT_EQ(counts[static_cast<int>(ProvinceKind::kAutonomousRegion)], 5);
  EXPECT_EQ(counts[static_cast<int>(ProvinceKind::kMunicipality)], 4);
  EXPECT_EQ(counts[static_cast<int>(ProvinceKind::kSpecialAdministrativeRegion)], 2);
  EXPECT_EQ(KindOf(Province::kTaiwan), ProvinceKind::kProvince);
}

TEST(Province, EveryShortAndFullNameParsesToItsProvince) {
  for (int i = 0; i < kProvinceCount; ++i) {
    SCOPED_TRACE(ProvinceName(P(i)));
    for (std::string_view name : {ProvinceShortName(P(i)), ProvinceFullName(P(i))}) {
      absl::StatusOr<Province> p = ParseProvince(name);
      ASSERT_TRUE(p.ok()) << p.status();
      EXPECT_EQ(*p, P(i));
    }
  }
}

TEST(Province, NamesAsTheIssueAndTheSeedsWriteThem) {
  const std::pair<const char*, Province> cases[] = {
      {"浙江", Province::kZhejiang},           {"浙江省", Province::kZhejiang},
      {"内蒙古", Province::kInnerMongolia},    {"内蒙古自治区", Province::kInnerMongolia},
      {"广西", Province::kGuangxi},            {"广西壮族自治区", Province::kGuangxi},
      {"广西自治区", Province::kGuangxi},      {"新疆维吾尔自治区", Province::kXinjiang},
      {"宁夏回族自治区", Province::kNingxia},  {"西藏自治区", Province::kTibet},
      {"北京", Province::kBeijing},            {"北京市", Province::kBeijing},
      {"重庆市", Province::kChongqing},        {"香港", Province::kHongKong},
      {"香港特别行政区", Province::kHongKong}, {"澳门特别行政区", Province::kMacao},
      {"台湾", Province::kTaiwan},             {"台湾省", Province::kTaiwan},
      {"山西", Province::kShanxi},             {"陕西", Province::kShaanxi},
      // Surrounding whitespace, ASCII or ideographic.
      {" 浙江省\t", Province::kZhejiang},      {"\u3000上海 ", Province::kShanghai},
      // Traditional characters.
      {"廣東省", Province::kGuangdong},        {"臺灣", Province::kTaiwan},
      {"台灣省", Province::kTaiwan},           {"內蒙古自治區", Province::kInnerMongolia},
      {"澳門特別行政區", Province::kMacao},    {"黑龍江", Province::kHeilongjiang},
      {"新疆維吾爾自治區", Province::kXinjiang}, {"重慶", Province::kChongqing},
  };
  for (const auto& [text, want] : cases) {
    absl::StatusOr<Province> p = ParseProvince(text);
    ASSERT_TRUE(p.ok()) << text << ": " << p.status();
    EXPECT_EQ(*p, want) << text;
  }
}

TEST(Province, AnythingElseIsInvalidArgumentNamingTheText) {
  for (const char* text : {"", "浙", "浙江省杭州市", "杭州", "zhejiang", "浙 江", "江浙",
                           "广西省", "北京省", "中国", "省", "自治区"}) {
    absl::StatusOr<Province> p = ParseProvince(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string want = std::string("\"") + text + "\" is not a province of China";
    EXPECT_NE(p.status().message().find(want), absl::string_view::npos) << p.status();
  }
}

TEST(Province, AHostileTextIsShownEscapedAndShort) {
  const std::string text = std::string("浙\0江", 7) + std::string(1000, 'x');
  absl::StatusOr<Province> p = ParseProvince(text);
  ASSERT_FALSE(p.ok());
  const absl::string_view m = p.status().message();
  EXPECT_NE(m.find("\"浙\\x00江xxx"), absl::string_view::npos) << m;
  EXPECT_NE(m.find("...\" is not a province"), absl::string_view::npos) << m;
  EXPECT_LT(m.size(), 300u);
}

TEST(Province, SameProvinceComparesProvincesNotTexts) {
  EXPECT_TRUE(SameProvince("浙江", "浙江省"));
  EXPECT_TRUE(SameProvince(" 广西 ", "广西壮族自治区"));
  EXPECT_FALSE(SameProvince("浙江", "江苏省"));
  EXPECT_FALSE(SameProvince("浙", "浙"));  // neither is a province
  EXPECT_FALSE(SameProvince("", ""));
}

// ORD-COD-REACH: a blind spot covers its province under either name, and a
// blind spot in no province is refused and not added.
TEST(Province, CourierCoverageComparesProvinces) {
  CourierCoverage c;
  ASSERT_TRUE(c.Block("SF", "西藏").ok());
  ASSERT_TRUE(c.Block("EMS", "四川省", "成都市", /*cod_only=*/true).ok());
  const absl::Status bad = c.Block("YTO", "火星");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("\"火星\""), absl::string_view::npos) << bad;

  EXPECT_FALSE(c.Delivers("SF", Address{"西藏自治区", "拉萨市", "", ""}));
  EXPECT_FALSE(c.Delivers("SF", Address{"西藏", "拉萨市", "", ""}));
  EXPECT_TRUE(c.Delivers("SF", Address{"四川", "成都市", "", ""}));
  EXPECT_EQ(c.CollectsCash("EMS", Address{"四川", "成都市", "", ""}), false);
  EXPECT_EQ(c.CollectsCash("EMS", Address{"四川省", "绵阳市", "", ""}), true);
  EXPECT_TRUE(c.Delivers("YTO", Address{"火星", "", "", ""}));  // nothing was added
}

// ORD-DUP-SHIP: the text compared writes a known province by its full name.
TEST(Province, AddressFullWritesTheFullNameOfAKnownProvince) {
  EXPECT_EQ((Address{"浙江", "杭州市", "西湖区", "文三路1号"}).Full(), "浙江省杭州市西湖区文三路1号");
  EXPECT_EQ((Address{" 浙江省 ", "杭州市", "", ""}).Full(), "浙江省杭州市");
  EXPECT_EQ((Address{"", "杭州市", "", ""}).Full(), "杭州市");
  // AppendFull writes the same after what the string holds.
  std::string out = "收货：";
  (Address{"浙江", "杭州市", "西湖区", "文三路1号"}).AppendFull(&out);
  EXPECT_EQ(out, "收货：浙江省杭州市西湖区文三路1号");
}

}  // namespace
}  // namespace kefu
