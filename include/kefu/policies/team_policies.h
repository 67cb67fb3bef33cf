// kefu/policies/team_policies.h: the rules for running the team (KPI, SH and
// FB of the catalogue) as policy values: order targets and their carry-over,
// the agents' score card and exams, shift templates, coverage and handover,
// triage priorities, the kinds of information reported upward, and the
// roles certain actions need.
//
// Like every policy header: each field defaults to the catalogue's value,
// policies never do I/O and never read the clock, and what they decide comes
// back as Decisions (with their Actions in a Ruling) whose messages the
// policy owns.
//
// Thread safety: immutable values once built; const methods are safe to call
// from any number of threads.
#ifndef KEFU_POLICIES_TEAM_POLICIES_H_
#define KEFU_POLICIES_TEAM_POLICIES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"

namespace kefu {

// ------------------------------------------------------------------- roles

// The team's roles (FB-ROLES, seed 004). The first four are also the roles
// an event may name (RV-CONTACT-LIMIT overrides); new roles are added at the
// end so that stored names and numbers keep their meaning.
enum class StaffRole {
  kAgent,
  kTeamLead,
  kSupervisor,
  kManager,
  kQcInspector,
  kTrainingLead,
  kTrainer,
};
inline constexpr int kStaffRoleCount = 7;
// "agent", "team_lead", "supervisor", "manager", "qc_inspector",
// "training_lead", "trainer".
KEFU_EXPORT std::string_view StaffRoleName(StaffRole r);
// The role as a term: {"supervisor", "主管", "supervisor"}.
KEFU_EXPORT Term StaffRoleTerm(StaffRole r);

// Actions that need a role (FB-ROLES).
enum class TeamAction {
  kApproveLargeRefund,    // a refund above RolePolicy::refund_approval_above
  kOverrideContactLimit,  // RV-CONTACT-LIMIT past the limit
  kApproveShiftSwap,      // SH-HANDOVER: a swap needs approval beforehand
  kChangeScore,           // KPI-SCORE: a judged part of a score card
};
inline constexpr int kTeamActionCount = 4;
// "approve_large_refund", "override_contact_limit", "approve_shift_swap",
// "change_score".
KEFU_EXPORT std::string_view TeamActionName(TeamAction a);
KEFU_EXPORT Term TeamActionTerm(TeamAction a);

// One member of the team on the roster (a pack's [agents.NAME]).
struct StaffMember {
  std::string name;  // as events name the agent (EventMeta::agent)
  StaffRole role = StaffRole::kAgent;
  // The agent's level for FB-TRIAGE (a key of TriagePolicy::agent_levels).
  std::string level = "regular";
};

// FB-ROLES: who holds which role (the roster) and which roles may take each
// action.
//
// With a roster (`agents` not empty) the roster decides: an agent acts in
// the role it lists, and a name it does not list acts as kAgent, whatever
// role an event claims. Without one, an event's own role is taken as it is
// (ContactAttempted::role), and refunds need no approval: nobody is known
// to approve them.
struct KEFU_EXPORT RolePolicy {
  static constexpr RuleId kRule = "FB-ROLES";
  // A refund above this amount needs kApproveLargeRefund.
  Money refund_approval_above = Money::Yuan(100);
  std::vector<StaffRole> approve_large_refund = {StaffRole::kSupervisor, StaffRole::kManager};
  std::vector<StaffRole> override_contact_limit = {StaffRole::kSupervisor, StaffRole::kManager};
  std::vector<StaffRole> approve_shift_swap = {StaffRole::kSupervisor, StaffRole::kManager};
  std::vector<StaffRole> change_score = {StaffRole::kSupervisor, StaffRole::kManager,
                                         StaffRole::kQcInspector};

  // The roles that may take `action`.
  const std::vector<StaffRole>& RolesFor(TeamAction action) const;
  bool May(StaffRole role, TeamAction action) const;
  // kRefused naming the action and the role (figures "action", "role") when
  // `role` may not take `action`; nullopt when it may.
  std::optional<Decision> Refusal(StaffRole role, TeamAction action) const;
  // True when a refund of `amount` needs kApproveLargeRefund.
  bool NeedsApproval(Money refund) const { return refund > refund_approval_above; }

  // The roster, sorted by name, each name once (the pack sorts it; Find
  // looks it up by halving). Empty: no roster.
  std::vector<StaffMember> agents;

