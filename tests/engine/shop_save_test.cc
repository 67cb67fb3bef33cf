// Saving and loading a whole Shop (Shop::Save / Shop::Load).
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <algorithm>
#include <random>
#include <variant>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/codec.h"
#include "engine/load_threads.h"
#include "engine/state_codec.h"
#include "machines/event_schema.h"
#include "machines/saved_log.h"
#include "machines/snapshot_codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/engine/shop.h"
#include "kefu/testing/builders.h"
#include "sample/sample.h"

namespace kefu {
namespace {

using ::testing::HasSubstr;

EventMeta& MutableMeta(ShopEvent& event) {
  return std::visit(
      [](auto& inner) -> EventMeta& {
        return std::visit([](auto& e) -> EventMeta& { return e.meta; }, inner);
      },
      event.event);
}

std::vector<ShopEvent> SampleEvents(uint64_t seed, int orders_per_day, int days = 7) {
  SampleOptions options;
  options.seed = seed;
  options.orders_per_day = orders_per_day;
  options.days = days;
  std::vector<ShopEvent> events;
  EXPECT_TRUE(GenerateSample(options, [&](const ShopEvent& e) { events.push_back(e); }).ok());
  return events;
}

// What Apply returned, as bytes: the status, or the outcome in kefu's
// binary encoding (every field, messages by their text).
std::string Bytes(const absl::StatusOr<Outcome>& out) {
  std::string s;
  internal::ByteWriter w(&s);
  if (!out.ok()) {
    w.Varint(static_cast<uint64_t>(out.status().code()));
    w.String(std::string(out.status().message()));
    return s;
  }
  w.Byte(0xFF);
  internal::EncodeOutcome(*out, w);
  return s;
}

std::string Bytes(const std::vector<DueItem>& items) {
  std::string s;
  internal::ByteWriter w(&s);
  for (const DueItem& d : items) internal::EncodeDueItem(d, w);
  return s;
}

std::unique_ptr<Shop> NewShop(int shards = 64) {
  ShopOptions options;
  options.shards = shards;
  absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Create(std::move(options));
  EXPECT_TRUE(shop.ok()) << shop.status();
  return *std::move(shop);
}

std::unique_ptr<Shop> Reload(const Shop& shop, int shards = 64) {
  const std::string saved = shop.Save();
  ShopOptions options;
  options.shards = shards;
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(saved, std::move(options));
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  if (!loaded.ok()) return nullptr;
  // Saved, loaded and saved again: the same bytes (the shard count is
  // part of them).
  if (shards == 64) {
    EXPECT_TRUE((*loaded)->Save() == saved) << "saved again: other bytes";
  }
  return *std::move(loaded);
}

// The stream a host sends: the sample, with some events delivered again
// later (duplicates), some ids reused for other content (errors) and the
// due items collected every so often.
struct Step {
  enum Kind { kApply, kDue } kind = kApply;
  ShopEvent event;
  Timestamp now;
};

std::vector<Step> Stream(uint64_t seed, int orders_per_day) {
  std::vector<ShopEvent> events = SampleEvents(seed, orders_per_day);
  std::mt19937_64 rng(seed);
  std::vector<Step> steps;
  for (size_t i = 0; i < events.size(); ++i) {
    steps.push_back({Step::kApply, events[i], MetaOf(events[i]).at});
    if (i > 0 && rng() % 20 == 0) {  // an earlier event again
      ShopEvent again = events[rng() % i];
      steps.push_back({Step::kApply, again, MetaOf(events[i]).at});
    }
    if (i > 0 && rng() % 97 == 0) {  // an earlier id on another event
      ShopEvent reused = events[i];
      MutableMeta(reused).id = MetaOf(events[rng() % i]).id;
      steps.push_back({Step::kApply, reused, MetaOf(events[i]).at});
    }
    if (rng() % 25 == 0) steps.push_back({Step::kDue, {}, MetaOf(events[i]).at});
  }
  steps.push_back({Step::kDue, {}, absl::InfiniteFuture()});
  return steps;
}

std::string Take(Shop& shop, const Step& step) {
  if (step.kind == Step::kApply) return Bytes(shop.Apply(step.event));
  return Bytes(shop.Due(step.now));
}

// The property: a run saved and loaded at random points decides and hands
// back due items byte for byte as the run that was never interrupted.
TEST(ShopSave, ARunSavedAndLoadedAtRandomPointsMatchesOneUninterruptedRun) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    const std::vector<Step> steps = Stream(seed, 25);
    ASSERT_GT(steps.size(), 500u);
    std::unique_ptr<Shop> whole = NewShop();
    std::unique_ptr<Shop> split = NewShop();
    std::mt19937_64 rng(seed * 7919);
    int reloads = 0;
    for (size_t i = 0; i < steps.size(); ++i) {
      if (rng() % 150 == 0) {
        split = Reload(*split);
        ASSERT_NE(split, nullptr);
        ++reloads;
      }
      const std::string expected = Take(*whole, steps[i]);
      ASSERT_TRUE(Take(*split, steps[i]) == expected) << "step " << i << " differs";
    }
    EXPECT_GT(reloads, 3);
    EXPECT_TRUE(split->Save() == whole->Save()) << "the two runs' states differ";
  }
}

