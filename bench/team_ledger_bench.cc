// The team ledger on the hot paths it sits on: every order placed and every
// chat message. Baseline: the same counting in a bare hash map (day count
// only, no targets, rounds or conversion), to show what the ledger adds.
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "kefu/engine/conversation.h"
#include "kefu/engine/team_ledger.h"
#include "kefu/machines/order.h"

namespace {

const kefu::Timestamp kMonday = absl::FromUnixSeconds(1793548800);  // 2026-11-02 00:00 +08

std::vector<kefu::ShopEvent> Orders(int n) {
  std::vector<kefu::ShopEvent> out;
  for (int i = 0; i < n; ++i) {
    kefu::OrderPlaced p;
    p.meta = {absl::StrCat("e", i), kMonday + absl::Seconds(20 * i), "小王"};
    p.buyer.im_name = absl::StrCat("buyer-", i % 5000);
    out.push_back(kefu::ShopEvent{absl::StrCat("O", i), kefu::OrderEvent{std::move(p)}});
  }
  return out;
}

void BM_TeamLedger_OrderPlaced(benchmark::State& state) {
  const std::vector<kefu::ShopEvent> orders = Orders(static_cast<int>(state.range(0)));
  const kefu::Outcome applied;
  for (auto _ : state) {
    kefu::TeamLedger ledger;
    (void)ledger.StartMonth(absl::CivilMonth(2026, 11), 2550);
    for (const kefu::ShopEvent& e : orders) benchmark::DoNotOptimize(ledger.Observe(e, applied));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TeamLedger_OrderPlaced)->Arg(1000)->Arg(100000);

void BM_TeamLedger_OrderPlaced_HashMapBaseline(benchmark::State& state) {
  const std::vector<kefu::ShopEvent> orders = Orders(static_cast<int>(state.range(0)));
  const kefu::BusinessCalendar cal = kefu::BusinessCalendar::Default();
  for (auto _ : state) {
    absl::flat_hash_map<std::string, kefu::LocalDay> seen;
    absl::flat_hash_map<kefu::LocalDay, int64_t> per_day;
    for (const kefu::ShopEvent& e : orders) {
      const auto& p = std::get<kefu::OrderPlaced>(std::get<kefu::OrderEvent>(e.event));
      const kefu::LocalDay day = cal.DayOf(p.meta.at);
      if (seen.emplace(e.key, day).second) ++per_day[day];
    }
    benchmark::DoNotOptimize(per_day.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TeamLedger_OrderPlaced_HashMapBaseline)->Arg(1000)->Arg(100000);

// A buyer message and the agent's reply: one round each.
void BM_TeamLedger_Round(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<std::string> conversations;
  for (int i = 0; i < n; ++i) conversations.push_back(absl::StrCat("buyer-", i % 5000));
  for (auto _ : state) {
    kefu::TeamLedger ledger;
    for (int i = 0; i < n; ++i) {
      const kefu::Timestamp at = kMonday + absl::Hours(8) + absl::Seconds(7 * i);
      ledger.BuyerMessaged(conversations[i], conversations[i], at);
      ledger.AgentReplied(conversations[i], i % 2 ? "小王" : "小李", at + absl::Seconds(90));
    }
    benchmark::DoNotOptimize(ledger.ShopDay(kefu::LocalDay(2026, 11, 2)).in_time);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_TeamLedger_Round)->Arg(1000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
