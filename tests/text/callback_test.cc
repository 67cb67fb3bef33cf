// PH-CALLBACK, the text side: deferral markers and the definite times a
// reply promises (kefu/text/callback.h).
#include "kefu/text/callback.h"

#include <string>

#include "gtest/gtest.h"
#include "kefu/core/calendar.h"
#include "kefu/core/time.h"
#include "kefu/text/reply_checker.h"
#include "kefu/testing/builders.h"

namespace kefu {
namespace {

using ::kefu::testing::At;

// A Monday, a working day on the default calendar.
const Timestamp kMonday10 = At("2026-11-02T10:00:00+08:00");

const BusinessCalendar& Cal() {
  static const BusinessCalendar cal = BusinessCalendar::Default();
  return cal;
}

// The promised instant, as RFC 3339 in +08:00, or "none".
std::string Promised(const std::string& reply, Timestamp now = kMonday10) {
  std::optional<PromisedTime> p = FindPromisedTime(reply, now, Cal());
  if (!p) return "none";
  return absl::FormatTime("%Y-%m-%dT%H:%M", p->at, absl::FixedTimeZone(8 * 3600));
}

TEST(PhCallbackDeferral, FindsTheLeftmostLongestMarker) {
  const CallbackRule rule;
  const std::string reply = "亲，这个我帮您问一下，稍后给您回复";
  std::optional<TextSpan> d = FindDeferral(reply, rule);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(reply.substr(d->begin, d->end - d->begin), "帮您问一下");
  EXPECT_FALSE(FindDeferral("亲，已经给您发货了，单号 YD123", rule).has_value());
  // Longest at the same place: 稍后给您回复 over nothing shorter there.
  const std::string later = "稍后给您回复";
  d = FindDeferral(later, rule);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->begin, 0u);
  EXPECT_EQ(d->end, later.size());
}

TEST(PhCallbackDeferral, MarkersAreConfigurableAndValidated) {
  CallbackRule rule;
  rule.deferral_markers = {"容我想想", "later"};
  EXPECT_TRUE(rule.Validate().ok());
  EXPECT_TRUE(FindDeferral("好的容我想想", rule).has_value());
  std::optional<TextSpan> d = FindDeferral("ok, later!", rule);  // an ASCII marker
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->begin, 4u);
  EXPECT_TRUE(FindDeferral("稍后回复您", rule).has_value());  // the grammar too
  // Without its words the grammar finds nothing; markers alone remain.
  rule.later_words.clear();
  rule.check_verbs.clear();
  EXPECT_FALSE(FindDeferral("稍后回复您", rule).has_value());
  EXPECT_FALSE(FindDeferral("我帮您问一下", rule).has_value());
  EXPECT_TRUE(FindDeferral("好的容我想想", rule).has_value());

  rule.deferral_markers = {};
  EXPECT_EQ(rule.Validate().code(), absl::StatusCode::kInvalidArgument);
  rule.deferral_markers = {"容我想想"};
  rule.reply_verbs = {""};
  EXPECT_EQ(rule.Validate().code(), absl::StatusCode::kInvalidArgument);
  rule.reply_verbs = {"回复"};
  rule.deferral_markers = {""};
  EXPECT_EQ(rule.Validate().code(), absl::StatusCode::kInvalidArgument);
  rule.deferral_markers = {std::string("\xE5\xA5", 2)};
  EXPECT_EQ(rule.Validate().code(), absl::StatusCode::kInvalidArgument);
  rule.deferral_markers = {"稍后"};
  rule.call_back_within = absl::Minutes(-1);
  EXPECT_EQ(rule.Validate().code(), absl::StatusCode::kInvalidArgument);
  rule.enabled = false;
  EXPECT_TRUE(rule.Validate().ok());
}

TEST(PhCallbackDeferral, InvalidUtf8NeitherCrashesNorMatchesInto) {
  const CallbackRule rule;
  // A marker's first character with its lead byte missing, then stray bytes.
  std::string text = "\xA8\x8D后回复";  // tail bytes of 稍 without its lead
  std::optional<TextSpan> tail = FindDeferral(text, rule);  // 后回复 is one
  ASSERT_TRUE(tail.has_value());
  EXPECT_EQ(tail->begin, 2u);
  EXPECT_FALSE(FindDeferral("\xA8\x8D回复", rule).has_value());
  text = std::string("\xFF\xFE") + "稍后回复" + "\xE5";
  std::optional<TextSpan> d = FindDeferral(text, rule);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->begin, 2u);
  EXPECT_EQ(Promised("\xE5\x8D\x8A\xFF小时内"), "none");
  EXPECT_FALSE(HasDefiniteTime(std::string("3\xFF点前")));
}

