// Shop::ReplacePolicies (issue 19): later events are judged by the new
// rules, earlier deadlines keep their times, the AS-DEFECT counts are kept,
// and an event applied while the rules are replaced sees the old ones or
// the new ones, never a mix.
#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/engine/shop.h"
#include "kefu/testing/builders.h"

namespace kefu {
namespace {

using ::kefu::testing::At;

const Timestamp kMonday = At("2026-11-02T10:00:00+08:00");

ShopEvent Register(std::string key, Timestamp at, std::string product = "N86-screen") {
  TicketRegistered e;
  e.meta = EventMeta{"reg-" + key, at, "小王"};
  e.order_id = "O-" + key;
  e.kind = TicketKind::kReturnRefund;
  e.category = "质量问题";
  e.details = "屏幕有亮点";
  e.lines = {{std::move(product), 1}};
  e.customer_province = "广东省";
  e.shop_province = "广东省";
  e.shop = "淘宝店";
  e.buyer_im = "tb_buyer";
  e.alipay_account = "buyer@example.com";
  e.return_postage = PostagePayer::kShop;
  e.reship_postage = PostagePayer::kShop;
  e.repayment = Repayment::kAlipayRefund;
  return ShopEvent{std::move(key), TicketEvent{std::move(e)}};
}

std::optional<Timestamp> ResolveDue(const Outcome& out) {
  for (const Deadline& d : out.deadlines) {
    if (d.rule == ResolvePolicy::kRule && d.op == DeadlineOp::kSet) return d.due;
  }
  return std::nullopt;
}

constexpr uint64_t kRevisionA = 0x00000000000000aa;
constexpr uint64_t kRevisionB = 0x0123456789abcdef;

// Rules A: AS-RESOLVE 3 days on China time; rules B: 5 days on UTC. An
// event judged by a mix (A's days on B's calendar) gets a third due time.
ShopOptions RulesA() {
  ShopOptions o;
  o.ticket_policies.resolve.terms.days = 3;
  o.policy_revision = "00000000000000aa";
  return o;
}
ShopOptions RulesB() {
  ShopOptions o;
  o.ticket_policies.resolve.terms.days = 5;
  BusinessCalendar::Options cal;
  cal.time_zone = "UTC";
  o.calendar = std::make_shared<const BusinessCalendar>(BusinessCalendar::Create(cal).value());
  o.policy_revision = "0123456789ABCDEF";
  return o;
}

TEST(ShopPolicies, LaterEventsAreJudgedByTheNewRules) {
  auto shop = Shop::Create(RulesA()).value();
  EXPECT_EQ(shop->policy_revision(), "00000000000000aa");
  const Outcome first = shop->Apply(Register("S1", kMonday)).value();
  // Monday + 3 days: due at the end of Thursday, China time.
  EXPECT_EQ(ResolveDue(first), At("2026-11-06T00:00:00+08:00"));
  const BusinessCalendar& before = shop->calendar();

  ASSERT_TRUE(shop->ReplacePolicies(RulesB()).ok());
  EXPECT_EQ(shop->policy_revision(), "0123456789ABCDEF");
  const Outcome second = shop->Apply(Register("S2", kMonday)).value();
  // Monday (02:00 UTC) + 5 days: the end of Saturday, UTC.
  EXPECT_EQ(ResolveDue(second), At("2026-11-08T00:00:00+00:00"));
  // The old calendar is still a valid reference; the new one is in force.
  EXPECT_EQ(before.options().time_zone, "Asia/Shanghai");
  EXPECT_EQ(shop->calendar().options().time_zone, "UTC");
  // S1's deadline kept its time: its breach comes at the end of Thursday,
  // China time; S2's does not.
  bool s1_breach = false, s2_breach = false;
  for (const DueItem& d : shop->Due(At("2026-11-06T00:00:00+08:00"))) {
    if (d.rule != ResolvePolicy::kRule || d.kind != DueItem::Kind::kBreach) continue;
    s1_breach = s1_breach || d.entity == "S1";
    s2_breach = s2_breach || d.entity == "S2";
  }
  EXPECT_FALSE(s2_breach);
  EXPECT_TRUE(s1_breach);
}

// Every audit record names the revision of the rules that judged it; a
// duplicate hands back the original's, also after a swap and a reload.
TEST(ShopPolicies, EveryAuditRecordNamesTheRevisionThatJudgedIt) {
  // Few shards: Save holds every shard's lock, and TSan's deadlock detector
  // gives up past 64 held at once (a limit of the tool, not of the shop).
  ShopOptions a = RulesA();
  a.shards = 8;
  ShopOptions b = RulesB();
  b.shards = 8;
  auto shop = Shop::Create(a).value();
  const Outcome first = shop->Apply(Register("S1", kMonday)).value();
  EXPECT_EQ(first.audit.policy_revision, kRevisionA);
  EXPECT_EQ(PolicyRevisionText(first.audit.policy_revision), "00000000000000aa");

  ASSERT_TRUE(shop->ReplacePolicies(b).ok());
  const Outcome second = shop->Apply(Register("S2", kMonday)).value();
  EXPECT_EQ(second.audit.policy_revision, kRevisionB);
  const Outcome again = shop->Apply(Register("S1", kMonday)).value();
  EXPECT_TRUE(again.audit.duplicate);
  EXPECT_EQ(again.audit.policy_revision, kRevisionA);

  auto loaded = Shop::Load(shop->Save(), b).value();
  const Outcome reloaded = loaded->Apply(Register("S1", kMonday)).value();
  EXPECT_TRUE(reloaded.audit.duplicate);
  EXPECT_EQ(reloaded.audit.policy_revision, kRevisionA);
  EXPECT_EQ(loaded->Apply(Register("S2", kMonday)).value().audit.policy_revision, kRevisionB);

  // Rules from no pack: no revision.
  auto plain = Shop::Create().value();
  EXPECT_EQ(plain->Apply(Register("S1", kMonday)).value().audit.policy_revision, 0u);
}

TEST(ShopPolicies, ARevisionIsEmptyOrSixteenHexDigits) {
  for (const char* bad : {"A", "00000000000000a", "00000000000000aaa", "000000000000000g",
                          "0000000000000000"}) {
    ShopOptions o;
    o.policy_revision = bad;
    const absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Create(o);
    ASSERT_FALSE(shop.ok()) << bad;
    EXPECT_EQ(shop.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(shop.status().message()), ::testing::HasSubstr("policy_revision")) << bad;
  }
  auto shop = Shop::Create(RulesA()).value();
  ShopOptions bad = RulesB();
  bad.policy_revision = "B";
  EXPECT_EQ(shop->ReplacePolicies(bad).code(), absl::StatusCode::kInvalidArgument);
  // Nothing changed: A's rules and revision judge the next event.
  EXPECT_EQ(shop->policy_revision(), "00000000000000aa");
  const Outcome out = shop->Apply(Register("S1", kMonday)).value();
  EXPECT_EQ(out.audit.policy_revision, kRevisionA);
  EXPECT_EQ(ResolveDue(out), At("2026-11-06T00:00:00+08:00"));
}

TEST(ShopPolicies, DefectCountsAreKeptAndJudgedByTheNewThresholds) {
  auto shop = Shop::Create().value();
  auto defect = [](const Outcome& out) { return out.Find(DefectPolicy::kRule) != nullptr; };
  EXPECT_FALSE(defect(shop->Apply(Register("S1", kMonday, "P")).value()));
  ShopOptions higher;
  higher.ticket_policies.defect.test_at = 3;
  higher.ticket_policies.defect.delist_at = 4;
  ASSERT_TRUE(shop->ReplacePolicies(higher).ok());
  // The second ticket of P would reach the default test_at = 2; not 3.
  EXPECT_FALSE(defect(shop->Apply(Register("S2", kMonday + absl::Minutes(1), "P")).value()));
  EXPECT_TRUE(defect(shop->Apply(Register("S3", kMonday + absl::Minutes(2), "P")).value()));
}

// Threads register tickets while another replaces A by B and back: every
// due time is A's or B's for its start, none a mix.
TEST(ShopPolicies, EventsInFlightSeeTheOldRulesOrTheNewNeverAMix) {
  ShopOptions a = RulesA();
  a.shards = 8;
  auto shop = Shop::Create(a).value();
  const ShopOptions b = RulesB();
  const Timestamp due_a = At("2026-11-06T00:00:00+08:00");
  const Timestamp due_b = At("2026-11-08T00:00:00+00:00");
  constexpr int kThreads = 3;
  constexpr int kPerThread = 400;
  std::atomic<bool> stop{false};
  std::atomic<int> swaps{0};
  std::thread swapper([&] {
    bool to_b = true;
    while (!stop.load()) {
      EXPECT_TRUE(shop->ReplacePolicies(to_b ? b : RulesA()).ok());
      to_b = !to_b;
      swaps.fetch_add(1);
      std::this_thread::yield();
    }
  });
  std::atomic<int> seen_a{0}, seen_b{0}, mixed{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<Outcome> out = shop->Apply(Register(absl::StrCat("T", t, "-", i), kMonday));
        if (!out.ok()) {
          mixed.fetch_add(1);
          continue;
        }
        // The due time and the audit's revision come from the same rules.
        const std::optional<Timestamp> due = ResolveDue(*out);
        if (due == due_a && out->audit.policy_revision == kRevisionA) {
          seen_a.fetch_add(1);
        } else if (due == due_b && out->audit.policy_revision == kRevisionB) {
          seen_b.fetch_add(1);
        } else {
          mixed.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  stop = true;
  swapper.join();
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_EQ(seen_a.load() + seen_b.load(), kThreads * kPerThread);
  EXPECT_GT(swaps.load(), 0);
}

// ShopOptions::shop_province fills a registration that names no province of
// the shop; one that names it keeps its own; no province at all is refused.
TEST(ShopPolicies, ShopProvinceFillsARegistrationThatNamesNone) {
  ShopOptions o;
  o.shop_province = "浙江";
  auto shop = Shop::Create(o).value();
  ShopEvent none = Register("S1", kMonday);
  std::get<TicketRegistered>(std::get<TicketEvent>(none.event)).shop_province.clear();
  ASSERT_TRUE(shop->Apply(none).ok());
  EXPECT_EQ(shop->FindTicket("S1")->data().shop_province, "浙江");
  // The same registration again is the same event (a duplicate).
  absl::StatusOr<Outcome> again = shop->Apply(none);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->audit.duplicate);
  ASSERT_TRUE(shop->Apply(Register("S2", kMonday)).ok());
  EXPECT_EQ(shop->FindTicket("S2")->data().shop_province, "广东省");

  o.shop_province = "火星";
  EXPECT_EQ(Shop::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(shop->ReplacePolicies(o).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kefu