  bool has_roster() const { return !agents.empty(); }
  // The roster's entry for `name`; nullptr when it does not list it.
  const StaffMember* Find(std::string_view name) const;
  // The role `agent` acts in: with a roster, the roster's (kAgent for a
  // name it does not list); without one, `claimed`.
  StaffRole RoleOf(std::string_view agent, StaffRole claimed = StaffRole::kAgent) const;
  // FB-ROLES on `agent` taking `action` in the role RoleOf gives: nullopt
  // when the role may; otherwise kRefused naming the agent, the role and
  // the action (figures "agent", "role", "action").
  std::optional<Decision> Check(std::string_view agent, TeamAction action,
                                StaffRole claimed = StaffRole::kAgent) const;
  // FB-ROLES on a refund of `amount` made by `agent` and approved by
  // `approved_by` (empty: by `agent` itself). nullopt when there is no
  // roster, when the amount is not above refund_approval_above, or when the
  // approver's roster role may approve a large refund; otherwise kRefused
  // (figures "amount", "limit", "approver", "role", "action").
  std::optional<Decision> RefundRefusal(Money amount, std::string_view agent,
                                        std::string_view approved_by) const;
};

// ----------------------------------------------------------------- targets

// KPI-MONTH, KPI-CARRY, KPI-DAY-DONE: a month's order target is last
// month's orders plus `base_growth` (the base) or `stretch_growth` (the
// stretch goal), split into a daily quota (rounded up) and a weekly one of
// seven days; a week that falls short carries the shortfall into the next
// week's quota; the day's quota reached is announced to the team once.
struct KEFU_EXPORT TargetPolicy {
  static constexpr RuleId kMonthRule = "KPI-MONTH";
  static constexpr RuleId kCarryRule = "KPI-CARRY";
  static constexpr RuleId kDayDoneRule = "KPI-DAY-DONE";
  Rate base_growth = Rate::Percent(10);
  Rate stretch_growth = Rate::Percent(25);
  bool carry_shortfall = true;
  int days_per_week = 7;

  struct Month {
    int64_t base = 0;     // orders this month, base target
    int64_t stretch = 0;  // orders this month, stretch goal
    int64_t daily = 0;    // base / days in the month, rounded up
    int64_t weekly = 0;   // daily × days_per_week
  };
  // The targets of a month of `days` days after a month of `last_month`
  // orders. kInvalidArgument for a negative count or days outside 1..31.
  absl::StatusOr<Month> MonthTarget(int64_t last_month, int days) const;
  // kScheduled: the month's targets (figures "last_month", "base",
  // "stretch", "daily", "weekly").
  Decision MonthSet(int64_t last_month, const Month& month) const;

  struct Week {
    int64_t quota = 0;    // the weekly quota plus what was carried
    int64_t daily = 0;    // quota / days_per_week, rounded up
    int64_t carried = 0;  // last week's shortfall (0 when it met its quota)
  };
  // Next week's quota: the month's `weekly` quota plus last week's
  // shortfall (`last_quota` - `last_done`, when positive). The seed: 571
  // orders against 658 -> 87 short -> 745, 107 a day.
  Week NextWeek(int64_t weekly, int64_t last_quota, int64_t last_done) const;
  // kScheduled: next week's quota (figures "quota", "daily", "done",
  // "carried").
  Decision WeekSet(int64_t last_done, const Week& week) const;

  // The day's `count` reached `quota` and was not announced yet: kAllowed
  // and an action for the whole team (assignee "team") with the count.
  // nullopt otherwise.
  std::optional<Ruling> DayDone(int64_t count, int64_t quota, bool announced) const;
};

// --------------------------------------------------------------- score card

// KPI-SCORE: the parts of an agent's monthly score card and their weights
// as the seed lists them (20 + 20 + 20 + 20 + 10 = 90, the seed's total).
enum class ScorePart {
  kOrderEffort,         // 接单积极性 A: works for every order (10)
  kOrderRetention,      // 接单积极性 B: no customer lost to attitude (10)
  kAttitude,            // 服务态度 (20), judged
  kSalesSkill,          // 销售技巧 (20), judged
  kAfterSalesRecord,    // 售后登记 (5), measured
  kAfterSalesSpeed,     // 处理售后的时间 (5), measured
  kAfterSalesCost,      // 价格和退回邮费的控制 (10), measured
  kNewProductKnowledge, // 新产品的了解 (4), judged
  kNewProductPitch,     // 新产品的介绍和推荐 (6), judged
};
inline constexpr int kScorePartCount = 9;
// "order_effort", "order_retention", "attitude", "sales_skill",
// "after_sales_record", "after_sales_speed", "after_sales_cost",
// "new_product_knowledge", "new_product_pitch".
KEFU_EXPORT std::string_view ScorePartName(ScorePart p);
KEFU_EXPORT Term ScorePartTerm(ScorePart p);

struct KEFU_EXPORT ScoreCardPolicy {
  static constexpr RuleId kRule = "KPI-SCORE";
  // Weights by ScorePart, in enum order.
  std::array<int, kScorePartCount> weights = {10, 10, 20, 20, 5, 5, 10, 4, 6};

