// The review machine: the RV rules through Review::Apply(), the seed's
// cases, refusals, idempotency, the (state, event) table and the diagram.
#include "kefu/machines/review.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "machines/machine_test_util.h"
#include "machines/review_test_util.h"
#include "machines/diagram_check.h"

namespace kefu {
namespace {

using review_test::At;
using ::kefu::testing::ExpectRefusedAndRemembered;
using review_test::DriveTo;
using review_test::Events;
using ::testing::HasSubstr;

int64_t Count(const Decision& d, std::string_view name) {
  return std::get<int64_t>(d.Find(name)->value);
}

// Monday 2026-11-23, 09:00 in Beijing.
constexpr const char* kMonday = "2026-11-23T09:00:00+08:00";

class ReviewTest : public ::testing::Test {
 protected:
  Outcome Apply(const ReviewEvent& e) {
    auto out = review_.Apply(e, env_);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : Outcome{};
  }
  void Start(ReviewRating rating, Money price = Money::Yuan(25)) {
    Apply(ev_.Received(rating, price));
    Apply(ev_.Assigned());
  }

  Review review_{"RV-1"};
  Events ev_{At(kMonday)};
  ReviewEnvironment env_;
};

TEST_F(ReviewTest, FreshReviewIsBlankAndReceivedOneIsNew) {
  EXPECT_EQ(review_.state(), "blank");
  const Outcome out = Apply(ev_.Received(ReviewRating::kNeutral));
  EXPECT_EQ(review_.state(), "new");
  EXPECT_EQ(out.entity, "RV-1");
  EXPECT_EQ(out.audit.state_before, "blank");
  EXPECT_EQ(out.audit.state_after, "new");
  EXPECT_EQ(out.audit.event_type, "received");
  EXPECT_EQ(review_.data().product, "N86 液晶屏");
  EXPECT_TRUE(review_.open());
}

// Positive reviews need no follow-up, and the API says so.
TEST_F(ReviewTest, PositiveReviewIsRefusedAsNeedingNoFollowUp) {
  auto out = review_.Apply(ev_.Received(ReviewRating::kPositive));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("positive"));
  EXPECT_EQ(review_.state(), "blank");
}

// RV-CONTACT-LIMIT, seed case: a third call on a neutral review is refused.
TEST_F(ReviewTest, ThirdCallOnNeutralReviewIsRefusedWithCountAndLimit) {
  Start(ReviewRating::kNeutral);
  Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kUnreachable));
  Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kTalked));
  const ReviewSnapshot before = review_.Snapshot();

  const Outcome third = Apply(ev_.Contact(ReviewChannel::kPhone));
  ASSERT_TRUE(third.refused());
  const Decision* d = third.Find("RV-CONTACT-LIMIT");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kRefused);
  EXPECT_EQ(Count(*d, "count"), 2);
  EXPECT_EQ(Count(*d, "limit"), 2);
  ExpectRefusedAndRemembered(review_, before, third.audit.event_id);

  // An SMS is still allowed: only calls count on a neutral review.
  EXPECT_FALSE(Apply(ev_.Contact(ReviewChannel::kSms)).refused());
}

// RV-CONTACT-LIMIT, seed case: the fourth contact on a negative review is
// refused, whatever the channel.
TEST_F(ReviewTest, FourthContactOnNegativeReviewIsRefused) {
  Start(ReviewRating::kNegative);
  Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kUnreachable));
  Apply(ev_.Contact(ReviewChannel::kChat, ReviewContactResult::kTalked));
  Apply(ev_.Contact(ReviewChannel::kSms, ReviewContactResult::kTalked));
  EXPECT_EQ(review_.data().counted_contacts, 3);

  const Outcome fourth = Apply(ev_.Contact(ReviewChannel::kSms));
  ASSERT_TRUE(fourth.refused());
  EXPECT_EQ(Count(*fourth.Find("RV-CONTACT-LIMIT"), "count"), 3);
  EXPECT_EQ(Count(*fourth.Find("RV-CONTACT-LIMIT"), "limit"), 3);
  EXPECT_EQ(review_.data().contacts.size(), 3u);
}

