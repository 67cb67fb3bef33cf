// Benchmarks of the core vocabulary: money arithmetic and business-calendar
// arithmetic, each beside a baseline doing the same in the plainest way, so
// that figures can be quoted as ratios (see docs/benchmarks.md).
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "kefu/core/calendar.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "core/codec.h"

namespace {

std::vector<int64_t> Amounts() {
  std::vector<int64_t> v;
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 4096; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    v.push_back(static_cast<int64_t>(x % 10000000));  // up to 100,000 yuan
  }
  return v;
}

// Baseline: unchecked int64 arithmetic with the same rounding.
void BM_PercentOf_RawInt64(benchmark::State& state) {
  const auto amounts = Amounts();
  size_t i = 0;
  for (auto _ : state) {
    int64_t a = amounts[i++ & 4095];
    int64_t r = (a * 500 + 5000) / 10000;
    if (r > 3000) r = 3000;
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_PercentOf_RawInt64);

void BM_PercentOf_Checked(benchmark::State& state) {
  const auto amounts = Amounts();
  const auto rate = kefu::Rate::Percent(5);
  const auto cap = kefu::Money::Yuan(30);
  size_t i = 0;
  for (auto _ : state) {
    auto r = kefu::PercentOf(kefu::Money::Fen(amounts[i++ & 4095]), rate, cap);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_PercentOf_Checked);

void BM_MoneyAdd_RawInt64(benchmark::State& state) {
  const auto amounts = Amounts();
  int64_t sum = 0;
  size_t i = 0;
  for (auto _ : state) {
    sum += amounts[i++ & 4095];
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_MoneyAdd_RawInt64);

void BM_MoneyAdd_Checked(benchmark::State& state) {
  const auto amounts = Amounts();
  kefu::Money sum;
  size_t i = 0;
  for (auto _ : state) {
    auto r = sum.Add(kefu::Money::Fen(amounts[i++ & 4095]));
    sum = r.ok() ? *r : kefu::Money::Zero();
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_MoneyAdd_Checked);

void BM_MoneyParse(benchmark::State& state) {
  for (auto _ : state) {
    auto m = kefu::Money::Parse("12345.67");
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_MoneyParse);

void BM_MoneyFormat(benchmark::State& state) {
  const kefu::Money m = kefu::Money::Fen(1234567);
  for (auto _ : state) {
    auto s = m.ToString();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_MoneyFormat);

kefu::BusinessCalendar China2026() {
  kefu::BusinessCalendar::Options options;
  for (int d = 1; d <= 7; ++d) options.holidays.push_back(kefu::LocalDay(2026, 10, d));
  options.makeup_workdays = {kefu::LocalDay(2026, 9, 20), kefu::LocalDay(2026, 10, 10)};
  return *kefu::BusinessCalendar::Create(options);
}

std::vector<kefu::Timestamp> Instants() {
  std::vector<kefu::Timestamp> v;
  const kefu::Timestamp base = absl::FromUnixSeconds(1790818200);  // 2026-10-01
  for (int i = 0; i < 4096; ++i) v.push_back(base + absl::Minutes(37 * i - 40000));
  return v;
}

// Baseline: end of day with a fixed +8 h offset in plain integer arithmetic.
void BM_EndOfDay_FixedOffsetBaseline(benchmark::State& state) {
  const auto instants = Instants();
  size_t i = 0;
  for (auto _ : state) {
    int64_t s = absl::ToUnixSeconds(instants[i++ & 4095]) + 8 * 3600;
    int64_t end = (s / 86400 + 1) * 86400 - 8 * 3600;
    benchmark::DoNotOptimize(end);
  }
}
BENCHMARK(BM_EndOfDay_FixedOffsetBaseline);

void BM_EndOfDay(benchmark::State& state) {
  const auto calendar = China2026();
  const auto instants = Instants();
  size_t i = 0;
  for (auto _ : state) {
    auto t = calendar.EndOfDay(instants[i++ & 4095]);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_EndOfDay);

// A zone that still changes its offset (daylight saving): every query asks
// absl (cctz) for the offset; the baseline does the same end of day with
// absl alone.
void BM_EndOfDay_DstZone(benchmark::State& state) {
  kefu::BusinessCalendar::Options options;
  options.time_zone = "America/New_York";
  const auto calendar = *kefu::BusinessCalendar::Create(options);
  const auto instants = Instants();
  size_t i = 0;
  for (auto _ : state) {
    auto t = calendar.EndOfDay(instants[i++ & 4095]);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_EndOfDay_DstZone);

void BM_EndOfDay_DstZone_AbslBaseline(benchmark::State& state) {
  absl::TimeZone ny;
  if (!absl::LoadTimeZone("America/New_York", &ny)) {
    state.SkipWithError("no tzdata");
    return;
  }
  const auto instants = Instants();
  size_t i = 0;
  for (auto _ : state) {
    auto t = absl::FromCivil(absl::ToCivilDay(instants[i++ & 4095], ny) + 1, ny);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_EndOfDay_DstZone_AbslBaseline);

void BM_AddDays(benchmark::State& state) {
  const auto calendar = China2026();
  const auto instants = Instants();
  size_t i = 0;
  for (auto _ : state) {
    auto t = calendar.AddDays(instants[i++ & 4095], 7);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_AddDays);

void BM_AddBusinessDays(benchmark::State& state) {
  const auto calendar = China2026();
  const auto instants = Instants();
  const int n = static_cast<int>(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    auto t = calendar.AddBusinessDays(instants[i++ & 4095], n);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_AddBusinessDays)->Arg(1)->Arg(3)->Arg(7);

void BM_AddBusinessHours(benchmark::State& state) {
  const auto calendar = China2026();
  const auto instants = Instants();
  size_t i = 0;
  for (auto _ : state) {
    auto t = calendar.AddBusinessHours(instants[i++ & 4095], absl::Hours(state.range(0)));
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_AddBusinessHours)->Arg(4)->Arg(24);

void BM_IsWithinServiceHours(benchmark::State& state) {
  const auto calendar = China2026();
  const auto instants = Instants();
  size_t i = 0;
  for (auto _ : state) {
    bool b = calendar.IsWithinServiceHours(instants[i++ & 4095]);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_IsWithinServiceHours);

// A decision with three figures, built and rendered: the cost an outcome
// pays per decision, and the cost of showing it to a person.
void BM_DecisionBuild(benchmark::State& state) {
  for (auto _ : state) {
    kefu::Decision d;
    d.rule = "AS-POSTAGE-CAP";
    d.verdict = kefu::Verdict::kAdjusted;
    d.message = {"退货邮费{claimed}超过上限{cap}", "postage {claimed} above cap {cap}"};
    d.figures.push_back({"claimed", kefu::Money::Yuan(12)});
    d.figures.push_back({"cap", kefu::Money::Yuan(10)});
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_DecisionBuild);

void BM_DecisionReason(benchmark::State& state) {
  kefu::Decision d;
  d.rule = "AS-POSTAGE-CAP";
  d.verdict = kefu::Verdict::kAdjusted;
  d.message = {"退货邮费{claimed}超过上限{cap}", "postage {claimed} above cap {cap}"};
  d.figures.push_back({"claimed", kefu::Money::Yuan(12)});
  d.figures.push_back({"cap", kefu::Money::Yuan(10)});
  for (auto _ : state) {
    auto s = d.Reason();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_DecisionReason);

// ------------------------------------------------ the codec (src/core/codec.h)

// An order's outcome as a shop's log holds them: a decision with figures,
// a deadline, the audit record.
std::string EncodedOutcome() {
  kefu::Outcome o;
  o.entity = "TB20261102000740";
  kefu::Decision d;
  d.rule = "OR-POSTAGE-CAP";
  d.verdict = kefu::Verdict::kAdjusted;
  d.figures.push_back({"cap", kefu::Money::Yuan(10)});
  d.figures.push_back({"claimed", kefu::Money::Yuan(12)});
  o.Add(d);
  kefu::Deadline dl;
  dl.rule = "AS-RESOLVE";
  dl.due = absl::FromUnixSeconds(1790003600);
  dl.warn_at = absl::FromUnixSeconds(1790001800);
  o.deadlines.push_back(dl);
  o.audit.event_id = "TB20261102000740.3";
  o.audit.event_type = "payment_received";
  o.audit.agent = "agent-17";
  o.audit.at = absl::FromUnixSeconds(1790000000);
  o.audit.state_before = "placed";
  o.audit.state_after = "paid";
  std::string bytes;
  kefu::internal::ByteWriter w(&bytes);
  kefu::internal::EncodeOutcome(o, w);
  return bytes;
}

// DecodeOutcome into one outcome decoded over and over (its heap blocks
// kept: what a shop's load and a store's journal now do) ...
void BM_DecodeOutcome_InPlace(benchmark::State& state) {
  const std::string bytes = EncodedOutcome();
  kefu::Outcome o;
  for (auto _ : state) {
    kefu::internal::ByteReader r(bytes);
    if (!kefu::internal::DecodeOutcome(r, &o)) state.SkipWithError("decode");
    benchmark::DoNotOptimize(o);
  }
}
BENCHMARK(BM_DecodeOutcome_InPlace);

// ... against a fresh outcome each time (made and freed, as before).
void BM_DecodeOutcome_FreshBaseline(benchmark::State& state) {
  const std::string bytes = EncodedOutcome();
  for (auto _ : state) {
    kefu::Outcome o;
    kefu::internal::ByteReader r(bytes);
    if (!kefu::internal::DecodeOutcome(r, &o)) state.SkipWithError("decode");
    benchmark::DoNotOptimize(o);
  }
}
BENCHMARK(BM_DecodeOutcome_FreshBaseline);

// InternText of 64 names in turn (a thread's cache finds each) against
// what it did before on every call: a lock and a lookup in an ordered set.
std::vector<std::string> Names() {
  std::vector<std::string> names;
  for (int i = 0; i < 64; ++i) names.push_back("rule-or-figure-name-" + std::to_string(i));
  return names;
}

void BM_InternText(benchmark::State& state) {
  const std::vector<std::string> names = Names();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kefu::InternText(names[i++ & 63]));
  }
}
BENCHMARK(BM_InternText);

void BM_InternText_LockedSetBaseline(benchmark::State& state) {
  const std::vector<std::string> names = Names();
  std::mutex mu;
  std::set<std::string, std::less<>> texts(names.begin(), names.end());
  size_t i = 0;
  for (auto _ : state) {
    std::lock_guard lock(mu);
    auto it = texts.find(std::string_view(names[i++ & 63]));
    benchmark::DoNotOptimize(it->c_str());
  }
}
BENCHMARK(BM_InternText_LockedSetBaseline);

}  // namespace

BENCHMARK_MAIN();
