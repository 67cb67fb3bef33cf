// Helpers of the store tests: sample events, fresh store paths, reports
// compared section by section.
#ifndef KEFU_TESTS_STORE_STORE_TEST_UTIL_H_
#define KEFU_TESTS_STORE_STORE_TEST_UTIL_H_

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/engine/shop_event.h"
#include "kefu/io/replay.h"
#include "kefu/store/sqlite_store.h"
#include "sample/sample.h"

namespace kefu::test {

// A sample week of `orders_per_day` orders a day (with the tickets, reviews
// and replies they bring), in time order.
inline std::vector<ShopEvent> SampleEvents(uint64_t seed, int orders_per_day, int days = 7) {
  SampleOptions options;
  options.seed = seed;
  options.orders_per_day = orders_per_day;
  options.days = days;
  std::vector<ShopEvent> events;
  EXPECT_TRUE(GenerateSample(options, [&](const ShopEvent& e) { events.push_back(e); }).ok());
  return events;
}

// A path for a new store, nothing there yet (nor beside it).
// A SQLite store's options for tests: normal durability (no fsync to wait
// for), a snapshot every `snapshot_every` entries, `shards` shop shards.
inline SqliteStoreOptions NormalStoreOptions(int64_t snapshot_every, int shards = 1) {
  SqliteStoreOptions o;
  o.durability = Durability::kNormal;
  o.snapshot_every = snapshot_every;
  o.shop.shards = shards;
  return o;
}

// Deletes the store at `path` and its -wal, -shm and -lock companions.
inline void RemoveStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-lock"}) std::remove((path + suffix).c_str());
}

inline std::string TempStorePath(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  std::filesystem::path dir =
      std::filesystem::path(tmp ? tmp : "/tmp") / ("kefu-store-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / (name + ".db")).string();
  for (const char* suffix : {"", "-wal", "-shm", "-lock", ".creating"}) {
    std::remove((path + suffix).c_str());
  }
  return path;
}

inline std::vector<std::string> DueKeys(const std::vector<DueItem>& items) {
  std::vector<std::string> keys;
  for (const DueItem& d : items) {
    keys.push_back(std::string(d.rule) + " " + d.entity + " " + FormatTimestamp(d.at) + " " +
                   d.event_id);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Entities by state, decisions by rule, actions, warnings, breaches and
// what is pending: the same (lists compared as sets: items of equal time
// may come in another order).
inline void ExpectSameReport(const ReplayReport& a, const ReplayReport& b) {
  ASSERT_EQ(a.states.size(), b.states.size());
  for (size_t k = 0; k < a.states.size(); ++k) {
    EXPECT_EQ(a.states[k].by_state, b.states[k].by_state) << k;
  }
  ASSERT_EQ(a.rules.size(), b.rules.size());
  for (size_t k = 0; k < a.rules.size(); ++k) {
    EXPECT_EQ(a.rules[k].rule, b.rules[k].rule);
    EXPECT_EQ(a.rules[k].allowed, b.rules[k].allowed) << a.rules[k].rule;
    EXPECT_EQ(a.rules[k].refused, b.rules[k].refused) << a.rules[k].rule;
    EXPECT_EQ(a.rules[k].adjusted, b.rules[k].adjusted) << a.rules[k].rule;
    EXPECT_EQ(a.rules[k].scheduled, b.rules[k].scheduled) << a.rules[k].rule;
    EXPECT_EQ(a.rules[k].refused_money, b.rules[k].refused_money) << a.rules[k].rule;
    EXPECT_EQ(a.rules[k].adjusted_money, b.rules[k].adjusted_money) << a.rules[k].rule;
  }
  EXPECT_EQ(a.applied, b.applied);
  EXPECT_EQ(a.refused, b.refused);
  EXPECT_EQ(a.duplicates, b.duplicates);
  EXPECT_EQ(a.rejected, b.rejected);
  EXPECT_EQ(a.until, b.until);
  EXPECT_EQ(a.pending_after_until, b.pending_after_until);
  EXPECT_EQ(a.actions_total, b.actions_total);
  ASSERT_EQ(a.actions.size(), b.actions.size());
  for (size_t k = 0; k < a.actions.size(); ++k) {
    EXPECT_EQ(a.actions[k].agent, b.actions[k].agent);
    EXPECT_EQ(a.actions[k].by_kind, b.actions[k].by_kind);
    EXPECT_EQ(a.actions[k].money, b.actions[k].money);
  }
  EXPECT_EQ(a.warnings_total, b.warnings_total);
  EXPECT_EQ(a.breaches_total, b.breaches_total);
  EXPECT_EQ(a.warnings_by_rule, b.warnings_by_rule);
  EXPECT_EQ(a.breaches_by_rule, b.breaches_by_rule);
  EXPECT_EQ(DueKeys(a.warnings), DueKeys(b.warnings));
  EXPECT_EQ(DueKeys(a.breaches), DueKeys(b.breaches));
}

}  // namespace kefu::test

#endif  // KEFU_TESTS_STORE_STORE_TEST_UTIL_H_
