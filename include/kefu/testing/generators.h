// kefu/testing/generators.h: rapidcheck generators of valid event streams,
// one per machine, for property tests of a shop's own invariants:
//
//   RC_GTEST_PROP(OurPack, NoCompensationExceedsTheCap, ()) {
//     const auto events = *kefu::testing::ValidOrderEvents("T1", OurOptions());
//     auto shop = *kefu::Shop::Create(OurOptions());
//     for (const kefu::ShopEvent& e : events) {
//       auto outcome = shop->Apply(e);
//       RC_ASSERT(outcome.ok());
//       ...
//     }
//   }
//
// A stream is the events of one entity (an order, a ticket or a review) in
// time order, each accepted by the machine in the state the ones before
// left it in: applied to a fresh Shop made with the same ShopOptions, none
// ends in an error status (a rule may refuse one: that is an outcome, not
// an error). The first event creates the entity; then each event is drawn
// among the types the machine's transition table accepts in its current
// state, with random fields (amounts, channels, results, provinces...), 1
// to 30 minutes to 30 hours after the one before. Shrinking keeps streams
// valid: a stream is rebuilt from the draws, skipping what the machine no
// longer accepts.
//
// A failing stream shows as its events' JSON lines (docs/events.md).
//
// Event types drawn: orders all but order_adjusted and postage_supplemented;
// tickets all but handed_off and escalated; reviews all. Ids are
// "<key>-1", "<key>-2", ...; the agent is "小王" (a review's assignment is
// by "主管", the review itself by "platform").
//
// Header-only: include it in a test linked with rapidcheck (CMake:
// find_package(rapidcheck CONFIG), target rapidcheck; rapidcheck_gtest for
// RC_GTEST_PROP) besides kefu::testing.
#ifndef KEFU_TESTING_GENERATORS_H_
#define KEFU_TESTING_GENERATORS_H_

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kefu/core/money.h"
#include "kefu/core/time.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/shop_event.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"
#include "kefu/testing/builders.h"
#include "rapidcheck.h"

