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

#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
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
};

// ORD-FIN-CHECK: these payment methods wait for finance to confirm the money
// before the order is checked and shipped.
struct KEFU_EXPORT FinanceCheckPolicy {
  static constexpr RuleId kRule = "ORD-FIN-CHECK";
  std::vector<PaymentMethod> methods = {PaymentMethod::kAlipayTransfer,
                                        PaymentMethod::kBankTransfer,
                                        PaymentMethod::kOnlineBanking};
  bool Needs(PaymentMethod method) const;
};

// ORD-EXCEPTION: exception orders are marked shipped by hand; the evening
// reconciliation runs once the shipping run is over.
struct KEFU_EXPORT ExceptionPolicy {
  static constexpr RuleId kRule = "ORD-EXCEPTION";
  // Local time of day from which the evening reconciliation may run.
  Duration reconcile_after = absl::Hours(19);
  bool RequiresManualShip(ExceptionKind kind) const { return kind != ExceptionKind::kNone; }
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
};

// ORD-CANCEL-REG: a cancelled order or line enters the cancellation
// register and gets a restock record within `within_days` days (0 = the
// same day, due at the end of the local day).
struct KEFU_EXPORT CancellationPolicy {
  static constexpr RuleId kRule = "ORD-CANCEL-REG";
  int within_days = 0;
  bool restock = true;
};

// ORD-F2-HOLD: after confirming with the customer, an order waits in the order
// check at most `max_days` calendar days.
struct KEFU_EXPORT CheckHoldPolicy {
  static constexpr RuleId kRule = "ORD-F2-HOLD";
  int max_days = 3;
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
};

// ORD-FIX: fixable problems found in the order check. Product and quantity changes need the
// customer's agreement (IM, phone or SMS); price and postage may be changed
// only on unpaid orders of the listed channels.
struct KEFU_EXPORT FixPolicy {
  static constexpr RuleId kRule = "ORD-FIX";
  std::vector<Channel> price_adjust_channels = {Channel::kTaobao};
  bool require_customer_contact = true;
};

// ORD-POSTAGE-SUPP: a postage supplement needs the cost looked up in the ERP
// first; an amount above that cost is reduced to it.
struct KEFU_EXPORT PostageSupplementPolicy {
  static constexpr RuleId kRule = "ORD-POSTAGE-SUPP";
  bool require_erp_cost = true;
  bool cap_at_erp_cost = true;
};

// ORD-INVOICE: what an invoice may say and cost.
struct KEFU_EXPORT InvoicePolicy {
  static constexpr RuleId kRule = "ORD-INVOICE";
  Rate fee = Rate::Percent(6);
  std::vector<Channel> fee_channels = {Channel::kWebsite};
  std::vector<std::string> allowed_contents = {"配件"};

  bool ContentAllowed(std::string_view content) const;
  bool ChargesFee(Channel channel) const;
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
