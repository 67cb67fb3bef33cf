// kefu/machines/ticket.h: an after-sales ticket (return, exchange, repair,
// refund), from registration to closing or rejection, with every AS rule of
// the catalogue enforced.
//
// A Ticket is driven by typed events (TicketRegistered, ReturnShipped, ...).
// Ticket::Apply() returns:
//   - an Outcome (decisions naming their rule, actions for the host,
//     deadlines, the audit record) when the event was applied. The state
//     name and data may have changed.
//   - an OK Outcome whose refused() is true when a policy refused the event
//     (AS-POSTAGE-CAP for a freight-collect parcel, AS-EVIDENCE without
//     photos, AS-DEDUP with another open ticket for the same order and
//     category, AS-OWNER for an agent who does not own the ticket, ...):
//     the decision names the rule, the figures say why (the other ticket
//     and its owner; the owner); the ticket is unchanged and audit.refused
//     is set. The refusal is remembered: a corrected event needs a new id.
//   - kFailedPrecondition when the current state does not accept the event
//     (the message names both); kInvalidArgument for a malformed event
//     (empty id, negative amount, ...). The ticket is unchanged and the id
//     is not remembered.
// The same event id again returns the first outcome, refused or applied, with
// audit.duplicate set, and changes nothing; the same id with other content
// is kAlreadyExists naming what differs; an event dated before the last
// applied one (beyond the environment's clock_skew_tolerance) is
// kFailedPrecondition (kefu/machines/machine.h).
//
// State names are stable strings and part of the API (see Ticket::Table()
// and docs/ticket.md); persist tickets with Snapshot() / Restore().
//
// Thread safety: a Ticket is a value; distinct tickets may be used from
// different threads, one ticket is not synchronized. The environment's
// policies, calendar and open tickets are only read.
#ifndef KEFU_MACHINES_TICKET_H_
#define KEFU_MACHINES_TICKET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/machine.h"
#include "kefu/machines/transition_table.h"
#include "kefu/policies/product_tests.h"
#include "kefu/policies/team_policies.h"
#include "kefu/policies/ticket_policies.h"
#include "kefu/policies/ticket_terms.h"