// RV-CONTACT-LIMIT: a supervisor may go past the limit; the audit says so.
TEST_F(ReviewTest, SupervisorOverridePassesTheLimitAndIsAudited) {
  Start(ReviewRating::kNeutral);
  Apply(ev_.Contact(ReviewChannel::kPhone));
  Apply(ev_.Contact(ReviewChannel::kPhone));
  ContactAttempted third = ev_.Contact(ReviewChannel::kPhone);
  third.override_limit = true;
  third.role = StaffRole::kSupervisor;
  const Outcome out = Apply(third);
  EXPECT_FALSE(out.refused());
  EXPECT_THAT(out.audit.note, HasSubstr("supervisor override"));
  EXPECT_EQ(out.Find("RV-CONTACT-LIMIT")->verdict, Verdict::kAllowed);
  EXPECT_TRUE(review_.data().contacts.back().overridden);
  EXPECT_EQ(review_.data().counted_contacts, 3);
}

// RV-CONTACT-LIMIT: the role check is part of the event.
TEST_F(ReviewTest, AgentMayNotOverrideTheLimit) {
  Start(ReviewRating::kNeutral);
  ContactAttempted c = ev_.Contact(ReviewChannel::kPhone);
  c.override_limit = true;
  c.role = StaffRole::kAgent;
  const ReviewSnapshot before = review_.Snapshot();
  // A rule refusing is an outcome naming the rule, never an error status.
  auto out = review_.Apply(c);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->refused());
  // FB-ROLES refuses it (one table of roles for every action).
  ASSERT_NE(out->Find("FB-ROLES"), nullptr);
  EXPECT_EQ(out->Find("FB-ROLES")->verdict, Verdict::kRefused);
  EXPECT_THAT(out->Find("FB-ROLES")->Reason(Language::kEn),
              HasSubstr("may not override the contact limit"));
  ExpectRefusedAndRemembered(review_, before, c.meta.id);
}

// FB-ROLES: with a roster, the roster's role counts, not the one the event
// claims; the table of RolePolicy decides who may override.
TEST_F(ReviewTest, TheRosterDecidesWhoMayOverrideTheLimit) {
  RolePolicy roles;
  roles.agents = {{"王主管", StaffRole::kSupervisor, "senior"}, {"小王", StaffRole::kAgent, ""}};
  ReviewEnvironment env;
  env.roles = &roles;
  Start(ReviewRating::kNeutral);
  ASSERT_TRUE(review_.Apply(ev_.Contact(ReviewChannel::kPhone), env).ok());
  ASSERT_TRUE(review_.Apply(ev_.Contact(ReviewChannel::kPhone), env).ok());
  ContactAttempted claimed = ev_.Contact(ReviewChannel::kPhone);
  claimed.meta.agent = "小王";
  claimed.override_limit = true;
  claimed.role = StaffRole::kManager;  // claimed, but the roster says agent
  const ReviewSnapshot before = review_.Snapshot();
  auto out = review_.Apply(claimed, env);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->refused());
  EXPECT_EQ(out->Find("FB-ROLES")->Reason(Language::kEn),
            "小王 (agent) may not override the contact limit");
  ExpectRefusedAndRemembered(review_, before, claimed.meta.id);
  ContactAttempted boss = ev_.Contact(ReviewChannel::kPhone);
  boss.meta.agent = "王主管";
  boss.override_limit = true;  // role left as agent: the roster says supervisor
  out = review_.Apply(boss, env);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->refused());
  EXPECT_EQ(out->Find("RV-CONTACT-LIMIT")->verdict, Verdict::kAllowed);
  EXPECT_THAT(out->audit.note, HasSubstr("supervisor 王主管"));
  // A shop that lets team leads override says so in one place.
  roles.override_contact_limit = {StaffRole::kTeamLead};
  ContactAttempted again = ev_.Contact(ReviewChannel::kPhone);
  again.meta.agent = "王主管";
  again.override_limit = true;
  out = review_.Apply(again, env);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->refused());
  EXPECT_NE(out->Find("FB-ROLES"), nullptr);
}

// RV-CHANNEL: advice from the buyer's presence.
TEST_F(ReviewTest, AdviceIsChatForOnlineBuyerAndPhoneForOfflineBuyer) {
  Start(ReviewRating::kNeutral);
  EXPECT_EQ(review_.AdviseContact(BuyerPresence::kOnline).channel, ReviewChannel::kChat);
  const ContactAdvice offline = review_.AdviseContact(BuyerPresence::kOffline);
  EXPECT_EQ(offline.channel, ReviewChannel::kPhone);
  EXPECT_EQ(offline.channel_decision.rule, "RV-CHANNEL");
  EXPECT_TRUE(offline.allowed());
}

