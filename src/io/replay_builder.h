// replay_builder.h: the report of a replay (kefu/io/replay.h), built one
// event at a time. Replay() drives it over a file; the SQLite store
// (kefu/store/sqlite_store.h) drives it over its journal and keeps its whole
// state beside the shop in each snapshot (SaveAll / LoadAll), so that a
// report from a store equals the report of one replay of every event the
// store took. Private.
//
// Thread safety: none; its owner serializes every call (and the shop's
// Apply) itself.
#ifndef KEFU_IO_REPLAY_BUILDER_H_
#define KEFU_IO_REPLAY_BUILDER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/absl_compat.h"
#include "core/codec.h"
#include "engine/state_codec.h"
#include "kefu/io/replay.h"
#include "kefu/machines/ticket_report.h"

namespace kefu::internal {


inline constexpr std::string_view kUnassigned = "(unassigned)";

// The report's team sections from a shop's ledger (src/io/replay.cc).
ReplayTeam TeamSections(const TeamLedger& ledger);

// The report's tallies by name (a rule, an action kind, a figure), sorted,
// looked up by a view: a name already counted is found without making a
// string of it.
template <class V>
using ByName = std::map<std::string, V, std::less<>>;
using NameCounts = ByName<int64_t>;
using NameSums = ByName<Money>;

// The entry of `name` in `m`, made (value-initialized) when absent.
template <class V>
V& EntryOf(ByName<V>& m, std::string_view name) {
  auto it = m.find(name);
  if (it == m.end()) it = m.emplace(std::string(name), V()).first;
  return it->second;
}

// A sorted map as the report's sorted vector of pairs.
template <class V>
std::vector<std::pair<std::string, V>> ToVector(const ByName<V>& m) {
  return {m.begin(), m.end()};
}

inline void AddMoney(NameSums& sums, const Figures& figures) {
  for (const Figure& f : figures) {
    if (const Money* m = std::get_if<Money>(&f.value)) {
      Money& sum = EntryOf(sums, f.name);
      // Saturate rather than fail: a report total is not worth an error.
      absl::StatusOr<Money> next = sum.Add(*m);
      if (next.ok()) sum = *next;
    }
  }
}

class ReplayBuilder {
 public:
  ReplayBuilder(const ReplayOptions& options, Shop& shop, ReplayReport& report)
      : options_(options), shop_(shop), report_(report) {}

  void LineError(int64_t line, std::string event_id, std::string message) {
    if (report_.errors.size() < options_.max_errors_kept) {
      report_.errors.push_back({line, std::move(event_id), std::move(message)});
    }
  }

  // Collects what fell due by `now` (never past `until` when it is given),
  // before an event of that time is applied. What is due by the replay's
  // clock (the latest time of an applied event) is counted at once; what is
  // due later is held until an applied event, or the end, takes the clock
  // past it: time moves on only with events the shop applied, so an event
  // it refuses or rejects (dated 2150, say) does not make the rest fall due.
  void CollectDue(Timestamp now) {
    if (options_.until && now > *options_.until) now = *options_.until;
    const bool hold = now > clock_;
    if (hold && !held_.empty()) held_sorted_ = false;
    // In slices into one reused vector: the end of a long replay can hold a
    // day's backlog, hundreds of MB of DueItems in one call.
    constexpr size_t kSlice = 4096;
    for (;;) {
      due_.clear();
      const size_t got = shop_.Due(now, kSlice, &due_);
      for (DueItem& item : due_) {
        if (on_taken_) on_taken_(item);
        Held h = Resolve(std::move(item));
        if (hold) {
          held_.push_back(std::move(h));
        } else {
          Count(h);
        }
      }
      if (got < kSlice) break;
    }
  }

