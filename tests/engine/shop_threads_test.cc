// The shop engine under concurrent use: events for different entities from
// several threads at once, while another thread drains Due() and reads the
// reports. Meant for the `tsan` preset (ThreadSanitizer); under the other
// presets it checks that nothing is lost.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/team_events.h"
#include "kefu/machines/ticket.h"
#include "kefu/testing/builders.h"

namespace kefu {
namespace {

using ::kefu::testing::At;


constexpr int kThreads = 4;
constexpr int kPerThread = 150;

OrderPlaced Placed(const std::string& id, Timestamp at, int thread) {
  OrderPlaced e;
  e.meta = EventMeta{id, at, "agent" + std::to_string(thread)};
  // Every thread's buyer is shared by some orders of the other threads, so
  // the ORD-DUP-SHIP index is read and written from all threads.
  e.buyer = {"buyer" + std::to_string(thread % 2), ""};
  e.lines = {{"item" + std::to_string(thread), 1, Money::Yuan(20), false}};
  e.postage = Money::Yuan(8);
  e.paid = true;
  e.address = {"浙江省", "杭州市", "西湖区", "文三路" + id};
  e.courier = "YTO";
  return e;
}

TicketRegistered Registered(const std::string& id, Timestamp at, int thread) {
  TicketRegistered e;
  e.meta = EventMeta{id, at, "agent" + std::to_string(thread)};
  e.order_id = "O-" + id;
  e.category = "质量问题";
  e.details = "开机无反应";
  e.lines = {{"item" + std::to_string(thread % 3), 1}};
  e.customer_province = "浙江省";
  e.shop_province = "浙江省";
  e.return_postage = PostagePayer::kShop;
  e.repayment = Repayment::kAlipayRefund;
  return e;
}

// A shop of 8 shards (few enough for Save's every-shard lock under TSan).
std::unique_ptr<Shop> EightShards() {
  ShopOptions options;
  options.shards = 8;
  absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Create(std::move(options));
  EXPECT_TRUE(shop.ok()) << shop.status();
  return shop.ok() ? *std::move(shop) : nullptr;
}

TEST(ShopThreads, ConcurrentEventsForDifferentEntitiesAreAllApplied) {
  const std::unique_ptr<Shop> owned = EightShards();
  ASSERT_NE(owned, nullptr);
  Shop& shop = *owned;
  const Timestamp start = At("2026-11-02T09:00:00+08:00");

  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string n = std::to_string(t) + "-" + std::to_string(i);
        const Timestamp at = start + absl::Seconds(i);
        if (!shop.Apply(ShopEvent{"T" + n, Placed("o" + n, at, t)}).ok()) ++failures;
        if (!shop.Apply(ShopEvent{"S" + n, Registered("s" + n, at, t)}).ok()) ++failures;
        BuyerMessaged asked{EventMeta{"m" + n, at, ""}, "", "在吗"};
        if (!shop.Apply(ShopEvent{"buyer" + n, ReplyEvent{asked}}).ok()) ++failures;
        ReplyPosted reply{EventMeta{"r" + n, at, "agent" + std::to_string(t)},
                          i % 2 ? "您好，已为您发货" : "这个不行"};
        if (!shop.Apply(ShopEvent{"buyer" + n, ReplyEvent{reply}}).ok()) ++failures;
      }
    });
  }
  // A reader draining deadlines and reading reports meanwhile.
  std::vector<DueItem> drained;
  std::thread reader([&] {
    int form = 0;
    while (!done.load()) {
      // In turn one call, slices of 7 (Due(now, max_items, out)) and
      // ForEachDue.
      form = (form + 1) % 3;
      if (form == 0) {
        while (shop.Due(start + absl::Hours(24 * 30), 7, &drained) == 7) {
        }
      } else if (form == 1) {
        std::vector<DueItem> due = shop.Due(start + absl::Hours(24 * 30));
        drained.insert(drained.end(), due.begin(), due.end());
      } else {
        shop.ForEachDue(start + absl::Hours(24 * 30),
                        [&](const DueItem& d) { drained.push_back(d); });
      }
      (void)shop.ReplyReport();
      (void)shop.CountStates();
      (void)shop.Team().ShopDay(LocalDay(2026, 11, 2));  // the ledger, meanwhile
    }
  });
  for (std::thread& th : threads) th.join();
  done = true;
  reader.join();

  EXPECT_EQ(failures.load(), 0);
  std::vector<StateCounts> counts = shop.CountStates();
  EXPECT_EQ(counts[0].total, kThreads * kPerThread);
  EXPECT_EQ(counts[1].total, kThreads * kPerThread);
  int64_t replies = 0, flagged = 0;
  for (const AgentReplies& a : shop.ReplyReport()) {
    replies += a.replies;
    flagged += a.replies_with_findings;
  }
  EXPECT_EQ(replies, kThreads * kPerThread);
  EXPECT_EQ(flagged, kThreads * kPerThread / 2);
  // The team ledger took every order and every round, whatever the order
  // the threads reached it in.
  const TeamLedger team = shop.Team();
  EXPECT_EQ(team.OrdersOn(LocalDay(2026, 11, 2)), kThreads * kPerThread);
  EXPECT_EQ(team.ShopDay(LocalDay(2026, 11, 2)).rounds, kThreads * kPerThread);
  EXPECT_EQ(team.ShopDay(LocalDay(2026, 11, 2)).answered, kThreads * kPerThread);

  // Every ticket's deadlines come out exactly once over all Due() calls.
  std::vector<DueItem> rest = shop.Due(start + absl::Hours(24 * 30));
  drained.insert(drained.end(), rest.begin(), rest.end());
  std::vector<std::string> keys;
  for (const DueItem& d : drained) {
    keys.push_back(d.entity + "/" + std::string(d.rule) + "/" +
                   std::string(DueKindName(d.kind)));
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
  EXPECT_EQ(shop.PendingDeadlines(), 0u);
  EXPECT_FALSE(drained.empty());
}

