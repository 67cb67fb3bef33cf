// Replay end to end on small hand-written event files: the report is
// checked field by field.
#include "kefu/io/replay.h"

#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/io/events.h"
#include "kefu/testing/builders.h"
#include "sample/sample.h"

namespace kefu {
namespace {

using ::kefu::testing::At;

using ::testing::HasSubstr;


// Order T1, placed and checked (审单) by 小王.
constexpr char kOrderT1Checked[] = R"(
{"id":"o1","at":"2026-11-02T09:00:00+08:00","agent":"小王","entity":"order","key":"T1","type":"placed","fields":{"channel":"taobao","buyer":{"im_name":"tb_buyer","phone":"13800000000"},"lines":[{"product":"N86手机壳","quantity":2,"unit_price":"25.00"}],"postage":"10.00","payment":"platform","paid":true,"address":{"province":"四川省","city":"成都市","district":"武侯区","detail":"人民南路四段12号"},"courier":"EMS"}}
{"id":"o1-c0","at":"2026-11-02T09:05:00+08:00","agent":"小王","entity":"order","key":"T1","type":"check_recorded","fields":{"item":"product"}}
{"id":"o1-c1","at":"2026-11-02T09:05:00+08:00","agent":"小王","entity":"order","key":"T1","type":"check_recorded","fields":{"item":"quantity"}}
{"id":"o1-c2","at":"2026-11-02T09:05:00+08:00","agent":"小王","entity":"order","key":"T1","type":"check_recorded","fields":{"item":"price"}}
{"id":"o1-c3","at":"2026-11-02T09:05:00+08:00","agent":"小王","entity":"order","key":"T1","type":"check_recorded","fields":{"item":"postage"}}
{"id":"o1-c4","at":"2026-11-02T09:05:00+08:00","agent":"小王","entity":"order","key":"T1","type":"check_recorded","fields":{"item":"payment_method"}}
{"id":"o1-c5","at":"2026-11-02T09:05:00+08:00","agent":"小王","entity":"order","key":"T1","type":"check_recorded","fields":{"item":"address"}}
{"id":"o1-pass","at":"2026-11-02T09:06:00+08:00","agent":"小王","entity":"order","key":"T1","type":"check_passed"}
)";

// A Monday morning: two orders of one buyer (the second a look-alike held by
// ORD-DUP-SHIP), a return whose postage is capped (AS-POSTAGE-CAP), a
// freight-collect return refused, a negative review contacted four times
// (the fourth refused by RV-CONTACT-LIMIT), two replies (one breaking
// PH-NEGATION), and lines that must be counted, not lost: a blank line, a
// duplicate, a malformed line, an unknown type, an event for an unknown
// order.
const std::string kMonday = std::string(kOrderT1Checked) + (R"(
{"id":"o2","at":"2026-11-02T09:10:00+08:00","agent":"小王","entity":"order","key":"T2","type":"placed","fields":{"channel":"taobao","buyer":{"im_name":"tb_buyer","phone":"13800000000"},"lines":[{"product":"N86手机壳","quantity":2,"unit_price":"25.00"}],"postage":"10.00","payment":"platform","paid":true,"address":{"province":"四川省","city":"成都市","district":"武侯区","detail":"人民南路四段13号"},"courier":"EMS"}}
{"id":"o2-c0","at":"2026-11-02T09:15:00+08:00","agent":"小王","entity":"order","key":"T2","type":"check_recorded","fields":{"item":"product"}}
{"id":"o2-c1","at":"2026-11-02T09:15:00+08:00","agent":"小王","entity":"order","key":"T2","type":"check_recorded","fields":{"item":"quantity"}}
{"id":"o2-c2","at":"2026-11-02T09:15:00+08:00","agent":"小王","entity":"order","key":"T2","type":"check_recorded","fields":{"item":"price"}}
{"id":"o2-c3","at":"2026-11-02T09:15:00+08:00","agent":"小王","entity":"order","key":"T2","type":"check_recorded","fields":{"item":"postage"}}
{"id":"o2-c4","at":"2026-11-02T09:15:00+08:00","agent":"小王","entity":"order","key":"T2","type":"check_recorded","fields":{"item":"payment_method"}}
{"id":"o2-c5","at":"2026-11-02T09:15:00+08:00","agent":"小王","entity":"order","key":"T2","type":"check_recorded","fields":{"item":"address"}}
{"id":"o2-pass","at":"2026-11-02T09:16:00+08:00","agent":"小王","entity":"order","key":"T2","type":"check_passed"}

{"id":"s1","at":"2026-11-02T10:00:00+08:00","agent":"小李","entity":"ticket","key":"S1","type":"registered","fields":{"order_id":"T0","kind":"return_refund","category":"不喜欢","details":"客户不喜欢颜色，七天无理由退货","lines":[{"product":"N86手机壳","quantity":1}],"customer_province":"广东省","shop_province":"广东省","return_postage":"shop","repayment":"alipay_refund"}}
{"id":"s1-agree","at":"2026-11-02T10:05:00+08:00","agent":"小李","entity":"ticket","key":"S1","type":"return_agreed"}
{"id":"s1-ship","at":"2026-11-02T11:00:00+08:00","agent":"小李","entity":"ticket","key":"S1","type":"return_shipped","fields":{"declared_postage":"12.00","tracking_number":"SF100"}}
{"id":"s1-ship","at":"2026-11-02T11:00:00+08:00","agent":"小李","entity":"ticket","key":"S1","type":"return_shipped","fields":{"declared_postage":"12.00","tracking_number":"SF100"}}
{"id":"s2","at":"2026-11-02T10:30:00+08:00","agent":"小李","entity":"ticket","key":"S2","type":"registered","fields":{"order_id":"T9","kind":"exchange","category":"质量问题","details":"开关失灵，客户要求换货","quality_claim":true,"lines":[{"product":"N86手机壳","quantity":1}],"customer_province":"浙江省","shop_province":"广东省","return_postage":"shop","reship_postage":"shop","repayment":"cash_in_parcel"}}
{"id":"s2-agree","at":"2026-11-02T10:35:00+08:00","agent":"小李","entity":"ticket","key":"S2","type":"return_agreed"}
{"id":"s2-ship","at":"2026-11-02T11:30:00+08:00","agent":"小李","entity":"ticket","key":"S2","type":"return_shipped","fields":{"declared_postage":"15.00","freight_collect":true}}
{"id":"v1","at":"2026-11-02T12:00:00+08:00","agent":"小张","entity":"review","key":"R1","type":"received","fields":{"order_id":"T5","product":"N86手机壳","rating":"negative","complaint":"颜色不对","item_price":"25.00","buyer":"tb_other","buyer_phone":"13900000000"}}
{"id":"v1-a","at":"2026-11-02T12:01:00+08:00","agent":"小张","entity":"review","key":"R1","type":"assigned","fields":{"agent":"小张"}}
{"id":"v1-c1","at":"2026-11-02T13:00:00+08:00","agent":"小张","entity":"review","key":"R1","type":"contact_attempted","fields":{"channel":"phone","result":"unreachable"}}
{"id":"v1-c2","at":"2026-11-02T14:00:00+08:00","agent":"小张","entity":"review","key":"R1","type":"contact_attempted","fields":{"channel":"phone","result":"unreachable"}}
{"id":"v1-c3","at":"2026-11-02T15:00:00+08:00","agent":"小张","entity":"review","key":"R1","type":"contact_attempted","fields":{"channel":"sms","result":"unreachable"}}
{"id":"v1-c4","at":"2026-11-02T16:00:00+08:00","agent":"小张","entity":"review","key":"R1","type":"contact_attempted","fields":{"channel":"phone","result":"unreachable"}}
{"id":"r1","at":"2026-11-02T16:10:00+08:00","agent":"小王","entity":"reply","key":"tb_buyer","type":"posted","fields":{"text":"您好，已为您发货，请注意查收"}}
{"id":"r2","at":"2026-11-02T16:20:00+08:00","agent":"小李","entity":"reply","key":"tb_other","type":"posted","fields":{"text":"非常抱歉，这个价格不行"}}
{"id":"x1","at":"2026-11-02T16:30:00+08:00","entity":"order","key":"T1",
{"id":"x2","at":"2026-11-02T16:40:00+08:00","entity":"order","key":"T1","type":"teleported"}
{"id":"x3","at":"2026-11-02T16:50:00+08:00","entity":"order","key":"T404","type":"paid"}
)" + 1);  // the second part without its leading newline

ReplayReport MustReplay(const std::string& text, ReplayOptions options = {}) {
  std::istringstream in(text);
  absl::StatusOr<ReplayReport> r = Replay(in, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : ReplayReport{};
}

const ReplayAgentActions* FindAgent(const ReplayReport& r, std::string_view agent) {
  for (const ReplayAgentActions& a : r.actions) {
    if (a.agent == agent) return &a;
  }
  return nullptr;
}

const ReplayRuleTally* FindRule(const ReplayReport& r, std::string_view rule) {
  for (const ReplayRuleTally& t : r.rules) {
    if (t.rule == rule) return &t;
  }
  return nullptr;
}

TEST(Replay, EveryLineIsAccountedFor) {
  const ReplayReport r = MustReplay(kMonday);
  // 36 lines: the leading empty line and one blank in the middle; 3 bad or
  // rejected lines; 31 events applied, refused or duplicate.
  EXPECT_EQ(r.lines, 36);
  EXPECT_EQ(r.blank, 2);
  EXPECT_EQ(r.bad, 2);       // malformed JSON, unknown type
  EXPECT_EQ(r.rejected, 1);  // "paid" for an unknown order
  EXPECT_EQ(r.duplicates, 1);
  // AS-POSTAGE-CAP (freight collect), RV-CONTACT-LIMIT, PH-NEGATION; the
  // look-alike order is held (ORD-DUP-SHIP adjusts), not refused.
  EXPECT_EQ(r.refused, 3);
  EXPECT_EQ(r.applied, 27);
  EXPECT_EQ(r.lines, r.blank + r.bad + r.rejected + r.duplicates + r.refused + r.applied);
  EXPECT_FALSE(r.stopped_early);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].line, 34);
  EXPECT_THAT(r.errors[0].message, HasSubstr("line 34"));
  EXPECT_EQ(r.errors[1].line, 35);
  EXPECT_THAT(r.errors[1].message, HasSubstr("teleported"));
  EXPECT_EQ(r.errors[2].line, 36);
  EXPECT_EQ(r.errors[2].event_id, "x3");
  EXPECT_THAT(r.errors[2].message, HasSubstr("T404"));
  EXPECT_EQ(r.first_event, At("2026-11-02T09:00:00+08:00"));
  // The last event read, though the engine rejected it (x3).
  EXPECT_EQ(r.last_event, At("2026-11-02T16:50:00+08:00"));
  // The default `until` is the last applied event's time (r1): neither x3,
  // rejected, nor r2, refused by PH-NEGATION, moves it.
  EXPECT_EQ(r.until, At("2026-11-02T16:10:00+08:00"));
}

// Redelivery: the whole morning given twice over. Every event of the second
// copy is a duplicate that changes nothing: the same entities, the same
// tallies (refusals included) and the same money as one copy.
TEST(Replay, AFileGivenTwiceReportsWhatOneCopyDoes) {
  const ReplayReport once = MustReplay(kMonday);
  const ReplayReport twice = MustReplay(kMonday + kMonday);
  EXPECT_EQ(twice.lines, 2 * once.lines);
  EXPECT_EQ(twice.applied, once.applied);
  EXPECT_EQ(twice.refused, once.refused);
  // The second copy's events are all duplicates; its bad lines and the
  // unknown order stay bad and rejected.
  EXPECT_EQ(twice.duplicates, once.duplicates + once.applied + once.refused + once.duplicates);
  EXPECT_EQ(twice.bad, 2 * once.bad);
  EXPECT_EQ(twice.rejected, 2 * once.rejected);
  ASSERT_EQ(twice.rules.size(), once.rules.size());
  for (size_t i = 0; i < once.rules.size(); ++i) {
    SCOPED_TRACE(once.rules[i].rule);
    EXPECT_EQ(twice.rules[i].rule, once.rules[i].rule);
    EXPECT_EQ(twice.rules[i].allowed, once.rules[i].allowed);
    EXPECT_EQ(twice.rules[i].refused, once.rules[i].refused);
    EXPECT_EQ(twice.rules[i].adjusted, once.rules[i].adjusted);
    EXPECT_EQ(twice.rules[i].scheduled, once.rules[i].scheduled);
    EXPECT_EQ(twice.rules[i].refused_money, once.rules[i].refused_money);
    EXPECT_EQ(twice.rules[i].adjusted_money, once.rules[i].adjusted_money);
  }
  ASSERT_EQ(twice.states.size(), once.states.size());
  for (size_t i = 0; i < once.states.size(); ++i) {
    EXPECT_EQ(twice.states[i].by_state, once.states[i].by_state);
  }
}

TEST(Replay, EntitiesByState) {
  const ReplayReport r = MustReplay(kMonday);
  ASSERT_EQ(r.states.size(), 3u);
  EXPECT_EQ(r.states[0].total, 2);
  EXPECT_EQ(r.states[0].by_state.at("ready_to_ship"), 1);  // T1
  EXPECT_EQ(r.states[0].by_state.at("held_duplicate_suspect"), 1);  // T2
  EXPECT_EQ(r.states[1].total, 2);
  EXPECT_EQ(r.states[1].by_state.at("in_transit"), 1);       // S1
  EXPECT_EQ(r.states[1].by_state.at("awaiting_return"), 1);  // S2: freight collect refused
  EXPECT_EQ(r.states[2].total, 1);
}

TEST(Replay, DecisionsByRuleWithMoneyTotals) {
  const ReplayReport r = MustReplay(kMonday);
  const ReplayRuleTally* dup = FindRule(r, "ORD-DUP-SHIP");
  ASSERT_NE(dup, nullptr);
  EXPECT_EQ(dup->adjusted, 1);  // T2 held; T1 had no look-alike, no decision

  const ReplayRuleTally* cap = FindRule(r, "AS-POSTAGE-CAP");
  ASSERT_NE(cap, nullptr);
  EXPECT_EQ(cap->adjusted, 1);  // S1: 12.00 claimed, capped at 8.00 in province
  EXPECT_EQ(cap->refused, 1);   // S2: freight collect
  ASSERT_FALSE(cap->adjusted_money.empty());
  bool saw_claimed = false;
  for (const auto& [name, m] : cap->adjusted_money) {
    if (name == "claimed") {
      saw_claimed = true;
      EXPECT_EQ(m, Money::Yuan(12));
    }
  }
  EXPECT_TRUE(saw_claimed);

  const ReplayRuleTally* limit = FindRule(r, "RV-CONTACT-LIMIT");
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->refused, 1);

