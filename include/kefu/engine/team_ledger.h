// kefu/engine/team_ledger.h: the team's numbers, from the events the shop
// already has: order targets (KPI-MONTH, KPI-CARRY, KPI-DAY-DONE) and
// response times (what the platforms measure: first response per round, the
// 3-minute response rate, inquiry conversion).
//
// A TeamLedger is fed the shop's applied events (Observe, with the outcome
// the Shop returned: duplicates and refused events count nothing), the
// buyers' messages among them (a conversation's buyer_messaged event, or
// BuyerMessaged directly). A Shop owns one and feeds it every event it
// applies (kefu/engine/shop.h, Shop::Team); the team entity's events
// (kefu/engine/team_events.h: shifts, seats, swaps, scores, exams, reports
// upward) reach ShiftStarted, ShiftEnded, SeatLeft, SeatReturned, Judge,
// ExamTaken and Reported through the Shop, which judges them. It answers:
//   - targets: orders placed and not cancelled per local day, week (Monday
//     to Sunday) and month. Given a month's targets (StartMonth, or computed
//     by itself at the first order of a month it counted from its first day),
//     each new week's quota is the month's weekly quota plus the last week's
//     shortfall (KPI-CARRY: 571 against 658 -> 745, 107 a day), and the order
//     that reaches a day's quota returns the KPI-DAY-DONE announcement, once
//     per day. Observe returns these rulings (KPI-MONTH and KPI-CARRY as
//     kScheduled decisions when a month or week begins).
//   - response times: a round begins with a buyer's message to a
//     conversation that is not waiting for an answer and ends with the first
//     reply by a person (an automatic reply does not end it). Its first
//     response time counts for the agent who answered and the local day the
//     round began; rounds begun within ResponsePolicy's counted hours
//     (08:00-23:00) make the day's response rate: the share answered within
//     `within` (3 minutes). Warnings name each agent whose day's rate fell
//     below the target (90%).
//   - conversion: a buyer who asked belongs to the agent who first answered
//     them; the buyer ordering afterwards (an order whose buyer IM name is
//     theirs) converts. Per agent: buyers asked, buyers who ordered.
//   - score cards (KPI-SCORE, KPI-EXAM): per agent and month. The measured
//     parts count cases: a ticket event's AS-REGISTER decision (allowed or
//     refused) is a registration case, its AS-POSTAGE-CAP decision (allowed;
//     adjusted to the cap or refused is not good) a cost case, for the
//     event's agent; RecordCase adds any other (AS-RESOLVE speed, order
//     drive). The judged parts come from a supervisor (Judge), who needs
//     FB-ROLES' change_score role; exams from ExamTaken.
//   - reports upward (FB-REPORT): each of the six kinds, who raised it and
//     when; Reported returns the escalation, ReportsBetween lists them.
//   - shifts (SH-SHIFTS, SH-COVERAGE, SH-HANDOVER): agents start a shift of
//     the ShiftPolicy's templates on channels, leave the seat and come back,
//     end the shift. A start later than the handover window is a finding, a
//     seat left without a handover is one, and CoverageGaps(day) names every
//     hour of service a channel had nobody on it. Between an agent's arrival
//     and the start of a shift that takes over from another, TakingOver
//     names the outgoing agent who keeps a problem raised then.
//
// Times are local to the calendar. Events should come in time order per
// conversation; a reply dated before its round began is taken as answering
// at the round's start.
//
// Thread safety: a TeamLedger is a value and is not synchronized; calls on
// one ledger must not race. Distinct ledgers may be used from different
// threads.
#ifndef KEFU_ENGINE_TEAM_LEDGER_H_
#define KEFU_ENGINE_TEAM_LEDGER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/engine/shop_event.h"
#include "kefu/policies/team_policies.h"