namespace kefu {

class OpenTickets;  // kefu/machines/open_tickets.h

// ---------------------------------------------------------------- events
// Every event has a stable name (kName) and an EventMeta; meta.agent is the
// acting agent (AS-OWNER).

// The case is entered in the after-sales register (AS-REGISTER, AS-DEDUP,
// AS-WHO-PAYS). The registering agent owns it until someone unpacks a return.
struct TicketRegistered {
  static constexpr std::string_view kName = "registered";
  EventMeta meta;
  std::string order_id;  // not empty
  TicketKind kind = TicketKind::kReturnRefund;
  std::string category;  // 事务类别
  std::string details;   // what happened, what was agreed
  std::vector<TicketLine> lines;
  // Empty (unknown: AS-POSTAGE-CAP takes the in-province cap) or a name
  // ParseProvince (kefu/policies/province.h) takes, short or full ("浙江",
  // "浙江省"); any other text is kInvalidArgument and changes nothing. They
  // are kept as written and compared as provinces.
  std::string customer_province;
  std::string shop_province;
  std::string shop;            // which shop (for finance)
  std::string buyer_im;        // buyer's IM (旺旺) name
  std::string alipay_account;  // where refunds go
  PostagePayer return_postage = PostagePayer::kUnset;
  PostagePayer reship_postage = PostagePayer::kUnset;
  Repayment repayment = Repayment::kNone;
  Money repayment_amount;  // what the shop expects to repay (e.g. 10 yuan cash)
  bool quality_claim = false;  // the customer reports a quality problem
  bool order_marked_shipped = true;  // false: the order is not marked shipped yet
  std::string notes;
};

// The shop agreed that the customer sends the goods back (AS-RETURN-WINDOW).
struct ReturnAgreed {
  static constexpr std::string_view kName = "return_agreed";
  EventMeta meta;
};

// The customer sent the parcel (AS-POSTAGE-CAP).
struct ReturnShipped {
  static constexpr std::string_view kName = "return_shipped";
  EventMeta meta;
  Money declared_postage;       // what the customer paid, not negative
  bool freight_collect = false;  // 到付: refused
  std::string tracking_number;
};

// The parcel arrived and was unpacked; whoever unpacks owns the ticket
// (AS-OWNER). AS-RECEIVE lists what to do next.
struct ParcelReceived {
  static constexpr std::string_view kName = "parcel_received";
  EventMeta meta;
  std::string unpacked_by;  // empty: meta.agent
};

// The packaging and the goods were compared with the record (AS-RECEIVE,
// AS-QUALITY).
struct PackagingChecked {
  static constexpr std::string_view kName = "packaging_checked";
  EventMeta meta;
  Packaging packaging = Packaging::kIntact;
  bool as_described = true;  // the goods are as the customer said
};

// The returned goods were tested (AS-QUALITY; a fault needs its QC stamp,
// AS-REGISTER).
struct ItemTested {
  static constexpr std::string_view kName = "tested";
  EventMeta meta;
  bool fault_confirmed = false;
  std::string qc_stamp;
};

// Whether the returned goods can be sold again (AS-RESALE) and whether the
// supplier takes them back (AS-PREFER-EXCHANGE).
struct ResaleDecided {
  static constexpr std::string_view kName = "resale_decided";
  EventMeta meta;
  bool resalable = true;
  bool supplier_takes_back = true;
};

// The goods go to the supplier for an exchange (AS-RESALE: back to the
// customer within 2 days).
struct SupplierExchangeRequested {
  static constexpr std::string_view kName = "supplier_exchange_requested";
  EventMeta meta;
};

struct SupplierExchangeReceived {
  static constexpr std::string_view kName = "supplier_exchange_received";
  EventMeta meta;
};

// The customer's photos arrived (AS-EVIDENCE).
struct EvidenceRecorded {
  static constexpr std::string_view kName = "evidence_recorded";
  EventMeta meta;
  bool photos = false;
  bool destruction_photo = false;
};

// The refund goes to finance (AS-EVIDENCE, AS-PREFER-EXCHANGE,
// AS-REFUND-RECORD, AS-RECEIVE).
struct RefundSentToFinance {
  static constexpr std::string_view kName = "refund_sent_to_finance";
  EventMeta meta;
  Money amount;        // goods refunded, > 0
  Money compensation;  // paid on top, not negative
  bool quality_fault = false;         // a refund for a quality problem
  bool full_refund_unusable = false;  // full refund of an unusable item
  bool exchange_declined = false;     // the customer declined the exchange offered
  std::string alipay_account;         // empty: the registered one
  // FB-ROLES: who approved a refund whose amount and compensation together
  // are above RolePolicy::refund_approval_above (an agent on the roster
  // whose role may approve); empty: the agent who sends it approves it.
  std::string approved_by;
};

// Finance paid the refund.
struct RefundPaid {
  static constexpr std::string_view kName = "refund_paid";
  EventMeta meta;
};

// Cash for the customer went into the parcel and onto the slip (AS-RECEIVE).
struct CashPutInParcel {
  static constexpr std::string_view kName = "cash_put_in_parcel";
  EventMeta meta;
  Money amount;  // > 0
};

// The replacement or repaired goods left (AS-RESOLVE, AS-RESALE, AS-RECEIVE).
struct Reshipped {
  static constexpr std::string_view kName = "reshipped";
  EventMeta meta;
  std::string tracking_number;
};

// The owner hands the ticket to another agent (AS-HANDOFF).
struct HandedOff {
  static constexpr std::string_view kName = "handed_off";
  EventMeta meta;
  std::string to;  // not empty
  std::string reason;
};

// The ticket is escalated to a supervisor, who may then act on it.
struct Escalated {
  static constexpr std::string_view kName = "escalated";
  EventMeta meta;
  std::string to;  // not empty
  std::string reason;
};

// The case is settled (on the spot, or after reshipment or refund).
struct TicketClosed {
  static constexpr std::string_view kName = "closed";
  EventMeta meta;
  std::string note;
};

// The shop refuses the case (a freight-collect parcel turned away, goods not
// as described...).
struct TicketRejected {
  static constexpr std::string_view kName = "rejected";
  EventMeta meta;
  std::string reason;  // not empty
};

using TicketEvent =
    std::variant<TicketRegistered, ReturnAgreed, ReturnShipped, ParcelReceived, PackagingChecked,
                 ItemTested, ResaleDecided, SupplierExchangeRequested, SupplierExchangeReceived,
                 EvidenceRecorded, RefundSentToFinance, RefundPaid, CashPutInParcel, Reshipped,
                 HandedOff, Escalated, TicketClosed, TicketRejected>;

// The event's stable name and metadata.
KEFU_EXPORT std::string_view EventName(const TicketEvent& event);
KEFU_EXPORT const EventMeta& MetaOf(const TicketEvent& event);

// ------------------------------------------------------------------ data

// A deadline the ticket runs (AS-RETURN-WINDOW, AS-RESOLVE, AS-TRACK,
// AS-RESALE), as the ticket tracks it for breach reporting. The host's
// deadline queue gets the same facts through Outcome::deadlines.
struct KEFU_EXPORT TicketDeadline {
  RuleId rule;
  Timestamp due = absl::InfinitePast();
  std::optional<Timestamp> warn_at;
  std::optional<Timestamp> paused_since;  // set while paused
  std::optional<Timestamp> met_at;        // met or made moot at; nullopt: open

