// The team ledger: day, week and month order counts with their targets, and
// conversations' rounds with their first responses (kefu/engine/team_ledger.h).
#include "kefu/engine/team_ledger.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/absl_compat.h"
#include "core/codec.h"
#include "core/entity_key.h"
#include "policies/shift_terms.h"
#include "kefu/engine/conversation.h"
#include "kefu/machines/order.h"
#include "kefu/machines/ticket.h"
#include "kefu/policies/ticket_policies.h"

namespace kefu {
namespace {

// in / of, rounded down to a basis point.
Rate Share(int64_t in, int64_t of) { return Rate::BasisPoints(in * 10000 / of); }

LocalDay MondayOf(LocalDay day) {
  return absl::PrevWeekday(day + 1, absl::Weekday::monday);
}

int DaysIn(absl::CivilMonth m) {
  return static_cast<int>(absl::CivilDay(m + 1) - absl::CivilDay(m));
}

}  // namespace

std::optional<Rate> ResponseStats::rate() const {
  if (counted == 0) return std::nullopt;
  return Share(in_time, counted);
}

Duration ResponseStats::mean_first_response() const {
  if (answered == 0) return absl::ZeroDuration();
  return total_first_response / answered;
}

std::optional<Rate> Conversion::rate() const {
  if (asked == 0) return std::nullopt;
  return Share(ordered, asked);
}

struct TeamLedger::Impl {
  Options options;

  // ---- targets
  struct MonthState {
    bool has_target = false;
    TargetPolicy::Month target;
    int64_t done = 0;
    // Counted from its first day (entered by StartMonth or by the ledger
    // moving into it), so that its count can set the next month's targets.
    bool complete = false;
  };
  struct DayState {
    int64_t done = 0;
    bool announced = false;
  };
  std::map<absl::CivilMonth, MonthState> months;
  std::map<LocalDay, WeekTargets> weeks;  // keyed by Monday
  std::map<LocalDay, DayState> days;
  // The day each counted order was placed, to uncount a cancellation (an
  // order id of up to 23 bytes kept in the table's slot).
  absl::flat_hash_map<internal::EntityKey, LocalDay, internal::EntityKeyHash, internal::EntityKeyEq>
      order_days;
  // The latest day an order was counted on: months and weeks move forward
  // from it.
  std::optional<LocalDay> current;

  // ---- responses
  struct Round {
    bool open = false;
    Timestamp started;
    std::string buyer;
  };
  absl::flat_hash_map<std::string, Round> rounds;  // by conversation, open ones
  std::map<std::pair<std::string, LocalDay>, ResponseStats> agent_days;
  std::map<LocalDay, ResponseStats> shop_days;
  // A buyer who wrote to the shop, keyed by IM name (up to 23 bytes kept in
  // the slot): 56 bytes a slot, where a std::string key and agent took 88
  // and the table was the ledger's largest (a buyer per conversation).
  struct Buyer {
    Timestamp asked;
    uint32_t agent = 0;  // who answered first: buyer_agents[agent - 1]; 0 until then
    bool ordered = false;
  };
  absl::flat_hash_map<internal::EntityKey, Buyer, internal::EntityKeyHash, internal::EntityKeyEq>
      buyers;
  // The agents Buyer::agent numbers, and their numbers by name.
  std::vector<std::string> buyer_agents;
  absl::flat_hash_map<std::string, uint32_t> buyer_agent_numbers;

  // The number of `agent` for Buyer::agent (numbered now when new; 0 for
  // none).
  uint32_t BuyerAgent(std::string_view agent) {
    if (agent.empty()) return 0;
    auto [it, added] = buyer_agent_numbers.try_emplace(std::string(agent), 0);
    if (added) {
      buyer_agents.emplace_back(agent);
      it->second = static_cast<uint32_t>(buyer_agents.size());
    }
    return it->second;
  }
  const std::string& AgentOf(const Buyer& b) const { return buyer_agents[b.agent - 1]; }
  std::map<std::string, Conversion, std::less<>> conversions;

  // ---- score cards
  struct Cases {
    int64_t good = 0;
    int64_t total = 0;
  };
  struct CardState {
    std::array<Cases, kScorePartCount> cases;
    std::array<std::optional<int>, kScorePartCount> judged;
    std::optional<int> exam;
  };
  std::map<std::pair<std::string, absl::CivilMonth>, CardState> cards;

  CardState& CardOf(std::string_view agent, Timestamp at) {
    return cards[{std::string(agent), absl::CivilMonth(options.calendar.DayOf(at))}];
  }

  std::vector<TeamReport> reports;

  // ---- shifts
  std::vector<std::pair<Timestamp, Decision>> findings;  // SH-HANDOVER, SH-SHIFTS, SH-COVERAGE
  struct Stretch {
    std::string agent;
    std::string channel;
    Timestamp from;
    Timestamp to = absl::InfiniteFuture();  // open
  };
  std::vector<Stretch> stretches;
  struct OnShift {
    std::vector<std::string> channels;
    bool away = false;
    std::string shift;  // the template's name (empty: loaded from format 1)
    Timestamp arrived;
  };
  std::map<std::string, OnShift, std::less<>> on_shift;

  void Close(std::string_view agent, Timestamp at) {
    for (Stretch& s : stretches) {
      if (s.agent == agent && s.to == absl::InfiniteFuture()) s.to = std::max(at, s.from);
    }
  }
  void Open(std::string_view agent, const std::vector<std::string>& channels, Timestamp at) {
    for (const std::string& c : channels) stretches.push_back({std::string(agent), c, at});
  }

