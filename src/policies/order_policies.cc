// The ORD policies: verification checklist, UTF-8 address comparison,
// compensation, invoice content and the out-of-stock ladder.
#include "kefu/policies/order_policies.h"

#include <algorithm>
#include <string>
#include <vector>

namespace kefu {
namespace {

template <class T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Decodes UTF-8 into code points; a byte that does not start a valid
// sequence becomes one character of its own (0x110000 + byte, never a real
// code point).
void DecodeUtf8(std::string_view s, std::vector<char32_t>& out) {
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int len = 0;
    char32_t cp = 0;
    if (b0 < 0x80) {
      len = 1;
      cp = b0;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
      cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      cp = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      cp = b0 & 0x07;
    }
    bool ok = len > 0 && i + static_cast<size_t>(len) <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((b & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (b & 0x3F);
    }
    // Reject overlong three- and four-byte forms, surrogates and > U+10FFFF.
    if (ok && len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (ok && len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ok = false;
    if (!ok) {
      out.push_back(0x110000 + b0);
      ++i;
    } else {
      out.push_back(cp);
      i += static_cast<size_t>(len);
    }
  }
}

}  // namespace

Decision VerifyPolicy::Evaluate(VerificationSet checked) const {
  Decision d;
  d.rule = kRule;
  const VerificationSet missing = required & ~checked;
  if (missing == 0) {
    d.verdict = Verdict::kAllowed;
    d.message = {"发货前核对项已全部完成", "every check before shipping is recorded"};
    return d;
  }
  TermList list;
  for (int i = 0; i < kVerificationItemCount; ++i) {
    const auto item = static_cast<VerificationItem>(i);
    if ((missing & VerificationBit(item)) == 0) continue;
    list.push_back(VerificationItemTerm(item));
  }
  d.verdict = Verdict::kRefused;
  d.message = {"F2转F3前还需核对：{missing}", "still to verify before F2 -> F3: {missing}"};
  d.figures.push_back({"missing", std::move(list)});
  return d;
}

int Utf8EditDistance(std::string_view a, std::string_view b, int limit) {
  if (limit < 0) limit = 0;
  std::vector<char32_t> x, y;
  DecodeUtf8(a, x);
  DecodeUtf8(b, y);
  if (x.size() > y.size()) std::swap(x, y);
  const size_t n = x.size(), m = y.size();
  if (m - n > static_cast<size_t>(limit)) return limit + 1;
  // Two-row Levenshtein, stopping once a whole row exceeds the limit.
  std::vector<int> prev(n + 1), cur(n + 1);
  for (size_t i = 0; i <= n; ++i) prev[i] = static_cast<int>(i);
  for (size_t j = 1; j <= m; ++j) {
    cur[0] = static_cast<int>(j);
    int row_min = cur[0];
    for (size_t i = 1; i <= n; ++i) {
      const int subst = prev[i - 1] + (x[i - 1] == y[j - 1] ? 0 : 1);
      cur[i] = std::min({prev[i] + 1, cur[i - 1] + 1, subst});
      row_min = std::min(row_min, cur[i]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return std::min(prev[n], limit + 1);
}

bool DuplicateShipPolicy::AddressesLookAlike(std::string_view a, std::string_view b) const {
  return Utf8EditDistance(a, b, max_address_edits) <= max_address_edits;
}

bool CourierReachPolicy::AsksPrepay(Channel channel) const {
  return Contains(prepay_channels, channel);
}

bool FinanceCheckPolicy::Needs(PaymentMethod method) const { return Contains(methods, method); }

ActionKind OutOfStockNotifyPolicy::FirstStep(Channel channel, bool paid_today,
                                             StockArrival arrival) const {
  if (Contains(always_call_channels, channel)) return ActionKind::kCall;
  if (!paid_today) return ActionKind::kCall;
  return arrival == StockArrival::kTomorrow ? ActionKind::kImMessage : ActionKind::kCall;
}

bool MallCompensationPolicy::Applies(Channel channel, RefundReason reason) const {
  return reason == RefundReason::kOutOfStock && Contains(channels, channel);
}

absl::StatusOr<Money> MallCompensationPolicy::Compensation(Money refunded) const {
  return PercentOf(refunded, rate, cap);
}

bool InvoicePolicy::ContentAllowed(std::string_view content) const {
  for (const std::string& c : allowed_contents) {
    if (c == content) return true;
  }
  return false;
}

bool InvoicePolicy::ChargesFee(Channel channel) const { return Contains(fee_channels, channel); }

const OrderPolicies& OrderPolicies::Defaults() {
  static const OrderPolicies* const kDefaults = new OrderPolicies();
  return *kDefaults;
}

}  // namespace kefu
