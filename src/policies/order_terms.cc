// Stable names of the order vocabulary.
#include "kefu/policies/order_terms.h"

#include "kefu/policies/province.h"

namespace kefu {

std::string Address::Full() const {
  const absl::StatusOr<Province> p = ParseProvince(province);
  std::string out(p.ok() ? ProvinceFullName(*p) : std::string_view(province));
  out += city;
  out += district;
  out += detail;
  return out;
}

std::string_view ChannelName(Channel c) {
  switch (c) {
    case Channel::kTaobao: return "taobao";
    case Channel::kTmall: return "tmall";
    case Channel::kWebsite: return "website";
    case Channel::kPhone: return "phone";
  }
  return "unknown";
}

std::string_view PaymentMethodName(PaymentMethod m) {
  switch (m) {
    case PaymentMethod::kPlatform: return "platform";
    case PaymentMethod::kAlipayTransfer: return "alipay_transfer";
    case PaymentMethod::kBankTransfer: return "bank_transfer";
    case PaymentMethod::kOnlineBanking: return "online_banking";
    case PaymentMethod::kCashOnDelivery: return "cash_on_delivery";
  }
  return "unknown";
}

std::string_view VerificationItemName(VerificationItem item) {
  switch (item) {
    case VerificationItem::kProduct: return "product";
    case VerificationItem::kQuantity: return "quantity";
    case VerificationItem::kPrice: return "price";
    case VerificationItem::kPostage: return "postage";
    case VerificationItem::kPaymentMethod: return "payment_method";
    case VerificationItem::kAddress: return "address";
  }
  return "unknown";
}

std::string_view ExceptionKindName(ExceptionKind k) {
  switch (k) {
    case ExceptionKind::kNone: return "none";
    case ExceptionKind::kAddedLater: return "added_later";
    case ExceptionKind::kPostageSupplement: return "postage_supplement";
    case ExceptionKind::kAfterSalesReshipment: return "after_sales_reshipment";
  }
  return "unknown";
}

std::string_view ContactChannelName(ContactChannel c) {
  switch (c) {
    case ContactChannel::kIm: return "im";
    case ContactChannel::kPhone: return "phone";
    case ContactChannel::kSms: return "sms";
  }
  return "unknown";
}

std::string_view ContactResultName(ContactResult r) {
  switch (r) {
    case ContactResult::kReached: return "reached";
    case ContactResult::kUnreachable: return "unreachable";
    case ContactResult::kAcceptedOtherStyle: return "accepted_other_style";
    case ContactResult::kDeclinedOtherStyle: return "declined_other_style";
    case ContactResult::kPromisedPayment: return "promised_payment";
  }
  return "unknown";
}

std::string_view StockArrivalName(StockArrival a) {
  switch (a) {
    case StockArrival::kTomorrow: return "tomorrow";
    case StockArrival::kUncertain: return "uncertain";
  }
  return "unknown";
}

std::string_view OosFlagName(OosFlag f) {
  switch (f) {
    case OosFlag::kNone: return "none";
    case OosFlag::kHandled: return "handled";
    case OosFlag::kUnreachable: return "unreachable";
  }
  return "unknown";
}

std::string_view RefundReasonName(RefundReason r) {
  switch (r) {
    case RefundReason::kOutOfStock: return "out_of_stock";
    case RefundReason::kOther: return "other";
  }
  return "unknown";
}

}  // namespace kefu
