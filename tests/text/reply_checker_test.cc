// Tests for kefu/text/reply_checker.h and kefu/text/packs.h: one group per PH
// rule, named by its ID, plus the seed's own texts and the checker swap.
#include "kefu/text/reply_checker.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/text/meeting.h"
#include "kefu/text/packs.h"

namespace kefu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ReplyChecker DefaultChecker() {
  auto c = ReplyChecker::Default();
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

// The phrase lists only (PH-APOLOGY off), for the phrase rules' tests.
ReplyChecker PhrasesOnly() {
  ReplyCheckerOptions o;
  o.apology.enabled = false;
  auto c = ReplyChecker::Create(o);
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

// "RULE:text->suggestion" for each finding, for compact expectations.
std::vector<std::string> Summary(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.rule_id + ":" + f.text + "->" + f.suggestion);
  return out;
}

std::vector<std::string> Rules(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.rule_id + ":" + f.text);
  return out;
}

TEST(ReplyChecker, SeedMeetingAutoReplyPassesClean) {
  // PH-MEETING's own text must not trip any other PH rule.
  EXPECT_THAT(DefaultChecker().Check(SeedMeetingAutoReply()), IsEmpty());
}

TEST(ReplyChecker, SeedsPolitePhrasesPassClean) {
  const auto c = DefaultChecker();
  EXPECT_THAT(c.Check("您好,非常抱歉,这款已经是最低价了,无法再低了"), IsEmpty());
  EXPECT_THAT(c.Check("感谢您的耐心等待,感恩有您"), IsEmpty());
}

// PH-NEGATION: the seed's four pairs and the generic suggestion.
TEST(ReplyChecker, PhNegationSeedPairsComeOutExactly) {
  const auto c = PhrasesOnly();
  EXPECT_THAT(Summary(c.Check("不能便宜")), ElementsAre("PH-NEGATION:不能便宜->无法再低了"));
  EXPECT_THAT(Summary(c.Check("不好意思")), ElementsAre("PH-NEGATION:不好意思->非常抱歉"));
  EXPECT_THAT(Summary(c.Check("不行的")), ElementsAre("PH-NEGATION:不行->无法帮到您"));
  EXPECT_THAT(Summary(c.Check("快递到不了")), ElementsAre("PH-NEGATION:到不了->无法到达"));
  EXPECT_THAT(Summary(c.Check("这个不错")),
              ElementsAre("PH-NEGATION:不->" + std::string(GenericNegationSuggestion())));
}

TEST(ReplyChecker, PhNegationEvasionsAreCaught) {
  const auto c = PhrasesOnly();
  EXPECT_THAT(Rules(c.Check("不 行")), ElementsAre("PH-NEGATION:不 行"));
  EXPECT_THAT(Rules(c.Check("不、行")), ElementsAre("PH-NEGATION:不、行"));
  EXPECT_THAT(Rules(c.Check("不\u200b行")), ElementsAre("PH-NEGATION:不\u200b行"));
  EXPECT_THAT(Summary(c.Check("不好 意思")), ElementsAre("PH-NEGATION:不好 意思->非常抱歉"));
}

// PH-INTERJECTION: 哦, 恩, 嗯; 感恩 and similar words are allowed.
TEST(ReplyChecker, PhInterjectionFindsBareInterjections) {
  const auto c = DefaultChecker();
  EXPECT_THAT(Rules(c.Check("哦,好的")), ElementsAre("PH-INTERJECTION:哦"));
  EXPECT_THAT(Rules(c.Check("恩恩,收到")), ElementsAre("PH-INTERJECTION:恩", "PH-INTERJECTION:恩"));
  EXPECT_THAT(Rules(c.Check("嗯,稍等")), ElementsAre("PH-INTERJECTION:嗯"));
}

TEST(ReplyChecker, PhInterjectionGanEnIsNotAnInterjection) {
  const auto c = DefaultChecker();
  EXPECT_THAT(c.Check("感恩您的支持"), IsEmpty());
  EXPECT_THAT(c.Check("感 恩"), IsEmpty());
  EXPECT_THAT(Rules(c.Check("感恩,恩")), ElementsAre("PH-INTERJECTION:恩"));
}

