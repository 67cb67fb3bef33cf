// The team entity (issue 20, "entity":"team"): each team event through both
// JSON readers (the simdjson path and the nlohmann-json reference agree on
// events and on errors) and back through FormatEvent; applied through the
// Shop from JSON lines, with the ledger's decisions in the outcome; a
// redelivery is a duplicate; FB-ROLES and SH-HANDOVER refuse swaps and
// scores and change nothing; Save/Load keep the agents' state; the sample
// week's team fills the replay report's sections.
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/events_reference_check.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/team_events.h"
#include "kefu/io/answer_json.h"
#include "kefu/io/events.h"
#include "kefu/io/replay.h"
#include "kefu/io/state_json.h"
#include "sample/sample.h"

namespace kefu {
namespace {

using testing_events::CheckedParse;
using ::testing::HasSubstr;

// One line of each type, canonical (what FormatEvent writes).
const char* const kShiftStarted =
    R"({"id":"s-1","at":"2026-11-21T08:48:00+08:00","agent":"小王","entity":"team","key":"小王","type":"shift_started","fields":{"shift":"early","channels":"旺旺, 商城"}})";
const char* const kSeatLeft =
    R"({"id":"s-2","at":"2026-11-21T12:00:00+08:00","agent":"小王","entity":"team","key":"小王","type":"seat_left","fields":{"handed_over":true,"handed_to":"小李"}})";
const char* const kSeatReturned =
    R"({"id":"s-3","at":"2026-11-21T12:30:00+08:00","agent":"小王","entity":"team","key":"小王","type":"seat_returned"})";
const char* const kSwapped =
    R"({"id":"s-4","at":"2026-11-21T14:00:00+08:00","agent":"小王","entity":"team","key":"小王","type":"shift_swapped","fields":{"day":"2026-11-23","shift":"early","with":"小李","approved_by":"主管老张","approver_role":"supervisor"}})";
const char* const kReported =
    R"({"id":"s-5","at":"2026-11-21T15:00:00+08:00","agent":"小王","entity":"team","key":"小王","type":"reported_upward","fields":{"kind":"competition","summary":"竞店同款保温杯降价10元"}})";
const char* const kExam =
    R"({"id":"s-6","at":"2026-11-21T16:00:00+08:00","agent":"主管老张","entity":"team","key":"小王","type":"exam_taken","fields":{"score":55,"stage":"新品知识"}})";
const char* const kShiftEnded =
    R"({"id":"s-7","at":"2026-11-21T18:35:00+08:00","agent":"小王","entity":"team","key":"小王","type":"shift_ended"})";
const char* const kScored =
    R"({"id":"s-8","at":"2026-11-21T19:00:00+08:00","agent":"主管老张","entity":"team","key":"小王","type":"supervisor_scored","fields":{"part":"attitude","score":18,"role":"supervisor"}})";

std::unique_ptr<Shop> NewShop(ShopOptions options = {}) {
  absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Create(std::move(options));
  EXPECT_TRUE(shop.ok()) << shop.status();
  return *std::move(shop);
}

absl::StatusOr<Outcome> ApplyLine(Shop& shop, const std::string& line) {
  absl::StatusOr<ShopEvent> e = CheckedParse(line);
  if (!e.ok()) return e.status();
  return shop.Apply(*e);
}

Outcome Must(Shop& shop, const std::string& line) {
  absl::StatusOr<Outcome> out = ApplyLine(shop, line);
  EXPECT_TRUE(out.ok()) << out.status() << "\n" << line;
  return out.ok() ? *std::move(out) : Outcome{};
}

// A team line for 小王 with `type` and `fields` ("" for none).
std::string Team(const std::string& id, const std::string& at, const std::string& type,
                 const std::string& fields, const std::string& agent = "小王",
                 const std::string& key = "小王") {
  std::string line = absl::StrCat(R"({"id":")", id, R"(","at":"2026-11-21T)", at,
                                  R"(:00+08:00","agent":")", agent,
                                  R"(","entity":"team","key":")", key, R"(","type":")", type, "\"");
  if (!fields.empty()) absl::StrAppend(&line, R"(,"fields":)", fields);
  return line + "}";
}

ShopOptions WithRoster() {
  ShopOptions o;
  o.team_policies.roles.agents = {{"主管老张", StaffRole::kSupervisor, "senior"},
                                  {"小李", StaffRole::kAgent, "regular"},
                                  {"小王", StaffRole::kAgent, "regular"},
                                  {"质检小周", StaffRole::kQcInspector, "regular"}};
  return o;
}

// ------------------------------------------------------------ the format

TEST(TeamEvents, EachTypeReadsTheSameInBothReadersAndFormatsBack) {
  {
    absl::StatusOr<ShopEvent> e = CheckedParse(kShiftStarted);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(e->kind(), EntityKind::kTeam);
    EXPECT_EQ(e->key, "小王");
    const auto& s = std::get<ShiftStarted>(std::get<TeamEvent>(e->event));
    EXPECT_EQ(s.shift, "early");
    EXPECT_EQ(SplitChannels(s.channels), (std::vector<std::string>{"旺旺", "商城"}));
    EXPECT_EQ(FormatEvent(*e), kShiftStarted);
  }
  {
    absl::StatusOr<ShopEvent> e = CheckedParse(kSeatLeft);
    ASSERT_TRUE(e.ok()) << e.status();
    const auto& s = std::get<SeatLeft>(std::get<TeamEvent>(e->event));
    EXPECT_TRUE(s.handed_over);
    EXPECT_EQ(s.handed_to, "小李");
    EXPECT_EQ(FormatEvent(*e), kSeatLeft);
  }
  {
    absl::StatusOr<ShopEvent> e = CheckedParse(kSwapped);
    ASSERT_TRUE(e.ok()) << e.status();
    const auto& s = std::get<ShiftSwapped>(std::get<TeamEvent>(e->event));
    EXPECT_EQ(s.day, "2026-11-23");
    EXPECT_EQ(s.with, "小李");
    EXPECT_EQ(s.approved_by, "主管老张");
    EXPECT_EQ(s.approver_role, StaffRole::kSupervisor);
    EXPECT_EQ(FormatEvent(*e), kSwapped);
  }
  {
    absl::StatusOr<ShopEvent> e = CheckedParse(kScored);
    ASSERT_TRUE(e.ok()) << e.status();
    const auto& s = std::get<SupervisorScored>(std::get<TeamEvent>(e->event));
    EXPECT_EQ(s.part, ScorePart::kAttitude);
    EXPECT_EQ(s.score, 18);
    EXPECT_EQ(s.role, StaffRole::kSupervisor);
    EXPECT_EQ(MetaOf(*e).agent, "主管老张");
    EXPECT_EQ(FormatEvent(*e), kScored);
  }
  {
    absl::StatusOr<ShopEvent> e = CheckedParse(kExam);
    ASSERT_TRUE(e.ok()) << e.status();
    const auto& s = std::get<ExamTaken>(std::get<TeamEvent>(e->event));
    EXPECT_EQ(s.score, 55);
    EXPECT_EQ(s.stage, "新品知识");
    EXPECT_EQ(FormatEvent(*e), kExam);
  }
  {
    absl::StatusOr<ShopEvent> e = CheckedParse(kReported);
    ASSERT_TRUE(e.ok()) << e.status();
    const auto& s = std::get<ReportedUpward>(std::get<TeamEvent>(e->event));
    EXPECT_EQ(s.kind, ReportKind::kCompetition);
    EXPECT_EQ(s.summary, "竞店同款保温杯降价10元");
    EXPECT_EQ(FormatEvent(*e), kReported);
  }
  for (const char* line : {kSeatReturned, kShiftEnded}) {
    absl::StatusOr<ShopEvent> e = CheckedParse(line);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(FormatEvent(*e), line);
  }
  // The whole event set survives a second trip.
  for (const char* line : {kShiftStarted, kSeatLeft, kSeatReturned, kSwapped, kReported, kExam,
                           kShiftEnded, kScored}) {
    absl::StatusOr<ShopEvent> e = CheckedParse(line);
    ASSERT_TRUE(e.ok());
    absl::StatusOr<ShopEvent> again = CheckedParse(FormatEvent(*e));
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(FormatEvent(*again), line);
  }
}

TEST(TeamEvents, ErrorsAreWordedAlikeByBothReadersAndNameTheField) {
  struct Case {
    std::string line;
    std::string says;
  };
  const std::vector<Case> cases = {
      {Team("e-1", "09:00", "shift_started", R"({"channels":"旺旺"})"), "fields.shift"},
      {Team("e-2", "09:00", "shift_started", R"({"shift":"early"})"), "fields.channels"},
      {Team("e-3", "09:00", "shift_begun", R"({"shift":"early"})"), "unknown team event type"},
      {Team("e-4", "09:00", "seat_left", R"({"handed_over":"yes"})"), "fields.handed_over"},
      {Team("e-5", "09:00", "shift_swapped", R"({"day":"2026-11-23","shift":"early"})"),
       "fields.with"},
      {Team("e-6", "09:00", "shift_swapped",
            R"({"day":"2026-11-23","shift":"early","with":"小李","approver_role":"boss"})"),
       "fields.approver_role"},
      {Team("e-7", "09:00", "supervisor_scored", R"({"part":"looks","score":3})"),
       "fields.part"},
      {Team("e-8", "09:00", "supervisor_scored", R"({"part":"attitude","score":"3"})"),
       "fields.score"},
      {Team("e-9", "09:00", "supervisor_scored", R"({"part":"attitude"})"), "fields.score"},
      {Team("e-10", "09:00", "exam_taken", R"({"score":1.5})"), "fields.score"},
      {Team("e-11", "09:00", "reported_upward", R"({"kind":"gossip","summary":"x"})"),
       "fields.kind"},
      {Team("e-12", "09:00", "reported_upward", R"({"kind":"competition"})"), "fields.summary"},
      {R"({"id":"e-13","at":"2026-11-21T09:00:00+08:00","entity":"staff","key":"小王","type":"shift_ended"})",
       "one of: order, ticket, review, reply, team"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    absl::StatusOr<ShopEvent> e = CheckedParse(c.line, 7);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(e.status().message()), HasSubstr("line 7: "));
    EXPECT_THAT(std::string(e.status().message()), HasSubstr(c.says));
  }
}

// ------------------------------------------------------------- the shop

// Every type from JSON lines through Shop::Apply: the entity's state and
// data, the ledger's numbers and the outcome's decisions.
TEST(TeamThroughTheShop, EachEventAppliesAndFeedsTheLedger) {
  std::unique_ptr<Shop> shop = NewShop();
  EXPECT_FALSE(shop->FindTeamMember("小王").has_value());
  EXPECT_EQ(shop->CountStates().size(), 3u);  // no team entity yet

  Outcome o = Must(*shop, kShiftStarted);  // 12 minutes early: on time
  EXPECT_TRUE(o.decisions.empty());
  EXPECT_FALSE(o.audit.refused);
  EXPECT_EQ(o.audit.state_before, "off_shift");
  EXPECT_EQ(o.audit.state_after, "on_shift");
  EXPECT_EQ(shop->FindTeamMember("小王")->state, "on_shift");
  EXPECT_EQ(shop->FindTeamMember("小王")->data.shift, "early");

  o = Must(*shop, kSeatLeft);  // handed over: no finding
  EXPECT_TRUE(o.decisions.empty());
  std::optional<TeamMemberState> m = shop->FindTeamMember("小王");
  EXPECT_EQ(m->state, "away");
  EXPECT_EQ(m->data.handed_to, "小李");
  EXPECT_EQ(m->data.seats_left, 1);
  EXPECT_EQ(m->data.left_unhanded, 0);

  Must(*shop, kSeatReturned);
  EXPECT_EQ(shop->FindTeamMember("小王")->state, "on_shift");

  o = Must(*shop, kSwapped);
  ASSERT_EQ(o.decisions.size(), 1u);
  EXPECT_EQ(o.decisions[0].rule, "SH-HANDOVER");
  EXPECT_EQ(o.decisions[0].verdict, Verdict::kAllowed);
  EXPECT_EQ(o.decisions[0].Reason(Language::kEn),
            "小王's early shift of 2026-11-23 goes to 小李, approved beforehand by 主管老张");
  ASSERT_EQ(shop->FindTeamMember("小王")->data.swaps.size(), 1u);
  EXPECT_EQ(shop->FindTeamMember("小王")->data.swaps[0].with, "小李");

  o = Must(*shop, kReported);  // FB-REPORT: escalated to the supervisor
  ASSERT_NE(o.Find("FB-REPORT"), nullptr);
  EXPECT_EQ(o.Find("FB-REPORT")->verdict, Verdict::kScheduled);
  ASSERT_EQ(o.actions.size(), 1u);
  EXPECT_EQ(o.actions[0].assignee, "supervisor");

  o = Must(*shop, kExam);  // 55 fails: a finding; the event applies
  ASSERT_NE(o.Find("KPI-EXAM"), nullptr);
  EXPECT_EQ(o.Find("KPI-EXAM")->verdict, Verdict::kRefused);
  EXPECT_FALSE(o.audit.refused);

  Must(*shop, kShiftEnded);
  EXPECT_EQ(shop->FindTeamMember("小王")->state, "off_shift");
  ASSERT_EQ(shop->CountStates().size(), 4u);
  EXPECT_EQ(shop->CountStates()[3].by_state.at("off_shift"), 1);
  EXPECT_EQ(shop->FindTeamMember("小王")->data.shift, "");

  o = Must(*shop, kScored);
  ASSERT_NE(o.Find("KPI-SCORE"), nullptr);
  EXPECT_EQ(o.Find("KPI-SCORE")->verdict, Verdict::kAllowed);

  const TeamLedger team = shop->Team();
  const ScoreCard card = team.Card("小王", absl::CivilMonth(2026, 11));
  EXPECT_EQ(card.parts[static_cast<size_t>(ScorePart::kAttitude)], 18);
  EXPECT_EQ(card.exam, 55);
  EXPECT_FALSE(card.exam_passed);
  const std::vector<TeamReport> reports =
      team.ReportsBetween(absl::InfinitePast(), absl::InfiniteFuture());
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].from, "小王");
  EXPECT_EQ(reports[0].kind, ReportKind::kCompetition);
  // The day was staffed: 旺旺 and 商城 from 08:48, but not 53客服 and not
  // after 18:35, nor while away (12:00-12:30 counts as staffed by nobody).
  EXPECT_EQ(team.StaffedDays(), (std::vector<LocalDay>{LocalDay(2026, 11, 21)}));
  bool gap_53 = false;
  for (const Decision& d : team.CoverageGaps(LocalDay(2026, 11, 21))) {
    const Figure* channel = d.Find("channel");
    if (channel != nullptr && std::get<std::string>(channel->value) == "53客服") gap_53 = true;
  }
  EXPECT_TRUE(gap_53);
  EXPECT_TRUE(team.ShiftFindings().empty());
  const TeamMemberData d = shop->FindTeamMember("小王")->data;  // a copy: the optional is a temporary
  EXPECT_EQ(d.shifts, 1);
  EXPECT_EQ(d.scores, 1);  // parts of his card scored
  EXPECT_EQ(d.exams, 1);
  EXPECT_EQ(d.reports, 1);
}