  const ReplayRuleTally* negation = FindRule(r, "PH-NEGATION");
  ASSERT_NE(negation, nullptr);
  EXPECT_EQ(negation->refused, 1);
}

TEST(Replay, ReplyFindingsPerAgent) {
  const ReplayReport r = MustReplay(kMonday);
  ASSERT_EQ(r.replies.size(), 2u);
  EXPECT_EQ(r.replies[0].agent, "小李");
  EXPECT_EQ(r.replies[0].replies, 1);
  EXPECT_EQ(r.replies[0].replies_with_findings, 1);
  ASSERT_FALSE(r.replies[0].findings.empty());
  EXPECT_EQ(r.replies[0].findings[0].finding.rule_id, "PH-NEGATION");
  EXPECT_EQ(r.replies[0].findings[0].finding.text, "不行");
  EXPECT_EQ(r.replies[0].findings[0].conversation, "tb_other");
  EXPECT_EQ(r.replies[1].agent, "小王");
  EXPECT_EQ(r.replies[1].replies_with_findings, 0);
}

TEST(Replay, DeadlinesFallDueByUntil) {
  ReplayOptions options;
  options.until = At("2026-11-20T18:00:00+08:00");
  const ReplayReport r = MustReplay(kMonday, options);
  EXPECT_EQ(r.until, *options.until);
  // S1 and S2 run AS-RESOLVE (and S1 AS-TRACK); nothing met them.
  ASSERT_FALSE(r.breaches.empty());
  for (size_t i = 1; i < r.breaches.size(); ++i) {
    EXPECT_LE(r.breaches[i - 1].at, r.breaches[i].at);
  }
  bool s1_resolve = false;
  for (const DueItem& d : r.breaches) {
    EXPECT_LE(d.at, *options.until);
    if (d.entity == "S1" && d.rule == "AS-RESOLVE") s1_resolve = true;
  }
  EXPECT_TRUE(s1_resolve);
  // Due at the last event's time: nothing has breached yet.
  const ReplayReport early = MustReplay(kMonday);
  EXPECT_TRUE(early.breaches.empty());
}

