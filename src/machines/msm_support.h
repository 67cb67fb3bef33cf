// msm_support.h: the small toolkit every kefu Boost.MSM machine is built
// with (order, ticket, review). Private: never include from a public header.
//
//   MachineDef<Derived, Ctx>  front-end base: no exceptions, no message
//                             queue, silent no_transition (Dispatch reports
//                             it), and a pointer to the per-Apply context.
//   Guard<Tag>, Act<Tag>      row functors forwarding to ctx->Check(Tag{}, e)
//                             and ctx->Do(Tag{}, e); Tag::kName labels them
//                             in the exported table.
//   Dispatch(fsm, event)      process_event as kMoved / kNotAccepted /
//                             kGuardRejected.
//   StateName / SetState      current state by stable name, and restore.
//   ExportTable<Fsm>(...)     the MSM table as kefu::TransitionTable data.
//
// Rules for machines built on it (see docs/machines.md): guards decide and
// never touch the entity (they may write the pending outcome); actions
// commit and never fail; states and events carry `static constexpr
// std::string_view kName`.
#ifndef KEFU_MACHINES_MSM_SUPPORT_H_
#define KEFU_MACHINES_MSM_SUPPORT_H_

#include "machines/msm_config.h"  // first: MPL/Fusion limits

#include <algorithm>
#include <array>
#include <string_view>
#include <type_traits>

#include <boost/mpl/for_each.hpp>
#include <boost/mpl/size.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include "kefu/machines/transition_table.h"

namespace kefu::msm_support {

namespace msmf = boost::msm::front;

// Front-end base. Ctx is the machine's per-Apply context.
template <class Derived, class Ctx>
struct MachineDef : msmf::state_machine_def<Derived> {
  using no_exception_thrown = int;  // guards and actions never throw
  using no_message_queue = int;     // actions never post events
  Ctx* ctx = nullptr;               // set by the caller around Dispatch

  // Dispatch() sees HANDLED_FALSE and turns it into a refusal; do nothing
  // here (the default asserts in debug builds).
  template <class Fsm, class Event>
  void no_transition(Event const&, Fsm&, int) {}
  template <class Fsm, class Event>
  void exception_caught(Event const&, Fsm&, std::exception&) {}
};

template <class Tag>
struct Guard {
  static constexpr std::string_view kName = Tag::kName;
  template <class E, class Fsm, class S, class T>
  bool operator()(E const& e, Fsm& fsm, S&, T&) const {
    return fsm.ctx->Check(Tag{}, e);
  }
};

template <class Tag>
struct Act {
  static constexpr std::string_view kName = Tag::kName;
  template <class E, class Fsm, class S, class T>
  void operator()(E const& e, Fsm& fsm, S&, T&) const {
    fsm.ctx->Do(Tag{}, e);
  }
};

// Wraps a type for boost::mpl::for_each without constructing it.
template <class T>
struct TypeTag {  // no nested ::type, or MPL would unwrap it
  using Boxed = T;
};

enum class DispatchResult {
  kMoved,          // a row fired (internal rows included)
  kNotAccepted,    // no row for (state, event)
  kGuardRejected,  // rows exist, every guard said no
};

template <class Fsm, class Event>
DispatchResult Dispatch(Fsm& fsm, const Event& event) {
  const boost::msm::back::HandledEnum h = fsm.process_event(event);
  if (h == boost::msm::back::HANDLED_TRUE) return DispatchResult::kMoved;
  if (h == boost::msm::back::HANDLED_GUARD_REJECT) return DispatchResult::kGuardRejected;
  return DispatchResult::kNotAccepted;
}

// Stable names of the machine's states, indexed by MSM state id.
template <class Fsm>
struct StateNames {
  using StateList = typename Fsm::state_list;
  static constexpr int kCount = boost::mpl::size<StateList>::value;