  bool Counted(Timestamp t) const {
    const LocalDay day = options.calendar.DayOf(t);
    const Duration tod = t - options.calendar.StartOfDay(day);
    return tod >= options.response.counted_from && tod < options.response.counted_until;
  }

  WeekTargets& WeekOf(LocalDay monday) {
    // The week's Monday copied from the node's key: copied from `monday`,
    // spilled in two words for the look-up, it was loaded back whole, a
    // load the CPU cannot forward from those stores (perf: a stall on
    // every order placed).
    auto& [key, w] = *weeks.try_emplace(monday).first;
    w.monday = key;
    return w;
  }

  // Opens the week beginning `monday`: the month's weekly quota plus, with
  // `carry`, the shortfall of the week before (KPI-CARRY).
  void OpenWeek(LocalDay monday, bool carry, Ruling* out) {
    WeekTargets& w = WeekOf(monday);
    if (w.has_quota) return;
    auto month = months.find(absl::CivilMonth(monday));
    if (month == months.end() || !month->second.has_target) {
      // A week that began in the month before: the month of its Sunday.
      month = months.find(absl::CivilMonth(monday + 6));
      if (month == months.end() || !month->second.has_target) return;
    }
    auto last = weeks.find(monday - 7);
    const bool has_last = carry && last != weeks.end() && last->second.has_quota;
    const int64_t weekly = month->second.target.weekly;
    w.quota = options.targets.NextWeek(weekly, has_last ? last->second.quota.quota : weekly,
                                       has_last ? last->second.done : weekly);
    w.has_quota = true;
    if (has_last && out != nullptr) {
      out->decisions.push_back(options.targets.WeekSet(last->second.done, w.quota));
    }
  }

  // Moves the ledger to `day`: the months and weeks between the current day
  // and `day` begin in order.
  void MoveTo(LocalDay day, Ruling* out) {
    if (current.has_value() && day <= *current) return;
    if (current.has_value()) {
      // Months: each one the ledger enters from the month before, which it
      // counted whole, gets its targets from that month's count.
      for (absl::CivilMonth m = absl::CivilMonth(*current) + 1; m <= absl::CivilMonth(day);
           ++m) {
        MonthState& prev = months[m - 1];
        MonthState& next = months[m];
        next.complete = true;
        if (next.has_target || !prev.complete) continue;
        absl::StatusOr<TargetPolicy::Month> t = options.targets.MonthTarget(prev.done, DaysIn(m));
        if (!t.ok()) continue;
        next.target = *t;
        next.has_target = true;
        if (out != nullptr) out->decisions.push_back(options.targets.MonthSet(prev.done, *t));
      }
      // Weeks: every Monday up to `day`'s, skipped weeks carrying too (at
      // most a year of them).
      LocalDay monday = MondayOf(*current) + 7;
      const LocalDay last = MondayOf(day);
      if (last - monday > 7 * 53) monday = last - 7 * 53;
      for (; monday <= last; monday += 7) OpenWeek(monday, true, monday == last ? out : nullptr);
    } else {
      OpenWeek(MondayOf(day), false, nullptr);  // the first week seen: nothing to carry
    }
    current = day;
  }

  std::optional<int64_t> DayQuota(LocalDay day) const {
    auto w = weeks.find(MondayOf(day));
    if (w != weeks.end() && w->second.has_quota) return w->second.quota.daily;
    auto m = months.find(absl::CivilMonth(day));
    if (m != months.end() && m->second.has_target) return m->second.target.daily;
    return std::nullopt;
  }

  Ruling OrderPlaced(const std::string& order, const kefu::OrderPlaced& e) {
    Ruling out;
    const LocalDay day = options.calendar.DayOf(e.meta.at);
    MoveTo(day, &out);
    if (!order_days.try_emplace(internal::EntityKey(order), day).second) {
      return out;  // counted already
    }
    months[absl::CivilMonth(day)].done++;
    WeekOf(MondayOf(day)).done++;
    DayState& d = days[day];
    d.done++;
    if (std::optional<int64_t> quota = DayQuota(day)) {
      if (std::optional<Ruling> done = options.targets.DayDone(d.done, *quota, d.announced)) {
        d.announced = true;
        for (Decision& x : done->decisions) out.decisions.push_back(std::move(x));
        for (Action& x : done->actions) out.actions.push_back(std::move(x));
      }
    }
    // Conversion: the buyer asked before and had an answer.
    if (!e.buyer.im_name.empty()) {
      auto b = buyers.find(e.buyer.im_name);
      if (b != buyers.end() && !b->second.ordered && b->second.agent != 0 &&
          b->second.asked <= e.meta.at) {
        b->second.ordered = true;
        conversions[AgentOf(b->second)].ordered++;
      }
    }
    return out;
  }

  // An order uncounted, or shipped (it can no longer be cancelled): its day
  // is forgotten. Keeping every order's day held a slot for each order the
  // shop ever counted.
  void ForgetOrder(std::string_view order) {
    auto it = order_days.find(order);
    if (it != order_days.end()) order_days.erase(it);
  }