// RV-CHANNEL with RV-CONTACT-LIMIT: calls used up on a neutral review, an
// offline buyer gets an SMS.
TEST_F(ReviewTest, AdviceFallsBackToSmsWhenCallsAreUsedUp) {
  Start(ReviewRating::kNeutral);
  Apply(ev_.Contact(ReviewChannel::kPhone));
  Apply(ev_.Contact(ReviewChannel::kPhone));
  const ContactAdvice advice = review_.AdviseContact(BuyerPresence::kOffline);
  EXPECT_EQ(advice.channel, ReviewChannel::kSms);
  EXPECT_TRUE(advice.allowed());
}

// RV-CHANNEL: recorded on the contact; enforced only when the shop says so.
TEST_F(ReviewTest, EnforcedChannelPolicyRefusesPhoneToOnlineBuyer) {
  ReviewPolicies policies;
  policies.channel.enforce = true;
  env_.policies = &policies;
  Start(ReviewRating::kNegative);
  ContactAttempted c = ev_.Contact(ReviewChannel::kPhone);
  c.presence = BuyerPresence::kOnline;
  const Outcome refused = Apply(c);
  ASSERT_TRUE(refused.refused());
  EXPECT_EQ(refused.Find("RV-CHANNEL")->verdict, Verdict::kRefused);
  c = ev_.Contact(ReviewChannel::kChat);
  c.presence = BuyerPresence::kOnline;
  const Outcome ok = Apply(c);
  EXPECT_FALSE(ok.refused());
  EXPECT_EQ(ok.Find("RV-CHANNEL")->verdict, Verdict::kAllowed);
}

// RV-SCHEDULE, seed case: refusal on the day-1 call (a Friday); SMS on day 2
// (Saturday) and day 3 (Sunday), then closed unresolved.
TEST_F(ReviewTest, RefusalScheduleLandsOnSaturdayAndSundayThenCloses) {
  ev_.Set(At("2026-11-27T15:00:00+08:00"));  // Friday
  Start(ReviewRating::kNegative);
  const Outcome refused = Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kRefused));
  EXPECT_EQ(review_.state(), "refusing");
  const Decision* d = refused.Find("RV-SCHEDULE");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kScheduled);
  ASSERT_EQ(refused.actions.size(), 1u);
  EXPECT_EQ(refused.actions[0].kind, ActionKind::kSms);
  EXPECT_EQ(refused.actions[0].rule, "RV-SCHEDULE");
  EXPECT_EQ(refused.actions[0].due, At("2026-11-28T10:00:00+08:00"));  // Saturday
  EXPECT_EQ(Count(*d, "day"), 2);

  ev_.Set(At("2026-11-28T10:05:00+08:00"));
  const Outcome sms2 = Apply(ev_.Contact(ReviewChannel::kSms, ReviewContactResult::kUnreachable));
  ASSERT_EQ(sms2.actions.size(), 1u);
  EXPECT_EQ(sms2.actions[0].kind, ActionKind::kSms);
  EXPECT_EQ(sms2.actions[0].due, At("2026-11-29T10:00:00+08:00"));  // Sunday

  ev_.Set(At("2026-11-29T10:01:00+08:00"));
  const Outcome sms3 = Apply(ev_.Contact(ReviewChannel::kSms, ReviewContactResult::kUnreachable));
  EXPECT_TRUE(sms3.actions.empty());
  ASSERT_FALSE(sms3.deadlines.empty());
  EXPECT_EQ(sms3.deadlines.back().rule, "RV-SCHEDULE");
  EXPECT_EQ(sms3.deadlines.back().due, At("2026-11-30T00:00:00+08:00"));
  EXPECT_EQ(review_.state(), "refusing");

  // The day's end before the deadline changes nothing; at it, the review closes.
  ev_.Set(At("2026-11-29T20:00:00+08:00"));
  Apply(ev_.DayEnd());
  EXPECT_EQ(review_.state(), "refusing");
  ev_.Set(At("2026-11-30T00:00:00+08:00"));
  const Outcome closed = Apply(ev_.DayEnd());
  EXPECT_EQ(review_.state(), "unresolved");
  EXPECT_EQ(closed.Find("RV-SCHEDULE")->verdict, Verdict::kAllowed);
  EXPECT_FALSE(review_.open());
  EXPECT_EQ(review_.data().counted_contacts, 3);  // call + 2 SMS = the limit
}

