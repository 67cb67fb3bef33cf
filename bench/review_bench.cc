// Review follow-up benchmarks: full Review::Apply lifecycles (policies,
// outcome, audit and idempotency log included), the raw Boost.MSM dispatch
// of the same table with a do-nothing context, and the same transitions as
// a plain switch, in one binary. Read the ratios, not the absolute numbers
// (docs/benchmarks.md, docs/review.md).
#include "machines/review_fsm.h"  // first: Boost.MSM limits (msm_config.h)

#include <cstdint>
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

// One machine, put back into its initial state before each lifecycle (as
// the order benchmark does), so that only dispatch is timed.
void BM_ReviewRawMsmDispatch(benchmark::State& state) {
  const std::vector<ReviewEvent> evs = RefusalLifecycle();
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
// The refusal lifecycle's transitions written as a plain switch over
// (state, event) with the same routing on the contact result.
enum class S : uint8_t { kBlank, kNew, kAssigned, kContacting, kRemedy, kAwaiting, kRefusing,
                         kRevised, kUnresolved };

// Not inlined: like MSM's dispatch table, one call per event.
__attribute__((noinline)) S SwitchStep(S s, const ReviewEvent& e, bool over) {
  switch (s) {
    case S::kBlank:
      if (std::holds_alternative<ReviewReceived>(e)) return S::kNew;
      return s;
    case S::kNew:
      if (std::holds_alternative<ReviewAssigned>(e)) return S::kAssigned;
      if (std::holds_alternative<RevisionObserved>(e)) return S::kRevised;
      if (std::holds_alternative<ReviewClosed>(e)) return S::kUnresolved;
      return s;
    case S::kAssigned:
    case S::kContacting:
      if (const auto* c = std::get_if<ContactAttempted>(&e)) {
        switch (c->result) {
          case ReviewContactResult::kAgreedToRevise: return S::kAwaiting;
          case ReviewContactResult::kRefused: return S::kRefusing;
          default: return S::kContacting;
        }
      }
      if (std::holds_alternative<RevisionAgreed>(e)) return S::kAwaiting;
      if (std::holds_alternative<RemedyOffered>(e) && s == S::kContacting) return S::kRemedy;
      if (std::holds_alternative<RevisionObserved>(e)) return S::kRevised;
      if (std::holds_alternative<ReviewClosed>(e)) return S::kUnresolved;
      return s;
    case S::kRemedy:
      if (std::holds_alternative<RemedyAccepted>(e)) return S::kAwaiting;
      if (std::holds_alternative<RemedyDeclined>(e)) return S::kRefusing;
      if (std::holds_alternative<RevisionObserved>(e)) return S::kRevised;
      if (std::holds_alternative<ReviewClosed>(e)) return S::kUnresolved;
      return s;
    case S::kAwaiting:
      if (const auto* c = std::get_if<ContactAttempted>(&e)) {
        return c->result == ReviewContactResult::kRefused ? S::kRefusing : s;
      }
      if (std::holds_alternative<RevisionObserved>(e)) return S::kRevised;
      if (std::holds_alternative<ReviewClosed>(e)) return S::kUnresolved;
      return s;
    case S::kRefusing:
      if (const auto* c = std::get_if<ContactAttempted>(&e)) {
        return c->result == ReviewContactResult::kAgreedToRevise ? S::kAwaiting : s;
      }
      if (std::holds_alternative<DayEnded>(e)) return over ? S::kUnresolved : s;
      if (std::holds_alternative<RevisionAgreed>(e)) return S::kAwaiting;
      if (std::holds_alternative<RemedyOffered>(e)) return S::kRemedy;
      if (std::holds_alternative<RevisionObserved>(e)) return S::kRevised;
      if (std::holds_alternative<ReviewClosed>(e)) return S::kUnresolved;
      return s;
    case S::kRevised:
      return s;
    case S::kUnresolved:
      if (std::holds_alternative<RevisionObserved>(e)) return S::kRevised;
      return s;
  }
  return s;
}

void BM_ReviewSwitchBaseline(benchmark::State& state) {
  const std::vector<ReviewEvent> evs = RefusalLifecycle();
  int64_t n = 0;
  for (auto _ : state) {
    S s = S::kBlank;
    for (const ReviewEvent& e : evs) s = SwitchStep(s, e, /*over=*/true);
    benchmark::DoNotOptimize(s);
    if (s != S::kUnresolved) state.SkipWithError("switch lifecycle did not close");
    n += static_cast<int64_t>(evs.size());
  }
  state.SetItemsProcessed(n);
}
BENCHMARK(BM_ReviewSwitchBaseline);

}  // namespace
}  // namespace kefu

BENCHMARK_MAIN();
