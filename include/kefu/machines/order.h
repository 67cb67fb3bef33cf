// kefu/machines/order.h: an order's lifecycle, from placement to completion
// or cancellation, with every ORD rule of the catalogue enforced.
//
// An Order is driven by typed events (OrderPlaced, PaymentReceived, ...).
// Order::Apply() returns:
//   - an Outcome (decisions naming their rule, actions for the host,
//     deadlines, the audit record) when the event was applied. The state
//     name and data may have changed.
//   - an OK Outcome whose refused() is true when a policy refused the event
//     (ORD-VERIFY with checks missing, ORD-EXCEPTION without a manual mark,
//     ...): the decision says which rule and why; the order is unchanged and
//     audit.refused is set. The refusal is remembered: a corrected event
//     needs a new id.
//   - kFailedPrecondition when the current state does not accept the event
//     (the message names both); kInvalidArgument for a malformed event
//     (empty id, unknown line...); the order is unchanged and the id is not
//     remembered.
// The same event id again returns the first outcome, refused or applied, with
// audit.duplicate set, and changes nothing; the same id with other content
// is kAlreadyExists naming what differs; an event dated before the last
// applied one (beyond the environment's clock_skew_tolerance) is
// kFailedPrecondition (kefu/machines/machine.h).
//
// State names are stable strings and part of the API (see Order::Table()
// and docs/order.md); persist orders with Snapshot() / Restore().
//
// Thread safety: an Order is a value; distinct orders may be used from
// different threads, one order is not synchronized. The environment's
// policies, calendar, courier reach and live orders are only read.
#ifndef KEFU_MACHINES_ORDER_H_
#define KEFU_MACHINES_ORDER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/machine.h"
#include "kefu/machines/transition_table.h"
#include "kefu/policies/courier_reach.h"
#include "kefu/policies/order_policies.h"
#include "kefu/policies/order_terms.h"
#include "kefu/policies/product_tests.h"
#include "kefu/policies/team_policies.h"

