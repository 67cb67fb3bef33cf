// The team's rules on their own: targets and carry-over with the seed's
// numbers, the score card, exams, shifts and coverage, triage, reports and
// every role × action pair.
#include "kefu/policies/team_policies.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/policies/review_policies.h"

namespace kefu {
namespace {

using ::testing::HasSubstr;

int64_t Count(const Decision& d, std::string_view name) {
  const Figure* f = d.Find(name);
  return f == nullptr ? -1 : std::get<int64_t>(f->value);
}

// --------------------------------------------------------------- FB-ROLES

TEST(RolePolicy, EveryRoleAndActionPairFollowsTheTable) {
  // FB-ROLES: (role, action) -> allowed, for all 7 × 4 pairs.
  const std::set<std::pair<StaffRole, TeamAction>> allowed = {
      {StaffRole::kSupervisor, TeamAction::kApproveLargeRefund},
      {StaffRole::kManager, TeamAction::kApproveLargeRefund},
      {StaffRole::kSupervisor, TeamAction::kOverrideContactLimit},
      {StaffRole::kManager, TeamAction::kOverrideContactLimit},
      {StaffRole::kSupervisor, TeamAction::kApproveShiftSwap},
      {StaffRole::kManager, TeamAction::kApproveShiftSwap},
      {StaffRole::kSupervisor, TeamAction::kChangeScore},
      {StaffRole::kManager, TeamAction::kChangeScore},
      {StaffRole::kQcInspector, TeamAction::kChangeScore},
  };
  const RolePolicy p;
  for (int r = 0; r < kStaffRoleCount; ++r) {
    for (int a = 0; a < kTeamActionCount; ++a) {
      const auto role = static_cast<StaffRole>(r);
      const auto action = static_cast<TeamAction>(a);
      const bool expect = allowed.count({role, action}) > 0;
      SCOPED_TRACE(std::string(StaffRoleName(role)) + " " + std::string(TeamActionName(action)));
      EXPECT_EQ(p.May(role, action), expect);
      const std::optional<Decision> no = p.Refusal(role, action);
      EXPECT_EQ(no.has_value(), !expect);
      if (no) {
        EXPECT_EQ(no->rule, "FB-ROLES");
        EXPECT_EQ(no->verdict, Verdict::kRefused);
      }
    }
  }
}

TEST(RolePolicy, NamesAreStableAndTermsAreBilingual) {
  EXPECT_EQ(StaffRoleName(StaffRole::kQcInspector), "qc_inspector");
  EXPECT_EQ(StaffRoleName(StaffRole::kTrainer), "trainer");
  EXPECT_EQ(StaffRoleName(static_cast<StaffRole>(kStaffRoleCount)), "unknown");
  EXPECT_EQ(TeamActionName(static_cast<TeamAction>(kTeamActionCount)), "unknown");
  const Decision no = *RolePolicy{}.Refusal(StaffRole::kTrainer, TeamAction::kApproveShiftSwap);
  EXPECT_EQ(no.Reason(), "培训师无权批准调班");
  EXPECT_EQ(no.Reason(Language::kEn), "a trainer may not approve a shift swap");
}

TEST(RolePolicy, LargeRefundsNeedApproval) {
  const RolePolicy p;
  EXPECT_FALSE(p.NeedsApproval(Money::Yuan(100)));
  EXPECT_TRUE(p.NeedsApproval(Money::Fen(10001)));
}

// FB-ROLES: the roster decides the role an agent acts in.
RolePolicy WithRoster() {
  RolePolicy p;
  p.agents = {{"小王", StaffRole::kAgent, "regular"},
              {"李组长", StaffRole::kTeamLead, "senior"},
              {"王主管", StaffRole::kSupervisor, "senior"}};
  return p;
}

TEST(RolePolicy, TheRosterDecidesTheRoleAndAnUnlistedNameIsAnAgent) {
  const RolePolicy none;
  // Without a roster the event's own role counts.
  EXPECT_EQ(none.RoleOf("小王", StaffRole::kManager), StaffRole::kManager);
  EXPECT_FALSE(none.Check("小王", TeamAction::kOverrideContactLimit, StaffRole::kSupervisor));
  const RolePolicy p = WithRoster();
  EXPECT_EQ(p.RoleOf("王主管"), StaffRole::kSupervisor);
  // A claimed role does not beat the roster.
  EXPECT_EQ(p.RoleOf("小王", StaffRole::kManager), StaffRole::kAgent);
  EXPECT_EQ(p.RoleOf("陌生人", StaffRole::kManager), StaffRole::kAgent);
  ASSERT_NE(p.Find("李组长"), nullptr);
  EXPECT_EQ(p.Find("李组长")->level, "senior");
  EXPECT_EQ(p.Find("李"), nullptr);
  const std::optional<Decision> no =
      p.Check("小王", TeamAction::kOverrideContactLimit, StaffRole::kSupervisor);
  ASSERT_TRUE(no);
  EXPECT_EQ(no->rule, "FB-ROLES");
  EXPECT_EQ(no->Reason(Language::kEn), "小王 (agent) may not override the contact limit");
  EXPECT_FALSE(p.Check("王主管", TeamAction::kOverrideContactLimit));
}

TEST(RolePolicy, ALargeRefundNeedsAnApproverWhoseRosterRoleMayApprove) {
  const RolePolicy none;
  // No roster: nobody is known to approve, so nothing is refused.
  EXPECT_FALSE(none.RefundRefusal(Money::Yuan(5000), "财务", ""));
  const RolePolicy p = WithRoster();
  EXPECT_FALSE(p.RefundRefusal(Money::Yuan(100), "小王", ""));  // not above the limit
  EXPECT_FALSE(p.RefundRefusal(Money::Yuan(500), "小王", "王主管"));
  EXPECT_FALSE(p.RefundRefusal(Money::Yuan(500), "王主管", ""));  // approves its own
  const std::optional<Decision> no = p.RefundRefusal(Money::Yuan(500), "小王", "李组长");
  ASSERT_TRUE(no);
  EXPECT_EQ(no->rule, "FB-ROLES");
  EXPECT_EQ(no->verdict, Verdict::kRefused);
  EXPECT_EQ(no->Reason(), "退款500.00元超过100.00元，须经批准：李组长（组长）无权批准大额退款");
  EXPECT_EQ(no->Reason(Language::kEn),
            "a refund of 500.00 yuan is above 100.00 yuan and needs approval: 李组长 (team lead) "
            "may not approve a large refund");
  EXPECT_TRUE(p.RefundRefusal(Money::Yuan(500), "小王", ""));
}

// ---------------------------------------------------------- KPI targets

TEST(TargetPolicy, MonthIsLastMonthPlusTenAndTwentyFivePercentSplitIntoDays) {
  // KPI-MONTH: 上月订单数+10% (基准), +25% (第二个目标)
  const TargetPolicy p;
  auto m = p.MonthTarget(2600, 30);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->base, 2860);
  EXPECT_EQ(m->stretch, 3250);
  EXPECT_EQ(m->daily, 96);  // 2860 / 30 = 95.3, rounded up
  EXPECT_EQ(m->weekly, 672);
  const Decision d = p.MonthSet(2600, *m);
  EXPECT_EQ(d.rule, "KPI-MONTH");
  EXPECT_EQ(Count(d, "stretch"), 3250);
  // The seed's 94 a day (658 a week) comes from a month of 2,913 base orders.
  auto seed = p.MonthTarget(2648, 31);
  ASSERT_TRUE(seed.ok());
  EXPECT_EQ(seed->base, 2913);
  EXPECT_EQ(seed->daily, 94);
  EXPECT_EQ(seed->weekly, 658);
  EXPECT_EQ(p.MonthTarget(-1, 30).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.MonthTarget(100, 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(TargetPolicy, AWeeksShortfallIsCarriedExactlyAsTheSeedSays) {
  // KPI-CARRY: 6.1-6.7号订单总数571张，差87张，这周658+87=745 每天要完成107张
  const TargetPolicy p;
  const TargetPolicy::Week w = p.NextWeek(658, 658, 571);
  EXPECT_EQ(w.carried, 87);
  EXPECT_EQ(w.quota, 745);
  EXPECT_EQ(w.daily, 107);
  EXPECT_EQ(p.WeekSet(571, w).Reason(), "上周完成571单，差87单：本周目标745单，每天107单");
  // A week that meets its quota carries nothing; a carried quota carries on.
  EXPECT_EQ(p.NextWeek(658, 745, 800).quota, 658);
  EXPECT_EQ(p.NextWeek(658, 745, 700).carried, 45);
  TargetPolicy off;
  off.carry_shortfall = false;
  EXPECT_EQ(off.NextWeek(658, 658, 571).quota, 658);
}

TEST(TargetPolicy, TheDaysQuotaReachedIsAnnouncedOnce) {
  // KPI-DAY-DONE: 接到94张单，就在群里发个大大的信息
  const TargetPolicy p;
  EXPECT_FALSE(p.DayDone(93, 94, false).has_value());
  const std::optional<Ruling> done = p.DayDone(94, 94, false);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->decisions.at(0).rule, "KPI-DAY-DONE");
  EXPECT_EQ(done->actions.at(0).assignee, "team");
  EXPECT_THAT(done->actions.at(0).Describe(), HasSubstr("94"));
  EXPECT_FALSE(p.DayDone(95, 94, true).has_value());
  EXPECT_FALSE(p.DayDone(5, 0, false).has_value());
}

// ------------------------------------------------------ KPI-SCORE, KPI-EXAM

TEST(ScoreCardPolicy, TheSeedsWeightsAddUpToNinety) {
  // KPI-SCORE: 20 (10+10) + 20 + 20 + 20 (5+5+10) + 10 (4+6) = 90
  const ScoreCardPolicy p;
  EXPECT_EQ(p.Total(), 90);
  EXPECT_EQ(p.Weight(ScorePart::kAfterSalesCost), 10);
  EXPECT_EQ(p.Weight(ScorePart::kNewProductPitch), 6);
  EXPECT_EQ(*p.Measured(ScorePart::kAfterSalesRecord, 9, 10), 5);  // 4.5 rounds up
  EXPECT_EQ(*p.Measured(ScorePart::kAfterSalesRecord, 7, 10), 4);  // 3.5 rounds up
  EXPECT_EQ(*p.Measured(ScorePart::kAfterSalesCost, 0, 4), 0);
  EXPECT_EQ(*p.Measured(ScorePart::kAfterSalesSpeed, 0, 0), 5);
  EXPECT_EQ(p.Measured(ScorePart::kAfterSalesSpeed, 3, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(p.CheckJudged(ScorePart::kAttitude, 20).ok());
  const absl::Status bad = p.CheckJudged(ScorePart::kNewProductKnowledge, 5);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("new_product_knowledge is scored 0..4"));
  EXPECT_EQ(ScorePartTerm(ScorePart::kAttitude).zh, std::string("服务态度"));
}

TEST(ExamPolicy, APassMarkOnAHundredPointScale) {
  // KPI-EXAM: 以满分制为准
  ExamPolicy p;
  EXPECT_EQ(p.Evaluate(60)->verdict, Verdict::kAllowed);
  EXPECT_EQ(p.Evaluate(59)->verdict, Verdict::kRefused);
  EXPECT_EQ(p.Evaluate(101).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.Evaluate(-1).status().code(), absl::StatusCode::kInvalidArgument);
  p.pass_mark = 80;
  EXPECT_EQ(p.Evaluate(79)->Reason(Language::kEn), "exam score 79: failed (pass mark 80)");
}

// ------------------------------------------------------------------- SH

TEST(ShiftPolicy, TheSeedsShifts) {
  // SH-SHIFTS: 早班9:00-18:30, 中班11:30-21:00, 晚班星期二至星期五16:00-24:00
  const ShiftPolicy p;
  ASSERT_NE(p.Find("early"), nullptr);
  EXPECT_EQ(p.Find("early")->end, absl::Hours(18) + absl::Minutes(30));
  EXPECT_EQ(p.Find("middle")->start, absl::Hours(11) + absl::Minutes(30));
  EXPECT_EQ(p.Find("late")->end, absl::Hours(24));
  EXPECT_EQ(p.Find("late")->days.size(), 4u);
  EXPECT_EQ(p.Find("night"), nullptr);
}

TEST(ShiftPolicy, EveryChannelEveryHourOrAGapNamingIt) {
  // SH-COVERAGE: 旺旺, 商城, 53客服都在线
  using absl::Hours;
  ShiftPolicy p;
  std::vector<ShiftPolicy::Staffing> day;
  for (const std::string& c : p.channels) {
    day.push_back({"a", c, Hours(9), Hours(16)});
    day.push_back({"b", c, Hours(15), Hours(24)});
  }
  EXPECT_TRUE(p.Gaps(day).empty());
  // 53客服 left from 16:00 to 17:00.
  day[5].from = Hours(17);
  const std::vector<Decision> gaps = p.Gaps(day);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].rule, "SH-COVERAGE");
  EXPECT_EQ(gaps[0].Reason(), "16点起53客服无人值守");
  EXPECT_EQ(p.Gaps({}).size(), 15u * 3u);
}

TEST(ShiftPolicy, TheNextShiftArrivesTenToFifteenMinutesEarly) {
  // SH-HANDOVER: 提前10-15分钟
  const ShiftPolicy p;
  const ShiftTemplate& middle = *p.Find("middle");
  EXPECT_FALSE(p.Arrival(middle, absl::Hours(11) + absl::Minutes(15)).has_value());
  EXPECT_FALSE(p.Arrival(middle, absl::Hours(11) + absl::Minutes(20)).has_value());
  const std::optional<Decision> late = p.Arrival(middle, absl::Hours(11) + absl::Minutes(25));
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->rule, "SH-HANDOVER");
  EXPECT_EQ(late->Reason(), "中班提前5分钟到岗，应提前10到15分钟");
}

// ------------------------------------------------------ FB-TRIAGE, REPORT

TEST(TriagePolicy, CustomerCategoryAndAgentLevelAddUp) {
  // FB-TRIAGE: 客户等级、问题分类、客服等级
  const TriagePolicy p;
  EXPECT_EQ(p.Priority("vip", "complaint", "senior"), 80);
  EXPECT_EQ(p.Priority("new", "enquiry", "trainee"), -5);
  EXPECT_EQ(p.Priority("unknown", "unknown", "unknown"), 0);
  EXPECT_GT(p.Priority("vip", "quality", "regular"), p.Priority("regular", "quality", "regular"));
}

TEST(TriagePolicy, CustomersHaveTheirListedLevelOrTheDefault) {
  // FB-TRIAGE: 客户等级
  TriagePolicy p;
  p.customers = {{"开心的小熊", "vip"}};
  EXPECT_EQ(p.CustomerLevel("开心的小熊"), "vip");
  EXPECT_EQ(p.CustomerLevel("小明同学"), "regular");
  p.default_customer_level = "new";
  EXPECT_EQ(p.CustomerLevel("小明同学"), "new");
  EXPECT_TRUE(p.HasCategory("after_sales"));
  EXPECT_FALSE(p.HasCategory("质量问题"));
}

TEST(ReportPolicy, SixKindsGoUpward) {
  // FB-REPORT: 六类信息
  for (int i = 0; i < kReportKindCount; ++i) {
    const auto k = static_cast<ReportKind>(i);
    EXPECT_EQ(*ParseReportKind(ReportKindName(k)), k);
  }
  const auto bad = ParseReportKind("gossip");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("customer_feedback"));
  const Ruling r = ReportPolicy{}.Raised(ReportKind::kCompetition, "xiaoli", "对手店铺满100减10");
  EXPECT_EQ(r.decisions.at(0).Reason(), "xiaoli上报：发现竞争对手情况");
  EXPECT_EQ(r.actions.at(0).assignee, "supervisor");
  EXPECT_THAT(r.actions.at(0).Describe(), HasSubstr("满100减10"));
}

TEST(TeamPolicies, DefaultsAreTheCataloguesValues) {
  const TeamPolicies& p = TeamPolicies::Defaults();
  EXPECT_EQ(p.targets.base_growth, Rate::Percent(10));
  EXPECT_EQ(p.targets.stretch_growth, Rate::Percent(25));
  EXPECT_EQ(p.score_card.Total(), 90);
  EXPECT_EQ(p.exam.max_score, 100);
  EXPECT_EQ(p.shifts.arrive_early_min, absl::Minutes(10));
  EXPECT_EQ(p.shifts.channels.size(), 3u);
}

}  // namespace
}  // namespace kefu
