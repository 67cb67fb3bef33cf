// kefu/policies/province.h: the 34 provincial-level divisions of China, so
// that a province written "浙江" and one written "浙江省" are the same
// province (AS-POSTAGE-CAP's in-province cap, the courier blind spots of
// ORD-COD-REACH, ORD-DUP-SHIP's address comparison).
//
// 23 provinces (台湾 included), 5 autonomous regions, 4 municipalities and 2
// special administrative regions, each with its short name (浙江, 内蒙古,
// 北京, 香港) and its full name (浙江省, 内蒙古自治区, 北京市,
// 香港特别行政区). ParseProvince takes either, in simplified or traditional
// characters (廣東省, 臺灣), with surrounding whitespace, and refuses any
// other text.
//
// Thread safety: pure functions over constant tables; safe from any thread.
#ifndef KEFU_POLICIES_PROVINCE_H_
#define KEFU_POLICIES_PROVINCE_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"

namespace kefu {

enum class Province : uint8_t {
  // Municipalities (直辖市).
  kBeijing, kTianjin, kShanghai, kChongqing,
  // Provinces (省).
  kHebei, kShanxi, kLiaoning, kJilin, kHeilongjiang, kJiangsu, kZhejiang, kAnhui, kFujian,
  kJiangxi, kShandong, kHenan, kHubei, kHunan, kGuangdong, kHainan, kSichuan, kGuizhou,
  kYunnan, kShaanxi, kGansu, kQinghai, kTaiwan,
  // Autonomous regions (自治区).
  kInnerMongolia, kGuangxi, kTibet, kNingxia, kXinjiang,
  // Special administrative regions (特别行政区).
  kHongKong, kMacao,
};
inline constexpr int kProvinceCount = 34;

enum class ProvinceKind : uint8_t {
  kProvince,
  kAutonomousRegion,
  kMunicipality,
  kSpecialAdministrativeRegion,
};

// Stable snake_case pinyin names, part of the API: "beijing", "shanxi"
// (山西), "shaanxi" (陕西), "inner_mongolia", "hong_kong", "macao", ...
KEFU_EXPORT std::string_view ProvinceName(Province p);
// "浙江", "内蒙古", "北京", "香港".
KEFU_EXPORT std::string_view ProvinceShortName(Province p);
// "浙江省", "内蒙古自治区", "北京市", "香港特别行政区".
KEFU_EXPORT std::string_view ProvinceFullName(Province p);
KEFU_EXPORT ProvinceKind KindOf(Province p);

// The province `text` names: its short or full name, simplified or
// traditional, with any surrounding whitespace (ASCII or the ideographic
// space U+3000); an autonomous region also as "<short>自治区" (广西自治区).
// Anything else, the empty text included, is kInvalidArgument naming the
// text, e.g. `"浙" is not a province of China: give one of the 34
// provincial-level divisions by its short or full name, e.g. "浙江" or
// "浙江省"`.
KEFU_EXPORT absl::StatusOr<Province> ParseProvince(std::string_view text);

// True when `a` and `b` both name a province and name the same one
// ("浙江" and " 浙江省 "); false when either names none.
KEFU_EXPORT bool SameProvince(std::string_view a, std::string_view b);

}  // namespace kefu

#endif  // KEFU_POLICIES_PROVINCE_H_