// PH-IGNORANCE.
TEST(ReplyChecker, PhIgnoranceFindsTheSeedsThreePhrases) {
  const auto c = DefaultChecker();
  EXPECT_THAT(Rules(c.Check("这个我不知道")), ElementsAre("PH-IGNORANCE:我不知道", "PH-NEGATION:不"));
  EXPECT_THAT(Rules(c.Check("我不大清楚")), ElementsAre("PH-IGNORANCE:我不大清楚", "PH-NEGATION:不"));
  EXPECT_THAT(Rules(c.Check("我找不到人问")),
              ElementsAre("PH-IGNORANCE:我找不到人问", "PH-NEGATION:不"));
}

// Issue 16: each rule is judged on its own. The 不 inside a PH-IGNORANCE
// phrase is also a PH-NEGATION finding; within one rule the longest phrase
// still wins (不好意思 is one finding with its own suggestion).
TEST(ReplyChecker, PhNegationInsideALongerPhraseOfAnotherRuleIsReported) {
  const auto c = PhrasesOnly();
  EXPECT_THAT(Summary(c.Check("我不知道")),
              ElementsAre("PH-IGNORANCE:我不知道->我帮您确认一下,稍后给您准确答复",
                          std::string("PH-NEGATION:不->") + std::string(GenericNegationSuggestion())));
  EXPECT_THAT(Rules(c.Check("不好意思")), ElementsAre("PH-NEGATION:不好意思"));
  EXPECT_THAT(Rules(c.Check("你不知道吗")),
              ElementsAre("PH-ADDRESS:你", "PH-NEGATION:不"));
  // A shop's own list with two rules is split the same way.
  PhraseList mine;
  mine.name = "mine";
  for (const auto& [phrase, rule] : std::vector<std::pair<std::string, std::string>>{
           {"包邮", "SHOP-A"}, {"不包邮", "SHOP-B"}}) {
    PhraseEntry e;
    e.phrase = phrase;
    e.rule_id = rule;
    mine.entries.push_back(e);
  }
  ReplyCheckerOptions o;
  o.lists = {mine};
  o.apology.enabled = false;
  const auto shop = *ReplyChecker::Create(o);
  EXPECT_THAT(Rules(shop.Check("这款不包邮")), ElementsAre("SHOP-B:不包邮", "SHOP-A:包邮"));
  // Rules whose phrases overlap end to start are kept apart too; rules that
  // cannot overlap share a scan list and still give each rule's own hits.
  PhraseList more;
  more.name = "more";
  for (const auto& [phrase, rule] : std::vector<std::pair<std::string, std::string>>{
           {"包邮", "SHOP-A"}, {"邮费", "SHOP-C"}, {"亲", "SHOP-D"}, {"哦", "SHOP-E"}}) {
    PhraseEntry e;
    e.phrase = phrase;
    e.rule_id = rule;
    more.entries.push_back(e);
  }
  o.lists = {more};
  const auto more_checker = *ReplyChecker::Create(o);
  EXPECT_THAT(Rules(more_checker.Check("亲,包邮费哦")),
              ElementsAre("SHOP-D:亲", "SHOP-A:包邮", "SHOP-C:邮费", "SHOP-E:哦"));
}

// Issue 16: a character of a banned word inside another word or a place
// name is not flagged. 恩 is a standalone entry (PhraseEntry::standalone):
// flagged where it stands alone, not in 恩施 or 恩情; 迷你 is no 你.
TEST(ReplyChecker, PhInterjectionStandaloneEntriesAreNotFlaggedInsideWords) {
  const auto c = PhrasesOnly();
  EXPECT_THAT(Rules(c.Check("恩，好的")), ElementsAre("PH-INTERJECTION:恩"));
  EXPECT_THAT(Rules(c.Check("恩 好的")), ElementsAre("PH-INTERJECTION:恩"));
  EXPECT_THAT(Rules(c.Check("好的,恩")), ElementsAre("PH-INTERJECTION:恩"));
  EXPECT_THAT(Rules(c.Check("恩恩，收到")),
              ElementsAre("PH-INTERJECTION:恩", "PH-INTERJECTION:恩"));
  EXPECT_THAT(c.Check("发往湖北恩施的包裹"), IsEmpty());
  EXPECT_THAT(c.Check("恩施土家族苗族自治州"), IsEmpty());
  EXPECT_THAT(c.Check("这份恩情我们记得"), IsEmpty());
  EXPECT_THAT(c.Check("恩\u200b施"), IsEmpty());  // looked through
  EXPECT_THAT(c.Check("这款是迷你款,小巧"), IsEmpty());
  EXPECT_THAT(Rules(c.Check("迷你款你喜欢吗")), ElementsAre("PH-ADDRESS:你"));
}