TEST(PhCallbackTime, RelativeTimes) {
  EXPECT_EQ(Promised("我核实后30分钟内回复您"), "2026-11-02T10:30");
  EXPECT_EQ(Promised("两个小时之内给您答复"), "2026-11-02T12:00");
  EXPECT_EQ(Promised("半小时内回复您"), "2026-11-02T10:30");
  EXPECT_EQ(Promised("一个半小时以内"), "2026-11-02T11:30");
  EXPECT_EQ(Promised("二十分钟后告诉您"), "2026-11-02T10:20");
  EXPECT_EQ(Promised("3天内"), "2026-11-05T10:00");
  // Working days of the shop's calendar: Friday + 1 is Monday.
  EXPECT_EQ(Promised("1个工作日内", At("2026-11-06T15:00:00+08:00")), "2026-11-09T15:00");
  EXPECT_EQ(Promised("我问一下，您稍等10分钟"), "2026-11-02T10:10");
  // Longer than a year is no promise.
  std::optional<PromisedTime> year = FindPromisedTime("366个工作日内", kMonday10, Cal());
  ASSERT_TRUE(year.has_value());
  EXPECT_EQ(year->at, *Cal().AddBusinessDays(kMonday10, 366));
  EXPECT_EQ(Promised("8983个工作日内回复您"), "none");
  EXPECT_FALSE(HasDefiniteTime("8983个工作日内回复您"));
  EXPECT_FALSE(HasDefiniteTime("400天内"));
  // A number without a unit and a suffix is not a time.
  EXPECT_EQ(Promised("这款有3个颜色"), "none");
  EXPECT_EQ(Promised("30分钟"), "none");
}

TEST(PhCallbackTime, ClockTimes) {
  EXPECT_EQ(Promised("明天上午10点前回复您"), "2026-11-03T10:00");
  EXPECT_EQ(Promised("下午3点半给您回复"), "2026-11-02T15:30");
  EXPECT_EQ(Promised("17:30前"), "2026-11-02T17:30");
  EXPECT_EQ(Promised("17：05"), "2026-11-02T17:05");
  EXPECT_EQ(Promised("今晚8点"), "2026-11-02T20:00");
  EXPECT_EQ(Promised("明早九点"), "2026-11-03T09:00");
  EXPECT_EQ(Promised("四点二十分之前"), "2026-11-02T16:20");  // 4:20 has passed at 10:00
  EXPECT_EQ(Promised("11点前"), "2026-11-02T11:00");
  EXPECT_EQ(Promised("9点前", At("2026-11-02T18:00:00+08:00")), "2026-11-02T21:00");
  EXPECT_EQ(Promised("9点前", At("2026-11-02T22:00:00+08:00")), "2026-11-03T09:00");
  EXPECT_EQ(Promised("明天3点前"), "2026-11-03T15:00");  // a day, no part: the afternoon
  EXPECT_EQ(Promised("中午1点"), "2026-11-02T13:00");
  EXPECT_EQ(Promised("后天下午两点整"), "2026-11-04T14:00");
  // "一点" is also "a little": not a time without more.
  EXPECT_EQ(Promised("可以便宜一点吗"), "none");
  EXPECT_EQ(Promised("一点前给您回复"), "2026-11-02T13:00");
  EXPECT_EQ(Promised("25点"), "none");
  EXPECT_EQ(Promised("12:75"), "none");
}

TEST(PhCallbackTime, PartsOfTheDayTodayAndClosing) {
  EXPECT_EQ(Promised("明天上午给您答复"), "2026-11-03T12:00");
  EXPECT_EQ(Promised("明天下午之前"), "2026-11-03T18:00");
  EXPECT_EQ(Promised("今天之内回复您"), "2026-11-03T00:00");
  const std::optional<WorkingHours> hours = Cal().HoursOn(Cal().DayOf(kMonday10));
  ASSERT_TRUE(hours.has_value());
  const Timestamp close = Cal().StartOfDay(Cal().DayOf(kMonday10)) + hours->close;
  std::optional<PromisedTime> p = FindPromisedTime("下班前给您回复", kMonday10, Cal());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->at, close);
  // A part of the day alone, without a day word, is not definite.
  EXPECT_EQ(Promised("下午给您回复"), "none");
}