  void OrderCancelled(const std::string& order) {
    auto it = order_days.find(order);
    if (it == order_days.end()) return;
    const LocalDay day = it->second;
    order_days.erase(it);
    months[absl::CivilMonth(day)].done--;
    WeekOf(MondayOf(day)).done--;
    days[day].done--;
  }
};

bool TeamLedger::IsMeasured(ScorePart part) {
  return part == ScorePart::kAfterSalesRecord || part == ScorePart::kAfterSalesSpeed ||
         part == ScorePart::kAfterSalesCost;
}

absl::Status TeamLedger::RecordCase(std::string_view agent, ScorePart part, bool good,
                                    Timestamp at) {
  if (!IsMeasured(part)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "KPI-SCORE: ", std::string(ScorePartName(part)), " is judged, not counted from cases"));
  }
  if (agent.empty()) return absl::InvalidArgumentError("KPI-SCORE: a case needs an agent");
  Impl::Cases& c = impl_->CardOf(agent, at).cases[static_cast<size_t>(part)];
  c.total++;
  if (good) c.good++;
  return absl::OkStatus();
}

absl::StatusOr<Decision> TeamLedger::Judge(std::string_view agent, ScorePart part, int score,
                                           StaffRole by_role, Timestamp at) {
  const Options& o = impl_->options;
  if (IsMeasured(part)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "KPI-SCORE: ", std::string(ScorePartName(part)), " is counted from cases, not judged"));
  }
  if (agent.empty()) return absl::InvalidArgumentError("KPI-SCORE: a score needs an agent");
  if (absl::Status s = o.score_card.CheckJudged(part, score); !s.ok()) return s;
  if (std::optional<Decision> refused = o.roles.Refusal(by_role, TeamAction::kChangeScore)) {
    return *refused;
  }
  impl_->CardOf(agent, at).judged[static_cast<size_t>(part)] = score;
  return o.score_card.Judged(agent, part, score);
}

absl::StatusOr<Decision> TeamLedger::Judge(std::string_view agent, ScorePart part, int score,
                                           std::string_view by, Timestamp at) {
  const RolePolicy& roles = impl_->options.roles;
  return Judge(agent, part, score, roles.RoleOf(by), at);
}

absl::StatusOr<Decision> TeamLedger::ExamTaken(std::string_view agent, int score, Timestamp at) {
  if (agent.empty()) return absl::InvalidArgumentError("KPI-EXAM: an exam needs an agent");
  absl::StatusOr<Decision> d = impl_->options.exam.Evaluate(score);
  if (!d.ok()) return d.status();
  impl_->CardOf(agent, at).exam = score;
  return d;
}

ScoreCard TeamLedger::Card(std::string_view agent, absl::CivilMonth month) const {
  const Options& o = impl_->options;
  ScoreCard card;
  card.agent = std::string(agent);
  card.month = month;
  card.full = o.score_card.Total();
  auto it = impl_->cards.find({std::string(agent), month});
  const Impl::CardState empty;
  const Impl::CardState& st = it == impl_->cards.end() ? empty : it->second;
  for (int i = 0; i < kScorePartCount; ++i) {
    const ScorePart part = static_cast<ScorePart>(i);
    std::optional<int> score;
    if (IsMeasured(part)) {
      absl::StatusOr<int> m = o.score_card.Measured(part, st.cases[i].good, st.cases[i].total);
      if (m.ok()) score = *m;
    } else {
      score = st.judged[i];
    }
    card.parts[i] = score;
    if (score.has_value()) {
      card.total += *score;
      card.possible += o.score_card.Weight(part);
    }
  }
  card.exam = st.exam;
  card.exam_passed = st.exam.has_value() && *st.exam >= o.exam.pass_mark;
  return card;
}

absl::StatusOr<Ruling> TeamLedger::Reported(ReportKind kind, std::string_view from,
                                            std::string_view summary, Timestamp at) {
  if (from.empty() || summary.empty()) {
    return absl::InvalidArgumentError("FB-REPORT: a report needs who raised it and a summary");
  }
  impl_->reports.push_back({kind, std::string(from), std::string(summary), at});
  return impl_->options.report.Raised(kind, from, summary);
}

std::vector<TeamReport> TeamLedger::ReportsBetween(Timestamp from, Timestamp to) const {
  std::vector<TeamReport> out;
  for (const TeamReport& r : impl_->reports) {
    if (r.at >= from && r.at < to) out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(), [](const TeamReport& a, const TeamReport& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.at < b.at;
  });
  return out;
}

absl::StatusOr<std::vector<Decision>> TeamLedger::ShiftStarted(
    std::string_view agent, std::string_view shift, std::vector<std::string> channels,
    Timestamp at) {
  Impl& m = *impl_;
  if (agent.empty()) return absl::InvalidArgumentError("SH-SHIFTS: a shift needs an agent");
  if (channels.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SH-SHIFTS: ", std::string(agent), "'s shift names no channel"));
  }
  const ShiftTemplate* t = m.options.shifts.Find(shift);
  if (t == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("SH-SHIFTS: no shift named \"", std::string(shift), "\""));
  }
  if (m.on_shift.find(agent) != m.on_shift.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("SH-SHIFTS: ", std::string(agent), " is on a shift already"));
  }
  const LocalDay day = m.options.calendar.DayOf(at);
  const Duration arrived = at - m.options.calendar.StartOfDay(day);
  m.Open(agent, channels, at);
  m.on_shift.emplace(std::string(agent),
                     Impl::OnShift{std::move(channels), false, std::string(shift), at});
  std::vector<Decision> out;
  if (std::optional<Decision> late = m.options.shifts.Arrival(*t, arrived)) {
    out.push_back(*std::move(late));
  }
  if (!ShiftPolicy::Runs(*t, day)) {
    out.push_back(m.options.shifts.StartedOnAnOffDay(*t, agent, day));
  }
  for (const Decision& d : out) m.findings.emplace_back(at, d);
  return out;
}

