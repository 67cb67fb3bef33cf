// The shop engine: routing, cross-entity indexes, reply record, deadlines.
#include "kefu/engine/shop.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/container/node_hash_map.h"
#include "absl/container/node_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "kefu/machines/order_registry.h"
#include "kefu/machines/ticket_defects.h"
#include "kefu/machines/ticket_registry.h"

namespace kefu {
namespace {

using internal::ToAbsl;

// FNV-1a: a fixed hash, so that shard assignment (and with it the order of
// simultaneous due items) is the same in every run and on every platform.
uint64_t StableHash(EntityKind kind, std::string_view key) {
  uint64_t h = 1469598103934665603ull ^ static_cast<uint64_t>(kind);
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// ORD-DUP-SHIP: live orders indexed by buyer IM name and phone.
class IndexedOrderRegistry final : public OrderRegistry {
 public:
  void ForEachLiveOrder(const Buyer& buyer,
                        absl::FunctionRef<void(const LiveOrder&)> fn) const override {
    std::shared_lock lock(mu_);
    absl::InlinedVector<const LiveOrder*, 8> found;
    auto collect = [&](const ByValue& index, const std::string& value) {
      if (value.empty()) return;
      auto it = index.find(value);
      if (it != index.end()) found.insert(found.end(), it->second.begin(), it->second.end());
    };
    collect(by_im_, buyer.im_name);
    collect(by_phone_, buyer.phone);
    // By id, each once: the same answer as a scan in id order.
    std::sort(found.begin(), found.end(),
              [](const LiveOrder* a, const LiveOrder* b) { return a->order_id < b->order_id; });
    found.erase(std::unique(found.begin(), found.end()), found.end());
    for (const LiveOrder* o : found) fn(*o);
  }

  void Update(const Order& order) {
    std::unique_lock lock(mu_);
    auto it = orders_.find(order.id());
    if (!order.live()) {  // a finished order is gone from the index
      if (it != orders_.end()) {
        Unlink(it->second);
        orders_.erase(it);
      }
      return;
    }
    const OrderData& d = order.data();
    if (it == orders_.end()) {
      // Nodes do not move: the buyer indexes point at them.
      it = orders_.emplace(d.id, LiveOrder{d.id, d.buyer, ItemsKey(d.lines), d.address.Full()})
               .first;
      Link(it->second);
      return;
    }
    LiveOrder& live = it->second;
    if (live.buyer.im_name != d.buyer.im_name || live.buyer.phone != d.buyer.phone) {
      Unlink(live);
      live.buyer = d.buyer;
      Link(live);
    }
    live.items = ItemsKey(d.lines);
    live.address = d.address.Full();
  }

 private:
  // Buyer IM name or phone -> the live orders that carry it.
  using ByValue = absl::flat_hash_map<std::string, absl::InlinedVector<const LiveOrder*, 1>>;

  void Link(const LiveOrder& o) {
    if (!o.buyer.im_name.empty()) by_im_[o.buyer.im_name].push_back(&o);
    if (!o.buyer.phone.empty()) by_phone_[o.buyer.phone].push_back(&o);
  }
  void Unlink(const LiveOrder& o) {
    auto drop = [&](ByValue& index, const std::string& value) {
      auto e = index.find(value);
      if (e == index.end()) return;
      auto& v = e->second;
      v.erase(std::remove(v.begin(), v.end(), &o), v.end());
      if (v.empty()) index.erase(e);
    };
    if (!o.buyer.im_name.empty()) drop(by_im_, o.buyer.im_name);
    if (!o.buyer.phone.empty()) drop(by_phone_, o.buyer.phone);
  }

  mutable std::shared_mutex mu_;
  absl::node_hash_map<std::string, LiveOrder> orders_;
  ByValue by_im_;
  ByValue by_phone_;
};

// AS-DEDUP: open tickets indexed by order.
class IndexedTicketRegistry final : public TicketRegistry {
 public:
  std::optional<OpenTicket> FindOpen(std::string_view order_id,
                                     std::optional<std::string_view> category) const override {
    std::shared_lock lock(mu_);
    auto it = by_order_.find(ToAbsl(order_id));
    if (it == by_order_.end()) return std::nullopt;
    for (const std::string& id : it->second) {  // by ticket id: deterministic
      const OpenTicket& t = tickets_.at(id);
      if (category && t.category != *category) continue;
      return t;
    }
    return std::nullopt;
  }

  void Update(const Ticket& ticket) {
    std::unique_lock lock(mu_);
    const TicketData& d = ticket.data();
    auto it = tickets_.find(d.id);
    if (it != tickets_.end()) {
      auto o = by_order_.find(it->second.order_id);
      if (o != by_order_.end()) {
        o->second.erase(d.id);
        if (o->second.empty()) by_order_.erase(o);
      }
      tickets_.erase(it);
    }
    if (!ticket.open()) return;
    tickets_.emplace(d.id, OpenTicket{d.id, d.order_id, d.category, d.owner});
    by_order_[d.order_id].insert(d.id);
  }

 private:
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<std::string, OpenTicket> tickets_;
  absl::flat_hash_map<std::string, std::set<std::string>> by_order_;
};

// AS-DEFECT: a DefectCounter shared by every shard.
class SharedDefects final : public ProductTestQuery {
 public:
  explicit SharedDefects(DefectPolicy policy) : counter_(policy) {}
  bool NeedsTestBeforeShipping(std::string_view product) const override {
    std::shared_lock lock(mu_);
    return counter_.NeedsTestBeforeShipping(product);
  }
  Outcome Record(const Ticket& ticket) {
    std::unique_lock lock(mu_);
    return counter_.Record(ticket);
  }

 private:
  mutable std::shared_mutex mu_;
  DefectCounter counter_;
};

constexpr RuleId kCallbackRule = CallbackRule::kRule;
constexpr Message kPromiseTrackedMessage = {
    "已答应客户{promised}（{due}前）答复，到时未答复即违规",
    "the customer was promised an answer \"{promised}\" (by {due}); it is tracked"};
constexpr Message kPromiseDueMessage = {
    "答应客户{promised}（{due}前）答复，仍未答复",
    "the answer promised \"{promised}\" (by {due}) has not been given"};
constexpr Message kCallBackMessage = {
    "发现回答错误，请回拨客户{customer}更正：原答复「{wrong}」，正确答复「{correct}」",
    "a wrong answer was found: call {customer} back to correct it (told \"{wrong}\", "
    "right: \"{correct}\")"};

constexpr Message kReplyFindingMessage = {
    "回复违反{rule}：「{text}」，建议：{suggestion}",
    "the reply breaks {rule}: \"{text}\"; suggested: {suggestion}"};

}  // namespace

struct Shop::Impl {
  struct Shard {
    mutable std::mutex mu;
    absl::node_hash_map<std::string, Order> orders;
    absl::node_hash_map<std::string, Ticket> tickets;
    absl::node_hash_map<std::string, Review> reviews;
    absl::flat_hash_set<std::string> reply_ids;  // applied reply event ids
    DeadlineQueue queue;
    // No item of `queue` falls due before this (Unix ns): a lower bound,
    // lowered under `mu` by every op that adds a time and made exact by
    // Due. Due() skips, without locking, a shard whose bound is after now.
    std::atomic<int64_t> due_bound{std::numeric_limits<int64_t>::max()};

