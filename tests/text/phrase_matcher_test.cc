// Tests for kefu/text/phrase_matcher.h: normalization, noise skipping, word
// boundaries, allow entries, offsets and invalid UTF-8.
#include "kefu/text/phrase_matcher.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kefu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

PhraseEntry Ban(std::string phrase, std::string rule = "PH-TEST") {
  PhraseEntry e;
  e.phrase = std::move(phrase);
  e.rule_id = std::move(rule);
  return e;
}
PhraseEntry Allow(std::string phrase) {
  PhraseEntry e;
  e.phrase = std::move(phrase);
  e.allow = true;
  return e;
}

PhraseMatcher MustCompile(std::vector<PhraseEntry> entries,
                          Normalization n = Normalization{}) {
  PhraseList list;
  list.name = "test";
  list.normalization = n;
  list.entries = std::move(entries);
  auto m = PhraseMatcher::Compile(std::move(list));
  EXPECT_TRUE(m.ok()) << m.status();
  return *std::move(m);
}

// The matched substrings, for readable expectations.
std::vector<std::string> Hits(const PhraseMatcher& m, std::string_view text) {
  std::vector<std::string> out;
  for (const PhraseMatch& h : m.FindAll(text)) out.emplace_back(text.substr(h.begin, h.end - h.begin));
  return out;
}

TEST(PhraseMatcher, LeftmostLongestNonOverlapping) {
  const auto m = MustCompile({Ban("不"), Ban("不行"), Ban("不能便宜"), Ban("到不了")});
  EXPECT_THAT(Hits(m, "这个不行,不能便宜,我们到不了,不"),
              ElementsAre("不行", "不能便宜", "到不了", "不"));
}

TEST(PhraseMatcher, EntryIndexNamesTheLongestPhrase) {
  const auto m = MustCompile({Ban("不"), Ban("不行")});
  const auto hits = m.FindAll("不行");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].entry, 1u);
  EXPECT_EQ(m.entry(hits[0].entry).phrase, "不行");
}

TEST(PhraseMatcher, NoiseBetweenCharactersIsSkipped) {
  const auto m = MustCompile({Ban("不行")});
  EXPECT_THAT(Hits(m, "不 行"), ElementsAre("不 行"));
  EXPECT_THAT(Hits(m, "不、行"), ElementsAre("不、行"));
  EXPECT_THAT(Hits(m, "不\u200b行"), ElementsAre("不\u200b行"));
  EXPECT_THAT(Hits(m, "不😀行"), ElementsAre("不😀行"));
  EXPECT_THAT(Hits(m, "不**--**行"), ElementsAre("不**--**行"));
  // A match neither starts nor ends on noise.
  EXPECT_THAT(Hits(m, " 不行 "), ElementsAre("不行"));
}

TEST(PhraseMatcher, NoiseRunLongerThanTheLimitBreaksThePhrase) {
  Normalization n;
  n.max_noise_run = 2;
  const auto m = MustCompile({Ban("不行")}, n);
  EXPECT_THAT(Hits(m, "不  行"), ElementsAre("不  行"));
  EXPECT_THAT(Hits(m, "不   行"), IsEmpty());
}