TEST(Replay, ActionsAreGroupedByWhoMustAct) {
  ReplayOptions options;
  options.until = At("2026-11-20T18:00:00+08:00");
  const ReplayReport r = MustReplay(kMonday, options);
  EXPECT_GT(r.actions_total, 0);
  int64_t listed = 0;
  for (const ReplayAgentActions& a : r.actions) {
    int64_t by_kind = 0;
    for (const auto& [kind, n] : a.by_kind) by_kind += n;
    EXPECT_EQ(by_kind, static_cast<int64_t>(a.actions.size())) << a.agent;
    listed += static_cast<int64_t>(a.actions.size());
    for (size_t i = 1; i < a.actions.size(); ++i) {
      EXPECT_LE(a.actions[i - 1].due, a.actions[i].due);
    }
  }
  EXPECT_EQ(listed, r.actions_total);
}

TEST(Replay, ListsKeepTheirFirstItemsAndCountEverything) {
  ReplayOptions options;
  options.until = At("2026-11-20T18:00:00+08:00");
  const ReplayReport all = MustReplay(kMonday, options);
  ASSERT_GT(all.warnings.size(), 1u);
  ASSERT_GT(all.breaches.size(), 1u);
  EXPECT_EQ(all.warnings_total, static_cast<int64_t>(all.warnings.size()));
  int64_t by_rule = 0;
  for (const auto& [rule, n] : all.breaches_by_rule) by_rule += n;
  EXPECT_EQ(by_rule, all.breaches_total);

  options.max_items_kept = 1;
  const ReplayReport capped = MustReplay(kMonday, options);
  EXPECT_EQ(capped.warnings.size(), 1u);
  EXPECT_EQ(capped.breaches.size(), 1u);
  EXPECT_EQ(capped.warnings_total, all.warnings_total);
  EXPECT_EQ(capped.breaches_total, all.breaches_total);
  EXPECT_EQ(capped.breaches_by_rule, all.breaches_by_rule);
  EXPECT_EQ(capped.breaches[0].at, all.breaches[0].at);
  EXPECT_EQ(capped.actions_total, all.actions_total);
  for (const ReplayAgentActions& a : capped.actions) EXPECT_LE(a.actions.size(), 1u);
}

