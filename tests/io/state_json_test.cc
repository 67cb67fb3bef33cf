// An entity's snapshot as JSON (kefu/io/state_json.h).
#include "kefu/io/state_json.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "engine/team_member.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/team_events.h"
#include "kefu/engine/team_ledger.h"
#include "sample/sample.h"
#include "nlohmann/json.hpp"

namespace kefu {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<Shop> SampleShop() {
  auto shop = Shop::Create();
  EXPECT_TRUE(shop.ok());
  SampleOptions options;
  options.orders_per_day = 60;
  options.days = 7;
  EXPECT_TRUE(GenerateSample(options, [&](const ShopEvent& e) {
                (*shop)->Apply(e).IgnoreError();
              }).ok());
  return *std::move(shop);
}

// Written and read back: equal to the original, and written again the
// same text; the entity it restores is in the same state.
template <class Entity, class ReadFn>
void ExpectRoundTrip(const Entity& e, ReadFn read) {
  const auto snapshot = e.Snapshot();
  const std::string json = SnapshotToJson(snapshot);
  auto back = read(json);
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << json;
  EXPECT_TRUE(*back == snapshot) << json;
  EXPECT_EQ(SnapshotToJson(*back), json);
  auto restored = Entity::Restore(*std::move(back));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->state(), e.state());
  EXPECT_TRUE(restored->data() == e.data());
}

TEST(StateJson, EveryEntityOfASampleShopRoundTrips) {
  std::unique_ptr<Shop> shop = SampleShop();
  int orders = 0, tickets = 0, reviews = 0;
  shop->ForEachOrder([&](const Order& o) {
    ++orders;
    ExpectRoundTrip(o, OrderSnapshotFromJson);
  });
  shop->ForEachTicket([&](const Ticket& t) {
    ++tickets;
    ExpectRoundTrip(t, TicketSnapshotFromJson);
  });
  shop->ForEachReview([&](const Review& r) {
    ++reviews;
    ExpectRoundTrip(r, ReviewSnapshotFromJson);
  });
  EXPECT_GT(orders, 100);
  EXPECT_GT(tickets, 5);
  EXPECT_GT(reviews, 5);
}

// The sample week's team entities (one per agent), judged through a
// ledger as the Shop judges them.
std::map<std::string, internal::TeamMember> SampleTeam() {
  TeamLedger ledger;
  internal::TeamEnvironment env;
  env.ledger = &ledger;
  std::map<std::string, internal::TeamMember> team;
  SampleOptions options;
  options.orders_per_day = 60;
  options.days = 7;
  EXPECT_TRUE(GenerateSample(options, [&](const ShopEvent& e) {
                if (e.kind() != EntityKind::kTeam) return;
                internal::TeamMember& m = team.try_emplace(e.key, e.key).first->second;
                m.Apply(std::get<TeamEvent>(e.event), env).IgnoreError();
              }).ok());
  return team;
}

// "kind": "team": every agent of the sample week, with shifts, breaks,
// scores, exams, reports, an approved swap and a refused one in the log.
TEST(StateJson, EveryTeamMemberOfASampleWeekRoundTrips) {
  const std::map<std::string, internal::TeamMember> team = SampleTeam();
  EXPECT_GE(team.size(), 4u);
  size_t swaps = 0, refused = 0, events = 0;
  for (const auto& [agent, m] : team) {
    ExpectRoundTrip(m, TeamMemberSnapshotFromJson);
    swaps += m.data().swaps.size();
    for (const Outcome& o : m.applied()) {
      ++events;
      if (o.audit.refused) ++refused;
    }
    const nlohmann::json j = nlohmann::json::parse(SnapshotToJson(m.Snapshot()));
    EXPECT_EQ(j["kind"], "team");
    EXPECT_EQ(j["format"], internal::TeamMember::kSnapshotFormat);
    EXPECT_EQ(j["state"], std::string(m.state()));
    EXPECT_EQ(j["data"]["id"], agent);
    EXPECT_EQ(j["log"].size(), m.applied().size());
  }
  EXPECT_GE(swaps, 1u);
  EXPECT_GE(refused, 1u);
  EXPECT_GT(events, 50u);
}

