// Review follow-up benchmarks: full Review::Apply lifecycles (policies,
// outcome, audit and idempotency log included), the raw Boost.MSM dispatch
// of the same table with a do-nothing context, and the same transitions as
// a plain switch, in one binary. Read the ratios, not the absolute numbers
// (docs/benchmarks.md, docs/review.md).
#include "machines/review_fsm.h"  // first: Boost.MSM limits (msm_config.h)

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include "benchmark/benchmark.h"
#include "kefu/machines/review.h"

namespace kefu {
namespace {

Timestamp At(const char* text) { return ParseTimestamp(text).value(); }

EventMeta Meta(const char* id, Timestamp at) { return EventMeta{id, at, "小王"}; }

// Lifecycle A (RV-SCHEDULE): a Friday refusal, two SMS, closed unresolved.
std::vector<ReviewEvent> RefusalLifecycle() {
  const Timestamp fri = At("2026-11-27T15:00:00+08:00");
  std::vector<ReviewEvent> evs;
  ReviewReceived r;
  r.meta = Meta("a1", fri);
  r.order_id = "T-1001";
  r.product = "N86 液晶屏";
  r.rating = ReviewRating::kNegative;
  r.complaint = "屏幕有坏点";
  r.item_price = Money::Yuan(25);
  r.buyer = "buyer_wang";
  r.buyer_phone = "13800000000";
  evs.push_back(r);
  evs.push_back(ReviewAssigned{Meta("a2", fri + absl::Minutes(5)), "小王"});
  ContactAttempted c;
  c.meta = Meta("a3", fri + absl::Minutes(30));
  c.channel = ReviewChannel::kPhone;
  c.result = ReviewContactResult::kRefused;
  c.presence = BuyerPresence::kOffline;
  evs.push_back(c);
  c.meta = Meta("a4", At("2026-11-28T10:00:00+08:00"));
  c.channel = ReviewChannel::kSms;
  c.result = ReviewContactResult::kUnreachable;
  c.presence.reset();
  evs.push_back(c);
  c.meta = Meta("a5", At("2026-11-29T10:00:00+08:00"));
  evs.push_back(c);
  evs.push_back(DayEnded{Meta("a6", At("2026-11-30T00:00:00+08:00"))});
  return evs;
}

// Lifecycle B (RV-REMEDY, RV-PROMISE): a partial refund accepted, revised.
std::vector<ReviewEvent> RemedyLifecycle() {
  const Timestamp mon = At("2026-11-23T09:00:00+08:00");
  std::vector<ReviewEvent> evs = RefusalLifecycle();
  evs.resize(2);
  std::get<ReviewReceived>(evs[0]).meta.at = mon;
  std::get<ReviewAssigned>(evs[1]).meta.at = mon + absl::Minutes(5);
  ContactAttempted c;
  c.meta = Meta("b3", mon + absl::Minutes(30));
  c.channel = ReviewChannel::kChat;
  c.result = ReviewContactResult::kTalked;
  c.presence = BuyerPresence::kOnline;
  evs.push_back(c);
  evs.push_back(RemedyOffered{Meta("b4", mon + absl::Minutes(31)), Remedy::kPartialRefund,
                              Money::Yuan(5)});
  evs.push_back(RemedyAccepted{Meta("b5", mon + absl::Minutes(40))});
  evs.push_back(RevisionObserved{Meta("b6", mon + absl::Hours(3)), ReviewRating::kPositive});
  return evs;
}

void RunLifecycles(benchmark::State& state, const std::vector<ReviewEvent>& evs) {
  const BusinessCalendar cal = BusinessCalendar::Default();
  ReviewEnvironment env;
  env.calendar = &cal;
  int64_t applies = 0;
  for (auto _ : state) {
    Review review("RV-BENCH");
    for (const ReviewEvent& e : evs) {
      auto out = review.Apply(e, env);
      benchmark::DoNotOptimize(out);
    }
    if (review.open()) state.SkipWithError("lifecycle did not close");
    applies += static_cast<int64_t>(evs.size());
  }
  state.counters["applies/s"] = benchmark::Counter(static_cast<double>(applies),
                                                   benchmark::Counter::kIsRate);
  state.SetItemsProcessed(applies);
}

void BM_ReviewLifecycle_Refusal(benchmark::State& state) {
  RunLifecycles(state, RefusalLifecycle());
}
BENCHMARK(BM_ReviewLifecycle_Refusal);

void BM_ReviewLifecycle_Remedy(benchmark::State& state) { RunLifecycles(state, RemedyLifecycle()); }
BENCHMARK(BM_ReviewLifecycle_Remedy);

// ------------------------------------------------------------ raw dispatch
// The same MSM table with a context that only routes: guards answer from the
// event, actions do nothing. Times Boost.MSM itself.
struct RouteOnlyCtx {
  bool over = false;
  template <class Tag, class E>
  bool Check(Tag, const E&) {
    return true;
  }
  bool Check(review_fsm::g::Agreed, const ContactAttempted& e) {
    return e.result == ReviewContactResult::kAgreedToRevise;
  }
  bool Check(review_fsm::g::Refused, const ContactAttempted& e) {
    return e.result == ReviewContactResult::kRefused;
  }
  bool Check(review_fsm::g::Unsettled, const ContactAttempted& e) {
    return e.result == ReviewContactResult::kUnreachable ||
           e.result == ReviewContactResult::kTalked;
  }
  bool Check(review_fsm::g::NotRefused, const ContactAttempted& e) {
    return e.result != ReviewContactResult::kRefused;
  }
  bool Check(review_fsm::g::NotAgreed, const ContactAttempted& e) {
    return e.result != ReviewContactResult::kAgreedToRevise;
  }
  bool Check(review_fsm::g::FollowUpOver, const DayEnded&) { return over; }
  bool Check(review_fsm::g::FollowUpRunning, const DayEnded&) { return !over; }
  template <class Tag, class E>
  void Do(Tag, const E&) {}
};

using RawSm = review_fsm::ReviewSm<RouteOnlyCtx>;
using RestoreTable =
    boost::msm::back::dispatch_table<RawSm, msm_support::RestoreTag, msm_support::RestoreTag,
                                     msm_support::RestoreTag>;

void CheckSameTransitions(const std::vector<ReviewEvent>& evs);  // below

// One machine, put back into its initial state before each lifecycle (as
// the order benchmark does), so that only dispatch is timed.
void BM_ReviewRawMsmDispatch(benchmark::State& state) {
  const std::vector<ReviewEvent> evs = RefusalLifecycle();
  CheckSameTransitions(evs);
  RouteOnlyCtx ctx;
  ctx.over = true;
  RawSm sm;
  sm.ctx = &ctx;
  sm.start();
  const int initial = sm.current_state()[0];
  int64_t n = 0;
  for (auto _ : state) {
    RestoreTable::SetActiveState(sm, initial);
    for (const ReviewEvent& e : evs) {
      std::visit([&sm](const auto& ev) { sm.process_event(ev); }, e);
    }
    benchmark::DoNotOptimize(sm.current_state()[0]);
    n += static_cast<int64_t>(evs.size());
  }
  if (msm_support::StateName(sm) != "unresolved") {
    state.SkipWithError("MSM lifecycle did not close");
  }
  state.SetItemsProcessed(n);
}
BENCHMARK(BM_ReviewRawMsmDispatch);

// ---------------------------------------------------------- switch baseline
// The same transitions as a nested switch over (state, event index), written
// like the order benchmark's (bench/order_bench.cc): a plain function the
// compiler may inline, guards answering as RouteOnlyCtx does (the contact
// result, `over`), the lifecycle checked against MSM once, outside the
// timing. BM_ReviewSwitchCallBaseline is the same function kept out of line
// (one call per event, as MSM's dispatch table makes), for reference.
enum S : int {
  kBlank,
  kNew,
  kAssigned,
  kContacting,
  kRemedyOffered,
  kAwaiting,
  kRefusing,
  kRevised,
  kUnresolved,
  kRejected = -1
};
enum E : int {
  eReceived,
  eAssigned,
  eContact,
  eAgreed,
  eObserved,
  eOffered,
  eAccepted,
  eDeclined,
  eDayEnded,
  eClosed
};

ReviewContactResult ResultOf(const ReviewEvent& e) {
  return std::get_if<ContactAttempted>(&e)->result;
}

int SwitchNext(int s, const ReviewEvent& ev, bool over) {
  const int e = static_cast<int>(ev.index());
  switch (s) {
    case kBlank:
      return e == eReceived ? kNew : kRejected;
    case kNew:
      switch (e) {
        case eAssigned:
          return kAssigned;
        case eObserved:
          return kRevised;
        case eClosed:
          return kUnresolved;
        default:
          return kRejected;
      }
    case kAssigned:
    case kContacting:
      switch (e) {
        case eAssigned:
          return s;
        case eContact:
          switch (ResultOf(ev)) {
            case ReviewContactResult::kAgreedToRevise:
              return kAwaiting;
            case ReviewContactResult::kRefused:
              return kRefusing;
            default:
              return kContacting;
          }
        case eAgreed:
          return kAwaiting;
        case eOffered:
          return s == kContacting ? kRemedyOffered : kRejected;
        case eObserved:
          return kRevised;
        case eClosed:
          return kUnresolved;
        default:
          return kRejected;
      }
    case kRemedyOffered:
      switch (e) {
        case eAssigned:
        case eContact:
          return s;
        case eAccepted:
          return kAwaiting;
        case eDeclined:
          return kRefusing;
        case eObserved:
          return kRevised;
        case eClosed:
          return kUnresolved;
        default:
          return kRejected;
      }
    case kAwaiting:
      switch (e) {
        case eAssigned:
        case eDayEnded:
          return s;
        case eContact:
          return ResultOf(ev) == ReviewContactResult::kRefused ? kRefusing : s;
        case eObserved:
          return kRevised;
        case eClosed:
          return kUnresolved;
        default:
          return kRejected;
      }
    case kRefusing:
      switch (e) {
        case eAssigned:
          return s;
        case eContact:
          return ResultOf(ev) == ReviewContactResult::kAgreedToRevise ? kAwaiting : s;
        case eAgreed:
          return kAwaiting;
        case eOffered:
          return kRemedyOffered;
        case eDayEnded:
          return over ? kUnresolved : s;
        case eObserved:
          return kRevised;
        case eClosed:
          return kUnresolved;
        default:
          return kRejected;
      }
    case kUnresolved:
      return e == eObserved ? kRevised : kRejected;
    default:
      return kRejected;
  }
}

__attribute__((noinline)) int SwitchNextCall(int s, const ReviewEvent& ev, bool over) {
  return SwitchNext(s, ev, over);
}

const char* const kSwitchNames[] = {
    "blank",    "new",     "assigned",  "contacting", "remedy_offered", "awaiting_revision",
    "refusing", "revised", "unresolved"};

// Replays the lifecycle on both and aborts if they disagree anywhere.
void CheckSameTransitions(const std::vector<ReviewEvent>& evs) {
  RouteOnlyCtx ctx;
  ctx.over = true;
  RawSm sm;
  sm.ctx = &ctx;
  sm.start();
  int s = kBlank;
  for (const ReviewEvent& e : evs) {
    std::visit([&sm](const auto& ev) { sm.process_event(ev); }, e);
    s = SwitchNext(s, e, /*over=*/true);
    if (s < 0 || msm_support::StateName(sm) != kSwitchNames[s]) {
      std::fprintf(stderr, "switch and MSM disagree at %s: msm %s, switch %s\n",
                   std::string(EventName(e)).c_str(),
                   std::string(msm_support::StateName(sm)).c_str(),
                   s < 0 ? "rejected" : kSwitchNames[s]);
      std::abort();
    }
  }
}

template <int (*Next)(int, const ReviewEvent&, bool)>
void RunSwitch(benchmark::State& state) {
  const std::vector<ReviewEvent> evs = RefusalLifecycle();
  int64_t n = 0;
  for (auto _ : state) {
    int s = kBlank;
    for (const ReviewEvent& e : evs) s = Next(s, e, /*over=*/true);
    benchmark::DoNotOptimize(s);
    n += static_cast<int64_t>(evs.size());
  }
  state.SetItemsProcessed(n);
}

void BM_ReviewSwitchBaseline(benchmark::State& state) { RunSwitch<SwitchNext>(state); }
BENCHMARK(BM_ReviewSwitchBaseline);

void BM_ReviewSwitchCallBaseline(benchmark::State& state) { RunSwitch<SwitchNextCall>(state); }
BENCHMARK(BM_ReviewSwitchCallBaseline);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