TEST(PhCallbackTime, VagueWordsAreNotDefinite) {
  for (const char* vague : {"尽快回复您", "稍后回复您", "晚点给您回复", "一会儿告诉您",
                            "马上帮您查", "我帮您问一下"}) {
    EXPECT_FALSE(HasDefiniteTime(vague)) << vague;
  }
  EXPECT_TRUE(HasDefiniteTime("稍后回复您，30分钟内"));
}

TEST(PhCallbackTime, SpanIsTheExpressionInTheRepliesBytes) {
  const std::string reply = "Hi 亲😊，我核实后30分钟内回复您";
  std::optional<PromisedTime> p = FindPromisedTime(reply, kMonday10, Cal());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(reply.substr(p->span.begin, p->span.end - p->span.begin), "30分钟内");
}

}  // namespace
}  // namespace kefu

namespace kefu {
namespace {

// The checker's side of PH-CALLBACK: a deferral without a definite time is a
// finding spanning the marker, with the rule's suggestion.
TEST(PhCallbackChecker, ADeferralWithoutATimeIsAFinding) {
  const ReplyChecker checker = *ReplyChecker::Default();
  const std::string reply = "您好，这个问题我帮您问一下。";
  std::vector<Finding> findings = checker.Check(reply);
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.rule_id, "PH-CALLBACK");
  EXPECT_EQ(f.severity, Severity::kError);
  EXPECT_EQ(reply.substr(f.begin, f.end - f.begin), "帮您问一下");
  EXPECT_EQ(f.text, "帮您问一下");
  EXPECT_EQ(f.suggestion, CallbackRule().suggestion);
}

TEST(PhCallbackChecker, ADeferralWithADefiniteTimeIsClean) {
  const ReplyChecker checker = *ReplyChecker::Default();
  EXPECT_TRUE(checker.Check("您好，这个问题我帮您问一下，30分钟内给您答复。").empty());
  EXPECT_TRUE(checker.Check("您好，核实后明天上午10点前回复您。").empty());
  // No deferral at all: nothing to say.
  EXPECT_TRUE(checker.Check("您好，已经给您发货了。").empty());
}

TEST(PhCallbackChecker, OtherFindingsStayAndOrderIsByOffset) {
  const ReplyChecker checker = *ReplyChecker::Default();
  const std::string reply = "你好，我帮您问一下哦";
  std::vector<Finding> findings = checker.Check(reply);
  std::vector<std::string> rules;
  for (const Finding& f : findings) rules.push_back(f.rule_id);
  EXPECT_EQ(rules, (std::vector<std::string>{"PH-ADDRESS", "PH-CALLBACK", "PH-INTERJECTION"}));
}

TEST(PhCallbackChecker, CanBeTurnedOffOrReconfigured) {
  ReplyCheckerOptions options;
  options.callback.enabled = false;
  EXPECT_TRUE(ReplyChecker::Create(options)->Check("我帮您问一下").empty());
  options.callback.enabled = true;
  options.callback.severity = Severity::kWarning;
  options.callback.deferral_markers = {"容我想想"};
  options.callback.later_words.clear();  // the grammar off: markers only
  options.callback.check_verbs.clear();
  const ReplyChecker checker = *ReplyChecker::Create(options);
  EXPECT_TRUE(checker.Check("我帮您问一下").empty());
  std::vector<Finding> findings = checker.Check("好的，容我想想");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::kWarning);
  options.callback.deferral_markers = {};
  EXPECT_EQ(ReplyChecker::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kefu

namespace kefu {
namespace {

// Random runs of the grammar's own pieces, ill-formed bytes among them:
// nothing crashes (the ASan preset runs this too), and every span found lies
// within the text, starts on a character and reads as a time on its own,
// and its instant is no earlier than the day before `now`.
TEST(PhCallbackTime, RandomPiecesNeverBreakTheParser) {
  const char* pieces[] = {"今天", "明天", "后天", "今晚", "明早", "上午", "中午", "下午", "晚上",
                          "凌晨", "下班", "前", "之前", "内", "之内", "后", "以后", "点", "时",
                          "半", "整", "分", "分钟", "小时", "个", "钟头", "天", "工作日", "十",
                          "二", "两", "九", "0", "1", "2", "5", "9", ":", "：", "回复您", "，",
                          " ", "\xE5", "\xFF", "\x80", "a"};
  const size_t n = sizeof(pieces) / sizeof(pieces[0]);
  uint64_t x = 88172645463325252ull;  // xorshift64: the same run every time
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  int found = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int len = static_cast<int>(next() % 8) + 1;
    for (int i = 0; i < len; ++i) text += pieces[next() % n];
    const std::optional<PromisedTime> p = FindPromisedTime(text, kMonday10, Cal());
    EXPECT_EQ(p.has_value(), HasDefiniteTime(text)) << text;
    if (!p) continue;
    ++found;
    ASSERT_LT(p->span.begin, p->span.end) << text;
    ASSERT_LE(p->span.end, text.size()) << text;
    EXPECT_NE(static_cast<unsigned char>(text[p->span.begin]) & 0xC0, 0x80) << text;
    // The span alone reads as a time too.
    EXPECT_TRUE(HasDefiniteTime(text.substr(p->span.begin, p->span.end - p->span.begin)))
        << text;
    EXPECT_GE(p->at, kMonday10 - absl::Hours(24)) << text;
  }
  EXPECT_GT(found, 1000);  // the pieces do make times
}

// Issue 16: a reply that puts its answer off without a definite time is
// caught whatever the words of the deferral (the grammar of CallbackRule):
// plain, traditional, spaced or broken by punctuation, in other words than
// the old marker list had; a definite time in any of those forms clears it.
TEST(PhCallbackChecker, DeferralsInAnyWordingAreCaught) {
  const ReplyChecker checker = *ReplyChecker::Default();
  const auto callback = [&](const std::string& reply) {
    for (const Finding& f : checker.Check(reply)) {
      if (f.rule_id == "PH-CALLBACK") return f.text;
    }
    return std::string("none");
  };
  EXPECT_EQ(callback("您好，稍后回复您。"), "稍后回复");
  EXPECT_EQ(callback("您好，稍後回覆您。"), "稍後回覆");
  EXPECT_EQ(callback("您好，稍 后 回 复 您"), "稍 后 回 复");
  EXPECT_EQ(callback("您好，稍、后、回、复"), "稍、后、回、复");
  EXPECT_EQ(callback("好的，晚一点再跟您联系"), "晚一点再跟您联系");
  EXPECT_EQ(callback("收到，我们这边过会儿通知您"), "过会儿通知");
  EXPECT_EQ(callback("回头我再告诉您结果"), "回头我再告诉");
  EXPECT_EQ(callback("这个要等我确认一下"), "等我确认一下");
  EXPECT_EQ(callback("我先核实一下再答复您"), "我先核实一下");
  EXPECT_EQ(callback("我們正在查詢，稍後答覆"), "正在查詢");
  EXPECT_EQ(callback("有结果后第一时间反馈给您"), "后第一时间反馈");
  // A definite time clears it, in the same forms.
  EXPECT_EQ(callback("稍后回复您，30分钟内给您答复"), "none");
  EXPECT_EQ(callback("稍後回覆您，30分鐘內"), "none");
  EXPECT_EQ(callback("稍 后 回 复，3 0 分 钟 内"), "none");
  EXPECT_EQ(callback("我帮您问一下，明天上午10点前回复您"), "none");
  EXPECT_EQ(callback("我帮您问一下，１７：３０前回复您"), "none");
}

// What is no deferral: the customer as the one who answers or checks, and
// checking already done.
TEST(PhCallbackChecker, TheCustomerActingOrCheckingDoneIsNoDeferral) {
  const ReplyChecker checker = *ReplyChecker::Default();
  const auto callback = [&](const std::string& reply) {
    for (const Finding& f : checker.Check(reply)) {
      if (f.rule_id == "PH-CALLBACK") return f.text;
    }
    return std::string("none");
  };
  EXPECT_EQ(callback("请问您要什么颜色"), "none");
  EXPECT_EQ(callback("请您确认一下收货地址"), "none");
  EXPECT_EQ(callback("麻烦确认一下收货地址"), "none");
  EXPECT_EQ(callback("您确认一下地址"), "none");
  EXPECT_EQ(callback("收到货后回复我们"), "none");
  EXPECT_EQ(callback("有问题再联系客服"), "none");
  EXPECT_EQ(callback("已经帮您核实过了，这款有货"), "none");
  EXPECT_EQ(callback("帮您查了，已经发货"), "none");
  EXPECT_EQ(callback("这个问题很常见"), "none");
  EXPECT_EQ(callback("您可以查看物流信息"), "none");
  EXPECT_EQ(callback("已经确认了您的订单"), "none");
  EXPECT_EQ(callback("目前联系不上快递"), "none");
  EXPECT_EQ(callback("顺便问一下您的尺码"), "none");
  EXPECT_EQ(callback("我想问一下您收到了吗"), "none");
  EXPECT_EQ(callback("您可以再问我"), "none");
  EXPECT_EQ(callback("售后联系电话在包裹里"), "none");
}

}  // namespace
}  // namespace kefu