TEST(StateJson, ThePolicyRevisionOfAnAuditRecordRoundTrips) {
  ShopOptions options;
  options.policy_revision = "00c0ffee00c0ffee";
  auto shop = Shop::Create(options).value();
  OrderPlaced placed;
  placed.meta = {"e1", absl::FromUnixSeconds(1790000000), "a"};
  placed.lines = {{"杯子", 2, Money::Yuan(30)}};
  placed.address.province = "浙江";
  placed.address.detail = "某路1号";
  ASSERT_TRUE(shop->Apply(ShopEvent{"O1", OrderEvent{placed}}).ok());
  int orders = 0;
  shop->ForEachOrder([&](const Order& o) {
    ++orders;
    ExpectRoundTrip(o, OrderSnapshotFromJson);
    const nlohmann::json j = nlohmann::json::parse(SnapshotToJson(o.Snapshot()));
    EXPECT_EQ(j["log"][0]["outcome"]["audit"]["policy_revision"], "00c0ffee00c0ffee");
    auto back = OrderSnapshotFromJson(SnapshotToJson(o.Snapshot()));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->applied[0].audit.policy_revision, 0x00c0ffee00c0ffeeu);
  });
  EXPECT_EQ(orders, 1);
}

TEST(StateJson, AConversationRoundTrips) {
  Conversation c("buyer-1");
  ReplyPosted posted;
  posted.meta = {"r1", absl::FromUnixSeconds(1790000000), "小王"};
  posted.text = "亲，我明天下午3点前给您回复";
  ASSERT_TRUE(c.Apply(posted).ok());
  ReplyPosted second;
  second.meta = {"r2", absl::FromUnixSeconds(1790000100), "小王"};
  second.text = "不知道";
  ASSERT_TRUE(c.Apply(second).ok());
  ExpectRoundTrip(c, ConversationSnapshotFromJson);
}

TEST(StateJson, TheDocumentIsReadableJson) {
  std::unique_ptr<Shop> shop = SampleShop();
  const Order* order = nullptr;
  shop->ForEachOrder([&](const Order& o) {
    if (order == nullptr && o.applied_count() > 3) order = &o;
  });
  ASSERT_NE(order, nullptr);
  const nlohmann::json j = nlohmann::json::parse(SnapshotToJson(order->Snapshot()));
  EXPECT_EQ(j["kind"], "order");
  EXPECT_EQ(j["format"], Order::kSnapshotFormat);
  EXPECT_EQ(j["state"], std::string(order->state()));
  EXPECT_EQ(j["data"]["id"], order->id());
  EXPECT_EQ(j["log"].size(), order->applied_count());
  EXPECT_TRUE(j["log"][0]["outcome"]["audit"].contains("event_id"));
}

// The document of an order placed once.
std::string PlacedOrderJson() {
  Order order("O1");
  OrderPlaced placed;
  placed.meta = {"e1", absl::FromUnixSeconds(1790000000), "a"};
  placed.lines = {{"杯子", 2, Money::Yuan(30)}};
  placed.address.province = "浙江";
  placed.address.detail = "某路1号";
  EXPECT_TRUE(order.Apply(placed).ok());
  return SnapshotToJson(order.Snapshot());
}

class StateJsonErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    json_ = nlohmann::ordered_json::parse(PlacedOrderJson());
  }
  absl::Status Read(const nlohmann::ordered_json& j) {
    return OrderSnapshotFromJson(j.dump()).status();
  }
  nlohmann::ordered_json json_;
};

