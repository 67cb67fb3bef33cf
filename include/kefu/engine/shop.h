// kefu/engine/shop.h: the shop engine, the one object a host holds.
//
// A Shop owns a shop's orders, after-sales tickets and reviews, and the
// agents' reply record. The host feeds it ShopEvents (kefu/engine/
// shop_event.h); the shop routes each to its entity by (kind, key), applies
// it to that entity's machine and returns the machine's Outcome. It also
// keeps what no single entity can:
//   - ORD-DUP-SHIP: the live orders, indexed by buyer, that the order machine
//     consults for look-alike orders;
//   - AS-DEDUP: the open tickets, indexed by order;
//   - AS-DEFECT: the after-sales tickets counted per product; a product that
//     reaches the threshold makes the order machine ask for a test before
//     shipping it, and the ticket's outcome carries the AS-DEFECT decision;
//   - the reply checker (PH-*): an agent's reply is an event; its findings
//     come back as decisions and are kept per agent for the quality
//     inspector (质检), see ReplyReport();
//   - PH-CALLBACK: a reply that puts its answer off to a definite time sets
//     the conversation's PH-CALLBACK deadline then (a later promise moves it,
//     a later reply that answers cancels it; Due returns the breach), also
//     when the reply has other findings; a WrongAnswerFound asks the agent
//     who answered to call the customer back (a kCall action due
//     CallbackRule::call_back_within later). The rule is the reply
//     checker's options().callback;
//   - the deadline queue: every deadline op and every scheduled action of an
//     outcome enters it; Due(now) hands back what fell due;
//   - the team entities (EntityKind::kTeam, kefu/engine/team_events.h): one
//     per agent, keyed by the agent. Its events (shifts, seat left and
//     returned, shift swaps, a supervisor's scores, exams, reports upward)
//     are judged by the ledger below: the outcome carries its decisions
//     (SH-HANDOVER late arrivals and swaps, SH-COVERAGE seats left without a
//     handover, KPI-SCORE, KPI-EXAM, FB-REPORT and its escalation), and
//     FB-ROLES (the roster of the rules in force) refuses a swap approved,
//     or a score given, by a role that may not. Each agent's events are
//     idempotent by id and come in time order as any entity's;
//   - the team (KPI-*, SH-*, FB-REPORT): a TeamLedger (kefu/engine/
//     team_ledger.h) fed every event the shop applied, with its outcome:
//     orders placed and cancelled for the targets and inquiry conversion,
//     tickets' AS-REGISTER and AS-POSTAGE-CAP decisions for the score
//     cards, buyers' messages and agents' replies for the response times.
//     Duplicates and errors feed it nothing, refused events only their
//     score-card cases. What the ledger rules on an order (KPI-MONTH and
//     KPI-CARRY when it opens a month or a week, the KPI-DAY-DONE
//     announcement to the team when it reaches the day's quota) is added to
//     that event's outcome after the machine's decisions; the entity's log
//     keeps the machine's outcome, so a duplicate of the event answers
//     without them. Team() answers from the ledger.
//
// Results of Apply():
//   - the machine's result (see kefu/machines/order.h, ticket.h, review.h):
//     an Outcome, refused or not, or the machine's error status;
//   - kNotFound when the event is for an entity the shop does not know and
//     does not create it (only OrderPlaced, TicketRegistered and
//     ReviewReceived create their entity; any reply creates its
//     conversation, any team event its agent's team entity). The message
//     names the kind, the key and the event;
//   - kInvalidArgument for a malformed event (empty key, empty id, infinite
//     time), a reply without an agent, or a WrongAnswerFound without an
//     agent or without `wrong`.
//   Nothing changes when Apply() returns an error or a refusal.
//
// Threading: Apply() may be called from several threads at once. Entities
// are spread over shards by key, each shard with its own lock, so events for
// different entities run in parallel and events for one entity are
// serialized (in the order the calls take the shard's lock). The
// cross-entity indexes take their own locks. Due() and the
// queries may run concurrently with Apply(); each sees every shard as of some
// moment, not one global instant. ReplacePolicies() may run concurrently
// with all of them: each event is judged wholly by the old rules or the new.
// For a reproducible run (kefu replay), apply events from one thread in
// their order.
#ifndef KEFU_ENGINE_SHOP_H_
#define KEFU_ENGINE_SHOP_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/engine/deadline_queue.h"
#include "kefu/engine/shop_event.h"
#include "kefu/engine/team_ledger.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"
#include "kefu/machines/ticket_report.h"
#include "kefu/policies/courier_reach.h"
#include "kefu/policies/order_policies.h"
#include "kefu/policies/review_policies.h"
#include "kefu/policies/team_policies.h"
#include "kefu/policies/ticket_policies.h"
#include "kefu/text/reply_checker.h"

