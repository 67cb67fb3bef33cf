// The 34 provincial-level divisions and their names (AS-POSTAGE-CAP,
// ORD-COD-REACH, ORD-DUP-SHIP compare provinces through them).
#include "kefu/policies/province.h"

#include <array>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/absl_compat.h"

namespace kefu {
namespace {

struct Entry {
  Province province;
  ProvinceKind kind;
  std::string_view name;   // stable pinyin
  std::string_view short_name;
  std::string_view full_name;
};

using K = ProvinceKind;
// In the enum's order: kEntries[static_cast<int>(p)].province == p.
constexpr std::array<Entry, kProvinceCount> kEntries = {{
    {Province::kBeijing, K::kMunicipality, "beijing", "北京", "北京市"},
    {Province::kTianjin, K::kMunicipality, "tianjin", "天津", "天津市"},
    {Province::kShanghai, K::kMunicipality, "shanghai", "上海", "上海市"},
    {Province::kChongqing, K::kMunicipality, "chongqing", "重庆", "重庆市"},
    {Province::kHebei, K::kProvince, "hebei", "河北", "河北省"},
    {Province::kShanxi, K::kProvince, "shanxi", "山西", "山西省"},
    {Province::kLiaoning, K::kProvince, "liaoning", "辽宁", "辽宁省"},
    {Province::kJilin, K::kProvince, "jilin", "吉林", "吉林省"},
    {Province::kHeilongjiang, K::kProvince, "heilongjiang", "黑龙江", "黑龙江省"},
    {Province::kJiangsu, K::kProvince, "jiangsu", "江苏", "江苏省"},
    {Province::kZhejiang, K::kProvince, "zhejiang", "浙江", "浙江省"},
    {Province::kAnhui, K::kProvince, "anhui", "安徽", "安徽省"},
    {Province::kFujian, K::kProvince, "fujian", "福建", "福建省"},
    {Province::kJiangxi, K::kProvince, "jiangxi", "江西", "江西省"},
    {Province::kShandong, K::kProvince, "shandong", "山东", "山东省"},
    {Province::kHenan, K::kProvince, "henan", "河南", "河南省"},
    {Province::kHubei, K::kProvince, "hubei", "湖北", "湖北省"},
    {Province::kHunan, K::kProvince, "hunan", "湖南", "湖南省"},
    {Province::kGuangdong, K::kProvince, "guangdong", "广东", "广东省"},
    {Province::kHainan, K::kProvince, "hainan", "海南", "海南省"},
    {Province::kSichuan, K::kProvince, "sichuan", "四川", "四川省"},
    {Province::kGuizhou, K::kProvince, "guizhou", "贵州", "贵州省"},
    {Province::kYunnan, K::kProvince, "yunnan", "云南", "云南省"},
    {Province::kShaanxi, K::kProvince, "shaanxi", "陕西", "陕西省"},
    {Province::kGansu, K::kProvince, "gansu", "甘肃", "甘肃省"},
    {Province::kQinghai, K::kProvince, "qinghai", "青海", "青海省"},
    {Province::kTaiwan, K::kProvince, "taiwan", "台湾", "台湾省"},
    {Province::kInnerMongolia, K::kAutonomousRegion, "inner_mongolia", "内蒙古", "内蒙古自治区"},
    {Province::kGuangxi, K::kAutonomousRegion, "guangxi", "广西", "广西壮族自治区"},
    {Province::kTibet, K::kAutonomousRegion, "tibet", "西藏", "西藏自治区"},
    {Province::kNingxia, K::kAutonomousRegion, "ningxia", "宁夏", "宁夏回族自治区"},
    {Province::kXinjiang, K::kAutonomousRegion, "xinjiang", "新疆", "新疆维吾尔自治区"},
    {Province::kHongKong, K::kSpecialAdministrativeRegion, "hong_kong", "香港", "香港特别行政区"},
    {Province::kMacao, K::kSpecialAdministrativeRegion, "macao", "澳门", "澳门特别行政区"},
}};

const Entry& EntryOf(Province p) {
  const auto i = static_cast<size_t>(p);
  return kEntries[i < kEntries.size() ? i : 0];
}

// The traditional characters the 34 names use where they differ from the
// simplified ones, and nothing else: folding stays within these names.
struct Fold {
  std::string_view traditional, simplified;
};
constexpr std::array<Fold, 20> kFolds = {{
    {"慶", "庆"}, {"遼", "辽"}, {"寧", "宁"}, {"龍", "龙"}, {"蘇", "苏"}, {"東", "东"},
    {"廣", "广"}, {"貴", "贵"}, {"雲", "云"}, {"陝", "陕"}, {"肅", "肃"}, {"臺", "台"},
    {"灣", "湾"}, {"內", "内"}, {"門", "门"}, {"區", "区"}, {"別", "别"}, {"壯", "壮"},
    {"維", "维"}, {"爾", "尔"},
}};

std::string FoldTraditional(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool folded = false;
    for (const Fold& f : kFolds) {
      if (text.substr(i, f.traditional.size()) == f.traditional) {
        out += f.simplified;
        i += f.traditional.size();
        folded = true;
        break;
      }
    }
    if (!folded) out += text[i++];
  }
  return out;
}

// `text` without the ASCII whitespace and ideographic spaces (U+3000,
// E3 80 80) around it.
std::string_view Trim(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (;;) {
    const size_t before = text.size();
    while (!text.empty() && (text.front() == ' ' || (text.front() >= '\t' && text.front() <= '\r'))) {
      text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || (text.back() >= '\t' && text.back() <= '\r'))) {
      text.remove_suffix(1);
    }
    if (text.substr(0, kIdeographicSpace.size()) == kIdeographicSpace) {
      text.remove_prefix(kIdeographicSpace.size());
    }
    if (text.size() >= kIdeographicSpace.size() &&
        text.substr(text.size() - kIdeographicSpace.size()) == kIdeographicSpace) {
      text.remove_suffix(kIdeographicSpace.size());
    }
    if (text.size() == before) return text;
  }
}

