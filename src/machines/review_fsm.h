// review_fsm.h: the review follow-up as a Boost.MSM functor front-end.
// Private to src/machines/review.cc (and the benchmark, which may run the
// same table with its own context to time raw dispatch).
//
// The table is the single source of truth for what each state accepts;
// Review::Table() exports it and docs/review.md draws it. Guards and actions
// forward to the context type Ctx (msm_support.h):
//   bool Ctx::Check(GuardTag, const Event&)   decides, never touches the review
//   void Ctx::Do(ActionTag, const Event&)     commits, never fails
// Rows sharing (source, event) have mutually exclusive guards. Every
// contact_attempted guard also applies RV-CONTACT-LIMIT (and RV-CHANNEL when
// enforced): a refused contact fires no row and leaves a refusal decision.
//
// Persisted reviews store state names: renaming a state (kName) breaks them;
// reordering rows only renumbers MSM's internal ids, which are never stored.
#ifndef KEFU_MACHINES_REVIEW_FSM_H_
#define KEFU_MACHINES_REVIEW_FSM_H_

#include "machines/msm_support.h"  // first: includes msm_config.h

#include <string_view>

#include <boost/mpl/vector.hpp>

#include "kefu/machines/review.h"

namespace kefu::review_fsm {

namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;

// ------------------------------------------------------------------ states
namespace st {
#define KEFU_REVIEW_STATE(Type, name)               \
  struct Type : msmf::state<> {                     \
    static constexpr std::string_view kName = name; \
  }
KEFU_REVIEW_STATE(Blank, "blank");                        // not received yet
KEFU_REVIEW_STATE(New, "new");                            // received, not assigned
KEFU_REVIEW_STATE(Assigned, "assigned");                  // an agent has it
KEFU_REVIEW_STATE(Contacting, "contacting");              // tried, nothing settled
KEFU_REVIEW_STATE(RemedyOffered, "remedy_offered");       // waiting for the answer
KEFU_REVIEW_STATE(AwaitingRevision, "awaiting_revision");  // promised (RV-PROMISE)
KEFU_REVIEW_STATE(Refusing, "refusing");                  // follow-up (RV-SCHEDULE)
KEFU_REVIEW_STATE(Revised, "revised");                    // done
KEFU_REVIEW_STATE(Unresolved, "unresolved");              // closed without revision
#undef KEFU_REVIEW_STATE
}  // namespace st

// ------------------------------------------------------------------ guards
namespace g {
#define KEFU_REVIEW_TAG(Type, label)                \
  struct Type {                                     \
    static constexpr std::string_view kName = label; \
  }
// Contact routing, each behind RV-CONTACT-LIMIT.
KEFU_REVIEW_TAG(Agreed, "agreed to revise");
KEFU_REVIEW_TAG(Refused, "refused");
KEFU_REVIEW_TAG(Unsettled, "unreachable or talked");
KEFU_REVIEW_TAG(NotRefused, "not refused");
KEFU_REVIEW_TAG(NotAgreed, "not agreed");
KEFU_REVIEW_TAG(WithinLimit, "within contact limit");
// Policy gate.
KEFU_REVIEW_TAG(RemedyAllowed, "RV-REMEDY allows");
// The end of a refusal follow-up.
KEFU_REVIEW_TAG(FollowUpOver, "follow-up over");
KEFU_REVIEW_TAG(FollowUpRunning, "follow-up running");
}  // namespace g

// ----------------------------------------------------------------- actions
namespace a {
KEFU_REVIEW_TAG(Receive, "receive");
KEFU_REVIEW_TAG(Assign, "assign");
KEFU_REVIEW_TAG(Record, "record contact");
KEFU_REVIEW_TAG(Promise, "start promise check");
KEFU_REVIEW_TAG(StartFollowUp, "start follow-up");
KEFU_REVIEW_TAG(FollowUp, "next follow-up");
KEFU_REVIEW_TAG(Offer, "offer remedy");
KEFU_REVIEW_TAG(Accept, "accept remedy");
KEFU_REVIEW_TAG(Decline, "decline remedy");
KEFU_REVIEW_TAG(Revise, "close revised");
KEFU_REVIEW_TAG(CheckPromise, "check promise");
KEFU_REVIEW_TAG(CheckFollowUp, "check follow-up");
KEFU_REVIEW_TAG(Close, "close unresolved");
#undef KEFU_REVIEW_TAG
}  // namespace a

template <class Ctx>
struct ReviewDef : msm_support::MachineDef<ReviewDef<Ctx>, Ctx> {
  using initial_state = st::Blank;
  template <class T>
  using G = msm_support::Guard<T>;
  template <class T>
  using A = msm_support::Act<T>;

  // clang-format off
  struct transition_table : boost::mpl::vector<
    //   source               event              target                action              guard
    Row<st::Blank,            ReviewReceived,    st::New,              A<a::Receive>,       none>,