// SH-HANDOVER's late arrival and SH-COVERAGE's seat left without a handover
// are findings of applied events, counted on the agent.
TEST(TeamThroughTheShop, ALateArrivalAndAnUnhandedSeatAreFindings) {
  std::unique_ptr<Shop> shop = NewShop();
  Outcome o = Must(*shop, Team("l-1", "09:05", "shift_started",
                               R"({"shift":"early","channels":"旺旺,商城,53客服"})"));
  ASSERT_NE(o.Find("SH-HANDOVER"), nullptr);
  EXPECT_EQ(o.Find("SH-HANDOVER")->verdict, Verdict::kRefused);
  EXPECT_EQ(o.Find("SH-HANDOVER")->Reason(), "早班迟到5分钟，应提前10到15分钟到岗");
  EXPECT_EQ(o.Find("SH-HANDOVER")->Reason(Language::kEn),
            "early shift: arrived 5 minutes late; the handover needs 10 to 15 minutes early");
  EXPECT_FALSE(o.audit.refused);
  EXPECT_EQ(shop->FindTeamMember("小王")->state, "on_shift");
  o = Must(*shop, Team("l-2", "12:00", "seat_left", ""));
  ASSERT_NE(o.Find("SH-COVERAGE"), nullptr);
  EXPECT_THAT(o.Find("SH-COVERAGE")->Reason(), HasSubstr("旺旺、商城、53客服"));
  EXPECT_FALSE(o.audit.refused);
  const TeamMemberData d = shop->FindTeamMember("小王")->data;
  EXPECT_EQ(d.late_arrivals, 1);
  EXPECT_EQ(d.left_unhanded, 1);
  EXPECT_EQ(shop->Team().ShiftFindings().size(), 2u);
}