// PH-ADDRESS.
TEST(ReplyChecker, PhAddressFlagsNiInsteadOfNin) {
  const auto c = DefaultChecker();
  EXPECT_THAT(Summary(c.Check("请问你要什么颜色")), ElementsAre("PH-ADDRESS:你->您"));
  EXPECT_THAT(c.Check("请问您要什么颜色"), IsEmpty());
}

// PH-APOLOGY.
TEST(ReplyChecker, PhApologyRefusalMustOpenWithApology) {
  const auto c = DefaultChecker();
  EXPECT_THAT(Rules(c.Check("这个价格无法再低了")), ElementsAre("PH-APOLOGY:无法"));
  EXPECT_THAT(c.Check("非常抱歉,这个价格无法再低了"), IsEmpty());
  // A greeting before the apology is allowed.
  EXPECT_THAT(c.Check("您好,非常抱歉,这个价格无法再低了"), IsEmpty());
  EXPECT_THAT(c.Check("亲～非常抱歉!无法再低了"), IsEmpty());
  // The apology must be in the first sentence, at its start.
  EXPECT_THAT(Rules(c.Check("无法再低了。非常抱歉")), ElementsAre("PH-APOLOGY:无法"));
  EXPECT_THAT(Rules(c.Check("您好,这个无法再低了,非常抱歉")), ElementsAre("PH-APOLOGY:无法"));
  // No refusal, no apology needed.
  EXPECT_THAT(c.Check("您好,已为您安排发货"), IsEmpty());
}

TEST(ReplyChecker, PhApologyMarkersAreConfigurable) {
  ReplyCheckerOptions o;
  o.apology.refusal_markers = {"办理不了", "爱莫能助"};
  auto c = ReplyChecker::Create(o);
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(Rules(c->Check("爱莫能助")), ElementsAre("PH-APOLOGY:爱莫能助"));
  EXPECT_THAT(c->Check("无法发货"), IsEmpty());
  o.apology.enabled = false;
  c = ReplyChecker::Create(o);
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(c->Check("爱莫能助"), IsEmpty());
}

// PH-PRIVACY through the checker: masked, never in full.
TEST(ReplyChecker, PhPrivacyFindingsAreMasked) {
  const auto c = DefaultChecker();
  const std::string reply = "您的手机号是138-1234-5678,邮箱zhang.san@example.com";
  const auto f = c.Check(reply);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].rule_id, "PH-PRIVACY");
  EXPECT_EQ(f[0].text, "138****5678");
  EXPECT_EQ(reply.substr(f[0].begin, f[0].end - f[0].begin), "138-1234-5678");
  EXPECT_EQ(f[1].text, "z***@example.com");
  for (const Finding& x : f) {
    EXPECT_EQ(x.text.find("1234"), std::string::npos);
    EXPECT_EQ(x.text.find("zhang"), std::string::npos);
  }
}

TEST(ReplyChecker, OffsetsAreRightOnMixedChineseLatinEmoji) {
  const auto c = DefaultChecker();
  const std::string reply = "Hi😀亲, iPhone不\u200b行哦!";
  const auto f = c.Check(reply);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].rule_id, "PH-APOLOGY");  // 不行 is a refusal; same span
  EXPECT_EQ(f[1].rule_id, "PH-NEGATION");
  EXPECT_EQ(f[1].begin, reply.find("不"));
  EXPECT_EQ(f[1].end, reply.find("行") + 3);
  EXPECT_EQ(f[1].text, "不\u200b行");
  EXPECT_EQ(f[2].rule_id, "PH-INTERJECTION");
  EXPECT_EQ(f[2].begin, reply.find("哦"));
  EXPECT_EQ(f[2].end, reply.find("哦") + 3);
}

