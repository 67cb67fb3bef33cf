// kefu/testing/builders.h: times, amounts and events for tests, so that a
// test reads as the seed does:
//
//   // A Tmall order of a 1000-yuan phone, paid on Monday at 09:00 ...
//   Apply(TmallOrder("T1").Of("phone", 1, Yuan(1000)).Paid().At(Monday(9)));
//   // ... refunded on Tuesday for lack of stock.
//   Apply(Refund("T1", Yuan(1000), RefundReason::kOutOfStock).At(Tuesday(10)));
//
// Times: the seed week is Monday 2 November 2026 to Sunday 8 November 2026,
// in China (UTC+08:00, the default calendar's zone). Monday(9) is 09:00 that
// Monday; WeekDay(8, 9) the next Monday at 09:00.
//
// Events: each builder holds a ShopEvent (the entity's key and the typed
// event) with sample fields where the event needs them (a buyer, an
// address, a line); chain setters to change what the test is about and
// pass the builder wherever a ShopEvent is taken. An event built without
// At() has no time and one without Id() no id: kefu::testing::ShopTest
// (kefu/testing/shop_test.h) stamps them with its clock's time and a fresh
// id ("e1", "e2", ...); elsewhere, set both. The agent defaults to "小王".
//
// Thread safety: builders are values.
#ifndef KEFU_TESTING_BUILDERS_H_
#define KEFU_TESTING_BUILDERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "kefu/core/money.h"
#include "kefu/core/time.h"
#include "kefu/engine/shop_event.h"
#include "kefu/machines/machine.h"
#include "kefu/testing/print.h"

namespace kefu::testing {

// ---------------------------------------------------------------- times

// `n` days (24 hours).
constexpr Duration Days(int64_t n) { return absl::Hours(24 * n); }

// "2026-11-02T10:00:00+08:00" as a Timestamp. A text ParseTimestamp refuses
// fails the current test (ADD_FAILURE) and gives the Unix epoch.
Timestamp At(std::string_view rfc3339);

// Day `day` of the seed week (1 = Monday 2 November 2026, 7 = Sunday, 8 =
// the next Monday, ...) at hour:minute, UTC+08:00.
Timestamp WeekDay(int day, int hour, int minute = 0);
inline Timestamp Monday(int hour, int minute = 0) { return WeekDay(1, hour, minute); }
inline Timestamp Tuesday(int hour, int minute = 0) { return WeekDay(2, hour, minute); }
inline Timestamp Wednesday(int hour, int minute = 0) { return WeekDay(3, hour, minute); }
inline Timestamp Thursday(int hour, int minute = 0) { return WeekDay(4, hour, minute); }
inline Timestamp Friday(int hour, int minute = 0) { return WeekDay(5, hour, minute); }
inline Timestamp Saturday(int hour, int minute = 0) { return WeekDay(6, hour, minute); }
inline Timestamp Sunday(int hour, int minute = 0) { return WeekDay(7, hour, minute); }

// --------------------------------------------------------------- amounts

// Whole yuan.
constexpr Money Yuan(int64_t yuan) { return Money::Yuan(yuan); }
// "12.50" as Money. A text Money::Parse refuses fails the current test and
// gives zero.
Money Amount(std::string_view yuan);

// ---------------------------------------------------------------- events

// Metadata with an id, a time and an agent.
inline EventMeta Meta(std::string id, Timestamp at, std::string agent = "小王") {
  return EventMeta{std::move(id), at, std::move(agent)};
}

// The agent sample events are by when none is set.
inline constexpr std::string_view kSampleAgent = "小王";

// A ShopEvent under construction: the entity's key and one event, of type
// E (an event struct: OrderPlaced, ReturnShipped, ContactAttempted, ...).
// Self is the builder's own type, so that the setters chain.
template <class E, class Self>
class EventBuilderBase {
 public:
  EventBuilderBase(std::string key, E event) : key_(std::move(key)), event_(std::move(event)) {
    if (event_.meta.agent.empty()) event_.meta.agent = std::string(kSampleAgent);
  }

  Self& At(Timestamp t) {
    event_.meta.at = t;
    return self();
  }
  Self& Id(std::string id) {
    event_.meta.id = std::move(id);
    return self();
  }
  // The acting agent (empty: the system).
  Self& By(std::string agent) {
    event_.meta.agent = std::move(agent);
    return self();
  }
  // The event itself, to set any field no setter covers.
  E& event() { return event_; }
  const E& event() const { return event_; }
  E* operator->() { return &event_; }
  const std::string& key() const { return key_; }

  ShopEvent Build() const { return ShopEvent{key_, event_}; }
  operator ShopEvent() const { return Build(); }  // NOLINT: a builder stands for its event

