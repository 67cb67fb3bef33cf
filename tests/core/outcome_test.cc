#include "kefu/core/outcome.h"

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kefu {
namespace {

// The kind of decision AS-POSTAGE-CAP hands back: an adjusted claim.
Decision CappedPostage() {
  Decision d;
  d.rule = "AS-POSTAGE-CAP";
  d.verdict = Verdict::kAdjusted;
  d.message = {"退货邮费{claimed}超过{scope}上限{cap}，按{cap}报销",
               "return postage {claimed} exceeds the {scope} cap {cap}; {cap} reimbursed"};
  d.figures.push_back({"claimed", Money::Yuan(12)});
  d.figures.push_back({"cap", Money::Yuan(10)});
  d.figures.push_back({"scope", std::string("省外")});
  return d;
}

TEST(Decision, ReasonRendersFiguresInChineseByDefault) {
  EXPECT_EQ(CappedPostage().Reason(), "退货邮费12.00元超过省外上限10.00元，按10.00元报销");
}

TEST(Decision, ReasonRendersInEnglishOnRequest) {
  EXPECT_EQ(CappedPostage().Reason(Language::kEn),
            "return postage 12.00 yuan exceeds the 省外 cap 10.00 yuan; 10.00 yuan reimbursed");
}

TEST(Decision, FiguresAreStructuredData) {
  const Decision d = CappedPostage();
  ASSERT_NE(d.Find("claimed"), nullptr);
  EXPECT_EQ(std::get<Money>(d.Find("claimed")->value), Money::Yuan(12));
  EXPECT_EQ(std::get<Money>(d.Find("cap")->value), Money::Yuan(10));
  EXPECT_EQ(d.Find("nothing"), nullptr);
}

TEST(RenderMessage, KeepsUnknownPlaceholdersAndEscapedBraces) {
  Figures figures;
  figures.push_back({"count", int64_t{3}});
  figures.push_back({"due", absl::FromUnixSeconds(1790818200)});
  EXPECT_EQ(RenderMessage({"第{count}次，{missing}，{{字面}}，截止{due}", nullptr}, figures,
                          Language::kZh),
            "第3次，{missing}，{字面}，截止2026-10-01T09:30:00+08:00");
  EXPECT_EQ(RenderMessage({"x", nullptr}, figures, Language::kEn), "");
  EXPECT_EQ(RenderMessage({"unclosed {count", nullptr}, figures, Language::kZh), "unclosed {count");
  EXPECT_EQ(RenderMessage({"due {due}", nullptr}, figures, Language::kZh, absl::ZeroDuration()),
            "due 2026-10-01T01:30:00+00:00");
}

TEST(Outcome, AddRecordsTheVerdictInTheAuditRecord) {
  Outcome out;
  out.entity = "T-1";
  EXPECT_FALSE(out.refused());
  out.Add(CappedPostage());
  Decision refusal;
  refusal.rule = "AS-POSTAGE-CAP";
  refusal.verdict = Verdict::kRefused;
  out.Add(refusal);
  EXPECT_TRUE(out.refused());
  ASSERT_EQ(out.decisions.size(), 2u);
  EXPECT_THAT(out.audit.verdicts,
              ::testing::ElementsAre(RuleVerdict{"AS-POSTAGE-CAP", Verdict::kAdjusted},
                                     RuleVerdict{"AS-POSTAGE-CAP", Verdict::kRefused}));
  ASSERT_NE(out.Find("AS-POSTAGE-CAP"), nullptr);
  EXPECT_EQ(out.Find("AS-POSTAGE-CAP")->verdict, Verdict::kAdjusted);
  EXPECT_EQ(out.Find("ORD-VERIFY"), nullptr);
}

TEST(Action, DescribeFallsBackToTheKindName) {
  Action a;
  a.kind = ActionKind::kNotifyFinance;
  a.rule = "AS-REFUND-RECORD";
  EXPECT_EQ(a.Describe(), "notify_finance");
  a.message = {"通知财务退款{amount}", "ask finance to refund {amount}"};
  a.figures.push_back({"amount", Money::Fen(850)});
  EXPECT_EQ(a.Describe(), "通知财务退款8.50元");
  EXPECT_EQ(a.Describe(Language::kEn), "ask finance to refund 8.50 yuan");
}

TEST(Names, AreStableSnakeCase) {
  EXPECT_EQ(VerdictName(Verdict::kAllowed), "allowed");
  EXPECT_EQ(VerdictName(Verdict::kRefused), "refused");
  EXPECT_EQ(VerdictName(Verdict::kAdjusted), "adjusted");
  EXPECT_EQ(VerdictName(Verdict::kScheduled), "scheduled");
  EXPECT_EQ(ActionKindName(ActionKind::kCall), "call");
  EXPECT_EQ(ActionKindName(ActionKind::kPutCashInParcel), "put_cash_in_parcel");
  EXPECT_EQ(ActionKindName(ActionKind::kUnpackAndRestock), "unpack_and_restock");
  EXPECT_EQ(DeadlineOpName(DeadlineOp::kPause), "pause");
  EXPECT_EQ(DeadlineOpName(DeadlineOp::kCancel), "cancel");
}

TEST(Outcome, IsAPlainValueThatCopiesAndCompares) {
  Outcome a;
  a.entity = "O-1";
  a.Add(CappedPostage());
  Deadline resolve;
  resolve.rule = "AS-RESOLVE";
  resolve.due = absl::FromUnixSeconds(100);
  resolve.warn_at = absl::FromUnixSeconds(50);
  a.deadlines.push_back(resolve);
  Outcome b = a;
  EXPECT_EQ(b.entity, "O-1");
  EXPECT_EQ(b.decisions[0].Reason(), a.decisions[0].Reason());
  EXPECT_EQ(b.deadlines[0].warn_at, absl::FromUnixSeconds(50));
  EXPECT_EQ(b.audit.verdicts, a.audit.verdicts);
}

}  // namespace
}  // namespace kefu