    void LowerDueBound(Timestamp t) {
      const int64_t ns = absl::ToUnixNanos(t);
      if (ns < due_bound.load(std::memory_order_relaxed)) {
        due_bound.store(ns, std::memory_order_release);
      }
    }
    // Under `mu`, after Due: makes the bound exact; returns it.
    int64_t RefreshDueBound() {
      const std::optional<Timestamp> next = queue.NextDue();
      const int64_t ns = next ? absl::ToUnixNanos(*next) : std::numeric_limits<int64_t>::max();
      due_bound.store(ns, std::memory_order_release);
      return ns;
    }
  };

  ShopOptions options;
  std::shared_ptr<const BusinessCalendar> calendar;
  std::shared_ptr<const ReplyChecker> checker;
  IndexedOrderRegistry order_registry;
  IndexedTicketRegistry ticket_registry;
  SharedDefects defects;
  std::vector<Shard> shards;

  // Reply findings per agent, and interned rule ids (Decision::rule must be
  // static storage: phrase lists may bring their own ids).
  mutable std::mutex replies_mu;
  std::map<std::string, AgentReplies, std::less<>> replies;
  absl::node_hash_set<std::string> rule_ids;
  // PH-CALLBACK: the checker's rule.
  const CallbackRule& callback;

  explicit Impl(ShopOptions opts, std::shared_ptr<const BusinessCalendar> cal,
                std::shared_ptr<const ReplyChecker> rc)
      : options(std::move(opts)),
        calendar(std::move(cal)),
        checker(std::move(rc)),
        defects(options.ticket_policies.defect),
        shards(static_cast<size_t>(options.shards)),
        callback(checker->options().callback) {}