  int Weight(ScorePart part) const { return weights[static_cast<size_t>(part)]; }
  int Total() const;  // 90 with the seed's weights
  // A measured part: `good` of `total` cases went right, scored in
  // proportion, rounded half up (full marks when there were no cases).
  // kInvalidArgument when good < 0 or good > total.
  absl::StatusOr<int> Measured(ScorePart part, int64_t good, int64_t total) const;
  // A judged part given by a supervisor: kInvalidArgument (naming the part
  // and its weight) outside 0..weight.
  absl::Status CheckJudged(ScorePart part, int score) const;
  // kAllowed: `agent`'s judged `part` is scored `score` (figures "agent",
  // "part", "score", "weight"). REQUIRES: CheckJudged(part, score) is OK.
  Decision Judged(std::string_view agent, ScorePart part, int score) const;
};

// KPI-EXAM: a training stage ends in an exam scored out of `max_score`;
// `pass_mark` passes.
struct KEFU_EXPORT ExamPolicy {
  static constexpr RuleId kRule = "KPI-EXAM";
  int max_score = 100;
  int pass_mark = 60;

  // kAllowed (passed) or kRefused (failed), figures "score", "pass_mark".
  // kInvalidArgument outside 0..max_score.
  absl::StatusOr<Decision> Evaluate(int score) const;
};

// ------------------------------------------------------------------ shifts

// One shift of SH-SHIFTS: local start and end time (end may be 24:00) and
// the weekdays it runs. SH-HANDOVER: `takes_over` names the shift whose
// agents hand over to this one's as they arrive (the seed: the early shift
// hands its channels to the middle one, the middle to the late one); empty
// when nobody hands over to it.
struct ShiftTemplate {
  std::string name;  // "early", "middle", "late"
  Duration start;    // since local midnight
  Duration end;      // since local midnight, after start, at most 24 h
  std::vector<absl::Weekday> days;
  std::string takes_over;  // another template's name, or empty
};

// SH-HANDOVER: a problem raised while `incoming` takes over from `outgoing`
// stays with the outgoing agent ("在交接过程中发生的问题，由交接人员负责处理";
// the incoming agent helps). `decision` (kAllowed) says so; the Shop puts it
// in the outcome of a ticket registered in that time, which the outgoing
// agent owns (TicketEnvironment::handover).
struct HandoverCase {
  std::string outgoing;
  std::string incoming;
  Decision decision;
};

// SH-SHIFTS, SH-COVERAGE, SH-HANDOVER: the seed's shifts; every channel is
// staffed at every hour of service; the next shift arrives
// `arrive_early_min`..`arrive_early_max` before its start.
struct KEFU_EXPORT ShiftPolicy {
  static constexpr RuleId kShiftsRule = "SH-SHIFTS";
  static constexpr RuleId kCoverageRule = "SH-COVERAGE";
  static constexpr RuleId kHandoverRule = "SH-HANDOVER";
  std::vector<ShiftTemplate> shifts = DefaultShifts();
  // The channels that must be staffed (旺旺, 商城, 53客服).
  std::vector<std::string> channels = {"旺旺", "商城", "53客服"};
  Duration service_start = absl::Hours(9);
  Duration service_end = absl::Hours(24);
  Duration arrive_early_min = absl::Minutes(10);
  Duration arrive_early_max = absl::Minutes(15);

  // Early 9:00-18:30 and middle 11:30-21:00 every day; late 16:00-24:00
  // Tuesday to Friday (the seed's weekend hours are garbled). The middle
  // shift takes over from the early one, the late from the middle.
  static std::vector<ShiftTemplate> DefaultShifts();
  const ShiftTemplate* Find(std::string_view name) const;