// SH-HANDOVER under threads: the agents of odd threads are taking over the
// middle shift from the early shift's agents of even threads while every
// thread registers tickets and its agent leaves the seat and comes back.
// A registration reads the ledger under the ticket's shard lock while team
// events change it: each odd thread's ticket is agent0's (the early agent
// who arrived first on the shared channel), each even thread's its own.
TEST(ShopThreads, RegistrationsDuringAHandoverReadTheLedgerWhileTeamEventsChangeIt) {
  const std::unique_ptr<Shop> owned = EightShards();
  ASSERT_NE(owned, nullptr);
  Shop& shop = *owned;
  const Timestamp start = At("2026-11-02T11:00:00+08:00");
  for (int t = 0; t < kThreads; ++t) {
    const std::string agent = "agent" + std::to_string(t);
    ShiftStarted s{EventMeta{"shift-" + agent, start - absl::Hours(2) + absl::Minutes(t), agent},
                   t % 2 == 0 ? "early" : "middle", "旺旺"};
    if (t % 2 == 1) s.meta.at = start - absl::Minutes(1);  // in the window up to 11:30
    ASSERT_TRUE(shop.Apply(ShopEvent{agent, TeamEvent{s}}).ok());
  }
  constexpr int kTickets = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string agent = "agent" + std::to_string(t);
      for (int i = 0; i < kTickets; ++i) {
        const std::string n = std::to_string(t) + "-" + std::to_string(i);
        const Timestamp at = start + absl::Seconds(i);
        if (!shop.Apply(ShopEvent{"H" + n, Registered("h" + n, at, t)}).ok()) ++failures;
        if (i % 10 == 0) {
          SeatLeft left{EventMeta{"left-" + n, at, agent}, true, ""};
          SeatReturned back{EventMeta{"back-" + n, at, agent}};
          if (!shop.Apply(ShopEvent{agent, TeamEvent{left}}).ok()) ++failures;
          if (!shop.Apply(ShopEvent{agent, TeamEvent{back}}).ok()) ++failures;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kTickets; ++i) {
      const std::string key = "H" + std::to_string(t) + "-" + std::to_string(i);
      const Ticket* ticket = shop.FindTicket(key);
      ASSERT_NE(ticket, nullptr) << key;
      EXPECT_EQ(ticket->data().owner, t % 2 == 1 ? "agent0" : "agent" + std::to_string(t)) << key;
    }
  }
}

}  // namespace
}  // namespace kefu