// Lists without one-character phrases take the matcher's fast start (the
// first two characters in one table probe, a filter on the first three);
// noise, limits, boundaries and longest matches behave as in the general walk.
TEST(PhraseMatcher, FastStartKeepsNoiseLimitsBoundariesAndLongestMatch) {
  Normalization n;
  n.max_noise_run = 2;
  const auto m = MustCompile({Ban("不行"), Ban("不行了吧"), Ban("我不知道"), Ban("ab"), Ban("abc1"), Ban("说不过")}, n);
  EXPECT_THAT(Hits(m, "不行了吧 不行了 不、行、了、吧"),
              ElementsAre("不行了吧", "不行", "不、行、了、吧"));
  EXPECT_THAT(Hits(m, "我 不  知道 我不   知道 我   不知道"), ElementsAre("我 不  知道"));
  EXPECT_THAT(Hits(m, "不行​​了吧 不行​​​了吧"),
              ElementsAre("不行​​了吧", "不行"));
  // Boundaries apply at the second character and beyond.
  EXPECT_THAT(Hits(m, "ab abc abc1 abc12 xab ab1 a b"), ElementsAre("ab", "abc1", "ab", "a b"));
  // Invalid UTF-8 or the end of the text after one or two characters.
  EXPECT_THAT(Hits(m, std::string("不\xff行 不行\xff了吧 我不知") + "不"), ElementsAre("不行"));
  // Traditional and full-width forms at every position of the fast start.
  EXPECT_THAT(Hits(m, "說不過 ＡＢＣ１"), ElementsAre("說不過", "ＡＢＣ１"));
}

// The skip loop classifies 16 bytes at a time: a phrase is found at every
// offset in mixed ASCII and Chinese text, also across block edges and next to
// bytes that are not well-formed UTF-8.
TEST(PhraseMatcher, FindsPhrasesAtEveryOffsetOfMixedText) {
  const auto exact = MustCompile({Ban("不行"), Ban("x")}, Normalization::Exact());
  const auto folded = MustCompile({Ban("不行"), Ban("x")});
  for (size_t pad = 0; pad < 40; ++pad) {
    for (const std::string& unit : {std::string("a"), std::string("好"), std::string("a好 ")}) {
      std::string before;
      while (before.size() < pad) before += unit;
      const std::string text = before + "不行" + before + " x " + before + "\x80不行\xE4\xB8";
      EXPECT_THAT(Hits(exact, text), ElementsAre("不行", "x", "不行")) << pad << unit;
      EXPECT_THAT(Hits(folded, text), ElementsAre("不行", "x", "不行")) << pad << unit;
    }
  }
}

TEST(PhraseMatcher, FullWidthAndCaseFold) {
  const auto m = MustCompile({Ban("ok"), Ban("VIP")});
  EXPECT_THAT(Hits(m, "ＯＫ，vip客户"), ElementsAre("ＯＫ", "vip"));
}

TEST(PhraseMatcher, TraditionalFoldsToSimplified) {
  const auto m = MustCompile({Ban("不会"), Ban("台湾")});
  EXPECT_THAT(Hits(m, "不會,臺灣"), ElementsAre("不會", "臺灣"));
}

TEST(PhraseMatcher, TraditionalFoldIsPerListAndCanKeepCharacters) {
  // ToolGood #28: 臺, 颱 and 檯 all fold to 台.
  Normalization keep;
  keep.keep_traditional = "颱檯";
  const auto m = MustCompile({Ban("台")}, keep);
  EXPECT_THAT(Hits(m, "臺颱檯台"), ElementsAre("臺", "台"));
  Normalization off;
  off.traditional_to_simplified = false;
  const auto plain = MustCompile({Ban("台")}, off);
  EXPECT_THAT(Hits(plain, "臺颱檯台"), ElementsAre("台"));
}

TEST(PhraseMatcher, LatinWordsMatchOnlyOnBoundaries) {
  const auto m = MustCompile({Ban("star"), Ban("110")});
  EXPECT_THAT(Hits(m, "stars superstar star 星star"), ElementsAre("star", "star"));
  EXPECT_THAT(Hits(m, "51103 110 拨110报警 a110"), ElementsAre("110", "110", "110"));
  Normalization n;
  n.word_boundaries = false;
  const auto loose = MustCompile({Ban("star")}, n);
  EXPECT_THAT(Hits(loose, "stars"), ElementsAre("star"));
}

TEST(PhraseMatcher, ExactModeDoesNoNormalization) {
  const auto m = MustCompile({Ban("不行"), Ban("ok")}, Normalization::Exact());
  EXPECT_THAT(Hits(m, "不 行 不行 OK ok tokyo"), ElementsAre("不行", "ok", "ok"));
}

