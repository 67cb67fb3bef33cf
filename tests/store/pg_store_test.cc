// The PostgreSQL store (kefu/store/pg_store.h) on a real PostgreSQL 15 (the
// ctest fixture kefu_postgres): what it acknowledged comes back on
// reopening, its report is one replay's, the lease fences a store that lost
// it, the idempotency key holds, due items are claimed once, and a schema
// newer than this build's is refused with a clear error.
#include "kefu/store/pg_store.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/io/events.h"
#include "kefu/io/replay.h"
#include "kefu/store/open.h"
#include "store/pg_test_util.h"
#include "store/store_test_util.h"

namespace kefu {
namespace {

using test::FreshDatabase;
using test::SampleEvents;
using test::Sql;
using ::testing::HasSubstr;

PgStoreOptions Options(const std::string& shop, int64_t snapshot_every = 100000) {
  PgStoreOptions o;
  o.shop_id = shop;
  o.durability = Durability::kNormal;
  o.snapshot_every = snapshot_every;
  o.shop.shards = 1;
  o.partitions = 4;
  return o;
}

std::unique_ptr<PgStore> OpenOk(const std::string& uri, PgStoreOptions o) {
  absl::StatusOr<std::unique_ptr<PgStore>> s = PgStore::Open(uri, std::move(o));
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

TEST(PgStore, AReopenedShopHoldsWhatItAcknowledgedAndShopsStayApart) {
  const std::string uri = FreshDatabase("pg_reopen");
  ASSERT_FALSE(uri.empty());
  const std::vector<ShopEvent> a = SampleEvents(5, 10, 3), b = SampleEvents(6, 10, 3);
  std::string saved_a, saved_b;
  {
    auto sa = OpenOk(uri, Options("a", 97));
    auto sb = OpenOk(uri, Options("b", 1000000));
    ASSERT_TRUE(sa && sb);
    for (const ShopEvent& e : a) ASSERT_TRUE(sa->Apply(e).ok());
    ASSERT_TRUE(sb->ApplyBatch(b).ok());
    saved_a = sa->shop().Save();
    saved_b = sb->shop().Save();
  }
  auto sa = OpenOk(uri, Options("a", 97));
  auto sb = OpenOk(uri, Options("b", 1000000));
  ASSERT_TRUE(sa && sb);
  EXPECT_TRUE(sa->shop().Save() == saved_a);
  EXPECT_TRUE(sb->shop().Save() == saved_b);
  EXPECT_EQ(sa->journal_seq(), static_cast<int64_t>(a.size()));
  // Shop a snapshotted: its journal before the snapshot is gone.
  EXPECT_LT(std::stoll(Sql(uri, "SELECT count(*) FROM kefu_journal WHERE shop_id = 'a'")[0][0]),
            97);
  // The report is one replay's.
  absl::StatusOr<ReplayReport> report = sb->Report();
  ASSERT_TRUE(report.ok()) << report.status();
  std::string lines;
  for (const ShopEvent& e : b) lines += FormatEvent(e) + "\n";
  std::istringstream in(lines);
  absl::StatusOr<ReplayReport> replay = Replay(in, ReplayOptions{});
  ASSERT_TRUE(replay.ok()) << replay.status();
  test::ExpectSameReport(*report, *replay);
  // The final one too, built on the store's own shop; then it is done.
  absl::StatusOr<ReplayReport> final_report = sb->FinalReport();
  ASSERT_TRUE(final_report.ok()) << final_report.status();
  test::ExpectSameReport(*final_report, *replay);
  EXPECT_EQ(final_report->shop.get(), &sb->shop());
  EXPECT_EQ(sb->Apply(b[0]).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(sb->Report().status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(sb->Confirm({1}).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(PgStore, OneStoreAShopAtATimeAndALostLeaseStoresNothing) {
  const std::string uri = FreshDatabase("pg_lease");
  ASSERT_FALSE(uri.empty());
  const std::vector<ShopEvent> events = SampleEvents(7, 5, 2);
  auto first = OpenOk(uri, Options("s"));
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->Apply(events[0]).ok());
  absl::StatusOr<std::unique_ptr<PgStore>> second = PgStore::Open(uri, Options("s"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("is served by"));
  // Another process takes the shop over (as after the lease ran out).
  Sql(uri, "UPDATE kefu_shop SET owner = 'other', epoch = epoch + 1 WHERE shop_id = 's'");
  absl::StatusOr<StoredResult> r = first->Apply(events[1]);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("taken over"));
  EXPECT_EQ(Sql(uri, "SELECT count(*) FROM kefu_journal WHERE shop_id = 's'")[0][0], "1");
  EXPECT_FALSE(first->Apply(events[2]).ok());  // and nothing later either
}

// The server ends the store's connection (a restart, a failover, an idle
// timeout): events not committed are not acknowledged, and the store
// connects again by itself; what it acknowledged is in the database once.
TEST(PgStore, AStoreConnectsAgainWhenItsConnectionIsCut) {
  const std::string uri = FreshDatabase("pg_reconnect");
  ASSERT_FALSE(uri.empty());
  const std::vector<ShopEvent> events = SampleEvents(7, 10, 3);
  PgStoreOptions o = Options("s");
  o.lease = absl::Seconds(5);
  std::string saved;
  {
    auto store = OpenOk(uri, o);
    ASSERT_NE(store, nullptr);
    const size_t third = events.size() / 3;
    int refused = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      if (i == third || i == 2 * third) {
        const auto cut = Sql(uri,
                             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE application_name = 'kefu' AND datname = current_database() "
                             "AND pid <> pg_backend_pid()");
        ASSERT_EQ(cut.size(), 1u);
      }
      absl::StatusOr<StoredResult> r = store->Apply(events[i]);
      if (!r.ok()) {
        // Not acknowledged: the host sends it again, and it is taken now.
        EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
        ++refused;
        r = store->Apply(events[i]);
      }
      ASSERT_TRUE(r.ok()) << i << ": " << r.status();
      EXPECT_STRNE(StoredResultName(*r), "duplicate") << i;
    }
    EXPECT_LE(refused, 2);
    const absl::StatusOr<std::vector<StoredDueItem>> due = store->Due(MetaOf(events.back()).at);
    EXPECT_TRUE(due.ok()) << due.status();
    // "Everything that will ever fall due" is a time PostgreSQL takes too.
    const absl::StatusOr<std::vector<StoredDueItem>> all = store->Due(absl::InfiniteFuture());
    ASSERT_TRUE(all.ok()) << all.status();
    EXPECT_GE(all->size(), due->size());
    saved = store->shop().Save();
    // Every event once, and perhaps the tick that took due items.
    EXPECT_GE(store->journal_seq(), static_cast<int64_t>(events.size()));
    EXPECT_LE(store->journal_seq(), static_cast<int64_t>(events.size()) + 1);
  }
  auto again = OpenOk(uri, o);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->shop().Save() == saved);
}

TEST(PgStore, AnEventIdIsStoredOnceWithItsOutcome) {
  const std::string uri = FreshDatabase("pg_idem");
  ASSERT_FALSE(uri.empty());
  const std::vector<ShopEvent> events = SampleEvents(8, 5, 1);
  const std::vector<ShopEvent> first(events.begin(), events.end() - 1);
  {
    auto s = OpenOk(uri, Options("s"));
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->ApplyBatch(first).ok());
  }
  auto s = OpenOk(uri, Options("s"));
  ASSERT_NE(s, nullptr);
  absl::StatusOr<StoredResult> again = s->Apply(events[0]);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_STREQ(StoredResultName(*again), "duplicate");
  const std::string id = MetaOf(events[0]).id;
  EXPECT_EQ(Sql(uri, "SELECT count(*), min(result) FROM kefu_event WHERE shop_id = 's' AND "
                     "event_id = '" + id + "'")[0],
            (std::vector<std::string>{"1", "0"}));
  // A row for an event the shop takes as new, there already (a second
  // writer's): the commit is refused, nothing stored.
  const std::string last = MetaOf(events.back()).id;
  Sql(uri, "INSERT INTO kefu_event VALUES ('s', '" + last + "', 999, 0, '')");
  const std::string seq = Sql(uri, "SELECT last_seq FROM kefu_shop WHERE shop_id = 's'")[0][0];
  absl::StatusOr<StoredResult> r = s->Apply(events.back());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Sql(uri, "SELECT last_seq FROM kefu_shop WHERE shop_id = 's'")[0][0], seq);
}

TEST(PgStore, DueItemsAreClaimedOnceAcrossConsumers) {
  const std::string uri = FreshDatabase("pg_due");
  ASSERT_FALSE(uri.empty());
  const std::vector<ShopEvent> events = SampleEvents(9, 20, 3);
  Timestamp end = MetaOf(events.back()).at + absl::Hours(24 * 10);
  size_t taken = 0;
  {
    auto s = OpenOk(uri, Options("s"));
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->ApplyBatch(events).ok());
    absl::StatusOr<std::vector<StoredDueItem>> due = s->Due(end);
    ASSERT_TRUE(due.ok()) << due.status();
    taken = due->size();
    ASSERT_GT(taken, 10u);
  }
  auto c1 = PgDueConsumer::Open(uri);
  auto c2 = PgDueConsumer::Open(uri);
  ASSERT_TRUE(c1.ok() && c2.ok());
  std::vector<int64_t> seen;
  size_t rounds = 0;
  for (;;) {
    // c1 claims and, inside its transaction, c2 claims too: disjoint.
    absl::StatusOr<size_t> n = (*c1)->Claim(
        end, 3, "%", [&](const std::vector<PgClaimedDue>& items) {
          for (const PgClaimedDue& d : items) seen.push_back(d.id);
          absl::StatusOr<size_t> m =
              (*c2)->Claim(end, 2, "s%", [&](const std::vector<PgClaimedDue>& more) {
                for (const PgClaimedDue& d : more) seen.push_back(d.id);
                return absl::OkStatus();
              });
          EXPECT_TRUE(m.ok()) << m.status();
          return absl::OkStatus();
        });
    ASSERT_TRUE(n.ok()) << n.status();
    if (*n == 0 || ++rounds > 1000) break;
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), taken);
  EXPECT_TRUE(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
}

TEST(PgStore, ASchemaFromANewerKefuIsRefusedNamingBothVersions) {
  const std::string uri = FreshDatabase("pg_newer");
  ASSERT_FALSE(uri.empty());
  absl::StatusOr<std::vector<int>> applied = PgMigrate(uri, 4);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, std::vector<int>{PgStore::SchemaVersion()});
  applied = PgMigrate(uri, 4);
  ASSERT_TRUE(applied.ok());
  EXPECT_TRUE(applied->empty());  // up to date
  Sql(uri, "INSERT INTO kefu_schema (version, kefu) VALUES (99, 'a later kefu')");
  absl::StatusOr<std::unique_ptr<PgStore>> s = PgStore::Open(uri, Options("s"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("version 99"));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("newer kefu"));
  applied = PgMigrate(uri, 4);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(PgStore, OpenStoreChoosesByName) {
  const std::string uri = FreshDatabase("pg_open");
  ASSERT_FALSE(uri.empty());
  EXPECT_TRUE(IsPostgresUri(uri));
  EXPECT_TRUE(IsPostgresUri("postgres://h/db"));
  EXPECT_FALSE(IsPostgresUri("shop.db"));
  StoreOptions o;
  o.shop_id = "via-open";
  o.shop.shards = 1;
  absl::StatusOr<std::unique_ptr<ReportingStore>> s = OpenStore(uri, o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE((*s)->Apply(SampleEvents(11, 2, 1)[0]).ok());
  EXPECT_EQ(Sql(uri, "SELECT last_seq FROM kefu_shop WHERE shop_id = 'via-open'")[0][0], "1");
}

}  // namespace
}  // namespace kefu