namespace kefu {

class LiveOrders;  // kefu/machines/live_orders.h
namespace internal {
struct OrderAccess;  // the library's own access to an order's record
}  // namespace internal

// ---------------------------------------------------------------- events
// Every event has a stable name (kName) and an EventMeta.

// The order arrives (from the platform, the website or a phone call).
struct OrderPlaced {
  static constexpr std::string_view kName = "placed";
  EventMeta meta;
  Channel channel = Channel::kTaobao;
  Buyer buyer;
  std::vector<OrderLine> lines;  // at least one, quantities > 0
  Money postage;
  PaymentMethod payment = PaymentMethod::kPlatform;
  bool paid = false;  // already paid through the platform when it arrives
  // address.province: empty or a name ParseProvince (kefu/policies/
  // province.h) takes ("浙江", "浙江省"); any other text is kInvalidArgument.
  Address address;
  std::string courier;
  std::string notes;
  ExceptionKind exception = ExceptionKind::kNone;
};

// The buyer paid (or, for transfers, says so). `method` switches the payment
// method, e.g. a website cash-on-delivery order prepaid by bank transfer.
struct PaymentReceived {
  static constexpr std::string_view kName = "paid";
  EventMeta meta;
  std::optional<PaymentMethod> method;
};

// Finance found the transfer in the account (ORD-FIN-CHECK).
struct FinanceConfirmed {
  static constexpr std::string_view kName = "finance_confirmed";
  EventMeta meta;
};

// The agent verified one item against the platform backend (ORD-VERIFY).
struct CheckRecorded {
  static constexpr std::string_view kName = "check_recorded";
  EventMeta meta;
  VerificationItem item = VerificationItem::kProduct;
};

// The order check (审单) passed: move from F2 to F3 (ORD-VERIFY, ORD-DUP-SHIP,
// ORD-COD-REACH, ORD-PREPAY decide whether it may).
struct CheckPassed {
  static constexpr std::string_view kName = "check_passed";
  EventMeta meta;
};

// Put on hold by hand, waiting for the customer.
struct HoldPlaced {
  static constexpr std::string_view kName = "hold_placed";
  EventMeta meta;
  std::string reason;  // not empty
};

// The hold is over; back to the order check. Releasing a likely duplicate needs the
// explicit decision `confirmed_not_duplicate` (ORD-DUP-SHIP).
struct HoldReleased {
  static constexpr std::string_view kName = "hold_released";
  EventMeta meta;
  bool confirmed_not_duplicate = false;
  std::string note;
};

// A product of the order is out of stock (ORD-OOS-NOTIFY).
struct OutOfStockReported {
  static constexpr std::string_view kName = "out_of_stock_reported";
  EventMeta meta;
  std::string product;
  StockArrival arrival = StockArrival::kUncertain;
};

struct CustomerContacted {
  static constexpr std::string_view kName = "customer_contacted";
  EventMeta meta;
  ContactChannel channel = ContactChannel::kPhone;
  ContactResult result = ContactResult::kReached;
};

struct CourierChanged {
  static constexpr std::string_view kName = "courier_changed";
  EventMeta meta;
  std::string courier;  // not empty
};

// ORD-COD-REACH: an agent checked that the order's courier collects cash on
// delivery at its address (seed 002: 核查更改快递). Releases a
// cash-on-delivery order held for that check; before the check passes, spares it.
struct CourierConfirmed {
  static constexpr std::string_view kName = "courier_confirmed";
  EventMeta meta;
  std::string note;
};

// A fixable problem found in the order check settled (ORD-FIX): change a line's product or
// quantity (with the customer's agreement), or the price or postage of an
// unpaid order.
struct OrderAdjusted {
  static constexpr std::string_view kName = "order_adjusted";
  EventMeta meta;
  std::optional<size_t> line;  // the line whose fields below change
  std::optional<std::string> product;
  std::optional<int32_t> quantity;
  std::optional<Money> unit_price;
  std::optional<Money> postage;
  std::optional<ContactChannel> agreed_via;  // how the customer agreed
};

// The customer owes more postage (ORD-POSTAGE-SUPP); makes the order an
// exception order (ORD-EXCEPTION).
struct PostageSupplemented {
  static constexpr std::string_view kName = "postage_supplemented";
  EventMeta meta;
  Money amount;
  std::optional<Money> erp_cost;  // the cost looked up in the ERP
};

// Marked shipped in the ERP; `manual` for a mark made by hand
// (ORD-EXCEPTION).
struct MarkedShipped {
  static constexpr std::string_view kName = "shipped";
  EventMeta meta;
  bool manual = false;
  std::string tracking_number;
};

struct Delivered {
  static constexpr std::string_view kName = "delivered";
  EventMeta meta;
};

// The trade is finished (receipt confirmed or closed by the platform).
struct Completed {
  static constexpr std::string_view kName = "completed";
  EventMeta meta;
};

// The whole order, or one line, is cancelled (ORD-CANCEL-REG).
struct Cancelled {
  static constexpr std::string_view kName = "cancelled";
  EventMeta meta;
  std::optional<size_t> line;  // nullopt: the whole order
  std::string reason;
};

// Money went back to the buyer (ORD-MALL-COMP).
struct Refunded {
  static constexpr std::string_view kName = "refunded";
  EventMeta meta;
  Money amount;  // > 0
  RefundReason reason = RefundReason::kOther;
  // FB-ROLES: who approved a refund above RolePolicy::refund_approval_above
  // (an agent on the roster whose role may approve); empty: the agent who
  // refunds (meta.agent) approves it.
  std::string approved_by;
};

struct InvoiceRequested {
  static constexpr std::string_view kName = "invoice_requested";
  EventMeta meta;
  std::string title;    // 抬头
  std::string content;  // must be an allowed content (ORD-INVOICE)
};

using OrderEvent =
    std::variant<OrderPlaced, PaymentReceived, FinanceConfirmed, CheckRecorded, CheckPassed,
                 HoldPlaced, HoldReleased, OutOfStockReported, CustomerContacted, CourierChanged,
                 CourierConfirmed, OrderAdjusted, PostageSupplemented, MarkedShipped, Delivered, Completed,
                 Cancelled, Refunded, InvoiceRequested>;

// The event's stable name and metadata.
KEFU_EXPORT std::string_view EventName(const OrderEvent& event);
KEFU_EXPORT const EventMeta& MetaOf(const OrderEvent& event);

// ------------------------------------------------------------------ data

// Everything an order knows. Read it through Order::data() (a copy); the
// order changes only through events.
struct KEFU_EXPORT OrderData {
  std::string id;
  Channel channel = Channel::kTaobao;
  Buyer buyer;
  std::vector<OrderLine> lines;
  Money postage;
  PaymentMethod payment = PaymentMethod::kPlatform;
  bool payment_made = false;        // the buyer paid (or said so, for transfers)
  bool finance_confirmed = false;   // ORD-FIN-CHECK
  Address address;
  std::string courier;
  // ORD-COD-REACH: an agent checked the courier (CourierConfirmed, or a
  // courier change) for cash on delivery.
  bool courier_checked = false;
  std::string notes;
  ExceptionKind exception = ExceptionKind::kNone;
  Timestamp placed_at = absl::InfinitePast();
  std::optional<Timestamp> paid_at;
  VerificationSet checked = 0;             // ORD-VERIFY
  bool duplicate_cleared = false;          // ORD-DUP-SHIP: released explicitly
  std::string duplicate_of;                // the look-alike order's id
  std::string hold_reason;
  std::string out_of_stock_product;
  OosFlag oos_flag = OosFlag::kNone;       // ORD-OOS-NOTIFY baskets
  bool other_style_offered = false;        // ORD-MALL-COMP
  bool complaint_risk = false;             // ORD-MALL-COMP
  Money refunded;
  Money compensation;
  std::optional<Timestamp> shipped_at;
  std::string tracking_number;
  int invoices = 0;