// `text` as an error message shows it: control bytes escaped, at most 64
// bytes (cut at a character boundary) and "..." after a cut.
std::string Shown(std::string_view text) {
  constexpr size_t kMax = 64;
  std::string out;
  size_t end = text.size();
  if (end > kMax) {
    end = kMax;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  for (size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      out += absl::StrFormat("\\x%02x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (end < text.size()) out += "...";
  return out;
}

// Every name a province answers to, simplified: short, full and, for the
// autonomous regions, the short name + 自治区 (广西自治区). Built once.
class NameIndex {
 public:
  NameIndex() {
    constexpr std::string_view kRegion = "自治区";
    region_names_.reserve(kEntries.size());
    for (const Entry& e : kEntries) {
      by_name_.emplace(e.short_name, e.province);
      by_name_.emplace(e.full_name, e.province);
      if (e.kind == ProvinceKind::kAutonomousRegion) {
        region_names_.push_back(absl::StrCat(internal::ToAbsl(e.short_name), internal::ToAbsl(kRegion)));
      }
    }
    size_t i = 0;
    for (const Entry& e : kEntries) {
      if (e.kind == ProvinceKind::kAutonomousRegion) by_name_.emplace(region_names_[i++], e.province);
    }
  }
  const Province* Find(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &it->second;
  }

 private:
  std::vector<std::string> region_names_;  // reserved: views into it stay valid
  absl::flat_hash_map<std::string_view, Province, internal::TextHash> by_name_;
};

const NameIndex& Names() {
  static const NameIndex* const kNames = new NameIndex();
  return *kNames;
}

}  // namespace

std::string_view ProvinceName(Province p) { return EntryOf(p).name; }
std::string_view ProvinceShortName(Province p) { return EntryOf(p).short_name; }
std::string_view ProvinceFullName(Province p) { return EntryOf(p).full_name; }
ProvinceKind KindOf(Province p) { return EntryOf(p).kind; }

absl::StatusOr<Province> ParseProvince(std::string_view text) {
  // A hash lookup of the text as given, then of its traditional characters
  // folded (no name contains a character the fold changes, so a name found
  // as given is the one the folded text would find). 广西自治区, 宁夏自治区,
  // 新疆自治区 -- the full name without its people -- are names too.
  const std::string_view trimmed = Trim(text);
  if (const Province* p = Names().Find(trimmed)) return *p;
  if (const Province* p = Names().Find(FoldTraditional(trimmed))) return *p;
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", Shown(text),
      "\" is not a province of China: give one of the 34 provincial-level divisions by its short "
      "or full name, e.g. \"浙江\" or \"浙江省\""));
}

bool SameProvince(std::string_view a, std::string_view b) {
  const absl::StatusOr<Province> x = ParseProvince(a);
  if (!x.ok()) return false;
  const absl::StatusOr<Province> y = ParseProvince(b);
  return y.ok() && *x == *y;
}

}  // namespace kefu
