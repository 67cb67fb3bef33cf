// A replay split in two runs (ReplayOptions::state_in / save_state, `kefu
// replay --state-in/--state-out`) ends as one run over the whole input.
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "kefu/io/events.h"
#include "kefu/io/replay.h"
#include "sample/sample.h"

namespace kefu {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> SampleLines(uint64_t seed) {
  SampleOptions options;
  options.seed = seed;
  options.orders_per_day = 25;
  std::vector<std::string> lines;
  EXPECT_TRUE(GenerateSample(options, [&](const ShopEvent& e) {
                lines.push_back(FormatEvent(e));
              }).ok());
  // Some lines again (redelivery) and a bad one: the split must not care.
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 40; ++i) {
    const size_t at = rng() % lines.size();
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at + 1), lines[at]);
  }
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(lines.size() / 3), "{not an event");
  // An event the shop rejects (an unknown order), dated days ahead: the
  // replay takes from the shop what falls due by then and holds it until
  // its clock gets there; the state must carry what it holds.
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(lines.size() / 2),
               R"({"id":"far-ahead","at":"2026-11-12T09:00:00+08:00","entity":"order",)"
               R"("key":"NO-SUCH-ORDER","type":"delivered"})");
  return lines;
}

ReplayReport RunLines(const std::vector<std::string>& lines, size_t from, size_t to,
                 const std::string& state_in) {
  std::string text;
  for (size_t i = from; i < to; ++i) text += lines[i] + "\n";
  std::istringstream in(text);
  ReplayOptions options;
  options.state_in = state_in;
  options.save_state = true;
  absl::StatusOr<ReplayReport> r = Replay(in, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : ReplayReport();
}

TEST(ReplayState, AWeekSplitAtAnyLineEndsAsOneRun) {
  const std::vector<std::string> lines = SampleLines(3);
  const ReplayReport whole = RunLines(lines, 0, lines.size(), "");
  ASSERT_GT(whole.applied, 1000);
  std::mt19937_64 rng(11);
  // lines.size() / 2 + 1: just after the far-ahead line.
  std::vector<size_t> splits = {0, 1, lines.size() / 2, lines.size() / 2 + 1, lines.size() - 1,
                                lines.size()};
  for (int i = 0; i < 6; ++i) splits.push_back(rng() % lines.size());
  for (size_t split : splits) {
    SCOPED_TRACE(split);
    const ReplayReport first = RunLines(lines, 0, split, "");
    const ReplayReport second = RunLines(lines, split, lines.size(), first.state);
    // The same entities by state, the same pending deadlines...
    ASSERT_EQ(second.states.size(), whole.states.size());
    for (size_t k = 0; k < whole.states.size(); ++k) {
      EXPECT_EQ(second.states[k].by_state, whole.states[k].by_state);
    }
    EXPECT_EQ(second.pending_after_until, whole.pending_after_until);
    // ... every item due reported once, by one run or the other ...
    EXPECT_EQ(first.warnings_total + second.warnings_total, whole.warnings_total);
    EXPECT_EQ(first.breaches_total + second.breaches_total, whole.breaches_total);
    EXPECT_EQ(first.actions_total + second.actions_total, whole.actions_total);
    EXPECT_EQ(first.applied + second.applied, whole.applied);
    EXPECT_EQ(first.duplicates + second.duplicates, whole.duplicates);
    // ... and the very same state, byte for byte.
    EXPECT_TRUE(second.state == whole.state) << "the states differ";
  }
}

// Every due item a report lists, as text with each of its fields: the
// actions with the agent they went to, the warnings and breaches with
// their deadlines.
std::string Join(std::initializer_list<std::string_view> fields) {
  std::string out;
  for (std::string_view f : fields) out.append(f).push_back('|');
  return out;
}

// Each listed item carries what it is about: a warning or breach its
// deadline (the rule, and the time it fell due at), an action its action.
void ExpectWholeItems(const ReplayReport& r) {
  for (const auto* list : {&r.warnings, &r.breaches}) {
    for (const DueItem& d : *list) {
      EXPECT_EQ(d.deadline.rule, d.rule) << d.entity;
      if (d.kind == DueItem::Kind::kBreach) {
        EXPECT_EQ(d.deadline.due, d.at) << d.entity;
      } else {
        EXPECT_EQ(d.deadline.warn_at, d.at) << d.entity;
      }
    }
  }
  for (const ReplayAgentActions& a : r.actions) {
    for (const ReplayAction& x : a.actions) {
      EXPECT_FALSE(std::string_view(x.action.rule).empty()) << x.entity;
      // Due "now" (none): listed at its event's time.
      if (x.action.due) {
        EXPECT_EQ(*x.action.due, x.due) << x.entity;
      }
    }
  }
}

std::multiset<std::string> ListedItems(const ReplayReport& r) {
  std::multiset<std::string> items;
  for (const ReplayAgentActions& a : r.actions) {
    for (const ReplayAction& x : a.actions) {
      items.insert(Join({"action", a.agent, EntityKindName(x.entity_kind), x.entity, x.event_id,
                         absl::FormatTime(x.due), std::string(x.action.rule), x.action.assignee,
                         x.action.subject, x.action.Describe(Language::kEn)}));
    }
  }
  for (const auto* list : {&r.warnings, &r.breaches}) {
    for (const DueItem& d : *list) {
      items.insert(Join({DueKindName(d.kind), EntityKindName(d.entity_kind), d.entity,
                         std::string(d.rule), absl::FormatTime(d.at), d.event_id, d.agent,
                         d.deadline.Describe(Language::kEn), absl::FormatTime(d.deadline.due)}));
    }
  }
  return items;
}

// What the first run held when it stopped (taken from the shop, not yet
// due by its clock) is listed by the second with every field: to whom each
// action goes, what each deadline said.
TEST(ReplayState, HeldItemsKeepEveryField) {
  // Seeds whose first run ends holding actions as well as deadlines.
  for (uint64_t seed : {1, 2, 4}) {
    SCOPED_TRACE(seed);
    const std::vector<std::string> lines = SampleLines(seed);
    const ReplayReport whole = RunLines(lines, 0, lines.size(), "");
    // Just after the far-ahead line: the first run ends holding a batch.
    const size_t split = lines.size() / 2 + 1;
    const ReplayReport first = RunLines(lines, 0, split, "");
    const ReplayReport second = RunLines(lines, split, lines.size(), first.state);
    ASSERT_GT(second.actions_total, 0);
    ASSERT_LT(whole.actions_total, static_cast<int64_t>(ReplayOptions().max_items_kept));
    std::multiset<std::string> both = ListedItems(first);
    const std::multiset<std::string> later = ListedItems(second);
    both.insert(later.begin(), later.end());
    EXPECT_EQ(both, ListedItems(whole));
    for (const ReplayReport* r : {&whole, &first, &second}) ExpectWholeItems(*r);
  }
}

TEST(ReplayState, AStateThatIsNotOneIsRefused) {
  std::istringstream in("");
  ReplayOptions options;
  options.state_in = "KEFUSHOP garbage";
  absl::StatusOr<ReplayReport> r = Replay(in, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("not a replay's state"));
}

TEST(ReplayState, ATruncatedOrAlteredStateIsDataLoss) {
  const std::vector<std::string> lines = SampleLines(4);
  const std::string state = RunLines(lines, 0, 200, "").state;
  ASSERT_GT(state.size(), 100u);
  for (size_t n : {size_t{9}, size_t{20}, state.size() / 2, state.size() - 1}) {
    std::istringstream in("");
    ReplayOptions options;
    options.state_in = state.substr(0, n);
    absl::StatusOr<ReplayReport> r = Replay(in, options);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << n << ": " << r.status();
  }
  std::string altered = state;
  altered[state.size() / 2] ^= 0x10;
  std::istringstream in("");
  ReplayOptions options;
  options.state_in = altered;
  EXPECT_EQ(Replay(in, options).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace kefu
