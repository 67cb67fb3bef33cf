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
#include "kefu/engine/conversation.h"
#include "kefu/machines/order.h"

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
  // The day each counted order was placed, to uncount a cancellation.
  absl::flat_hash_map<std::string, LocalDay> order_days;
  // The latest day an order was counted on: months and weeks move forward
  // from it.
  std::optional<LocalDay> current;

  // ---- responses
  struct Round {
    bool open = false;
    Timestamp started;
    std::string buyer;
  };
  absl::flat_hash_map<std::string, Round> rounds;  // by conversation
  std::map<std::pair<std::string, LocalDay>, ResponseStats> agent_days;
  std::map<LocalDay, ResponseStats> shop_days;
  struct Buyer {
    std::string agent;  // who answered first; empty until then
    Timestamp asked;
    bool ordered = false;
  };
  absl::flat_hash_map<std::string, Buyer> buyers;
  std::map<std::string, Conversion, std::less<>> conversions;

  bool Counted(Timestamp t) const {
    const LocalDay day = options.calendar.DayOf(t);
    const Duration tod = t - options.calendar.StartOfDay(day);
    return tod >= options.response.counted_from && tod < options.response.counted_until;
  }

  WeekTargets& WeekOf(LocalDay monday) {
    WeekTargets& w = weeks[monday];
    w.monday = monday;
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
    if (!order_days.emplace(order, day).second) return out;  // counted already
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
      if (b != buyers.end() && !b->second.ordered && !b->second.agent.empty() &&
          b->second.asked <= e.meta.at) {
        b->second.ordered = true;
        conversions[b->second.agent].ordered++;
      }
    }
    return out;
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
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  return TeamLedger(std::move(impl));
}

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
  if (outcome.audit.duplicate || outcome.audit.refused) return {};
  if (const OrderEvent* o = std::get_if<OrderEvent>(&event.event)) {
    if (const kefu::OrderPlaced* placed = std::get_if<kefu::OrderPlaced>(o)) {
      return impl_->OrderPlaced(event.key, *placed);
    }
    if (std::holds_alternative<Cancelled>(*o)) impl_->OrderCancelled(event.key);
    return {};
  }
  if (const ReplyEvent* r = std::get_if<ReplyEvent>(&event.event)) {
    if (const ReplyPosted* posted = std::get_if<ReplyPosted>(r)) {
      AgentReplied(event.key, posted->meta.agent, posted->meta.at);
    }
  }
  return {};
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
  if (!buyer.empty()) m.buyers.try_emplace(std::string(buyer), Impl::Buyer{"", at, false});
}

void TeamLedger::AgentReplied(std::string_view conversation, std::string_view agent,
                              Timestamp at, bool automatic) {
  Impl& m = *impl_;
  if (automatic || agent.empty()) return;
  auto it = m.rounds.find(std::string(conversation));
  if (it == m.rounds.end() || !it->second.open) return;
  Impl::Round& round = it->second;
  round.open = false;
  const Duration took = std::max(at - round.started, absl::ZeroDuration());
  const bool counted = m.Counted(round.started);
  const bool in_time = took <= m.options.response.within;
  const LocalDay day = m.options.calendar.DayOf(round.started);
  for (ResponseStats* s : {&m.agent_days[{std::string(agent), day}], &m.shop_days[day]}) {
    s->answered++;
    s->total_first_response += took;
    if (counted && in_time) s->in_time++;
  }
  ResponseStats& mine = m.agent_days[{std::string(agent), day}];
  mine.rounds++;
  if (counted) mine.counted++;
  // The buyer's first answer makes them this agent's inquiry.
  if (!round.buyer.empty()) {
    auto b = m.buyers.find(round.buyer);
    if (b != m.buyers.end() && b->second.agent.empty()) {
      b->second.agent = std::string(agent);
      m.conversions[b->second.agent].asked++;
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

}  // namespace kefu