  Shard& ShardOf(EntityKind kind, std::string_view key) {
    return shards[StableHash(kind, key) % shards.size()];
  }
  const Shard& ShardOf(EntityKind kind, std::string_view key) const {
    return shards[StableHash(kind, key) % shards.size()];
  }

  OrderEnvironment OrderEnv() const {
    OrderEnvironment env;
    env.policies = &options.order_policies;
    env.calendar = calendar.get();
    env.courier_reach = options.courier_reach.get();
    env.registry = &order_registry;
    env.product_tests = &defects;
    return env;
  }
  TicketEnvironment TicketEnv() const {
    TicketEnvironment env;
    env.policies = &options.ticket_policies;
    env.calendar = calendar.get();
    env.registry = &ticket_registry;
    return env;
  }
  ReviewEnvironment ReviewEnv() const {
    ReviewEnvironment env;
    env.policies = &options.review_policies;
    env.calendar = calendar.get();
    return env;
  }

  // Deadline ops and scheduled actions of an applied outcome enter the
  // shard's queue; a finished entity's are dropped.
  static void Enqueue(Shard& shard, EntityKind kind, const std::string& key,
                      const Outcome& out, Timestamp at, bool finished) {
    if (out.audit.duplicate || out.refused()) return;
    if (finished) {
      shard.queue.CancelAll(kind, key);
      return;
    }
    for (const Deadline& d : out.deadlines) {
      // The machines only emit well-formed ops; a malformed one is a bug
      // there and must not take the engine down.
      shard.queue.Apply(kind, key, d, at).IgnoreError();
      if (d.op == DeadlineOp::kSet || d.op == DeadlineOp::kResume) {
        shard.LowerDueBound(d.warn_at ? std::min(*d.warn_at, d.due) : d.due);
      }
    }
    for (const Action& a : out.actions) {
      if (a.due && *a.due > at) {
        shard.queue.Schedule(kind, key, a).IgnoreError();
        shard.LowerDueBound(*a.due);
      }
    }
  }

