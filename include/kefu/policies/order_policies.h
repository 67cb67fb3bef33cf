// kefu/policies/order_policies.h: the ORD rules of the catalogue as small
// policy values the order machine consults.
//
// One type per rule (or per pair of rules the catalogue states together).
// Every field defaults to the catalogue's value; a shop replaces a policy by
// assigning another value to its field of OrderPolicies. Policies never do
// I/O and never read the clock: what they need arrives as arguments.
//
// Thread safety: immutable values once built; const methods are safe to call
// from any number of threads. Mutating a policy while a machine reads it is
// a data race.
#ifndef KEFU_POLICIES_ORDER_POLICIES_H_
#define KEFU_POLICIES_ORDER_POLICIES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <optional>

#include "absl/status/statusor.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/policies/courier_reach.h"
#include "kefu/policies/order_terms.h"

namespace kefu {

// A set of VerificationItem, one bit each.
using VerificationSet = uint32_t;
constexpr VerificationSet VerificationBit(VerificationItem item) {
  return VerificationSet{1} << static_cast<int>(item);
}
inline constexpr VerificationSet kAllVerificationItems = (1u << kVerificationItemCount) - 1;

// ORD-VERIFY: the order check (F2) -> ready to ship (F3) only once every required
// item has been checked against the platform backend.
struct KEFU_EXPORT VerifyPolicy {
  static constexpr RuleId kRule = "ORD-VERIFY";
  VerificationSet required = kAllVerificationItems;

  // kAllowed when `checked` covers `required`; otherwise kRefused with the
  // figure "missing", a TermList of VerificationItemTerm for the unchecked
  // items ("价格、邮费" / "price, postage").
  Decision Evaluate(VerificationSet checked) const;
};

// ORD-DUP-SHIP: two live orders of the same buyer and items whose addresses
// differ by at most `max_address_edits` characters are a likely duplicate.
struct KEFU_EXPORT DuplicateShipPolicy {
  static constexpr RuleId kRule = "ORD-DUP-SHIP";
  bool enabled = true;
  int max_address_edits = 1;

  // True when the addresses' edit distance in characters (UTF-8 code points)
  // is at most max_address_edits.
  bool AddressesLookAlike(std::string_view a, std::string_view b) const;

  // kAdjusted: the order is held at the order check as a likely duplicate of
  // live order `duplicate_of` (figure "duplicate_of").
  Decision Held(std::string_view duplicate_of) const;
  // kRefused while a release does not confirm that the order is not a
  // duplicate of `duplicate_of`; nullopt when it does.
  std::optional<Decision> ReleaseRefusal(bool confirmed_not_duplicate,
                                         std::string_view duplicate_of) const;
  // kAllowed: confirmed not a duplicate (figures "duplicate_of", "note").
  Decision Released(std::string_view duplicate_of, std::string_view note) const;
};

// The Levenshtein distance between `a` and `b` counted in Unicode code points
// of their UTF-8 text (a byte that is not valid UTF-8 counts as one
// character). Stops early: returns `limit + 1` when the distance exceeds
// `limit` (limit >= 0).
KEFU_EXPORT int Utf8EditDistance(std::string_view a, std::string_view b, int limit);

// ORD-COD-REACH / ORD-PREPAY: at the order check, an order whose courier does
// not reach the address is held until the courier is changed; for the listed
// channels (a website order) the customer is first asked to pay in advance,
// and a promised (not made) payment unpacks and restocks the goods until the
// money arrives. A cash-on-delivery order is held unless the host's
// CourierReach says its courier collects cash at the address, or an agent
// checked it (CourierConfirmed, or a courier change).
struct KEFU_EXPORT CourierReachPolicy {
  static constexpr RuleId kReachRule = "ORD-COD-REACH";
  static constexpr RuleId kPrepayRule = "ORD-PREPAY";
  bool enabled = true;
  std::vector<Channel> prepay_channels = {Channel::kWebsite};

  bool AsksPrepay(Channel channel) const;