TEST(ReplyChecker, InvalidUtf8IsHandled) {
  const auto c = DefaultChecker();
  const std::string reply = std::string("\xff不\xfe行\xe4") + "哦";
  const auto f = c.Check(reply);
  // 不 alone (the 0xFE byte breaks 不行) and 哦; no crash, offsets in range.
  EXPECT_THAT(Rules(f), ElementsAre("PH-NEGATION:不", "PH-INTERJECTION:哦"));
  for (const Finding& x : f) EXPECT_LE(x.end, reply.size());
}

// The optional advertising-law pack (PH-ADLAW).
TEST(ReplyChecker, AdvertisingLawPackIsOptional) {
  const std::string reply = "这是国家级最佳产品,第一时间发货";
  EXPECT_THAT(DefaultChecker().Check(reply), IsEmpty());
  auto packs = PacksByName("seed,advertising-law");
  ASSERT_TRUE(packs.ok());
  ReplyCheckerOptions o;
  o.lists = *packs;
  auto c = ReplyChecker::Create(o);
  ASSERT_TRUE(c.ok());
  EXPECT_THAT(Rules(c->Check(reply)), ElementsAre("PH-ADLAW:国家级", "PH-ADLAW:最佳"));
  EXPECT_EQ(PacksByName("nope").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PacksByName("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PacksByName("all")->size(), 2u);
}

TEST(ReplyChecker, ShopListsCarryTheirOwnSuggestionsAndTags) {
  PhraseList mine;
  mine.name = "shop";
  PhraseEntry e;
  e.phrase = "包邮";
  e.rule_id = "PH-SHOP";
  e.severity = Severity::kWarning;
  e.suggestion = "满99元包邮";
  e.tags = {"shipping"};
  mine.entries.push_back(e);
  ReplyCheckerOptions o;
  o.lists = {SeedPack(), mine};
  auto c = ReplyChecker::Create(o);
  ASSERT_TRUE(c.ok());
  const auto f = c->Check("全场包邮");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].suggestion, "满99元包邮");
  EXPECT_EQ(f[0].severity, Severity::kWarning);
  EXPECT_EQ(f[0].list, "shop");
}