// Save writes each log as it is kept (machines/saved_log.h: records
// naming parts in a table); Load builds the logs back from them. Every
// order, ticket and review of a sample week, loaded, has the snapshot it
// had: the same outcomes, digests, data and state.
TEST(ShopSave, EachEntityLoadsWithTheSnapshotItHad) {
  std::unique_ptr<Shop> shop = *Shop::Create({});
  for (const ShopEvent& e : SampleEvents(31, 40)) (void)shop->Apply(e);
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(shop->Save());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  size_t entities = 0, with_log = 0;
  auto compare = [&](auto for_each) {
    using Snap = decltype(std::declval<const typename decltype(for_each)::Entity&>().Snapshot());
    std::map<std::string, Snap> before, after;
    for_each(*shop, [&](const auto& e) { before.emplace(e.id(), e.Snapshot()); });
    for_each(**loaded, [&](const auto& e) { after.emplace(e.id(), e.Snapshot()); });
    ASSERT_EQ(before.size(), after.size());
    for (const auto& [id, snapshot] : before) {
      EXPECT_TRUE(after.at(id) == snapshot) << id;
      ++entities;
      if (snapshot.applied.size() > 1) ++with_log;
    }
  };
  struct Orders {
    using Entity = Order;
    void operator()(const Shop& s, absl::FunctionRef<void(const Order&)> f) const {
      s.ForEachOrder(f);
    }
  };
  struct Tickets {
    using Entity = Ticket;
    void operator()(const Shop& s, absl::FunctionRef<void(const Ticket&)> f) const {
      s.ForEachTicket(f);
    }
  };
  struct Reviews {
    using Entity = Review;
    void operator()(const Shop& s, absl::FunctionRef<void(const Review&)> f) const {
      s.ForEachReview(f);
    }
  };
  compare(Orders{});
  compare(Tickets{});
  compare(Reviews{});
  EXPECT_GT(entities, 100u);
  EXPECT_GT(with_log, 100u);
}

// Save reserves the size of the shop's last save: saves of a shop that
// grew past it, or shrank below it, are the bytes a first save writes.
TEST(ShopSave, ASaveAfterAnotherIsTheSameBytesAsAFirstSave) {
  const std::vector<ShopEvent> events = SampleEvents(12, 20);
  std::unique_ptr<Shop> shop = NewShop();
  size_t i = 0;
  for (; i < events.size() / 3; ++i) shop->Apply(events[i]).IgnoreError();
  const std::string small = shop->Save();
  for (; i < events.size(); ++i) shop->Apply(events[i]).IgnoreError();
  const std::string grown = shop->Save();  // past the size reserved
  ASSERT_GT(grown.size(), small.size() + small.size() / 16);
  EXPECT_EQ(shop->Save(), grown);
  absl::StatusOr<std::unique_ptr<Shop>> fresh = Shop::Load(grown);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ((*fresh)->Save(), grown);  // its first save
  // A smaller shop saved by the same process: nothing of the larger one.
  absl::StatusOr<std::unique_ptr<Shop>> earlier = Shop::Load(small);
  ASSERT_TRUE(earlier.ok()) << earlier.status();
  EXPECT_EQ((*earlier)->Save(), small);
  EXPECT_EQ((*earlier)->Save(), small);
}

TEST(ShopSave, ALoadedShopKeepsItsCrossEntityRecords) {
  std::unique_ptr<Shop> shop = NewShop();
  for (const ShopEvent& e : SampleEvents(4, 40)) shop->Apply(e).IgnoreError();
  std::unique_ptr<Shop> loaded = Reload(*shop);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->PendingDeadlines(), shop->PendingDeadlines());
  const std::vector<AgentReplies> a = shop->ReplyReport();
  const std::vector<AgentReplies> b = loaded->ReplyReport();
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].agent, b[i].agent);
    EXPECT_EQ(a[i].replies, b[i].replies);
    EXPECT_EQ(a[i].by_rule, b[i].by_rule);
    ASSERT_EQ(a[i].findings.size(), b[i].findings.size());
    for (size_t j = 0; j < a[i].findings.size(); ++j) {
      EXPECT_EQ(a[i].findings[j].finding, b[i].findings[j].finding);
    }
  }
  const std::vector<StateCounts> sa = shop->CountStates();
  const std::vector<StateCounts> sb = loaded->CountStates();
  for (size_t k = 0; k < sa.size(); ++k) EXPECT_EQ(sa[k].by_state, sb[k].by_state);
}

TEST(ShopSave, AnEventIdKnownBeforeSavingIsStillKnownAfterLoading) {
  std::unique_ptr<Shop> shop = NewShop();
  const std::vector<ShopEvent> events = SampleEvents(5, 10, 2);
  for (const ShopEvent& e : events) shop->Apply(e).IgnoreError();
  std::unique_ptr<Shop> loaded = Reload(*shop);
  ASSERT_NE(loaded, nullptr);
  // The same id on another entity kind: kAlreadyExists, as before saving.
  ShopEvent other = events.back();
  for (const ShopEvent& e : events) {
    if (e.kind() != other.kind()) {
      MutableMeta(other).id = MetaOf(e).id;
      break;
    }
  }
  const absl::StatusOr<Outcome> before = shop->Apply(other);
  const absl::StatusOr<Outcome> after = loaded->Apply(other);
  EXPECT_EQ(before.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(after.status(), before.status());
}

TEST(ShopSave, ASavedShopLoadsWithAnotherShardCount) {
  std::unique_ptr<Shop> shop = NewShop(64);
  const std::vector<ShopEvent> events = SampleEvents(6, 20, 3);
  const size_t half = events.size() / 2;
  for (size_t i = 0; i < half; ++i) shop->Apply(events[i]).IgnoreError();
  std::unique_ptr<Shop> one = Reload(*shop, 1);
  ASSERT_NE(one, nullptr);
  for (size_t i = half; i < events.size(); ++i) {
    ASSERT_TRUE(Bytes(one->Apply(events[i])) == Bytes(shop->Apply(events[i]))) << i;
  }
  // Due items: the same set (ties may come in another order across shards).
  std::vector<std::string> a, b;
  for (const DueItem& d : shop->Due(absl::InfiniteFuture())) a.push_back(Bytes({d}));
  for (const DueItem& d : one->Due(absl::InfiniteFuture())) b.push_back(Bytes({d}));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_TRUE(a == b) << a.size() << " vs " << b.size() << " due items";
  EXPECT_FALSE(a.empty());
}

TEST(ShopSave, AnEmptyShopSavesAndLoads) {
  std::unique_ptr<Shop> shop = NewShop();
  std::unique_ptr<Shop> loaded = Reload(*shop);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->PendingDeadlines(), 0u);
}

