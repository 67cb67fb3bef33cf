// FB-ROLES from the roster (issue 20) and FB-TRIAGE's work list: an agent's
// event that needs a role it lacks is refused by FB-ROLES and changes
// nothing; every role × action pair follows the table; the Shop's work list
// orders open work by priority, ties by due time.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/team_ledger.h"
#include "kefu/io/events.h"
#include "kefu/testing/builders.h"

namespace kefu {
namespace {

using ::kefu::testing::At;
using ::testing::HasSubstr;

ShopEvent Ev(const std::string& line) {
  absl::StatusOr<ShopEvent> e = ParseEvent(line);
  EXPECT_TRUE(e.ok()) << e.status() << "\n" << line;
  return *std::move(e);
}

Outcome Must(Shop& shop, const std::string& line) {
  absl::StatusOr<Outcome> out = shop.Apply(Ev(line));
  EXPECT_TRUE(out.ok()) << out.status() << "\n" << line;
  return out.ok() ? *std::move(out) : Outcome{};
}

// A refund-only ticket registered by 小王 for `buyer`.
std::string Registered(const std::string& key, const std::string& buyer = "开心的小熊",
                       const std::string& category = "运输破损", bool quality = false,
                       const std::string& at = "2026-11-07T11:00:00+08:00") {
  return absl::StrCat(
      R"({"id":"reg-)", key, R"(","at":")", at,
      R"(","agent":"小王","entity":"ticket","key":")", key,
      R"(","type":"registered","fields":{"order_id":"O-)", key,
      R"(","kind":"refund_only","category":")", category,
      R"(","details":"收到时杯子碎了","lines":[{"product":"HT-2201 保温杯 白色","quantity":1}],)",
      R"("customer_province":"江苏省","shop_province":"广东省","shop":"旗舰店","buyer_im":")", buyer,
      R"(","alipay_account":"bear@example.com","repayment":"alipay_refund","repayment_amount":"500.00","quality_claim":)",
      quality ? "true" : "false", "}}");
}

std::string RefundSent(const std::string& key, const std::string& id, const std::string& amount,
                       const std::string& approved_by, const std::string& compensation = "0.00") {
  std::string fields = absl::StrCat(R"("amount":")", amount, R"(","compensation":")",
                                    compensation, R"(")");
  if (!approved_by.empty()) absl::StrAppend(&fields, R"(,"approved_by":")", approved_by, R"(")");
  return absl::StrCat(R"({"id":")", id,
                      R"(","at":"2026-11-07T11:30:00+08:00","agent":"小王","entity":"ticket","key":")",
                      key, R"(","type":"refund_sent_to_finance","fields":{)", fields, "}}");
}

// A neutral review with its two phone calls made: a third call needs an
// override.
void NeutralReviewAtItsLimit(Shop& shop, const std::string& key) {
  Must(shop, absl::StrCat(R"({"id":")", key, R"(-1","at":"2026-11-14T12:00:00+08:00","entity":"review","key":")", key,
                          R"(","type":"received","fields":{"order_id":"T1001","product":"HT-2201 保温杯 黑色","rating":"neutral","complaint":"保温效果一般","item_price":"59.00","buyer":"快乐的小猪"}})"));
  Must(shop, absl::StrCat(R"({"id":")", key, R"(-2","at":"2026-11-14T12:05:00+08:00","agent":"王主管","entity":"review","key":")", key,
                          R"(","type":"assigned","fields":{"agent":"小王"}})"));
  for (int i = 3; i <= 4; ++i) {
    const Outcome o = Must(shop, absl::StrCat(R"({"id":")", key, "-", i,
                                              R"(","at":"2026-11-14T14:0)", i,
                                              R"(:00+08:00","agent":"小王","entity":"review","key":")", key,
                                              R"(","type":"contact_attempted","fields":{"channel":"phone","result":"talked"}})"));
    EXPECT_FALSE(o.refused());
  }
}

std::string Override(const std::string& key, const std::string& id, const std::string& agent,
                     const std::string& claimed_role = "agent") {
  return absl::StrCat(R"({"id":")", id, R"(","at":"2026-11-14T15:00:00+08:00","agent":")", agent,
                      R"(","entity":"review","key":")", key,
                      R"(","type":"contact_attempted","fields":{"channel":"phone","result":"talked","role":")",
                      claimed_role, R"(","override_limit":true}})");
}