  // The shards' due items up to `now`, at most max_items, in time order with
  // ties by shard (as Due(now) sorts them). take(queue, by, most) takes from
  // one shard's queue, under its lock, what falls due by `by`, at most
  // `most` items, and returns how many. Shards are merged by their next due
  // time, taking from one at a time what comes before the next shard's
  // first item, so the calls put together are one Due(now). An exception
  // from `take` leaves each shard's bound a lower bound still.
  template <class Take>
  size_t MergeDue(Timestamp now, size_t max_items, Take take) {
    const int64_t now_ns = absl::ToUnixNanos(now);
    // Under the shard's lock: refreshes its bound; its next time when <= now.
    auto next_due = [now_ns](Shard& shard) -> std::optional<int64_t> {
      const int64_t ns = shard.RefreshDueBound();
      if (ns > now_ns) return std::nullopt;
      return ns;
    };
    if (shards.size() == 1) {  // nothing to merge (the replay's shop)
      Shard& shard = shards[0];
      if (max_items == 0 || now_ns < shard.due_bound.load(std::memory_order_acquire)) return 0;
      std::lock_guard lock(shard.mu);
      const size_t n = take(shard.queue, now, max_items);
      shard.RefreshDueBound();
      return n;
    }
    // A min-heap of (next time, shard): ties go by shard, as in Due(now).
    using Next = std::pair<int64_t, size_t>;
    std::vector<Next> heap;
    for (size_t i = 0; i < shards.size() && max_items > 0; ++i) {
      Shard& shard = shards[i];
      if (now_ns < shard.due_bound.load(std::memory_order_acquire)) continue;
      std::lock_guard lock(shard.mu);
      if (const std::optional<int64_t> t = next_due(shard)) heap.emplace_back(*t, i);
    }
    std::make_heap(heap.begin(), heap.end(), std::greater<Next>());
    size_t n = 0;
    while (n < max_items && !heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), std::greater<Next>());
      const size_t s = heap.back().second;
      heap.pop_back();
      // Take from shard s what comes before the next shard's first item: its
      // items at that same time too when s is the earlier shard.
      int64_t bound = now_ns;
      if (!heap.empty()) {
        const auto [t2, s2] = heap.front();
        bound = std::min(bound, s < s2 ? t2 : t2 - 1);
      }
      Shard& shard = shards[s];
      std::lock_guard lock(shard.mu);
      n += take(shard.queue, absl::FromUnixNanos(bound), max_items - n);
      if (const std::optional<int64_t> t = next_due(shard)) {
        heap.emplace_back(*t, s);
        std::push_heap(heap.begin(), heap.end(), std::greater<Next>());
      }
    }
    return n;
  }

  template <class Entity, class Event, class Env, class Creates, class AfterApply>
  absl::StatusOr<Outcome> ApplyTo(absl::node_hash_map<std::string, Entity>& map, EntityKind kind,
                                  const std::string& key, const Event& event,
                                  const Env& env, Creates creates, AfterApply after) {
    auto it = map.find(ToAbsl(key));
    bool created = false;
    if (it == map.end()) {
      if (!creates) {
        return absl::NotFoundError(absl::StrCat(
            ToAbsl(EntityKindName(kind)), " \"", key, "\" is unknown: event \"",
            MetaOf(event).id, "\" (", ToAbsl(EventName(event)),
            ") needs the entity's first event before it"));
      }
      it = map.emplace(key, Entity(key)).first;
      created = true;
    }
    absl::StatusOr<Outcome> out = it->second.Apply(event, env);
    if (!out.ok() || (created && out->refused())) {
      if (created) map.erase(it);
      return out;
    }
    after(it->second, *out);
    return out;
  }

  absl::StatusOr<Outcome> ApplyOrder(const std::string& key, const OrderEvent& e) {
    Shard& shard = ShardOf(EntityKind::kOrder, key);
    std::lock_guard lock(shard.mu);
    const bool creates = std::holds_alternative<OrderPlaced>(e);
    const Timestamp at = MetaOf(e).at;
    return ApplyTo(shard.orders, EntityKind::kOrder, key, e, OrderEnv(), creates,
                   [&](const Order& order, const Outcome& out) {
                     // The index holds buyer, items and address of live
                     // orders: only these events change them, and an order
                     // leaves it when it stops being live.
                     if (!out.audit.duplicate && !out.refused() &&
                         (creates || !order.live() || std::holds_alternative<OrderAdjusted>(e) ||
                          std::holds_alternative<Cancelled>(e))) {
                       order_registry.Update(order);
                     }
                     Enqueue(shard, EntityKind::kOrder, key, out, at, !order.live());
                   });
  }