// A host keeping each agent in a row of its own: the member's whole
// snapshot (state, data, the log of both events) from the shop, written as
// state JSON and read back unchanged.
TEST(TeamThroughTheShop, AMembersSnapshotComesFromTheShopAndRoundTripsAsJson) {
  std::unique_ptr<Shop> shop = NewShop();
  EXPECT_FALSE(shop->TeamMemberSnapshotOf("小王").has_value());
  Must(*shop, kShiftStarted);
  Must(*shop, kReported);
  const std::optional<TeamMemberSnapshot> snap = shop->TeamMemberSnapshotOf("小王");
  ASSERT_TRUE(snap.has_value());
  const TeamMemberState m = *shop->FindTeamMember("小王");
  EXPECT_EQ(snap->state, m.state);
  EXPECT_EQ(snap->data, m.data);
  EXPECT_EQ(snap->applied.size(), 2u);
  absl::StatusOr<TeamMemberSnapshot> back = TeamMemberSnapshotFromJson(SnapshotToJson(*snap));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, *snap);
  EXPECT_FALSE(shop->TeamMemberSnapshotOf("小李").has_value());
}

// The same id again is the same outcome, marked duplicate, and counts
// nothing twice; the same id with other content is kAlreadyExists.
TEST(TeamThroughTheShop, ARedeliveryIsADuplicateAndChangesNothing) {
  std::unique_ptr<Shop> shop = NewShop();
  Must(*shop, kShiftStarted);
  const Outcome first = Must(*shop, kReported);
  const std::string ledger = shop->Team().SaveState();
  const std::string saved = shop->Save();
  const Outcome again = Must(*shop, kReported);
  EXPECT_TRUE(again.audit.duplicate);
  EXPECT_EQ(again.decisions, first.decisions);
  EXPECT_EQ(shop->Team().SaveState(), ledger);
  EXPECT_EQ(shop->Save(), saved);
  EXPECT_TRUE(Must(*shop, kShiftStarted).audit.duplicate);
  EXPECT_EQ(shop->FindTeamMember("小王")->data.shifts, 1);
  // Other content under the same id.
  absl::StatusOr<Outcome> changed = ApplyLine(
      *shop, Team("s-5", "15:00", "reported_upward", R"({"kind":"competition","summary":"另一件事"})"));
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(changed.status().message()), HasSubstr("fields.summary"));
  // An id another entity used.
  absl::StatusOr<Outcome> elsewhere = ApplyLine(
      *shop, Team("s-5", "15:00", "reported_upward", R"({"kind":"competition","summary":"竞店同款保温杯降价10元"})",
                  "小李", "小李"));
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(shop->Save(), saved);
}