  // What the order check finds about the courier: clear, or held because
  // it does not reach the address (kUnreachableNotExpress: a courier the
  // host says is not express, the post or freight), does not collect cash
  // there, or (cash on delivery) nothing says it does and no agent checked.
  enum class Reach { kClear, kUnreachable, kNoCash, kUnchecked, kUnreachableNotExpress };
  // `reach` is the host's CourierReach (nullptr: it knows nothing).
  // kClear when the rule is off.
  Reach Assess(const CourierReach* reach, std::string_view courier, const Address& address,
               PaymentMethod payment, bool courier_checked) const;
  // The hold for `why` (not kClear): kAdjusted with figures "courier" and
  // "payment", and the action to check or change the courier; a courier
  // that does not reach the address on a prepay channel asks the customer
  // to pay in advance instead (ORD-PREPAY, kScheduled, a call), unless the
  // courier is not express (kUnreachableNotExpress).
  Ruling Held(Reach why, std::string_view courier, PaymentMethod payment, Channel channel) const;
  // ORD-PREPAY: a payment only promised unpacks and restocks the goods by
  // `due` (kScheduled).
  Ruling PaymentPromised(Timestamp due) const;
  // kAllowed: the courier changed to `courier` while held; back to the check.
  Decision CourierChanged(std::string_view courier) const;
  // kAllowed: an agent checked `courier` (figures "courier", "note");
  // `back_to_check` when this releases a courier hold.
  Decision CourierConfirmed(std::string_view courier, std::string_view note,
                            bool back_to_check) const;
};

// ORD-FIN-CHECK: these payment methods wait for finance to confirm the money
// before the order is checked and shipped.
struct KEFU_EXPORT FinanceCheckPolicy {
  static constexpr RuleId kRule = "ORD-FIN-CHECK";
  std::vector<PaymentMethod> methods = {PaymentMethod::kAlipayTransfer,
                                        PaymentMethod::kBankTransfer,
                                        PaymentMethod::kOnlineBanking};
  bool Needs(PaymentMethod method) const;

  // kScheduled with figures "note" (payment made or awaited) and "payment",
  // and the action asking finance to check the account.
  Ruling Awaiting(PaymentMethod method, bool paid) const;
  // kRefused while a payment by `method` that needs finance is not
  // confirmed; nullopt otherwise.
  std::optional<Decision> ShipRefusal(PaymentMethod method, bool finance_confirmed) const;
  // kAllowed: finance confirmed the payment.
  Decision Confirmed() const;
};

// ORD-EXCEPTION: exception orders are marked shipped by hand; the evening
// reconciliation runs once the shipping run is over.
struct KEFU_EXPORT ExceptionPolicy {
  static constexpr RuleId kRule = "ORD-EXCEPTION";
  // Local time of day from which the evening reconciliation may run.
  Duration reconcile_after = absl::Hours(19);
  bool RequiresManualShip(ExceptionKind kind) const { return kind != ExceptionKind::kNone; }

  // kRefused when an exception order is marked shipped other than by hand
  // (figure "kind"); nullopt otherwise.
  std::optional<Decision> ShipRefusal(ExceptionKind kind, bool manual) const;
  // kScheduled: the order became an exception order of `kind`.
  Decision Flagged(ExceptionKind kind) const;
  // kAllowed when an exception order was marked shipped by hand; nullopt
  // for an ordinary order.
  std::optional<Decision> MarkedByHand(ExceptionKind kind) const;
  // kFailedPrecondition before reconcile_after local time of `now`'s day.
  absl::Status CheckReconcileTime(Timestamp now, const BusinessCalendar& calendar) const;
  // The evening reconciliation finds order `order_id` paid today but never
  // fed to the shop: kScheduled and an action (subject the order, due `due`)
  // to add it and tell the customer.
  Ruling Missed(std::string_view order_id, Timestamp due) const;
  // It finds order `order_id` paid today and not shipped, in `state`:
  // kScheduled, and an action due `due`: mark it shipped by hand when
  // `manual` (an exception order ready to ship), otherwise tell the
  // customer (that action is ORD-UNSHIPPED's).
  Ruling PaidNotShipped(std::string_view order_id, Term state, bool manual, Timestamp due) const;
};

// ORD-OOS-NOTIFY: how to tell a customer that goods are out of stock.
struct KEFU_EXPORT OutOfStockNotifyPolicy {
  static constexpr RuleId kRule = "ORD-OOS-NOTIFY";
  // When a call does not get through: SMS (cheaper) or an IM message.
  bool prefer_sms = true;
  // Orders of these channels not shipped the same day are always phoned;
  // "cash on delivery above all" is a reason in the message, not a rung.
  std::vector<Channel> always_call_channels = {Channel::kWebsite};