// 小王 gives his early shift of 16 November to 小李, approved by `approver`
// (who claims to be a manager: with a roster the claim does not count).
std::string SwapLine(const std::string& id, const std::string& approver) {
  return absl::StrCat(
      R"({"id":")", id,
      R"(","at":"2026-11-14T17:00:00+08:00","agent":"小王","entity":"team","key":"小王",)",
      R"("type":"shift_swapped","fields":{"day":"2026-11-16","shift":"early","with":"小李",)",
      R"("approved_by":")", approver, R"(","approver_role":"manager"}})");
}

// `scorer` (claiming to be a supervisor) scores 小王's `part`.
std::string ScoreLine(const std::string& id, const std::string& scorer, const std::string& part,
                      int score) {
  return absl::StrCat(
      R"({"id":")", id, R"(","at":"2026-11-14T18:00:00+08:00","agent":")", scorer,
      R"(","entity":"team","key":"小王","type":"supervisor_scored","fields":{"part":")", part,
      R"(","score":)", score, R"(,"role":"supervisor"}})");
}

// One agent of every role, named after it; 小王 is an agent.
std::vector<StaffMember> Roster() {
  std::vector<StaffMember> out;
  for (int r = 0; r < kStaffRoleCount; ++r) {
    const auto role = static_cast<StaffRole>(r);
    out.push_back({absl::StrCat("who-", std::string(StaffRoleName(role))), role, "regular"});
  }
  out.push_back({"小王", StaffRole::kAgent, "regular"});
  out.push_back({"王主管", StaffRole::kSupervisor, "senior"});
  return out;
}

ShopOptions WithRoster() {
  ShopOptions o;
  o.team_policies.roles.agents = Roster();
  return o;
}

// ------------------------------------------------------------------ FB-ROLES

// Every role × action pair, through the events (refund, override), the
// score card (TeamLedger::Judge by name) and the roster (shift swaps: their
// events are the team's). The expected table is the seed's, written out.
TEST(ShopRoles, EveryRoleAndActionPairFollowsTheTable) {
  // approve_large_refund, override_contact_limit, approve_shift_swap, change_score
  const std::map<StaffRole, std::array<bool, kTeamActionCount>> expected = {
      {StaffRole::kAgent, {false, false, false, false}},
      {StaffRole::kTeamLead, {false, false, false, false}},
      {StaffRole::kSupervisor, {true, true, true, true}},
      {StaffRole::kManager, {true, true, true, true}},
      {StaffRole::kQcInspector, {false, false, false, true}},
      {StaffRole::kTrainingLead, {false, false, false, false}},
      {StaffRole::kTrainer, {false, false, false, false}},
  };
  ASSERT_EQ(expected.size(), static_cast<size_t>(kStaffRoleCount));
  const ShopOptions options = WithRoster();
  TeamLedger::Options lo;
  lo.roles = options.team_policies.roles;
  TeamLedger ledger = TeamLedger::Create(lo).value();
  int pairs = 0;
  for (const auto& [role, allowed] : expected) {
    const std::string who = absl::StrCat("who-", std::string(StaffRoleName(role)));
    SCOPED_TRACE(who);
    auto shop = Shop::Create(options).value();
    // approve_large_refund: 小王 sends 500.00 to finance, `who` approves.
    Must(*shop, Registered("AS-1"));
    const Outcome refund = Must(*shop, RefundSent("AS-1", "t-refund", "500.00", who));
    EXPECT_EQ(!refund.refused(), allowed[0]) << refund.audit.state_after;
    EXPECT_EQ(refund.Find("FB-ROLES") != nullptr, !allowed[0]);
    EXPECT_EQ(shop->FindTicket("AS-1")->state(), allowed[0] ? "awaiting_finance" : "registered");
    ++pairs;
    // override_contact_limit: `who` makes the third call on a neutral review.
    NeutralReviewAtItsLimit(*shop, "RV-1");
    const Outcome over = Must(*shop, Override("RV-1", "r-over", who));
    EXPECT_EQ(!over.refused(), allowed[1]);
    EXPECT_EQ(shop->FindReview("RV-1")->data().contacts.size(), allowed[1] ? 3u : 2u);
    ++pairs;
    // approve_shift_swap: 小王's shift_swapped, approved by `who` (the
    // roster's role; the claimed one does not count).
    EXPECT_EQ(!options.team_policies.roles.Check(who, TeamAction::kApproveShiftSwap).has_value(),
              allowed[2]);
    const Outcome swap = Must(*shop, SwapLine("sw-1", who));
    EXPECT_EQ(!swap.refused(), allowed[2]);
    EXPECT_EQ(swap.Find("FB-ROLES") != nullptr, !allowed[2]);
    EXPECT_EQ(shop->FindTeamMember("小王")->data.swaps.size(), allowed[2] ? 1u : 0u);
    ++pairs;
    // change_score: the ledger takes the scorer's role from the roster, and
    // so does the supervisor_scored event.
    const absl::StatusOr<Decision> judged =
        ledger.Judge("小王", ScorePart::kAttitude, 15, who, At("2026-11-14T18:00:00+08:00"));
    ASSERT_TRUE(judged.ok()) << judged.status();
    EXPECT_EQ(judged->rule, allowed[3] ? "KPI-SCORE" : "FB-ROLES");
    const Outcome score = Must(*shop, ScoreLine("sc-1", who, "attitude", 15));
    EXPECT_EQ(!score.refused(), allowed[3]);
    EXPECT_EQ(score.Find("FB-ROLES") != nullptr, !allowed[3]);
    const std::optional<int> part =
        shop->Team().Card("小王", absl::CivilMonth(2026, 11))
            .parts[static_cast<size_t>(ScorePart::kAttitude)];
    EXPECT_EQ(part, allowed[3] ? std::optional<int>(15) : std::nullopt);
    ++pairs;
  }
  EXPECT_EQ(pairs, kStaffRoleCount * kTeamActionCount);
}

