// The phrase lists kefu ships; see kefu/text/packs.h.
#include "kefu/text/packs.h"

#include <utility>

#include "absl/status/status.h"

namespace kefu {
namespace {

PhraseEntry Banned(std::string phrase, std::string rule, std::string suggestion,
                   Severity severity = Severity::kError) {
  PhraseEntry e;
  e.phrase = std::move(phrase);
  e.rule_id = std::move(rule);
  e.severity = severity;
  e.suggestion = std::move(suggestion);
  e.tags = {"seed"};
  return e;
}

PhraseEntry Allowed(std::string phrase) {
  PhraseEntry e;
  e.phrase = std::move(phrase);
  e.allow = true;
  e.tags = {"seed"};
  return e;
}

}  // namespace

std::string_view GenericNegationSuggestion() {
  return "请改用不带“不”字的说法,例如“无法……”“暂时没有……”";
}

PhraseList SeedPack() {
  PhraseList list;
  list.name = "seed";
  list.tags = {"default"};
  auto& e = list.entries;
  // PH-NEGATION (seed 002): no 不 nor any word with it; the seed's four pairs.
  e.push_back(Banned("不能便宜", "PH-NEGATION", "无法再低了"));
  e.push_back(Banned("不好意思", "PH-NEGATION", "非常抱歉"));
  e.push_back(Banned("不行", "PH-NEGATION", "无法帮到您"));
  e.push_back(Banned("到不了", "PH-NEGATION", "无法到达"));
  e.push_back(Banned("不", "PH-NEGATION", std::string(GenericNegationSuggestion())));
  // PH-IGNORANCE (seed 002).
  const std::string will_check = "我帮您确认一下,稍后给您准确答复";
  e.push_back(Banned("我不知道", "PH-IGNORANCE", will_check));
  e.push_back(Banned("我不大清楚", "PH-IGNORANCE", will_check));
  e.push_back(Banned("我找不到人问", "PH-IGNORANCE",
                     "我这边先为您记录下来,确认后在约定时间内回复您"));
  // PH-INTERJECTION (seed 002: 严禁用 哦, 恩 的语气词); 嗯 is the same word.
  const std::string drop = "删去语气词,直接回答";
  e.push_back(Banned("哦", "PH-INTERJECTION", drop));
  // 恩 is the interjection 嗯 misspelt only where it stands alone: inside a
  // word or a place name (感恩, 恩情, 恩施) it is another morpheme.
  e.push_back(Banned("恩", "PH-INTERJECTION", drop));
  e.back().standalone = true;
  e.push_back(Banned("嗯", "PH-INTERJECTION", drop));
  // Words in which 恩 is not an interjection.
  for (const char* w : {"感恩", "恩情", "恩人", "恩惠", "恩德", "恩典", "恩爱", "恩怨", "报恩",
                        "知恩", "谢恩", "施恩", "开恩", "忘恩", "大恩", "师恩", "恩师"}) {
    e.push_back(Allowed(w));
  }
  // PH-ADDRESS (seed 002: 对客户称呼使用“您”).
  e.push_back(Banned("你", "PH-ADDRESS", "您"));
  // 你 is no pronoun in the loanword 迷你 (mini, as in 迷你款).
  e.push_back(Allowed("迷你"));
  e.push_back(Banned("妳", "PH-ADDRESS", "您"));
  return list;
}

PhraseList AdvertisingLawPack() {
  PhraseList list;
  list.name = "advertising-law";
  list.tags = {"optional", "advertising-law"};
  const std::string suggestion = "删去绝对化用语,改为可证实的具体描述";
  for (const char* w :
       {"国家级", "世界级", "全球级", "宇宙级", "最高级", "最佳", "最好", "最优", "最优秀",
        "最高", "最低", "最低价", "最便宜", "最先进", "最大", "最强", "最新技术", "最受欢迎",
        "最流行", "最时尚", "最赚", "最具", "最先", "第一", "全网第一", "销量第一",
        "排名第一", "中国第一", "唯一", "独一无二", "首个", "首家", "首选", "全国首家",
        "顶级", "顶尖", "极品", "极致", "绝对", "万能", "史无前例", "前无古人", "遥遥领先",
        "世界领先", "全球领先", "领导品牌", "领袖品牌", "王牌", "冠军", "至尊", "巅峰",
        "永久", "无敌", "完美", "国家免检", "特供", "专供"}) {
    PhraseEntry e;
    e.phrase = w;
    e.rule_id = "PH-ADLAW";
    e.severity = Severity::kWarning;
    e.suggestion = suggestion;
    e.tags = {"advertising-law"};
    list.entries.push_back(std::move(e));
  }
  // 第一 as an ordinal, not a ranking.
  for (const char* w : {"第一时间", "第一次", "第一天", "第一步", "第一个", "第一件", "第一眼",
                        "第一批", "第一周", "第一句"}) {
    PhraseEntry e;
    e.phrase = w;
    e.allow = true;
    e.tags = {"advertising-law"};
    list.entries.push_back(std::move(e));
  }
  return list;
}

std::vector<std::string> PackNames() { return {"seed", "advertising-law"}; }
std::vector<std::string> DefaultPackNames() { return {"seed"}; }

absl::StatusOr<std::vector<PhraseList>> PacksByName(std::string_view names) {
  std::vector<std::string> wanted;
  for (size_t at = 0; at <= names.size();) {
    size_t comma = names.find(',', at);
    if (comma == std::string_view::npos) comma = names.size();
    std::string_view name = names.substr(at, comma - at);
    at = comma + 1;
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (name.empty()) continue;
    if (name == "all") {
      for (auto& n : PackNames()) wanted.push_back(n);
    } else if (name == "default") {
      for (auto& n : DefaultPackNames()) wanted.push_back(n);
    } else if (name == "seed" || name == "advertising-law") {
      wanted.emplace_back(name);
    } else {
      return absl::InvalidArgumentError(
          "unknown phrase pack \"" + std::string(name) +
          "\" (known: seed, advertising-law, default, all)");
    }
  }
  if (wanted.empty()) return absl::InvalidArgumentError("no phrase pack named");
  std::vector<PhraseList> out;
  std::vector<std::string> seen;
  for (const auto& n : wanted) {
    bool dup = false;
    for (const auto& s : seen) dup = dup || s == n;
    if (dup) continue;
    seen.push_back(n);
    out.push_back(n == "seed" ? SeedPack() : AdvertisingLawPack());
  }
  return out;
}

}  // namespace kefu