    Row<st::New,              ReviewAssigned,    st::Assigned,         A<a::Assign>,        none>,
    Row<st::New,              RevisionObserved,  st::Revised,          A<a::Revise>,        none>,
    Row<st::New,              ReviewClosed,      st::Unresolved,       A<a::Close>,         none>,

    Row<st::Assigned,         ReviewAssigned,    none,                 A<a::Assign>,        none>,
    Row<st::Assigned,         ContactAttempted,  st::AwaitingRevision, A<a::Promise>,       G<g::Agreed>>,
    Row<st::Assigned,         ContactAttempted,  st::Refusing,         A<a::StartFollowUp>, G<g::Refused>>,
    Row<st::Assigned,         ContactAttempted,  st::Contacting,       A<a::Record>,        G<g::Unsettled>>,
    Row<st::Assigned,         RevisionAgreed,    st::AwaitingRevision, A<a::Promise>,       none>,
    Row<st::Assigned,         RevisionObserved,  st::Revised,          A<a::Revise>,        none>,
    Row<st::Assigned,         ReviewClosed,      st::Unresolved,       A<a::Close>,         none>,

    Row<st::Contacting,       ReviewAssigned,    none,                 A<a::Assign>,        none>,
    Row<st::Contacting,       ContactAttempted,  st::AwaitingRevision, A<a::Promise>,       G<g::Agreed>>,
    Row<st::Contacting,       ContactAttempted,  st::Refusing,         A<a::StartFollowUp>, G<g::Refused>>,
    Row<st::Contacting,       ContactAttempted,  none,                 A<a::Record>,        G<g::Unsettled>>,
    Row<st::Contacting,       RevisionAgreed,    st::AwaitingRevision, A<a::Promise>,       none>,
    Row<st::Contacting,       RemedyOffered,     st::RemedyOffered,    A<a::Offer>,         G<g::RemedyAllowed>>,
    Row<st::Contacting,       RevisionObserved,  st::Revised,          A<a::Revise>,        none>,
    Row<st::Contacting,       ReviewClosed,      st::Unresolved,       A<a::Close>,         none>,

    Row<st::RemedyOffered,    ReviewAssigned,    none,                 A<a::Assign>,        none>,
    Row<st::RemedyOffered,    ContactAttempted,  none,                 A<a::Record>,        G<g::WithinLimit>>,
    Row<st::RemedyOffered,    RemedyAccepted,    st::AwaitingRevision, A<a::Accept>,        none>,
    Row<st::RemedyOffered,    RemedyDeclined,    st::Refusing,         A<a::Decline>,       none>,
    Row<st::RemedyOffered,    RevisionObserved,  st::Revised,          A<a::Revise>,        none>,
    Row<st::RemedyOffered,    ReviewClosed,      st::Unresolved,       A<a::Close>,         none>,

    Row<st::AwaitingRevision, ReviewAssigned,    none,                 A<a::Assign>,        none>,
    Row<st::AwaitingRevision, ContactAttempted,  st::Refusing,         A<a::StartFollowUp>, G<g::Refused>>,
    Row<st::AwaitingRevision, ContactAttempted,  none,                 A<a::Record>,        G<g::NotRefused>>,
    Row<st::AwaitingRevision, DayEnded,          none,                 A<a::CheckPromise>,  none>,
    Row<st::AwaitingRevision, RevisionObserved,  st::Revised,          A<a::Revise>,        none>,
    Row<st::AwaitingRevision, ReviewClosed,      st::Unresolved,       A<a::Close>,         none>,

    Row<st::Refusing,         ReviewAssigned,    none,                 A<a::Assign>,        none>,
    Row<st::Refusing,         ContactAttempted,  st::AwaitingRevision, A<a::Promise>,       G<g::Agreed>>,
    Row<st::Refusing,         ContactAttempted,  none,                 A<a::FollowUp>,      G<g::NotAgreed>>,
    Row<st::Refusing,         RevisionAgreed,    st::AwaitingRevision, A<a::Promise>,       none>,
    Row<st::Refusing,         RemedyOffered,     st::RemedyOffered,    A<a::Offer>,         G<g::RemedyAllowed>>,
    Row<st::Refusing,         DayEnded,          st::Unresolved,       A<a::Close>,         G<g::FollowUpOver>>,
    Row<st::Refusing,         DayEnded,          none,                 A<a::CheckFollowUp>, G<g::FollowUpRunning>>,
    Row<st::Refusing,         RevisionObserved,  st::Revised,          A<a::Revise>,        none>,
    Row<st::Refusing,         ReviewClosed,      st::Unresolved,       A<a::Close>,         none>,

    Row<st::Unresolved,       RevisionObserved,  st::Revised,          A<a::Revise>,        none>
  > {};
  // clang-format on
};

template <class Ctx>
using ReviewSm = boost::msm::back::state_machine<ReviewDef<Ctx>>;

}  // namespace kefu::review_fsm

#endif  // KEFU_MACHINES_REVIEW_FSM_H_
