// order_fsm.h: the order lifecycle as a Boost.MSM functor front-end.
// Private to src/machines/order.cc (and the benchmark, which runs the same
// table with an empty context to time raw dispatch).
//
// The table is the single source of truth for what each state accepts;
// Order::Table() exports it and docs/order.md draws it. Guards and actions
// forward to the context type Ctx:
//   bool Ctx::Check(GuardTag, const Event&)   decides, never touches the order
//   void Ctx::Do(Commit, const Event&)        commits, never fails
// Rows sharing (source, event) have mutually exclusive guards.
//
// Persisted orders store state names: renaming a state (kName) breaks them;
// reordering rows only renumbers MSM's internal ids, which are never stored.
#ifndef KEFU_MACHINES_ORDER_FSM_H_
#define KEFU_MACHINES_ORDER_FSM_H_

#include "machines/msm_support.h"  // first: includes msm_config.h

#include <string_view>

#include <boost/mpl/vector.hpp>

#include "kefu/machines/order.h"

namespace kefu::order_fsm {

namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;

// ------------------------------------------------------------------ states
namespace st {
#define KEFU_ORDER_STATE(Type, name) \
  struct Type : msmf::state<> {      \
    static constexpr std::string_view kName = name; \
  }
KEFU_ORDER_STATE(New, "new");
KEFU_ORDER_STATE(AwaitingPayment, "awaiting_payment");
KEFU_ORDER_STATE(AwaitingFinanceCheck, "awaiting_finance_check");
KEFU_ORDER_STATE(InCheck, "in_check");  // F2
KEFU_ORDER_STATE(HeldDuplicate, "held_duplicate_suspect");
KEFU_ORDER_STATE(HeldCourier, "held_courier_unreachable");
KEFU_ORDER_STATE(HeldOutOfStock, "held_out_of_stock");
KEFU_ORDER_STATE(HeldCustomer, "held_awaiting_customer");
KEFU_ORDER_STATE(ReadyToShip, "ready_to_ship");  // F3
KEFU_ORDER_STATE(Shipped, "shipped");
KEFU_ORDER_STATE(Delivered, "delivered");
KEFU_ORDER_STATE(Completed, "completed");
KEFU_ORDER_STATE(Cancelled, "cancelled");
#undef KEFU_ORDER_STATE
}  // namespace st

// ------------------------------------------------------------------ guards
// Tags only; Ctx::Check gives them meaning. kName labels the row.
namespace g {
#define KEFU_ORDER_GUARD(Type, label) \
  struct Type {                       \
    static constexpr std::string_view kName = label; \
  }
// Routing (pure functions of the event and the order).
KEFU_ORDER_GUARD(FinanceCheck, "finance check");
KEFU_ORDER_GUARD(NoFinanceCheck, "no finance check");
KEFU_ORDER_GUARD(PaidOrCod, "paid or cash on delivery");
KEFU_ORDER_GUARD(Unpaid, "unpaid");
KEFU_ORDER_GUARD(Whole, "whole order");
KEFU_ORDER_GUARD(OneLine, "one line");
KEFU_ORDER_GUARD(PromisedPayment, "payment promised");
KEFU_ORDER_GUARD(NoPromise, "no payment promised");
// The check gate (ORD-VERIFY refuses; ORD-DUP-SHIP and ORD-COD-REACH hold).
KEFU_ORDER_GUARD(CheckClear, "verified, no duplicate, reachable");
KEFU_ORDER_GUARD(LikelyDuplicate, "likely duplicate");
KEFU_ORDER_GUARD(CourierCannotReach, "courier cannot reach or collect");
// Policy gates: refuse with a decision naming the rule.
KEFU_ORDER_GUARD(NotDuplicate, "confirmed not duplicate");
KEFU_ORDER_GUARD(ShipAllowed, "finance confirmed, manual mark for exceptions");
KEFU_ORDER_GUARD(FixAllowed, "fix allowed");
KEFU_ORDER_GUARD(SupplementChecked, "ERP cost checked");
KEFU_ORDER_GUARD(RefundAllowed, "other style offered first");
KEFU_ORDER_GUARD(InvoiceAllowed, "allowed content");
#undef KEFU_ORDER_GUARD
}  // namespace g

struct Commit {
  static constexpr std::string_view kName = "commit";
};

template <class Ctx>
struct OrderDef : msm_support::MachineDef<OrderDef<Ctx>, Ctx> {
  using initial_state = st::New;
  using C = msm_support::Act<Commit>;
  template <class T>
  using G = msm_support::Guard<T>;

  // clang-format off
  struct transition_table : boost::mpl::vector<
    //   source                 event                target                  action guard
    Row<st::New,                  OrderPlaced,         st::AwaitingFinanceCheck, C, G<g::FinanceCheck>>,
    Row<st::New,                  OrderPlaced,         st::InCheck,            C, G<g::PaidOrCod>>,
    Row<st::New,                  OrderPlaced,         st::AwaitingPayment,    C, G<g::Unpaid>>,