TEST(Replay, StrictStopsAtTheFirstBadLine) {
  ReplayOptions options;
  options.strict = true;
  const ReplayReport r = MustReplay(kMonday, options);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_EQ(r.lines, 34);
  EXPECT_EQ(r.bad, 1);
  EXPECT_EQ(r.rejected, 0);
  EXPECT_EQ(r.lines, r.blank + r.bad + r.rejected + r.duplicates + r.refused + r.applied);
}

TEST(Replay, EmptyInputGivesAnEmptyReport) {
  const ReplayReport r = MustReplay("");
  EXPECT_EQ(r.lines, 0);
  EXPECT_FALSE(r.first_event.has_value());
  EXPECT_EQ(r.states[0].total, 0);
  EXPECT_FALSE(r.weekly.has_value());
}

TEST(Replay, WeeklyTicketReportCoversTheWeekOfUntil) {
  ReplayOptions options;
  options.until = At("2026-11-07T20:00:00+08:00");  // Saturday: the report day
  const ReplayReport r = MustReplay(kMonday, options);
  ASSERT_TRUE(r.weekly.has_value());
  EXPECT_EQ(r.weekly->last_day, LocalDay(2026, 11, 7));
  EXPECT_EQ(r.weekly->first_day, LocalDay(2026, 11, 1));
  EXPECT_EQ(r.weekly->tickets, 2);
}

}  // namespace
}  // namespace kefu