  absl::StatusOr<Outcome> ApplyTicket(const std::string& key, const TicketEvent& e) {
    Shard& shard = ShardOf(EntityKind::kTicket, key);
    std::lock_guard lock(shard.mu);
    const bool creates = std::holds_alternative<TicketRegistered>(e);
    const Timestamp at = MetaOf(e).at;
    return ApplyTo(shard.tickets, EntityKind::kTicket, key, e, TicketEnv(), creates,
                   [&](const Ticket& ticket, Outcome& out) {
                     if (out.audit.duplicate || out.refused()) return;
                     ticket_registry.Update(ticket);
                     if (creates) {
                       // AS-DEFECT: the case counts against each of its
                       // products; a threshold reached shows in this outcome.
                       Outcome defect = defects.Record(ticket);
                       for (Decision& d : defect.decisions) out.Add(std::move(d));
                       for (Action& a : defect.actions) out.actions.push_back(std::move(a));
                     }
                     Enqueue(shard, EntityKind::kTicket, key, out, at, !ticket.open());
                   });
  }

  absl::StatusOr<Outcome> ApplyReview(const std::string& key, const ReviewEvent& e) {
    Shard& shard = ShardOf(EntityKind::kReview, key);
    std::lock_guard lock(shard.mu);
    const bool creates = std::holds_alternative<ReviewReceived>(e);
    const Timestamp at = MetaOf(e).at;
    return ApplyTo(shard.reviews, EntityKind::kReview, key, e, ReviewEnv(), creates,
                   [&](const Review& review, const Outcome& out) {
                     Enqueue(shard, EntityKind::kReview, key, out, at, !review.open());
                   });
  }

  // The quality inspector's record of one reply. REQUIRES: replies_mu held.
  void RecordFindingsLocked(const ReplyPosted& e, const std::string& key,
                            const std::vector<Finding>& findings) {
    AgentReplies& agent = replies[e.meta.agent];
    if (agent.agent.empty()) agent.agent = e.meta.agent;
    ++agent.replies;
    if (!findings.empty()) ++agent.replies_with_findings;
    for (const Finding& f : findings) {
      auto r = std::lower_bound(
          agent.by_rule.begin(), agent.by_rule.end(), f.rule_id,
          [](const std::pair<std::string, int64_t>& p, const std::string& id) {
            return p.first < id;
          });
      if (r == agent.by_rule.end() || r->first != f.rule_id) {
        r = agent.by_rule.insert(r, {f.rule_id, 0});
      }
      ++r->second;
      if (options.max_findings_per_agent == 0 ||
          agent.findings.size() < options.max_findings_per_agent) {
        agent.findings.push_back({e.meta.id, key, e.meta.at, f});
      }
    }
  }

  // The outcome of a reply event before anything is decided: its audit.
  static Outcome ReplyOutcome(const std::string& key, const EventMeta& meta,
                              std::string_view type) {
    Outcome out;
    out.entity = key;
    out.audit.event_id = meta.id;
    out.audit.event_type = type;
    out.audit.agent = meta.agent;
    out.audit.at = meta.at;
    return out;
  }