namespace kefu {

struct ShopOptions {
  OrderPolicies order_policies = OrderPolicies::Defaults();
  // AS-OWNER's supervisors (OwnerPolicy::supervisors, who may act on any
  // ticket): with a roster (team_policies.roles.agents not empty) they are
  // the roster's supervisors and managers, and the list given here is not
  // used; without one, the list as given.
  TicketPolicies ticket_policies = TicketPolicies::Defaults();
  ReviewPolicies review_policies = ReviewPolicies::Defaults();
  // The team's rules (KPI, SH, FB, response times). The Shop judges by
  // FB-ROLES (the roster in `roles.agents` and the roles each action needs:
  // a large refund's approver, a contact-limit override) and orders its
  // work list by FB-TRIAGE (`triage`); ReplacePolicies swaps these. Its
  // TeamLedger counts by the rest (targets, response, shifts, score card,
  // exam, reports), checked by Create as TeamLedger::Create does and fixed
  // at Create (and Load): ReplacePolicies leaves the ledger's as they were.
  TeamPolicies team_policies = TeamPolicies::Defaults();
  // The shop's calendar; null: BusinessCalendar::Default().
  std::shared_ptr<const BusinessCalendar> calendar;
  // Where couriers deliver (ORD-COD-REACH); null: everywhere.
  std::shared_ptr<const CourierReach> courier_reach;
  // The reply checker; null: ReplyChecker::Default().
  std::shared_ptr<const ReplyChecker> reply_checker;
  // The shop's own province, for AS-POSTAGE-CAP's in-province cap: a
  // TicketRegistered that names no shop_province is registered with this
  // one (an event that names one keeps it). Empty: none, as before. A name
  // ParseProvince (kefu/policies/province.h) takes, else Create is
  // kInvalidArgument. A redelivered registration is filled the same way, so
  // it is the same event while the province stays; after ReplacePolicies
  // changed it, an unfilled redelivery is another event for the same id.
  std::string shop_province;
  // The revision of the policy pack these options come from
  // (kefu/io/policy_pack.h, PolicyPack::revision()); empty when they come
  // from no pack. Shop::policy_revision() returns it.
  std::string policy_revision;
  // Shards of the entity maps: more shards, less contention. > 0.
  int shards = 64;
  // Events of one entity must come in time order: one dated more than this
  // before the last event applied to its entity is kFailedPrecondition (see
  // MachineEnvironment). Zero: no earlier event at all. >= 0.
  Duration clock_skew_tolerance = absl::ZeroDuration();
  // The most events one entity (an order, ticket, review or conversation)
  // judges and remembers; a new event past it is kResourceExhausted and
  // changes nothing (see MachineEnvironment). Bounds the memory of each
  // entity's idempotency log. > 0.
  size_t max_events_per_entity = 4096;
  // Findings kept in full per agent for ReplyReport() (the first ones); the
  // counts always cover every finding. 0: keep all (memory grows with the
  // findings).
  size_t max_findings_per_agent = 1000;
  // Threads Shop::Load decodes and restores a large saved shop's entities
  // on, the calling one among them (then they are put in their maps in the
  // order saved, by two threads each taking every other shard when there
  // are several); with more than one, a second thread also rebuilds
  // the live-order and open-ticket indexes beside the rest of the load,
  // and another reads what is saved after the entities (the deadline
  // queues, the team ledger) while the calling one restores the kinds
  // after the orders. Used only for a large shop: a kind of at least
  // 20,000 entities saved in format 2 or later, at least 20,000 orders and
  // tickets for the indexes, 20,000 orders for the rest; never more than
  // the machine's cores. 1: the calling thread alone. The shop loaded, and
  // any error, are the same either way. > 0.
  int load_threads = 2;
  // Threads Shop::Save encodes a large shop's entities on, the calling one
  // among them: a kind of at least 4,096 entities is saved in two halves,
  // the second with its own list of words (docs/state.md, format 3), and
  // with more than one thread the second half is encoded on a second
  // thread while the calling one encodes the first. Never more than the
  // machine's cores. The bytes saved are the same either way. > 0.
  int save_threads = 2;
};

// The quality inspector's view of one agent's replies (PH-*).
struct AgentReplies {
  std::string agent;
  int64_t replies = 0;                // replies checked
  int64_t replies_with_findings = 0;  // replies with at least one finding
  // Findings per rule, sorted by rule.
  std::vector<std::pair<std::string, int64_t>> by_rule;
  struct Item {
    std::string event_id;
    std::string conversation;
    Timestamp at;
    Finding finding;
  };
  // The agent's first findings (at most ShopOptions::max_findings_per_agent),
  // in the order the replies were applied; by_rule counts them all.
  std::vector<Item> findings;
};

// One piece of open work (FB-TRIAGE): a deadline still open (not paused) or
// a scheduled action not yet due, of an order, ticket, review or
// conversation, with the priority TriagePolicy gives it.
struct WorkItem {
  EntityKind entity_kind = EntityKind::kOrder;
  std::string entity;  // the entity's key
  RuleId rule;
  bool action = false;  // a scheduled action (else a deadline)
  // When it falls due: the deadline's due time (its breach), or the
  // action's due time.
  Timestamp due = absl::InfinitePast();
  // Whose work it is: the action's assignee; else the ticket's owner; else
  // the agent of the event that set the deadline. Empty: nobody's yet.
  std::string agent;
  std::string customer;        // the buyer's IM name ("" when unknown)
  std::string customer_level;  // TriagePolicy::CustomerLevel(customer)
  std::string category;        // see TriagePolicy
  std::string agent_level;     // the roster's level of `agent` ("" off the roster)
  int priority = 0;            // TriagePolicy::Priority of the three
};

// Entities per state name, for one kind.
struct StateCounts {
  EntityKind kind = EntityKind::kOrder;
  std::map<std::string, int64_t, std::less<>> by_state;
  int64_t total = 0;
};

class KEFU_EXPORT Shop {
 public:
  // kInvalidArgument for shards <= 0; the reply checker's error when the
  // default one cannot be built.
  static absl::StatusOr<std::unique_ptr<Shop>> Create(ShopOptions options = {});
  ~Shop();
  Shop(const Shop&) = delete;
  Shop& operator=(const Shop&) = delete;

