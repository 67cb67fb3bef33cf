// An entity's snapshot as JSON (kefu/io/state_json.h).
#include "kefu/io/state_json.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/engine/shop.h"
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

class StateJsonErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    Order order("O1");
    OrderPlaced placed;
    placed.meta = {"e1", absl::FromUnixSeconds(1790000000), "a"};
    placed.lines = {{"杯子", 2, Money::Yuan(30)}};
    placed.address.province = "浙江";
    placed.address.detail = "某路1号";
    ASSERT_TRUE(order.Apply(placed).ok());
    json_ = nlohmann::ordered_json::parse(SnapshotToJson(order.Snapshot()));
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

}  // namespace
}  // namespace kefu