  // An event at `t` was applied: the clock moves to it (never back), and
  // what was held up to it is counted, in time order.
  void Advance(Timestamp t) {
    if (t > clock_) clock_ = t;
    if (held_.empty()) return;
    if (!held_sorted_) {
      std::stable_sort(held_.begin(), held_.end(),
                       [](const Held& a, const Held& b) { return a.at < b.at; });
      held_sorted_ = true;
    }
    size_t n = 0;
    while (n < held_.size() && held_[n].at <= clock_) Count(held_[n++]);
    held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(n));
  }

  // The latest time of an applied event; InfinitePast before the first.
  Timestamp clock() const { return clock_; }
  // Items taken from the shop that are still held (due after the clock).
  size_t held() const { return held_.size(); }

  // The replay's own state beside the shop's: its clock and what it holds
  // (see ReplayOptions::state_in).
  void SaveState(internal::ByteWriter& w) const {
    w.Time(clock_);
    w.Varint(held_.size());
    for (const Held& h : held_) {
      internal::EncodeDueItem(Held(h).Item(), w);
      w.String(h.to);
    }
  }
  bool LoadState(internal::ByteReader& r) {
    size_t n = 0;
    if (!r.Time(&clock_) || !r.Count(&n)) return false;
    held_.clear();
    for (size_t i = 0; i < n; ++i) {
      DueItem item;
      std::string to;
      if (!internal::DecodeDueItem(r, &item) || !r.String(&to)) return false;
      held_.emplace_back(std::move(item)).to = std::move(to);
    }
    held_sorted_ = false;
    return true;
  }

  // Called with every item taken from the shop's queue, before the report
  // counts or holds it (the store records them for delivery).
  void SetOnTaken(std::function<void(const DueItem&)> fn) { on_taken_ = std::move(fn); }

  // One line that is not an event: counted as bad, its error kept.
  void Bad(int64_t line, std::string message) {
    LineError(line, "", std::move(message));
    ++report_.bad;
  }

  // One event, as Replay() takes each parsed line: what is due by its time
  // is taken first, then the shop applies it and the report records the
  // outcome; an engine error is counted as rejected (its message, prefixed
  // with "line N: ", kept) and returned.
  absl::StatusOr<Outcome> Feed(const ShopEvent& event, int64_t line) {
    const EventMeta& meta = MetaOf(event);
    if (!report_.first_event || meta.at < *report_.first_event) report_.first_event = meta.at;
    if (!report_.last_event || meta.at > *report_.last_event) report_.last_event = meta.at;
    CollectDue(meta.at);
    absl::StatusOr<Outcome> out = shop_.Apply(event);
    if (!out.ok()) {
      LineError(line, meta.id, absl::StrCat("line ", line, ": ", out.status().message()));
      ++report_.rejected;
      return out;
    }
    const bool refused = out->refused();  // a scan of the decisions: once
    if (!out->audit.duplicate && !refused) Advance(meta.at);
    Record(event, meta, *out, refused);
    return out;
  }

  // Ends the report: what is due by `until` (nullopt: the clock), what is
  // still pending, entities by state, the week's after-sales report, reply
  // findings. Call once, last.
  void Close(std::optional<Timestamp> until) {
    report_.until = until ? *until : clock();
    if (report_.until != absl::InfinitePast()) {
      Advance(report_.until);
      CollectDue(report_.until);
    }
    report_.pending_after_until = static_cast<int64_t>(shop_.PendingDeadlines() + held());
  }
  void Finalize() {
    Finish();
    report_.states = shop_.CountStates();
    report_.replies = shop_.ReplyReport();
    shop_.ReadTeam([&](const TeamLedger& team) { report_.team = TeamSections(team); });
    if (report_.states[1].total > 0 && report_.until != absl::InfinitePast()) {
      const BusinessCalendar& cal = shop_.calendar();
      const WeeklyPolicy& weekly = options_.shop.ticket_policies.weekly;
      const LocalDay report_day = ReportDayOnOrAfter(cal.DayOf(report_.until) - 6, weekly);
      absl::StatusOr<WeeklyReport> w = shop_.WeeklyTicketReport(report_day);
      if (w.ok()) report_.weekly = *std::move(w);
    }
  }