  // True when met after `due`, or still open (and not paused) at `now` >= due.
  bool BreachedAt(Timestamp now) const;
  friend KEFU_EXPORT bool operator==(const TicketDeadline& a, const TicketDeadline& b);
};

// A cost the shop bore (AS-WEEKLY).
struct TicketCost {
  CostKind kind = CostKind::kRefund;
  Money amount;
  Timestamp at = absl::InfinitePast();
  std::string agent;  // who handled it (the actor, else the owner)
  friend bool operator==(const TicketCost& a, const TicketCost& b) {
    return a.kind == b.kind && a.amount == b.amount && a.at == b.at && a.agent == b.agent;
  }
};

// Everything a ticket knows. Read it through Ticket::data(); it changes only
// through events.
struct KEFU_EXPORT TicketData {
  std::string id;
  std::string order_id;
  TicketKind kind = TicketKind::kReturnRefund;
  std::string category;
  std::string details;
  std::vector<TicketLine> lines;
  std::string customer_province;
  std::string shop_province;
  std::string shop;
  std::string buyer_im;
  std::string alipay_account;
  std::string registered_by;
  std::string owner;         // AS-OWNER
  std::string escalated_to;  // may act too
  PostagePayer return_postage = PostagePayer::kUnset;  // AS-WHO-PAYS
  PostagePayer reship_postage = PostagePayer::kUnset;
  Repayment repayment = Repayment::kNone;
  Money repayment_amount;
  bool quality_claim = false;
  bool order_marked_shipped = true;  // AS-REFUND-RECORD
  std::string notes;
  Timestamp registered_at = absl::InfinitePast();

  // The return (AS-POSTAGE-CAP, AS-RECEIVE).
  bool postage_declared = false;  // a ReturnShipped event set the two below
  Money postage_claimed;
  Money postage_reimbursed;
  Money postage_repaid;  // paid back so far (Alipay via finance, or cash)
  std::string return_tracking;
  std::optional<Timestamp> received_at;
  std::optional<Packaging> packaging;
  bool as_described = true;
  // Inspection (AS-QUALITY, AS-RESALE, AS-PREFER-EXCHANGE).
  bool tested = false;
  bool fault_confirmed = false;
  std::string qc_stamp;
  std::string marking;  // "(质量问题更换)" etc. for the after-sales order
  std::optional<bool> resalable;
  std::optional<bool> supplier_takes_back;
  bool exchange_proposed = false;
  // Evidence (AS-EVIDENCE).
  bool photos = false;
  bool destruction_photo = false;
  // Settlement.
  Money cash_in_parcel;
  Money refund_amount;
  Money compensation;
  std::string reship_tracking;
  std::optional<Timestamp> resolved_at;  // reshipped or refund sent (AS-RESOLVE)
  std::optional<Timestamp> closed_at;    // closed or rejected
  std::string rejection_reason;

  std::vector<TicketDeadline> deadlines;
  std::vector<TicketCost> costs;

  // The ticket's deadline of `rule`, or nullptr.
  const TicketDeadline* FindDeadline(RuleId rule) const;
  // What the shop still owes the customer for return postage: the capped
  // reimbursement once the return is declared (else the registered
  // repayment amount) less what was repaid; zero when the customer pays.
  Money PostageOwed() const;