namespace kefu {
namespace {

TEST(Outcome, EqualityComparesValuesAndMessageText) {
  Outcome a;
  a.entity = "T-1";
  a.Add(CappedPostage());
  Outcome b = a;
  EXPECT_EQ(a, b);
  // The same text at another address is the same message.
  std::string zh = a.decisions[0].message.zh;
  b.decisions[0].message.zh = zh.c_str();
  EXPECT_EQ(a, b);
  b.decisions[0].figures[1].value = Money::Yuan(8);
  EXPECT_NE(a, b);
  b = a;
  b.audit.duplicate = true;
  EXPECT_NE(a, b);
  b = a;
  b.actions.push_back(Action{});
  EXPECT_NE(a, b);
}

TEST(Deadline, DescribeRendersItsFigures) {
  Deadline d;
  d.rule = "AS-RESOLVE";
  d.due = absl::FromUnixSeconds(1790818200);
  EXPECT_EQ(d.Describe(), "AS-RESOLVE");
  d.message = {"第{day}天前重发或退款", "reship or refund by day {day}"};
  d.figures.push_back({"day", int64_t{7}});
  EXPECT_EQ(d.Describe(), "第7天前重发或退款");
  EXPECT_EQ(d.Describe(Language::kEn), "reship or refund by day 7");
  Deadline e = d;
  EXPECT_EQ(d, e);
  e.warn_at = d.due - absl::Hours(24);
  EXPECT_NE(d, e);
}

// InternText: one pointer per text, the same on every thread and call,
// for more texts than a thread keeps at hand (its cache of recent texts
// maps many to each slot), each pointing at a NUL-terminated copy.
TEST(InternText, GivesOnePointerPerTextOnEveryThread) {
  std::vector<std::string> texts;
  for (int i = 0; i < 3000; ++i) texts.push_back("intern-test-" + std::to_string(i * 7919));
  texts.push_back("");
  std::vector<const char*> first;
  for (const std::string& t : texts) first.push_back(InternText(t));
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_NE(first[i], nullptr);
    EXPECT_EQ(std::string(first[i]), texts[i]);
    EXPECT_NE(first[i], texts[i].c_str());
  }
  auto again = [&](std::vector<const char*>* out) {
    for (int pass = 0; pass < 2; ++pass) {
      out->clear();
      // Backwards, then forwards: each slot of the cache changes hands.
      for (size_t i = texts.size(); i-- > 0;) out->push_back(InternText(texts[i]));
      for (const std::string& t : texts) out->push_back(InternText(t));
    }
  };
  std::vector<const char*> here, there;
  again(&here);
  std::thread other(again, &there);
  other.join();
  for (const std::vector<const char*>* got : {&here, &there}) {
    ASSERT_EQ(got->size(), 2 * texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
      EXPECT_EQ((*got)[texts.size() - 1 - i], first[i]) << texts[i];
      EXPECT_EQ((*got)[texts.size() + i], first[i]) << texts[i];
    }
  }
  // A text of another length or content in a slot taken is not taken for it.
  EXPECT_NE(InternText("intern-test-0"), InternText("intern-test-00"));
  EXPECT_STREQ(InternText(std::string_view("intern-test-0x", 13)), "intern-test-0");
}

}  // namespace
}  // namespace kefu