// FB-ROLES with a roster: a swap approved by an agent (whatever role it
// claims) and a score given by one are refused, change nothing (entity,
// ledger, save) and are remembered as refusals; the roster's supervisor
// and QC inspector may.
TEST(TeamThroughTheShop, FbRolesRefusesASwapOrAScoreByARoleThatMayNot) {
  std::unique_ptr<Shop> shop = NewShop(WithRoster());
  Must(*shop, kShiftStarted);
  const std::string saved = shop->Save();
  const std::string swap_by_li = Team(
      "r-1", "10:00", "shift_swapped",
      R"({"day":"2026-11-23","shift":"early","with":"小李","approved_by":"小李","approver_role":"manager"})");
  Outcome o = Must(*shop, swap_by_li);
  ASSERT_TRUE(o.audit.refused);
  ASSERT_NE(o.Find("FB-ROLES"), nullptr);
  EXPECT_EQ(o.Find("FB-ROLES")->Reason(Language::kEn), "小李 (agent) may not approve a shift swap");
  EXPECT_TRUE(shop->FindTeamMember("小王")->data.swaps.empty());
  const std::string score_by_li = Team("r-2", "10:05", "supervisor_scored",
                                       R"({"part":"sales_skill","score":20,"role":"supervisor"})",
                                       "小李");
  o = Must(*shop, score_by_li);
  ASSERT_TRUE(o.audit.refused);
  ASSERT_NE(o.Find("FB-ROLES"), nullptr);
  EXPECT_EQ(o.Find("FB-ROLES")->Reason(Language::kEn), "小李 (agent) may not change a score");
  EXPECT_FALSE(shop->Team()
                   .Card("小王", absl::CivilMonth(2026, 11))
                   .parts[static_cast<size_t>(ScorePart::kSalesSkill)]
                   .has_value());
  EXPECT_TRUE(shop->Team().Cards().empty());
  EXPECT_EQ(shop->FindTeamMember("小王")->data.scores, 0);
  // The refusals are remembered: the same lines again are duplicates.
  EXPECT_TRUE(Must(*shop, swap_by_li).audit.duplicate);
  EXPECT_TRUE(Must(*shop, score_by_li).audit.refused);
  // The roster's supervisor approves, its QC inspector scores.
  o = Must(*shop, Team("r-3", "10:10", "shift_swapped",
                       R"({"day":"2026-11-23","shift":"early","with":"小李","approved_by":"主管老张"})"));
  EXPECT_FALSE(o.audit.refused);
  EXPECT_EQ(shop->FindTeamMember("小王")->data.swaps.size(), 1u);
  o = Must(*shop, Team("r-4", "10:15", "supervisor_scored", R"({"part":"sales_skill","score":17})",
                       "质检小周"));
  EXPECT_FALSE(o.audit.refused);
  EXPECT_EQ(shop->Team()
                .Card("小王", absl::CivilMonth(2026, 11))
                .parts[static_cast<size_t>(ScorePart::kSalesSkill)],
            17);
  EXPECT_NE(shop->Save(), saved);
}