 protected:
  Self& self() { return static_cast<Self&>(*this); }
  std::string key_;
  E event_;
};

// Any event struct for the entity `key`, with no more sugar than the above.
template <class E>
class EventBuilder : public EventBuilderBase<E, EventBuilder<E>> {
 public:
  using EventBuilderBase<E, EventBuilder<E>>::EventBuilderBase;
};
template <class E>
EventBuilder<E> Event(std::string key, E event) {
  return EventBuilder<E>(std::move(key), std::move(event));
}

// ---- Orders

// An order as it arrives: buyer "tb_buyer_01" (13800000000), to 四川省成都市,
// by EMS, platform payment, no postage, unpaid, no lines until Of() adds
// them (one "N86-case" at 25 yuan when the order is built with none).
class OrderBuilder : public EventBuilderBase<OrderPlaced, OrderBuilder> {
 public:
  OrderBuilder(std::string key, Channel channel);
  // A line: `quantity` of `product` at `unit_price` each.
  OrderBuilder& Of(std::string product, int32_t quantity, Money unit_price);
  // Paid through the platform when it arrives.
  OrderBuilder& Paid();
  OrderBuilder& PayBy(PaymentMethod method);
  OrderBuilder& Postage(Money postage);
  OrderBuilder& To(std::string province, std::string city = "");
  OrderBuilder& Buyer(std::string name, std::string phone = "");
  OrderBuilder& Courier(std::string courier);

  ShopEvent Build() const;
  operator ShopEvent() const { return Build(); }  // NOLINT
};
OrderBuilder TmallOrder(std::string key);
OrderBuilder TaobaoOrder(std::string key);

// The buyer paid order `key`.
EventBuilder<PaymentReceived> Payment(std::string key);
// `amount` went back to the buyer of order `key`, for `reason`.
EventBuilder<Refunded> Refund(std::string key, Money amount,
                              RefundReason reason = RefundReason::kOther);
// `product` of order `key` is out of stock.
EventBuilder<OutOfStockReported> OutOfStock(std::string key, std::string product,
                                            StockArrival arrival = StockArrival::kUncertain);
// The customer of order `key` was contacted, with `result`
// (ContactResult::kDeclinedOtherStyle: offered another style, declined).
EventBuilder<CustomerContacted> Contacted(std::string key, ContactResult result,
                                          ContactChannel channel = ContactChannel::kPhone);

// ---- After-sales tickets

// Ticket `key`: a return for refund of one "N86-screen" of order
// `order_id`, customer and shop in 广东省, return postage paid back by the
// shop through Alipay.
class TicketBuilder : public EventBuilderBase<TicketRegistered, TicketBuilder> {
 public:
  TicketBuilder(std::string key, std::string order_id, TicketKind kind);
  // Where the customer is (AS-POSTAGE-CAP: out of province or not).
  TicketBuilder& CustomerIn(std::string province);
  TicketBuilder& ShopIn(std::string province);
  TicketBuilder& QualityClaim();
  TicketBuilder& ReturnPostageBy(PostagePayer payer);
};
TicketBuilder ReturnFor(std::string key, std::string order_id);
TicketBuilder ExchangeFor(std::string key, std::string order_id);

// The customer of ticket `key` sent the parcel, declaring `postage`.
EventBuilder<ReturnShipped> ReturnShippedWith(std::string key, Money postage);
// The shop agreed to the return of ticket `key`.
EventBuilder<ReturnAgreed> ReturnAgreedFor(std::string key);

// ---- Reviews

// Review `key` of order `order_id`: a 25-yuan "N86 液晶屏", complaint
// "屏幕有坏点", buyer "buyer_wang".
class ReviewBuilder : public EventBuilderBase<ReviewReceived, ReviewBuilder> {
 public:
  ReviewBuilder(std::string key, std::string order_id, ReviewRating rating);
  ReviewBuilder& Price(Money item_price);
  ReviewBuilder& Product(std::string product);
};
ReviewBuilder NegativeReview(std::string key, std::string order_id = "T-1001");
ReviewBuilder NeutralReview(std::string key, std::string order_id = "T-1001");

// Review `key` given to `agent` (by the supervisor, "主管").
EventBuilder<ReviewAssigned> AssignReview(std::string key, std::string agent);
// A contact with the buyer of review `key`.
EventBuilder<ContactAttempted> Contact(std::string key, ReviewChannel channel,
                                       ReviewContactResult result = ReviewContactResult::kTalked);
inline EventBuilder<ContactAttempted> Call(
    std::string key, ReviewContactResult result = ReviewContactResult::kTalked) {
  return Contact(std::move(key), ReviewChannel::kPhone, result);
}
EventBuilder<RemedyDeclined> RemedyDeclinedFor(std::string key);
// The host's end-of-day tick for review `key` (by "system").
EventBuilder<DayEnded> DayEnd(std::string key);

}  // namespace kefu::testing

#endif  // KEFU_TESTING_BUILDERS_H_