  absl::StatusOr<Outcome> ApplyReply(const std::string& key, const ReplyPosted& e) {
    if (e.meta.agent.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("reply \"", e.meta.id, "\": the agent is empty"));
    }
    Outcome out = ReplyOutcome(key, e.meta, ReplyPosted::kName);
    {
      Shard& shard = ShardOf(EntityKind::kReply, key);
      std::lock_guard lock(shard.mu);
      if (!shard.reply_ids.insert(e.meta.id).second) {
        // Checked before: the findings were counted then.
        out.audit.duplicate = true;
      }
    }
    std::vector<Finding> findings = checker->Check(e.text);
    std::vector<RuleId> rules;
    rules.reserve(findings.size());
    {
      // Only the shared record is under the lock; the decisions are built
      // after it.
      std::lock_guard lock(replies_mu);
      for (const Finding& f : findings) rules.push_back(*rule_ids.insert(f.rule_id).first);
      if (!out.audit.duplicate) RecordFindingsLocked(e, key, findings);
    }
    for (size_t i = 0; i < findings.size(); ++i) {
      Finding& f = findings[i];
      Decision d;
      d.rule = rules[i];
      d.verdict = Verdict::kRefused;
      d.message = kReplyFindingMessage;
      d.figures.push_back({"rule", std::move(f.rule_id)});
      d.figures.push_back({"text", std::move(f.text)});
      d.figures.push_back({"suggestion", std::move(f.suggestion)});
      out.Add(std::move(d));
    }
    if (callback.enabled && !out.audit.duplicate) TrackPromise(key, e, out);
    return out;
  }

  // PH-CALLBACK: a reply that puts its answer off to a definite time sets
  // the conversation's deadline at that time (a later such reply moves it);
  // a later reply that does not put anything off is the answer and cancels
  // it. A deferral without a definite time is the checker's finding.
  void TrackPromise(const std::string& key, const ReplyPosted& e, Outcome& out) {
    const std::optional<TextSpan> deferral = checker->FindDeferral(e.text);
    Shard& shard = ShardOf(EntityKind::kReply, key);
    std::lock_guard lock(shard.mu);
    if (!deferral) {
      for (const OpenDeadline& d : shard.queue.OpenDeadlines(EntityKind::kReply, key)) {
        if (d.rule != kCallbackRule) continue;
        Deadline cancel;
        cancel.rule = kCallbackRule;
        cancel.op = DeadlineOp::kCancel;
        out.deadlines.push_back(std::move(cancel));
        break;
      }
    } else if (std::optional<PromisedTime> p = FindPromisedTime(e.text, e.meta.at, *calendar)) {
      std::string promised = e.text.substr(p->span.begin, p->span.end - p->span.begin);
      Decision d;
      d.rule = kCallbackRule;
      d.verdict = Verdict::kScheduled;
      d.message = kPromiseTrackedMessage;
      d.figures.push_back({"promised", promised});
      d.figures.push_back({"due", p->at});
      out.Add(std::move(d));
      Deadline deadline;
      deadline.rule = kCallbackRule;
      deadline.op = DeadlineOp::kSet;
      deadline.due = p->at;
      deadline.message = kPromiseDueMessage;
      deadline.figures.push_back({"promised", std::move(promised)});
      deadline.figures.push_back({"due", p->at});
      deadline.figures.push_back({"agent", e.meta.agent});  // who promised
      out.deadlines.push_back(std::move(deadline));
    }
    // Not Enqueue: a reply with findings is "refused" but was sent all the
    // same, and its promise holds.
    for (const Deadline& d : out.deadlines) {
      shard.queue.Apply(EntityKind::kReply, key, d, e.meta.at).IgnoreError();
      if (d.op == DeadlineOp::kSet) shard.LowerDueBound(d.due);
    }
  }

  // PH-CALLBACK: a wrong answer found asks for a call back to the customer,
  // due within callback.call_back_within.
  absl::StatusOr<Outcome> ApplyWrongAnswer(const std::string& key, const WrongAnswerFound& e) {
    if (e.meta.agent.empty() || e.wrong.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "wrong_answer_found \"", e.meta.id, "\": ",
          e.meta.agent.empty() ? "the agent is empty" : "the field \"wrong\" is empty"));
    }
    Outcome out = ReplyOutcome(key, e.meta, WrongAnswerFound::kName);
    Shard& shard = ShardOf(EntityKind::kReply, key);
    std::lock_guard lock(shard.mu);
    if (!shard.reply_ids.insert(e.meta.id).second) out.audit.duplicate = true;
    if (!callback.enabled) return out;  // recorded; nothing asked
    const std::string& customer = e.customer.empty() ? key : e.customer;
    Figures figures;
    figures.push_back({"customer", customer});
    figures.push_back({"wrong", e.wrong});
    figures.push_back({"correct", e.correct.empty() ? std::string("—") : e.correct});
    Decision d;
    d.rule = kCallbackRule;
    d.verdict = Verdict::kScheduled;
    d.message = kCallBackMessage;
    d.figures = figures;
    out.Add(std::move(d));
    Action call;
    call.kind = ActionKind::kCall;
    call.rule = kCallbackRule;
    call.assignee = e.answered_by.empty() ? e.meta.agent : e.answered_by;
    call.subject = customer;
    if (callback.call_back_within > absl::ZeroDuration()) {
      call.due = e.meta.at + callback.call_back_within;
    }
    call.message = kCallBackMessage;
    call.figures = std::move(figures);
    out.actions.push_back(std::move(call));
    if (!out.audit.duplicate) Enqueue(shard, EntityKind::kReply, key, out, e.meta.at, false);
    return out;
  }
};