TEST(ShopSave, BytesThatAreNotASavedShopAreRefused) {
  for (std::string bad : {std::string(), std::string("KEFU"), std::string("{\"id\":1}"),
                          std::string("SQLite format 3\0", 16)}) {
    absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(bad);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("not a saved kefu shop"));
  }
}

TEST(ShopSave, ANewerFormatIsRefusedNamingBoth) {
  std::string saved = NewShop()->Save();
  ASSERT_EQ(saved[8], static_cast<char>(Shop::kSaveFormat));
  saved[8] = static_cast<char>(Shop::kSaveFormat + 1);
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(saved);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr(absl::StrCat("has format ", Shop::kSaveFormat + 1)));
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr(absl::StrCat("reads formats 1 to ", Shop::kSaveFormat)));
  EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("newer kefu"));
}

TEST(ShopSave, EveryTruncationIsAnErrorNotACrash) {
  std::unique_ptr<Shop> shop = NewShop();
  for (const ShopEvent& e : SampleEvents(7, 3, 2)) shop->Apply(e).IgnoreError();
  const std::string saved = shop->Save();
  ASSERT_GT(saved.size(), 1000u);
  for (size_t n = 0; n < saved.size(); ++n) {
    absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(std::string_view(saved).substr(0, n));
    ASSERT_FALSE(loaded.ok()) << n;
    const absl::StatusCode code = loaded.status().code();
    EXPECT_TRUE(code == absl::StatusCode::kDataLoss || code == absl::StatusCode::kInvalidArgument)
        << n << ": " << loaded.status();
  }
}

TEST(ShopSave, EveryAlteredByteIsAnErrorNotACrash) {
  std::unique_ptr<Shop> shop = NewShop();
  for (const ShopEvent& e : SampleEvents(8, 3, 2)) shop->Apply(e).IgnoreError();
  const std::string saved = shop->Save();
  for (size_t i = 0; i < saved.size(); ++i) {
    std::string bad = saved;
    bad[i] = static_cast<char>(bad[i] ^ 0x21);
    absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(bad);
    ASSERT_FALSE(loaded.ok()) << i;
    if (i >= 9) {
      EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << i;
    }
  }
}

// `saved` with one byte among the `span` after its first ten set at random,
// its checksum made good again, `trials` times: each load is a shop or
// kDataLoss (never a crash). How many were refused.
int RefusedAlterations(const std::string& saved, uint64_t seed, int trials, size_t span) {
  std::mt19937_64 rng(seed);
  int refused = 0;
  for (int trial = 0; trial < trials; ++trial) {
    std::string bad = saved.substr(0, saved.size() - 4);
    bad[10 + rng() % span] = static_cast<char>(rng());
    internal::ByteWriter w(&bad);
    w.Fixed32(internal::Crc32(bad));
    absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(bad);
    if (!loaded.ok()) {
      EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << loaded.status();
      ++refused;
    }
  }
  return refused;
}

// Past the checksum: a well-checksummed file whose content is wrong (a bug
// in a writer, not damage) is still refused cleanly.
TEST(ShopSave, ContentThatDoesNotDecodeIsDataLossEvenWithAGoodChecksum) {
  std::unique_ptr<Shop> shop = NewShop();
  for (const ShopEvent& e : SampleEvents(9, 3, 2)) shop->Apply(e).IgnoreError();
  const std::string saved = shop->Save();
  EXPECT_GT(RefusedAlterations(saved, 9, 300, saved.size() - 14), 0);
}

// `saved` with every `from` made `to` (the same length), its checksum made
// again so that only the content is wrong; the count made into `*replaced`.
std::string Replaced(const std::string& saved, const std::string& from, const std::string& to,
                     int* replaced) {
  std::string bad = saved.substr(0, saved.size() - 4);
  *replaced = 0;
  for (size_t at = bad.find(from); at != std::string::npos; at = bad.find(from, at + 1)) {
    bad.replace(at, from.size(), to);
    ++*replaced;
  }
  internal::ByteWriter w(&bad);
  w.Fixed32(internal::Crc32(bad));
  return bad;
}