// A refund above the limit that nobody with the role approved is refused by
// FB-ROLES and changes nothing; the same id again is the same refusal.
TEST(ShopRoles, AnUnapprovedLargeRefundIsRefusedAndChangesNothing) {
  auto shop = Shop::Create(WithRoster()).value();
  Must(*shop, Registered("AS-2"));
  const size_t pending = shop->PendingDeadlines();
  const Outcome no = Must(*shop, RefundSent("AS-2", "t-1", "500.00", ""));
  ASSERT_TRUE(no.refused());
  const Decision* d = no.Find("FB-ROLES");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->Reason(), "退款500.00元超过100.00元，须经批准：小王（客服）无权批准大额退款");
  EXPECT_EQ(shop->FindTicket("AS-2")->state(), "registered");
  EXPECT_EQ(shop->PendingDeadlines(), pending);
  const Outcome again = Must(*shop, RefundSent("AS-2", "t-1", "500.00", ""));
  EXPECT_TRUE(again.audit.duplicate);
  EXPECT_TRUE(again.refused());
  // Compensation counts: 90.00 + 20.00 is above 100.00.
  EXPECT_TRUE(Must(*shop, RefundSent("AS-2", "t-2", "90.00", "", "20.00")).refused());
  // Not above the limit: no approval needed.
  EXPECT_FALSE(Must(*shop, RefundSent("AS-2", "t-3", "100.00", "")).refused());
}

TEST(ShopRoles, AnApprovedLargeRefundPassesAndNamesNoRefusal) {
  auto shop = Shop::Create(WithRoster()).value();
  Must(*shop, Registered("AS-3"));
  const Outcome ok = Must(*shop, RefundSent("AS-3", "t-1", "500.00", "王主管"));
  EXPECT_FALSE(ok.refused());
  EXPECT_EQ(ok.Find("FB-ROLES"), nullptr);
  // An approver the roster does not list acts as an agent.
  Must(*shop, Registered("AS-4"));
  const Outcome stranger = Must(*shop, RefundSent("AS-4", "t-2", "500.00", "老板娘"));
  ASSERT_TRUE(stranger.refused());
  EXPECT_THAT(stranger.Find("FB-ROLES")->Reason(), HasSubstr("老板娘（客服）"));
}