TEST_F(StateJsonErrors, AnUnknownFieldIsNamedByItsPath) {
  json_["data"]["out_of_provence"] = "x";
  const absl::Status s = Read(json_);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("data.out_of_provence: unknown field"));
}

TEST_F(StateJsonErrors, AWrongTypeIsNamedByItsPath) {
  json_["data"]["lines"][0]["quantity"] = "two";
  const absl::Status s = Read(json_);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("data.lines[0].quantity: expected an integer, got a string"));
}

TEST_F(StateJsonErrors, AnUnknownEnumNameIsRefused) {
  json_["data"]["channel"] = "ebay";
  EXPECT_THAT(std::string(Read(json_).message()), HasSubstr("data.channel: unknown value \"ebay\""));
}

TEST_F(StateJsonErrors, AMissingPartIsRefused) {
  json_.erase("log");
  EXPECT_THAT(std::string(Read(json_).message()), HasSubstr("log: missing"));
}

TEST_F(StateJsonErrors, AnotherKindIsRefused) {
  const absl::Status s = TicketSnapshotFromJson(json_.dump()).status();
  EXPECT_THAT(std::string(s.message()), HasSubstr("kind: expected \"ticket\", got \"order\""));
}

TEST_F(StateJsonErrors, ABadTimeOrAmountIsRefused) {
  auto j = json_;
  j["log"][0]["outcome"]["audit"]["at"] = "yesterday";
  EXPECT_THAT(std::string(Read(j).message()), HasSubstr("log[0].outcome.audit.at"));
  j = json_;
  j["data"]["postage"] = "12.345";
  EXPECT_THAT(std::string(Read(j).message()), HasSubstr("data.postage: not an amount"));
}

TEST_F(StateJsonErrors, ABadPolicyRevisionIsRefused) {
  // No pack: the key is left out.
  EXPECT_FALSE(json_["log"][0]["outcome"]["audit"].contains("policy_revision"));
  for (const char* bad : {"", "abc", "0000000000000000", "zzzzzzzzzzzzzzzz"}) {
    auto j = json_;
    j["log"][0]["outcome"]["audit"]["policy_revision"] = bad;
    EXPECT_THAT(std::string(Read(j).message()),
                HasSubstr("log[0].outcome.audit.policy_revision: not a policy revision"))
        << bad;
  }
  auto j = json_;
  j["log"][0]["outcome"]["audit"]["policy_revision"] = 12;
  EXPECT_THAT(std::string(Read(j).message()), HasSubstr("log[0].outcome.audit.policy_revision"));
}

TEST_F(StateJsonErrors, ADuplicateKeyAndNonJsonAreRefused) {
  std::string text = json_.dump();
  text.insert(1, "\"state\":\"new\",");
  EXPECT_THAT(std::string(OrderSnapshotFromJson(text).status().message()),
              HasSubstr("duplicate key \"state\""));
  EXPECT_EQ(OrderSnapshotFromJson("{not json").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OrderSnapshotFromJson("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StateJsonErrors, AnUnknownStateIsRefusedByRestore) {
  json_["state"] = "teleported";
  absl::StatusOr<OrderSnapshot> s = OrderSnapshotFromJson(json_.dump());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(Order::Restore(*std::move(s)).status().code(), absl::StatusCode::kInvalidArgument);
}

// A team member's document is read as strictly: its data's fields by name
// and type, its kind.
class TeamStateJsonErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    internal::TeamEnvironment env;
    env.ledger = &ledger_;
    internal::TeamMember m("小王");
    const Timestamp at = absl::FromUnixSeconds(1795222080);  // 2026-11-21 08:48 +08:00
    ASSERT_TRUE(m.Apply(ShiftStarted{{"t1", at, "小王"}, "early", "旺旺,商城"}, env).ok());
    ShiftSwapped swap;
    swap.meta = {"t2", at + absl::Hours(1), "小王"};
    swap.day = "2026-11-24";
    swap.shift = "late";
    swap.with = "小李";
    swap.approved_by = "主管老张";
    swap.approver_role = StaffRole::kSupervisor;
    absl::StatusOr<Outcome> o = m.Apply(swap, env);
    ASSERT_TRUE(o.ok()) << o.status();
    ASSERT_FALSE(o->audit.refused);
    ASSERT_EQ(m.data().swaps.size(), 1u);
    json_ = nlohmann::ordered_json::parse(SnapshotToJson(m.Snapshot()));
  }
  absl::Status Read(const nlohmann::ordered_json& j) {
    return TeamMemberSnapshotFromJson(j.dump()).status();
  }
  TeamLedger ledger_;
  nlohmann::ordered_json json_;
};

