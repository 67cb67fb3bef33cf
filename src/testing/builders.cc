#include "kefu/testing/builders.h"

#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace kefu::testing {

Timestamp At(std::string_view rfc3339) {
  absl::StatusOr<Timestamp> t = ParseTimestamp(rfc3339);
  if (!t.ok()) {
    ADD_FAILURE() << "kefu::testing::At(\"" << rfc3339 << "\"): " << t.status();
    return absl::UnixEpoch();
  }
  return *t;
}

Timestamp WeekDay(int day, int hour, int minute) {
  static const absl::TimeZone kChina = absl::FixedTimeZone(8 * 3600);
  // Monday 2 November 2026 is day 1.
  return absl::FromCivil(absl::CivilMinute(2026, 11, 1 + day, hour, minute), kChina);
}

Money Amount(std::string_view yuan) {
  absl::StatusOr<Money> m = Money::Parse(yuan);
  if (!m.ok()) {
    ADD_FAILURE() << "kefu::testing::Amount(\"" << yuan << "\"): " << m.status();
    return Money::Zero();
  }
  return *m;
}

// ---------------------------------------------------------------- orders

OrderBuilder::OrderBuilder(std::string key, Channel channel)
    : EventBuilderBase(std::move(key), OrderPlaced{}) {
  event_.channel = channel;
  event_.buyer = {"tb_buyer_01", "13800000000"};
  event_.address = {"四川省", "成都市", "武侯区", "人民南路四段12号"};
  event_.courier = "EMS";
  event_.payment = PaymentMethod::kPlatform;
}

OrderBuilder& OrderBuilder::Of(std::string product, int32_t quantity, Money unit_price) {
  event_.lines.push_back(OrderLine{std::move(product), quantity, unit_price, false});
  return *this;
}

OrderBuilder& OrderBuilder::Paid() {
  event_.paid = true;
  return *this;
}

OrderBuilder& OrderBuilder::PayBy(PaymentMethod method) {
  event_.payment = method;
  return *this;
}

OrderBuilder& OrderBuilder::Postage(Money postage) {
  event_.postage = postage;
  return *this;
}

OrderBuilder& OrderBuilder::To(std::string province, std::string city) {
  event_.address.province = std::move(province);
  event_.address.city = std::move(city);
  return *this;
}

OrderBuilder& OrderBuilder::Buyer(std::string name, std::string phone) {
  event_.buyer = {std::move(name), std::move(phone)};
  return *this;
}

OrderBuilder& OrderBuilder::Courier(std::string courier) {
  event_.courier = std::move(courier);
  return *this;
}

ShopEvent OrderBuilder::Build() const {
  OrderPlaced e = event_;
  if (e.lines.empty()) e.lines.push_back(OrderLine{"N86-case", 1, Money::Yuan(25), false});
  return ShopEvent{key_, std::move(e)};
}

OrderBuilder TmallOrder(std::string key) { return OrderBuilder(std::move(key), Channel::kTmall); }
OrderBuilder TaobaoOrder(std::string key) { return OrderBuilder(std::move(key), Channel::kTaobao); }

EventBuilder<PaymentReceived> Payment(std::string key) {
  return Event(std::move(key), PaymentReceived{});
}

EventBuilder<Refunded> Refund(std::string key, Money amount, RefundReason reason) {
  Refunded e;
  e.amount = amount;
  e.reason = reason;
  return Event(std::move(key), std::move(e));
}

EventBuilder<OutOfStockReported> OutOfStock(std::string key, std::string product,
                                            StockArrival arrival) {
  OutOfStockReported e;
  e.product = std::move(product);
  e.arrival = arrival;
  return Event(std::move(key), std::move(e));
}

EventBuilder<CustomerContacted> Contacted(std::string key, ContactResult result,
                                          ContactChannel channel) {
  CustomerContacted e;
  e.channel = channel;
  e.result = result;
  return Event(std::move(key), std::move(e));
}

// --------------------------------------------------------------- tickets