// RV-SCHEDULE in business days: the SMS move to Monday and Tuesday.
TEST_F(ReviewTest, RefusalScheduleInBusinessDaysSkipsTheWeekend) {
  ReviewPolicies policies;
  policies.schedule.day_count = DayCount::kBusiness;
  env_.policies = &policies;
  ev_.Set(At("2026-11-27T15:00:00+08:00"));  // Friday
  Start(ReviewRating::kNeutral);
  const Outcome refused = Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kRefused));
  EXPECT_EQ(refused.actions.at(0).due, At("2026-11-30T10:00:00+08:00"));
  ev_.Set(At("2026-11-30T10:00:00+08:00"));
  const Outcome sms2 = Apply(ev_.Contact(ReviewChannel::kSms));
  EXPECT_EQ(sms2.actions.at(0).due, At("2026-12-01T10:00:00+08:00"));
}

// RV-SCHEDULE: a refusal in chat still owes the day-1 call, due at once.
TEST_F(ReviewTest, RefusalInChatSchedulesTheDayOneCall) {
  Start(ReviewRating::kNegative);
  const Outcome out = Apply(ev_.Contact(ReviewChannel::kChat, ReviewContactResult::kRefused));
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].kind, ActionKind::kCall);
  EXPECT_EQ(out.actions[0].due, ev_.now());
}

// RV-SCHEDULE with RV-CONTACT-LIMIT: contacts used before the refusal
// shorten the follow-up instead of breaking the limit.
TEST_F(ReviewTest, FollowUpStopsAtTheContactLimit) {
  Start(ReviewRating::kNegative);
  Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kUnreachable));
  Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kTalked));
  const Outcome refused = Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kRefused));
  EXPECT_TRUE(refused.actions.empty());
  const Decision* d = refused.Find("RV-SCHEDULE");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(Count(*d, "count"), 3);
  EXPECT_EQ(Count(*d, "limit"), 3);
  EXPECT_EQ(refused.deadlines.back().due, At("2026-11-24T00:00:00+08:00"));
}

// RV-PROMISE: agreed → checked at the end of the day → SMS the next day.
TEST_F(ReviewTest, UnkeptPromiseGetsAnSmsTheNextDay) {
  Start(ReviewRating::kNeutral);
  ev_.Set(At("2026-11-23T14:00:00+08:00"));
  const Outcome agreed =
      Apply(ev_.Contact(ReviewChannel::kChat, ReviewContactResult::kAgreedToRevise));
  EXPECT_EQ(review_.state(), "awaiting_revision");
  ASSERT_EQ(agreed.deadlines.size(), 1u);
  EXPECT_EQ(agreed.deadlines[0].rule, "RV-PROMISE");
  EXPECT_EQ(agreed.deadlines[0].due, At("2026-11-24T00:00:00+08:00"));
  EXPECT_EQ(agreed.Find("RV-PROMISE")->verdict, Verdict::kScheduled);

  ev_.Set(At("2026-11-23T21:00:00+08:00"));  // too early: nothing yet
  EXPECT_TRUE(Apply(ev_.DayEnd()).actions.empty());

  ev_.Set(At("2026-11-24T00:00:00+08:00"));
  const Outcome check = Apply(ev_.DayEnd());
  ASSERT_EQ(check.actions.size(), 1u);
  EXPECT_EQ(check.actions[0].kind, ActionKind::kSms);
  EXPECT_EQ(check.actions[0].rule, "RV-PROMISE");
  EXPECT_EQ(check.actions[0].due, At("2026-11-24T10:00:00+08:00"));
  EXPECT_EQ(check.Find("RV-PROMISE")->verdict, Verdict::kScheduled);

  // One reminder only: the next check schedules nothing more.
  ev_.Set(At("2026-11-25T00:00:00+08:00"));
  EXPECT_TRUE(Apply(ev_.DayEnd()).actions.empty());
}