  // One staffed stretch: who covered which channel when (local times of
  // one day).
  struct Staffing {
    std::string agent;
    std::string channel;
    Duration from;
    Duration to;
  };
  // SH-COVERAGE: for each hour of service and each channel with nobody on
  // it, a kRefused decision naming the channel and the hour (figures
  // "channel", "hour"). Empty when the day is covered.
  std::vector<Decision> Gaps(const std::vector<Staffing>& staffing) const;
  // SH-HANDOVER: an agent of `shift` arriving at `arrived` (since local
  // midnight): nullopt when on time (within the early window), otherwise a
  // kRefused finding (figures "shift", "minutes_early").
  std::optional<Decision> Arrival(const ShiftTemplate& shift, Duration arrived) const;
  // SH-SHIFTS: whether `shift` runs on `day`'s weekday (ShiftTemplate::days).
  static bool Runs(const ShiftTemplate& shift, absl::CivilDay day);
  // SH-SHIFTS: `agent` started `shift` on `day`, a weekday it does not run:
  // a kRefused finding (figures "agent", "day", "shift", "days", "weekday").
  Decision StartedOnAnOffDay(const ShiftTemplate& shift, std::string_view agent,
                             absl::CivilDay day) const;
  // SH-COVERAGE: `agent` left the seat without handing `channels` over:
  // a kRefused finding (figures "agent", "channels").
  Decision LeftWithoutHandover(std::string_view agent, std::string_view channels) const;
  // SH-HANDOVER: the case of a problem raised while `incoming` takes over
  // `shift` from `outgoing`: a kAllowed decision (figures "outgoing",
  // "incoming", "shift").
  HandoverCase StaysWithOutgoing(std::string_view outgoing, std::string_view incoming,
                                 std::string_view shift) const;
};

// ------------------------------------------------------------------ triage

// FB-TRIAGE: work is ordered by a priority computed from the customer's
// level, the problem's category and the agent's level; a higher number goes
// first. Each part adds its table's points (unknown keys add nothing).
//
// The Shop's work list (Shop::WorkList) gives each open item a category:
// a ticket its registered category when `categories` lists it, otherwise
// "quality" (the customer claims a quality problem, or a fault was
// confirmed) or "after_sales"; a review follow-up "review"; a reply's
// callback "callback"; an order's item "order".
struct KEFU_EXPORT TriagePolicy {
  static constexpr RuleId kRule = "FB-TRIAGE";
  struct Points {
    std::string key;
    int points = 0;
  };
  std::vector<Points> customer_levels = {{"vip", 30}, {"regular", 10}, {"new", 0}};
  std::vector<Points> categories = {{"complaint", 40}, {"quality", 30},  {"after_sales", 25},
                                    {"review", 20},    {"callback", 15}, {"enquiry", 5}};
  // A senior agent takes harder work first: points by the agent's level.
  std::vector<Points> agent_levels = {{"senior", 10}, {"regular", 0}, {"trainee", -10}};
  // The customers whose level is known, by the buyer's IM name (as orders,
  // tickets, reviews and conversations name the buyer); every other buyer
  // is `default_customer_level`.
  struct Customer {
    std::string buyer;
    std::string level;
  };
  std::vector<Customer> customers;
  std::string default_customer_level = "regular";

  int Priority(std::string_view customer_level, std::string_view category,
               std::string_view agent_level) const;
  // The level of `buyer`: its entry in `customers`, else the default.
  const std::string& CustomerLevel(std::string_view buyer) const;
  // True when `categories` has a row for `category`.
  bool HasCategory(std::string_view category) const;
};

// ------------------------------------------------------------------ report

// FB-REPORT: the six kinds of information reported upward.
enum class ReportKind {
  kCompetition,     // competition found
  kOwnMistake,      // the shop's own market mistakes
  kSeriousError,    // serious errors or ethics breaches
  kSafetyThreat,    // threats to safety
  kBeyondRemit,     // matters beyond one's remit
  kCustomerFeedback,
};
inline constexpr int kReportKindCount = 6;
// "competition", "own_mistake", "serious_error", "safety_threat",
// "beyond_remit", "customer_feedback".
KEFU_EXPORT std::string_view ReportKindName(ReportKind k);
KEFU_EXPORT Term ReportKindTerm(ReportKind k);
// kInvalidArgument listing the six names for any other.
KEFU_EXPORT absl::StatusOr<ReportKind> ParseReportKind(std::string_view name);

struct KEFU_EXPORT ReportPolicy {
  static constexpr RuleId kRule = "FB-REPORT";
  // Who receives the reports.
  std::string escalate_to = "supervisor";

  // kScheduled: `from` reported `kind` (figures "kind", "from"), and an
  // action for escalate_to with `summary` as written.
  Ruling Raised(ReportKind kind, std::string_view from, std::string_view summary) const;
};

// The platforms' response-time measures (not a rule of the catalogue: the
// seeds predate them). Every field is a parameter.
struct ResponsePolicy {
  // A round answered within this is answered in time.
  Duration within = absl::Minutes(3);
  // Rounds begun within [counted_from, counted_until) of the local day make
  // the response rate; others still count their response time.
  Duration counted_from = absl::Hours(8);
  Duration counted_until = absl::Hours(23);
  // A day's rate below this is a warning.
  Rate target = Rate::Percent(90);
};

// Every team policy.
struct KEFU_EXPORT TeamPolicies {
  RolePolicy roles;
  TargetPolicy targets;
  ScoreCardPolicy score_card;
  ExamPolicy exam;
  ShiftPolicy shifts;
  TriagePolicy triage;
  ReportPolicy report;
  ResponsePolicy response;

  static const TeamPolicies& Defaults();
};

}  // namespace kefu

#endif  // KEFU_POLICIES_TEAM_POLICIES_H_