// Orders' refunds need the same approval.
TEST(ShopRoles, AnOrdersLargeRefundNeedsApprovalToo) {
  auto shop = Shop::Create(WithRoster()).value();
  Must(*shop, R"({"id":"o-1","at":"2026-11-02T09:15:00+08:00","agent":"小王","entity":"order","key":"T1","type":"placed","fields":{"channel":"website","buyer":{"im_name":"快乐的小猪","phone":"13800138000"},"lines":[{"product":"HT-9 咖啡机","quantity":1,"unit_price":"800.00"}],"postage":"0.00","payment":"platform","address":{"province":"浙江省","city":"杭州市","district":"西湖区","detail":"文三路100号"}}})");
  Must(*shop, R"({"id":"o-2","at":"2026-11-02T09:20:00+08:00","entity":"order","key":"T1","type":"paid"})");
  Must(*shop, R"({"id":"o-3","at":"2026-11-02T11:00:00+08:00","agent":"仓库老刘","entity":"order","key":"T1","type":"out_of_stock_reported","fields":{"product":"HT-9 咖啡机","arrival":"uncertain"}})");
  const Outcome no = Must(*shop, R"({"id":"o-4","at":"2026-11-02T11:20:00+08:00","agent":"财务小陈","entity":"order","key":"T1","type":"refunded","fields":{"amount":"800.00"}})");
  ASSERT_TRUE(no.refused()) << no.audit.state_after;
  EXPECT_NE(no.Find("FB-ROLES"), nullptr);
  EXPECT_EQ(shop->FindOrder("T1")->data().refunded, Money::Zero());
  const Outcome ok = Must(*shop, R"({"id":"o-5","at":"2026-11-02T11:25:00+08:00","agent":"财务小陈","entity":"order","key":"T1","type":"refunded","fields":{"amount":"800.00","approved_by":"王主管"}})");
  EXPECT_FALSE(ok.refused());
  EXPECT_EQ(shop->FindOrder("T1")->data().refunded, Money::Yuan(800));
}

// Without a roster nothing changes from before: refunds need no approval,
// and an override's own role counts.
TEST(ShopRoles, WithoutARosterTheEventsOwnRoleCounts) {
  auto shop = Shop::Create().value();
  Must(*shop, Registered("AS-5"));
  EXPECT_FALSE(Must(*shop, RefundSent("AS-5", "t-1", "500.00", "")).refused());
  NeutralReviewAtItsLimit(*shop, "RV-2");
  EXPECT_TRUE(Must(*shop, Override("RV-2", "r-1", "小王")).refused());
  EXPECT_FALSE(Must(*shop, Override("RV-2", "r-2", "小王", "supervisor")).refused());
}

// With a roster, a claimed role does not beat it.
TEST(ShopRoles, AClaimedRoleDoesNotBeatTheRoster) {
  auto shop = Shop::Create(WithRoster()).value();
  NeutralReviewAtItsLimit(*shop, "RV-3");
  const Outcome no = Must(*shop, Override("RV-3", "r-1", "小王", "manager"));
  ASSERT_TRUE(no.refused());
  EXPECT_EQ(no.Find("FB-ROLES")->Reason(Language::kEn),
            "小王 (agent) may not override the contact limit");
  const Outcome ok = Must(*shop, Override("RV-3", "r-2", "王主管"));
  EXPECT_FALSE(ok.refused());
  EXPECT_THAT(ok.audit.note, HasSubstr("supervisor 王主管"));
}

// A new roster (ReplacePolicies) judges the next events.
TEST(ShopRoles, ANewRosterJudgesTheNextEvents) {
  auto shop = Shop::Create(WithRoster()).value();
  Must(*shop, Registered("AS-6"));
  EXPECT_TRUE(Must(*shop, RefundSent("AS-6", "t-1", "500.00", "李组长")).refused());
  ShopOptions promoted = WithRoster();
  promoted.team_policies.roles.agents.push_back({"李组长", StaffRole::kManager, "senior"});
  ASSERT_TRUE(shop->ReplacePolicies(promoted).ok());
  EXPECT_FALSE(Must(*shop, RefundSent("AS-6", "t-2", "500.00", "李组长")).refused());
}

// ----------------------------------------------------------------- FB-TRIAGE

