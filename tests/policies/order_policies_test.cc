// The ORD policies on their own: defaults from the catalogue, replaceable.
#include "kefu/policies/order_policies.h"

#include "gtest/gtest.h"
#include "kefu/policies/courier_reach.h"

namespace kefu {
namespace {

// ORD-VERIFY
TEST(VerifyPolicy, AllSixChecksAllowAndAnyMissingOneRefusesListingIt) {
  const VerifyPolicy p;
  EXPECT_EQ(p.Evaluate(kAllVerificationItems).verdict, Verdict::kAllowed);
  const Decision d = p.Evaluate(kAllVerificationItems & ~VerificationBit(VerificationItem::kAddress));
  EXPECT_EQ(d.rule, "ORD-VERIFY");
  EXPECT_EQ(d.verdict, Verdict::kRefused);
  EXPECT_EQ(d.Find("missing")->Render(Language::kEn), "address");
  EXPECT_EQ(p.Evaluate(0).Find("missing")->Render(Language::kEn),
            "product, quantity, price, postage, payment method, address");
  EXPECT_EQ(p.Evaluate(0).Reason(Language::kZh),
            "F2转F3前还需核对：产品、数量、价格、邮费、付款方式、地址");
}

// ORD-VERIFY: a shop may require fewer checks.
TEST(VerifyPolicy, AShopMayRequireOnlySomeChecks) {
  VerifyPolicy p;
  p.required = VerificationBit(VerificationItem::kAddress);
  EXPECT_EQ(p.Evaluate(VerificationBit(VerificationItem::kAddress)).verdict, Verdict::kAllowed);
}

// ORD-DUP-SHIP: characters, not bytes.
TEST(Utf8EditDistance, CountsCharactersNotBytes) {
  EXPECT_EQ(Utf8EditDistance("武侯区", "武候区", 5), 1);  // 3 bytes differ, 1 character
  EXPECT_EQ(Utf8EditDistance("人民南路12号", "人民南路112号", 5), 1);
  EXPECT_EQ(Utf8EditDistance("人民南路12号", "人民南路号", 5), 2);
  EXPECT_EQ(Utf8EditDistance("", "", 1), 0);
  EXPECT_EQ(Utf8EditDistance("abc", "abc", 0), 0);
  EXPECT_EQ(Utf8EditDistance("abcdef", "uvwxyz", 2), 3);  // stops early: limit + 1
  EXPECT_EQ(Utf8EditDistance("a\xFF", "a\xFE", 3), 1);  // invalid bytes: one character each
}

// ORD-DUP-SHIP
TEST(DuplicateShipPolicy, AddressesAtMostOneCharacterApartLookAlike) {
  const DuplicateShipPolicy p;
  EXPECT_TRUE(p.AddressesLookAlike("四川省成都市武侯区人民南路四段12号",
                                   "四川省成都市武侯区人民南路四段13号"));
  EXPECT_TRUE(p.AddressesLookAlike("四川省成都市", "四川省成都市"));
  EXPECT_FALSE(p.AddressesLookAlike("四川省成都市武侯区人民南路四段12号",
                                    "四川省成都市武侯区人民南路四段99号"));
}

// ORD-MALL-COMP, the seed's numbers.
TEST(MallCompensationPolicy, FivePercentOfTheRefundCappedAtThirtyYuan) {
  const MallCompensationPolicy p;
  EXPECT_EQ(*p.Compensation(Money::Yuan(1000)), Money::Yuan(30));
  EXPECT_EQ(*p.Compensation(Money::Yuan(200)), Money::Yuan(10));
  EXPECT_EQ(*p.Compensation(Money::Fen(1234)), Money::Fen(62));  // 61.7 fen rounds up
  EXPECT_TRUE(p.Applies(Channel::kTmall, RefundReason::kOutOfStock));
  EXPECT_FALSE(p.Applies(Channel::kTaobao, RefundReason::kOutOfStock));
  EXPECT_FALSE(p.Applies(Channel::kTmall, RefundReason::kOther));
}

// ORD-OOS-NOTIFY
TEST(OutOfStockNotifyPolicy, LadderAsWrittenInTheCatalogue) {
  const OutOfStockNotifyPolicy p;
  EXPECT_EQ(p.FirstStep(Channel::kTaobao, true, StockArrival::kTomorrow), ActionKind::kImMessage);
  EXPECT_EQ(p.FirstStep(Channel::kTaobao, true, StockArrival::kUncertain), ActionKind::kCall);
  EXPECT_EQ(p.FirstStep(Channel::kTaobao, false, StockArrival::kTomorrow), ActionKind::kCall);
  EXPECT_EQ(p.FirstStep(Channel::kWebsite, true, StockArrival::kTomorrow), ActionKind::kCall);
  EXPECT_EQ(p.AfterUnreachable(), ActionKind::kSms);
  OutOfStockNotifyPolicy im;
  im.prefer_sms = false;
  EXPECT_EQ(im.AfterUnreachable(), ActionKind::kImMessage);
}

// ORD-FIN-CHECK
TEST(FinanceCheckPolicy, TransfersAndOnlineBankingWaitForFinance) {
  const FinanceCheckPolicy p;
  EXPECT_TRUE(p.Needs(PaymentMethod::kBankTransfer));
  EXPECT_TRUE(p.Needs(PaymentMethod::kAlipayTransfer));
  EXPECT_TRUE(p.Needs(PaymentMethod::kOnlineBanking));
  EXPECT_FALSE(p.Needs(PaymentMethod::kPlatform));
  EXPECT_FALSE(p.Needs(PaymentMethod::kCashOnDelivery));
}

// ORD-INVOICE
TEST(InvoicePolicy, OnlyAccessoriesByDefaultAndTheFeeOnConfiguredChannels) {
  InvoicePolicy p;
  EXPECT_TRUE(p.ContentAllowed("配件"));
  EXPECT_FALSE(p.ContentAllowed("手机"));
  EXPECT_TRUE(p.ChargesFee(Channel::kWebsite));
  EXPECT_FALSE(p.ChargesFee(Channel::kTaobao));
  p.fee_channels.push_back(Channel::kTaobao);  // e.g. the 山城棒棒军 shop
  EXPECT_TRUE(p.ChargesFee(Channel::kTaobao));
}

// ORD-COD-REACH, ORD-PREPAY
TEST(CourierCoverage, BlockedAreasAndCashOnDeliveryOnlyBlindSpots) {
  CourierCoverage c;
  ASSERT_TRUE(c.Block("SF", "西藏自治区").ok());
  ASSERT_TRUE(c.Block("EMS", "四川省", "成都市", /*cod_only=*/true).ok());
  const Address lhasa{"西藏自治区", "拉萨市", "", ""};
  const Address chengdu{"四川省", "成都市", "", ""};
  EXPECT_FALSE(c.Delivers("SF", lhasa));
  EXPECT_EQ(c.CollectsCash("SF", lhasa), false);
  EXPECT_TRUE(c.Delivers("EMS", lhasa));
  EXPECT_EQ(c.CollectsCash("EMS", lhasa), true);
  EXPECT_TRUE(c.Delivers("EMS", chengdu));
  EXPECT_EQ(c.CollectsCash("EMS", chengdu), false);
  EXPECT_TRUE(CourierReachPolicy{}.AsksPrepay(Channel::kWebsite));
  EXPECT_FALSE(CourierReachPolicy{}.AsksPrepay(Channel::kTmall));
}

TEST(OrderPolicies, DefaultsAreTheCataloguesValues) {
  const OrderPolicies& p = OrderPolicies::Defaults();
  EXPECT_EQ(p.duplicate_ship.max_address_edits, 1);             // ORD-DUP-SHIP
  EXPECT_EQ(p.mall_compensation.rate, Rate::Percent(5));        // ORD-MALL-COMP
  EXPECT_EQ(p.mall_compensation.cap, Money::Fen(3000));
  EXPECT_EQ(p.cancellation.within_days, 0);                     // ORD-CANCEL-REG
  EXPECT_EQ(p.check_hold.max_days, 3);                         // ORD-F2-HOLD
  EXPECT_EQ(p.unshipped.close_out_day, 3);                      // ORD-UNSHIPPED
  EXPECT_EQ(p.exception.reconcile_after, absl::Hours(19));      // ORD-EXCEPTION
  EXPECT_EQ(p.invoice.fee, Rate::Percent(6));                   // ORD-INVOICE
  EXPECT_TRUE(p.postage_supplement.require_erp_cost);           // ORD-POSTAGE-SUPP
  EXPECT_EQ(p.fix.price_adjust_channels.size(), 1u);            // ORD-FIX
}

}  // namespace
}  // namespace kefu