namespace kefu::testing {

namespace generators_internal {

inline int Pick(int n) { return *rc::gen::inRange(0, n); }
inline bool Coin(int one_in = 2) { return Pick(one_in) == 0; }
inline Money Fen(int64_t min, int64_t max) {
  return Money::Fen(*rc::gen::inRange<int64_t>(min, max + 1));
}

inline const char* Province() {
  static const char* const kProvinces[] = {"广东", "北京", "浙江", "四川省", ""};
  return kProvinces[Pick(5)];
}

// One candidate event per type name the table uses; `make` draws its fields.
template <class Event>
struct Candidate {
  std::string_view name;
  std::function<Event(EventMeta)> make;
};

inline std::vector<Candidate<OrderEvent>> OrderCandidates() {
  using E = OrderEvent;
  return {
      {OrderPlaced::kName,
       [](EventMeta m) -> E {
         OrderPlaced e;
         e.meta = std::move(m);
         e.channel = static_cast<Channel>(Pick(4));
         e.buyer = {"buyer_" + std::to_string(Pick(3)), "13800000000"};
         const int lines = 1 + Pick(3);
         for (int i = 0; i < lines; ++i) {
           e.lines.push_back(
               OrderLine{"P" + std::to_string(i), 1 + Pick(3), Fen(100, 200000), false});
         }
         e.postage = Fen(0, 2000);
         e.paid = Coin();
         e.address = {Province(), "某市", "某区", "某路1号"};
         e.courier = Coin() ? "EMS" : "SF";
         return e;
       }},
      {PaymentReceived::kName,
       [](EventMeta m) -> E {
         return PaymentReceived{std::move(m), {}};
       }},
      {FinanceConfirmed::kName, [](EventMeta m) -> E { return FinanceConfirmed{std::move(m)}; }},
      {CheckRecorded::kName,
       [](EventMeta m) -> E {
         return CheckRecorded{std::move(m),
                              static_cast<VerificationItem>(Pick(kVerificationItemCount))};
       }},
      {CheckPassed::kName, [](EventMeta m) -> E { return CheckPassed{std::move(m)}; }},
      {HoldPlaced::kName,
       [](EventMeta m) -> E {
         return HoldPlaced{std::move(m), "等客户回复"};
       }},
      {HoldReleased::kName,
       [](EventMeta m) -> E {
         return HoldReleased{std::move(m), Coin(), ""};
       }},
      {OutOfStockReported::kName,
       [](EventMeta m) -> E {
         return OutOfStockReported{std::move(m), "P0", static_cast<StockArrival>(Pick(2))};
       }},
      {CustomerContacted::kName,
       [](EventMeta m) -> E {
         return CustomerContacted{std::move(m), static_cast<ContactChannel>(Pick(3)),
                                  static_cast<ContactResult>(Pick(5))};
       }},
      {CourierChanged::kName,
       [](EventMeta m) -> E {
         return CourierChanged{std::move(m), Coin() ? "SF" : "ZTO"};
       }},
      {CourierConfirmed::kName,
       [](EventMeta m) -> E {
         return CourierConfirmed{std::move(m), ""};
       }},
      {MarkedShipped::kName,
       [](EventMeta m) -> E {
         return MarkedShipped{std::move(m), Coin(4), "YT1"};
       }},
      {Delivered::kName, [](EventMeta m) -> E { return Delivered{std::move(m)}; }},
      {Completed::kName, [](EventMeta m) -> E { return Completed{std::move(m)}; }},
      {Cancelled::kName,
       [](EventMeta m) -> E {
         return Cancelled{std::move(m), std::nullopt, "客户取消"};
       }},
      {Refunded::kName,
       [](EventMeta m) -> E {
         return Refunded{std::move(m), Fen(1, 300000), static_cast<RefundReason>(Pick(2)), ""};
       }},
      {InvoiceRequested::kName,
       [](EventMeta m) -> E {
         return InvoiceRequested{std::move(m), "某公司", Coin() ? "配件" : "办公用品"};
       }},
  };
}

inline std::vector<Candidate<TicketEvent>> TicketCandidates() {
  using E = TicketEvent;
  return {
      {TicketRegistered::kName,
       [](EventMeta m) -> E {
         TicketRegistered e;
         e.meta = std::move(m);
         e.order_id = "O" + std::to_string(Pick(1000));
         e.kind = static_cast<TicketKind>(Pick(4));
         e.category = "质量问题";
         e.lines = {{"N86-screen", 1 + Pick(2)}};
         e.customer_province = Province();
         e.shop_province = Province();
         e.buyer_im = "buyer";
         e.alipay_account = "buyer@example.com";
         e.return_postage = static_cast<PostagePayer>(Pick(3));
         e.reship_postage = static_cast<PostagePayer>(Pick(3));
         e.repayment = static_cast<Repayment>(Pick(3));
         e.quality_claim = Coin();
         return e;
       }},
      {ReturnAgreed::kName, [](EventMeta m) -> E { return ReturnAgreed{std::move(m)}; }},
      {ReturnShipped::kName,
       [](EventMeta m) -> E {
         return ReturnShipped{std::move(m), Fen(0, 3000), Coin(8), "SF1"};
       }},
      {ParcelReceived::kName,
       [](EventMeta m) -> E {
         return ParcelReceived{std::move(m), ""};
       }},
      {PackagingChecked::kName,
       [](EventMeta m) -> E {
         return PackagingChecked{std::move(m), static_cast<Packaging>(Pick(3)), !Coin(5)};
       }},
      {ItemTested::kName,
       [](EventMeta m) -> E {
         return ItemTested{std::move(m), Coin(), Coin() ? "QC1" : ""};
       }},
      {ResaleDecided::kName,
       [](EventMeta m) -> E {
         return ResaleDecided{std::move(m), Coin(), Coin()};
       }},
      {SupplierExchangeRequested::kName,
       [](EventMeta m) -> E { return SupplierExchangeRequested{std::move(m)}; }},
      {SupplierExchangeReceived::kName,
       [](EventMeta m) -> E { return SupplierExchangeReceived{std::move(m)}; }},
      {EvidenceRecorded::kName,
       [](EventMeta m) -> E {
         return EvidenceRecorded{std::move(m), Coin(), Coin()};
       }},
      {RefundSentToFinance::kName,
       [](EventMeta m) -> E {
         RefundSentToFinance e;
         e.meta = std::move(m);
         e.amount = Fen(1, 50000);
         e.compensation = Coin() ? Money::Zero() : Fen(1, 3000);
         e.quality_fault = Coin();
         e.full_refund_unusable = Coin(4);
         e.exchange_declined = Coin();
         return e;
       }},
      {RefundPaid::kName, [](EventMeta m) -> E { return RefundPaid{std::move(m)}; }},
      {CashPutInParcel::kName,
       [](EventMeta m) -> E {
         return CashPutInParcel{std::move(m), Fen(1, 2000)};
       }},
      {Reshipped::kName,
       [](EventMeta m) -> E {
         return Reshipped{std::move(m), "SF2"};
       }},
      {TicketClosed::kName,
       [](EventMeta m) -> E {
         return TicketClosed{std::move(m), ""};
       }},
      {TicketRejected::kName,
       [](EventMeta m) -> E {
         return TicketRejected{std::move(m), "不符合售后条件"};
       }},
  };
}

inline std::vector<Candidate<ReviewEvent>> ReviewCandidates() {
  using E = ReviewEvent;
  return {
      {ReviewReceived::kName,
       [](EventMeta m) -> E {
         ReviewReceived e;
         e.meta = std::move(m);
         e.meta.agent = "platform";
         e.order_id = "T" + std::to_string(Pick(1000));
         e.product = "N86 液晶屏";
         e.rating = Coin() ? ReviewRating::kNeutral : ReviewRating::kNegative;
         e.complaint = "屏幕有坏点";
         e.item_price = Fen(100, 10000);
         e.buyer = "buyer";
         e.buyer_phone = "13800000000";
         e.buyer_difficult = Coin(6);
         return e;
       }},
      {ReviewAssigned::kName,
       [](EventMeta m) -> E {
         m.agent = "主管";
         return ReviewAssigned{std::move(m), Coin(4) ? "小李" : "小王"};
       }},
      {ContactAttempted::kName,
       [](EventMeta m) -> E {
         ContactAttempted e;
         e.meta = std::move(m);
         e.channel = static_cast<ReviewChannel>(Pick(3));
         e.result = static_cast<ReviewContactResult>(Pick(4));
         if (Coin()) e.presence = static_cast<BuyerPresence>(Pick(2));
         return e;
       }},
      {RevisionAgreed::kName, [](EventMeta m) -> E { return RevisionAgreed{std::move(m)}; }},
      {RevisionObserved::kName,
       [](EventMeta m) -> E {
         return RevisionObserved{std::move(m), ReviewRating::kPositive};
       }},
      {RemedyOffered::kName,
       [](EventMeta m) -> E {
         const Remedy r = static_cast<Remedy>(Pick(kRemedyCount));
         return RemedyOffered{std::move(m), r,
                              r == Remedy::kPartialRefund ? Fen(1, 1000) : Money::Zero()};
       }},
      {RemedyAccepted::kName, [](EventMeta m) -> E { return RemedyAccepted{std::move(m)}; }},
      {RemedyDeclined::kName, [](EventMeta m) -> E { return RemedyDeclined{std::move(m)}; }},
      {DayEnded::kName,
       [](EventMeta m) -> E {
         m.agent = "system";
         return DayEnded{std::move(m)};
       }},
      {ReviewClosed::kName,
       [](EventMeta m) -> E {
         return ReviewClosed{std::move(m), "放弃"};
       }},
  };
}

// Draws a stream for `entity` (a fresh machine), applying each candidate
// with `apply` and keeping those that do not end in an error status.
template <class Entity, class Event, class Apply>
std::vector<ShopEvent> DrawStream(Entity entity, const std::vector<Candidate<Event>>& candidates,
                                  const TransitionTable& table, Apply apply) {
  const std::string key(entity.id());
  std::vector<ShopEvent> out;
  Timestamp at = Monday(9);
  const int n = *rc::gen::inRange(1, 31);
  for (int i = 0; i < n; ++i) {
    std::vector<size_t> accepted;
    for (size_t k = 0; k < candidates.size(); ++k) {
      if (table.Accepts(entity.state(), candidates[k].name)) accepted.push_back(k);
    }
    if (accepted.empty()) break;  // a final state
    at += absl::Minutes(*rc::gen::inRange(1, 30 * 60));
    const size_t k = accepted[static_cast<size_t>(Pick(static_cast<int>(accepted.size())))];
    Event e = candidates[k].make(Meta(key + "-" + std::to_string(out.size() + 1), at));
    if (apply(entity, e)) out.push_back(ShopEvent{key, std::move(e)});
  }
  return out;
}

}  // namespace generators_internal

// Valid streams of events of order `key`, judged by `options`' policies.
inline rc::Gen<std::vector<ShopEvent>> ValidOrderEvents(std::string key = "T1",
                                                        ShopOptions options = {}) {
  return rc::gen::exec([key, options] {
    OrderEnvironment env;
    env.policies = &options.order_policies;
    env.calendar = options.calendar.get();
    env.courier_reach = options.courier_reach.get();
    return generators_internal::DrawStream(
        Order(key), generators_internal::OrderCandidates(), Order::Table(),
        [&env](Order& o, const OrderEvent& e) { return o.Apply(e, env).ok(); });
  });
}

// Valid streams of events of after-sales ticket `key`.
inline rc::Gen<std::vector<ShopEvent>> ValidTicketEvents(std::string key = "K1",
                                                         ShopOptions options = {}) {
  return rc::gen::exec([key, options] {
    TicketEnvironment env;
    env.policies = &options.ticket_policies;
    env.calendar = options.calendar.get();
    return generators_internal::DrawStream(
        Ticket(key), generators_internal::TicketCandidates(), Ticket::Table(),
        [&env](Ticket& t, const TicketEvent& e) { return t.Apply(e, env).ok(); });
  });
}

// Valid streams of events of review `key`.
inline rc::Gen<std::vector<ShopEvent>> ValidReviewEvents(std::string key = "R1",
                                                         ShopOptions options = {}) {
  return rc::gen::exec([key, options] {
    ReviewEnvironment env;
    env.policies = &options.review_policies;
    env.calendar = options.calendar.get();
    return generators_internal::DrawStream(
        Review(key), generators_internal::ReviewCandidates(), Review::Table(),
        [&env](Review& r, const ReviewEvent& e) { return r.Apply(e, env).ok(); });
  });
}

}  // namespace kefu::testing

namespace kefu {
// How rapidcheck shows an event of a failing stream: its JSON line.
inline void showValue(const ShopEvent& event, std::ostream& os) { PrintTo(event, &os); }
}  // namespace kefu

#endif  // KEFU_TESTING_GENERATORS_H_