// Two entities holding one event id (a writer's bug: the id index would
// route the id's redelivery to one of them) is refused on loading, in a
// small shop and in one whose ids are claimed by two threads (more than
// 20,000 of them).
TEST(ShopSave, AnEventIdHeldByTwoEntitiesIsDataLoss) {
  // Sixteen shards: Save holds every shard's lock at once, and
  // ThreadSanitizer (this test runs under it in CI) tracks at most 64.
  ShopOptions sixteen;
  sixteen.shards = 16;
  for (int orders_per_day : {3, 400}) {
    SCOPED_TRACE(orders_per_day);
    std::unique_ptr<Shop> shop = NewShop(16);
    const std::vector<ShopEvent> events = SampleEvents(10, orders_per_day);
    for (const ShopEvent& e : events) shop->Apply(e).IgnoreError();
    const std::string saved = shop->Save();
    // A copy loads whole and saves the same bytes.
    absl::StatusOr<std::unique_ptr<Shop>> copy = Shop::Load(saved, sixteen);
    ASSERT_TRUE(copy.ok()) << copy.status();
    EXPECT_EQ((*copy)->Save(), saved);
    EXPECT_TRUE((*copy)->Apply(events[5]).value().audit.duplicate);
    // Two events of two entities, with ids as long and not after their
    // entity's id (a buyer's messages: a saved log keeps only the rest of
    // an id that begins with its entity's): the second's id, wherever the
    // file holds it, becomes the first's.
    auto whole_id = [](const ShopEvent& e) { return MetaOf(e).id.rfind(e.key, 0) != 0; };
    std::string first, first_key, other;
    for (const ShopEvent& e : events) {
      if (!whole_id(e)) continue;
      if (first.empty()) {
        first = MetaOf(e).id;
        first_key = e.key;
      } else if (e.key != first_key && MetaOf(e).id.size() == first.size()) {
        other = MetaOf(e).id;
        break;
      }
    }
    ASSERT_FALSE(other.empty());
    ASSERT_LT(first.size(), 128u);  // a one-byte length before each
    const std::string from = std::string(1, static_cast<char>(other.size())) + other;
    const std::string to = std::string(1, static_cast<char>(first.size())) + first;
    int replaced = 0;
    const std::string bad = Replaced(saved, from, to, &replaced);
    ASSERT_GT(replaced, 0);
    absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(bad, sixteen);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("held by two entities"));
  }
}

// Ids numbered after a key ("X1.0" .. "X1.31") are kept as bits of the
// key's entry (issue 21), some of them also whole: on another entity
// ("X1.3" on order "X2") or on another kind with the same key ("X1.4" on
// ticket "X1"). A loaded shop names the same holder for each; an id given
// to two entities in the file is refused. In a small shop and in one
// whose ids are claimed by two threads.
TEST(ShopSave, NumberedIdsKeepTheirHoldersAcrossSaveAndLoad) {
  ShopOptions sixteen;
  sixteen.shards = 16;
  for (int orders_per_day : {3, 400}) {
    SCOPED_TRACE(orders_per_day);
    std::unique_ptr<Shop> shop = NewShop(16);
    const Timestamp t = testing::At("2026-11-09T10:00:00+08:00");
    // Ticket "X1" before order "X1" as well as after: either may own the
    // key's entry.
    if (orders_per_day == 3) {
      ASSERT_TRUE(shop->Apply(testing::ReturnFor("X1", "X1").Id("X1.4").At(t)).ok());
    }
    for (const ShopEvent& e : SampleEvents(13, orders_per_day)) shop->Apply(e).IgnoreError();
    ASSERT_TRUE(shop->Apply(testing::TaobaoOrder("X1").Paid().Id("X1.0").At(t)).ok());
    ASSERT_TRUE(shop->Apply(testing::TaobaoOrder("X2").Paid().Id("X1.3").At(t)).ok());
    if (orders_per_day != 3) {
      ASSERT_TRUE(shop->Apply(testing::ReturnFor("X1", "X1").Id("X1.4").At(t)).ok());
    }
    const std::string saved = shop->Save();
    absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(saved, sixteen);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    for (const auto& [id, holder] : std::vector<std::pair<std::string, std::string>>{
             {"X1.0", "order \"X1\""}, {"X1.3", "order \"X2\""}, {"X1.4", "ticket \"X1\""}}) {
      SCOPED_TRACE(id);
      const ShopEvent probe = testing::TaobaoOrder("X9").Id(id).At(t);
      const absl::StatusOr<Outcome> before = shop->Apply(probe);
      const absl::StatusOr<Outcome> after = (*loaded)->Apply(probe);
      EXPECT_EQ(before.status().code(), absl::StatusCode::kAlreadyExists);
      EXPECT_THAT(std::string(before.status().message()), HasSubstr("already used for " + holder));
      EXPECT_EQ(after.status(), before.status());
    }
    const ShopEvent free_id = testing::TaobaoOrder("X9").Id("X1.5").At(t);
    EXPECT_EQ(Bytes((*loaded)->Apply(free_id)), Bytes(shop->Apply(free_id)));
    EXPECT_EQ((*loaded)->Save(), shop->Save());

    // Order "X2"'s "X1.3" (kept whole in the file: it does not begin with
    // its entity's key) made "X1.0", order "X1"'s.
    const std::string from = std::string(1, '\x04') + "X1.3";
    const std::string to = std::string(1, '\x04') + "X1.0";
    int replaced = 0;
    const std::string bad = Replaced(saved, from, to, &replaced);
    ASSERT_GT(replaced, 0);
    absl::StatusOr<std::unique_ptr<Shop>> refused = Shop::Load(bad, sixteen);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr("held by two entities"));
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr("order \"X1\""));
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr("order \"X2\""));
  }
}

