// ticket_fsm.h: the after-sales ticket lifecycle as a Boost.MSM functor
// front-end. Private to src/machines/ticket.cc (and the benchmark, which
// runs the same table with an empty context to time raw dispatch).
//
// Built with the shared kit (machines/msm_support.h, docs/machines.md): the
// table is the single source of truth for what each state accepts;
// Ticket::Table() exports it and docs/ticket.md draws it. Guards and actions
// forward to the context type Ctx:
//   bool Ctx::Check(GuardTag, const Event&)   decides, never touches the ticket
//   void Ctx::Do(Commit, const Event&)        commits, never fails
// No two rows share (source, event).
//
// Persisted tickets store state names: renaming a state (kName) breaks them;
// reordering rows only renumbers MSM's internal ids, which are never stored.
#ifndef KEFU_MACHINES_TICKET_FSM_H_
#define KEFU_MACHINES_TICKET_FSM_H_

#include "machines/msm_support.h"  // first: includes msm_config.h

#include <string_view>

#include <boost/mpl/vector.hpp>

#include "kefu/machines/ticket.h"

namespace kefu::ticket_fsm {

namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;

// ------------------------------------------------------------------ states
namespace st {
#define KEFU_TICKET_STATE(Type, name)               \
  struct Type : msmf::state<> {                     \
    static constexpr std::string_view kName = name; \
  }
KEFU_TICKET_STATE(New, ticket_states::kNew);
KEFU_TICKET_STATE(Registered, ticket_states::kRegistered);
KEFU_TICKET_STATE(AwaitingReturn, ticket_states::kAwaitingReturn);
KEFU_TICKET_STATE(InTransit, ticket_states::kInTransit);
KEFU_TICKET_STATE(Received, ticket_states::kReceived);
KEFU_TICKET_STATE(Inspecting, ticket_states::kInspecting);
KEFU_TICKET_STATE(AwaitingSupplier, ticket_states::kAwaitingSupplier);
KEFU_TICKET_STATE(AwaitingFinance, ticket_states::kAwaitingFinance);
KEFU_TICKET_STATE(Reshipped, ticket_states::kReshipped);
KEFU_TICKET_STATE(Refunded, ticket_states::kRefunded);
KEFU_TICKET_STATE(Closed, ticket_states::kClosed);
KEFU_TICKET_STATE(Rejected, ticket_states::kRejected);
#undef KEFU_TICKET_STATE
}  // namespace st

// ------------------------------------------------------------------ guards
// Tags only; Ctx::Check gives them meaning. kName labels the row.
namespace g {
#define KEFU_TICKET_GUARD(Type, label)              \
  struct Type {                                     \
    static constexpr std::string_view kName = label; \
  }
// AS-DEDUP, AS-REGISTER, AS-WHO-PAYS.
KEFU_TICKET_GUARD(RegisterAllowed, "registration complete, no duplicate");
// Routing: the kind decides whether goods travel back.
KEFU_TICKET_GUARD(ReturnKind, "goods travel back");
// AS-POSTAGE-CAP: no freight-collect parcels (claims above the cap adjusted).
KEFU_TICKET_GUARD(PostageAccepted, "not freight-collect");
// AS-REGISTER: a confirmed fault carries its QC stamp.
KEFU_TICKET_GUARD(FaultStamped, "QC stamp on a fault");
// AS-EVIDENCE, AS-PREFER-EXCHANGE, AS-REFUND-RECORD; the first also needs a
// kind whose goods stay with the customer.
KEFU_TICKET_GUARD(RefundWithoutReturn, "no return needed, evidence, refund record");
KEFU_TICKET_GUARD(RefundAllowed, "evidence, exchange offered, refund record");
// AS-RECEIVE: the cash the shop owes is in the parcel.
KEFU_TICKET_GUARD(ReshipAllowed, "cash in parcel when owed");
#undef KEFU_TICKET_GUARD
}  // namespace g

struct Commit {
  static constexpr std::string_view kName = "commit";
};

template <class Ctx>
struct TicketDef : msm_support::MachineDef<TicketDef<Ctx>, Ctx> {
  using initial_state = st::New;
  using C = msm_support::Act<Commit>;
  template <class T>
  using G = msm_support::Guard<T>;