// FB-ROLES by the rules in force: after ReplacePolicies lets trainers
// change a score (and no longer QC inspectors), a trainer's score is taken
// and a QC inspector's refused, though the ledger was made with the old
// table.
TEST(TeamThroughTheShop, ScoresAreJudgedByTheRolesInForce) {
  ShopOptions options = WithRoster();
  std::unique_ptr<Shop> shop = NewShop(options);
  options.team_policies.roles.agents.push_back({"培训师小吴", StaffRole::kTrainer, "senior"});
  options.team_policies.roles.change_score = {StaffRole::kTrainer};
  ASSERT_TRUE(shop->ReplacePolicies(options).ok());
  Outcome o = Must(*shop, Team("n-1", "10:00", "supervisor_scored",
                               R"({"part":"new_product_knowledge","score":3})", "培训师小吴"));
  EXPECT_FALSE(o.audit.refused);
  EXPECT_EQ(shop->Team()
                .Card("小王", absl::CivilMonth(2026, 11))
                .parts[static_cast<size_t>(ScorePart::kNewProductKnowledge)],
            3);
  o = Must(*shop, Team("n-2", "10:05", "supervisor_scored",
                       R"({"part":"new_product_knowledge","score":4})", "质检小周"));
  EXPECT_TRUE(o.audit.refused);
  EXPECT_NE(o.Find("FB-ROLES"), nullptr);
  EXPECT_EQ(shop->Team()
                .Card("小王", absl::CivilMonth(2026, 11))
                .parts[static_cast<size_t>(ScorePart::kNewProductKnowledge)],
            3);
}

// SH-HANDOVER: a swap needs an approver, and the approval beforehand (on or
// before the day swapped); otherwise it is refused and changes nothing.
TEST(TeamThroughTheShop, ASwapWithoutApprovalBeforehandIsRefused) {
  std::unique_ptr<Shop> shop = NewShop();
  Outcome o = Must(*shop, Team("h-1", "10:00", "shift_swapped",
                               R"({"day":"2026-11-23","shift":"early","with":"小李"})"));
  ASSERT_TRUE(o.audit.refused);
  ASSERT_NE(o.Find("SH-HANDOVER"), nullptr);
  EXPECT_THAT(o.Find("SH-HANDOVER")->Reason(Language::kEn), HasSubstr("without approval"));
  o = Must(*shop, Team("h-2", "10:05", "shift_swapped",
                       R"({"day":"2026-11-20","shift":"early","with":"小李","approved_by":"主管老张","approver_role":"supervisor"})"));
  ASSERT_TRUE(o.audit.refused);
  EXPECT_THAT(o.Find("SH-HANDOVER")->Reason(Language::kEn), HasSubstr("approved after the day"));
  // Without a roster the approver's own role counts: an agent may not.
  o = Must(*shop, Team("h-3", "10:10", "shift_swapped",
                       R"({"day":"2026-11-21","shift":"early","with":"小李","approved_by":"小张"})"));
  ASSERT_TRUE(o.audit.refused);
  EXPECT_NE(o.Find("FB-ROLES"), nullptr);
  EXPECT_TRUE(shop->FindTeamMember("小王")->data.swaps.empty());
  // The same day, approved by a supervisor: allowed.
  o = Must(*shop, Team("h-4", "10:15", "shift_swapped",
                       R"({"day":"2026-11-21","shift":"early","with":"小李","approved_by":"主管老张","approver_role":"supervisor"})"));
  EXPECT_FALSE(o.audit.refused);
  EXPECT_EQ(shop->FindTeamMember("小王")->data.swaps.size(), 1u);
}

// SH-SHIFTS: a late shift (Tuesday to Friday) started on a Saturday is a
// finding in the outcome and in the ledger's shift findings; the agent is
// at work all the same (on shift, the shift counted). Started on a
// Tuesday, no such finding.
TEST(TeamThroughTheShop, AShiftStartedOnADayItDoesNotRunIsAnSHShiftsFinding) {
  std::unique_ptr<Shop> shop = NewShop();
  // 2026-11-21 is a Saturday.
  Outcome o = Must(*shop, Team("l-1", "15:50", "shift_started", R"({"shift":"late","channels":"旺旺"})"));
  const Decision* d = o.Find("SH-SHIFTS");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kRefused);
  EXPECT_EQ(d->Reason(Language::kEn),
            "小王 started the late shift on 2026-11-21, a Saturday: that shift runs on Tuesday, "
            "Wednesday, Thursday, Friday only");
  EXPECT_THAT(d->Reason(Language::kZh), HasSubstr("星期六"));
  EXPECT_FALSE(o.audit.refused);
  EXPECT_EQ(o.audit.state_after, "on_shift");
  EXPECT_EQ(shop->FindTeamMember("小王")->data.shifts, 1);
  // The ledger keeps it with the other shift findings (the replay report's).
  const std::vector<std::pair<Timestamp, Decision>> findings = shop->Team().ShiftFindings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].second.rule, "SH-SHIFTS");
  EXPECT_EQ(findings[0].second.Reason(Language::kEn), d->Reason(Language::kEn));
  Must(*shop, Team("l-2", "23:59", "shift_ended", ""));
  // 2026-11-24, a Tuesday.
  o = Must(*shop,
           R"({"id":"l-3","at":"2026-11-24T15:50:00+08:00","agent":"小王","entity":"team","key":"小王","type":"shift_started","fields":{"shift":"late","channels":"旺旺"}})");
  EXPECT_EQ(o.Find("SH-SHIFTS"), nullptr);
  EXPECT_EQ(shop->FindTeamMember("小王")->data.shifts, 2);
}