// A large shop (its event ids claimed by two threads): altered content is
// still refused cleanly, never a crash.
TEST(ShopSave, AlteredContentOfALargeShopIsDataLoss) {
  std::unique_ptr<Shop> shop = NewShop();
  for (const ShopEvent& e : SampleEvents(11, 400)) shop->Apply(e).IgnoreError();
  size_t orders = 0;
  shop->ForEachOrder([&](const Order&) { ++orders; });
  ASSERT_GT(orders, 2048u);
  const std::string saved = shop->Save();
  // Within the first half: the orders.
  EXPECT_GT(RefusedAlterations(saved, 11, 40, saved.size() / 2), 0);
  // Truncated inside the orders: what comes before is not a shop.
  std::string cut = saved.substr(0, saved.size() / 3);
  internal::ByteWriter w(&cut);
  w.Fixed32(internal::Crc32(cut));
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(cut);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
}

TEST(ShopSave, LoadValidatesTheOptionsAsCreateDoes) {
  ShopOptions options;
  options.shards = 0;
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(NewShop()->Save(), options);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  options = ShopOptions();
  options.load_threads = 0;
  loaded = Shop::Load(NewShop()->Save(), options);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("load_threads"));
}

// Every kind restored on several threads from the smallest shop on, for
// the scope of one test.
class ThreadedLoads {
 public:
  ThreadedLoads() : before_(internal::SetParallelLoadEntities(0)) {}
  ~ThreadedLoads() { internal::SetParallelLoadEntities(before_); }
  ThreadedLoads(const ThreadedLoads&) = delete;
  ThreadedLoads& operator=(const ThreadedLoads&) = delete;

 private:
  size_t before_;
};

absl::StatusOr<std::unique_ptr<Shop>> LoadOn(const std::string& saved, int threads, int shards = 16) {
  ShopOptions options;
  options.shards = shards;
  options.load_threads = threads;
  return Shop::Load(saved, std::move(options));
}

// Runs under ThreadSanitizer in CI (.ci/run). Sixteen shards: Save holds
// every shard's lock at once, and TSan tracks at most 64.
TEST(ShopSave, LoadingOnSeveralThreadsMakesTheSameShop) {
  ThreadedLoads threaded;
  ShopOptions sixteen;
  sixteen.shards = 16;
  absl::StatusOr<std::unique_ptr<Shop>> made = Shop::Create(sixteen);
  ASSERT_TRUE(made.ok());
  std::unique_ptr<Shop> shop = *std::move(made);
  const std::vector<ShopEvent> events = SampleEvents(12, 60);
  const size_t half = events.size() / 2;
  for (size_t i = 0; i < half; ++i) shop->Apply(events[i]).IgnoreError();
  const std::string saved = shop->Save();
  std::vector<std::unique_ptr<Shop>> loaded;
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    absl::StatusOr<std::unique_ptr<Shop>> l = LoadOn(saved, threads);
    ASSERT_TRUE(l.ok()) << l.status();
    EXPECT_TRUE((*l)->Save() == saved);
    loaded.push_back(*std::move(l));
  }
  // They decide the rest of the week, and hand back its due items, as the
  // shop that saved them.
  for (size_t i = half; i < events.size(); ++i) {
    const std::string want = Bytes(shop->Apply(events[i]));
    for (auto& l : loaded) ASSERT_EQ(Bytes(l->Apply(events[i])), want) << i;
  }
  const std::string due = Bytes(shop->Due(absl::InfiniteFuture()));
  for (auto& l : loaded) EXPECT_EQ(Bytes(l->Due(absl::InfiniteFuture())), due);
}