// RV-PROMISE: a host's tick at 23:59:59, as docs/events.md writes it, is
// the day's end; the defect was that it did nothing.
TEST_F(ReviewTest, DayEndedInTheDaysLastSecondChecksThePromise) {
  Start(ReviewRating::kNeutral);
  ev_.Set(At("2026-11-23T14:00:00+08:00"));
  Apply(ev_.Contact(ReviewChannel::kChat, ReviewContactResult::kAgreedToRevise));
  ev_.Set(At("2026-11-23T23:59:58+08:00"));  // two seconds early: nothing yet
  EXPECT_TRUE(Apply(ev_.DayEnd()).actions.empty());
  ev_.Set(At("2026-11-23T23:59:59+08:00"));
  const Outcome check = Apply(ev_.DayEnd());
  ASSERT_EQ(check.actions.size(), 1u);
  EXPECT_EQ(check.actions[0].kind, ActionKind::kSms);
  EXPECT_EQ(check.actions[0].due, At("2026-11-24T10:00:00+08:00"));
}

// RV-SCHEDULE: the follow-up's last day closes on a 23:59:59 tick too.
TEST_F(ReviewTest, DayEndedInTheLastSecondOfTheFollowUpClosesIt) {
  Start(ReviewRating::kNegative);
  Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kUnreachable));
  Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kTalked));
  const Outcome refused = Apply(ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kRefused));
  ASSERT_FALSE(refused.deadlines.empty());
  EXPECT_EQ(refused.deadlines.back().rule, "RV-SCHEDULE");
  const Timestamp closes = refused.deadlines.back().due;
  EXPECT_EQ(closes, At("2026-11-24T00:00:00+08:00"));
  ev_.Set(At("2026-11-23T23:59:58+08:00"));  // not yet the last second
  Apply(ev_.DayEnd());
  EXPECT_EQ(review_.state(), "refusing");
  ev_.Set(At("2026-11-23T23:59:59+08:00"));
  const Outcome closed = Apply(ev_.DayEnd());
  EXPECT_EQ(review_.state(), "unresolved");
  ASSERT_NE(closed.Find("RV-SCHEDULE"), nullptr);
}

// RV-PROMISE: a revision cancels the pending check.
TEST_F(ReviewTest, RevisionCancelsThePromiseCheck) {
  Start(ReviewRating::kNeutral);
  Apply(ev_.Agreed());
  const Outcome revised = Apply(ev_.Observed());
  EXPECT_EQ(review_.state(), "revised");
  ASSERT_EQ(revised.deadlines.size(), 1u);
  EXPECT_EQ(revised.deadlines[0].rule, "RV-PROMISE");
  EXPECT_EQ(revised.deadlines[0].op, DeadlineOp::kCancel);
  EXPECT_FALSE(review_.open());
}

// RV-REMEDY, seed case: a 25-yuan item allows a partial refund, no return.
TEST_F(ReviewTest, TwentyFiveYuanItemAllowsPartialRefundWithoutReturn) {
  Start(ReviewRating::kNegative, Money::Yuan(25));
  EXPECT_EQ(review_.ProposeRemedies().Find("remedies")->Render(Language::kEn),
            "partial refund, a gift with the next order");
  Apply(ev_.Contact(ReviewChannel::kPhone));
  const ReviewSnapshot before = review_.Snapshot();
  const Outcome ret = Apply(ev_.Offer(Remedy::kReturn));
  EXPECT_TRUE(ret.refused());
  EXPECT_EQ(ret.Find("RV-REMEDY")->verdict, Verdict::kRefused);
  ExpectRefusedAndRemembered(review_, before, ret.audit.event_id);

  const Outcome offer = Apply(ev_.Offer(Remedy::kPartialRefund, Money::Yuan(5)));
  EXPECT_FALSE(offer.refused());
  EXPECT_EQ(review_.state(), "remedy_offered");
  // The decision allowing it names the amount.
  const Decision* allowed = offer.Find("RV-REMEDY");
  ASSERT_NE(allowed, nullptr);
  ASSERT_NE(allowed->Find("amount"), nullptr);
  EXPECT_EQ(std::get<Money>(allowed->Find("amount")->value), Money::Yuan(5));
  const Outcome accepted = Apply(ev_.Accept());
  EXPECT_EQ(review_.state(), "awaiting_revision");
  ASSERT_EQ(accepted.actions.size(), 1u);
  EXPECT_EQ(accepted.actions[0].kind, ActionKind::kNotifyFinance);
  EXPECT_EQ(std::get<Money>(accepted.actions[0].Find("amount")->value), Money::Yuan(5));
}