// SH-SHIFTS: the late shift runs Tuesday to Friday only; a swap of it on a
// Monday or a Saturday is refused by SH-SHIFTS (approved beforehand by a
// supervisor or not) and changes nothing: not the entity's state or data,
// not the ledger (the refusal is only remembered in the log, as every
// refusal). The same swap on a Tuesday and on a Friday is taken; an early
// shift (every day) swaps on a Monday.
TEST(TeamThroughTheShop, ASwapOfAShiftOnADayItDoesNotRunIsRefusedBySHShifts) {
  std::unique_ptr<Shop> shop = NewShop();
  Must(*shop, kShiftStarted);
  const TeamMemberState before = *shop->FindTeamMember("小王");
  const std::string ledger = shop->Team().SaveState();
  const auto unchanged = [&]() {
    const TeamMemberState now = *shop->FindTeamMember("小王");
    return now.state == before.state && now.data == before.data &&
           shop->Team().SaveState() == ledger;
  };
  const auto swap_line = [](const std::string& id, const std::string& at, const std::string& day,
                       const std::string& shift) {
    return Team(id, at, "shift_swapped",
                absl::StrCat(R"({"day":")", day, R"(","shift":")", shift,
                             R"(","with":"小李","approved_by":"主管老张","approver_role":"supervisor"})"));
  };
  for (const auto& [id, day, weekday] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"w-1", "2026-11-23", "Monday"}, {"w-2", "2026-11-28", "Saturday"}}) {
    Outcome o = Must(*shop, swap_line(id, "10:00", day, "late"));
    ASSERT_TRUE(o.audit.refused) << day;
    const Decision* d = o.Find("SH-SHIFTS");
    ASSERT_NE(d, nullptr) << day;
    EXPECT_EQ(d->verdict, Verdict::kRefused);
    EXPECT_EQ(o.Find("SH-HANDOVER"), nullptr);
    EXPECT_EQ(o.Find("FB-ROLES"), nullptr);
    EXPECT_EQ(d->Reason(Language::kEn),
              absl::StrCat("小王's late shift of ", day,
                           " swapped with 小李: that shift runs on Tuesday, Wednesday, Thursday, "
                           "Friday only, and ",
                           day, " is a ", weekday));
    EXPECT_THAT(d->Reason(Language::kZh), HasSubstr("星期二"));
    EXPECT_EQ(o.audit.state_after, "on_shift");
    EXPECT_TRUE(shop->FindTeamMember("小王")->data.swaps.empty());
    EXPECT_TRUE(unchanged()) << "the refused swap " << id << " changed the team";
    // The refusal is remembered: the same line again is its duplicate.
    Outcome again = Must(*shop, swap_line(id, "10:00", day, "late"));
    EXPECT_TRUE(again.audit.duplicate);
    EXPECT_TRUE(again.audit.refused);
  }
  // Without approval as well: SH-SHIFTS speaks first (there is no such shift).
  Outcome o = Must(*shop, Team("w-3", "10:05", "shift_swapped",
                               R"({"day":"2026-11-23","shift":"late","with":"小李"})"));
  ASSERT_TRUE(o.audit.refused);
  EXPECT_NE(o.Find("SH-SHIFTS"), nullptr);
  EXPECT_TRUE(unchanged());
  // A day the shift runs: taken.
  o = Must(*shop, swap_line("w-4", "10:10", "2026-11-24", "late"));
  EXPECT_FALSE(o.audit.refused);
  EXPECT_EQ(o.Find("SH-SHIFTS"), nullptr);
  ASSERT_NE(o.Find("SH-HANDOVER"), nullptr);
  EXPECT_EQ(o.Find("SH-HANDOVER")->verdict, Verdict::kAllowed);
  o = Must(*shop, swap_line("w-5", "10:15", "2026-11-27", "late"));
  EXPECT_FALSE(o.audit.refused);
  o = Must(*shop, swap_line("w-6", "10:20", "2026-11-23", "early"));
  EXPECT_FALSE(o.audit.refused);
  const TeamMemberData d = shop->FindTeamMember("小王")->data;  // a copy: the optional is a temporary
  ASSERT_EQ(d.swaps.size(), 3u);
  EXPECT_EQ(d.swaps[0].day, "2026-11-24");
  EXPECT_EQ(d.swaps[1].day, "2026-11-27");
  EXPECT_EQ(d.swaps[2].shift, "early");
}

// Errors change nothing: a payload the ledger does not take, or a state
// that does not take the event.
TEST(TeamThroughTheShop, ErrorsChangeNothing) {
  std::unique_ptr<Shop> shop = NewShop();
  const std::string saved = shop->Save();
  struct Case {
    std::string line;
    absl::StatusCode code;
  };
  const std::vector<Case> fresh = {
      {Team("x-1", "09:00", "shift_started", R"({"shift":"night","channels":"旺旺"})"),
       absl::StatusCode::kInvalidArgument},
      {Team("x-2", "09:00", "shift_started", R"({"shift":"early","channels":" , "})"),
       absl::StatusCode::kInvalidArgument},
      {Team("x-3", "09:00", "seat_left", ""), absl::StatusCode::kFailedPrecondition},
      {Team("x-4", "09:00", "seat_returned", ""), absl::StatusCode::kFailedPrecondition},
      {Team("x-5", "09:00", "shift_ended", ""), absl::StatusCode::kFailedPrecondition},
      {Team("x-6", "09:00", "supervisor_scored", R"({"part":"after_sales_cost","score":5,"role":"supervisor"})",
            "主管老张"),
       absl::StatusCode::kInvalidArgument},
      {Team("x-7", "09:00", "supervisor_scored", R"({"part":"attitude","score":21,"role":"supervisor"})",
            "主管老张"),
       absl::StatusCode::kInvalidArgument},
      {Team("x-8", "09:00", "supervisor_scored", R"({"part":"attitude","score":5,"role":"supervisor"})",
            ""),
       absl::StatusCode::kInvalidArgument},
      {Team("x-9", "09:00", "exam_taken", R"({"score":101})"), absl::StatusCode::kInvalidArgument},
      {Team("x-10", "09:00", "reported_upward", R"({"kind":"competition","summary":""})"),
       absl::StatusCode::kInvalidArgument},
      {Team("x-11", "09:00", "shift_swapped", R"({"day":"23/11","shift":"early","with":"小李"})"),
       absl::StatusCode::kInvalidArgument},
      {Team("x-12", "09:00", "shift_swapped", R"({"day":"2026-11-23","shift":"early","with":"小王"})"),
       absl::StatusCode::kInvalidArgument},
  };
  for (const Case& c : fresh) {
    SCOPED_TRACE(c.line);
    absl::StatusOr<Outcome> out = ApplyLine(*shop, c.line);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), c.code) << out.status();
  }
  EXPECT_FALSE(shop->FindTeamMember("小王").has_value());
  EXPECT_EQ(shop->Save(), saved);
  // On a shift: a second start is refused by the state, the shift stays.
  Must(*shop, kShiftStarted);
  const std::string on_shift = shop->Save();
  absl::StatusOr<Outcome> twice = ApplyLine(
      *shop, Team("x-13", "09:10", "shift_started", R"({"shift":"middle","channels":"旺旺"})"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(twice.status().message()), HasSubstr("on_shift"));
  // An event earlier than the agent's last one.
  absl::StatusOr<Outcome> early =
      ApplyLine(*shop, Team("x-14", "08:00", "seat_left", R"({"handed_over":true})"));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(shop->Save(), on_shift);
  EXPECT_EQ(shop->FindTeamMember("小王")->data.shift, "early");
}