// Two entities altered: whichever thread meets which, the error names the
// one saved first, as a load on one thread does.
TEST(ShopSave, AnErrorFoundOnSeveralThreadsIsTheFirstEntitys) {
  ThreadedLoads threaded;
  std::unique_ptr<Shop> shop = NewShop(16);
  std::vector<std::string> keys;
  for (const ShopEvent& e : SampleEvents(13, 20)) {
    if (shop->Apply(e).ok() && e.kind() == EntityKind::kOrder &&
        (keys.empty() || keys.back() != e.key)) {
      keys.push_back(e.key);
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  ASSERT_GT(keys.size(), 80u);
  const std::string saved = shop->Save();
  // An order's key is written first as the key, then in its data: the
  // first copy altered (its last character) leaves data of another key.
  auto alter_key = [](std::string& bytes, const std::string& key) {
    const std::string written = std::string(1, static_cast<char>(key.size())) + key;
    const size_t at = bytes.find(written);
    ASSERT_NE(at, std::string::npos);
    bytes[at + written.size() - 1] ^= 0x20;
  };
  // Later orders spread over the file, so that some are restored by the
  // other thread than the first's (runs of n / 8 entities, each taken by
  // whichever thread is free).
  for (size_t later : {1, 3, 9, 20, 31, 47, 60, 75}) {
    ASSERT_LT(later, keys.size());
    SCOPED_TRACE(keys[later]);
    for (bool first_too : {true, false}) {
      std::string bad = saved.substr(0, saved.size() - 4);
      if (first_too) alter_key(bad, keys[0]);
      alter_key(bad, keys[later]);
      internal::ByteWriter w(&bad);
      w.Fixed32(internal::Crc32(bad));
      const std::string& named = first_too ? keys[0] : keys[later];
      for (int threads : {1, 2}) {
        absl::StatusOr<std::unique_ptr<Shop>> loaded = LoadOn(bad, threads);
        ASSERT_FALSE(loaded.ok());
        EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
        EXPECT_THAT(std::string(loaded.status().message()),
                    HasSubstr(absl::StrCat("holds the data of \"", named, "\"")));
      }
    }
  }
}

// Two orders saved under one key (every copy of the second's key, its map
// key and its data's id, made the first's): on one thread or on two (each
// filling every other shard's map), the error is the second's "twice";
// and an entity before it that does not restore is the error instead.
TEST(ShopSave, AKeySavedTwiceIsTheSameErrorOnSeveralThreads) {
  ThreadedLoads threaded;
  std::unique_ptr<Shop> shop = NewShop(16);
  std::vector<std::string> keys;
  for (const ShopEvent& e : SampleEvents(13, 20)) {
    if (shop->Apply(e).ok() && e.kind() == EntityKind::kOrder) keys.push_back(e.key);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  ASSERT_GT(keys.size(), 80u);
  const std::string saved = shop->Save();
  auto written = [](const std::string& key) {
    return std::string(1, static_cast<char>(key.size())) + key;
  };
  for (auto [first, second] : {std::pair<size_t, size_t>{2, 5}, {10, 11}, {30, 70}, {4, 79}}) {
    SCOPED_TRACE(absl::StrCat(keys[first], " ", keys[second]));
    ASSERT_EQ(keys[first].size(), keys[second].size());
    for (bool earlier_error : {false, true}) {
      std::string bad = saved.substr(0, saved.size() - 4);
      const std::string from = written(keys[second]), to = written(keys[first]);
      int renamed = 0;
      for (size_t at = bad.find(from); at != std::string::npos; at = bad.find(from, at + 1)) {
        bad.replace(at, from.size(), to);
        ++renamed;
      }
      ASSERT_GE(renamed, 2);  // its key and its data's id at least
      if (earlier_error) {
        // keys[1], saved before both, keeps its data but not its key.
        const size_t at = bad.find(written(keys[1]));
        ASSERT_NE(at, std::string::npos);
        bad[at + written(keys[1]).size() - 1] ^= 0x20;
      }
      internal::ByteWriter w(&bad);
      w.Fixed32(internal::Crc32(bad));
      const std::string want = earlier_error
                                   ? absl::StrCat("holds the data of \"", keys[1], "\"")
                                   : absl::StrCat("order \"", keys[first], "\" twice");
      for (int threads : {1, 2}) {
        absl::StatusOr<std::unique_ptr<Shop>> loaded = LoadOn(bad, threads);
        ASSERT_FALSE(loaded.ok()) << threads;
        EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
        EXPECT_THAT(std::string(loaded.status().message()), HasSubstr(want)) << threads;
      }
    }
  }
}

// Bytes altered and the checksum made good again, the entities restored on
// two threads (and the tail after them read beside): each load is a shop or
// kDataLoss, never a crash, and the same shop or the same error as a load
// on one thread. Every byte of the vocabulary's end and of where it
// starts, and 600 others at random (the sizes before the snapshots among
// them).
TEST(ShopSave, AlteredBytesBehindAGoodChecksumLoadOrAreDataLossOnTwoThreads) {
  ThreadedLoads threaded;
  std::unique_ptr<Shop> shop = NewShop(16);
  for (const ShopEvent& e : SampleEvents(14, 3, 2)) shop->Apply(e).IgnoreError();
  const std::string saved = shop->Save();
  ASSERT_GT(saved.size(), 200u);
  std::vector<size_t> places;
  for (size_t i = saved.size() - 68; i + 4 < saved.size(); ++i) places.push_back(i);
  std::mt19937_64 rng(14);
  for (int k = 0; k < 600; ++k) places.push_back(9 + rng() % (saved.size() - 13));
  int refused = 0;
  for (size_t i : places) {
    std::string bad = saved.substr(0, saved.size() - 4);
    bad[i] = static_cast<char>(bad[i] ^ 0x21);
    internal::ByteWriter w(&bad);
    w.Fixed32(internal::Crc32(bad));
    absl::StatusOr<std::unique_ptr<Shop>> loaded = LoadOn(bad, 2);
    absl::StatusOr<std::unique_ptr<Shop>> alone = LoadOn(bad, 1);
    ASSERT_EQ(loaded.status(), alone.status()) << i;
    if (!loaded.ok()) {
      ASSERT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << i << loaded.status();
      ++refused;
    } else {
      ASSERT_TRUE((*loaded)->Save() == (*alone)->Save()) << i;
    }
  }
  EXPECT_GT(refused, 0);
}

// A file of tests/engine/data/, whole (empty when missing).
std::string DataFile(const std::string& name) {
  std::ifstream in(KEFU_SOURCE_DIR "/tests/engine/data/" + name, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A shop saved in format 1 (before each entity's bytes had their length and
// the words their own list) still loads, and saves in today's format.
TEST(ShopSave, AShopSavedInFormatOneLoads) {
  const std::string old = DataFile("shop_format1.bin");
  ASSERT_GT(old.size(), 8u);
  ASSERT_EQ(old[8], 1);
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(old);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  size_t orders = 0;
  (*loaded)->ForEachOrder([&](const Order&) { ++orders; });
  EXPECT_GT(orders, 0u);
  const std::string saved = (*loaded)->Save();
  ASSERT_EQ(saved[8], static_cast<char>(Shop::kSaveFormat));
  std::unique_ptr<Shop> again = Reload(**loaded);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->Save() == saved);
}

// A shop saved in format 2 (before a large kind's second half had words
// of its own; this one from SampleEvents(5, 4, 3) on 64 shards) loads to
// exactly the shop those events make today.
TEST(ShopSave, AShopSavedInFormatTwoLoadsToTheSameShop) {
  const std::string old = DataFile("shop_format2.bin");
  ASSERT_GT(old.size(), 8u);
  ASSERT_EQ(old[8], 2);
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(old);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::unique_ptr<Shop> shop = NewShop();
  for (const ShopEvent& e : SampleEvents(5, 4, 3)) shop->Apply(e).IgnoreError();
  const std::string saved = (*loaded)->Save();
  ASSERT_EQ(saved[8], static_cast<char>(Shop::kSaveFormat));
  EXPECT_TRUE(saved == shop->Save());
}

// A shop saved in format 3 (before the logs were saved as they are kept,
// with a table of their parts; this one from SampleEvents(5, 4, 3) on 64
// shards, every kind of more than 8 entities in two sections) loads to
// exactly the shop those events make today.
TEST(ShopSave, AShopSavedInFormatThreeLoadsToTheSameShop) {
  const std::string old = DataFile("shop_format3.bin");
  ASSERT_GT(old.size(), 8u);
  ASSERT_EQ(old[8], 3);
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(old);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::unique_ptr<Shop> shop = NewShop();
  for (const ShopEvent& e : SampleEvents(5, 4, 3)) shop->Apply(e).IgnoreError();
  const std::string saved = (*loaded)->Save();
  ASSERT_EQ(saved[8], static_cast<char>(Shop::kSaveFormat));
  EXPECT_TRUE(saved == shop->Save());
}

// Format 3's sections, read from a saved shop's end: each its place (from
// the byte after the format) and its words.
struct SavedSection {
  uint64_t begin = 0, end = 0;
  std::vector<std::string> words;
  std::string logs;  // its logs' table (format 4), as saved
};
struct SavedTail {
  size_t start = 0;          // where the places count from
  uint64_t vocabulary_at = 0;
  std::vector<std::string> words;
  std::string logs;  // the file's logs' table, as saved
  std::vector<SavedSection> sections;
};

SavedTail TailOf(const std::string& saved) {
  SavedTail t;
  t.start = 9;  // the mark and a one-byte format
  internal::ByteReader where(std::string_view(saved).substr(saved.size() - 12, 8));
  uint32_t low = 0, high = 0;
  EXPECT_TRUE(where.Fixed32(&low) && where.Fixed32(&high));
  t.vocabulary_at = uint64_t{high} << 32 | low;
  const std::string_view rest = std::string_view(saved).substr(
      t.vocabulary_at, saved.size() - 12 - static_cast<size_t>(t.vocabulary_at));
  internal::ByteReader r(rest);
  auto words = [&r](std::vector<std::string>& out) {
    size_t n = 0;
    EXPECT_TRUE(r.Count(&n));
    for (size_t i = 0; i < n; ++i) {
      std::string word;
      EXPECT_TRUE(r.String(&word));
      out.push_back(word);
    }
  };
  // A logs' table's bytes, as they lie.
  auto table = [&r, rest](std::string& out) {
    const size_t from = r.offset();
    internal::SavedLogTable read;
    EXPECT_TRUE(read.Read(r));
    out = std::string(rest.substr(from, r.offset() - from));
  };
  words(t.words);
  table(t.logs);
  size_t n = 0;
  EXPECT_TRUE(r.Count(&n));
  t.sections.resize(n);
  for (SavedSection& s : t.sections) {
    EXPECT_TRUE(r.Varint(&s.begin) && r.Varint(&s.end));
    words(s.words);
    table(s.logs);
  }
  EXPECT_TRUE(r.at_end());
  return t;
}

// `saved` with its tail written from `t` (its checksum made again).
std::string WithTail(const std::string& saved, const SavedTail& t) {
  std::string out = saved.substr(0, static_cast<size_t>(t.vocabulary_at));
  internal::ByteWriter w(&out);
  w.Varint(t.words.size());
  for (const std::string& word : t.words) w.String(word);
  out.append(t.logs);
  w.Varint(t.sections.size());
  for (const SavedSection& s : t.sections) {
    w.Varint(s.begin);
    w.Varint(s.end);
    w.Varint(s.words.size());
    for (const std::string& word : s.words) w.String(word);
    out.append(s.logs);
  }
  w.Fixed32(static_cast<uint32_t>(t.vocabulary_at));
  w.Fixed32(static_cast<uint32_t>(t.vocabulary_at >> 32));
  w.Fixed32(internal::Crc32(out));
  return out;
}

// Every kind of more than 8 entities saved in two sections, for the scope
// of one test.
class SectionedSaves {
 public:
  explicit SectionedSaves(size_t from = 8) : before_(internal::SetSaveSectionEntities(from)) {}
  ~SectionedSaves() { internal::SetSaveSectionEntities(before_); }
  SectionedSaves(const SectionedSaves&) = delete;
  SectionedSaves& operator=(const SectionedSaves&) = delete;

 private:
  size_t before_;
};

absl::StatusOr<std::unique_ptr<Shop>> LoadSaving(const std::string& saved, int save_threads) {
  ShopOptions options;
  options.shards = 16;
  options.save_threads = save_threads;
  return Shop::Load(saved, std::move(options));
}

// Runs under ThreadSanitizer in CI (.ci/run): the second halves encoded on
// a second thread. Sixteen shards, as LoadingOnSeveralThreadsMakesTheSameShop.
TEST(ShopSave, ALargeKindIsSavedInTwoSectionsTheSameOnAnyThreads) {
  std::unique_ptr<Shop> shop = NewShop(16);
  for (const ShopEvent& e : SampleEvents(12, 30)) shop->Apply(e).IgnoreError();
  const std::string whole = shop->Save();  // no kind is large enough
  EXPECT_TRUE(TailOf(whole).sections.empty());
  SectionedSaves sectioned;
  const std::string saved = shop->Save();
  ASSERT_FALSE(saved == whole);
  const SavedTail tail = TailOf(saved);
  // One section for each kind of at least 8: the week's orders, tickets
  // and conversations, at least.
  ASSERT_GE(tail.sections.size(), 3u);
  uint64_t after = 0;
  for (const SavedSection& s : tail.sections) {
    EXPECT_GE(s.begin, after);
    EXPECT_GT(s.end, s.begin);
    EXPECT_FALSE(s.words.empty());
    after = s.end;
  }
  EXPECT_LE(after, tail.vocabulary_at - tail.start);
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    absl::StatusOr<std::unique_ptr<Shop>> loaded = LoadSaving(saved, threads);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_TRUE((*loaded)->Save() == saved);
    // The same shop as the one saved whole.
    internal::SetSaveSectionEntities(SIZE_MAX);
    EXPECT_TRUE((*loaded)->Save() == whole);
    internal::SetSaveSectionEntities(8);
  }
  // Loaded on several threads too (each entity read with its section's
  // words).
  ThreadedLoads threaded;
  absl::StatusOr<std::unique_ptr<Shop>> loaded = LoadOn(saved, 2, 16);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE((*loaded)->Save() == saved);
}

// A sample shop (SampleEvents(12, 20)) saved with every kind of more than
// 8 entities in two sections.
std::string SectionedSample() {
  std::unique_ptr<Shop> shop = NewShop();
  for (const ShopEvent& e : SampleEvents(12, 20)) shop->Apply(e).IgnoreError();
  SectionedSaves sectioned;
  return shop->Save();
}

// `saved` is refused as kDataLoss with `what` in its message.
void ExpectRefused(const std::string& saved, const std::string& what) {
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(saved);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(loaded.status().message()), HasSubstr(what));
}

// The logs' tables (format 4): a table that does not hold what its logs
// name is refused, the file's as a section's.
TEST(ShopSave, ALogTableThatDoesNotHoldWhatItsLogsNameIsAnError) {
  const std::string saved = SectionedSample();
  const SavedTail tail = TailOf(saved);
  ASSERT_GE(tail.sections.size(), 2u);
  auto expect_refused = [&](const SavedTail& altered, const std::string& what) {
    ExpectRefused(WithTail(saved, altered), what);
  };
  ASSERT_TRUE(Shop::Load(WithTail(saved, tail)).ok());  // the helper itself
  // No words and no parts.
  const std::string empty_table(3, '\0');
  {
    SavedTail empty = tail;
    empty.logs = empty_table;
    expect_refused(empty, "a part number out of range");
  }
  {
    SavedTail empty = tail;
    empty.sections[0].logs = empty_table;
    expect_refused(empty, "a part number out of range");
  }
  {
    // The parts without their words.
    SavedTail wordless = tail;
    internal::ByteReader r(tail.logs);
    size_t n = 0;
    ASSERT_TRUE(r.Count(&n));
    ASSERT_GT(n, 0u);
    for (size_t i = 0; i < n; ++i) {
      std::string_view word;
      ASSERT_TRUE(r.View(&word));
    }
    wordless.logs = std::string(1, '\0') + tail.logs.substr(r.offset());
    expect_refused(wordless, "text number out of range");
  }
}

TEST(ShopSave, ASectionOutOfPlaceIsAnError) {
  const std::string saved = SectionedSample();
  const SavedTail tail = TailOf(saved);
  ASSERT_GE(tail.sections.size(), 2u);
  auto expect_refused = [&](const SavedTail& altered, const std::string& what) {
    ExpectRefused(WithTail(saved, altered), what);
  };
  ASSERT_TRUE(Shop::Load(WithTail(saved, tail)).ok());  // the helper itself
  {
    SavedTail past = tail;
    past.sections.back().end = tail.vocabulary_at - tail.start + 1;
    expect_refused(past, "a section is said to lie at bytes");
  }
  {
    SavedTail overlapping = tail;
    overlapping.sections[1].begin = tail.sections[0].end - 1;
    expect_refused(overlapping, "a section is said to lie at bytes");
  }
  {
    SavedTail empty = tail;
    empty.sections[0].end = tail.sections[0].begin;
    expect_refused(empty, "a section is said to lie at bytes");
  }
  {
    // Ending within its first entity.
    SavedTail short_one = tail;
    short_one.sections[0].end = tail.sections[0].begin + 30;
    expect_refused(short_one, "runs past the end of its section");
  }
  {
    // A section's words missing: its entities name words it lacks.
    SavedTail wordless = tail;
    wordless.sections[0].words.clear();
    expect_refused(wordless, "text number out of range");
  }
}

}  // namespace
}  // namespace kefu