TEST_F(TeamStateJsonErrors, TheDocumentReadsBack) {
  EXPECT_EQ(json_["kind"], "team");
  EXPECT_EQ(json_["state"], "on_shift");
  EXPECT_EQ(json_["data"]["swaps"][0]["shift"], "late");
  ASSERT_TRUE(Read(json_).ok()) << Read(json_);
}

TEST_F(TeamStateJsonErrors, AnUnknownFieldIsNamedByItsPath) {
  auto j = json_;
  j["data"]["shoe_size"] = 42;
  absl::Status s = Read(j);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("data.shoe_size: unknown field"));
  j = json_;
  j["data"]["swaps"][0]["approved_at"] = "2026-11-21";
  EXPECT_THAT(std::string(Read(j).message()),
              HasSubstr("data.swaps[0].approved_at: unknown field"));
  j = json_;
  j["colour"] = "blue";
  EXPECT_THAT(std::string(Read(j).message()), HasSubstr("colour: unknown field"));
}

TEST_F(TeamStateJsonErrors, AWrongTypeIsNamedByItsPath) {
  auto j = json_;
  j["data"]["shifts"] = "one";
  absl::Status s = Read(j);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("data.shifts: expected an integer, got a string"));
  j = json_;
  j["data"]["swaps"][0]["day"] = 20261124;
  EXPECT_THAT(std::string(Read(j).message()),
              HasSubstr("data.swaps[0].day: expected a string, got an integer"));
  j = json_;
  j["data"]["swaps"] = "none";
  EXPECT_THAT(std::string(Read(j).message()), HasSubstr("data.swaps: expected an array"));
}

TEST_F(TeamStateJsonErrors, AnotherKindIsRefusedBothWays) {
  EXPECT_THAT(std::string(OrderSnapshotFromJson(json_.dump()).status().message()),
              HasSubstr("kind: expected \"order\", got \"team\""));
  EXPECT_THAT(std::string(ConversationSnapshotFromJson(json_.dump()).status().message()),
              HasSubstr("kind: expected \"conversation\", got \"team\""));
  const absl::Status s = TeamMemberSnapshotFromJson(PlacedOrderJson()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("kind: expected \"team\", got \"order\""));
}

TEST_F(TeamStateJsonErrors, AMissingIdOrUnknownStateIsRefused) {
  auto j = json_;
  j["data"].erase("id");
  EXPECT_THAT(std::string(Read(j).message()), HasSubstr("data.id: missing"));
  j = json_;
  j["state"] = "asleep";
  absl::StatusOr<TeamMemberSnapshot> s = TeamMemberSnapshotFromJson(j.dump());
  ASSERT_TRUE(s.ok()) << s.status();
  const absl::Status restored = internal::TeamMember::Restore(*std::move(s)).status();
  EXPECT_EQ(restored.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(restored.message()), HasSubstr("unknown team member state \"asleep\""));
  j = json_;
  j["log"][0]["outcome"]["audit"]["state_after"] = "asleep";
  s = TeamMemberSnapshotFromJson(j.dump());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(std::string(internal::TeamMember::Restore(*std::move(s)).status().message()),
              HasSubstr("names an unknown state in event \"t1\""));
}

}  // namespace
}  // namespace kefu
