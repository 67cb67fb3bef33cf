// Order machine benchmarks (issue 3). Floors: >= 2 million full Apply calls
// per second per core; raw MSM dispatch within 1.5x of a plain switch.
//
//   BM_OrderApply/<lifecycle>  full Order::Apply (validation, idempotency log,
//                              policies, outcome, audit) over a realistic
//                              lifecycle, a fresh order each time.
//   BM_RawMsmDispatch          the same Boost.MSM table with an empty context
//                              (guards true, actions empty): dispatch only.
//   BM_RawSwitchDispatch       the same transitions as a nested switch: the
//                              baseline. Compare items_per_second.
#include "machines/order_fsm.h"  // first: MSM config

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "kefu/machines/order.h"

namespace kefu {
namespace {

Timestamp T(int minutes) {
  return absl::FromUnixSeconds(1793577600) + absl::Minutes(minutes);  // 2026-11-02 08:00 +08
}
EventMeta M(int i) { return EventMeta{"e" + std::to_string(i), T(i), "xiaowang"}; }

OrderPlaced Placed(PaymentMethod payment, bool paid, Channel channel = Channel::kTaobao) {
  OrderPlaced e;
  e.meta = M(0);
  e.channel = channel;
  e.buyer = {"tb_buyer_01", "13800000000"};
  e.lines = {{"N86-case", 2, Money::Yuan(25), false}, {"charger", 1, Money::Yuan(40), false}};
  e.postage = Money::Yuan(10);
  e.payment = payment;
  e.paid = paid;
  e.address = {"四川省", "成都市", "武侯区", "人民南路四段12号"};
  e.courier = "EMS";
  return e;
}

void AddChecks(std::vector<OrderEvent>& v) {
  for (int i = 0; i < kVerificationItemCount; ++i) {
    v.push_back(CheckRecorded{M(static_cast<int>(v.size())), static_cast<VerificationItem>(i)});
  }
}

// A transfer-paid website order: finance check, order check, ship, deliver,
// complete, invoice. The raw benchmarks replay it too.
std::vector<OrderEvent> TransferLifecycle() {
  std::vector<OrderEvent> v;
  v.push_back(Placed(PaymentMethod::kBankTransfer, false, Channel::kWebsite));
  v.push_back(PaymentReceived{M(1), std::nullopt});
  v.push_back(FinanceConfirmed{M(2)});
  AddChecks(v);
  v.push_back(CheckPassed{M(static_cast<int>(v.size()))});
  v.push_back(MarkedShipped{M(static_cast<int>(v.size())), false, "EMS123"});
  v.push_back(Delivered{M(static_cast<int>(v.size()))});
  v.push_back(Completed{M(static_cast<int>(v.size()))});
  v.push_back(InvoiceRequested{M(static_cast<int>(v.size())), "某公司", "配件"});
  return v;
}

// A paid Taobao order that runs out of stock: phone unreachable, SMS, the
// customer takes another style, back to the order check, ship.
std::vector<OrderEvent> OutOfStockLifecycle() {
  std::vector<OrderEvent> v;
  v.push_back(Placed(PaymentMethod::kPlatform, true));
  AddChecks(v);
  v.push_back(OutOfStockReported{M(7), "N86-case", StockArrival::kUncertain});
  v.push_back(CustomerContacted{M(8), ContactChannel::kPhone, ContactResult::kUnreachable});
  v.push_back(CustomerContacted{M(9), ContactChannel::kSms, ContactResult::kAcceptedOtherStyle});
  v.push_back(HoldReleased{M(10), false, ""});
  v.push_back(CheckPassed{M(11)});
  v.push_back(MarkedShipped{M(12), false, ""});
  v.push_back(Delivered{M(13)});
  return v;
}

// A cash-on-delivery order cancelled line by line in the order check.
std::vector<OrderEvent> CancelLifecycle() {
  std::vector<OrderEvent> v;
  v.push_back(Placed(PaymentMethod::kCashOnDelivery, false));
  v.push_back(CheckRecorded{M(1), VerificationItem::kAddress});
  v.push_back(Cancelled{M(2), size_t{1}, "no charger"});
  v.push_back(Cancelled{M(3), std::nullopt, "buyer changed mind"});
  return v;
}

void RunLifecycle(benchmark::State& state, const std::vector<OrderEvent>& events) {
  // Check once, outside the timing, that every event applies.
  {
    Order o("B1");
    for (const OrderEvent& e : events) {
      auto r = o.Apply(e);
      if (!r.ok() || r->refused()) {
        std::fprintf(stderr, "lifecycle broken at %s in %s\n", std::string(EventName(e)).c_str(),
                     std::string(o.state()).c_str());
        std::abort();
      }
    }
  }
  int64_t applies = 0;
  for (auto _ : state) {
    Order o("B1");
    for (const OrderEvent& e : events) {
      auto r = o.Apply(e);
      benchmark::DoNotOptimize(r);
    }
    applies += static_cast<int64_t>(events.size());
  }
  state.SetItemsProcessed(applies);
}

void BM_OrderApply_Transfer(benchmark::State& s) { RunLifecycle(s, TransferLifecycle()); }
void BM_OrderApply_OutOfStock(benchmark::State& s) { RunLifecycle(s, OutOfStockLifecycle()); }
void BM_OrderApply_Cancel(benchmark::State& s) { RunLifecycle(s, CancelLifecycle()); }
BENCHMARK(BM_OrderApply_Transfer);
BENCHMARK(BM_OrderApply_OutOfStock);
BENCHMARK(BM_OrderApply_Cancel);

// ------------------------------------------------------------ raw dispatch

// Guards answer as on the common path (paid by transfer, verified, not a
// duplicate, reachable, whole-order cancellations); actions do nothing.
template <class Tag>
constexpr bool kTaken = true;
template <>
constexpr bool kTaken<order_fsm::g::Unpaid> = false;
template <>
constexpr bool kTaken<order_fsm::g::PaidOrCod> = false;
template <>
constexpr bool kTaken<order_fsm::g::NoFinanceCheck> = false;
template <>
constexpr bool kTaken<order_fsm::g::LikelyDuplicate> = false;
template <>
constexpr bool kTaken<order_fsm::g::CourierCannotReach> = false;
template <>
constexpr bool kTaken<order_fsm::g::OneLine> = false;
template <>
constexpr bool kTaken<order_fsm::g::PromisedPayment> = false;

struct NullCtx {
  template <class Tag, class E>
  bool Check(Tag, const E&) const {
    return kTaken<Tag>;
  }
  template <class Tag, class E>
  void Do(Tag, const E&) const {}
};
using RawSm = order_fsm::OrderSm<NullCtx>;
using RestoreTable =
    boost::msm::back::dispatch_table<RawSm, msm_support::RestoreTag, msm_support::RestoreTag,
                                     msm_support::RestoreTag>;

// The same transitions as a switch, guards answering as NullCtx does.
enum S : int {
  kNew, kAwaitingPayment, kAwaitingFinance, kInCheck, kHeldDup, kHeldCourier, kHeldOos,
  kHeldCustomer, kReady, kShipped, kDelivered, kCompleted, kCancelled, kRejected = -1
};
enum E : int {
  ePlaced, ePaid, eFinance, eCheck, ePass, eHold, eRelease, eOos, eContact, eCourier, eAdjust,
  eSupplement, eShipped, eDelivered, eCompleted, eCancelled, eRefunded, eInvoice
};

int SwitchNext(int s, int e) {
  switch (s) {
    case kNew:
      return e == ePlaced ? kAwaitingFinance : kRejected;
    case kAwaitingPayment:
      switch (e) {
        case ePaid: return kAwaitingFinance;
        case eAdjust: return s;
        case eCancelled: return kCancelled;
        default: return kRejected;
      }
    case kAwaitingFinance:
      switch (e) {
        case ePaid: return s;
        case eFinance: return kInCheck;
        case eCancelled: return kCancelled;
        default: return kRejected;
      }
    case kInCheck:
      switch (e) {
        case eCheck: case eCourier: case eAdjust: case eSupplement: return s;
        case ePass: return kReady;
        case eHold: return kHeldCustomer;
        case eOos: return kHeldOos;
        case eCancelled: return kCancelled;
        default: return kRejected;
      }
    case kHeldDup:
      switch (e) {
        case eRelease: return kInCheck;
        case eCancelled: return kCancelled;
        default: return kRejected;
      }
    case kHeldCourier:
      switch (e) {
        case eCourier: return kInCheck;
        case eContact: return s;
        case eCancelled: return kCancelled;
        default: return kRejected;
      }
    case kHeldOos:
      switch (e) {
        case eContact: case eRefunded: return s;
        case eRelease: return kInCheck;
        case eCancelled: return kCancelled;
        default: return kRejected;
      }
    case kHeldCustomer:
      switch (e) {
        case eContact: return s;
        case eRelease: return kInCheck;
        case eCancelled: return kCancelled;
        default: return kRejected;
      }
    case kReady:
      switch (e) {
        case eShipped: return kShipped;
        case eOos: return kHeldOos;
        case eHold: return kHeldCustomer;
        case eCourier: case eSupplement: return s;
        case eCancelled: return kCancelled;
        default: return kRejected;
      }
    case kShipped:
      return e == eDelivered ? kDelivered : e == eInvoice ? s : kRejected;
    case kDelivered:
      return e == eCompleted ? kCompleted : e == eInvoice ? s : kRejected;
    case kCompleted:
      return e == eInvoice ? s : kRejected;
    case kCancelled:
      return e == eRefunded ? s : kRejected;
    default:
      return kRejected;
  }
}

const char* const kSwitchNames[] = {
    "new", "awaiting_payment", "awaiting_finance_check", "in_check", "held_duplicate_suspect",
    "held_courier_unreachable", "held_out_of_stock", "held_awaiting_customer", "ready_to_ship",
    "shipped", "delivered", "completed", "cancelled"};

// Replays the lifecycle on both and aborts if they disagree anywhere.
void CheckSameTransitions(const std::vector<OrderEvent>& events) {
  RawSm sm;
  sm.start();
  int s = kNew;
  for (const OrderEvent& e : events) {
    std::visit([&sm](const auto& ev) { sm.process_event(ev); }, e);
    s = SwitchNext(s, static_cast<int>(e.index()));
    if (s < 0 || msm_support::StateName(sm) != kSwitchNames[s]) {
      std::fprintf(stderr, "switch and MSM disagree at %s: msm %s, switch %s\n",
                   std::string(EventName(e)).c_str(), std::string(msm_support::StateName(sm)).c_str(),
                   s < 0 ? "rejected" : kSwitchNames[s]);
      std::abort();
    }
  }
}

void BM_RawMsmDispatch(benchmark::State& state) {
  const std::vector<OrderEvent> events = TransferLifecycle();
  CheckSameTransitions(events);
  RawSm sm;
  sm.start();
  const int initial = sm.current_state()[0];
  int64_t n = 0;
  for (auto _ : state) {
    RestoreTable::SetActiveState(sm, initial);
    for (const OrderEvent& e : events) {
      std::visit([&sm](const auto& ev) { sm.process_event(ev); }, e);
    }
    benchmark::DoNotOptimize(sm.current_state()[0]);
    n += static_cast<int64_t>(events.size());
  }
  state.SetItemsProcessed(n);
}
BENCHMARK(BM_RawMsmDispatch);

void BM_RawSwitchDispatch(benchmark::State& state) {
  const std::vector<OrderEvent> events = TransferLifecycle();
  int64_t n = 0;
  for (auto _ : state) {
    int s = kNew;
    for (const OrderEvent& e : events) s = SwitchNext(s, static_cast<int>(e.index()));
    benchmark::DoNotOptimize(s);
    n += static_cast<int64_t>(events.size());
  }
  state.SetItemsProcessed(n);
}
BENCHMARK(BM_RawSwitchDispatch);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