TicketBuilder::TicketBuilder(std::string key, std::string order_id, TicketKind kind)
    : EventBuilderBase(std::move(key), TicketRegistered{}) {
  event_.order_id = std::move(order_id);
  event_.kind = kind;
  event_.category = "质量问题";
  event_.details = "屏幕有亮点，客户要求退货";
  event_.lines = {{"N86-screen", 1}};
  event_.customer_province = "广东省";
  event_.shop_province = "广东省";
  event_.shop = "淘宝店";
  event_.buyer_im = "tb_buyer_01";
  event_.alipay_account = "buyer@example.com";
  event_.return_postage = PostagePayer::kShop;
  event_.reship_postage = PostagePayer::kShop;
  event_.repayment = Repayment::kAlipayRefund;
}

TicketBuilder& TicketBuilder::CustomerIn(std::string province) {
  event_.customer_province = std::move(province);
  return *this;
}

TicketBuilder& TicketBuilder::ShopIn(std::string province) {
  event_.shop_province = std::move(province);
  return *this;
}

TicketBuilder& TicketBuilder::QualityClaim() {
  event_.quality_claim = true;
  return *this;
}

TicketBuilder& TicketBuilder::ReturnPostageBy(PostagePayer payer) {
  event_.return_postage = payer;
  return *this;
}

TicketBuilder ReturnFor(std::string key, std::string order_id) {
  return TicketBuilder(std::move(key), std::move(order_id), TicketKind::kReturnRefund);
}

TicketBuilder ExchangeFor(std::string key, std::string order_id) {
  return TicketBuilder(std::move(key), std::move(order_id), TicketKind::kExchange);
}

EventBuilder<ReturnShipped> ReturnShippedWith(std::string key, Money postage) {
  ReturnShipped e;
  e.declared_postage = postage;
  e.tracking_number = "SF1";
  return Event(std::move(key), std::move(e));
}

EventBuilder<ReturnAgreed> ReturnAgreedFor(std::string key) {
  return Event(std::move(key), ReturnAgreed{});
}

// --------------------------------------------------------------- reviews

ReviewBuilder::ReviewBuilder(std::string key, std::string order_id, ReviewRating rating)
    : EventBuilderBase(std::move(key), ReviewReceived{}) {
  event_.meta.agent = "platform";
  event_.order_id = std::move(order_id);
  event_.product = "N86 液晶屏";
  event_.rating = rating;
  event_.complaint = "屏幕有坏点";
  event_.item_price = Money::Yuan(25);
  event_.buyer = "buyer_wang";
  event_.buyer_phone = "13800000000";
}

ReviewBuilder& ReviewBuilder::Price(Money item_price) {
  event_.item_price = item_price;
  return *this;
}

ReviewBuilder& ReviewBuilder::Product(std::string product) {
  event_.product = std::move(product);
  return *this;
}

ReviewBuilder NegativeReview(std::string key, std::string order_id) {
  return ReviewBuilder(std::move(key), std::move(order_id), ReviewRating::kNegative);
}

ReviewBuilder NeutralReview(std::string key, std::string order_id) {
  return ReviewBuilder(std::move(key), std::move(order_id), ReviewRating::kNeutral);
}

EventBuilder<ReviewAssigned> AssignReview(std::string key, std::string agent) {
  ReviewAssigned e;
  e.meta.agent = "主管";
  e.agent = std::move(agent);
  return Event(std::move(key), std::move(e));
}

EventBuilder<ContactAttempted> Contact(std::string key, ReviewChannel channel,
                                       ReviewContactResult result) {
  ContactAttempted e;
  e.channel = channel;
  e.result = result;
  return Event(std::move(key), std::move(e));
}

EventBuilder<RemedyDeclined> RemedyDeclinedFor(std::string key) {
  return Event(std::move(key), RemedyDeclined{});
}

EventBuilder<DayEnded> DayEnd(std::string key) {
  DayEnded e;
  e.meta.agent = "system";
  return Event(std::move(key), std::move(e));
}

}  // namespace kefu::testing