std::optional<HandoverCase> TeamLedger::TakingOver(std::string_view agent, Timestamp at) const {
  const Impl& m = *impl_;
  auto in = m.on_shift.find(agent);
  if (in == m.on_shift.end() || at < in->second.arrived) return std::nullopt;
  const ShiftTemplate* t = m.options.shifts.Find(in->second.shift);
  if (t == nullptr || t->takes_over.empty()) return std::nullopt;
  // The window: from the arrival to the shift's start on the arrival's day.
  const BusinessCalendar& cal = m.options.calendar;
  const Timestamp begins = cal.StartOfDay(cal.DayOf(in->second.arrived)) + t->start;
  if (at >= begins) return std::nullopt;
  const std::vector<std::string>& wanted = in->second.channels;
  const Impl::OnShift* best = nullptr;
  const std::string* best_agent = nullptr;
  size_t best_shared = 0;
  for (const auto& [name, on] : m.on_shift) {  // by name: ties go to the first
    if (name == agent || on.shift != t->takes_over) continue;
    size_t shared = 0;
    for (const std::string& c : on.channels) {
      if (std::find(wanted.begin(), wanted.end(), c) != wanted.end()) ++shared;
    }
    if (shared == 0) continue;
    if (best == nullptr || shared > best_shared ||
        (shared == best_shared && on.arrived < best->arrived)) {
      best = &on;
      best_agent = &name;
      best_shared = shared;
    }
  }
  if (best == nullptr) return std::nullopt;
  return m.options.shifts.StaysWithOutgoing(*best_agent, agent, t->name);
}

void TeamLedger::ShiftEnded(std::string_view agent, Timestamp at) {
  auto it = impl_->on_shift.find(agent);
  if (it == impl_->on_shift.end()) return;
  impl_->Close(agent, at);
  impl_->on_shift.erase(it);
}

std::optional<Decision> TeamLedger::SeatLeft(std::string_view agent, Timestamp at,
                                             bool handed_over) {
  auto it = impl_->on_shift.find(agent);
  if (it == impl_->on_shift.end() || it->second.away) return std::nullopt;
  it->second.away = true;
  impl_->Close(agent, at);
  if (handed_over) return std::nullopt;
  std::string channels;
  for (const std::string& c : it->second.channels) {
    if (!channels.empty()) channels += "、";
    channels += c;
  }
  Decision d = impl_->options.shifts.LeftWithoutHandover(agent, channels);
  impl_->findings.emplace_back(at, d);
  return d;
}

void TeamLedger::SeatReturned(std::string_view agent, Timestamp at) {
  auto it = impl_->on_shift.find(agent);
  if (it == impl_->on_shift.end() || !it->second.away) return;
  it->second.away = false;
  impl_->Open(agent, it->second.channels, at);
}

std::vector<Decision> TeamLedger::CoverageGaps(LocalDay day) const {
  const BusinessCalendar& cal = impl_->options.calendar;
  const Timestamp start = cal.StartOfDay(day);
  const Timestamp end = cal.StartOfDay(day + 1);
  std::vector<ShiftPolicy::Staffing> staffing;
  for (const Impl::Stretch& s : impl_->stretches) {
    if (s.to <= start || s.from >= end) continue;
    const Timestamp from = std::max(s.from, start);
    const Timestamp to = std::min(s.to, end);
    staffing.push_back({s.agent, s.channel, from - start, to - start});
  }
  return impl_->options.shifts.Gaps(staffing);
}

absl::StatusOr<TeamLedger> TeamLedger::Create(Options options) {
  const ResponsePolicy& r = options.response;
  if (r.counted_from < absl::ZeroDuration() || r.counted_from >= r.counted_until ||
      r.counted_until > absl::Hours(24)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ResponsePolicy: the counted hours must be 0 <= from < until <= 24h, not ",
        absl::FormatDuration(r.counted_from), "-", absl::FormatDuration(r.counted_until)));
  }
  if (r.within <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("ResponsePolicy: `within` must be positive");
  }
  if (options.targets.days_per_week < 1 || options.targets.days_per_week > 7) {
    return absl::InvalidArgumentError(absl::StrCat("KPI-MONTH: days_per_week must be 1..7, not ",
                                                   options.targets.days_per_week));
  }
  if (const ShiftTemplate* t = internal::TakesOverFromNoShift(options.shifts.shifts)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SH-HANDOVER: shift \"", t->name, "\" takes over from \"", t->takes_over,
                     "\", which is not another shift"));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  return TeamLedger(std::move(impl));
}

const TeamLedger::Options& TeamLedger::options() const { return impl_->options; }