  // Goods total of the lines not cancelled (no postage). kOutOfRange on
  // overflow.
  absl::StatusOr<Money> GoodsTotal() const;
  bool Checked(VerificationItem item) const { return (checked & VerificationBit(item)) != 0; }

};
KEFU_EXPORT bool operator==(const OrderData& a, const OrderData& b);
inline bool operator!=(const OrderData& a, const OrderData& b) { return !(a == b); }

using OrderSnapshot = MachineSnapshot<OrderData>;

// What Apply() consults besides the order. Every pointer may be null (a
// default is used) and must outlive the call.
struct OrderEnvironment : MachineEnvironment {
  const OrderPolicies* policies = nullptr;      // null: OrderPolicies::Defaults()
  const BusinessCalendar* calendar = nullptr;   // null: BusinessCalendar::Default()
  // null: every courier delivers everywhere, and whether it collects cash on
  // delivery is not known (ORD-COD-REACH holds such orders for a check).
  const CourierReach* courier_reach = nullptr;
  const LiveOrders* live_orders = nullptr;      // null: no cross-order duplicate check
  // AS-DEFECT: products to test before shipping (e.g. a DefectCounter).
  // null: no product needs a test.
  const ProductTestQuery* product_tests = nullptr;
  // FB-ROLES: the roster and the roles a large refund needs. null: no
  // roster (no refund needs approval).
  const RolePolicy* roles = nullptr;
};

class KEFU_EXPORT Order {
 public:
  // Bump when OrderData or a state's meaning changes; Restore() refuses
  // other versions.
  static constexpr int kSnapshotFormat = 1;

  // A fresh order in state "new", waiting for its OrderPlaced event.
  explicit Order(std::string id);
  Order(const Order& other);
  Order& operator=(const Order& other);
  Order(Order&& other) noexcept;
  Order& operator=(Order&& other) noexcept;
  ~Order();

  // Applies `event`; see the file comment for the result contract.
  absl::StatusOr<Outcome> Apply(const OrderEvent& event, const OrderEnvironment& env = {});

  // The key it was made with: a view into the entity, valid while the
  // entity lives unchanged (copy it to keep it).
  std::string_view id() const;
  // The stable name of the current state ("in_check", "shipped", ...).
  std::string_view state() const;
  // Everything the order knows, as of now: a copy, which later events do
  // not change. The order keeps its data packed (its texts and lines in
  // one heap block, a few hundred bytes less an order than OrderData), and
  // builds the struct on each call; CopyDataTo fills one the caller keeps,
  // reusing its strings' room (the way to read many orders).
  OrderData data() const;
  void CopyDataTo(OrderData* out) const;
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
  // Placed and not cancelled, delivered or completed: may still ship.
  bool live() const;

  OrderSnapshot Snapshot() const;
  // kInvalidArgument for another format version, an unknown state name or
  // data whose id is empty.
  static absl::StatusOr<Order> Restore(OrderSnapshot snapshot);

  // The machine's transition table (built once; safe to share).
  static const TransitionTable& Table();

 private:
  friend struct internal::OrderAccess;
  struct Impl;
  explicit Order(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ORD-OOS-NOTIFY: the out-of-stock orders the next shift must follow up,
// unreachable ones (red basket) first, then those not yet contacted, each
// group in the given order. Handled ones (pink basket) are left out.
KEFU_EXPORT std::vector<const Order*> NextShiftQueue(absl::Span<const Order* const> orders);

// ORD-EXCEPTION: the evening reconciliation after the shipping run. Lists,
// as decisions and actions of one Outcome (entity "reconciliation"):
//   - every id in `paid_today_ids` (the platform's paid orders of the local
//     day of `now`) that no order in `orders` has: add it and tell the
//     customer;
//   - every live order in `orders` paid that day and not shipped: tell the
//     customer; exception orders ready to ship get a manual mark-shipped.
// kFailedPrecondition before the policy's reconcile_after local time.
KEFU_EXPORT absl::StatusOr<Outcome> ReconcileEvening(
    absl::Span<const Order* const> orders, absl::Span<const std::string> paid_today_ids,
    Timestamp now, const OrderEnvironment& env = {});

}  // namespace kefu

#endif  // KEFU_MACHINES_ORDER_H_