namespace kefu {
namespace {

// PH-CALLBACK end to end: one promise kept, one broken, one answer put off
// without a time, and a wrong answer found.
constexpr char kCallbacks[] = R"(
{"id":"p1","at":"2026-11-02T10:00:00+08:00","agent":"小王","entity":"reply","key":"买家甲","type":"posted","fields":{"text":"您好，这个我帮您核实一下，30分钟内给您答复。"}}
{"id":"p2","at":"2026-11-02T10:10:00+08:00","agent":"小李","entity":"reply","key":"买家乙","type":"posted","fields":{"text":"您好，正在确认发货时间，两个小时之内给您答复。"}}
{"id":"p3","at":"2026-11-02T10:20:00+08:00","agent":"小王","entity":"reply","key":"买家甲","type":"posted","fields":{"text":"您好，已经核实过了，这款支持七天无理由退货。"}}
{"id":"p4","at":"2026-11-02T10:30:00+08:00","agent":"小张","entity":"reply","key":"买家丙","type":"posted","fields":{"text":"这个我帮您问一下，稍后回复您。"}}
{"id":"w1","at":"2026-11-02T11:00:00+08:00","agent":"周主管","entity":"reply","key":"买家丁","type":"wrong_answer_found","fields":{"wrong":"偏远地区不包邮","correct":"这次活动全国包邮","answered_by":"小张","customer":"13900000000"}}
)";

TEST(Replay, CallbackPromisesBreachesAndCallBacks) {
  ReplayOptions options;
  options.until = At("2026-11-02T18:00:00+08:00");
  const ReplayReport r = MustReplay(kCallbacks, options);
  EXPECT_EQ(r.lines, 6);
  EXPECT_EQ(r.bad + r.rejected, 0);
  EXPECT_EQ(r.refused, 1);  // p4: a finding
  EXPECT_EQ(r.applied, 4);
  const ReplayRuleTally* t = FindRule(r, "PH-CALLBACK");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->refused, 1);    // p4
  EXPECT_EQ(t->scheduled, 3);  // the two promises and the call back
  // Only 买家乙's promise was not kept.
  EXPECT_EQ(r.breaches_total, 1);
  ASSERT_EQ(r.breaches.size(), 1u);
  EXPECT_EQ(r.breaches[0].entity, "买家乙");
  EXPECT_EQ(r.breaches[0].at, At("2026-11-02T12:10:00+08:00"));
  // The breach names the reply that made the promise, and who wrote it.
  EXPECT_EQ(r.breaches[0].event_id, "p2");
  EXPECT_EQ(r.breaches[0].agent, "小李");
  ASSERT_EQ(r.breaches_by_rule.size(), 1u);
  EXPECT_EQ(r.breaches_by_rule[0].first, "PH-CALLBACK");
  // 小张 must call the customer back within 30 minutes.
  const ReplayAgentActions* zhang = FindAgent(r, "小张");
  ASSERT_NE(zhang, nullptr);
  ASSERT_EQ(zhang->actions.size(), 1u);
  EXPECT_EQ(zhang->actions[0].action.kind, ActionKind::kCall);
  EXPECT_EQ(zhang->actions[0].action.subject, "13900000000");
  EXPECT_EQ(zhang->actions[0].due, At("2026-11-02T11:30:00+08:00"));
  EXPECT_EQ(zhang->actions[0].event_id, "w1");  // scheduled by the finding
  // The finding is the agent's.
  bool found = false;
  for (const AgentReplies& a : r.replies) {
    if (a.agent != "小张") continue;
    ASSERT_EQ(a.by_rule.size(), 1u);
    EXPECT_EQ(a.by_rule[0].first, "PH-CALLBACK");
    found = true;
  }
  EXPECT_TRUE(found);
}

// An order out of stock: 小王 reports it in the afternoon, which schedules a
// call for the end of the day (ORD-OOS-NOTIFY); 小李 cannot reach the buyer,
// which schedules an SMS. The actions come back from the deadline queue with
// no assignee, and each belongs to the agent of the event that asked for it.
const std::string kOutOfStock = std::string(kOrderT1Checked) + (R"(
{"id":"o1-oos","at":"2026-11-02T15:39:10+08:00","agent":"小王","entity":"order","key":"T1","type":"out_of_stock_reported","fields":{"product":"N86手机壳"}}
{"id":"o1-call","at":"2026-11-02T16:06:30+08:00","agent":"小李","entity":"order","key":"T1","type":"customer_contacted","fields":{"channel":"phone","result":"unreachable"}}
)" + 1);  // the second part without its leading newline

