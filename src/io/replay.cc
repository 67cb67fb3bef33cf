// Replays JSON Lines events through a Shop and builds the report.
#include "kefu/io/replay.h"

#include <algorithm>
#include <cstddef>
#include <istream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/absl_compat.h"
#include "core/codec.h"
#include "engine/state_codec.h"
#include "kefu/io/events.h"
#include "kefu/io/line_reader.h"
#include "kefu/machines/ticket_report.h"

namespace kefu {
namespace {

constexpr std::string_view kUnassigned = "(unassigned)";

// A sorted map as the report's sorted vector of pairs.
template <class V>
std::vector<std::pair<std::string, V>> ToVector(const std::map<std::string, V>& m) {
  return {m.begin(), m.end()};
}

void AddMoney(std::map<std::string, Money>& sums, const Figures& figures) {
  for (const Figure& f : figures) {
    if (const Money* m = std::get_if<Money>(&f.value)) {
      Money& sum = sums[std::string(f.name)];
      // Saturate rather than fail: a report total is not worth an error.
      absl::StatusOr<Money> next = sum.Add(*m);
      if (next.ok()) sum = *next;
    }
  }
}

class Builder {
 public:
  Builder(const ReplayOptions& options, Shop& shop, ReplayReport& report)
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
                       [](const Held& a, const Held& b) { return a.item.at < b.item.at; });
      held_sorted_ = true;
    }
    size_t n = 0;
    while (n < held_.size() && held_[n].item.at <= clock_) Count(held_[n++]);
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
      internal::EncodeDueItem(h.item, w);
      w.String(h.agent);
    }
  }
  bool LoadState(internal::ByteReader& r) {
    size_t n = 0;
    if (!r.Time(&clock_) || !r.Count(&n)) return false;
    held_.resize(n);
    for (Held& h : held_) {
      if (!internal::DecodeDueItem(r, &h.item) || !r.String(&h.agent)) return false;
    }
    held_sorted_ = false;
    return true;
  }

  void Record(const ShopEvent& event, const Outcome& out) {
    if (out.audit.duplicate) {
      ++report_.duplicates;
      return;
    }
    if (out.refused()) {
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
    if (out.refused()) return;  // a refused event asks for nothing
    const EventMeta& meta = MetaOf(event);
    for (const Action& a : out.actions) {
      // In the deadline queue: comes back in CollectDue, with this event's
      // id and agent.
      if (a.due && *a.due > meta.at) continue;
      std::string agent = a.assignee;
      if (agent.empty()) agent = meta.agent;
      if (agent.empty()) agent = OwnerOf(event.kind(), event.key);
      AddAction(std::move(agent), ReplayAction{event.kind(), event.key, meta.id, meta.at, a});
    }
  }

  void Finish() {
    std::vector<std::pair<std::string, Tally*>> sorted;
    for (auto& [rule, t] : tallies_) sorted.emplace_back(std::string(rule), &t);
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
    std::map<std::string, Money> refused_money, adjusted_money;
  };
  struct AgentTally {
    std::map<std::string, int64_t> by_kind;
    std::map<std::string, Money> money;
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
  struct Held {
    DueItem item;
    std::string agent;
  };
  Held Resolve(DueItem&& item) {
    Held h{std::move(item), {}};
    if (h.item.kind == DueItem::Kind::kAction) {
      h.agent = h.item.action.assignee;
      if (h.agent.empty()) h.agent = h.item.agent;
      if (h.agent.empty()) h.agent = OwnerOf(h.item.entity_kind, h.item.entity);
    }
    return h;
  }

  // Counts and keeps (moving it out) one due item.
  void Count(Held& h) {
    DueItem& item = h.item;
    switch (item.kind) {
      case DueItem::Kind::kWarning:
        ++report_.warnings_total;
        ++warnings_by_rule_[std::string(item.rule)];
        if (Keep(report_.warnings.size())) report_.warnings.push_back(std::move(item));
        break;
      case DueItem::Kind::kBreach:
        ++report_.breaches_total;
        ++breaches_by_rule_[std::string(item.rule)];
        if (Keep(report_.breaches.size())) report_.breaches.push_back(std::move(item));
        break;
      case DueItem::Kind::kAction:
        AddAction(std::move(h.agent),
                  ReplayAction{item.entity_kind, item.entity, std::move(item.event_id), item.at,
                               std::move(item.action)});
        break;
    }
  }

  // Rule ids are static storage or interned by the shop, which outlives the
  // builder: the map can key on the view.
  Tally& TallyOf(RuleId rule) { return tallies_[internal::ToAbsl(rule)]; }

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

  void AddAction(std::string agent, ReplayAction action) {
    AgentTally& a = agents_[agent];
    ++a.by_kind[std::string(ActionKindName(action.action.kind))];
    AddMoney(a.money, action.action.figures);
    ++a.total;
    // Keep the earliest by due time: actions arrive roughly in time order,
    // so the first ones kept are the earliest but for stragglers.
    if (Keep(a.actions.size())) a.actions.push_back(std::move(action));
    ++report_.actions_total;
  }

  const ReplayOptions& options_;
  Shop& shop_;
  ReplayReport& report_;
  absl::flat_hash_map<absl::string_view, Tally> tallies_;
  std::map<std::string, int64_t> warnings_by_rule_;
  std::map<std::string, int64_t> breaches_by_rule_;
  std::map<std::string, AgentTally> agents_;
  std::vector<DueItem> due_;  // CollectDue's slices
  Timestamp clock_ = absl::InfinitePast();
  std::vector<Held> held_;    // due after clock_, in time order when held_sorted_
  bool held_sorted_ = true;
};

}  // namespace

