// kefu/policies/ticket_terms.h: the words the after-sales (AS) rules are
// written in.
//
// Ticket kinds, who pays postage, how the shop repays the customer, the
// state of returned packaging and the products a ticket concerns: the small
// value types that both the AS policies (kefu/policies/ticket_policies.h)
// and the ticket machine (kefu/machines/ticket.h) talk about. Names returned
// by the *Name() functions are stable, snake_case and part of the API.
//
// Thread safety: plain value types and pure functions; distinct objects may
// be used from different threads, one object is not synchronized.
#ifndef KEFU_POLICIES_TICKET_TERMS_H_
#define KEFU_POLICIES_TICKET_TERMS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "kefu/core/export.h"
#include "kefu/core/money.h"

namespace kefu {

// What the customer asks for.
enum class TicketKind {
  kReturnRefund,   // 退货退款: send the goods back for a refund
  kExchange,       // 换货: send the goods back for another one
  kRepair,         // 返修: send the goods back to be repaired
  kRefundOnly,     // 仅退款: money back, the goods stay with the customer
  kPostageRefund,  // 退邮费: postage back only (AS-REGISTER: needs no ticket)
};
// "return_refund", "exchange", "repair", "refund_only", "postage_refund".
KEFU_EXPORT std::string_view TicketKindName(TicketKind kind);
// True for the kinds whose goods travel back to the shop.
constexpr bool NeedsReturn(TicketKind kind) {
  return kind == TicketKind::kReturnRefund || kind == TicketKind::kExchange ||
         kind == TicketKind::kRepair;
}

// Who pays a leg of postage (AS-WHO-PAYS). kUnset = the record does not say.
enum class PostagePayer { kUnset, kCustomer, kShop };
// "unset", "customer", "shop".
KEFU_EXPORT std::string_view PostagePayerName(PostagePayer payer);

// How the shop repays the customer what it owes (postage it reimburses).
enum class Repayment {
  kNone,          // the shop owes nothing
  kAlipayRefund,  // 支付宝直接退款: finance refunds to the buyer's Alipay
  kCashInParcel,  // 附现金: cash in the reshipped parcel, noted on the slip
};
// "none", "alipay_refund", "cash_in_parcel".
KEFU_EXPORT std::string_view RepaymentName(Repayment r);

// The returned parcel's packaging as found on unpacking (AS-RECEIVE,
// AS-QUALITY).
enum class Packaging { kIntact, kMissing, kDamaged };
// "intact", "missing", "damaged".
KEFU_EXPORT std::string_view PackagingName(Packaging p);

// A product a ticket concerns, and how many.
struct TicketLine {
  std::string product;  // product code or title, not empty
  int32_t quantity = 1;  // > 0
  friend bool operator==(const TicketLine& a, const TicketLine& b) {
    return a.product == b.product && a.quantity == b.quantity;
  }
  friend bool operator!=(const TicketLine& a, const TicketLine& b) { return !(a == b); }
};

// The kinds of after-sales cost the weekly report adds up (AS-WEEKLY).
enum class CostKind {
  kPostage,       // return postage reimbursed by Alipay (AS-POSTAGE-CAP)
  kRefund,        // goods refunded
  kCompensation,  // compensation paid on top of a refund
  kCashInParcel,  // cash put in a reshipped parcel
};
// "postage", "refund", "compensation", "cash_in_parcel".
KEFU_EXPORT std::string_view CostKindName(CostKind k);
inline constexpr int kCostKindCount = 4;

}  // namespace kefu

#endif  // KEFU_POLICIES_TICKET_TERMS_H_
