// conversation_fsm.h: a buyer's conversation as a Boost.MSM functor
// front-end. Private to src/engine/conversation.cc.
//
// Two states: "new" until the first event, then "open". Every event is
// taken in both; the context does the work (conversation.cc):
//   void Ctx::Do(ActionTag, const Event&)   commits, never fails
// Persisted conversations store state names (kName).
#ifndef KEFU_ENGINE_CONVERSATION_FSM_H_
#define KEFU_ENGINE_CONVERSATION_FSM_H_

#include "machines/msm_support.h"  // first: includes msm_config.h

#include <string_view>

#include <boost/mpl/vector.hpp>

#include "kefu/engine/conversation.h"

namespace kefu::conversation_fsm {

namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;

namespace st {
struct New : msmf::state<> {
  static constexpr std::string_view kName = "new";
};
struct Open : msmf::state<> {
  static constexpr std::string_view kName = "open";
};
}  // namespace st

namespace a {
struct Post {
  static constexpr std::string_view kName = "check reply, track promise";
};
struct CallBack {
  static constexpr std::string_view kName = "ask for a call back";
};
struct Listen {
  static constexpr std::string_view kName = "note the buyer's message";
};
}  // namespace a

template <class Ctx>
struct ConversationDef : msm_support::MachineDef<ConversationDef<Ctx>, Ctx> {
  using initial_state = st::New;
  template <class T>
  using A = msm_support::Act<T>;

  // clang-format off
  struct transition_table : boost::mpl::vector<
    //   source     event             target     action          guard
    Row<st::New,  ReplyPosted,      st::Open,  A<a::Post>,     none>,
    Row<st::New,  WrongAnswerFound, st::Open,  A<a::CallBack>, none>,
    Row<st::New,  BuyerMessaged,    st::Open,  A<a::Listen>,   none>,
    Row<st::Open, ReplyPosted,      none,      A<a::Post>,     none>,
    Row<st::Open, WrongAnswerFound, none,      A<a::CallBack>, none>,
    Row<st::Open, BuyerMessaged,    none,      A<a::Listen>,   none>
  > {};
  // clang-format on
};

template <class Ctx>
using ConversationSm = boost::msm::back::state_machine<ConversationDef<Ctx>>;

}  // namespace kefu::conversation_fsm

#endif  // KEFU_ENGINE_CONVERSATION_FSM_H_
