// The RV policies on their own: limits, channel, schedule, promise, remedies,
// rotation.
#include "kefu/policies/review_policies.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/policies/review_rotation.h"
#include "kefu/testing/builders.h"

namespace kefu {
namespace {

using ::kefu::testing::At;

using ::testing::ElementsAre;
using ::testing::HasSubstr;


int64_t Count(const Decision& d, std::string_view name) {
  return std::get<int64_t>(d.Find(name)->value);
}

// RV-CONTACT-LIMIT
TEST(ContactLimitPolicy, NeutralReviewAllowsTwoCallsAndRefusesTheThird) {
  ContactLimitPolicy p;
  EXPECT_EQ(p.Evaluate(ReviewRating::kNeutral, ReviewChannel::kPhone, 0).verdict, Verdict::kAllowed);
  EXPECT_EQ(p.Evaluate(ReviewRating::kNeutral, ReviewChannel::kPhone, 1).verdict, Verdict::kAllowed);
  const Decision third = p.Evaluate(ReviewRating::kNeutral, ReviewChannel::kPhone, 2);
  EXPECT_EQ(third.rule, "RV-CONTACT-LIMIT");
  EXPECT_EQ(third.verdict, Verdict::kRefused);
  EXPECT_EQ(Count(third, "count"), 2);
  EXPECT_EQ(Count(third, "limit"), 2);
  EXPECT_EQ(third.Reason(), "中评已打2次电话，上限2次：不再打电话");
}

// RV-CONTACT-LIMIT: only phone calls count on a neutral review.
TEST(ContactLimitPolicy, NeutralReviewDoesNotCountSmsOrChat) {
  ContactLimitPolicy p;
  EXPECT_FALSE(p.Counts(ReviewRating::kNeutral, ReviewChannel::kSms, ReviewContactResult::kTalked));
  EXPECT_FALSE(p.Counts(ReviewRating::kNeutral, ReviewChannel::kChat, ReviewContactResult::kTalked));
  EXPECT_EQ(p.Evaluate(ReviewRating::kNeutral, ReviewChannel::kSms, 2).verdict, Verdict::kAllowed);
}

// RV-CONTACT-LIMIT
TEST(ContactLimitPolicy, NegativeReviewRefusesTheFourthContactOnAnyChannel) {
  ContactLimitPolicy p;
  EXPECT_EQ(p.Evaluate(ReviewRating::kNegative, ReviewChannel::kSms, 2).verdict, Verdict::kAllowed);
  const Decision fourth = p.Evaluate(ReviewRating::kNegative, ReviewChannel::kChat, 3);
  EXPECT_EQ(fourth.verdict, Verdict::kRefused);
  EXPECT_EQ(fourth.Reason(Language::kEn),
            "negative review: 3 contacts made, the limit is 3; no more contacts");
}

// RV-CONTACT-LIMIT: the limits are parameters (who may override is
// FB-ROLES', RolePolicy::override_contact_limit).
TEST(ContactLimitPolicy, ShopMayChangeLimits) {
  ContactLimitPolicy p;
  p.negative_max_contacts = 5;
  p.count_unreachable = false;
  EXPECT_EQ(p.Evaluate(ReviewRating::kNegative, ReviewChannel::kPhone, 4).verdict, Verdict::kAllowed);
  EXPECT_FALSE(
      p.Counts(ReviewRating::kNegative, ReviewChannel::kPhone, ReviewContactResult::kUnreachable));
}

// RV-CHANNEL
TEST(ChannelPolicy, OnlineBuyerIsContactedInChatOfflineBuyerByPhone) {
  ChannelPolicy p;
  EXPECT_EQ(p.Choose(BuyerPresence::kOnline), ReviewChannel::kChat);
  EXPECT_EQ(p.Choose(BuyerPresence::kOffline), ReviewChannel::kPhone);
  const Decision d = p.Evaluate(BuyerPresence::kOffline);
  EXPECT_EQ(d.rule, "RV-CHANNEL");
  EXPECT_EQ(d.Reason(Language::kEn), "buyer is offline: contact by phone");
}

// RV-CHANNEL: a mismatch is only noted unless the shop enforces the rule.
TEST(ChannelPolicy, EnforcedPolicyRefusesPhoneForAnOnlineBuyerButNotSms) {
  ChannelPolicy p;
  EXPECT_EQ(p.Evaluate(BuyerPresence::kOnline, ReviewChannel::kPhone).verdict, Verdict::kAllowed);
  p.enforce = true;
  EXPECT_EQ(p.Evaluate(BuyerPresence::kOnline, ReviewChannel::kPhone).verdict, Verdict::kRefused);
  EXPECT_EQ(p.Evaluate(BuyerPresence::kOnline, ReviewChannel::kSms).verdict, Verdict::kAllowed);
}

// RV-SCHEDULE: a refusal on Friday: SMS on Saturday and Sunday (calendar
// days, the catalogue's reading).
TEST(RefusalSchedulePolicy, CalendarDaysRunThroughTheWeekend) {
  RefusalSchedulePolicy p;
  const BusinessCalendar cal = BusinessCalendar::Default();
  const Timestamp friday = At("2026-11-27T16:20:00+08:00");
  EXPECT_EQ(p.DueAt(0, friday, cal).value(), friday);
  EXPECT_EQ(p.DueAt(1, friday, cal).value(), At("2026-11-28T10:00:00+08:00"));
  EXPECT_EQ(p.DueAt(2, friday, cal).value(), At("2026-11-29T10:00:00+08:00"));
  EXPECT_FALSE(p.DueAt(3, friday, cal).ok());
}

// RV-SCHEDULE: counted in business days, the SMS land on Monday and Tuesday.
TEST(RefusalSchedulePolicy, BusinessDaysSkipTheWeekend) {
  RefusalSchedulePolicy p;
  p.day_count = DayCount::kBusiness;
  const BusinessCalendar cal = BusinessCalendar::Default();
  const Timestamp friday = At("2026-11-27T16:20:00+08:00");
  EXPECT_EQ(p.DueAt(1, friday, cal).value(), At("2026-11-30T10:00:00+08:00"));
  EXPECT_EQ(p.DueAt(2, friday, cal).value(), At("2026-12-01T10:00:00+08:00"));
}

// RV-PROMISE: checked at the end of the day, reminder the next morning.
TEST(PromisePolicy, CheckedAtEndOfDayAndRemindedNextDay) {
  PromisePolicy p;
  const BusinessCalendar cal = BusinessCalendar::Default();
  const Timestamp agreed = At("2026-11-24T14:00:00+08:00");
  EXPECT_EQ(p.CheckAt(agreed, cal), At("2026-11-25T00:00:00+08:00"));
  EXPECT_EQ(p.ReminderAt(agreed, cal).value(), At("2026-11-25T10:00:00+08:00"));
}

// RV-REMEDY: the seed's 25-yuan item.
TEST(RemedyPolicy, TwentyFiveYuanItemAllowsPartialRefundWithoutReturn) {
  RemedyPolicy p;
  EXPECT_THAT(p.Allowed(ReviewRating::kNegative, Money::Yuan(25), false),
              ElementsAre(Remedy::kPartialRefund, Remedy::kGiftWithNextOrder));
  EXPECT_EQ(p.Evaluate(Remedy::kPartialRefund, ReviewRating::kNegative, Money::Yuan(25), false)
                .verdict,
            Verdict::kAllowed);
  const Decision ret = p.Evaluate(Remedy::kReturn, ReviewRating::kNegative, Money::Yuan(25), false);
  EXPECT_EQ(ret.rule, "RV-REMEDY");
  EXPECT_EQ(ret.verdict, Verdict::kRefused);
}

// RV-REMEDY: the seed's 35-yuan item.
TEST(RemedyPolicy, ThirtyFiveYuanItemProposesReturnOrExchange) {
  RemedyPolicy p;
  const Decision d = p.Propose(ReviewRating::kNegative, Money::Yuan(35), false);
  EXPECT_EQ(d.Find("remedies")->Render(Language::kEn), "return, exchange");
  EXPECT_EQ(d.Reason(Language::kZh), "商品35.00元，不低于30.00元：可提供退货、换货");
  EXPECT_EQ(d.Reason(Language::kEn),
            "item at 35.00 yuan, not under 30.00 yuan: offer return, exchange");
  EXPECT_EQ(p.Evaluate(Remedy::kPartialRefund, ReviewRating::kNegative, Money::Yuan(35), false)
                .verdict,
            Verdict::kRefused);
}

// RV-REMEDY: exactly 30 yuan is "30 and over"; a difficult buyer too.
TEST(RemedyPolicy, ThirtyYuanOrDifficultBuyerGetsReturnOrExchange) {
  RemedyPolicy p;
  EXPECT_THAT(p.Allowed(ReviewRating::kNegative, Money::Yuan(30), false),
              ElementsAre(Remedy::kReturn, Remedy::kExchange));
  EXPECT_THAT(p.Allowed(ReviewRating::kNegative, Money::Fen(2999), false),
              ElementsAre(Remedy::kPartialRefund, Remedy::kGiftWithNextOrder));
  EXPECT_THAT(p.Allowed(ReviewRating::kNegative, Money::Yuan(5), true),
              ElementsAre(Remedy::kReturn, Remedy::kExchange));
  EXPECT_TRUE(p.Allowed(ReviewRating::kPositive, Money::Yuan(5), false).empty());
  p.neutral_too = false;
  EXPECT_TRUE(p.Allowed(ReviewRating::kNeutral, Money::Yuan(5), false).empty());
}

TEST(ReviewTerms, NamesRoundTrip) {
  for (Remedy r : {Remedy::kPartialRefund, Remedy::kGiftWithNextOrder, Remedy::kReturn,
                   Remedy::kExchange}) {
    EXPECT_EQ(ParseRemedy(RemedyName(r)).value(), r);
  }
  for (ReviewChannel c : {ReviewChannel::kChat, ReviewChannel::kPhone, ReviewChannel::kSms}) {
    EXPECT_EQ(ParseReviewChannel(ReviewChannelName(c)).value(), c);
  }
  EXPECT_EQ(ParseReviewRating("neutral").value(), ReviewRating::kNeutral);
  EXPECT_EQ(ParseReviewContactResult("agreed_to_revise").value(),
            ReviewContactResult::kAgreedToRevise);
  EXPECT_EQ(ParseRemedy("coupon").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(NeedsFollowUp(ReviewRating::kPositive));
}

// RV-DAILY
TEST(ReviewRotation, DailyRotationChangesAgentEveryDay) {
  ReviewRotation r;
  r.agents = {"小王", "小李", "小张"};
  r.start = LocalDay(2026, 11, 23);
  EXPECT_EQ(r.AgentOn(LocalDay(2026, 11, 23)), "小王");
  EXPECT_EQ(r.AgentOn(LocalDay(2026, 11, 24)), "小李");
  EXPECT_EQ(r.AgentOn(LocalDay(2026, 11, 26)), "小王");
  EXPECT_EQ(r.AgentOn(LocalDay(2026, 11, 22)), "小张");  // before the start
}

// RV-DAILY
TEST(ReviewRotation, WeeklyRotationChangesAgentEverySevenDays) {
  ReviewRotation r;
  r.agents = {"小王", "小李"};
  r.period = ReviewRotation::Period::kWeekly;
  r.start = LocalDay(2026, 11, 23);
  EXPECT_EQ(r.AgentOn(LocalDay(2026, 11, 29)), "小王");
  EXPECT_EQ(r.AgentOn(LocalDay(2026, 11, 30)), "小李");
  EXPECT_EQ(r.AgentOn(LocalDay(2026, 11, 22)), "小李");
  EXPECT_EQ(r.AgentOn(LocalDay(2026, 11, 16)), "小李");
  EXPECT_EQ(r.AgentOn(LocalDay(2026, 11, 15)), "小王");
}

TEST(ReviewRotation, RotationWithoutAgentsIsInvalid) {
  ReviewRotation r;
  EXPECT_EQ(r.Validate().code(), absl::StatusCode::kInvalidArgument);
  r.agents = {""};
  EXPECT_EQ(r.Validate().code(), absl::StatusCode::kInvalidArgument);
}

// ------------------------------------------ decisions the policies build

TEST(ContactLimitPolicy, OverridesNameTheRoleInBothLanguages) {
  // RV-CONTACT-LIMIT
  const ContactLimitPolicy p;
  const Decision limit = p.Evaluate(ReviewRating::kNeutral, ReviewChannel::kPhone, 2);
  ASSERT_EQ(limit.verdict, Verdict::kRefused);
  const Decision over = p.Overridden(limit, StaffRole::kSupervisor);
  EXPECT_EQ(over.verdict, Verdict::kAllowed);
  EXPECT_EQ(over.Reason(Language::kEn), "supervisor override: 2 contacts made, the limit is 2");
  // Another role's override is FB-ROLES' refusal.
  const Decision no =
      *RolePolicy{}.Check("小王", TeamAction::kOverrideContactLimit, StaffRole::kAgent);
  EXPECT_EQ(no.rule, "FB-ROLES");
  EXPECT_EQ(no.Reason(), "小王（客服）无权批准超出联系次数上限");
  EXPECT_EQ(no.Reason(Language::kEn), "小王 (agent) may not override the contact limit");
}

TEST(RefusalSchedulePolicy, NextStopDoneClosedAndRunning) {
  // RV-SCHEDULE
  const RefusalSchedulePolicy p;
  const Timestamp due = At("2026-11-04T10:00:00+08:00");
  const Ruling next = p.Next(2, ReviewChannel::kSms, due, "xiaoli", "13800000000");
  EXPECT_EQ(next.decisions.at(0).verdict, Verdict::kScheduled);
  EXPECT_EQ(next.actions.at(0).kind, ActionKind::kSms);
  EXPECT_EQ(next.actions.at(0).subject, "13800000000");
  EXPECT_EQ(next.actions.at(0).due, due);
  EXPECT_EQ(p.Next(1, ReviewChannel::kChat, due, "x", "b").actions.at(0).kind,
            ActionKind::kImMessage);
  EXPECT_EQ(p.Next(1, ReviewChannel::kPhone, due, "x", "b").actions.at(0).kind, ActionKind::kCall);

  const Decision limit =
      ContactLimitPolicy{}.Evaluate(ReviewRating::kNegative, ReviewChannel::kSms, 3);
  EXPECT_THAT(p.StoppedByLimit(limit, due).Reason(Language::kEn),
              HasSubstr("contact limit reached (3/3)"));
  EXPECT_EQ(p.Done(due).verdict, Verdict::kScheduled);
  EXPECT_EQ(std::get<int64_t>(p.ClosedUnresolved(3).Find("steps")->value), 3);
  EXPECT_THAT(p.Running(ReviewChannel::kSms, due, std::nullopt).Reason(Language::kEn),
              HasSubstr("next SMS due"));
  EXPECT_THAT(p.Running(std::nullopt, std::nullopt, due).Reason(Language::kEn),
              HasSubstr("closes at"));
}

TEST(PromisePolicy, StartedNotDueNoReminderAndRemind) {
  // RV-PROMISE
  const PromisePolicy p;
  const Timestamp t = At("2026-11-03T23:59:59+08:00");
  EXPECT_EQ(p.Started(t).verdict, Verdict::kScheduled);
  EXPECT_EQ(p.NotDue(std::nullopt).Reason(Language::kEn), "no promise to check");
  EXPECT_NE(p.NotDue(t).Find("due"), nullptr);
  const Decision refused =
      ContactLimitPolicy{}.Evaluate(ReviewRating::kNegative, ReviewChannel::kSms, 3);
  EXPECT_THAT(p.NoReminder(refused, 0).Reason(Language::kEn), HasSubstr("limit reached (3/3)"));
  const Decision fine = ContactLimitPolicy{}.Evaluate(ReviewRating::kNegative, ReviewChannel::kSms, 0);
  EXPECT_EQ(p.NoReminder(fine, 1).Reason(Language::kEn), "not revised; 1 reminders sent");
  const Ruling remind = p.Remind(t, "xiaoli", "13800000000");
  EXPECT_EQ(remind.actions.at(0).kind, ActionKind::kSms);
  EXPECT_EQ(remind.actions.at(0).subject, "13800000000");
}

TEST(RemedyPolicy, AnAcceptedRemedySaysWhatToDo) {
  // RV-REMEDY
  const RemedyPolicy p;
  const Ruling refund = p.Accepted(Remedy::kPartialRefund, Money::Yuan(5), "O1", "xiaoli", "tb1");
  EXPECT_EQ(refund.actions.at(0).kind, ActionKind::kNotifyFinance);
  EXPECT_EQ(refund.actions.at(0).Describe(Language::kEn), "partial refund of 5.00 yuan on order O1");
  EXPECT_EQ(p.Accepted(Remedy::kGiftWithNextOrder, Money(), "O1", "x", "b").actions.at(0).kind,
            ActionKind::kOther);
  const Ruling back = p.Accepted(Remedy::kExchange, Money(), "O1", "x", "tb1");
  EXPECT_EQ(back.actions.at(0).kind, ActionKind::kTellCustomer);
  EXPECT_EQ(back.actions.at(0).subject, "tb1");
  EXPECT_EQ(back.decisions.at(0).Reason(), "买家接受换货");
}

TEST(ReviewRotation, AssignedNamesTheAgent) {
  // RV-DAILY
  EXPECT_EQ(ReviewRotation::Assigned("xiaoli").Reason(Language::kEn), "handled by xiaoli");
  EXPECT_EQ(ReviewRotation::Assigned("xiaoli").rule, "RV-DAILY");
}

}  // namespace
}  // namespace kefu