Shop::Shop(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Shop::~Shop() = default;

absl::StatusOr<std::unique_ptr<Shop>> Shop::Create(ShopOptions options) {
  if (options.shards <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("shop: shards must be > 0, got ", options.shards));
  }
  std::shared_ptr<const BusinessCalendar> calendar = options.calendar;
  if (!calendar) calendar = std::make_shared<const BusinessCalendar>(BusinessCalendar::Default());
  std::shared_ptr<const ReplyChecker> checker = options.reply_checker;
  if (!checker) {
    absl::StatusOr<ReplyChecker> rc = ReplyChecker::Default();
    if (!rc.ok()) return rc.status();
    checker = std::make_shared<const ReplyChecker>(*std::move(rc));
  }
  return std::unique_ptr<Shop>(new Shop(
      std::make_unique<Impl>(std::move(options), std::move(calendar), std::move(checker))));
}

absl::StatusOr<Outcome> Shop::Apply(const ShopEvent& event) {
  if (event.key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        ToAbsl(EntityKindName(event.kind())), " event \"", MetaOf(event).id,
        "\" (", ToAbsl(EventName(event)), "): the entity key is empty"));
  }
  if (absl::Status s = ValidateEventMeta(MetaOf(event)); !s.ok()) return s;
  switch (event.kind()) {
    case EntityKind::kOrder:
      return impl_->ApplyOrder(event.key, std::get<OrderEvent>(event.event));
    case EntityKind::kTicket:
      return impl_->ApplyTicket(event.key, std::get<TicketEvent>(event.event));
    case EntityKind::kReview:
      return impl_->ApplyReview(event.key, std::get<ReviewEvent>(event.event));
    case EntityKind::kReply: {
      const ReplyEvent& reply = std::get<ReplyEvent>(event.event);
      if (const auto* wrong = std::get_if<WrongAnswerFound>(&reply)) {
        return impl_->ApplyWrongAnswer(event.key, *wrong);
      }
      return impl_->ApplyReply(event.key, std::get<ReplyPosted>(reply));
    }
  }
  return absl::InternalError("shop: unknown entity kind");
}

std::vector<DueItem> Shop::Due(Timestamp now) {
  std::vector<DueItem> all;
  const int64_t now_ns = absl::ToUnixNanos(now);
  int shards_with_items = 0;
  for (Impl::Shard& shard : impl_->shards) {
    // Most calls find nothing due in most shards: skip those unlocked. An
    // op racing with this call on another thread lands in this call or the
    // next one, as if it had come just before or just after.
    if (now_ns < shard.due_bound.load(std::memory_order_acquire)) continue;
    std::lock_guard lock(shard.mu);
    if (shard.queue.Due(now, &all) > 0) ++shards_with_items;
    shard.RefreshDueBound();
  }
  // Each shard's items are in time order, so one shard's need no sort (the
  // replay's single shard: a day's backlog is hundreds of MB to move). From
  // several, a stable sort keeps shard order and set order for ties.
  if (shards_with_items > 1) {
    std::stable_sort(all.begin(), all.end(),
                     [](const DueItem& a, const DueItem& b) { return a.at < b.at; });
  }
  return all;
}