namespace kefu {

// ResponsePolicy (the platforms' response-time measures) is in
// kefu/policies/team_policies.h, with the team's other rules.

// Rounds and their first responses, for an agent's day or the whole shop's.
struct ResponseStats {
  int64_t rounds = 0;    // rounds begun (shop) or answered (agent)
  int64_t answered = 0;  // of `rounds`, answered by a person
  int64_t counted = 0;   // of `rounds`, begun within the counted hours
  int64_t in_time = 0;   // of `counted`, answered within ResponsePolicy::within
  Duration total_first_response = absl::ZeroDuration();  // over `answered`

  // in_time / counted, rounded down to a basis point; nullopt when nothing
  // was counted.
  KEFU_EXPORT std::optional<Rate> rate() const;
  // total_first_response / answered; zero when nothing was answered.
  KEFU_EXPORT Duration mean_first_response() const;
};

// An agent's day whose response rate fell below the target.
struct ResponseWarning {
  std::string agent;
  LocalDay day;
  Rate rate;
  Rate target;
  int64_t counted = 0;
  int64_t in_time = 0;
};

// Buyers an agent answered first, and of them those who then ordered.
struct Conversion {
  int64_t asked = 0;
  int64_t ordered = 0;
  // ordered / asked, rounded down; nullopt when nobody asked.
  KEFU_EXPORT std::optional<Rate> rate() const;
};

// An agent's month on the KPI-SCORE card.
struct ScoreCard {
  std::string agent;
  absl::CivilMonth month;
  // By ScorePart, in enum order: the part's score; nullopt for a judged part
  // nobody scored yet. Measured parts with no case score full marks.
  std::array<std::optional<int>, kScorePartCount> parts;
  int total = 0;      // the parts scored
  int possible = 0;   // the weights of the parts scored
  int full = 0;       // every weight: 90 with the seed's
  std::optional<int> exam;  // the month's last exam score (KPI-EXAM)
  bool exam_passed = false;
};

// One report upward (FB-REPORT).
struct TeamReport {
  ReportKind kind;
  std::string from;
  std::string summary;
  Timestamp at;
};

// A week's targets and what was done (KPI-CARRY).
struct WeekTargets {
  LocalDay monday;
  bool has_quota = false;  // false: no month's targets known yet
  TargetPolicy::Week quota;
  int64_t done = 0;  // orders placed, not cancelled
};

class KEFU_EXPORT TeamLedger {
 public:
  struct Options {
    TargetPolicy targets;
    ResponsePolicy response;
    ShiftPolicy shifts;
    ScoreCardPolicy score_card;
    ExamPolicy exam;
    RolePolicy roles;
    ReportPolicy report;
    BusinessCalendar calendar = BusinessCalendar::Default();
  };

  // kInvalidArgument when the counted hours are not 0 <= from < until <=
  // 24 h, `within` is not positive, or days_per_week is not 1..7.
  static absl::StatusOr<TeamLedger> Create(Options options);
  TeamLedger();  // the defaults
  TeamLedger(const TeamLedger&);
  TeamLedger& operator=(const TeamLedger&);
  TeamLedger(TeamLedger&&) noexcept;
  TeamLedger& operator=(TeamLedger&&) noexcept;
  ~TeamLedger();

  // The options the ledger counts by.
  const Options& options() const;

  // KPI-MONTH: `month` follows a month of `last_month_orders` orders; its
  // targets are set (TargetPolicy::MonthTarget) and the week `month` begins
  // in gets the month's weekly quota (no shortfall carried into it).
  // Returns the KPI-MONTH decision. kInvalidArgument as MonthTarget.
  absl::StatusOr<Decision> StartMonth(absl::CivilMonth month, int64_t last_month_orders);

  // Takes an event the Shop applied, with the outcome it returned. An order
  // placed counts on its local day (its buyer's IM name may convert an
  // inquiry), an order cancelled is uncounted (one line of it cancelled is
  // not: only a cancellation without a line, or one whose outcome left the
  // order cancelled), an order marked shipped can no longer be cancelled
  // and the ledger forgets the day it counted it on, a reply posted ends its
  // conversation's round. Returns the rulings this makes: KPI-MONTH or
  // KPI-CARRY when the order opens a month or a week, KPI-DAY-DONE when it
  // reaches the day's quota. A buyer_messaged event opens its
  // conversation's round (BuyerMessaged, the buyer defaulting to the
  // conversation). A duplicate or refused outcome counts nothing.
  Ruling Observe(const ShopEvent& event, const Outcome& outcome);