  // clang-format off
  struct transition_table : boost::mpl::vector<
    //   source                 event                      target               action guard
    Row<st::New,              TicketRegistered,          st::Registered,       C, G<g::RegisterAllowed>>,

    Row<st::Registered,       ReturnAgreed,              st::AwaitingReturn,   C, G<g::ReturnKind>>,
    Row<st::Registered,       RefundSentToFinance,       st::AwaitingFinance,  C, G<g::RefundWithoutReturn>>,
    Row<st::Registered,       EvidenceRecorded,          none,                 C, none>,
    Row<st::Registered,       HandedOff,                 none,                 C, none>,
    Row<st::Registered,       Escalated,                 none,                 C, none>,
    Row<st::Registered,       TicketClosed,              st::Closed,           C, none>,
    Row<st::Registered,       TicketRejected,            st::Rejected,         C, none>,

    Row<st::AwaitingReturn,   ReturnShipped,             st::InTransit,        C, G<g::PostageAccepted>>,
    Row<st::AwaitingReturn,   ParcelReceived,            st::Received,         C, none>,
    Row<st::AwaitingReturn,   EvidenceRecorded,          none,                 C, none>,
    Row<st::AwaitingReturn,   HandedOff,                 none,                 C, none>,
    Row<st::AwaitingReturn,   Escalated,                 none,                 C, none>,
    Row<st::AwaitingReturn,   TicketRejected,            st::Rejected,         C, none>,

    Row<st::InTransit,        ParcelReceived,            st::Received,         C, none>,
    Row<st::InTransit,        EvidenceRecorded,          none,                 C, none>,
    Row<st::InTransit,        HandedOff,                 none,                 C, none>,
    Row<st::InTransit,        Escalated,                 none,                 C, none>,
    Row<st::InTransit,        TicketRejected,            st::Rejected,         C, none>,

    Row<st::Received,         PackagingChecked,          st::Inspecting,       C, none>,
    Row<st::Received,         EvidenceRecorded,          none,                 C, none>,
    Row<st::Received,         HandedOff,                 none,                 C, none>,
    Row<st::Received,         Escalated,                 none,                 C, none>,
    Row<st::Received,         TicketRejected,            st::Rejected,         C, none>,

    Row<st::Inspecting,       ItemTested,                none,                 C, G<g::FaultStamped>>,
    Row<st::Inspecting,       ResaleDecided,             none,                 C, none>,
    Row<st::Inspecting,       EvidenceRecorded,          none,                 C, none>,
    Row<st::Inspecting,       CashPutInParcel,           none,                 C, none>,
    Row<st::Inspecting,       SupplierExchangeRequested, st::AwaitingSupplier, C, none>,
    Row<st::Inspecting,       Reshipped,                 st::Reshipped,        C, G<g::ReshipAllowed>>,
    Row<st::Inspecting,       RefundSentToFinance,       st::AwaitingFinance,  C, G<g::RefundAllowed>>,
    Row<st::Inspecting,       HandedOff,                 none,                 C, none>,
    Row<st::Inspecting,       Escalated,                 none,                 C, none>,
    Row<st::Inspecting,       TicketRejected,            st::Rejected,         C, none>,

    Row<st::AwaitingSupplier, SupplierExchangeReceived,  st::Inspecting,       C, none>,
    Row<st::AwaitingSupplier, HandedOff,                 none,                 C, none>,
    Row<st::AwaitingSupplier, Escalated,                 none,                 C, none>,

    Row<st::AwaitingFinance,  RefundPaid,                st::Refunded,         C, none>,
    Row<st::AwaitingFinance,  HandedOff,                 none,                 C, none>,
    Row<st::AwaitingFinance,  Escalated,                 none,                 C, none>,

    Row<st::Reshipped,        TicketClosed,              st::Closed,           C, none>,
    Row<st::Reshipped,        HandedOff,                 none,                 C, none>,
    Row<st::Reshipped,        Escalated,                 none,                 C, none>,

    Row<st::Refunded,         TicketClosed,              st::Closed,           C, none>,
    Row<st::Refunded,         HandedOff,                 none,                 C, none>,
    Row<st::Refunded,         Escalated,                 none,                 C, none>
  > {};
  // clang-format on
};

template <class Ctx>
using TicketSm = boost::msm::back::state_machine<TicketDef<Ctx>>;

}  // namespace kefu::ticket_fsm

#endif  // KEFU_MACHINES_TICKET_FSM_H_