  friend KEFU_EXPORT bool operator==(const TicketData& a, const TicketData& b);
  friend bool operator!=(const TicketData& a, const TicketData& b) { return !(a == b); }
};

using TicketSnapshot = MachineSnapshot<TicketData>;

// What Apply() consults besides the ticket. Every pointer may be null (a
// default is used) and must outlive the call.
struct TicketEnvironment : MachineEnvironment {
  const TicketPolicies* policies = nullptr;     // null: TicketPolicies::Defaults()
  const BusinessCalendar* calendar = nullptr;   // null: BusinessCalendar::Default()
  const OpenTickets* open_tickets = nullptr;    // null: no AS-DEDUP check
  // AS-DEFECT: each registered ticket is recorded here, and what reaching a
  // threshold decides is part of the registration's outcome. null: not
  // counted.
  DefectLedger* defects = nullptr;
  // FB-ROLES: the roster and the roles a large refund needs. null: no
  // roster (no refund needs approval).
  const RolePolicy* roles = nullptr;
  // SH-HANDOVER: a problem raised during a handover stays with the outgoing
  // agent. When set and its `incoming` is the registering agent
  // (meta.agent), a TicketRegistered is owned by `outgoing` (registered_by
  // stays the agent who recorded it) and its outcome carries `decision`.
  // The Shop sets it from its team ledger (TeamLedger::TakingOver). null:
  // the registering agent owns the ticket.
  const HandoverCase* handover = nullptr;
};

class KEFU_EXPORT Ticket {
 public:
  // Bump when TicketData or a state's meaning changes; Restore() refuses
  // other versions.
  static constexpr int kSnapshotFormat = 1;

  // A fresh ticket in state "new", waiting for its TicketRegistered event.
  explicit Ticket(std::string id);
  Ticket(const Ticket& other);
  Ticket& operator=(const Ticket& other);
  Ticket(Ticket&& other) noexcept;
  Ticket& operator=(Ticket&& other) noexcept;
  ~Ticket();

  // Applies `event`; see the file comment for the result contract.
  absl::StatusOr<Outcome> Apply(const TicketEvent& event, const TicketEnvironment& env = {});

  // The key it was made with: a view into the entity, valid while the
  // entity lives unchanged (copy it to keep it).
  std::string_view id() const;
  // The stable name of the current state ("registered", "inspecting", ...).
  std::string_view state() const;
  const TicketData& data() const;
  // Outcomes of every event judged (applied or refused by a rule), oldest
  // first: the audit trail. Built
  // on each call from the compact log (see AppliedEvents in machine.h);
  // applied_count() is the cheap way to ask how many there are.
  std::vector<Outcome> applied() const;
  size_t applied_count() const;
  // Bytes the remembered outcomes take (AppliedEvents::encoded_bytes).
  size_t applied_bytes() const;
  // The compact log applied() decodes (AppliedEvents::ForEach walks it
  // without building a vector).
  const AppliedEvents& applied_log() const;
  // Registered and neither closed nor rejected.
  bool open() const;
  // The rules whose deadline this ticket breached by `now` (met late, or
  // open past due), in the order the deadlines were set.
  std::vector<RuleId> BreachesAt(Timestamp now) const;

  TicketSnapshot Snapshot() const;
  // kInvalidArgument for another format version, an unknown state name or
  // data whose id is empty.
  static absl::StatusOr<Ticket> Restore(TicketSnapshot snapshot);

  // The machine's transition table (built once; safe to share).
  static const TransitionTable& Table();

 private:
  struct Impl;
  explicit Ticket(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The ticket states, as stable names (also in Ticket::Table().states).
namespace ticket_states {
inline constexpr std::string_view kNew = "new";
inline constexpr std::string_view kRegistered = "registered";
inline constexpr std::string_view kAwaitingReturn = "awaiting_return";
inline constexpr std::string_view kInTransit = "in_transit";
inline constexpr std::string_view kReceived = "received";
inline constexpr std::string_view kInspecting = "inspecting";
inline constexpr std::string_view kAwaitingSupplier = "awaiting_supplier";
inline constexpr std::string_view kAwaitingFinance = "awaiting_finance";
inline constexpr std::string_view kReshipped = "reshipped";
inline constexpr std::string_view kRefunded = "refunded";
inline constexpr std::string_view kClosed = "closed";
inline constexpr std::string_view kRejected = "rejected";
}  // namespace ticket_states

}  // namespace kefu

#endif  // KEFU_MACHINES_TICKET_H_