// RV-REMEDY, seed case: a 35-yuan item proposes return or exchange.
TEST_F(ReviewTest, ThirtyFiveYuanItemProposesReturnOrExchange) {
  const Outcome received = Apply(ev_.Received(ReviewRating::kNegative, Money::Yuan(35)));
  const Decision* proposal = received.Find("RV-REMEDY");
  ASSERT_NE(proposal, nullptr);
  EXPECT_EQ(proposal->Find("remedies")->Render(Language::kEn), "return, exchange");
  EXPECT_THAT(proposal->Reason(Language::kZh), ::testing::HasSubstr("可提供退货、换货"));
  Apply(ev_.Assigned());
  Apply(ev_.Contact(ReviewChannel::kPhone));
  EXPECT_TRUE(Apply(ev_.Offer(Remedy::kPartialRefund, Money::Yuan(5))).refused());
  EXPECT_FALSE(Apply(ev_.Offer(Remedy::kExchange)).refused());
}

// RV-REMEDY: a buyer marked difficult is offered a return even for a cheap item.
TEST_F(ReviewTest, DifficultBuyerIsOfferedReturnOrExchange) {
  Start(ReviewRating::kNegative, Money::Yuan(10));
  ContactAttempted c = ev_.Contact(ReviewChannel::kPhone);
  c.buyer_difficult = true;
  Apply(c);
  EXPECT_TRUE(Apply(ev_.Offer(Remedy::kPartialRefund, Money::Yuan(2))).refused());
  EXPECT_FALSE(Apply(ev_.Offer(Remedy::kReturn)).refused());
}

// RV-REMEDY then RV-SCHEDULE: a declined remedy starts the follow-up.
TEST_F(ReviewTest, DeclinedRemedyStartsTheFollowUp) {
  Start(ReviewRating::kNegative);
  Apply(ev_.Contact(ReviewChannel::kPhone));
  Apply(ev_.Offer(Remedy::kGiftWithNextOrder));
  const Outcome declined = Apply(ev_.Decline());
  EXPECT_EQ(review_.state(), "refusing");
  ASSERT_EQ(declined.actions.size(), 1u);
  EXPECT_EQ(declined.actions[0].due, At("2026-11-24T10:00:00+08:00"));  // day-2 SMS
  EXPECT_EQ(review_.data().remedies.back().answer, RemedyAnswer::kDeclined);
}