size_t Shop::Due(Timestamp now, size_t max_items, std::vector<DueItem>* out) {
  return impl_->MergeDue(now, max_items, [out](DeadlineQueue& queue, Timestamp by, size_t most) {
    return queue.Due(by, most, out);
  });
}

size_t Shop::ForEachDue(Timestamp now, absl::FunctionRef<void(const DueItem&)> fn) {
  return impl_->MergeDue(now, std::numeric_limits<size_t>::max(),
                         [fn](DeadlineQueue& queue, Timestamp by, size_t) {
                           return queue.ForEachDue(by, fn);
                         });
}

const Order* Shop::FindOrder(std::string_view key) const {
  const Impl::Shard& s = impl_->ShardOf(EntityKind::kOrder, key);
  std::lock_guard lock(s.mu);
  auto it = s.orders.find(ToAbsl(key));
  return it == s.orders.end() ? nullptr : &it->second;
}

const Ticket* Shop::FindTicket(std::string_view key) const {
  const Impl::Shard& s = impl_->ShardOf(EntityKind::kTicket, key);
  std::lock_guard lock(s.mu);
  auto it = s.tickets.find(ToAbsl(key));
  return it == s.tickets.end() ? nullptr : &it->second;
}

const Review* Shop::FindReview(std::string_view key) const {
  const Impl::Shard& s = impl_->ShardOf(EntityKind::kReview, key);
  std::lock_guard lock(s.mu);
  auto it = s.reviews.find(ToAbsl(key));
  return it == s.reviews.end() ? nullptr : &it->second;
}

void Shop::ForEachOrder(absl::FunctionRef<void(const Order&)> fn) const {
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    for (const auto& [key, order] : s.orders) fn(order);
  }
}

void Shop::ForEachTicket(absl::FunctionRef<void(const Ticket&)> fn) const {
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    for (const auto& [key, ticket] : s.tickets) fn(ticket);
  }
}

void Shop::ForEachReview(absl::FunctionRef<void(const Review&)> fn) const {
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    for (const auto& [key, review] : s.reviews) fn(review);
  }
}

std::vector<StateCounts> Shop::CountStates() const {
  std::vector<StateCounts> counts(3);
  counts[0].kind = EntityKind::kOrder;
  counts[1].kind = EntityKind::kTicket;
  counts[2].kind = EntityKind::kReview;
  auto count = [](StateCounts& c, std::string_view state) {
    auto it = c.by_state.find(state);
    if (it == c.by_state.end()) it = c.by_state.emplace(std::string(state), 0).first;
    ++it->second;
    ++c.total;
  };
  ForEachOrder([&](const Order& o) { count(counts[0], o.state()); });
  ForEachTicket([&](const Ticket& t) { count(counts[1], t.state()); });
  ForEachReview([&](const Review& r) { count(counts[2], r.state()); });
  return counts;
}

absl::StatusOr<WeeklyReport> Shop::WeeklyAfterSalesReport(LocalDay report_day) const {
  // Hold every shard's lock while the report reads the tickets.
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(impl_->shards.size());
  std::vector<const Ticket*> tickets;
  for (const Impl::Shard& s : impl_->shards) {
    locks.emplace_back(s.mu);
    for (const auto& [key, ticket] : s.tickets) tickets.push_back(&ticket);
  }
  std::sort(tickets.begin(), tickets.end(),
            [](const Ticket* a, const Ticket* b) { return a->id() < b->id(); });
  return BuildWeeklyReport(tickets, report_day, *impl_->calendar,
                           impl_->options.ticket_policies.weekly);
}

std::vector<AgentReplies> Shop::ReplyReport() const {
  std::lock_guard lock(impl_->replies_mu);
  std::vector<AgentReplies> out;
  out.reserve(impl_->replies.size());
  for (const auto& [agent, r] : impl_->replies) out.push_back(r);
  return out;
}

size_t Shop::PendingDeadlines() const {
  size_t n = 0;
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    n += s.queue.pending();
  }
  return n;
}

const BusinessCalendar& Shop::calendar() const { return *impl_->calendar; }

}  // namespace kefu
