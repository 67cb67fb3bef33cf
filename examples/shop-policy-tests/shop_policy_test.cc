// 鑫源数码's GoogleTest checks of its pack (pack.toml), written with the
// testing kit (kefu/testing/testing.h, docs/testing.md). Each test is one
// worked example of the rules catalogue, in the seed's words.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/testing/testing.h"

namespace {

using ::kefu::ActionKind;
using ::kefu::ContactResult;
using ::kefu::RefundReason;
using ::kefu::ReviewChannel;
using ::kefu::ReviewContactResult;
using namespace ::kefu::testing;  // NOLINT: the kit reads as the seed

class OurPackTest : public ShopTest {
 protected:
  void SetUp() override { UsePackFile(SHOP_PACK); }
};

// ORD-MALL-COMP: 5% of a Tmall out-of-stock refund, at most 30 yuan.
TEST_F(OurPackTest, ATmallOutOfStockRefundOfAThousandYuanPaysThirty) {
  // A Tmall order of a 1000-yuan phone, paid on Monday at 09:00 ...
  MustApply(shop(), TmallOrder("T1").Of("手机", 1, Yuan(1000)).Paid().At(Monday(9)).Id("p"));
  AdvanceTo(Monday(10));
  Given(OutOfStock("T1", "手机"));
  // ... another style offered first, declined ...
  Given(Contacted("T1", ContactResult::kDeclinedOtherStyle));
  // ... refunded: 5% would be 50 yuan, finance pays the buyer 30.
  EXPECT_THAT(Apply(Refund("T1", Yuan(1000), RefundReason::kOutOfStock)),
              AllOf(IsScheduledBy("ORD-MALL-COMP", "compensation", Yuan(30)),
                    HasAction(ActionKind::kNotifyFinance, "finance")));
}

// AS-POSTAGE-CAP: out of province 10 yuan, in province 8 (this shop is in
// Guangdong).
TEST_F(OurPackTest, ReturnPostageIsCappedAtTenOutOfProvinceAndEightIn) {
  Given(ReturnFor("K1", "O1").CustomerIn("北京").ShopIn(""));
  Given(ReturnAgreedFor("K1"));
  AdvanceTo(Tuesday(15));
  EXPECT_THAT(Apply(ReturnShippedWith("K1", Yuan(12))),
              IsAdjustedBy("AS-POSTAGE-CAP", "reimbursed", Yuan(10)));

  Given(ReturnFor("K2", "O2").CustomerIn("广东").ShopIn(""));
  Given(ReturnAgreedFor("K2"));
  EXPECT_THAT(Apply(ReturnShippedWith("K2", Yuan(12))),
              IsAdjustedBy("AS-POSTAGE-CAP", "reimbursed", Yuan(8)));
}

// RV-CONTACT-LIMIT: a neutral review gets two calls, not three.
TEST_F(OurPackTest, AThirdCallOnANeutralReviewIsRefused) {
  Given(NeutralReview("R1"));
  Given(AssignReview("R1", "小王"));
  AdvanceTo(Monday(10));
  EXPECT_THAT(Apply(Call("R1", ReviewContactResult::kUnreachable)), IsAllowed());
  AdvanceTo(Monday(14));
  EXPECT_THAT(Apply(Call("R1", ReviewContactResult::kUnreachable)), IsAllowed());
  AdvanceTo(Monday(16));
  EXPECT_THAT(Apply(Call("R1", ReviewContactResult::kUnreachable)),
              IsRefusedBy("RV-CONTACT-LIMIT"));
}

// RV-SCHEDULE: a buyer who refuses gets a call on day 1 (the refusing call
// is it), an SMS on day 2 and one on day 3, at this shop's 09:30.
TEST_F(OurPackTest, ARefusingBuyerGetsATextTheNextDayAtHalfPastNine) {
  Given(NegativeReview("R3"));
  Given(AssignReview("R3", "小王"));
  AdvanceTo(Monday(10));
  const auto outcome = Apply(Call("R3", ReviewContactResult::kRefused));
  EXPECT_THAT(outcome, AllOf(IsScheduledBy("RV-SCHEDULE"), HasAction(ActionKind::kSms, "小王")));
  ASSERT_TRUE(outcome.ok());
  ASSERT_EQ(outcome->actions.size(), 1u);
  EXPECT_EQ(outcome->actions[0].due, Tuesday(9, 30)) << ::testing::PrintToString(*outcome);
  // On Tuesday at 09:30 the text falls due.
  AdvanceTo(Tuesday(9, 30));
  EXPECT_THAT(Due(), Contains(::testing::Field(&kefu::DueItem::rule, "RV-SCHEDULE")));
}

// AS-RESOLVE: registration to reshipment or refund within 7 days.
TEST_F(OurPackTest, ATicketMustBeResolvedWithinSevenDays) {
  AdvanceTo(Monday(10));
  // Registered on Monday: due by the end of the next Monday, seven days on.
  EXPECT_THAT(Apply(ExchangeFor("K7", "O7")), HasDeadlineDueAt("AS-RESOLVE", WeekDay(9, 0)));
  AdvanceTo(WeekDay(9, 0));
  EXPECT_THAT(
      Due(), Contains(AllOf(::testing::Field(&kefu::DueItem::rule, "AS-RESOLVE"),
                            ::testing::Field(&kefu::DueItem::kind, kefu::DueItem::Kind::kBreach))));
}

}  // namespace