TEST(Replay, ScheduledActionsGoToTheAgentOfTheEventThatAskedForThem) {
  ReplayOptions options;
  options.until = At("2026-11-03T12:00:00+08:00");
  const ReplayReport r = MustReplay(kOutOfStock, options);
  EXPECT_EQ(r.applied, 10);
  EXPECT_EQ(r.actions_total, 2);
  EXPECT_EQ(FindAgent(r, "(unassigned)"), nullptr);
  const ReplayAgentActions* wang = FindAgent(r, "小王");
  const ReplayAgentActions* li = FindAgent(r, "小李");
  ASSERT_NE(wang, nullptr);
  ASSERT_EQ(wang->actions.size(), 1u);
  EXPECT_EQ(wang->actions[0].action.kind, ActionKind::kCall);
  EXPECT_EQ(wang->actions[0].action.rule, "ORD-OOS-NOTIFY");
  EXPECT_EQ(wang->actions[0].event_id, "o1-oos");
  EXPECT_EQ(wang->actions[0].due, At("2026-11-03T00:00:00+08:00"));
  ASSERT_NE(li, nullptr);
  ASSERT_EQ(li->actions.size(), 1u);
  EXPECT_EQ(li->actions[0].action.kind, ActionKind::kSms);
  EXPECT_EQ(li->actions[0].event_id, "o1-call");
  // Before the actions fall due, nobody is listed.
  options.until = At("2026-11-02T18:00:00+08:00");
  EXPECT_EQ(MustReplay(kOutOfStock, options).actions_total, 0);
}

}  // namespace
}  // namespace kefu

namespace kefu {
namespace {

// T1 placed and checked, then `middle`, then a reply (r-last) that applies.
std::string AroundT1(const std::string& middle) {
  return std::string(kOrderT1Checked) + middle +
         R"({"id":"r-last","at":"2026-11-02T10:00:00+08:00","agent":"小王","entity":"reply","key":"tb_buyer","type":"posted","fields":{"text":"您好，已为您安排"}})"
         "\n";
}

// The same id with other content is an error naming the id and what
// differs: rejected, listed among the errors, and it stops --strict. It is
// never counted as a duplicate.
TEST(Replay, AnIdReusedForOtherContentIsRejectedAndListed) {
  const std::string reused =
      R"({"id":"o1-c0","at":"2026-11-02T09:07:00+08:00","agent":"小王","entity":"order","key":"T1","type":"check_recorded","fields":{"item":"price"}})"
      "\n";
  const ReplayReport base = MustReplay(AroundT1(""));
  const ReplayReport r = MustReplay(AroundT1(reused));
  EXPECT_EQ(r.rejected, base.rejected + 1);
  EXPECT_EQ(r.duplicates, base.duplicates);
  EXPECT_EQ(r.applied, base.applied);
  ASSERT_EQ(r.errors.size(), base.errors.size() + 1);
  const ReplayLineError& e = r.errors.back();
  EXPECT_EQ(e.line, 10);
  EXPECT_EQ(e.event_id, "o1-c0");
  EXPECT_THAT(e.message, HasSubstr("o1-c0"));
  EXPECT_THAT(e.message, HasSubstr("item"));

  ReplayOptions strict;
  strict.strict = true;
  const ReplayReport stopped = MustReplay(AroundT1(reused), strict);
  EXPECT_TRUE(stopped.stopped_early);
  EXPECT_EQ(stopped.rejected, 1);
  EXPECT_EQ(stopped.applied, base.applied - 1);  // r-last was never read
}

TEST(Replay, ALineLongerThanTheLimitIsABadLineAndTheLinesAfterItApply) {
  // Line 10 is a reply of 3 MiB: past the default 1 MiB it is a bad line
  // with its number, read without being held; line 11 applies.
  const std::string text(size_t{3} << 20, 'x');
  const std::string long_line =
      R"({"id":"p-long","at":"2026-11-02T09:30:00+08:00","agent":"小王","entity":"reply","key":"tb_buyer","type":"posted","fields":{"text":")" +
      text + "\"}}\n";
  const ReplayReport r = MustReplay(AroundT1(long_line));
  EXPECT_EQ(r.lines, 11);  // a blank line, T1's 8 events, the long one, r-last
  EXPECT_EQ(r.bad, 1);
  EXPECT_EQ(r.applied, 9);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 10);
  EXPECT_EQ(r.errors[0].message,
            "line 10: " + std::to_string(long_line.size() - 1) +
                " bytes, longer than the limit of 1048576 bytes a line");

  // A higher limit takes it.
  ReplayOptions options;
  options.max_line_bytes = size_t{4} << 20;
  const ReplayReport wide = MustReplay(AroundT1(long_line), options);
  EXPECT_EQ(wide.bad, 0);
  EXPECT_EQ(wide.applied, 10);
}

TEST(Replay, TwoEventsJoinedByANulAreABadLineNotTheFirstEventAlone) {
  // The defect: the part after the NUL was dropped without a word and the
  // line applied as the first event.
  const std::string joined =
      std::string(R"({"id":"r-a","at":"2026-11-02T09:30:00+08:00","agent":"小王","entity":"reply","key":"tb_buyer","type":"posted","fields":{"text":"您好"}})") +
      '\0' +
      R"({"id":"r-b","at":"2026-11-02T09:31:00+08:00","agent":"小王","entity":"reply","key":"tb_buyer","type":"posted","fields":{"text":"在的"}})" +
      "\n";
  const ReplayReport r = MustReplay(AroundT1(joined));
  EXPECT_EQ(r.lines, 11);
  EXPECT_EQ(r.bad, 1);
  EXPECT_EQ(r.applied, 9);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 10);
  EXPECT_THAT(r.errors[0].message, HasSubstr("line 10: column 140: a NUL byte"));
}

