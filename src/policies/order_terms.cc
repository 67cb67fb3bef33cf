// Stable names of the order vocabulary.
#include "kefu/policies/order_terms.h"

#include "kefu/policies/province.h"

namespace kefu {

std::string Address::Full() const {
  std::string out;
  AppendFull(&out);
  return out;
}

void Address::AppendFull(std::string* out) const {
  const absl::StatusOr<Province> p = ParseProvince(province);
  out->append(p.ok() ? ProvinceFullName(*p) : std::string_view(province));
  out->append(city);
  out->append(district);
  out->append(detail);
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

// ------------------------------------------------------------------ terms

Term ChannelTerm(Channel c) {
  const std::string_view k = ChannelName(c);
  switch (c) {
    case Channel::kTaobao: return {k, "淘宝", "Taobao"};
    case Channel::kTmall: return {k, "天猫商城", "Tmall"};
    case Channel::kWebsite: return {k, "官网", "website"};
    case Channel::kPhone: return {k, "电话订单", "phone order"};
  }
  return {k, "未知渠道", "unknown channel"};
}

Term PaymentMethodTerm(PaymentMethod m) {
  const std::string_view k = PaymentMethodName(m);
  switch (m) {
    case PaymentMethod::kPlatform: return {k, "平台担保交易", "platform payment"};
    case PaymentMethod::kAlipayTransfer: return {k, "网站支付宝", "website Alipay"};
    case PaymentMethod::kBankTransfer: return {k, "银行转账", "bank transfer"};
    case PaymentMethod::kOnlineBanking: return {k, "网银", "online banking"};
    case PaymentMethod::kCashOnDelivery: return {k, "货到付款", "cash on delivery"};
  }
  return {k, "未知付款方式", "unknown payment method"};
}

Term VerificationItemTerm(VerificationItem item) {
  const std::string_view k = VerificationItemName(item);
  switch (item) {
    case VerificationItem::kProduct: return {k, "产品", "product"};
    case VerificationItem::kQuantity: return {k, "数量", "quantity"};
    case VerificationItem::kPrice: return {k, "价格", "price"};
    case VerificationItem::kPostage: return {k, "邮费", "postage"};
    case VerificationItem::kPaymentMethod: return {k, "付款方式", "payment method"};
    case VerificationItem::kAddress: return {k, "地址", "address"};
  }
  return {k, "未知核对项", "unknown check"};
}

Term ExceptionKindTerm(ExceptionKind e) {
  const std::string_view k = ExceptionKindName(e);
  switch (e) {
    case ExceptionKind::kNone: return {k, "无", "none"};
    case ExceptionKind::kAddedLater: return {k, "临时加单", "items added later"};
    case ExceptionKind::kPostageSupplement: return {k, "补邮费", "postage supplement"};
    case ExceptionKind::kAfterSalesReshipment: return {k, "售后二次销售", "after-sales reshipment"};
  }
  return {k, "未知异常", "unknown exception"};
}

Term ContactChannelTerm(ContactChannel c) {
  const std::string_view k = ContactChannelName(c);
  switch (c) {
    case ContactChannel::kIm: return {k, "旺旺", "IM"};
    case ContactChannel::kPhone: return {k, "电话", "phone"};
    case ContactChannel::kSms: return {k, "短信", "SMS"};
  }
  return {k, "未知方式", "unknown channel"};
}

Term ContactResultTerm(ContactResult r) {
  const std::string_view k = ContactResultName(r);
  switch (r) {
    case ContactResult::kReached: return {k, "已联系上", "reached"};
    case ContactResult::kUnreachable: return {k, "联系不上", "unreachable"};
    case ContactResult::kAcceptedOtherStyle: return {k, "同意换款", "accepted another style"};
    case ContactResult::kDeclinedOtherStyle: return {k, "不换款", "declined another style"};
    case ContactResult::kPromisedPayment: return {k, "承诺付款", "promised to pay"};
  }
  return {k, "未知结果", "unknown result"};
}

Term StockArrivalTerm(StockArrival a) {
  const std::string_view k = StockArrivalName(a);
  switch (a) {
    case StockArrival::kTomorrow: return {k, "明天", "tomorrow"};
    case StockArrival::kUncertain: return {k, "不确定", "uncertain"};
  }
  return {k, "未知", "unknown"};
}

}  // namespace kefu
