// Stable names of the after-sales terms.
#include "kefu/policies/ticket_terms.h"

namespace kefu {

std::string_view TicketKindName(TicketKind kind) {
  switch (kind) {
    case TicketKind::kReturnRefund: return "return_refund";
    case TicketKind::kExchange: return "exchange";
    case TicketKind::kRepair: return "repair";
    case TicketKind::kRefundOnly: return "refund_only";
    case TicketKind::kPostageRefund: return "postage_refund";
  }
  return "unknown";
}

std::string_view PostagePayerName(PostagePayer payer) {
  switch (payer) {
    case PostagePayer::kUnset: return "unset";
    case PostagePayer::kCustomer: return "customer";
    case PostagePayer::kShop: return "shop";
  }
  return "unknown";
}

std::string_view RepaymentName(Repayment r) {
  switch (r) {
    case Repayment::kNone: return "none";
    case Repayment::kAlipayRefund: return "alipay_refund";
    case Repayment::kCashInParcel: return "cash_in_parcel";
  }
  return "unknown";
}

std::string_view PackagingName(Packaging p) {
  switch (p) {
    case Packaging::kIntact: return "intact";
    case Packaging::kMissing: return "missing";
    case Packaging::kDamaged: return "damaged";
  }
  return "unknown";
}

std::string_view CostKindName(CostKind k) {
  switch (k) {
    case CostKind::kPostage: return "postage";
    case CostKind::kRefund: return "refund";
    case CostKind::kCompensation: return "compensation";
    case CostKind::kCashInParcel: return "cash_in_parcel";
  }
  return "unknown";
}

}  // namespace kefu