  // Forgets the day of every order counted for which `shipped(order)` is
  // true, as Observe does when an order is marked shipped (Shop::Load, for a
  // state saved before the ledger forgot them).
  void ForgetShipped(absl::FunctionRef<bool(std::string_view order)> shipped);

  // A buyer's message in `conversation` at `at`.
  void BuyerMessaged(std::string_view conversation, std::string_view buyer, Timestamp at);
  // A reply in `conversation` by `agent` (not empty) at `at`; `automatic`
  // replies (auto-reply, meeting reply) do not end a round.
  void AgentReplied(std::string_view conversation, std::string_view agent, Timestamp at,
                    bool automatic = false);

  // Orders placed and not cancelled on `day`; the day's quota (nullopt: no
  // targets known for it).
  int64_t OrdersOn(LocalDay day) const;
  std::optional<int64_t> DayQuota(LocalDay day) const;
  // The week containing `day` (the current or an earlier one the ledger saw;
  // done = 0 and no quota for a week it never saw).
  WeekTargets Week(LocalDay day) const;
  // The month's targets, when known.
  std::optional<TargetPolicy::Month> MonthTargets(absl::CivilMonth month) const;

  ResponseStats AgentDay(std::string_view agent, LocalDay day) const;
  // The whole shop's day: every round begun, answered or not (an open round
  // counts as not in time: ask after the day has ended).
  ResponseStats ShopDay(LocalDay day) const;
  // Agents (in name order) whose rate on `day` fell below the target.
  std::vector<ResponseWarning> Warnings(LocalDay day) const;
  Conversion AgentConversion(std::string_view agent) const;
  // Agents who answered any round or buyer, in name order.
  std::vector<std::string> Agents() const;

  // KPI-SCORE: true for the parts counted from cases (after-sales record,
  // speed and cost); the others are judged.
  static bool IsMeasured(ScorePart part);
  // A case of a measured part for `agent` in the month of `at`.
  // kInvalidArgument for a judged part or an empty agent.
  absl::Status RecordCase(std::string_view agent, ScorePart part, bool good, Timestamp at);
  // A supervisor scores a judged part of `agent`'s card for the month of
  // `at` (a later score replaces an earlier one). kInvalidArgument for a
  // measured part or a score outside 0..weight. When `by_role` may not
  // change a score (FB-ROLES), the FB-ROLES refusal and nothing changes;
  // otherwise a KPI-SCORE kAllowed decision (figures "agent", "part",
  // "score", "weight").
  absl::StatusOr<Decision> Judge(std::string_view agent, ScorePart part, int score,
                                 StaffRole by_role, Timestamp at);
  // Same, scored by the agent named `by`: the role is the roster's
  // (Options::roles.agents; kAgent for a name it does not list). Without a
  // roster nobody is known to hold a role, and `by` scores as kAgent.
  absl::StatusOr<Decision> Judge(std::string_view agent, ScorePart part, int score,
                                 std::string_view by, Timestamp at);
  // KPI-EXAM: `agent`'s exam at `at`; ExamPolicy::Evaluate's decision.
  absl::StatusOr<Decision> ExamTaken(std::string_view agent, int score, Timestamp at);
  // The card of `agent` for `month`.
  ScoreCard Card(std::string_view agent, absl::CivilMonth month) const;

  // FB-REPORT: `from` (not empty) reports `kind` with `summary` at `at`;
  // the ruling escalates it (ReportPolicy::Raised). kInvalidArgument for an
  // empty reporter or summary.
  absl::StatusOr<Ruling> Reported(ReportKind kind, std::string_view from,
                                  std::string_view summary, Timestamp at);
  // The reports made in [from, to), ordered by kind, then by time.
  std::vector<TeamReport> ReportsBetween(Timestamp from, Timestamp to) const;

