// The testing kit's matchers and printers (issue 23): each matcher passes on
// what it describes and fails with a message that says what came instead.
#include "kefu/testing/matchers.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/testing/testing.h"

namespace kefu::testing {
namespace {

using ::testing::DescribeMatcher;
using ::testing::Matcher;
using ::testing::Not;
using ::testing::StringMatchResultListener;

// What `m` says about `value` when it does not match it ("" when it does:
// then the test fails on the EXPECT).
template <class T, class M>
std::string WhyNot(const M& m, const T& value) {
  Matcher<const T&> matcher = m;
  StringMatchResultListener listener;
  EXPECT_FALSE(matcher.MatchAndExplain(value, &listener)) << DescribeMatcher<const T&>(matcher);
  return listener.str();
}

Decision MakeDecision(RuleId rule, Verdict verdict, Figures figures = {}) {
  Decision d;
  d.rule = rule;
  d.verdict = verdict;
  d.message = {"理由", "the reason"};
  d.figures = std::move(figures);
  return d;
}

// An outcome of AS-POSTAGE-CAP capping a 12-yuan claim at 10 yuan, with an
// action for finance and the AS-RESOLVE deadline.
Outcome CappedPostage() {
  Outcome o;
  o.entity = "K1";
  o.audit.event_type = "return_shipped";
  o.audit.state_before = "return_agreed";
  o.audit.state_after = "return_in_transit";
  o.Add(MakeDecision(
      "AS-POSTAGE-CAP", Verdict::kAdjusted,
      {{"claimed", Money::Yuan(12)}, {"cap", Money::Yuan(10)}, {"reimbursed", Money::Yuan(10)}}));
  Action a;
  a.kind = ActionKind::kNotifyFinance;
  a.rule = "AS-POSTAGE-CAP";
  a.assignee = "finance";
  a.message = {"退邮费", "repay the postage"};
  o.actions.push_back(a);
  Deadline d;
  d.rule = "AS-RESOLVE";
  d.due = Monday(10) + Days(7);
  o.deadlines.push_back(d);
  return o;
}

Outcome RefusedContact() {
  Outcome o;
  o.entity = "R1";
  o.Add(MakeDecision("RV-CONTACT-LIMIT", Verdict::kRefused, {{"limit", int64_t{2}}}));
  o.audit.refused = true;
  return o;
}

// ---- IsAllowed

TEST(IsAllowed, MatchesAnOutcomeNoRuleRefused) {
  EXPECT_THAT(CappedPostage(), IsAllowed());
  EXPECT_THAT(absl::StatusOr<Outcome>(CappedPostage()), IsAllowed());
}

TEST(IsAllowed, FailsOnARefusalNamingTheRule) {
  EXPECT_EQ(WhyNot<Outcome>(IsAllowed(), RefusedContact()), "which RV-CONTACT-LIMIT refused");
  EXPECT_EQ(DescribeMatcher<const Outcome&>(IsAllowed()), "is allowed (no rule refused it)");
}

TEST(IsAllowed, FailsOnAnErrorStatusNamingIt) {
  const absl::StatusOr<Outcome> error = absl::FailedPreconditionError("not in this state");
  EXPECT_EQ(WhyNot<absl::StatusOr<Outcome>>(IsAllowed(), error),
            "which is an error, not an outcome: FAILED_PRECONDITION: not in this state");
}

TEST(IsAllowedBy, MatchesADecisionAndFailsOnAnother) {
  Outcome o;
  o.Add(MakeDecision("RV-CHANNEL", Verdict::kAllowed));
  EXPECT_THAT(o, IsAllowedBy("RV-CHANNEL"));
  EXPECT_THAT(o.decisions[0], IsAllowedBy("RV-CHANNEL"));
  EXPECT_EQ(WhyNot<Outcome>(IsAllowedBy("RV-REMEDY"), o),
            "which has no decision of RV-REMEDY (its decisions: RV-CHANNEL allowed)");
}

// ---- IsRefusedBy

TEST(IsRefusedBy, MatchesTheRefusingRule) {
  EXPECT_THAT(RefusedContact(), IsRefusedBy("RV-CONTACT-LIMIT"));
  EXPECT_THAT(RefusedContact().decisions[0], IsRefusedBy("RV-CONTACT-LIMIT"));
  EXPECT_THAT(RefusedContact(), Not(IsRefusedBy("RV-CHANNEL")));
}

TEST(IsRefusedBy, FailsSayingWhatTheRuleDecidedInstead) {
  EXPECT_EQ(WhyNot<Outcome>(IsRefusedBy("AS-POSTAGE-CAP"), CappedPostage()),
            "whose AS-POSTAGE-CAP decision is adjusted, not refused");
  EXPECT_EQ(WhyNot<Outcome>(IsRefusedBy("AS-DEDUP"), CappedPostage()),
            "which has no decision of AS-DEDUP (its decisions: AS-POSTAGE-CAP adjusted)");
  EXPECT_EQ(WhyNot<Decision>(IsRefusedBy("AS-DEDUP"), CappedPostage().decisions[0]),
            "which is a decision of AS-POSTAGE-CAP, not AS-DEDUP");
  EXPECT_EQ(DescribeMatcher<const Outcome&>(IsRefusedBy("AS-DEDUP")), "is refused by AS-DEDUP");
  EXPECT_EQ(DescribeMatcher<const Outcome&>(Not(IsRefusedBy("AS-DEDUP"))),
            "not (is refused by AS-DEDUP)");
}

// ---- IsAdjustedBy

TEST(IsAdjustedBy, MatchesTheRuleAndTheFigure) {
  EXPECT_THAT(CappedPostage(), IsAdjustedBy("AS-POSTAGE-CAP"));
  EXPECT_THAT(CappedPostage(), IsAdjustedBy("AS-POSTAGE-CAP", "reimbursed", Yuan(10)));
  EXPECT_THAT(CappedPostage(), IsAdjustedBy("AS-POSTAGE-CAP", "reimbursed", "10.00"));
}

TEST(IsAdjustedBy, FailsNamingTheFigureItHas) {
  EXPECT_EQ(WhyNot<Outcome>(IsAdjustedBy("AS-POSTAGE-CAP", "reimbursed", Amount("12.50")),
                            CappedPostage()),
            "whose AS-POSTAGE-CAP decision has reimbursed=10.00, not 12.50");
  EXPECT_EQ(WhyNot<Outcome>(IsAdjustedBy("AS-POSTAGE-CAP", "refund", Yuan(1)), CappedPostage()),
            "whose AS-POSTAGE-CAP decision has no figure refund (it has {claimed=12.00, "
            "cap=10.00, reimbursed=10.00})");
  EXPECT_EQ(DescribeMatcher<const Outcome&>(
                IsAdjustedBy("AS-POSTAGE-CAP", "reimbursed", Amount("12.50"))),
            "is adjusted by AS-POSTAGE-CAP with reimbursed=12.50");
}

// ---- IsScheduledBy

TEST(IsScheduledBy, MatchesAScheduledDecision) {
  Outcome o;
  o.Add(MakeDecision("ORD-MALL-COMP", Verdict::kScheduled, {{"compensation", Yuan(30)}}));
  EXPECT_THAT(o, IsScheduledBy("ORD-MALL-COMP"));
  EXPECT_THAT(o, IsScheduledBy("ORD-MALL-COMP", "compensation", Yuan(30)));
}

TEST(IsScheduledBy, FailsOnAnotherVerdict) {
  EXPECT_EQ(WhyNot<Outcome>(IsScheduledBy("AS-POSTAGE-CAP"), CappedPostage()),
            "whose AS-POSTAGE-CAP decision is adjusted, not scheduled");
  EXPECT_EQ(WhyNot<Decision>(IsScheduledBy("AS-POSTAGE-CAP"), CappedPostage().decisions[0]),
            "whose verdict is adjusted, not scheduled");
}

// ---- HasAction

TEST(HasAction, MatchesKindAndAssignee) {
  EXPECT_THAT(CappedPostage(), HasAction(ActionKind::kNotifyFinance));
  EXPECT_THAT(CappedPostage(), HasAction(ActionKind::kNotifyFinance, "finance"));
  EXPECT_THAT(CappedPostage().actions[0], HasAction(ActionKind::kNotifyFinance, "finance"));
}

TEST(HasAction, FailsListingTheActionsThereAre) {
  EXPECT_EQ(WhyNot<Outcome>(HasAction(ActionKind::kCall, "小王"), CappedPostage()),
            "whose actions are notify_finance for finance");
  EXPECT_EQ(WhyNot<Outcome>(HasAction(ActionKind::kCall), RefusedContact()),
            "which has no actions");
  EXPECT_EQ(
      WhyNot<Action>(HasAction(ActionKind::kNotifyFinance, "小王"), CappedPostage().actions[0]),
      "which is for \"finance\"");
  EXPECT_EQ(DescribeMatcher<const Outcome&>(HasAction(ActionKind::kCall, "小王")),
            "has an action call for \"小王\"");
}

// ---- HasDeadlineDueAt

TEST(HasDeadlineDueAt, MatchesRuleAndTime) {
  EXPECT_THAT(CappedPostage(), HasDeadlineDueAt("AS-RESOLVE", Monday(10) + Days(7)));
  EXPECT_THAT(CappedPostage().deadlines[0], HasDeadlineDueAt("AS-RESOLVE", WeekDay(8, 10)));
}

TEST(HasDeadlineDueAt, FailsNamingTheTimeItHas) {
  EXPECT_EQ(WhyNot<Outcome>(HasDeadlineDueAt("AS-RESOLVE", Monday(10)), CappedPostage()),
            "whose deadlines of AS-RESOLVE are: AS-RESOLVE set due 2026-11-09T10:00:00+08:00");
  EXPECT_EQ(WhyNot<Outcome>(HasDeadlineDueAt("AS-TRACK", Monday(10)), CappedPostage()),
            "which has no deadline of AS-TRACK (its deadlines: AS-RESOLVE)");
  EXPECT_EQ(DescribeMatcher<const Outcome&>(HasDeadlineDueAt("AS-RESOLVE", Monday(10))),
            "has a deadline of AS-RESOLVE due at 2026-11-02T10:00:00+08:00");
}

// ---- StatusIs

TEST(StatusIs, MatchesTheCode) {
  EXPECT_THAT(absl::NotFoundError("no order T9"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(absl::StatusOr<Outcome>(absl::NotFoundError("x")),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(absl::StatusOr<Outcome>(Outcome{}), StatusIs(absl::StatusCode::kOk));
}

TEST(StatusIs, FailsNamingTheCodeAndMessage) {
  EXPECT_EQ(WhyNot<absl::Status>(StatusIs(absl::StatusCode::kNotFound),
                                 absl::InvalidArgumentError("bad amount")),
            "whose code is INVALID_ARGUMENT (bad amount)");
  EXPECT_EQ(WhyNot<absl::StatusOr<Outcome>>(StatusIs(absl::StatusCode::kNotFound), Outcome{}),
            "which is OK");
  EXPECT_EQ(DescribeMatcher<const absl::Status&>(StatusIs(absl::StatusCode::kNotFound)),
            "has status code NOT_FOUND");
}

// ---- IsInState, with the fixture

class KitShopTest : public ShopTest {};

TEST_F(KitShopTest, IsInStateMatchesAnEntityAndFailsWithItsState) {
  MustApply(shop(), TaobaoOrder("T1").Paid().At(Monday(9)).Id("o1"));
  EXPECT_THAT(shop().FindOrder("T1"), IsInState("in_check"));
  EXPECT_EQ(WhyNot<const Order*>(IsInState("shipped"), shop().FindOrder("T1")),
            "which is in state \"in_check\"");
  EXPECT_EQ(WhyNot<const Order*>(IsInState("shipped"), shop().FindOrder("T9")),
            "which is no entity (nullptr)");
}

// The matchers on a real shop: the seed's worked examples with the defaults.
TEST_F(KitShopTest, MatchersReadAsTheSeed) {
  // A Tmall order of a 1000-yuan phone, paid on Monday at 09:00, refunded on
  // Tuesday for lack of stock: 5% would be 50 yuan, the buyer gets 30.
  ASSERT_THAT(Apply(TmallOrder("T1").Of("phone", 1, Yuan(1000)).Paid()), IsAllowed());
  AdvanceTo(Tuesday(10));
  MustApply(shop(), OutOfStock("T1", "phone").At(Now()).Id("oos"));
  ASSERT_THAT(Apply(Contacted("T1", ContactResult::kDeclinedOtherStyle)), IsAllowed());
  EXPECT_THAT(Apply(Refund("T1", Yuan(1000), RefundReason::kOutOfStock)),
              AllOf(IsScheduledBy("ORD-MALL-COMP", "compensation", Yuan(30)),
                    HasAction(ActionKind::kNotifyFinance, "finance")));
  // An order nobody placed is no outcome.
  EXPECT_THAT(Apply(Payment("T404")), StatusIs(absl::StatusCode::kNotFound));
}

// ---- Printers

TEST(PrintTo, AnOutcomeReadsAsText) {
  EXPECT_EQ(::testing::PrintToString(CappedPostage()),
            "Outcome of K1 (return_shipped: return_agreed -> return_in_transit)\n"
            "  decision AS-POSTAGE-CAP adjusted {claimed=12.00, cap=10.00, reimbursed=10.00}: "
            "the reason\n"
            "  action notify_finance for finance (AS-POSTAGE-CAP): repay the postage\n"
            "  deadline AS-RESOLVE set due 2026-11-09T10:00:00+08:00\n");
}

TEST(PrintTo, VocabularyPrintsByName) {
  EXPECT_EQ(::testing::PrintToString(Verdict::kRefused), "refused");
  EXPECT_EQ(::testing::PrintToString(ActionKind::kSms), "sms");
  EXPECT_EQ(::testing::PrintToString(Yuan(30)), "30.00 yuan");
  EXPECT_EQ(::testing::PrintToString(Channel::kTmall), "tmall");
  EXPECT_EQ(::testing::PrintToString(ReviewRating::kNeutral), "neutral");
  EXPECT_EQ(::testing::PrintToString(Figure{"cap", Yuan(10)}), "cap=10.00");
  EXPECT_EQ(::testing::PrintToString(Meta("e1", Monday(9))),
            "EventMeta{id: \"e1\", at: 2026-11-02T09:00:00+08:00, agent: \"小王\"}");
}

TEST(PrintTo, EventsPrintAsTheirJsonLine) {
  const std::string line =
      ::testing::PrintToString(Refund("T1", Yuan(5)).At(Monday(9)).Id("e7").Build());
  EXPECT_EQ(line,
            "{\"id\":\"e7\",\"at\":\"2026-11-02T09:00:00+08:00\",\"agent\":\"小王\","
            "\"entity\":\"order\",\"key\":\"T1\",\"type\":\"refunded\","
            "\"fields\":{\"amount\":\"5.00\"}}");
  Refunded r;
  r.meta = Meta("e8", Monday(9));
  r.amount = Yuan(5);
  EXPECT_THAT(::testing::PrintToString(r), ::testing::HasSubstr("\"type\":\"refunded\""));
}

}  // namespace
}  // namespace kefu::testing