  // Applies `event`; see the file comment for the result contract.
  absl::StatusOr<Outcome> Apply(const ShopEvent& event);

  // Every warning, breach and scheduled action with a time <= `now` not
  // returned before, in time order (ties: by shard, then the order they
  // were set), each exactly once. Deadlines of a finished entity (a closed
  // ticket, a completed order, a revised review) are cancelled when it
  // finishes, as are those the machines cancel or pause themselves. Each
  // item carries the id and agent of the event that set (or last resumed)
  // the deadline or scheduled the action.
  std::vector<DueItem> Due(Timestamp now);
  // Same, appending at most `max_items` to `*out`: the earliest of what is
  // due, in the same order. Returns how many were appended. Call again until
  // it returns less than `max_items` to collect a large backlog (a host that
  // was down) in slices into one reused vector: what is not returned stays
  // due and comes next, each item still exactly once, and the slices put
  // together are what one Due(now) would have returned.
  size_t Due(Timestamp now, size_t max_items, std::vector<DueItem>* out);
  // Same items in the same order as Due(now), each handed to `fn` instead of
  // stored: no DueItem is built per item, so this is the cheapest way to
  // consume what falls due (a day's backlog needs no result vector). The
  // item passed is valid only during the call; copy what you keep. `fn` runs
  // under a shard's lock: it must not call this Shop. If `fn` throws, the
  // exception propagates; the items passed so far, the one it threw on
  // included, are delivered and do not come again. Returns how many items
  // were passed.
  size_t ForEachDue(Timestamp now, absl::FunctionRef<void(const DueItem&)> fn);

  // Read access to one entity; nullptr when unknown. The pointer is valid
  // while no event is applied to that entity (not safe with concurrent
  // Apply() on the same key).
  const Order* FindOrder(std::string_view key) const;
  const Ticket* FindTicket(std::string_view key) const;
  const Review* FindReview(std::string_view key) const;
  // The team entity of `agent` (a copy): its state and data; nullopt when
  // no team event was judged for it.
  std::optional<TeamMemberState> FindTeamMember(std::string_view agent) const;
  // The same entity's whole snapshot (state, data and idempotency log), for
  // a host that keeps each agent in a row of its own (kefu/io/state_json.h
  // writes it as "kind": "team"); nullopt when no team event was judged for
  // `agent`.
  std::optional<TeamMemberSnapshot> TeamMemberSnapshotOf(std::string_view agent) const;

  // Calls `fn` for every entity of that kind, shard by shard under the
  // shard's lock (do not call Apply() from `fn`). Order within a shard is
  // unspecified; use the keys to sort.
  void ForEachOrder(absl::FunctionRef<void(const Order&)> fn) const;
  void ForEachTicket(absl::FunctionRef<void(const Ticket&)> fn) const;
  void ForEachReview(absl::FunctionRef<void(const Review&)> fn) const;