  static const std::array<std::string_view, kCount>& Get() {
    static const std::array<std::string_view, kCount> names = [] {
      std::array<std::string_view, kCount> n{};
      boost::mpl::for_each<StateList, TypeTag<boost::mpl::placeholders::_1>>(
          [&n](auto w) {
            using S = typename decltype(w)::Boxed;
            n[boost::msm::back::get_state_id<typename Fsm::stt, S>::value] = S::kName;
          });
      return n;
    }();
    return names;
  }
  // -1 when no state has that name.
  static int IdOf(std::string_view name) {
    const auto& n = Get();
    const auto it = std::find(n.begin(), n.end(), name);
    return it == n.end() ? -1 : static_cast<int>(it - n.begin());
  }
};

template <class Fsm>
std::string_view StateName(const Fsm& fsm) {
  return StateNames<Fsm>::Get()[static_cast<size_t>(fsm.current_state()[0])];
}

struct RestoreTag {};


}  // namespace kefu::msm_support

// Boost.MSM 1.74 has no public "set the active state". state_machine
// befriends every specialization of dispatch_table; this one, on a tag no
// real table uses, does exactly that and nothing else. Restoring this way
// runs no entry or exit action: kefu's states have none (their data lives in
// the entity), which keeps restore exact.
namespace boost::msm::back {
template <class Fsm>
struct dispatch_table<Fsm, kefu::msm_support::RestoreTag, kefu::msm_support::RestoreTag,
                      kefu::msm_support::RestoreTag> {
  static void SetActiveState(Fsm& fsm, int id) { fsm.m_states[0] = id; }
};
}  // namespace boost::msm::back

namespace kefu::msm_support {

// Makes `name` the active state. False (nothing changed) for an unknown name.
// REQUIRES: the machine is started and not processing an event.
template <class Fsm>
bool SetState(Fsm& fsm, std::string_view name) {
  const int id = StateNames<Fsm>::IdOf(name);
  if (id < 0) return false;
  boost::msm::back::dispatch_table<Fsm, RestoreTag, RestoreTag, RestoreTag>::SetActiveState(fsm,
                                                                                            id);
  return true;
}

template <class T>
constexpr std::string_view LabelOf() {
  if constexpr (std::is_same_v<T, msmf::none>) {
    return {};
  } else {
    return T::kName;
  }
}

// The machine's transition table as data, rows in table order; events
// sorted by name. Fsm is the back-end type (msm::back::state_machine<...>).
template <class Fsm>
TransitionTable ExportTable(std::string_view machine) {
  TransitionTable t;
  t.machine = machine;
  const auto& names = StateNames<Fsm>::Get();
  t.states.assign(names.begin(), names.end());
  t.initial = LabelOf<typename Fsm::initial_state>();
  boost::mpl::for_each<typename Fsm::transition_table,
                       TypeTag<boost::mpl::placeholders::_1>>([&t](auto w) {
    using R = typename decltype(w)::Boxed;
    Transition row;
    row.source = R::Source::kName;
    row.event = R::Evt::kName;
    using Tag = typename R::row_type_tag;  // Row<S, E, none, ...> is internal
    row.internal = std::is_same_v<Tag, boost::msm::irow_tag> ||
                   std::is_same_v<Tag, boost::msm::a_irow_tag> ||
                   std::is_same_v<Tag, boost::msm::g_irow_tag> ||
                   std::is_same_v<Tag, boost::msm::_irow_tag>;
    row.target = LabelOf<typename R::Target>();
    row.guard = LabelOf<typename R::Guard>();
    row.action = LabelOf<typename R::Action>();
    t.rows.push_back(row);
    if (std::find(t.events.begin(), t.events.end(), row.event) == t.events.end()) {
      t.events.push_back(row.event);
    }
  });
  std::sort(t.events.begin(), t.events.end());
  return t;
}

}  // namespace kefu::msm_support

#endif  // KEFU_MACHINES_MSM_SUPPORT_H_