// Everything the report counts as due, as one comparable value.
std::vector<int64_t> DueCounts(const ReplayReport& r) {
  return {r.warnings_total, r.breaches_total, r.actions_total, r.pending_after_until};
}

TEST(Replay, AReplyDated9999IsABadLineAndDoesNotMoveTheDefaultUntil) {
  const std::string far =
      R"({"id":"r-9999","at":"9999-12-31T10:00:00+08:00","agent":"小王","entity":"reply","key":"tb_buyer","type":"posted","fields":{"text":"您好"}})"
      "\n";
  const ReplayReport base = MustReplay(AroundT1(""));
  const ReplayReport r = MustReplay(AroundT1(far));
  EXPECT_EQ(r.bad, 1);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_THAT(r.errors[0].message, HasSubstr("line 10: at: year 9999 is outside"));
  EXPECT_EQ(r.until, At("2026-11-02T10:00:00+08:00"));
  EXPECT_EQ(r.until, base.until);
  EXPECT_EQ(DueCounts(r), DueCounts(base));
  EXPECT_EQ(r.breaches_total, 0);
}

TEST(Replay, EventsRefusedOrRejectedFarAheadDoNotMoveTimeOn) {
  // Dated 2150, within the years an event may have: a reply refused by
  // PH-NEGATION and a payment for an unknown order. Neither moves the
  // default `until`, nor makes T1's deadlines fall due before r-last. (The
  // reply is in another conversation: in tb_buyer's own, r-last would come
  // after it and be refused as out of order.)
  const std::string ahead =
      R"({"id":"r-2150","at":"2150-01-01T10:00:00+08:00","agent":"小王","entity":"reply","key":"tb_other","type":"posted","fields":{"text":"这个不行"}})"
      "\n"
      R"({"id":"x-2150","at":"2150-01-01T10:00:00+08:00","entity":"order","key":"T404","type":"paid"})"
      "\n";
  const ReplayReport base = MustReplay(AroundT1(""));
  const ReplayReport r = MustReplay(AroundT1(ahead));
  EXPECT_EQ(r.refused, 1);
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(r.last_event, At("2150-01-01T10:00:00+08:00"));  // read, though
  EXPECT_EQ(r.until, base.until);
  EXPECT_EQ(DueCounts(r), DueCounts(base));
  EXPECT_EQ(r.breaches_total, 0);
  // What the shop handed over at 2150 is still due when `until` comes.
  ReplayOptions options;
  options.until = At("2026-11-20T18:00:00+08:00");
  const ReplayReport base_later = MustReplay(AroundT1(""), options);
  const ReplayReport later = MustReplay(AroundT1(ahead), options);
  EXPECT_GT(base_later.breaches_total, 0);
  EXPECT_EQ(DueCounts(later), DueCounts(base_later));
  ASSERT_EQ(later.breaches.size(), base_later.breaches.size());
  for (size_t i = 0; i < later.breaches.size(); ++i) {
    EXPECT_EQ(later.breaches[i].at, base_later.breaches[i].at);
    EXPECT_EQ(later.breaches[i].rule, base_later.breaches[i].rule);
  }
}

TEST(Replay, ReadsAnyLineReaderToItsEnd) {
  std::istringstream in(kMonday);
  absl::StatusOr<std::unique_ptr<LineReader>> reader = LineReader::FromStream(in, "monday");
  ASSERT_TRUE(reader.ok());
  absl::StatusOr<ReplayReport> r = Replay(**reader);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->lines, 36);
  EXPECT_EQ(r->bytes, static_cast<int64_t>(kMonday.size()));
}

// ---- parse_ahead: the same report as reading on the applying thread.