TEST(PhraseMatcher, AllowEntryCancelsAnyHitItCovers) {
  // sensitive-word #19: an allow word must cancel a hit it covers, not only
  // one starting at the same place.
  const auto m = MustCompile({Ban("恩"), Allow("感恩"), Ban("好"), Allow("你好吗")});
  EXPECT_THAT(Hits(m, "感恩,恩"), ElementsAre("恩"));
  EXPECT_THAT(Hits(m, "你好吗 好"), ElementsAre("好"));
  EXPECT_THAT(Hits(m, "感 恩"), IsEmpty());
}

TEST(PhraseMatcher, AllowCoversHitThatStartedInsideAnEarlierLongerHit) {
  const auto m = MustCompile({Ban("不感"), Ban("恩"), Allow("感恩")});
  // 不感 is reported; 恩 lies within the allowed 感恩 and is not.
  EXPECT_THAT(Hits(m, "不感恩"), ElementsAre("不感"));
}

TEST(PhraseMatcher, OffsetsAreBytesOfTheCallersTextOnMixedInput) {
  const auto m = MustCompile({Ban("不行"), Ban("ok")});
  const std::string text = "Hi😀 ＯＫ吗? 不\u200b行!";
  const auto hits = m.FindAll(text);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].begin, text.find("ＯＫ"));
  EXPECT_EQ(hits[0].end, text.find("ＯＫ") + 6);
  EXPECT_EQ(hits[1].begin, text.find("不"));
  EXPECT_EQ(hits[1].end, text.find("行") + 3);
}

TEST(PhraseMatcher, InvalidUtf8NeverCrashesAndBreaksPhrases) {
  const auto m = MustCompile({Ban("不行"), Ban("ab")});
  const std::string bad = std::string("不\xff行 \xe4\xb8 不行 a") + "\xc0\xaf" + "b ab" + "\xe4";
  const auto hits = m.FindAll(bad);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(bad.substr(hits[0].begin, hits[0].end - hits[0].begin), "不行");
  EXPECT_EQ(bad.substr(hits[1].begin, hits[1].end - hits[1].begin), "ab");
  // A truncated sequence at the very end is not read past.
  EXPECT_THAT(m.FindAll(std::string_view("\xe4\xb8", 2)), IsEmpty());
  EXPECT_THAT(m.FindAll(std::string_view("不\xe8\xa1", 5)), IsEmpty());
}

TEST(PhraseMatcher, CompileRefusesBadEntries) {
  PhraseList list;
  list.entries.push_back(Ban("\xff"));
  EXPECT_EQ(PhraseMatcher::Compile(list).status().code(), absl::StatusCode::kInvalidArgument);
  list.entries = {Ban(" 、 ")};
  EXPECT_EQ(PhraseMatcher::Compile(list).status().code(), absl::StatusCode::kInvalidArgument);
  list.entries = {Ban("不行", "")};
  EXPECT_EQ(PhraseMatcher::Compile(list).status().code(), absl::StatusCode::kInvalidArgument);
  list.entries = {Ban("不行")};
  list.normalization.max_noise_run = -1;
  EXPECT_EQ(PhraseMatcher::Compile(list).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PhraseMatcher, EmptyListAndEmptyTextFindNothing) {
  auto m = PhraseMatcher::Compile(PhraseList{});
  ASSERT_TRUE(m.ok());
  EXPECT_THAT(m->FindAll("不行"), IsEmpty());
  EXPECT_THAT(MustCompile({Ban("不")}).FindAll(""), IsEmpty());
}

TEST(PhraseMatcher, NormalizeShowsTheFoldedText) {
  const auto m = MustCompile({Ban("x")});
  EXPECT_EQ(m.Normalize("ＡＢ臺灣 c"), "ab台湾 c");
}

}  // namespace
}  // namespace kefu