std::string Reply(const std::string& buyer, const std::string& id, const std::string& agent,
                  const std::string& at) {
  return absl::StrCat(R"({"id":")", id, R"(","at":")", at, R"(","agent":")", agent,
                      R"(","entity":"reply","key":")", buyer,
                      R"(","type":"posted","fields":{"text":"您好，我帮您核实一下，30分钟内给您答复。"}})");
}

// ------------------------------------------------------------------ AS-OWNER

// With a roster, AS-OWNER's supervisors are the roster's supervisors and
// managers: they act on 小王's ticket (noted in the audit), an agent does
// not, and a name only OwnerPolicy::supervisors lists no longer does.
TEST(ShopOwner, TheRosterNamesTheSupervisorsWhoMayActOnAnyTicket) {
  ShopOptions options = WithRoster();
  options.ticket_policies.owner.supervisors = {"老板娘"};
  auto shop = Shop::Create(options).value();
  Must(*shop, Registered("AS-7"));
  auto refund_by = [&](const std::string& id, const std::string& agent) {
    return Must(*shop, absl::StrCat(R"({"id":")", id,
                                    R"(","at":"2026-11-07T11:30:00+08:00","agent":")", agent,
                                    R"(","entity":"ticket","key":"AS-7","type":"refund_sent_to_finance","fields":{"amount":"50.00"}})"));
  };
  const Outcome lady = refund_by("t-1", "老板娘");
  ASSERT_TRUE(lady.refused());
  EXPECT_NE(lady.Find("AS-OWNER"), nullptr);
  const Outcome agent = refund_by("t-2", "who-agent");
  ASSERT_TRUE(agent.refused());
  EXPECT_NE(agent.Find("AS-OWNER"), nullptr);
  const Outcome manager = refund_by("t-3", "who-manager");
  EXPECT_FALSE(manager.refused());
  EXPECT_EQ(manager.audit.note, "supervisor override");
  EXPECT_EQ(shop->FindTicket("AS-7")->state(), "awaiting_finance");
  // A supervisor too, on another ticket.
  Must(*shop, Registered("AS-8"));
  const Outcome supervisor = Must(*shop, absl::StrCat(R"({"id":"t-4","at":"2026-11-07T11:30:00+08:00","agent":"王主管",)",
                                                      R"("entity":"ticket","key":"AS-8","type":"refund_sent_to_finance","fields":{"amount":"50.00"}})"));
  EXPECT_FALSE(supervisor.refused());
}

// Without a roster, OwnerPolicy::supervisors is the list, as before.
TEST(ShopOwner, WithoutARosterTheListNamesTheSupervisors) {
  ShopOptions options;
  options.ticket_policies.owner.supervisors = {"老板娘"};
  auto shop = Shop::Create(options).value();
  Must(*shop, Registered("AS-9"));
  const Outcome lady = Must(*shop, R"({"id":"t-1","at":"2026-11-07T11:30:00+08:00","agent":"老板娘","entity":"ticket","key":"AS-9","type":"refund_sent_to_finance","fields":{"amount":"50.00"}})");
  EXPECT_FALSE(lady.refused());
  Must(*shop, Registered("AS-10"));
  const Outcome boss = Must(*shop, R"({"id":"t-2","at":"2026-11-07T11:30:00+08:00","agent":"王主管","entity":"ticket","key":"AS-10","type":"refund_sent_to_finance","fields":{"amount":"50.00"}})");
  ASSERT_TRUE(boss.refused());
  EXPECT_NE(boss.Find("AS-OWNER"), nullptr);
}

// A new roster (ReplacePolicies) names the supervisors from the next event.
TEST(ShopOwner, ANewRosterNamesTheNextSupervisors) {
  auto shop = Shop::Create().value();
  Must(*shop, Registered("AS-11"));
  EXPECT_TRUE(Must(*shop, R"({"id":"t-1","at":"2026-11-07T11:30:00+08:00","agent":"王主管","entity":"ticket","key":"AS-11","type":"refund_sent_to_finance","fields":{"amount":"50.00"}})").refused());
  ASSERT_TRUE(shop->ReplacePolicies(WithRoster()).ok());
  EXPECT_FALSE(Must(*shop, R"({"id":"t-2","at":"2026-11-07T11:31:00+08:00","agent":"王主管","entity":"ticket","key":"AS-11","type":"refund_sent_to_finance","fields":{"amount":"50.00"}})").refused());
}