// Everything a report says, as text: the state (the shop's saved bytes and
// the due items held) and every count and list.
std::string Everything(const ReplayReport& r) {
  std::ostringstream os;
  os << r.lines << " " << r.blank << " " << r.bad << " " << r.applied << " " << r.refused << " "
     << r.duplicates << " " << r.rejected << " " << r.stopped_early << " " << r.bytes << "\n";
  for (const ReplayLineError& e : r.errors) {
    os << "error " << e.line << " " << e.event_id << " " << e.message << "\n";
  }
  if (r.first_event) os << "first " << FormatTimestamp(*r.first_event) << "\n";
  if (r.last_event) os << "last " << FormatTimestamp(*r.last_event) << "\n";
  os << "until " << FormatTimestamp(r.until) << "\n";
  for (const StateCounts& c : r.states) {
    for (const auto& [state, n] : c.by_state) os << "state " << state << " " << n << "\n";
  }
  for (const ReplayRuleTally& t : r.rules) {
    os << "rule " << t.rule << " " << t.allowed << " " << t.refused << " " << t.adjusted << " "
       << t.scheduled << "\n";
  }
  os << "actions " << r.actions_total << " " << r.pending_after_until << "\n";
  for (const ReplayAgentActions& a : r.actions) {
    for (const ReplayAction& x : a.actions) {
      os << "action " << a.agent << " " << x.entity << " " << x.event_id << " "
         << FormatTimestamp(x.due) << " " << x.action.Describe(Language::kEn) << "\n";
    }
  }
  os << "due " << r.warnings_total << " " << r.breaches_total << "\n";
  for (const auto* items : {&r.warnings, &r.breaches}) {
    for (const DueItem& d : *items) {
      os << "item " << FormatTimestamp(d.at) << " " << d.rule << " " << d.entity << " "
         << d.event_id << "\n";
    }
  }
  for (const AgentReplies& a : r.replies) {
    os << "replies " << a.agent << " " << a.replies << " " << a.replies_with_findings << " "
       << a.findings.size() << "\n";
  }
  os << "state bytes " << r.state.size() << "\n" << r.state;
  return os.str();
}

// A sample week with every kind of line: blank ones, bad ones, one longer
// than the limit, copies of events, Monday's errors at the end. More lines
// than the reader may parse ahead, so that it waits for the applier.
std::string MixedWeek() {
  std::string text;
  SampleOptions sample;
  sample.orders_per_day = 150;
  int n = 0;
  std::string previous;
  EXPECT_TRUE(GenerateSample(sample, [&](const ShopEvent& e) {
                const std::string line = FormatEvent(e);
                text += line + "\n";
                if (++n % 997 == 0) text += "\n";
                if (n % 1499 == 0) text += "{\"id\":\"broken\n";
                if (n % 1733 == 0) text += previous + "\n";  // a copy: a duplicate
                if (n == 5000) text += "{\"id\":\"" + std::string(5000, 'x') + "\"}\n";
                previous = line;
              }).ok());
  EXPECT_GT(n, 10000);  // more than twice what the reader may hold
  return text + kMonday;
}

ReplayReport ReplayMixed(const std::string& text, bool parse_ahead, bool strict) {
  ReplayOptions options;
  options.parse_ahead = parse_ahead;
  options.strict = strict;
  options.save_state = true;
  options.max_line_bytes = 4096;
  int64_t last_progress = 0;
  options.progress = [&](int64_t bytes) {
    EXPECT_GE(bytes, last_progress);
    last_progress = bytes;
  };
  return MustReplay(text, options);
}

TEST(Replay, ParseAheadGivesTheSameReport) {
  const std::string text = MixedWeek();
  const ReplayReport inline_read = ReplayMixed(text, false, false);
  const ReplayReport ahead = ReplayMixed(text, true, false);
  EXPECT_GT(inline_read.bad, 5);
  EXPECT_GT(inline_read.blank, 5);
  EXPECT_GT(inline_read.duplicates, 5);
  EXPECT_GT(inline_read.rejected, 0);
  EXPECT_EQ(inline_read.bytes, static_cast<int64_t>(text.size()));
  EXPECT_EQ(Everything(ahead), Everything(inline_read));
}

TEST(Replay, ParseAheadStopsWhereReadingInlineStops) {
  const std::string text = MixedWeek();
  const ReplayReport inline_read = ReplayMixed(text, false, true);
  const ReplayReport ahead = ReplayMixed(text, true, true);
  EXPECT_TRUE(inline_read.stopped_early);
  EXPECT_EQ(inline_read.bad, 1);
  EXPECT_EQ(Everything(ahead), Everything(inline_read));
}

// A stream whose reads fail after `good` bytes.
class FailingBuf : public std::streambuf {
 public:
  explicit FailingBuf(std::string good) : good_(std::move(good)) {
    setg(good_.data(), good_.data(), good_.data() + good_.size());
  }

 protected:
  int_type underflow() override { throw std::runtime_error("disk on fire"); }

 private:
  std::string good_;
};

TEST(Replay, ParseAheadReturnsTheReadError) {
  for (const bool parse_ahead : {false, true}) {
    FailingBuf buf(MixedWeek());
    std::istream in(&buf);
    ReplayOptions options;
    options.parse_ahead = parse_ahead;
    absl::StatusOr<ReplayReport> r = Replay(in, options);
    ASSERT_FALSE(r.ok()) << parse_ahead;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(r.status().message(), "cannot read the events");
  }
}

// What the caller's code throws (here the progress callback, on the
// applying thread) reaches the caller in both modes; the reader stops.
TEST(Replay, ParseAheadLetsTheCallersExceptionThrough) {
  const std::string text = MixedWeek();
  for (const bool parse_ahead : {false, true}) {
    ReplayOptions options;
    options.parse_ahead = parse_ahead;
    options.progress = [](int64_t bytes) {
      if (bytes > 256 * 1024) throw std::runtime_error("host gave up");
    };
    std::istringstream in(text);
    EXPECT_THROW(Replay(in, options).IgnoreError(), std::runtime_error) << parse_ahead;
  }
}

}  // namespace
}  // namespace kefu