  // The first rung of the ladder: paid today and stock tomorrow -> IM
  // message; paid today, arrival uncertain -> call and offer another style;
  // paid on an earlier day -> call; an always-call channel -> call.
  ActionKind FirstStep(Channel channel, bool paid_today, StockArrival arrival) const;
  // The rung after a call that did not get through.
  ActionKind AfterUnreachable() const {
    return prefer_sms ? ActionKind::kSms : ActionKind::kImMessage;
  }

  // `product` reported out of stock: kScheduled (figures "product",
  // "arrival", "paid") and the first rung's action, due `due`.
  Ruling Reported(Channel channel, std::string_view product, StockArrival arrival,
                  bool paid_today, Timestamp due) const;
  // The customer could not be reached: kScheduled, the next rung due `due`.
  Ruling Unreachable(Timestamp due) const;
  // kAllowed: the customer answered with `result`.
  Decision Handled(ContactResult result) const;
};

// ORD-MALL-COMP: a refund for lack of stock on these channels pays the
// buyer `rate` of the refund, at most `cap`; another style must have been
// offered first; such refunds are flagged as a complaint risk.
struct KEFU_EXPORT MallCompensationPolicy {
  static constexpr RuleId kRule = "ORD-MALL-COMP";
  std::vector<Channel> channels = {Channel::kTmall};
  Rate rate = Rate::Percent(5);
  Money cap = Money::Fen(3000);
  bool require_style_offer = true;

  bool Applies(Channel channel, RefundReason reason) const;
  // rate of `refunded`, rounded half up to the fen, at most cap.
  // kInvalidArgument for a negative amount.
  absl::StatusOr<Money> Compensation(Money refunded) const;

  // kRefused when another style must have been offered and was not;
  // nullopt otherwise. Only for refunds the rule Applies to.
  std::optional<Decision> StyleRefusal(bool other_style_offered) const;
  // kScheduled: the buyer is paid `compensation` for the refund of
  // `refunded` (figures "refunded", "compensation", "cap"), and the action
  // asking finance to pay.
  Ruling Compensated(Money refunded, Money compensation) const;
};

// ORD-CANCEL-REG: a cancelled order or line enters the cancellation
// register and gets a restock record within `within_days` days (0 = the
// same day, due at the end of the local day).
struct KEFU_EXPORT CancellationPolicy {
  static constexpr RuleId kRule = "ORD-CANCEL-REG";
  int within_days = 0;
  bool restock = true;

  // kScheduled and the register (and restock) actions, due at the end of
  // the local day within_days after `at`. `line_product`: the product of
  // the cancelled line, nullopt for the whole order (figure "scope").
  Ruling Registered(std::optional<std::string_view> line_product, std::string_view reason,
                    Timestamp at, const BusinessCalendar& calendar) const;
};

// ORD-F2-HOLD: after confirming with the customer, an order waits in the order
// check at most `max_days` calendar days.
struct KEFU_EXPORT CheckHoldPolicy {
  static constexpr RuleId kRule = "ORD-F2-HOLD";
  int max_days = 3;

  // The deadline set when an order starts waiting in the check at `at`.
  Deadline HoldDeadline(Timestamp at, const BusinessCalendar& calendar) const;
};

// ORD-UNSHIPPED: a paid order not shipped on its day is told to the customer
// that day, while the shop can still act: the deadline's warning comes at
// `tell_customer_at` (local time) of the order's shipping day, and the
// order is closed out by the end of day `close_out_day` (day 1 = the
// shipping day). The shipping day is the day the order was paid (or placed,
// for cash on delivery), or the next day when that happened at or after
// `tell_customer_at`.
struct KEFU_EXPORT UnshippedPolicy {
  static constexpr RuleId kRule = "ORD-UNSHIPPED";
  int close_out_day = 3;
  Duration tell_customer_at = absl::Hours(17);  // since local midnight