// Shop::Save keeps each agent's state, data and log, and the ledger: the
// loaded shop answers a redelivery as a duplicate and goes on.
TEST(TeamThroughTheShop, SaveAndLoadKeepTheTeam) {
  std::unique_ptr<Shop> shop = NewShop();
  for (const char* line : {kShiftStarted, kSeatLeft}) Must(*shop, line);
  Must(*shop, Team("v-1", "12:10", "shift_started", R"({"shift":"early","channels":"53客服"})",
                   "小李", "小李"));
  const std::string saved = shop->Save();
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(saved);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->Save(), saved);
  EXPECT_EQ((*loaded)->Team().SaveState(), shop->Team().SaveState());
  std::optional<TeamMemberState> wang = (*loaded)->FindTeamMember("小王");
  ASSERT_TRUE(wang.has_value());
  EXPECT_EQ(wang->state, "away");
  EXPECT_EQ(wang->data, shop->FindTeamMember("小王")->data);
  EXPECT_EQ((*loaded)->FindTeamMember("小李")->state, "on_shift");
  EXPECT_TRUE(Must(**loaded, kSeatLeft).audit.duplicate);
  const Outcome back = Must(**loaded, kSeatReturned);
  EXPECT_FALSE(back.audit.duplicate);
  EXPECT_EQ((*loaded)->FindTeamMember("小王")->state, "on_shift");
  // The same event on the original: both shops agree.
  Must(*shop, kSeatReturned);
  EXPECT_EQ((*loaded)->Save(), shop->Save());
  // A shop without team entities saves as before (nothing after the ledger).
  std::unique_ptr<Shop> empty = NewShop();
  absl::StatusOr<std::unique_ptr<Shop>> empty_loaded = Shop::Load(empty->Save());
  ASSERT_TRUE(empty_loaded.ok());
  EXPECT_EQ((*empty_loaded)->Save(), empty->Save());
  // Cut inside the team section: data loss (the checksum).
  std::string cut = saved;
  cut.erase(cut.size() - 10, 1);
  EXPECT_EQ(Shop::Load(cut).status().code(), absl::StatusCode::kDataLoss);
}

// A ticket registration by `agent` at `at` (local time on 2026-11-21).
std::string TicketLine(const std::string& id, const std::string& key, const std::string& at,
                       const std::string& agent, const std::string& type = "registered") {
  std::string line = absl::StrCat(R"({"id":")", id, R"(","at":"2026-11-21T)", at,
                                  R"(:00+08:00","agent":")", agent,
                                  R"(","entity":"ticket","key":")", key, R"(","type":")", type,
                                  "\"");
  if (type == "registered") {
    absl::StrAppend(
        &line,
        R"(,"fields":{"order_id":"T)", key,
        R"(","kind":"return_refund","category":"不喜欢","details":"颜色不喜欢","lines":[{"product":"N86","quantity":1}],"customer_province":"广东省","shop_province":"广东省","return_postage":"shop","repayment":"alipay_refund"})");
  }
  return line + "}";
}