absl::StatusOr<ReplayReport> Replay(LineReader& in, const ReplayOptions& options) {
  ShopOptions shop_options = options.shop;
  shop_options.shards = 1;  // one thread: one shard keeps Due() cheap
  shop_options.max_findings_per_agent = options.max_items_kept;

  // A replay's state: the mark, the format, the shop's saved bytes, the
  // replay's clock and held items, a CRC-32 of all before it.
  constexpr std::string_view kMark = "KEFUREPL";
  std::string_view replay_state;
  absl::StatusOr<std::unique_ptr<Shop>> shop_or;
  if (options.state_in.empty()) {
    shop_or = Shop::Create(std::move(shop_options));
  } else {
    const std::string_view st = options.state_in;
    if (st.substr(0, kMark.size()) != kMark) {
      return absl::InvalidArgumentError(
          "not a replay's state: it does not start with the mark \"KEFUREPL\"");
    }
    internal::ByteReader r(st.substr(kMark.size()));
    uint64_t format = 0;
    std::string shop_bytes;
    if (!r.Varint(&format)) return absl::DataLossError("replay state is corrupted: truncated");
    if (format != 1) {
      return absl::FailedPreconditionError(absl::StrCat(
          "replay state has format ", format, "; this build of kefu reads format 1"));
    }
    const size_t head = kMark.size() + r.offset();
    uint32_t crc = 0;
    internal::ByteReader tail(st.size() >= head + 4 ? st.substr(st.size() - 4) : std::string_view());
    if (!tail.Fixed32(&crc) || crc != internal::Crc32(st.substr(0, st.size() - 4))) {
      return absl::DataLossError(absl::StrCat(
          "replay state is corrupted: its checksum does not match its ", st.size(), " bytes"));
    }
    internal::ByteReader body(st.substr(head, st.size() - 4 - head));
    if (!body.String(&shop_bytes)) {
      return absl::DataLossError(absl::StrCat("replay state is corrupted: ", body.error()));
    }
    replay_state = st.substr(head + body.offset(), st.size() - 4 - head - body.offset());
    shop_or = Shop::Load(shop_bytes, std::move(shop_options));
  }
  if (!shop_or.ok()) return shop_or.status();
  std::shared_ptr<Shop> shop_ptr = *std::move(shop_or);
  Shop& shop = *shop_ptr;

  ReplayReport report;
  Builder builder(options, shop, report);
  if (!options.state_in.empty()) {
    internal::ByteReader r(replay_state);
    if (!builder.LoadState(r) || !r.at_end()) {
      return absl::DataLossError(absl::StrCat(
          "replay state is corrupted: ", r.ok() ? "bytes after the end" : r.error()));
    }
  }
  LineReader::Line line;
  int64_t next_progress = 64 * 1024;
  for (;;) {
    absl::StatusOr<bool> more = in.Next(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    report.lines = line.number;
    report.bytes = in.bytes_read();
    if (options.progress && report.bytes >= next_progress) {
      options.progress(report.bytes);
      next_progress = report.bytes + 64 * 1024;
    }
    const bool blank = !line.too_long && IsBlankLine(line.text);
    if (blank) {
      ++report.blank;
      continue;
    }
    absl::StatusOr<ShopEvent> event =
        line.too_long ? absl::InvalidArgumentError(absl::StrCat(
                            "line ", line.number, ": ", line.bytes,
                            " bytes, longer than the limit of ", in.max_line_bytes(),
                            " bytes a line"))
                      : ParseEvent(line.text, line.number);
    if (!event.ok()) {
      builder.LineError(line.number, "", std::string(event.status().message()));
      ++report.bad;
      if (options.strict) {
        report.stopped_early = true;
        break;
      }
      continue;
    }
    const EventMeta& meta = MetaOf(*event);
    if (!report.first_event || meta.at < *report.first_event) report.first_event = meta.at;
    if (!report.last_event || meta.at > *report.last_event) report.last_event = meta.at;
    builder.CollectDue(meta.at);
    absl::StatusOr<Outcome> out = shop.Apply(*event);
    if (!out.ok()) {
      builder.LineError(line.number, meta.id,
                        absl::StrCat("line ", line.number, ": ", out.status().message()));
      ++report.rejected;
      if (options.strict) {
        report.stopped_early = true;
        break;
      }
      continue;
    }
    if (!out->audit.duplicate && !out->refused()) builder.Advance(meta.at);
    builder.Record(*event, *out);
  }
  if (options.progress) options.progress(report.bytes);

  report.until = options.until ? *options.until : builder.clock();
  if (report.until != absl::InfinitePast()) {
    builder.Advance(report.until);
    builder.CollectDue(report.until);
  }
  report.pending_after_until = static_cast<int64_t>(shop.PendingDeadlines() + builder.held());
  if (options.save_state) {
    report.state = std::string(kMark);
    internal::ByteWriter w(&report.state);
    w.Varint(1);
    w.String(shop.Save());
    builder.SaveState(w);
    w.Fixed32(internal::Crc32(report.state));
  }
  builder.Finish();
  report.states = shop.CountStates();
  report.replies = shop.ReplyReport();
  if (report.states[1].total > 0 && report.until != absl::InfinitePast()) {
    const BusinessCalendar& cal = shop.calendar();
    const WeeklyPolicy& weekly = options.shop.ticket_policies.weekly;
    const LocalDay report_day = ReportDayOnOrAfter(cal.DayOf(report.until) - 6, weekly);
    absl::StatusOr<WeeklyReport> w = shop.WeeklyTicketReport(report_day);
    if (w.ok()) report.weekly = *std::move(w);
  }
  report.shop = std::move(shop_ptr);
  return report;
}

absl::StatusOr<ReplayReport> Replay(std::istream& in, const ReplayOptions& options) {
  absl::StatusOr<std::unique_ptr<LineReader>> reader =
      LineReader::FromStream(in, "the events", options.max_line_bytes);
  if (!reader.ok()) return reader.status();
  return Replay(**reader, options);
}

}  // namespace kefu
