// The thread's spare outcome blocks (src/core/outcome_spare.h): an outcome
// handed back gives its blocks, never its values, to the next one a machine
// begins on the same thread, which gets the texts it is given in them.
#include "core/outcome_spare.h"

#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "kefu/engine/shop.h"
#include "sample/sample.h"

namespace kefu::internal {
namespace {

Outcome Filled() {
  Outcome o;
  o.entity = "TB20261102000886-a-long-key";
  o.audit.event_id = "TB20261102000886.10-a-long-id";
  o.audit.agent = "仓库老刘和他的同事们";
  o.decisions.resize(3);
  o.actions.resize(2);
  o.deadlines.resize(1);
  o.audit.note = "kept by value: must not come back";
  return o;
}

TEST(OutcomeSpare, BlocksComeBackWithTheGivenTextsAndRoom) {
  Outcome used = Filled();
  const char* entity_block = used.entity.data();
  const char* id_block = used.audit.event_id.data();
  const Decision* decisions_block = used.decisions.data();
  RecycleOutcome(used);
  EXPECT_TRUE(used.entity.empty());
  EXPECT_TRUE(used.audit.event_id.empty());
  EXPECT_TRUE(used.audit.agent.empty());
  EXPECT_TRUE(used.decisions.empty());

  // Shorter texts than the kept ones (written over them), an empty agent.
  Outcome fresh;
  TakeSpareBlocks(fresh, "TB20261102000886", "TB20261102000886.3", "");
  EXPECT_EQ(fresh.entity, "TB20261102000886");
  EXPECT_EQ(fresh.audit.event_id, "TB20261102000886.3");
  EXPECT_EQ(fresh.audit.agent, "");
  EXPECT_TRUE(fresh.decisions.empty());
  EXPECT_TRUE(fresh.actions.empty());
  EXPECT_TRUE(fresh.deadlines.empty());
  EXPECT_TRUE(fresh.audit.note.empty());
  EXPECT_EQ(fresh.entity.data(), entity_block);
  EXPECT_EQ(fresh.audit.event_id.data(), id_block);
  EXPECT_EQ(fresh.decisions.data(), decisions_block);
  EXPECT_GE(fresh.actions.capacity(), 2u);
  EXPECT_GE(fresh.deadlines.capacity(), 1u);

  // Handed back and taken again with longer texts than the last ones.
  RecycleOutcome(fresh);
  Outcome again;
  TakeSpareBlocks(again, "TB20261102000886-a-longer-key-than-before",
                  "TB20261102000886.10-a-longer-id-than-before", "仓库老刘和他的同事们");
  EXPECT_EQ(again.entity, "TB20261102000886-a-longer-key-than-before");
  EXPECT_EQ(again.audit.event_id, "TB20261102000886.10-a-longer-id-than-before");
  EXPECT_EQ(again.audit.agent, "仓库老刘和他的同事们");

  // Taken once: the next outcome gets no block, only its texts.
  Outcome next;
  TakeSpareBlocks(next, "k", "k.1", "a");
  EXPECT_EQ(next.entity, "k");
  EXPECT_EQ(next.audit.event_id, "k.1");
  EXPECT_EQ(next.audit.agent, "a");
  EXPECT_EQ(next.entity.capacity(), std::string().capacity());
  EXPECT_EQ(next.decisions.capacity(), 0u);
}

TEST(OutcomeSpare, LargeBlocksAreNotKept) {
  Outcome used;
  used.entity.assign(4096, 'k');
  used.decisions.resize(100);
  RecycleOutcome(used);
  Outcome fresh;
  TakeSpareBlocks(fresh, "k", "k.1", "");
  EXPECT_LT(fresh.entity.capacity(), 4096u);
  EXPECT_LT(fresh.decisions.capacity(), 100u);
}

TEST(OutcomeSpare, EachThreadHasItsOwn) {
  Outcome used = Filled();
  RecycleOutcome(used);
  std::thread([] {
    Outcome fresh;
    TakeSpareBlocks(fresh, "k", "k.1", "");
    EXPECT_EQ(fresh.entity.capacity(), std::string().capacity());
    EXPECT_EQ(fresh.decisions.capacity(), 0u);
  }).join();
  Outcome fresh;
  TakeSpareBlocks(fresh, "k", "k.1", "");
  EXPECT_GT(fresh.entity.capacity(), std::string().capacity());
}

// A shop's answers are the same whether its caller hands every outcome
// back or not: a sample week with redeliveries, applied to two shops.
TEST(OutcomeSpare, ShopAnswersUnchangedByRecycling) {
  SampleOptions options;
  options.seed = 3;
  options.orders_per_day = 40;
  options.days = 7;
  std::vector<ShopEvent> events;
  ASSERT_TRUE(GenerateSample(options, [&](const ShopEvent& e) { events.push_back(e); }).ok());
  std::mt19937_64 rng(3);
  const size_t n = events.size();
  for (size_t i = 1; i < n; i += 7) events.push_back(events[rng() % i]);  // redelivered

  std::unique_ptr<Shop> plain = *Shop::Create({});
  std::unique_ptr<Shop> recycled = *Shop::Create({});
  size_t compared = 0, with_lists = 0, duplicates = 0;
  for (const ShopEvent& e : events) {
    absl::StatusOr<Outcome> a = plain->Apply(e);
    absl::StatusOr<Outcome> b = recycled->Apply(e);
    ASSERT_EQ(a.ok(), b.ok()) << MetaOf(e).id;
    if (!a.ok()) {
      EXPECT_EQ(a.status(), b.status());
      continue;
    }
    ASSERT_EQ(*a, *b) << MetaOf(e).id;
    ++compared;
    if (!a->decisions.empty() || !a->deadlines.empty() || !a->actions.empty()) ++with_lists;
    if (a->audit.duplicate) ++duplicates;
    RecycleOutcome(*b);
  }
  // The comparison covered outcomes with lists and handed-back duplicates.
  EXPECT_GT(compared, events.size() / 2);
  EXPECT_GT(with_lists, 100u);
  EXPECT_GT(duplicates, 10u);
}

}  // namespace
}  // namespace kefu::internal