// SH-HANDOVER: a problem raised during the handover stays with the outgoing
// agent. The middle shift takes over from the early one (the policy's
// default); between 小李's arrival (11:18) and the middle shift's start
// (11:30), a ticket 小李 registers is 小王's, who is on the early shift on a
// shared channel. Before the arrival, after the start, or registered by an
// agent not taking over, the registering agent owns it. A redelivery
// answers the same; the outgoing agent may act on the ticket, the incoming
// one may not (AS-OWNER).
TEST(TeamThroughTheShop, ATicketRaisedDuringTheHandoverStaysWithTheOutgoingAgent) {
  std::unique_ptr<Shop> shop = NewShop();
  Must(*shop, Team("h-1", "08:48", "shift_started", R"({"shift":"early","channels":"旺旺,商城"})"));
  Must(*shop, Team("h-2", "08:49", "shift_started", R"({"shift":"early","channels":"53客服"})",
                   "小赵", "小赵"));
  // Before 小李 arrives: 小李's own.
  Outcome before = Must(*shop, TicketLine("k-1", "H1", "11:10", "小李"));
  EXPECT_EQ(before.Find("SH-HANDOVER"), nullptr);
  EXPECT_EQ(shop->FindTicket("H1")->data().owner, "小李");

  Must(*shop, Team("h-3", "11:18", "shift_started", R"({"shift":"middle","channels":"旺旺, 商城"})",
                   "小李", "小李"));
  const std::string during = TicketLine("k-2", "H2", "11:22", "小李");
  Outcome handed = Must(*shop, during);
  ASSERT_NE(handed.Find("SH-HANDOVER"), nullptr);
  EXPECT_EQ(handed.Find("SH-HANDOVER")->verdict, Verdict::kAllowed);
  EXPECT_EQ(handed.Find("SH-HANDOVER")->Reason(),
            "交接中发生的问题由交班的小王负责处理，接中班的小李协助");
  EXPECT_EQ(handed.Find("SH-HANDOVER")->Reason(Language::kEn),
            "raised during the handover: 小王 (handing over) handles it, 小李 (taking over the "
            "middle shift) helps");
  const Ticket* h2 = shop->FindTicket("H2");
  ASSERT_NE(h2, nullptr);
  EXPECT_EQ(h2->data().owner, "小王");
  EXPECT_EQ(h2->data().registered_by, "小李");
  // A redelivery: the first answer, owner unchanged.
  Outcome again = Must(*shop, during);
  EXPECT_TRUE(again.audit.duplicate);
  ASSERT_NE(again.Find("SH-HANDOVER"), nullptr);
  EXPECT_EQ(shop->FindTicket("H2")->data().owner, "小王");
  // The case is the outgoing agent's: 小李 may not act on it, 小王 may.
  EXPECT_TRUE(Must(*shop, TicketLine("k-3", "H2", "11:25", "小李", "return_agreed")).refused());
  Outcome agreed = Must(*shop, TicketLine("k-4", "H2", "11:26", "小王", "return_agreed"));
  EXPECT_FALSE(agreed.refused());

  // Registered by an agent who is not taking over (the early shift's 小赵):
  // theirs.
  Must(*shop, TicketLine("k-5", "H3", "11:23", "小赵"));
  EXPECT_EQ(shop->FindTicket("H3")->data().owner, "小赵");
  // After the middle shift's start: 小李's own.
  Outcome after = Must(*shop, TicketLine("k-6", "H4", "11:30", "小李"));
  EXPECT_EQ(after.Find("SH-HANDOVER"), nullptr);
  EXPECT_EQ(shop->FindTicket("H4")->data().owner, "小李");
}

// The outgoing agent is looked up when the ticket is registered: with 小王's
// shift ended before the handover, nobody hands over and 小李 keeps it.
TEST(TeamThroughTheShop, WithNobodyHandingOverTheRegisteringAgentKeepsTheTicket) {
  std::unique_ptr<Shop> shop = NewShop();
  Must(*shop, Team("n-1", "08:48", "shift_started", R"({"shift":"early","channels":"旺旺"})"));
  Must(*shop, Team("n-2", "11:00", "shift_ended", ""));
  Must(*shop, Team("n-3", "11:18", "shift_started", R"({"shift":"middle","channels":"旺旺"})",
                   "小李", "小李"));
  Outcome out = Must(*shop, TicketLine("n-4", "N1", "11:20", "小李"));
  EXPECT_EQ(out.Find("SH-HANDOVER"), nullptr);
  EXPECT_EQ(shop->FindTicket("N1")->data().owner, "小李");
}

// ---------------------------------------------------- the sample's team

// The sample week's team events apply (none rejected), the planted
// refusals are refused, and the replay report's team sections are filled:
// score cards with judged parts and exams, coverage gaps, late arrivals and
// seats left without a handover, reports upward; the JSON report too.
TEST(TeamSample, TheWeekFillsTheReportsTeamSections) {
  SampleOptions options;
  options.days = 7;
  options.orders_per_day = 60;
  std::string lines;
  int team = 0;
  ASSERT_TRUE(GenerateSample(options, [&](const ShopEvent& e) {
                if (e.kind() == EntityKind::kTeam) ++team;
                lines += FormatEvent(e);
                lines += '\n';
              }).ok());
  EXPECT_EQ(team, 123);
  std::istringstream in(lines);
  ReplayOptions ro;
  absl::StatusOr<ReplayReport> r = Replay(in, ro);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rejected, 0);
  const ReplayTeam& t = r->team;
  // Four agents' cards for November, every part scored, two exams.
  ASSERT_EQ(t.cards.size(), 4u);
  int exams = 0;
  for (const ScoreCard& c : t.cards) {
    SCOPED_TRACE(c.agent);
    EXPECT_EQ(c.possible, 90);
    for (int i = 0; i < kScorePartCount; ++i) EXPECT_TRUE(c.parts[i].has_value()) << i;
    if (c.exam.has_value()) ++exams;
  }
  EXPECT_EQ(exams, 2);
  // 21:00-24:00 goes unstaffed on Monday, Saturday and Sunday.
  EXPECT_GE(t.coverage_gaps.size(), 3u);
  bool handover = false, coverage = false;
  for (const auto& [at, d] : t.shift_findings) {
    handover = handover || d.rule == "SH-HANDOVER";
    coverage = coverage || d.rule == "SH-COVERAGE";
  }
  EXPECT_TRUE(handover);
  EXPECT_TRUE(coverage);
  EXPECT_EQ(t.reports.size(), 4u);
  // The agents' states at the end of the week, after the other kinds'.
  ASSERT_EQ(r->states.size(), 4u);
  EXPECT_EQ(r->states[3].kind, EntityKind::kTeam);
  EXPECT_EQ(r->states[3].total, 4);
  // The planted refusals: a swap without approval, a score by an agent.
  bool swap_refused = false, score_refused = false;
  for (const ReplayRuleTally& tally : r->rules) {
    if (tally.rule == "SH-HANDOVER") swap_refused = tally.refused >= 2;  // with a late arrival
    if (tally.rule == "FB-ROLES") score_refused = tally.refused == 1;
  }
  EXPECT_TRUE(swap_refused);
  EXPECT_TRUE(score_refused);
  const std::string json = ReportJson("-", *r, Language::kEn);
  EXPECT_THAT(json, HasSubstr("\"coverage_gaps\":[{"));
  EXPECT_THAT(json, HasSubstr("\"competition\""));
  EXPECT_THAT(json, HasSubstr("SH-COVERAGE"));
}

}  // namespace
}  // namespace kefu