  // The whole report so far and the builder's own state (clock, held
  // items, tallies), for a store's snapshot: LoadAll on a fresh builder over
  // the shop saved at the same moment continues exactly where this one is.
  void SaveAll(ByteWriter& w) const {
    SaveState(w);
    const ReplayReport& r = report_;
    for (int64_t n : {r.lines, r.blank, r.bad, r.applied, r.refused, r.duplicates, r.rejected,
                      r.bytes, r.actions_total, r.warnings_total, r.breaches_total}) {
      w.Signed(n);
    }
    w.Varint(r.errors.size());
    for (const ReplayLineError& e : r.errors) {
      w.Signed(e.line);
      w.String(e.event_id);
      w.String(e.message);
    }
    w.Bool(r.first_event.has_value());
    if (r.first_event) w.Time(*r.first_event);
    w.Bool(r.last_event.has_value());
    if (r.last_event) w.Time(*r.last_event);
    for (const std::vector<DueItem>* items : {&r.warnings, &r.breaches}) {
      w.Varint(items->size());
      for (const DueItem& d : *items) EncodeDueItem(d, w);
    }
    auto money = [&w](const NameSums& m) {
      w.Varint(m.size());
      for (const auto& [name, amount] : m) {
        w.String(name);
        w.Amount(amount);
      }
    };
    auto counts = [&w](const NameCounts& m) {
      w.Varint(m.size());
      for (const auto& [name, n] : m) {
        w.String(name);
        w.Signed(n);
      }
    };
    std::vector<const std::pair<const std::string, Tally>*> tallies;
    for (const auto& entry : tallies_) tallies.push_back(&entry);
    std::sort(tallies.begin(), tallies.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    w.Varint(tallies.size());
    for (const auto* entry : tallies) {
      const Tally& t = entry->second;
      w.String(entry->first);
      for (int64_t n : {t.allowed, t.refused, t.adjusted, t.scheduled}) w.Signed(n);
      money(t.refused_money);
      money(t.adjusted_money);
    }
    counts(warnings_by_rule_);
    counts(breaches_by_rule_);
    w.Varint(agents_.size());
    for (const auto& [agent, a] : agents_) {
      w.String(agent);
      counts(a.by_kind);
      money(a.money);
      w.Signed(a.total);
      w.Varint(a.actions.size());
      for (const ReplayAction& x : a.actions) {
        w.Byte(static_cast<uint8_t>(x.entity_kind));
        w.String(x.entity);
        w.String(x.event_id);
        w.Time(x.due);
        EncodeAction(x.action, w);
      }
    }
  }
  bool LoadAll(ByteReader& r) {
    if (!LoadState(r)) return false;
    ReplayReport& rep = report_;
    for (int64_t* n : {&rep.lines, &rep.blank, &rep.bad, &rep.applied, &rep.refused,
                       &rep.duplicates, &rep.rejected, &rep.bytes, &rep.actions_total,
                       &rep.warnings_total, &rep.breaches_total}) {
      if (!r.Signed(n)) return false;
    }
    size_t n = 0;
    if (!r.Count(&n)) return false;
    rep.errors.resize(n);
    for (ReplayLineError& e : rep.errors) {
      if (!r.Signed(&e.line) || !r.String(&e.event_id) || !r.String(&e.message)) return false;
    }
    for (std::optional<Timestamp>* t : {&rep.first_event, &rep.last_event}) {
      bool has = false;
      if (!r.Bool(&has)) return false;
      if (has) {
        Timestamp v;
        if (!r.Time(&v)) return false;
        *t = v;
      }
    }
    for (std::vector<DueItem>* items : {&rep.warnings, &rep.breaches}) {
      if (!r.Count(&n)) return false;
      items->resize(n);
      for (DueItem& d : *items) {
        if (!DecodeDueItem(r, &d)) return false;
      }
    }
    auto money = [&r](NameSums* m) {
      size_t k = 0;
      if (!r.Count(&k)) return false;
      for (size_t i = 0; i < k; ++i) {
        std::string name;
        Money amount;
        if (!r.String(&name) || !r.Amount(&amount)) return false;
        (*m)[name] = amount;
      }
      return true;
    };
    auto counts = [&r](NameCounts* m) {
      size_t k = 0;
      if (!r.Count(&k)) return false;
      for (size_t i = 0; i < k; ++i) {
        std::string name;
        int64_t v = 0;
        if (!r.String(&name) || !r.Signed(&v)) return false;
        (*m)[name] = v;
      }
      return true;
    };
    if (!r.Count(&n)) return false;
    for (size_t i = 0; i < n; ++i) {
      std::string rule;
      if (!r.String(&rule)) return false;
      Tally& t = tallies_[rule];
      for (int64_t* v : {&t.allowed, &t.refused, &t.adjusted, &t.scheduled}) {
        if (!r.Signed(v)) return false;
      }
      if (!money(&t.refused_money) || !money(&t.adjusted_money)) return false;
    }
    if (!counts(&warnings_by_rule_) || !counts(&breaches_by_rule_)) return false;
    if (!r.Count(&n)) return false;
    for (size_t i = 0; i < n; ++i) {
      std::string agent;
      if (!r.String(&agent)) return false;
      AgentTally& a = agents_[agent];
      if (!counts(&a.by_kind) || !money(&a.money) || !r.Signed(&a.total)) return false;
      size_t k = 0;
      if (!r.Count(&k)) return false;
      a.actions.resize(k);
      for (ReplayAction& x : a.actions) {
        uint8_t kind = 0;
        if (!r.Byte(&kind)) return false;
        if (kind > static_cast<uint8_t>(EntityKind::kTeam)) return r.Fail("an entity kind");
        x.entity_kind = static_cast<EntityKind>(kind);
        if (!r.String(&x.entity) || !r.String(&x.event_id) || !r.Time(&x.due) ||
            !DecodeAction(r, &x.action)) {
          return false;
        }
      }
    }
    return true;
  }

  // `meta`: MetaOf(event); `refused`: out.refused().
  void Record(const ShopEvent& event, const EventMeta& meta, const Outcome& out, bool refused) {
    if (out.audit.duplicate) {
      ++report_.duplicates;
      return;
    }
    if (refused) {
      ++report_.refused;
    } else {
      ++report_.applied;
    }
    for (const Decision& d : out.decisions) {
      Tally& t = TallyOf(d.rule);
      switch (d.verdict) {
        case Verdict::kAllowed: ++t.allowed; break;
        case Verdict::kRefused: ++t.refused; AddMoney(t.refused_money, d.figures); break;
        case Verdict::kAdjusted: ++t.adjusted; AddMoney(t.adjusted_money, d.figures); break;
        case Verdict::kScheduled: ++t.scheduled; break;
      }
    }
    if (refused) return;  // a refused event asks for nothing
    for (const Action& a : out.actions) {
      // In the deadline queue: comes back in CollectDue, with this event's
      // id and agent.
      if (a.due && *a.due > meta.at) continue;
      std::string owner;
      std::string_view agent = !a.assignee.empty() ? std::string_view(a.assignee)
                               : !meta.agent.empty() ? std::string_view(meta.agent)
                                                     : (owner = OwnerOf(event.kind(), event.key));
      AddAction(agent, a,
                [&] { return ReplayAction{event.kind(), event.key, meta.id, meta.at, a}; });
    }
  }

  void Finish() {
    std::vector<std::pair<std::string, Tally*>> sorted;
    for (auto& [rule, t] : tallies_) sorted.emplace_back(rule, &t);
    std::sort(sorted.begin(), sorted.end());
    for (auto& [rule, tp] : sorted) {
      Tally& t = *tp;
      ReplayRuleTally r;
      r.rule = rule;
      r.allowed = t.allowed;
      r.refused = t.refused;
      r.adjusted = t.adjusted;
      r.scheduled = t.scheduled;
      r.refused_money = ToVector(t.refused_money);
      r.adjusted_money = ToVector(t.adjusted_money);
      report_.rules.push_back(std::move(r));
    }
    for (auto& [agent, a] : agents_) {
      ReplayAgentActions out;
      out.agent = agent;
      out.by_kind = ToVector(a.by_kind);
      out.money = ToVector(a.money);
      out.total = a.total;
      out.actions = std::move(a.actions);
      std::stable_sort(out.actions.begin(), out.actions.end(),
                       [](const ReplayAction& x, const ReplayAction& y) { return x.due < y.due; });
      report_.actions.push_back(std::move(out));
    }
    report_.warnings_by_rule = ToVector(warnings_by_rule_);
    report_.breaches_by_rule = ToVector(breaches_by_rule_);
  }

 private:
  struct Tally {
    int64_t allowed = 0, refused = 0, adjusted = 0, scheduled = 0;
    NameSums refused_money, adjusted_money;
  };
  struct AgentTally {
    NameCounts by_kind;
    NameSums money;
    int64_t total = 0;
    std::vector<ReplayAction> actions;
  };

  bool Keep(size_t kept) const {
    return options_.max_items_kept == 0 || kept < options_.max_items_kept;
  }

  // A due item as taken from the shop, with who it goes to (actions only),
  // found when it was taken: the action's assignee, else the agent of the
  // event that scheduled it (the item carries its id and agent), else the
  // entity's owner.
  //
  // Held apart from its DueItem, which has room for a deadline and an
  // action (704 bytes): a warning or a breach keeps its deadline, an action
  // its action (about 470 bytes). A day's batch is held at once, tens of
  // thousands of items in a large shop.
  struct Held {
    explicit Held(DueItem&& item)
        : kind(item.kind),
          entity_kind(item.entity_kind),
          at(item.at),
          rule(item.rule),
          entity(std::move(item.entity)),
          event_id(std::move(item.event_id)),
          agent(std::move(item.agent)) {
      if (kind == DueItem::Kind::kAction) {
        what.emplace<Action>(std::move(item.action));
      } else {
        what.emplace<Deadline>(std::move(item.deadline));
      }
    }
    // The item as the shop gave it, its fields moved out (SaveState takes
    // it from a copy).
    DueItem Item() && {
      DueItem item;
      item.kind = kind;
      item.at = at;
      item.entity_kind = entity_kind;
      item.rule = rule;
      item.entity = std::move(entity);
      item.event_id = std::move(event_id);
      item.agent = std::move(agent);
      if (Deadline* d = std::get_if<Deadline>(&what)) item.deadline = std::move(*d);
      if (Action* a = std::get_if<Action>(&what)) item.action = std::move(*a);
      return item;
    }

    DueItem::Kind kind;
    EntityKind entity_kind;
    Timestamp at;
    RuleId rule;
    std::string entity;
    std::string event_id;
    std::string agent;  // the item's (the scheduling event's agent)
    std::string to;     // kAction: whom it goes to (Resolve)
    std::variant<Deadline, Action> what;
  };
  Held Resolve(DueItem&& item) {
    Held h(std::move(item));
    if (h.kind == DueItem::Kind::kAction) {
      const Action& action = std::get<Action>(h.what);
      h.to = action.assignee;
      if (h.to.empty()) h.to = h.agent;
      if (h.to.empty()) h.to = OwnerOf(h.entity_kind, h.entity);
    }
    return h;
  }

  // Counts and keeps (moving it out) one due item.
  void Count(Held& h) {
    switch (h.kind) {
      case DueItem::Kind::kWarning:
        ++report_.warnings_total;
        ++EntryOf(warnings_by_rule_, h.rule);
        if (Keep(report_.warnings.size())) report_.warnings.push_back(std::move(h).Item());
        break;
      case DueItem::Kind::kBreach:
        ++report_.breaches_total;
        ++EntryOf(breaches_by_rule_, h.rule);
        if (Keep(report_.breaches.size())) report_.breaches.push_back(std::move(h).Item());
        break;
      case DueItem::Kind::kAction: {
        Action& action = std::get<Action>(h.what);
        AddAction(h.to, action, [&] {
          return ReplayAction{h.entity_kind, std::move(h.entity), std::move(h.event_id), h.at,
                              std::move(action)};
        });
        break;
      }
    }
  }

  Tally& TallyOf(RuleId rule) {
    const absl::string_view key = internal::ToAbsl(rule);
    auto it = tallies_.find(key);
    if (it == tallies_.end()) it = tallies_.emplace(std::string(key), Tally()).first;
    return it->second;
  }

  std::string OwnerOf(EntityKind kind, const std::string& key) const {
    if (kind == EntityKind::kTicket) {
      if (const Ticket* t = shop_.FindTicket(key); t && !t->data().owner.empty()) {
        return t->data().owner;
      }
    } else if (kind == EntityKind::kReview) {
      if (const Review* r = shop_.FindReview(key); r && !r->data().agent.empty()) {
        return r->data().agent;
      }
    }
    return std::string(kUnassigned);
  }

  // Counts `action` for `agent`, and keeps the ReplayAction `make()`
  // returns while the agent's list has room: past it, nothing is copied.
  template <class Make>
  void AddAction(std::string_view agent, const Action& action, Make&& make) {
    AgentTally& a = EntryOf(agents_, agent);
    ++EntryOf(a.by_kind, ActionKindName(action.kind));
    AddMoney(a.money, action.figures);
    ++a.total;
    // Keep the earliest by due time: actions arrive roughly in time order,
    // so the first ones kept are the earliest but for stragglers.
    if (Keep(a.actions.size())) a.actions.push_back(make());
    ++report_.actions_total;
  }

  const ReplayOptions& options_;
  Shop& shop_;
  ReplayReport& report_;
  absl::flat_hash_map<std::string, Tally> tallies_;
  std::function<void(const DueItem&)> on_taken_;
  NameCounts warnings_by_rule_;
  NameCounts breaches_by_rule_;
  ByName<AgentTally> agents_;
  std::vector<DueItem> due_;  // CollectDue's slices
  Timestamp clock_ = absl::InfinitePast();
  // Due after clock_, in time order when held_sorted_. A day's batch (items
  // due at midnight, taken before the event past midnight is applied) can
  // be tens of thousands of items for a moment: a deque takes them without
  // a vector's doubling and copies, and gives their room back as they go.
  std::deque<Held> held_;
  bool held_sorted_ = true;
};


// A store's report on a copy of its shop (the store goes on unchanged):
// the shop and the builder as saved under the store's lock, loaded again
// with `shop_options` (findings kept per agent: `max_items_kept`) and
// closed at `until`. The SQLite and PostgreSQL stores (store_core) and the
// C API's in-memory store build their reports with it.
inline absl::StatusOr<ReplayReport> ReportFromSaved(const std::string& shop_bytes,
                                                    const std::string& builder_bytes,
                                                    ShopOptions shop_options,
                                                    ReplayOptions options, size_t max_items_kept,
                                                    std::optional<Timestamp> until) {
  shop_options.max_findings_per_agent = max_items_kept;
  absl::StatusOr<std::unique_ptr<Shop>> copy = Shop::Load(shop_bytes, std::move(shop_options));
  if (!copy.ok()) return copy.status();
  std::shared_ptr<Shop> shop = *std::move(copy);
  ReplayReport report;
  options.until = until;
  ReplayBuilder builder(options, *shop, report);
  ByteReader r(builder_bytes);
  if (!builder.LoadAll(r)) return absl::InternalError(r.error());
  builder.Close(until);
  builder.Finalize();
  report.shop = std::move(shop);
  return report;
}

}  // namespace kefu::internal

#endif  // KEFU_IO_REPLAY_BUILDER_H_