  // Entities by state, for orders, tickets and reviews (in that order),
  // then the team's agents ("off_shift", "on_shift", "away") when a team
  // event named any.
  std::vector<StateCounts> CountStates() const;
  // AS-WEEKLY over every ticket, for the week ending `report_day`.
  absl::StatusOr<WeeklyReport> WeeklyTicketReport(LocalDay report_day) const;
  // The quality inspector's view (seed 004: 质检), sorted by agent.
  std::vector<AgentReplies> ReplyReport() const;

  // Open deadlines and scheduled actions across shards.
  size_t PendingDeadlines() const;

  // The team's ledger as of now: a copy, taken under the ledger's own lock
  // (events applied concurrently are in it wholly or not at all). Events
  // reach the ledger after their entity's lock is released, so with
  // concurrent Apply() calls events of different entities may reach it in
  // another order than their entities took them.
  TeamLedger Team() const;
  // The same without the copy: calls `read` with the ledger, under its lock
  // (an Apply() that reaches the ledger meanwhile waits; `read` must not
  // call the shop).
  void ReadTeam(absl::FunctionRef<void(const TeamLedger&)> read) const;

  // ---- FB-TRIAGE: the work list
  //
  // Every open work item (open deadlines not paused, scheduled actions not
  // yet returned by Due), highest priority first; ties by due time, then by
  // entity kind, key and rule. Due() still hands back what falls due in
  // time order; this is the list an agent works from.
  std::vector<WorkItem> WorkList() const;
  // The first item of WorkList() that is `agent`'s or nobody's, its
  // priority counted with `agent`'s level (the roster's); nullopt when
  // there is none.
  std::optional<WorkItem> NextWorkItem(std::string_view agent) const;

  // ---- Saving and loading the whole shop (docs/state.md)
  //
  // The format Save() writes. Load() reads it and every older one, and
  // refuses a newer one (docs/state.md).
  static constexpr int kSaveFormat = 4;

  // The shop's whole state as bytes: every entity (orders, tickets, reviews,
  // conversations) with its data and idempotency log, the defect counts, the
  // reply record and the deadline queue (what it already delivered is gone
  // from it, warnings already returned are marked). The indexes that follow
  // from the entities (live orders by buyer, open tickets by order, event
  // ids) are rebuilt by Load. The options are not saved: load with those the
  // shop ran with. The same state gives the same bytes. Takes every shard's
  // lock at once: an Apply() running concurrently lands wholly before or
  // wholly after the state saved.
  std::string Save() const;

  // A new shop with `options` and the state `saved` holds: from then on it
  // decides, and hands back due items, exactly as the shop that saved it
  // would have (with the same options; with another shard count, due items
  // of equal time may come in another order). Errors, with no shop made:
  //   kInvalidArgument: `saved` is not a saved kefu shop (no KEFUSHOP mark),
  //     or the options are invalid (as Create);
  //   kFailedPrecondition: a format this build does not read (written by a
  //     newer kefu), naming both;
  //   kDataLoss: truncated or corrupted (checksum mismatch, a value out of
  //     range, an entity that does not restore), naming what and where.
  static absl::StatusOr<std::unique_ptr<Shop>> Load(std::string_view saved,
                                                    ShopOptions options = {});
  // The calendar in force. The reference stays valid for the shop's
  // lifetime, also after ReplacePolicies.
  const BusinessCalendar& calendar() const;

  // ---- Replacing the rules while serving
  //
  // Replaces the rules events are judged by with those of `options`: the
  // order, ticket, review and team policies (the roster included), the
  // calendar, the couriers, the reply checker, the shop's province and the
  // policy revision (null calendar and checker: the
  // defaults, as Create). The other fields of `options` (shards, limits) are
  // ignored: they stay as the shop was created. Atomic: it waits for the
  // events being applied, and every event is judged wholly by the old rules
  // or wholly by the new ones, never by a mix. The entities, the deadlines
  // already set and what is due are kept as they are (a deadline set under
  // the old rules keeps its time); the AS-DEFECT counts are kept and judged
  // by the new thresholds from the next ticket on. Errors: the reply
  // checker's, when the default one cannot be built, and kInvalidArgument
  // for a shop_province that is no province (nothing changes then).
  // Safe to call from any thread, concurrently with Apply().
  absl::Status ReplacePolicies(const ShopOptions& options);
  // The revision of the rules in force (ShopOptions::policy_revision).
  std::string policy_revision() const;

 private:
  struct Impl;
  explicit Shop(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kefu

#endif  // KEFU_ENGINE_SHOP_H_