TEST(ShopTriage, TheWorkListGoesByPriorityThenDueTime) {
  ShopOptions o = WithRoster();
  o.team_policies.triage.customers = {{"VIP熊", "vip"}};
  auto shop = Shop::Create(o).value();
  // Tickets: a regular buyer's after-sales ticket, a VIP's, a quality claim.
  Must(*shop, Registered("AS-A", "普通客户", "不喜欢", false, "2026-11-07T09:00:00+08:00"));
  Must(*shop, Registered("AS-B", "VIP熊", "不喜欢", false, "2026-11-07T10:00:00+08:00"));
  Must(*shop, Registered("AS-C", "普通客户", "不喜欢", true, "2026-11-07T08:00:00+08:00"));
  // A callback promised to a regular buyer.
  Must(*shop, Reply("普通客户2", "c-1", "小王", "2026-11-07T12:00:00+08:00"));
  const std::vector<WorkItem> list = shop->WorkList();
  ASSERT_FALSE(list.empty());
  for (size_t i = 1; i < list.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_GE(list[i - 1].priority, list[i].priority);
    if (list[i - 1].priority == list[i].priority) {
      EXPECT_LE(list[i - 1].due, list[i].due);
    }
  }
  // VIP after-sales (30 + 25) before the quality claim (10 + 30) before the
  // regular after-sales ticket (10 + 25) before the callback (10 + 15).
  EXPECT_EQ(list.front().entity, "AS-B");
  EXPECT_EQ(list.front().customer_level, "vip");
  EXPECT_EQ(list.front().category, "after_sales");
  EXPECT_EQ(list.front().agent, "小王");  // the ticket's owner
  EXPECT_EQ(list.front().priority, 55);
  std::vector<std::string> order;
  for (const WorkItem& w : list) {
    if (order.empty() || order.back() != w.entity) order.push_back(w.entity);
  }
  EXPECT_THAT(order, ::testing::ElementsAre("AS-B", "AS-C", "AS-A", "普通客户2"));
  EXPECT_EQ(list.back().category, "callback");
  EXPECT_EQ(list.back().rule, "PH-CALLBACK");
  EXPECT_EQ(list.back().due, At("2026-11-07T12:30:00+08:00"));
  // Ties by due time: AS-B's two deadlines (AS-RESOLVE, AS-TRACK) come in
  // due order.
  ASSERT_GE(list.size(), 2u);
  EXPECT_EQ(list[0].entity, list[1].entity);
  EXPECT_LE(list[0].due, list[1].due);
}

TEST(ShopTriage, ACategoryTheTableListsIsTheTicketsOwn) {
  ShopOptions o;
  o.team_policies.triage.categories.push_back({"运输破损", 100});
  auto shop = Shop::Create(o).value();
  Must(*shop, Registered("AS-D", "开心的小熊", "不喜欢"));
  Must(*shop, Registered("AS-E", "开心的小熊", "运输破损"));
  const std::vector<WorkItem> list = shop->WorkList();
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list.front().entity, "AS-E");
  EXPECT_EQ(list.front().category, "运输破损");
  EXPECT_EQ(list.front().priority, 110);
}

TEST(ShopTriage, NextWorkItemIsTheAgentsOrNobodysBestItem) {
  ShopOptions o = WithRoster();
  o.team_policies.triage.customers = {{"VIP熊", "vip"}};
  auto shop = Shop::Create(o).value();
  EXPECT_FALSE(shop->NextWorkItem("小王").has_value());
  Must(*shop, Registered("AS-F", "普通客户"));
  Must(*shop, Reply("VIP熊", "c-1", "小李", "2026-11-07T12:00:00+08:00"));
  // 小王's own ticket; 小李's callback is not his.
  const std::optional<WorkItem> next = shop->NextWorkItem("小王");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->entity, "AS-F");
  const std::optional<WorkItem> li = shop->NextWorkItem("小李");
  ASSERT_TRUE(li.has_value());
  EXPECT_EQ(li->entity, "VIP熊");
  EXPECT_EQ(li->priority, 30 + 15);  // 小李 is on no roster: no level points
  // 王主管 (senior) has nothing of his own.
  EXPECT_FALSE(shop->NextWorkItem("王主管").has_value());
}

}  // namespace
}  // namespace kefu