    Row<st::AwaitingPayment,      PaymentReceived,     st::AwaitingFinanceCheck, C, G<g::FinanceCheck>>,
    Row<st::AwaitingPayment,      PaymentReceived,     st::InCheck,            C, G<g::NoFinanceCheck>>,
    Row<st::AwaitingPayment,      OrderAdjusted,       none,                   C, G<g::FixAllowed>>,
    Row<st::AwaitingPayment,      Cancelled,           st::Cancelled,          C, G<g::Whole>>,

    Row<st::AwaitingFinanceCheck, PaymentReceived,     none,                   C, none>,
    Row<st::AwaitingFinanceCheck, FinanceConfirmed,    st::InCheck,            C, none>,
    Row<st::AwaitingFinanceCheck, Cancelled,           st::Cancelled,          C, G<g::Whole>>,

    Row<st::InCheck,              CheckRecorded,       none,                   C, none>,
    Row<st::InCheck,              CheckPassed,         st::ReadyToShip,        C, G<g::CheckClear>>,
    Row<st::InCheck,              CheckPassed,         st::HeldDuplicate,      C, G<g::LikelyDuplicate>>,
    Row<st::InCheck,              CheckPassed,         st::HeldCourier,        C, G<g::CourierCannotReach>>,
    Row<st::InCheck,              HoldPlaced,          st::HeldCustomer,       C, none>,
    Row<st::InCheck,              OutOfStockReported,  st::HeldOutOfStock,     C, none>,
    Row<st::InCheck,              CourierChanged,      none,                   C, none>,
    Row<st::InCheck,              CourierConfirmed,    none,                   C, none>,
    Row<st::InCheck,              OrderAdjusted,       none,                   C, G<g::FixAllowed>>,
    Row<st::InCheck,              PostageSupplemented, none,                   C, G<g::SupplementChecked>>,
    Row<st::InCheck,              Cancelled,           st::Cancelled,          C, G<g::Whole>>,
    Row<st::InCheck,              Cancelled,           none,                   C, G<g::OneLine>>,

    Row<st::HeldDuplicate,        HoldReleased,        st::InCheck,            C, G<g::NotDuplicate>>,
    Row<st::HeldDuplicate,        Cancelled,           st::Cancelled,          C, G<g::Whole>>,

    Row<st::HeldCourier,          CourierChanged,      st::InCheck,            C, none>,
    Row<st::HeldCourier,          CourierConfirmed,    st::InCheck,            C, none>,
    Row<st::HeldCourier,          CustomerContacted,   st::AwaitingPayment,    C, G<g::PromisedPayment>>,
    Row<st::HeldCourier,          CustomerContacted,   none,                   C, G<g::NoPromise>>,
    Row<st::HeldCourier,          Cancelled,           st::Cancelled,          C, G<g::Whole>>,

    Row<st::HeldOutOfStock,       CustomerContacted,   none,                   C, none>,
    Row<st::HeldOutOfStock,       HoldReleased,        st::InCheck,            C, none>,
    Row<st::HeldOutOfStock,       Refunded,            none,                   C, G<g::RefundAllowed>>,
    Row<st::HeldOutOfStock,       Cancelled,           st::Cancelled,          C, G<g::Whole>>,
    Row<st::HeldOutOfStock,       Cancelled,           st::InCheck,            C, G<g::OneLine>>,

    Row<st::HeldCustomer,         CustomerContacted,   none,                   C, none>,
    Row<st::HeldCustomer,         HoldReleased,        st::InCheck,            C, none>,
    Row<st::HeldCustomer,         Cancelled,           st::Cancelled,          C, G<g::Whole>>,

    Row<st::ReadyToShip,          MarkedShipped,       st::Shipped,            C, G<g::ShipAllowed>>,
    Row<st::ReadyToShip,          OutOfStockReported,  st::HeldOutOfStock,     C, none>,
    Row<st::ReadyToShip,          HoldPlaced,          st::HeldCustomer,       C, none>,
    Row<st::ReadyToShip,          CourierChanged,      none,                   C, none>,
    Row<st::ReadyToShip,          PostageSupplemented, none,                   C, G<g::SupplementChecked>>,
    Row<st::ReadyToShip,          Cancelled,           st::Cancelled,          C, G<g::Whole>>,

    Row<st::Shipped,              Delivered,           st::Delivered,          C, none>,
    Row<st::Shipped,              InvoiceRequested,    none,                   C, G<g::InvoiceAllowed>>,
    Row<st::Delivered,            Completed,           st::Completed,          C, none>,
    Row<st::Delivered,            InvoiceRequested,    none,                   C, G<g::InvoiceAllowed>>,
    Row<st::Completed,            InvoiceRequested,    none,                   C, G<g::InvoiceAllowed>>,
    Row<st::Cancelled,            Refunded,            none,                   C, G<g::RefundAllowed>>
  > {};
  // clang-format on
};

template <class Ctx>
using OrderSm = boost::msm::back::state_machine<OrderDef<Ctx>>;

}  // namespace kefu::order_fsm

#endif  // KEFU_MACHINES_ORDER_FSM_H_
