// The team's rules: roles, targets and their carry-over, score cards,
// exams, shifts and coverage, triage and reports upward.
#include "kefu/policies/team_policies.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "core/day_text.h"
#include "policies/shift_terms.h"

namespace kefu {
namespace {

using internal::ToAbsl;

template <class T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Decision Make(RuleId rule, Verdict verdict, Message message, Figures figures = {}) {
  Decision d;
  d.rule = rule;
  d.verdict = verdict;
  d.message = message;
  d.figures = std::move(figures);
  return d;
}

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// `n` grown by `rate`, rounded up: 598 orders + 10% -> 658.
int64_t Grown(int64_t n, Rate rate) {
  return CeilDiv(n * (10000 + rate.basis_points()), 10000);
}

int64_t Minutes(Duration d) { return absl::ToInt64Minutes(d); }

}  // namespace

// ------------------------------------------------------------------ roles

std::string_view StaffRoleName(StaffRole r) {
  switch (r) {
    case StaffRole::kAgent: return "agent";
    case StaffRole::kTeamLead: return "team_lead";
    case StaffRole::kSupervisor: return "supervisor";
    case StaffRole::kManager: return "manager";
    case StaffRole::kQcInspector: return "qc_inspector";
    case StaffRole::kTrainingLead: return "training_lead";
    case StaffRole::kTrainer: return "trainer";
  }
  return "unknown";
}

Term StaffRoleTerm(StaffRole r) {
  const std::string_view k = StaffRoleName(r);
  switch (r) {
    case StaffRole::kAgent: return {k, "客服", "agent"};
    case StaffRole::kTeamLead: return {k, "组长", "team lead"};
    case StaffRole::kSupervisor: return {k, "主管", "supervisor"};
    case StaffRole::kManager: return {k, "经理", "manager"};
    case StaffRole::kQcInspector: return {k, "质检", "QC inspector"};
    case StaffRole::kTrainingLead: return {k, "培训主管", "training lead"};
    case StaffRole::kTrainer: return {k, "培训师", "trainer"};
  }
  return {k, "未知角色", "unknown role"};
}

std::string_view TeamActionName(TeamAction a) {
  switch (a) {
    case TeamAction::kApproveLargeRefund: return "approve_large_refund";
    case TeamAction::kOverrideContactLimit: return "override_contact_limit";
    case TeamAction::kApproveShiftSwap: return "approve_shift_swap";
    case TeamAction::kChangeScore: return "change_score";
  }
  return "unknown";
}

Term TeamActionTerm(TeamAction a) {
  const std::string_view k = TeamActionName(a);
  switch (a) {
    case TeamAction::kApproveLargeRefund: return {k, "批准大额退款", "approve a large refund"};
    case TeamAction::kOverrideContactLimit:
      return {k, "批准超出联系次数上限", "override the contact limit"};
    case TeamAction::kApproveShiftSwap: return {k, "批准调班", "approve a shift swap"};
    case TeamAction::kChangeScore: return {k, "修改考核评分", "change a score"};
  }
  return {k, "未知操作", "unknown action"};
}

const std::vector<StaffRole>& RolePolicy::RolesFor(TeamAction action) const {
  switch (action) {
    case TeamAction::kApproveLargeRefund: return approve_large_refund;
    case TeamAction::kOverrideContactLimit: return override_contact_limit;
    case TeamAction::kApproveShiftSwap: return approve_shift_swap;
    case TeamAction::kChangeScore: return change_score;
  }
  return change_score;  // unreachable for a valid action
}

bool RolePolicy::May(StaffRole role, TeamAction action) const {
  return Contains(RolesFor(action), role);
}

std::optional<Decision> RolePolicy::Refusal(StaffRole role, TeamAction action) const {
  if (May(role, action)) return std::nullopt;
  return Make(kRule, Verdict::kRefused,
              {"{role}无权{action}", "a {role} may not {action}"},
              {Figure{"role", StaffRoleTerm(role)}, Figure{"action", TeamActionTerm(action)}});
}

const StaffMember* RolePolicy::Find(std::string_view name) const {
  auto it = std::lower_bound(agents.begin(), agents.end(), name,
                             [](const StaffMember& m, std::string_view n) { return m.name < n; });
  if (it != agents.end() && it->name == name) return &*it;
  // A roster built by hand may be unsorted: look through it.
  for (const StaffMember& m : agents) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

StaffRole RolePolicy::RoleOf(std::string_view agent, StaffRole claimed) const {
  if (!has_roster()) return claimed;
  const StaffMember* m = Find(agent);
  return m != nullptr ? m->role : StaffRole::kAgent;
}

std::optional<Decision> RolePolicy::Check(std::string_view agent, TeamAction action,
                                          StaffRole claimed) const {
  const StaffRole role = RoleOf(agent, claimed);
  if (May(role, action)) return std::nullopt;
  return Make(kRule, Verdict::kRefused,
              {"{agent}（{role}）无权{action}", "{agent} ({role}) may not {action}"},
              {Figure{"agent", std::string(agent)}, Figure{"role", StaffRoleTerm(role)},
               Figure{"action", TeamActionTerm(action)}});
}

std::optional<Decision> RolePolicy::RefundRefusal(Money amount, std::string_view agent,
                                                  std::string_view approved_by) const {
  if (!has_roster() || !NeedsApproval(amount)) return std::nullopt;
  const std::string_view approver = approved_by.empty() ? agent : approved_by;
  const StaffRole role = RoleOf(approver);
  if (May(role, TeamAction::kApproveLargeRefund)) return std::nullopt;
  Decision d = Make(kRule, Verdict::kRefused,
                    {"退款{amount}超过{limit}，须经批准：{approver}（{role}）无权{action}",
                     "a refund of {amount} is above {limit} and needs approval: {approver} "
                     "({role}) may not {action}"},
                    {Figure{"amount", amount}, Figure{"limit", refund_approval_above},
                     Figure{"approver", std::string(approver)}});
  d.figures.push_back(Figure{"role", StaffRoleTerm(role)});
  d.figures.push_back(Figure{"action", TeamActionTerm(TeamAction::kApproveLargeRefund)});
  return d;
}

// ----------------------------------------------------------------- targets

absl::StatusOr<TargetPolicy::Month> TargetPolicy::MonthTarget(int64_t last_month,
                                                              int days) const {
  if (last_month < 0 || last_month > (int64_t{1} << 40)) {
    return absl::InvalidArgumentError("KPI-MONTH: last month's orders must be 0..2^40");
  }
  if (days < 1 || days > 31) {
    return absl::InvalidArgumentError(absl::StrCat("KPI-MONTH: a month has 1..31 days, not ", days));
  }
  Month m;
  m.base = Grown(last_month, base_growth);
  m.stretch = Grown(last_month, stretch_growth);
  m.daily = CeilDiv(m.base, days);
  m.weekly = m.daily * days_per_week;
  return m;
}

Decision TargetPolicy::MonthSet(int64_t last_month, const Month& month) const {
  return Make(kMonthRule, Verdict::kScheduled,
              {"上月{last_month}单：本月目标{base}单（冲刺{stretch}单），每天{daily}单，每周{weekly}单",
               "last month {last_month} orders: this month's target {base} (stretch {stretch}), "
               "{daily} a day, {weekly} a week"},
              {Figure{"last_month", last_month}, Figure{"base", month.base},
               Figure{"stretch", month.stretch}, Figure{"daily", month.daily},
               Figure{"weekly", month.weekly}});
}

TargetPolicy::Week TargetPolicy::NextWeek(int64_t weekly, int64_t last_quota,
                                          int64_t last_done) const {
  Week w;
  w.carried = carry_shortfall ? std::max<int64_t>(0, last_quota - last_done) : 0;
  w.quota = weekly + w.carried;
  w.daily = CeilDiv(w.quota, std::max(days_per_week, 1));
  return w;
}

Decision TargetPolicy::WeekSet(int64_t last_done, const Week& week) const {
  return Make(kCarryRule, Verdict::kScheduled,
              {"上周完成{done}单，差{carried}单：本周目标{quota}单，每天{daily}单",
               "last week {done} orders, {carried} short: this week's quota {quota}, {daily} a day"},
              {Figure{"done", last_done}, Figure{"carried", week.carried},
               Figure{"quota", week.quota}, Figure{"daily", week.daily}});
}

std::optional<Ruling> TargetPolicy::DayDone(int64_t count, int64_t quota, bool announced) const {
  if (announced || quota <= 0 || count < quota) return std::nullopt;
  Figures f = {Figure{"count", count}, Figure{"quota", quota}};
  Ruling r;
  r.decisions.push_back(Make(kDayDoneRule, Verdict::kAllowed,
                             {"今天的目标{quota}单已完成（{count}单）",
                              "today's quota of {quota} orders is reached ({count})"},
                             f));
  Action a;
  a.kind = ActionKind::kOther;
  a.rule = kDayDoneRule;
  a.assignee = "team";
  a.message = {"在群里发消息：今天的目标完成了（{count}单）",
               "tell the whole team: today's target is done ({count} orders)"};
  a.figures = std::move(f);
  r.actions.push_back(std::move(a));
  return r;
}

// -------------------------------------------------------------- score card

std::string_view ScorePartName(ScorePart p) {
  switch (p) {
    case ScorePart::kOrderEffort: return "order_effort";
    case ScorePart::kOrderRetention: return "order_retention";
    case ScorePart::kAttitude: return "attitude";
    case ScorePart::kSalesSkill: return "sales_skill";
    case ScorePart::kAfterSalesRecord: return "after_sales_record";
    case ScorePart::kAfterSalesSpeed: return "after_sales_speed";
    case ScorePart::kAfterSalesCost: return "after_sales_cost";
    case ScorePart::kNewProductKnowledge: return "new_product_knowledge";
    case ScorePart::kNewProductPitch: return "new_product_pitch";
  }
  return "unknown";
}

Term ScorePartTerm(ScorePart p) {
  const std::string_view k = ScorePartName(p);
  switch (p) {
    case ScorePart::kOrderEffort: return {k, "接单积极性", "order drive"};
    case ScorePart::kOrderRetention: return {k, "不流失订单", "keeping orders"};
    case ScorePart::kAttitude: return {k, "服务态度", "service attitude"};
    case ScorePart::kSalesSkill: return {k, "销售技巧", "sales skill"};
    case ScorePart::kAfterSalesRecord: return {k, "售后登记", "after-sales registration"};
    case ScorePart::kAfterSalesSpeed: return {k, "售后处理时间", "after-sales speed"};
    case ScorePart::kAfterSalesCost: return {k, "售后成本控制", "after-sales cost control"};
    case ScorePart::kNewProductKnowledge: return {k, "新产品的了解", "new product knowledge"};
    case ScorePart::kNewProductPitch: return {k, "新产品推荐", "recommending new products"};
  }
  return {k, "未知项", "unknown part"};
}

int ScoreCardPolicy::Total() const {
  int total = 0;
  for (int w : weights) total += w;
  return total;
}

absl::StatusOr<int> ScoreCardPolicy::Measured(ScorePart part, int64_t good, int64_t total) const {
  if (good < 0 || total < 0 || good > total) {
    return absl::InvalidArgumentError(absl::StrCat(
        "KPI-SCORE: ", ToAbsl(ScorePartName(part)), ": ", good, " of ", total, " is not a share"));
  }
  const int w = Weight(part);
  if (total == 0) return w;
  return static_cast<int>((2 * good * w + total) / (2 * total));
}

absl::Status ScoreCardPolicy::CheckJudged(ScorePart part, int score) const {
  const int w = Weight(part);
  if (score >= 0 && score <= w) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("KPI-SCORE: ", ToAbsl(ScorePartName(part)),
                                                 " is scored 0..", w, ", not ", score));
}

Decision ScoreCardPolicy::Judged(std::string_view agent, ScorePart part, int score) const {
  return Make(kRule, Verdict::kAllowed,
              {"{agent}的{part}评分：{score}/{weight}", "{agent}'s {part}: {score} of {weight}"},
              {Figure{"agent", std::string(agent)}, Figure{"part", ScorePartTerm(part)},
               Figure{"score", int64_t{score}}, Figure{"weight", int64_t{Weight(part)}}});
}

absl::StatusOr<Decision> ExamPolicy::Evaluate(int score) const {
  if (score < 0 || score > max_score) {
    return absl::InvalidArgumentError(
        absl::StrCat("KPI-EXAM: a score is 0..", max_score, ", not ", score));
  }
  const bool passed = score >= pass_mark;
  return Make(kRule, passed ? Verdict::kAllowed : Verdict::kRefused,
              passed ? Message{"考试{score}分，及格（{pass_mark}分）",
                               "exam score {score}: passed (pass mark {pass_mark})"}
                     : Message{"考试{score}分，未及格（{pass_mark}分）",
                               "exam score {score}: failed (pass mark {pass_mark})"},
              {Figure{"score", int64_t{score}}, Figure{"pass_mark", int64_t{pass_mark}}});
}

// ------------------------------------------------------------------ shifts

std::vector<ShiftTemplate> ShiftPolicy::DefaultShifts() {
  using absl::Hours;
  using absl::Minutes;
  using W = absl::Weekday;
  const std::vector<W> every_day = {W::monday, W::tuesday, W::wednesday, W::thursday,
                                    W::friday, W::saturday, W::sunday};
  return {
      {"early", Hours(9), Hours(18) + Minutes(30), every_day, ""},
      {"middle", Hours(11) + Minutes(30), Hours(21), every_day, "early"},
      {"late", Hours(16), Hours(24), {W::tuesday, W::wednesday, W::thursday, W::friday}, "middle"},
  };
}

const ShiftTemplate* ShiftPolicy::Find(std::string_view name) const {
  for (const ShiftTemplate& s : shifts) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<Decision> ShiftPolicy::Gaps(const std::vector<Staffing>& staffing) const {
  std::vector<Decision> out;
  for (Duration hour = service_start; hour < service_end; hour += absl::Hours(1)) {
    const Duration hour_end = std::min(hour + absl::Hours(1), service_end);
    for (const std::string& channel : channels) {
      // Covered when the staffed stretches of this channel, merged, span the hour.
      std::vector<std::pair<Duration, Duration>> spans;
      for (const Staffing& s : staffing) {
        if (s.channel == channel && s.to > hour && s.from < hour_end) {
          spans.emplace_back(s.from, s.to);
        }
      }
      std::sort(spans.begin(), spans.end());
      Duration covered_to = hour;
      for (const auto& [from, to] : spans) {
        if (from > covered_to) break;
        covered_to = std::max(covered_to, to);
      }
      if (covered_to >= hour_end) continue;
      out.push_back(Make(kCoverageRule, Verdict::kRefused,
                         {"{hour}点起{channel}无人值守", "nobody on {channel} from {hour}:00"},
                         {Figure{"channel", channel}, Figure{"hour", Minutes(hour) / 60}}));
    }
  }
  return out;
}

std::optional<Decision> ShiftPolicy::Arrival(const ShiftTemplate& shift, Duration arrived) const {
  const Duration early = shift.start - arrived;
  if (early >= arrive_early_min) return std::nullopt;  // earlier than the window is fine too
  Figures figures = {Figure{"shift", internal::ShiftNameValue(shift.name)},
                     Figure{"minutes_early", Minutes(early)},
                     Figure{"min", Minutes(arrive_early_min)}};
  figures.push_back(Figure{"max", Minutes(arrive_early_max)});
  if (early < absl::ZeroDuration()) {  // after the shift began
    figures.push_back(Figure{"minutes_late", -Minutes(early)});
    return Make(kHandoverRule, Verdict::kRefused,
                {"{shift}迟到{minutes_late}分钟，应提前{min}到{max}分钟到岗",
                 "{shift} shift: arrived {minutes_late} minutes late; the handover needs {min} "
                 "to {max} minutes early"},
                std::move(figures));
  }
  return Make(kHandoverRule, Verdict::kRefused,
              {"{shift}提前{minutes_early}分钟到岗，应提前{min}到{max}分钟",
               "{shift} shift: arrived {minutes_early} minutes early; the handover needs {min} "
               "to {max}"},
              std::move(figures));
}

bool ShiftPolicy::Runs(const ShiftTemplate& shift, absl::CivilDay day) {
  return std::find(shift.days.begin(), shift.days.end(), absl::GetWeekday(day)) !=
         shift.days.end();
}

Decision ShiftPolicy::StartedOnAnOffDay(const ShiftTemplate& shift, std::string_view agent,
                                        absl::CivilDay day) const {
  Figures figures = {Figure{"agent", std::string(agent)},
                     Figure{"day", internal::DayText(day)},
                     Figure{"shift", internal::ShiftNameValue(shift.name)}};
  internal::AddRunningDays(shift, day, &figures);
  return Make(kShiftsRule, Verdict::kRefused,
              {"{agent}在{day}上{shift}，但{shift}只在{days}上班，{day}是{weekday}",
               "{agent} started the {shift} shift on {day}, a {weekday}: that shift runs on "
               "{days} only"},
              std::move(figures));
}

Decision ShiftPolicy::LeftWithoutHandover(std::string_view agent,
                                          std::string_view left) const {
  return Make(kCoverageRule, Verdict::kRefused,
              {"{agent}离开座位前未交接（{channels}）",
               "{agent} left the seat without handing over ({channels})"},
              {Figure{"agent", std::string(agent)}, Figure{"channels", std::string(left)}});
}

HandoverCase ShiftPolicy::StaysWithOutgoing(std::string_view outgoing,
                                            std::string_view incoming,
                                            std::string_view shift) const {
  HandoverCase c;
  c.outgoing = std::string(outgoing);
  c.incoming = std::string(incoming);
  c.decision = Make(kHandoverRule, Verdict::kAllowed,
                    {"交接中发生的问题由交班的{outgoing}负责处理，接{shift}的{incoming}协助",
                     "raised during the handover: {outgoing} (handing over) handles it, "
                     "{incoming} (taking over the {shift} shift) helps"},
                    {Figure{"outgoing", std::string(outgoing)},
                     Figure{"incoming", std::string(incoming)},
                     Figure{"shift", internal::ShiftNameValue(shift)}});
  return c;
}

// ------------------------------------------------------------------ triage

int TriagePolicy::Priority(std::string_view customer_level, std::string_view category,
                           std::string_view agent_level) const {
  auto points = [](const std::vector<Points>& table, std::string_view key) {
    for (const Points& p : table) {
      if (p.key == key) return p.points;
    }
    return 0;
  };
  return points(customer_levels, customer_level) + points(categories, category) +
         points(agent_levels, agent_level);
}

const std::string& TriagePolicy::CustomerLevel(std::string_view buyer) const {
  for (const Customer& c : customers) {
    if (c.buyer == buyer) return c.level;
  }
  return default_customer_level;
}

bool TriagePolicy::HasCategory(std::string_view category) const {
  for (const Points& p : categories) {
    if (p.key == category) return true;
  }
  return false;
}

// ------------------------------------------------------------------ report

std::string_view ReportKindName(ReportKind k) {
  switch (k) {
    case ReportKind::kCompetition: return "competition";
    case ReportKind::kOwnMistake: return "own_mistake";
    case ReportKind::kSeriousError: return "serious_error";
    case ReportKind::kSafetyThreat: return "safety_threat";
    case ReportKind::kBeyondRemit: return "beyond_remit";
    case ReportKind::kCustomerFeedback: return "customer_feedback";
  }
  return "unknown";
}

Term ReportKindTerm(ReportKind k) {
  const std::string_view n = ReportKindName(k);
  switch (k) {
    case ReportKind::kCompetition: return {n, "发现竞争对手情况", "competition found"};
    case ReportKind::kOwnMistake: return {n, "自身市场失误", "own market mistake"};
    case ReportKind::kSeriousError: return {n, "严重错误或违纪", "serious error or ethics breach"};
    case ReportKind::kSafetyThreat: return {n, "安全威胁", "threat to safety"};
    case ReportKind::kBeyondRemit: return {n, "超出职权的事", "beyond one's remit"};
    case ReportKind::kCustomerFeedback: return {n, "客户反馈", "customer feedback"};
  }
  return {n, "未知", "unknown"};
}

absl::StatusOr<ReportKind> ParseReportKind(std::string_view name) {
  for (int i = 0; i < kReportKindCount; ++i) {
    const auto k = static_cast<ReportKind>(i);
    if (ReportKindName(k) == name) return k;
  }
  std::string all;
  for (int i = 0; i < kReportKindCount; ++i) {
    if (i > 0) all += ", ";
    all += std::string(ReportKindName(static_cast<ReportKind>(i)));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("FB-REPORT: unknown kind \"", ToAbsl(name), "\"; one of: ", all));
}

Ruling ReportPolicy::Raised(ReportKind kind, std::string_view from,
                            std::string_view summary) const {
  Ruling r;
  r.decisions.push_back(Make(kRule, Verdict::kScheduled,
                             {"{from}上报：{kind}", "{from} reported: {kind}"},
                             {Figure{"kind", ReportKindTerm(kind)},
                              Figure{"from", std::string(from)}}));
  Action a;
  a.kind = ActionKind::kOther;
  a.rule = kRule;
  a.assignee = escalate_to;
  a.message = {"处理上报（{kind}）：{summary}", "handle the report ({kind}): {summary}"};
  a.figures = {Figure{"kind", ReportKindTerm(kind)}, Figure{"summary", std::string(summary)}};
  r.actions.push_back(std::move(a));
  return r;
}

const TeamPolicies& TeamPolicies::Defaults() {
  static const TeamPolicies* const kDefaults = new TeamPolicies();
  return *kDefaults;
}

namespace internal {

Term WeekdayTerm(absl::Weekday d) {
  static constexpr Term kDays[] = {{"monday", "星期一", "Monday"},    {"tuesday", "星期二", "Tuesday"},
                                   {"wednesday", "星期三", "Wednesday"}, {"thursday", "星期四", "Thursday"},
                                   {"friday", "星期五", "Friday"},    {"saturday", "星期六", "Saturday"},
                                   {"sunday", "星期日", "Sunday"}};
  return kDays[static_cast<int>(d)];
}

void AddRunningDays(const ShiftTemplate& shift, absl::CivilDay day, Figures* figures) {
  TermList days;
  for (absl::Weekday w : shift.days) days.push_back(WeekdayTerm(w));
  figures->push_back({"days", std::move(days)});
  figures->push_back({"weekday", WeekdayTerm(absl::GetWeekday(day))});
}

const ShiftTemplate* TakesOverFromNoShift(const std::vector<ShiftTemplate>& shifts) {
  for (const ShiftTemplate& t : shifts) {
    if (t.takes_over.empty()) continue;
    const bool known = std::any_of(shifts.begin(), shifts.end(), [&](const ShiftTemplate& o) {
      return &o != &t && o.name == t.takes_over;
    });
    if (!known) return &t;
  }
  return nullptr;
}

Figure::Value ShiftNameValue(std::string_view name) {
  static constexpr Term kShifts[] = {{"early", "早班", "early"},
                                     {"middle", "中班", "middle"},
                                     {"late", "晚班", "late"}};
  for (const Term& t : kShifts) {
    if (t.key == name) return t;
  }
  return std::string(name);
}

}  // namespace internal
}  // namespace kefu