// Check scans all its lists in one pass, 64 bytes of ASCII and three-byte
// characters at a time (anything else more slowly): on texts of every
// length up to 300 bytes mixing seed phrases, allow words, refusal markers,
// ASCII, two- and four-byte characters, E0/ED leads and ill-formed bytes,
// its phrase findings equal each rule's own FindAll (the list's entries of
// that rule and its allow entries) and its PH-APOLOGY
// finding spans the first refusal marker.
TEST(ReplyChecker, OnePassScanEqualsEachListsOwnScan) {
  ReplyCheckerOptions o;
  o.lists = {SeedPack(), AdvertisingLawPack()};
  auto checker = ReplyChecker::Create(o);
  ASSERT_TRUE(checker.ok()) << checker.status();
  PhraseList markers;
  for (const std::string& m : o.apology.refusal_markers) {
    PhraseEntry e;
    e.phrase = m;
    e.rule_id = "PH-APOLOGY";
    markers.entries.push_back(e);
  }
  auto refusals = PhraseMatcher::Compile(markers);
  ASSERT_TRUE(refusals.ok()) << refusals.status();
  // Each rule of a list is judged on its own: the list's entries of that
  // rule and all its allow entries.
  std::vector<PhraseMatcher> per_rule;
  for (const PhraseList& list : o.lists) {
    std::vector<std::string> rules;
    for (const PhraseEntry& e : list.entries) {
      if (!e.allow && std::find(rules.begin(), rules.end(), e.rule_id) == rules.end()) {
        rules.push_back(e.rule_id);
      }
    }
    for (const std::string& rule : rules) {
      PhraseList part = list;
      part.entries.clear();
      for (const PhraseEntry& e : list.entries) {
        if (e.allow || e.rule_id == rule) part.entries.push_back(e);
      }
      per_rule.push_back(*PhraseMatcher::Compile(part));
    }
  }
  // ASCII and three-byte characters only (the 64-byte path) first, then the
  // others; every other text takes its pieces from the first group only.
  const std::vector<std::string> pieces = {
      "你", "我", "不", "不行", "不 行", "哦", "恩", "感恩", "嗯", "我不知道", "无法", "到不了",
      "最佳", "国家级", "好的", "亲", "非常抱歉", "，", "。", "a", "B1", " ", "\n", "第一时间",
      "谢谢您的耐心等待", "这个", "可以", "恩施", "迷你", "😀", "é", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xFE",
      "\xE4\xBD", "\xC3"};
  const size_t simple = pieces.size() - 7;
  uint32_t rng = 12345;
  const auto next = [&rng] {
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
  };
  std::vector<Finding> got;
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const size_t want = next() % 301;
    const size_t palette = round % 2 == 0 ? simple : pieces.size();
    while (text.size() < want) text += pieces[next() % palette];
    if (next() % 4 == 0) text.resize(want);  // may cut a character
    got.clear();
    checker->Check(text, &got);
    std::vector<Finding> phrases;
    std::vector<Finding> apology;
    for (const Finding& f : got) {
      if (!f.list.empty()) phrases.push_back(f);
      if (f.rule_id == "PH-APOLOGY") apology.push_back(f);
    }
    std::vector<Finding> want_phrases;
    for (const PhraseMatcher& m : per_rule) {
      for (const PhraseMatch& h : m.FindAll(text)) {
        const PhraseEntry& e = m.entry(h.entry);
        Finding f;
        f.rule_id = e.rule_id;
        f.severity = e.severity;
        f.begin = h.begin;
        f.end = h.end;
        f.text = text.substr(h.begin, h.end - h.begin);
        f.suggestion = e.suggestion;
        f.list = m.list().name;
        want_phrases.push_back(f);
      }
    }
    std::stable_sort(want_phrases.begin(), want_phrases.end(), [](const Finding& a, const Finding& b) {
      if (a.begin != b.begin) return a.begin < b.begin;
      if (a.end != b.end) return a.end < b.end;
      return a.rule_id < b.rule_id;
    });
    ASSERT_EQ(phrases, want_phrases) << round << ": " << text;
    const std::vector<PhraseMatch> marker = refusals->FindAll(text);
    ASSERT_LE(apology.size(), 1u) << text;
    if (marker.empty()) {
      ASSERT_TRUE(apology.empty()) << text;
    } else if (!apology.empty()) {
      EXPECT_EQ(apology[0].begin, marker[0].begin) << text;
      EXPECT_EQ(apology[0].end, marker[0].end) << text;
    }
  }
}

TEST(ReplyCheckerSlot, BuildingANewCheckerWhileTheOldServesThenSwapping) {
  auto first = ReplyChecker::Default();
  ASSERT_TRUE(first.ok());
  ReplyCheckerSlot slot(std::make_shared<const ReplyChecker>(*first));
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const auto c = slot.Load();
        const auto f = c->Check("不行,包邮");
        // Either the old rules (1 finding + apology) or the new (+ 包邮).
        if (f.size() != 2 && f.size() != 3) bad.fetch_add(1);
      }
    });
  }
  const auto old = slot.Load();
  for (int i = 0; i < 5; ++i) {
    ReplyCheckerOptions o;
    PhraseList extra;
    extra.name = "extra";
    PhraseEntry e;
    e.phrase = "包邮";
    e.rule_id = "PH-SHOP";
    extra.entries.push_back(e);
    o.lists = {SeedPack(), extra};
    auto next = ReplyChecker::Create(o);
    ASSERT_TRUE(next.ok());
    slot.Store(std::make_shared<const ReplyChecker>(*std::move(next)));
  }
  stop.store(true);
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad.load(), 0);
  // The snapshot taken before the swap still works with the old rules.
  EXPECT_EQ(old->Check("不行,包邮").size(), 2u);
  EXPECT_EQ(slot.Load()->Check("不行,包邮").size(), 3u);
}

}  // namespace
}  // namespace kefu
