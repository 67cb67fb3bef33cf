// Ticket machine benchmarks (issue 4). Floor: >= 2 million full Apply calls
// per second per core, as for orders.
//
//   BM_TicketApply/<lifecycle>  full Ticket::Apply (validation, owner check,
//                               idempotency log, policies, deadlines,
//                               outcome, audit) over a realistic lifecycle,
//                               a fresh ticket each time. items_per_second
//                               counts applies; "lifecycles" counts tickets.
//   BM_TicketRawMsmDispatch     the same Boost.MSM table with an empty
//                               context (guards true, actions empty).
//   BM_TicketRawSwitchDispatch  the same transitions as a nested switch: the
//                               baseline. Compare items_per_second.
#include "machines/ticket_fsm.h"  // first: MSM config

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "kefu/machines/ticket.h"

namespace kefu {
namespace {

Timestamp T(int hours) {
  return absl::FromUnixSeconds(1793577600) + absl::Hours(hours);  // 2026-11-02 08:00 +08
}
EventMeta M(int i) { return EventMeta{"e" + std::to_string(i), T(i), "xiaowang"}; }

TicketRegistered Registered(TicketKind kind, Repayment repayment) {
  TicketRegistered e;
  e.meta = M(0);
  e.order_id = "O-1001";
  e.kind = kind;
  e.category = "质量问题";
  e.details = "屏幕有亮点";
  e.lines = {{"N86-screen", 1}};
  e.customer_province = "四川省";
  e.shop_province = "广东省";
  e.shop = "淘宝店";
  e.buyer_im = "tb_buyer_01";
  e.alipay_account = "buyer@example.com";
  e.return_postage = PostagePayer::kShop;
  e.reship_postage = PostagePayer::kShop;
  e.repayment = repayment;
  return e;
}

// Return for refund: agreed, shipped (12 yuan capped to 10), received,
// checked, tested, restocked, refunded through finance, closed.
std::vector<TicketEvent> ReturnRefundLifecycle() {
  return {Registered(TicketKind::kReturnRefund, Repayment::kAlipayRefund),
          ReturnAgreed{M(1)},
          ReturnShipped{M(2), Money::Yuan(12), false, "SF1"},
          ParcelReceived{M(3), ""},
          PackagingChecked{M(4), Packaging::kIntact, true},
          ItemTested{M(5), false, ""},
          ResaleDecided{M(6), true, true},
          RefundSentToFinance{M(7), Money::Yuan(120), Money::Zero(), false, false, false, "", ""},
          RefundPaid{M(8)},
          TicketClosed{M(9), ""}};
}

// Exchange for a quality fault through the supplier, cash in the parcel.
std::vector<TicketEvent> ExchangeLifecycle() {
  return {Registered(TicketKind::kExchange, Repayment::kCashInParcel),
          ReturnAgreed{M(1)},
          ReturnShipped{M(2), Money::Yuan(9), false, "SF1"},
          ParcelReceived{M(3), ""},
          PackagingChecked{M(4), Packaging::kDamaged, true},
          ItemTested{M(5), true, "QC-07"},
          EvidenceRecorded{M(6), true, false},
          SupplierExchangeRequested{M(7)},
          SupplierExchangeReceived{M(8)},
          CashPutInParcel{M(9), Money::Yuan(9)},
          Reshipped{M(10), "SF2"},
          TicketClosed{M(11), ""}};
}

// Refund only, for a quality problem shown in photos.
std::vector<TicketEvent> RefundOnlyLifecycle() {
  return {Registered(TicketKind::kRefundOnly, Repayment::kNone),
          EvidenceRecorded{M(1), true, false},
          RefundSentToFinance{M(2), Money::Yuan(30), Money::Zero(), true, false, false, "", ""},
          RefundPaid{M(3)},
          TicketClosed{M(4), ""}};
}

void RunLifecycle(benchmark::State& state, const std::vector<TicketEvent>& events) {
  // Check once, outside the timing, that every event applies.
  {
    Ticket t("B1");
    for (const TicketEvent& e : events) {
      auto r = t.Apply(e);
      if (!r.ok() || r->refused()) {
        std::fprintf(stderr, "lifecycle broken at %s in %s: %s\n",
                     std::string(EventName(e)).c_str(), std::string(t.state()).c_str(),
                     r.ok() ? r->decisions.back().Reason(Language::kEn).c_str()
                            : std::string(r.status().message()).c_str());
        std::abort();
      }
    }
  }
  int64_t applies = 0;
  int64_t lifecycles = 0;
  for (auto _ : state) {
    Ticket t("B1");
    for (const TicketEvent& e : events) {
      auto r = t.Apply(e);
      benchmark::DoNotOptimize(r);
    }
    applies += static_cast<int64_t>(events.size());
    ++lifecycles;
  }
  state.SetItemsProcessed(applies);
  state.counters["lifecycles"] =
      benchmark::Counter(static_cast<double>(lifecycles), benchmark::Counter::kIsRate);
}

void BM_TicketApply_ReturnRefund(benchmark::State& s) { RunLifecycle(s, ReturnRefundLifecycle()); }
void BM_TicketApply_Exchange(benchmark::State& s) { RunLifecycle(s, ExchangeLifecycle()); }
void BM_TicketApply_RefundOnly(benchmark::State& s) { RunLifecycle(s, RefundOnlyLifecycle()); }
BENCHMARK(BM_TicketApply_ReturnRefund);
BENCHMARK(BM_TicketApply_Exchange);
BENCHMARK(BM_TicketApply_RefundOnly);

// ------------------------------------------------------------ raw dispatch

struct NullCtx {
  template <class Tag, class E>
  bool Check(Tag, const E&) const {
    return true;
  }
  template <class Tag, class E>
  void Do(Tag, const E&) const {}
};
using RawSm = ticket_fsm::TicketSm<NullCtx>;
using RestoreTable =
    boost::msm::back::dispatch_table<RawSm, msm_support::RestoreTag, msm_support::RestoreTag,
                                     msm_support::RestoreTag>;

// The same transitions as a switch, every guard true.
enum S : int {
  kNew, kRegistered, kAwaitingReturn, kInTransit, kReceived, kInspecting, kAwaitingSupplier,
  kAwaitingFinance, kReshipped, kRefunded, kClosed, kRejectedState, kRefused = -1
};
// TicketEvent's alternatives, in order.
enum E : int {
  eRegistered, eAgreed, eShipped, eReceived, ePackaging, eTested, eResale, eSupplierReq,
  eSupplierRecv, eEvidence, eRefund, eRefundPaid, eCash, eReshipped, eHandedOff, eEscalated,
  eClosed, eRejected
};

int SwitchNext(int s, int e) {
  // Handed off and escalated stay put in every open state.
  if (s != kNew && s != kClosed && s != kRejectedState && (e == eHandedOff || e == eEscalated)) {
    return s;
  }
  switch (s) {
    case kNew:
      return e == eRegistered ? kRegistered : kRefused;
    case kRegistered:
      switch (e) {
        case eAgreed: return kAwaitingReturn;
        case eRefund: return kAwaitingFinance;
        case eEvidence: return s;
        case eClosed: return kClosed;
        case eRejected: return kRejectedState;
        default: return kRefused;
      }
    case kAwaitingReturn:
      switch (e) {
        case eShipped: return kInTransit;
        case eReceived: return kReceived;
        case eEvidence: return s;
        case eRejected: return kRejectedState;
        default: return kRefused;
      }
    case kInTransit:
      switch (e) {
        case eReceived: return kReceived;
        case eEvidence: return s;
        case eRejected: return kRejectedState;
        default: return kRefused;
      }
    case kReceived:
      switch (e) {
        case ePackaging: return kInspecting;
        case eEvidence: return s;
        case eRejected: return kRejectedState;
        default: return kRefused;
      }
    case kInspecting:
      switch (e) {
        case eTested: case eResale: case eEvidence: case eCash: return s;
        case eSupplierReq: return kAwaitingSupplier;
        case eReshipped: return kReshipped;
        case eRefund: return kAwaitingFinance;
        case eRejected: return kRejectedState;
        default: return kRefused;
      }
    case kAwaitingSupplier:
      return e == eSupplierRecv ? kInspecting : kRefused;
    case kAwaitingFinance:
      return e == eRefundPaid ? kRefunded : kRefused;
    case kReshipped:
    case kRefunded:
      return e == eClosed ? kClosed : kRefused;
    default:
      return kRefused;
  }
}

const char* const kSwitchNames[] = {
    "new",       "registered",        "awaiting_return",  "in_transit",
    "received",  "inspecting",        "awaiting_supplier", "awaiting_finance",
    "reshipped", "refunded",          "closed",           "rejected"};

// Replays the lifecycle on both and aborts if they disagree anywhere.
void CheckSameTransitions(const std::vector<TicketEvent>& events) {
  RawSm sm;
  sm.start();
  int s = kNew;
  for (const TicketEvent& e : events) {
    std::visit([&sm](const auto& ev) { sm.process_event(ev); }, e);
    s = SwitchNext(s, static_cast<int>(e.index()));
    if (s < 0 || msm_support::StateName(sm) != kSwitchNames[s]) {
      std::fprintf(stderr, "switch and MSM disagree at %s\n", std::string(EventName(e)).c_str());
      std::abort();
    }
  }
}

void BM_TicketRawMsmDispatch(benchmark::State& state) {
  const std::vector<TicketEvent> events = ExchangeLifecycle();
  CheckSameTransitions(events);
  CheckSameTransitions(ReturnRefundLifecycle());
  RawSm sm;
  sm.start();
  const int initial = sm.current_state()[0];
  int64_t n = 0;
  for (auto _ : state) {
    RestoreTable::SetActiveState(sm, initial);
    for (const TicketEvent& e : events) {
      std::visit([&sm](const auto& ev) { sm.process_event(ev); }, e);
    }
    benchmark::DoNotOptimize(sm.current_state()[0]);
    n += static_cast<int64_t>(events.size());
  }
  state.SetItemsProcessed(n);
}
BENCHMARK(BM_TicketRawMsmDispatch);

void BM_TicketRawSwitchDispatch(benchmark::State& state) {
  const std::vector<TicketEvent> events = ExchangeLifecycle();
  int64_t n = 0;
  for (auto _ : state) {
    int s = kNew;
    for (const TicketEvent& e : events) s = SwitchNext(s, static_cast<int>(e.index()));
    benchmark::DoNotOptimize(s);
    n += static_cast<int64_t>(events.size());
  }
  state.SetItemsProcessed(n);
}
BENCHMARK(BM_TicketRawSwitchDispatch);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