  // The deadline of an order whose day starts at `start` (paid, or placed
  // for cash on delivery): figure "ship_day", the local date.
  Deadline ShipDayDeadline(Timestamp start, const BusinessCalendar& calendar) const;
};

// ORD-FIX: fixable problems found in the order check. Product and quantity changes need the
// customer's agreement (IM, phone or SMS); price and postage may be changed
// only on unpaid orders of the listed channels.
struct KEFU_EXPORT FixPolicy {
  static constexpr RuleId kRule = "ORD-FIX";
  std::vector<Channel> price_adjust_channels = {Channel::kTaobao};
  bool require_customer_contact = true;

  // kRefused for a price or postage change on a paid order or a channel
  // not listed (figures "allowed", "channel"), or for any change not
  // settled with the customer (`agreed`); nullopt when the change may go.
  std::optional<Decision> Refusal(bool price_change, bool goods_change, bool payment_made,
                                  Channel channel, bool agreed) const;
  // kAdjusted: changed as settled (figure "agreed_via" when known).
  Decision Applied(std::optional<ContactChannel> agreed_via) const;
};

// ORD-POSTAGE-SUPP: a postage supplement needs the cost looked up in the ERP
// first; an amount above that cost is reduced to it.
struct KEFU_EXPORT PostageSupplementPolicy {
  static constexpr RuleId kRule = "ORD-POSTAGE-SUPP";
  bool require_erp_cost = true;
  bool cap_at_erp_cost = true;

  struct Assessment {
    // kRefused (no ERP cost looked up), kAdjusted (capped at the cost) or
    // kAllowed; figures "requested" and, unless refused, "charged".
    Decision decision;
    Money charged;  // what the customer pays; zero when refused
  };
  Assessment Assess(Money requested, std::optional<Money> erp_cost) const;
};

// ORD-INVOICE: what an invoice may say and cost.
struct KEFU_EXPORT InvoicePolicy {
  static constexpr RuleId kRule = "ORD-INVOICE";
  // A channel's own handling fee, in place of `fee`.
  struct ChannelFee {
    Channel channel;
    Rate fee;
  };
  Rate fee = Rate::Percent(6);
  std::vector<Channel> fee_channels = {Channel::kWebsite};
  // Channels charging a fee of their own (listed in fee_channels or not);
  // a channel appears at most once. Empty: every fee channel charges `fee`.
  std::vector<ChannelFee> channel_fees;
  std::vector<std::string> allowed_contents = {"配件"};

  bool ContentAllowed(std::string_view content) const;
  // True when `channel` is in fee_channels or channel_fees.
  bool ChargesFee(Channel channel) const;
  // The rate `channel` charges: its channel_fees entry, else `fee` for a
  // fee channel, else zero.
  Rate FeeRate(Channel channel) const;

  // kRefused when `content` may not be invoiced (figure "content").
  std::optional<Decision> ContentRefusal(std::string_view content) const;
  // The handling fee on `goods` for `channel` (zero where none is charged);
  // an error when the amount overflows.
  absl::StatusOr<Money> FeeFor(Channel channel, Money goods) const;
  // kAllowed: the invoice is for `goods`, never the postage (figures
  // "goods", "fee", "postage").
  Decision Issued(Money goods, Money fee, Money postage) const;
};

// Every ORD policy, as the order machine consults them.
struct KEFU_EXPORT OrderPolicies {
  VerifyPolicy verify;
  DuplicateShipPolicy duplicate_ship;
  CourierReachPolicy courier_reach;
  FinanceCheckPolicy finance_check;
  ExceptionPolicy exception;
  OutOfStockNotifyPolicy out_of_stock;
  MallCompensationPolicy mall_compensation;
  CancellationPolicy cancellation;
  CheckHoldPolicy check_hold;
  UnshippedPolicy unshipped;
  FixPolicy fix;
  PostageSupplementPolicy postage_supplement;
  InvoicePolicy invoice;

  // The catalogue's defaults (a shared immutable instance).
  static const OrderPolicies& Defaults();
};

}  // namespace kefu

#endif  // KEFU_POLICIES_ORDER_POLICIES_H_