TEST_F(ReviewTest, PartialRefundAboveThePriceIsMalformed) {
  Start(ReviewRating::kNegative, Money::Yuan(25));
  Apply(ev_.Contact(ReviewChannel::kPhone));
  EXPECT_EQ(review_.Apply(ev_.Offer(Remedy::kPartialRefund, Money::Yuan(26))).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(review_.Apply(ev_.Offer(Remedy::kPartialRefund)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// RV-DAILY: the day's reviews carry a same-day deadline until assigned.
TEST_F(ReviewTest, ReceivedReviewIsDueTheSameDayUntilAssigned) {
  const Outcome received = Apply(ev_.Received());
  ASSERT_EQ(received.deadlines.size(), 1u);
  EXPECT_EQ(received.deadlines[0].rule, "RV-DAILY");
  EXPECT_EQ(received.deadlines[0].due, At("2026-11-24T00:00:00+08:00"));
  const Outcome assigned = Apply(ev_.Assigned("小李"));
  EXPECT_EQ(assigned.deadlines.at(0).op, DeadlineOp::kCancel);
  EXPECT_EQ(review_.data().agent, "小李");
}

TEST_F(ReviewTest, SameEventIdAppliedTwiceReturnsTheFirstOutcomeAndChangesNothing) {
  Start(ReviewRating::kNegative);
  const ContactAttempted c = ev_.Contact(ReviewChannel::kPhone);
  const Outcome first = Apply(c);
  const ReviewSnapshot after_first = review_.Snapshot();
  const Outcome again = Apply(c);
  EXPECT_TRUE(again.audit.duplicate);
  EXPECT_FALSE(first.audit.duplicate);
  Outcome unmarked = again;
  unmarked.audit.duplicate = false;
  EXPECT_TRUE(SameOutcome(first, unmarked));
  EXPECT_TRUE(review_.Snapshot() == after_first);
  EXPECT_EQ(review_.data().counted_contacts, 1);
}

TEST_F(ReviewTest, EventTheStateDoesNotAcceptIsRefusedNamingStateAndEvent) {
  Start(ReviewRating::kNegative);
  const ReviewSnapshot before = review_.Snapshot();
  auto out = review_.Apply(ev_.Accept());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("\"assigned\""));
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("\"remedy_accepted\""));
  EXPECT_TRUE(review_.Snapshot() == before);
}

TEST_F(ReviewTest, EventWithoutIdOrTimeIsMalformed) {
  ReviewReceived e = ev_.Received();
  e.meta.id.clear();
  EXPECT_EQ(review_.Apply(e).status().code(), absl::StatusCode::kInvalidArgument);
  e = ev_.Received();
  e.meta.at = absl::InfinitePast();
  EXPECT_EQ(review_.Apply(e).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ReviewTest, LateRevisionOfAnUnresolvedReviewCountsAsRevised) {
  Apply(ev_.Received());
  Apply(ev_.Closed());
  EXPECT_EQ(review_.state(), "unresolved");
  Apply(ev_.Observed());
  EXPECT_EQ(review_.state(), "revised");
}

TEST_F(ReviewTest, SnapshotRestoresStateDataAndIdempotencyLog) {
  Start(ReviewRating::kNegative);
  const ContactAttempted c = ev_.Contact(ReviewChannel::kPhone, ReviewContactResult::kRefused);
  Apply(c);
  auto restored = Review::Restore(review_.Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->state(), "refusing");
  EXPECT_TRUE(restored->data() == review_.data());
  EXPECT_TRUE(restored->Apply(c).value().audit.duplicate);
  ReviewSnapshot bad = review_.Snapshot();
  bad.state = "lost";
  EXPECT_EQ(Review::Restore(bad).status().code(), absl::StatusCode::kInvalidArgument);
  bad = review_.Snapshot();
  bad.format_version = 99;
  EXPECT_EQ(Review::Restore(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------ table test

ReviewEvent SampleEvent(Events& ev, std::string_view name) {
  if (name == "received") return ev.Received();
  if (name == "assigned") return ev.Assigned("小李");
  if (name == "contact_attempted") return ev.Contact(ReviewChannel::kSms);
  if (name == "revision_agreed") return ev.Agreed();
  if (name == "revision_observed") return ev.Observed();
  if (name == "remedy_offered") return ev.Offer(Remedy::kPartialRefund, Money::Yuan(5));
  if (name == "remedy_accepted") return ev.Accept();
  if (name == "remedy_declined") return ev.Decline();
  if (name == "day_ended") return ev.DayEnd();
  return ev.Closed();
}

// Every (state, event) pair: pairs with a row move (or are refused by a
// policy with a decision); all others are refused cleanly, review unchanged.
TEST(ReviewTable, EveryStateEventPairMovesOrIsRefusedCleanly) {
  const TransitionTable& table = Review::Table();
  EXPECT_EQ(table.machine, "review");
  EXPECT_EQ(table.initial, "blank");
  EXPECT_EQ(table.states.size(), 9u);
  EXPECT_EQ(table.events.size(), 10u);
  int moved = 0;
  int refused = 0;
  for (std::string_view state : table.states) {
    for (std::string_view event : table.events) {
      Review r("RV-T");
      Events ev(At(kMonday));
      ASSERT_TRUE(DriveTo(r, ev, state)) << state;
      ASSERT_EQ(r.state(), state);
      const ReviewSnapshot before = r.Snapshot();
      const ReviewEvent e = SampleEvent(ev, event);
      ASSERT_EQ(EventName(e), event);
      auto out = r.Apply(e);
      if (table.Accepts(state, event)) {
        ASSERT_TRUE(out.ok()) << state << " + " << event << ": " << out.status();
        bool target_ok = false;
        for (const Transition* row : table.RowsFor(state, event)) {
          if (row->target == r.state()) target_ok = true;
        }
        EXPECT_TRUE(target_ok || out->refused()) << state << " + " << event << " -> " << r.state();
        ++moved;
      } else {
        EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition)
            << state << " + " << event;
        EXPECT_TRUE(r.Snapshot() == before) << state << " + " << event;
        ++refused;
      }
    }
  }
  EXPECT_EQ(moved + refused, 90);
  EXPECT_GT(refused, 0);
}

// ---------------------------------------------------------------- diagram

// docs/review.md carries the Mermaid diagram generated from Review::Table().
// To refresh it: KEFU_UPDATE_DOCS=1 ./review_test
TEST(ReviewDiagram, CommittedDiagramInDocsIsGeneratedFromTheTable) {
  testing::ExpectCommittedDiagramIsCurrent("docs/review.md", "Review::Table()", Review::Table());
}

}  // namespace
}  // namespace kefu