TeamLedger::TeamLedger() : impl_(std::make_unique<Impl>()) {}
TeamLedger::TeamLedger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TeamLedger::TeamLedger(const TeamLedger& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
TeamLedger& TeamLedger::operator=(const TeamLedger& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
TeamLedger::TeamLedger(TeamLedger&&) noexcept = default;
TeamLedger& TeamLedger::operator=(TeamLedger&&) noexcept = default;
TeamLedger::~TeamLedger() = default;

absl::StatusOr<Decision> TeamLedger::StartMonth(absl::CivilMonth month,
                                                int64_t last_month_orders) {
  absl::StatusOr<TargetPolicy::Month> t =
      impl_->options.targets.MonthTarget(last_month_orders, DaysIn(month));
  if (!t.ok()) return t.status();
  Impl::MonthState& m = impl_->months[month];
  m.target = *t;
  m.has_target = true;
  if (!impl_->current.has_value() || *impl_->current < absl::CivilDay(month)) m.complete = true;
  // The week the month begins in starts from the month's weekly quota.
  WeekTargets& w = impl_->WeekOf(MondayOf(absl::CivilDay(month)));
  w.quota = impl_->options.targets.NextWeek(t->weekly, t->weekly, t->weekly);
  w.has_quota = true;
  return impl_->options.targets.MonthSet(last_month_orders, *t);
}

Ruling TeamLedger::Observe(const ShopEvent& event, const Outcome& outcome) {
  if (outcome.audit.duplicate) return {};
  // Score cases: a refused registration counts too (it is the case).
  if (std::holds_alternative<TicketEvent>(event.event) && !outcome.audit.agent.empty()) {
    for (const Decision& d : outcome.decisions) {
      if (d.rule == RegisterPolicy::kRule) {
        (void)RecordCase(outcome.audit.agent, ScorePart::kAfterSalesRecord,
                         d.verdict == Verdict::kAllowed, outcome.audit.at);
      } else if (d.rule == PostageCapPolicy::kRule) {
        (void)RecordCase(outcome.audit.agent, ScorePart::kAfterSalesCost,
                         d.verdict == Verdict::kAllowed, outcome.audit.at);
      }
    }
  }
  if (outcome.audit.refused) return {};
  if (const OrderEvent* o = std::get_if<OrderEvent>(&event.event)) {
    if (const kefu::OrderPlaced* placed = std::get_if<kefu::OrderPlaced>(o)) {
      return impl_->OrderPlaced(event.key, *placed);
    }
    if (const Cancelled* c = std::get_if<Cancelled>(o)) {
      // One line of several cancelled leaves the order counted.
      if (!c->line.has_value() || outcome.audit.state_after == Cancelled::kName) {
        impl_->OrderCancelled(event.key);
      }
    } else if (std::holds_alternative<MarkedShipped>(*o)) {
      impl_->ForgetOrder(event.key);
    }
    return {};
  }
  if (const ReplyEvent* r = std::get_if<ReplyEvent>(&event.event)) {
    if (const ReplyPosted* posted = std::get_if<ReplyPosted>(r)) {
      AgentReplied(event.key, posted->meta.agent, posted->meta.at);
    } else if (const kefu::BuyerMessaged* asked = std::get_if<kefu::BuyerMessaged>(r)) {
      BuyerMessaged(event.key, asked->buyer.empty() ? event.key : asked->buyer, asked->meta.at);
    }
  }
  return {};
}

void TeamLedger::ForgetShipped(absl::FunctionRef<bool(std::string_view order)> shipped) {
  auto& days = impl_->order_days;
  for (auto it = days.begin(); it != days.end();) {
    if (shipped(it->first.view())) {
      days.erase(it++);
    } else {
      ++it;
    }
  }
}

void TeamLedger::BuyerMessaged(std::string_view conversation, std::string_view buyer,
                               Timestamp at) {
  Impl& m = *impl_;
  Impl::Round& round = m.rounds[std::string(conversation)];
  if (!round.open) {
    round.open = true;
    round.started = at;
    round.buyer = std::string(buyer);
    const LocalDay day = m.options.calendar.DayOf(at);
    ResponseStats& shop = m.shop_days[day];
    shop.rounds++;
    if (m.Counted(at)) shop.counted++;
  }
  if (!buyer.empty()) m.buyers.try_emplace(internal::EntityKey(buyer), Impl::Buyer{at, 0, false});
}

void TeamLedger::AgentReplied(std::string_view conversation, std::string_view agent,
                              Timestamp at, bool automatic) {
  Impl& m = *impl_;
  if (automatic || agent.empty()) return;
  auto it = m.rounds.find(internal::ToAbsl(conversation));  // no string made
  if (it == m.rounds.end() || !it->second.open) return;
  // A round answered is done with: the conversation's next message opens
  // a new one, as it would after a closed round. Kept, the closed rounds
  // of every conversation seen were the ledger's largest table.
  const Impl::Round round = std::move(it->second);
  m.rounds.erase(it);
  const Duration took = std::max(at - round.started, absl::ZeroDuration());
  const bool counted = m.Counted(round.started);
  const bool in_time = took <= m.options.response.within;
  const LocalDay day = m.options.calendar.DayOf(round.started);
  ResponseStats& mine = m.agent_days[{std::string(agent), day}];  // looked up once
  for (ResponseStats* s : {&mine, &m.shop_days[day]}) {
    s->answered++;
    s->total_first_response += took;
    if (counted && in_time) s->in_time++;
  }
  mine.rounds++;
  if (counted) mine.counted++;
  // The buyer's first answer makes them this agent's inquiry.
  if (!round.buyer.empty()) {
    auto b = m.buyers.find(round.buyer);
    if (b != m.buyers.end() && b->second.agent == 0) {
      b->second.agent = m.BuyerAgent(agent);
      m.conversions[m.AgentOf(b->second)].asked++;
    }
  }
}

int64_t TeamLedger::OrdersOn(LocalDay day) const {
  auto it = impl_->days.find(day);
  return it == impl_->days.end() ? 0 : it->second.done;
}

std::optional<int64_t> TeamLedger::DayQuota(LocalDay day) const { return impl_->DayQuota(day); }

WeekTargets TeamLedger::Week(LocalDay day) const {
  auto it = impl_->weeks.find(MondayOf(day));
  if (it != impl_->weeks.end()) return it->second;
  WeekTargets w;
  w.monday = MondayOf(day);
  return w;
}

std::optional<TargetPolicy::Month> TeamLedger::MonthTargets(absl::CivilMonth month) const {
  auto it = impl_->months.find(month);
  if (it == impl_->months.end() || !it->second.has_target) return std::nullopt;
  return it->second.target;
}

ResponseStats TeamLedger::AgentDay(std::string_view agent, LocalDay day) const {
  auto it = impl_->agent_days.find({std::string(agent), day});
  return it == impl_->agent_days.end() ? ResponseStats{} : it->second;
}

ResponseStats TeamLedger::ShopDay(LocalDay day) const {
  auto it = impl_->shop_days.find(day);
  return it == impl_->shop_days.end() ? ResponseStats{} : it->second;
}

std::vector<ResponseWarning> TeamLedger::Warnings(LocalDay day) const {
  std::vector<ResponseWarning> out;
  for (const auto& [key, stats] : impl_->agent_days) {
    if (key.second != day) continue;
    const std::optional<Rate> rate = stats.rate();
    if (!rate.has_value() ||
        rate->basis_points() >= impl_->options.response.target.basis_points()) {
      continue;
    }
    out.push_back({key.first, day, *rate, impl_->options.response.target, stats.counted,
                   stats.in_time});
  }
  return out;  // the map is ordered by agent, then day
}

Conversion TeamLedger::AgentConversion(std::string_view agent) const {
  auto it = impl_->conversions.find(agent);
  return it == impl_->conversions.end() ? Conversion{} : it->second;
}

std::vector<std::string> TeamLedger::Agents() const {
  std::vector<std::string> out;
  for (const auto& [key, stats] : impl_->agent_days) {
    if (out.empty() || out.back() != key.first) out.push_back(key.first);
  }
  for (const auto& [agent, c] : impl_->conversions) out.push_back(agent);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<WeekTargets> TeamLedger::Weeks() const {
  std::vector<WeekTargets> out;
  for (const auto& [monday, w] : impl_->weeks) out.push_back(w);
  return out;
}

std::vector<std::pair<absl::CivilMonth, TargetPolicy::Month>> TeamLedger::Months() const {
  std::vector<std::pair<absl::CivilMonth, TargetPolicy::Month>> out;
  for (const auto& [month, m] : impl_->months) {
    if (m.has_target) out.emplace_back(month, m.target);
  }
  return out;
}

bool TeamLedger::DayDoneAnnounced(LocalDay day) const {
  auto it = impl_->days.find(day);
  return it != impl_->days.end() && it->second.announced;
}

std::vector<LocalDay> TeamLedger::Days() const {
  const Impl& m = *impl_;
  std::vector<LocalDay> out;
  for (const auto& [day, d] : m.days) out.push_back(day);
  for (const auto& [day, stats] : m.shop_days) out.push_back(day);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<LocalDay> TeamLedger::StaffedDays() const {
  const Impl& m = *impl_;
  std::vector<LocalDay> out;
  for (const Impl::Stretch& st : m.stretches) {
    const LocalDay from = m.options.calendar.DayOf(st.from);
    // An open stretch counts for the day it began only.
    const LocalDay to = st.to == absl::InfiniteFuture() ? from : m.options.calendar.DayOf(st.to);
    for (LocalDay d = from; d <= to && d - from <= 31; ++d) out.push_back(d);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::pair<std::string, LocalDay>> TeamLedger::AgentDays() const {
  std::vector<std::pair<std::string, LocalDay>> out;
  for (const auto& [key, stats] : impl_->agent_days) out.push_back(key);
  return out;
}

std::vector<ScoreCard> TeamLedger::Cards() const {
  std::vector<ScoreCard> out;
  for (const auto& [key, card] : impl_->cards) out.push_back(Card(key.first, key.second));
  return out;
}

std::vector<std::pair<Timestamp, Decision>> TeamLedger::ShiftFindings() const {
  return impl_->findings;
}

// ------------------------------------------------------------------ saving
//
// The saved form, in kefu's binary encoding (core/codec.h): a format
// number, then each part of Impl in the order below. Days are counted from
// 1970-01-01, months from year 0; hash maps are written sorted by key.

namespace {

// 2: an agent on a shift also keeps the shift's name and the arrival
// (SH-HANDOVER's window); format 1 is still read (its open shifts have no
// window).
constexpr uint64_t kLedgerFormat = 2;
const LocalDay kEpochDay(1970, 1, 1);

using internal::ByteReader;
using internal::ByteWriter;

void PutDay(ByteWriter& w, LocalDay d) { w.Signed(d - kEpochDay); }
bool GetDay(ByteReader& r, LocalDay* d) {
  int64_t n = 0;
  if (!r.Signed(&n)) return false;
  if (n < -1000000 || n > 1000000) return r.Fail("a day out of range");
  *d = kEpochDay + n;
  return true;
}
void PutMonth(ByteWriter& w, absl::CivilMonth m) { w.Signed(m.year() * 12 + (m.month() - 1)); }
bool GetMonth(ByteReader& r, absl::CivilMonth* m) {
  int64_t n = 0;
  if (!r.Signed(&n)) return false;
  if (n < 0 || n > 12 * 10000) return r.Fail("a month out of range");
  *m = absl::CivilMonth(n / 12, static_cast<int>(n % 12) + 1);
  return true;
}
void PutDuration(ByteWriter& w, Duration d) { w.Signed(absl::ToInt64Nanoseconds(d)); }
bool GetDuration(ByteReader& r, Duration* d) {
  int64_t n = 0;
  if (!r.Signed(&n)) return false;
  *d = absl::Nanoseconds(n);
  return true;
}
void PutStats(ByteWriter& w, const ResponseStats& s) {
  for (int64_t n : {s.rounds, s.answered, s.counted, s.in_time}) w.Signed(n);
  PutDuration(w, s.total_first_response);
}
bool GetStats(ByteReader& r, ResponseStats* s) {
  for (int64_t* n : {&s->rounds, &s->answered, &s->counted, &s->in_time}) {
    if (!r.Signed(n)) return false;
  }
  return GetDuration(r, &s->total_first_response);
}
void PutOptionalInt(ByteWriter& w, const std::optional<int>& v) {
  w.Bool(v.has_value());
  if (v) w.Signed(*v);
}
bool GetOptionalInt(ByteReader& r, std::optional<int>* v) {
  bool has = false;
  if (!r.Bool(&has)) return false;
  if (!has) {
    v->reset();
    return true;
  }
  int64_t n = 0;
  if (!r.Signed(&n)) return false;
  *v = static_cast<int>(n);
  return true;
}
template <class Map>
std::vector<const typename Map::value_type*> SortedByKey(const Map& m) {
  std::vector<const typename Map::value_type*> out;
  for (const auto& entry : m) out.push_back(&entry);
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  return out;
}

}  // namespace

std::string TeamLedger::SaveState() const {
  const Impl& m = *impl_;
  std::string out;
  ByteWriter w(&out);
  w.Varint(kLedgerFormat);
  w.Varint(m.months.size());
  for (const auto& [month, st] : m.months) {
    PutMonth(w, month);
    w.Bool(st.has_target);
    for (int64_t n : {st.target.base, st.target.stretch, st.target.daily, st.target.weekly, st.done}) {
      w.Signed(n);
    }
    w.Bool(st.complete);
  }
  w.Varint(m.weeks.size());
  for (const auto& [monday, wk] : m.weeks) {
    PutDay(w, monday);
    w.Bool(wk.has_quota);
    for (int64_t n : {wk.quota.quota, wk.quota.daily, wk.quota.carried, wk.done}) w.Signed(n);
  }
  w.Varint(m.days.size());
  for (const auto& [day, d] : m.days) {
    PutDay(w, day);
    w.Signed(d.done);
    w.Bool(d.announced);
  }
  const auto order_days = SortedByKey(m.order_days);
  w.Varint(order_days.size());
  for (const auto* e : order_days) {
    w.String(e->first);
    PutDay(w, e->second);
  }
  w.Bool(m.current.has_value());
  if (m.current) PutDay(w, *m.current);
  const auto rounds = SortedByKey(m.rounds);
  w.Varint(rounds.size());
  for (const auto* e : rounds) {
    w.String(e->first);
    w.Bool(e->second.open);
    w.Time(e->second.started);
    w.String(e->second.buyer);
  }
  w.Varint(m.agent_days.size());
  for (const auto& [key, stats] : m.agent_days) {
    w.String(key.first);
    PutDay(w, key.second);
    PutStats(w, stats);
  }
  w.Varint(m.shop_days.size());
  for (const auto& [day, stats] : m.shop_days) {
    PutDay(w, day);
    PutStats(w, stats);
  }
  const auto buyers = SortedByKey(m.buyers);
  w.Varint(buyers.size());
  for (const auto* e : buyers) {
    w.String(e->first);
    w.String(e->second.agent != 0 ? std::string_view(m.AgentOf(e->second)) : std::string_view());
    w.Time(e->second.asked);
    w.Bool(e->second.ordered);
  }
  w.Varint(m.conversions.size());
  for (const auto& [agent, c] : m.conversions) {
    w.String(agent);
    w.Signed(c.asked);
    w.Signed(c.ordered);
  }
  w.Varint(m.cards.size());
  for (const auto& [key, card] : m.cards) {
    w.String(key.first);
    PutMonth(w, key.second);
    for (const Impl::Cases& c : card.cases) {
      w.Signed(c.good);
      w.Signed(c.total);
    }
    for (const std::optional<int>& j : card.judged) PutOptionalInt(w, j);
    PutOptionalInt(w, card.exam);
  }
  w.Varint(m.reports.size());
  for (const TeamReport& r : m.reports) {
    w.Varint(static_cast<uint64_t>(r.kind));
    w.String(r.from);
    w.String(r.summary);
    w.Time(r.at);
  }
  w.Varint(m.findings.size());
  for (const auto& [at, d] : m.findings) {
    w.Time(at);
    Outcome o;
    o.decisions.push_back(d);
    internal::EncodeOutcome(o, w);
  }
  w.Varint(m.stretches.size());
  for (const Impl::Stretch& st : m.stretches) {
    w.String(st.agent);
    w.String(st.channel);
    w.Time(st.from);
    w.Time(st.to);
  }
  w.Varint(m.on_shift.size());
  for (const auto& [agent, on] : m.on_shift) {
    w.String(agent);
    w.Varint(on.channels.size());
    for (const std::string& c : on.channels) w.String(c);
    w.Bool(on.away);
    w.String(on.shift);
    w.Time(on.arrived);
  }
  return out;
}

absl::Status TeamLedger::LoadState(std::string_view saved) {
  Impl m;
  m.options = impl_->options;
  ByteReader r(saved);
  auto fail = [&r]() {
    return absl::DataLossError(absl::StrCat("the team ledger: ",
                                            r.ok() ? std::string("truncated") : r.error()));
  };
  uint64_t format = 0;
  if (!r.Varint(&format)) return fail();
  if (format != 1 && format != kLedgerFormat) {
    return absl::DataLossError(
        absl::StrCat("the team ledger: format ", format, ", not ", kLedgerFormat));
  }
  size_t n = 0;
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    absl::CivilMonth month;
    Impl::MonthState st;
    if (!GetMonth(r, &month) || !r.Bool(&st.has_target)) return fail();
    for (int64_t* v : {&st.target.base, &st.target.stretch, &st.target.daily, &st.target.weekly,
                       &st.done}) {
      if (!r.Signed(v)) return fail();
    }
    if (!r.Bool(&st.complete)) return fail();
    m.months[month] = st;
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    WeekTargets wk;
    if (!GetDay(r, &wk.monday) || !r.Bool(&wk.has_quota)) return fail();
    for (int64_t* v : {&wk.quota.quota, &wk.quota.daily, &wk.quota.carried, &wk.done}) {
      if (!r.Signed(v)) return fail();
    }
    m.weeks[wk.monday] = wk;
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    LocalDay day;
    Impl::DayState d;
    if (!GetDay(r, &day) || !r.Signed(&d.done) || !r.Bool(&d.announced)) return fail();
    m.days[day] = d;
  }
  if (!r.Count(&n)) return fail();
  // Each map sized once for its count; an entry takes 2 bytes and more (a
  // corrupt count reserves no more than the input could hold).
  m.order_days.reserve(std::min(n, r.remaining() / 2));
  for (size_t i = 0; i < n; ++i) {
    std::string key;
    LocalDay day;
    if (!r.String(&key) || !GetDay(r, &day)) return fail();
    m.order_days.try_emplace(internal::EntityKey(key), day);
  }
  bool has_current = false;
  if (!r.Bool(&has_current)) return fail();
  if (has_current) {
    LocalDay day;
    if (!GetDay(r, &day)) return fail();
    m.current = day;
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    std::string key;
    Impl::Round round;
    if (!r.String(&key) || !r.Bool(&round.open) || !r.Time(&round.started) ||
        !r.String(&round.buyer)) {
      return fail();
    }
    // A state saved before answered rounds were dropped keeps them
    // closed: the same as none.
    if (round.open) m.rounds.emplace(std::move(key), std::move(round));
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    std::string agent;
    LocalDay day;
    ResponseStats stats;
    if (!r.String(&agent) || !GetDay(r, &day) || !GetStats(r, &stats)) return fail();
    m.agent_days[{std::move(agent), day}] = stats;
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    LocalDay day;
    ResponseStats stats;
    if (!GetDay(r, &day) || !GetStats(r, &stats)) return fail();
    m.shop_days[day] = stats;
  }
  if (!r.Count(&n)) return fail();
  m.buyers.reserve(std::min(n, r.remaining() / 4));
  for (size_t i = 0; i < n; ++i) {
    std::string key;
    std::string agent;
    Impl::Buyer b;
    if (!r.String(&key) || !r.String(&agent) || !r.Time(&b.asked) || !r.Bool(&b.ordered)) {
      return fail();
    }
    b.agent = m.BuyerAgent(agent);
    m.buyers.emplace(internal::EntityKey(key), b);
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    std::string agent;
    Conversion c;
    if (!r.String(&agent) || !r.Signed(&c.asked) || !r.Signed(&c.ordered)) return fail();
    m.conversions[agent] = c;
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    std::string agent;
    absl::CivilMonth month;
    Impl::CardState card;
    if (!r.String(&agent) || !GetMonth(r, &month)) return fail();
    for (Impl::Cases& c : card.cases) {
      if (!r.Signed(&c.good) || !r.Signed(&c.total)) return fail();
    }
    for (std::optional<int>& j : card.judged) {
      if (!GetOptionalInt(r, &j)) return fail();
    }
    if (!GetOptionalInt(r, &card.exam)) return fail();
    m.cards[{std::move(agent), month}] = card;
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    TeamReport rep;
    uint64_t kind = 0;
    if (!r.Varint(&kind) || !r.String(&rep.from) || !r.String(&rep.summary) || !r.Time(&rep.at)) {
      return fail();
    }
    if (kind >= static_cast<uint64_t>(kReportKindCount)) {
      r.Fail("a report kind");
      return fail();
    }
    rep.kind = static_cast<ReportKind>(kind);
    m.reports.push_back(std::move(rep));
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    Timestamp at;
    Outcome o;
    if (!r.Time(&at) || !internal::DecodeOutcome(r, &o)) return fail();
    if (o.decisions.size() != 1) {
      r.Fail("a shift finding");
      return fail();
    }
    m.findings.emplace_back(at, o.decisions[0]);
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    Impl::Stretch st;
    if (!r.String(&st.agent) || !r.String(&st.channel) || !r.Time(&st.from) || !r.Time(&st.to)) {
      return fail();
    }
    m.stretches.push_back(std::move(st));
  }
  if (!r.Count(&n)) return fail();
  for (size_t i = 0; i < n; ++i) {
    std::string agent;
    Impl::OnShift on;
    size_t k = 0;
    if (!r.String(&agent) || !r.Count(&k)) return fail();
    on.channels.resize(k);
    for (std::string& c : on.channels) {
      if (!r.String(&c)) return fail();
    }
    if (!r.Bool(&on.away)) return fail();
    if (format >= 2 && (!r.String(&on.shift) || !r.Time(&on.arrived))) return fail();
    m.on_shift.emplace(std::move(agent), std::move(on));
  }
  if (!r.at_end()) {
    return absl::DataLossError(
        absl::StrCat("the team ledger: ", r.remaining(), " bytes after the end"));
  }
  *impl_ = std::move(m);
  return absl::OkStatus();
}

}  // namespace kefu