  // SH-SHIFTS: `agent` starts the shift named `shift` (a template of
  // Options::shifts) on `channels` at `at`. Returns the findings, each also
  // kept in ShiftFindings(): SH-HANDOVER's when the agent arrived later than
  // the handover window before the shift's start, SH-SHIFTS' when the shift
  // does not run on that local day's weekday (the agent is on the shift all
  // the same). kInvalidArgument for an empty agent or channel list, or an
  // unknown shift; kFailedPrecondition when the agent is on a shift.
  absl::StatusOr<std::vector<Decision>> ShiftStarted(std::string_view agent,
                                                     std::string_view shift,
                                                     std::vector<std::string> channels,
                                                     Timestamp at);
  // The agent's shift ends (no-op when none is open).
  void ShiftEnded(std::string_view agent, Timestamp at);
  // SH-COVERAGE: the agent leaves the seat; not `handed_over`, the finding.
  // Their channels are unstaffed until SeatReturned. No-op (nullopt) when the
  // agent is not on a shift or already away.
  std::optional<Decision> SeatLeft(std::string_view agent, Timestamp at, bool handed_over);
  void SeatReturned(std::string_view agent, Timestamp at);
  // SH-HANDOVER: whether `agent` is taking over at `at`: on a shift whose
  // template takes over from another (ShiftTemplate::takes_over), arrived
  // and that shift not yet begun (the start on the arrival's local day).
  // Then the case names the outgoing agent: of the agents on a shift of that
  // other template, the one sharing the most channels with `agent` (ties:
  // who arrived first, then the name that sorts first); none sharing one,
  // nullopt. A problem raised in that time stays with the outgoing agent
  // (the Shop gives them a ticket registered then, TicketEnvironment::
  // handover).
  std::optional<HandoverCase> TakingOver(std::string_view agent, Timestamp at) const;
  // SH-COVERAGE: each hour of `day`'s service a channel had nobody on it
  // (a shift still open counts as staffed to the end of the day).
  std::vector<Decision> CoverageGaps(LocalDay day) const;

  // ---- Everything at once, for a report
  // Every week the ledger saw, by Monday.
  std::vector<WeekTargets> Weeks() const;
  // Every month whose targets are known, in order.
  std::vector<std::pair<absl::CivilMonth, TargetPolicy::Month>> Months() const;
  // Whether `day`'s quota was reached and announced (KPI-DAY-DONE).
  bool DayDoneAnnounced(LocalDay day) const;
  // The days with an order counted or a round begun, in order.
  std::vector<LocalDay> Days() const;
  // The days some channel was staffed (a shift still open: the day it
  // began), in order: the days CoverageGaps has something to say about.
  std::vector<LocalDay> StaffedDays() const;
  // Every agent's day with rounds, by agent, then day.
  std::vector<std::pair<std::string, LocalDay>> AgentDays() const;
  // Every card with a case, a judged part or an exam, by agent, then month.
  std::vector<ScoreCard> Cards() const;
  // The shift findings (SH-HANDOVER late arrivals, SH-SHIFTS shifts started
  // on a weekday they do not run, SH-COVERAGE seats left without a
  // handover), in the order they were made, with their time.
  std::vector<std::pair<Timestamp, Decision>> ShiftFindings() const;

  // ---- Saving (Shop::Save keeps the ledger beside the entities)
  // The ledger's state as bytes (the options are not saved). The same state
  // gives the same bytes.
  std::string SaveState() const;
  // Replaces the state with one SaveState wrote; kDataLoss naming what is
  // wrong when it is not (the ledger is unchanged then).
  absl::Status LoadState(std::string_view saved);

 private:
  struct Impl;
  explicit TeamLedger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kefu

#endif  // KEFU_ENGINE_TEAM_LEDGER_H_
