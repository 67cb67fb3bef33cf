// kefu/policies/order_terms.h: the words the order rules are written in.
//
// Sales channels, payment methods, buyers, addresses, order lines and the
// other small value types that both the ORD policies
// (kefu/policies/order_policies.h) and the order machine
// (kefu/machines/order.h) talk about. Names returned by the *Name()
// functions are stable, snake_case and part of the API.
//
// Thread safety: plain value types and pure functions; distinct objects may
// be used from different threads, one object is not synchronized.
#ifndef KEFU_POLICIES_ORDER_TERMS_H_
#define KEFU_POLICIES_ORDER_TERMS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"

namespace kefu {

// Where the order was taken.
enum class Channel {
  kTaobao,   // 淘宝 C-shop
  kTmall,    // 天猫 / 商城
  kWebsite,  // the shop's own website
  kPhone,    // taken on the phone
};
// "taobao", "tmall", "website", "phone".
KEFU_EXPORT std::string_view ChannelName(Channel c);

enum class PaymentMethod {
  kPlatform,        // paid through the platform (Taobao/Tmall escrow)
  kAlipayTransfer,  // website Alipay transfer
  kBankTransfer,    // bank transfer
  kOnlineBanking,   // online banking
  kCashOnDelivery,  // 货到付款
};
// "platform", "alipay_transfer", "bank_transfer", "online_banking",
// "cash_on_delivery".
KEFU_EXPORT std::string_view PaymentMethodName(PaymentMethod m);

struct Buyer {
  std::string im_name;  // platform IM (旺旺) name
  std::string phone;
};

// A delivery address. Text is UTF-8.
struct Address {
  std::string province;  // empty, or a short or full name (kefu/policies/province.h)
  std::string city;
  std::string district;
  std::string detail;
  // province + city + district + detail, no separators: the text compared
  // for likely duplicates (ORD-DUP-SHIP). A province that ParseProvince
  // (kefu/policies/province.h) knows is written by its full name, so that
  // "浙江" and "浙江省" make the same address.
  KEFU_EXPORT std::string Full() const;
  // Appends Full() to `*out`, with no string of its own.
  KEFU_EXPORT void AppendFull(std::string* out) const;
};

struct OrderLine {
  std::string product;  // product code or title
  int32_t quantity = 1;
  Money unit_price;
  bool cancelled = false;  // set by a line cancellation
};

// The six things an agent verifies against the platform backend before an
// order moves from the order check (F2) to ready-to-ship (F3) (ORD-VERIFY).
enum class VerificationItem {
  kProduct,
  kQuantity,
  kPrice,
  kPostage,
  kPaymentMethod,
  kAddress,
};
inline constexpr int kVerificationItemCount = 6;
// "product", "quantity", "price", "postage", "payment_method", "address".
KEFU_EXPORT std::string_view VerificationItemName(VerificationItem item);

// Exception orders (异常件) need a manual mark-shipped (ORD-EXCEPTION).
enum class ExceptionKind {
  kNone,
  kAddedLater,            // 临时加单: items added later
  kPostageSupplement,     // 补邮费
  kAfterSalesReshipment,  // 售后二次销售
};
KEFU_EXPORT std::string_view ExceptionKindName(ExceptionKind k);

enum class ContactChannel { kIm, kPhone, kSms };
// "im", "phone", "sms".
KEFU_EXPORT std::string_view ContactChannelName(ContactChannel c);

// What came of contacting the customer.
enum class ContactResult {
  kReached,               // talked to the customer; the matter is settled
  kUnreachable,           // no answer
  kAcceptedOtherStyle,    // took another style instead of the missing one
  kDeclinedOtherStyle,    // offered another style, the customer declined
  kPromisedPayment,       // will pay first, but has not paid yet (ORD-PREPAY)
};
KEFU_EXPORT std::string_view ContactResultName(ContactResult r);

// When out-of-stock goods are expected (ORD-OOS-NOTIFY).
enum class StockArrival { kTomorrow, kUncertain };
KEFU_EXPORT std::string_view StockArrivalName(StockArrival a);

// The seed's baskets for out-of-stock orders (ORD-OOS-NOTIFY): handled ones
// go in the pink basket, unreachable ones stay in the red basket and the
// next shift takes them first.
enum class OosFlag { kNone, kHandled, kUnreachable };
// "none", "handled", "unreachable".
KEFU_EXPORT std::string_view OosFlagName(OosFlag f);

enum class RefundReason { kOutOfStock, kOther };
KEFU_EXPORT std::string_view RefundReasonName(RefundReason r);

// The same words as terms for figures (kefu/core/outcome.h): the key is the
// *Name() above, with a Chinese and an English rendering, e.g.
// PaymentMethodTerm(kCashOnDelivery) = {"cash_on_delivery", "货到付款",
// "cash on delivery"}.
KEFU_EXPORT Term ChannelTerm(Channel c);
KEFU_EXPORT Term PaymentMethodTerm(PaymentMethod m);
KEFU_EXPORT Term VerificationItemTerm(VerificationItem item);
KEFU_EXPORT Term ExceptionKindTerm(ExceptionKind k);
KEFU_EXPORT Term ContactChannelTerm(ContactChannel c);
KEFU_EXPORT Term ContactResultTerm(ContactResult r);
KEFU_EXPORT Term StockArrivalTerm(StockArrival a);

}  // namespace kefu

#endif  // KEFU_POLICIES_ORDER_TERMS_H_
