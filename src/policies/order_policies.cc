// The ORD policies: verification checklist, UTF-8 address comparison,
// compensation, invoice content and the out-of-stock ladder.
#include "kefu/policies/order_policies.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/day_text.h"

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

Decision MakeDecision(RuleId rule, Verdict verdict, Message message, Figures figures = {}) {
  Decision d;
  d.rule = rule;
  d.verdict = verdict;
  d.message = message;
  d.figures = std::move(figures);
  return d;
}

Action MakeAction(ActionKind kind, RuleId rule, Message message,
                  std::optional<Timestamp> due = std::nullopt, std::string assignee = {},
                  Figures figures = {}) {
  Action a;
  a.kind = kind;
  a.rule = rule;
  a.assignee = std::move(assignee);
  a.due = due;
  a.message = message;
  a.figures = std::move(figures);
  return a;
}

// A figure of text the host or the customer wrote (a product, a courier, an
// order id, a note): shown as written. Words of the rules' own vocabulary
// are Terms instead, rendered in the message's language.
Figure Text(std::string_view name, std::string_view value) {
  return Figure{name, std::string(value)};
}

// ORD-FIN-CHECK's note, whether payment is made or awaited.
Term PaymentNote(bool paid) {
  return paid ? Term{"payment_made", "已付款", "payment made"}
              : Term{"payment_awaited", "待付款", "payment awaited"};
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

bool InvoicePolicy::ChargesFee(Channel channel) const {
  for (const ChannelFee& f : channel_fees) {
    if (f.channel == channel) return true;
  }
  return Contains(fee_channels, channel);
}

Rate InvoicePolicy::FeeRate(Channel channel) const {
  for (const ChannelFee& f : channel_fees) {
    if (f.channel == channel) return f.fee;
  }
  return Contains(fee_channels, channel) ? fee : Rate::BasisPoints(0);
}

// ------------------------------------------------------------ ORD-DUP-SHIP

Decision DuplicateShipPolicy::Held(std::string_view duplicate_of) const {
  return MakeDecision(kRule, Verdict::kAdjusted,
                      {"与订单{duplicate_of}疑似重复（同一买家、同样商品、地址相差不超过一个字），"
                       "暂停发货",
                       "likely duplicate of order {duplicate_of} (same buyer and items, address "
                       "at most one character apart): held"},
                      {Text("duplicate_of", duplicate_of)});
}

std::optional<Decision> DuplicateShipPolicy::ReleaseRefusal(bool confirmed_not_duplicate,
                                                            std::string_view duplicate_of) const {
  if (confirmed_not_duplicate) return std::nullopt;
  return MakeDecision(kRule, Verdict::kRefused,
                      {"疑似重复订单（与{duplicate_of}），须明确确认不是重复才能放行",
                       "likely duplicate of {duplicate_of}: releasing needs an explicit "
                       "confirmation that it is not a duplicate"},
                      {Text("duplicate_of", duplicate_of)});
}

Decision DuplicateShipPolicy::Released(std::string_view duplicate_of,
                                       std::string_view note) const {
  return MakeDecision(kRule, Verdict::kAllowed, {"已确认不是重复订单", "confirmed not a duplicate"},
                      {Text("duplicate_of", duplicate_of), Text("note", note)});
}

// ------------------------------------------------- ORD-COD-REACH, ORD-PREPAY

CourierReachPolicy::Reach CourierReachPolicy::Assess(const CourierReach* reach,
                                                     std::string_view courier,
                                                     const Address& address,
                                                     PaymentMethod payment,
                                                     bool courier_checked) const {
  if (!enabled) return Reach::kClear;
  if (reach != nullptr && !reach->Delivers(courier, address)) {
    return reach->IsExpress(courier) == false ? Reach::kUnreachableNotExpress
                                              : Reach::kUnreachable;
  }
  if (payment == PaymentMethod::kCashOnDelivery) {
    const std::optional<bool> cash =
        reach != nullptr ? reach->CollectsCash(courier, address) : std::nullopt;
    if (cash == false) return Reach::kNoCash;
    if (!cash.has_value() && !courier_checked) return Reach::kUnchecked;
  }
  return Reach::kClear;
}

Ruling CourierReachPolicy::Held(Reach why, std::string_view courier, PaymentMethod payment,
                                Channel channel) const {
  Ruling r;
  const Figures figs = {Text("courier", courier), Figure{"payment", PaymentMethodTerm(payment)}};
  if (why == Reach::kUnchecked) {
    r.decisions.push_back(MakeDecision(
        kReachRule, Verdict::kAdjusted,
        {"货到付款订单：核查快递{courier}能否在该地址代收货款，核查（或更改快递）前暂停发货",
         "cash on delivery: check that courier {courier} collects cash at the address; held "
         "until checked or the courier is changed"},
        figs));
    r.actions.push_back(MakeAction(ActionKind::kOther, kReachRule,
                                   {"核查快递能否代收货款，必要时更改快递",
                                    "check the courier collects cash; change it if not"}));
    return r;
  }
  const bool no_cash = why == Reach::kNoCash;
  r.decisions.push_back(MakeDecision(
      kReachRule, Verdict::kAdjusted,
      no_cash ? Message{"快递{courier}在该地址不能货到付款，更改快递前暂停发货",
                        "courier {courier} cannot collect cash on delivery at the address: held "
                        "until the courier is changed"}
              : Message{"快递{courier}不到该地址，更改快递前暂停发货",
                        "courier {courier} cannot reach the address: held until the courier is "
                        "changed"},
      figs));
  if (why == Reach::kUnreachable && AsksPrepay(channel)) {
    r.decisions.push_back(MakeDecision(kPrepayRule, Verdict::kScheduled,
                                       {"请客户先付款", "ask the customer to pay in advance"}));
    r.actions.push_back(MakeAction(ActionKind::kCall, kPrepayRule,
                                   {"联系客户先打款", "ask the customer to pay first"}));
  } else {
    r.actions.push_back(MakeAction(ActionKind::kOther, kReachRule,
                                   {"核查并更改快递", "check and change the courier"}));
  }
  return r;
}

Ruling CourierReachPolicy::PaymentPromised(Timestamp due) const {
  Ruling r;
  r.decisions.push_back(MakeDecision(kPrepayRule, Verdict::kScheduled,
                                     {"客户只承诺付款：拆包入库，付款后再发",
                                      "payment only promised: unpack and restock, ship after "
                                      "payment"}));
  r.actions.push_back(MakeAction(ActionKind::kUnpackAndRestock, kPrepayRule,
                                 {"拆包入库，客户付款后重新发货",
                                  "unpack and restock; ship again once paid"},
                                 due));
  return r;
}

Decision CourierReachPolicy::CourierChanged(std::string_view courier) const {
  return MakeDecision(kReachRule, Verdict::kAllowed,
                      {"已更改快递为{courier}，回到审单",
                       "courier changed to {courier}: back to the order check"},
                      {Text("courier", courier)});
}

Decision CourierReachPolicy::CourierConfirmed(std::string_view courier, std::string_view note,
                                              bool back_to_check) const {
  return MakeDecision(kReachRule, Verdict::kAllowed,
                      back_to_check ? Message{"已核查快递{courier}，回到审单",
                                              "courier {courier} checked: back to the order check"}
                                    : Message{"已核查快递{courier}", "courier {courier} checked"},
                      {Text("courier", courier), Text("note", note)});
}

// ----------------------------------------------------------- ORD-FIN-CHECK

Ruling FinanceCheckPolicy::Awaiting(PaymentMethod method, bool paid) const {
  Ruling r;
  r.decisions.push_back(MakeDecision(
      kRule, Verdict::kScheduled, {"待财务查帐：{note}", "awaiting finance check: {note}"},
      {Figure{"note", PaymentNote(paid)}, Figure{"payment", PaymentMethodTerm(method)}}));
  r.actions.push_back(MakeAction(ActionKind::kNotifyFinance, kRule,
                                 {"请财务查帐：{note}", "please check the account: {note}"},
                                 std::nullopt, "finance", {Figure{"note", PaymentNote(paid)}}));
  return r;
}

std::optional<Decision> FinanceCheckPolicy::ShipRefusal(PaymentMethod method,
                                                        bool finance_confirmed) const {
  if (finance_confirmed || !Needs(method)) return std::nullopt;
  return MakeDecision(kRule, Verdict::kRefused,
                      {"财务未确认到帐，不能发货",
                       "finance has not confirmed the payment: the order cannot ship"},
                      {Figure{"payment", PaymentMethodTerm(method)}});
}

Decision FinanceCheckPolicy::Confirmed() const {
  return MakeDecision(kRule, Verdict::kAllowed, {"财务已确认到帐", "finance confirmed the payment"});
}

// ----------------------------------------------------------- ORD-EXCEPTION

std::optional<Decision> ExceptionPolicy::ShipRefusal(ExceptionKind kind, bool manual) const {
  if (manual || !RequiresManualShip(kind)) return std::nullopt;
  return MakeDecision(kRule, Verdict::kRefused,
                      {"异常件（{kind}）须手动点发货",
                       "exception order ({kind}) must be marked shipped by hand"},
                      {Figure{"kind", ExceptionKindTerm(kind)}});
}

Decision ExceptionPolicy::Flagged(ExceptionKind kind) const {
  return MakeDecision(kRule, Verdict::kScheduled,
                      {"异常件：须手动点发货", "exception order: mark shipped by hand"},
                      {Figure{"kind", ExceptionKindTerm(kind)}});
}

std::optional<Decision> ExceptionPolicy::MarkedByHand(ExceptionKind kind) const {
  if (!RequiresManualShip(kind)) return std::nullopt;
  return MakeDecision(kRule, Verdict::kAllowed,
                      {"异常件已手动点发货", "exception order marked shipped by hand"},
                      {Figure{"kind", ExceptionKindTerm(kind)}});
}

absl::Status ExceptionPolicy::CheckReconcileTime(Timestamp now,
                                                 const BusinessCalendar& calendar) const {
  if (now >= calendar.StartOfDay(calendar.DayOf(now)) + reconcile_after) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("ORD-EXCEPTION: the evening reconciliation runs after ",
                   absl::FormatDuration(reconcile_after), " local time"));
}

Ruling ExceptionPolicy::Missed(std::string_view order_id, Timestamp due) const {
  Ruling r;
  Action a = MakeAction(ActionKind::kTellCustomer, kRule,
                        {"漏抓单{order}：补录订单并通知客户",
                         "missed order {order}: add it and tell the customer"},
                        due, {}, {Text("order", order_id)});
  a.subject = std::string(order_id);
  r.actions.push_back(std::move(a));
  r.decisions.push_back(MakeDecision(kRule, Verdict::kScheduled,
                                     {"漏抓单{order}", "missed order {order}"},
                                     {Text("order", order_id)}));
  return r;
}

Ruling ExceptionPolicy::PaidNotShipped(std::string_view order_id, Term state, bool manual,
                                       Timestamp due) const {
  Ruling r;
  Action a = manual ? MakeAction(ActionKind::kMarkShipped, kRule,
                                 {"异常件{order}须手动点发货",
                                  "exception order {order}: mark shipped by hand"},
                                 due, {}, {Text("order", order_id)})
                    : MakeAction(ActionKind::kTellCustomer, UnshippedPolicy::kRule,
                                 {"订单{order}当天未发出，通知客户",
                                  "order {order} did not ship today: tell the customer"},
                                 due, {}, {Text("order", order_id)});
  a.subject = std::string(order_id);
  r.actions.push_back(std::move(a));
  r.decisions.push_back(MakeDecision(kRule, Verdict::kScheduled,
                                     {"当天付款未发出：{order}（{state}）",
                                      "paid today, not shipped: {order} ({state})"},
                                     {Text("order", order_id), Figure{"state", state}}));
  return r;
}

// ---------------------------------------------------------- ORD-OOS-NOTIFY

Ruling OutOfStockNotifyPolicy::Reported(Channel channel, std::string_view product,
                                        StockArrival arrival, bool paid_today,
                                        Timestamp due) const {
  Ruling r;
  const ActionKind step = FirstStep(channel, paid_today, arrival);
  const bool offer_style = step == ActionKind::kCall && arrival == StockArrival::kUncertain;
  Figures figs = {Text("product", product), Figure{"arrival", StockArrivalTerm(arrival)},
                  Figure{"paid", paid_today ? Term{"today", "当天", "today"}
                                            : Term{"earlier", "之前", "earlier"}}};
  r.decisions.push_back(MakeDecision(kRule, Verdict::kScheduled,
                                     {"{product}缺货（到货：{arrival}）：通知客户",
                                      "{product} out of stock (arrival: {arrival}): tell the "
                                      "customer"},
                                     figs));
  r.actions.push_back(MakeAction(
      step, kRule,
      offer_style ? Message{"电话通知缺货并协商更换款式",
                            "phone about the missing stock and offer another style"}
                  : Message{"通知客户缺货及到货时间",
                            "tell the customer about the missing stock and when it arrives"},
      due, {}, std::move(figs)));
  return r;
}

Ruling OutOfStockNotifyPolicy::Unreachable(Timestamp due) const {
  Ruling r;
  r.decisions.push_back(MakeDecision(kRule, Verdict::kScheduled,
                                     {"联系不上：保持红色篮子，下一班优先跟进",
                                      "unreachable: stays in the red basket, next shift first"}));
  r.actions.push_back(MakeAction(AfterUnreachable(), kRule,
                                 {"电话不通，发短信或旺旺留言通知缺货",
                                  "phone unreachable: tell them by SMS or IM message"},
                                 due));
  return r;
}

Decision OutOfStockNotifyPolicy::Handled(ContactResult result) const {
  return MakeDecision(kRule, Verdict::kAllowed, {"已处理：换桃红色篮子", "handled: pink basket"},
                      {Figure{"result", ContactResultTerm(result)}});
}

// ----------------------------------------------------------- ORD-MALL-COMP

std::optional<Decision> MallCompensationPolicy::StyleRefusal(bool other_style_offered) const {
  if (!require_style_offer || other_style_offered) return std::nullopt;
  return MakeDecision(kRule, Verdict::kRefused,
                      {"商城缺货退款前须先建议客户更换款式",
                       "offer the customer another style before refunding a Tmall order"});
}

Ruling MallCompensationPolicy::Compensated(Money refunded, Money compensation) const {
  Ruling r;
  Figures figs = {Figure{"refunded", refunded}, Figure{"compensation", compensation},
                  Figure{"cap", cap}};
  r.decisions.push_back(MakeDecision(
      kRule, Verdict::kScheduled,
      {"商城缺货退款{refunded}，赔付买家{compensation}（上限{cap}）；注意投诉风险",
       "Tmall out-of-stock refund {refunded}: pay the buyer {compensation} (cap {cap}); "
       "complaint risk"},
      figs));
  r.actions.push_back(MakeAction(ActionKind::kNotifyFinance, kRule,
                                 {"赔付买家{compensation}", "pay the buyer {compensation}"},
                                 std::nullopt, "finance", std::move(figs)));
  return r;
}

// ---------------------------------------------------------- ORD-CANCEL-REG

Ruling CancellationPolicy::Registered(std::optional<std::string_view> line_product,
                                      std::string_view reason, Timestamp at,
                                      const BusinessCalendar& calendar) const {
  const Timestamp due = calendar.EndOfDay(calendar.AddDays(at, within_days));
  Figures figs = {Text("reason", reason)};
  if (line_product.has_value()) {
    figs.push_back(Text("scope", *line_product));
  } else {
    figs.push_back(Figure{"scope", Term{"order", "整单", "whole order"}});
  }
  Ruling r;
  r.decisions.push_back(MakeDecision(kRule, Verdict::kScheduled,
                                     {"当天登记取消（{scope}），并做入库登记",
                                      "enter the cancellation ({scope}) in the register today "
                                      "and restock"},
                                     figs));
  r.actions.push_back(MakeAction(ActionKind::kRegisterCancellation, kRule,
                                 {"在售后登记的取消订单里登记", "enter in the cancellation register"},
                                 due, {}, figs));
  if (restock) {
    r.actions.push_back(MakeAction(ActionKind::kRestock, kRule,
                                   {"取消的产品做入库登记", "inbound record for the cancelled goods"},
                                   due, {}, std::move(figs)));
  }
  return r;
}

// ------------------------------------------------- ORD-F2-HOLD, ORD-UNSHIPPED

Deadline CheckHoldPolicy::HoldDeadline(Timestamp at, const BusinessCalendar& calendar) const {
  Deadline dl;
  dl.rule = kRule;
  dl.op = DeadlineOp::kSet;
  dl.due = calendar.AddDays(at, max_days);
  if (max_days > 1) dl.warn_at = calendar.AddDays(at, max_days - 1);
  dl.message = {"与客户确认后留单不超过规定天数",
                "after confirming with the customer, the order leaves F2 by the due time"};
  return dl;
}

Deadline UnshippedPolicy::ShipDayDeadline(Timestamp start, const BusinessCalendar& calendar) const {
  LocalDay ship_day = calendar.DayOf(start);
  Timestamp tell = calendar.StartOfDay(ship_day) + tell_customer_at;
  if (start >= tell) {
    ship_day += 1;
    tell = calendar.StartOfDay(ship_day) + tell_customer_at;
  }
  Deadline dl;
  dl.rule = kRule;
  dl.op = DeadlineOp::kSet;
  dl.warn_at = tell;
  dl.due = calendar.EndOfDay(
      calendar.AddDays(calendar.StartOfDay(ship_day), std::max(close_out_day, 1) - 1));
  dl.message = {"{ship_day}未发出须当天告知客户（提醒时间），逾期未决须在截止时间前完结",
                "not shipped on {ship_day}: tell the customer that day (warning time); close "
                "out by the due time"};
  dl.figures.push_back(Text("ship_day", internal::DayText(ship_day)));
  return dl;
}

// ----------------------------------------------------------------- ORD-FIX

std::optional<Decision> FixPolicy::Refusal(bool price_change, bool goods_change, bool payment_made,
                                           Channel channel, bool agreed) const {
  if (price_change && (payment_made || !Contains(price_adjust_channels, channel))) {
    TermList allowed;
    for (Channel c : price_adjust_channels) allowed.push_back(ChannelTerm(c));
    return MakeDecision(kRule, Verdict::kRefused,
                        {"只有未付款的{allowed}订单可改价格和邮费",
                         "price and postage change only on unpaid {allowed} orders"},
                        {Figure{"allowed", std::move(allowed)},
                         Figure{"channel", ChannelTerm(channel)}});
  }
  if ((goods_change || price_change) && require_customer_contact && !agreed) {
    return MakeDecision(kRule, Verdict::kRefused,
                        {"修改前须通过旺旺、电话或短信与客户确认",
                         "settle the change with the customer by IM, phone or SMS first"});
  }
  return std::nullopt;
}

Decision FixPolicy::Applied(std::optional<ContactChannel> agreed_via) const {
  Figures figs;
  if (agreed_via) figs.push_back(Figure{"agreed_via", ContactChannelTerm(*agreed_via)});
  return MakeDecision(kRule, Verdict::kAdjusted,
                      {"订单已按与客户的确认修改", "order changed as settled with the customer"},
                      std::move(figs));
}

// -------------------------------------------------------- ORD-POSTAGE-SUPP

PostageSupplementPolicy::Assessment PostageSupplementPolicy::Assess(
    Money requested, std::optional<Money> erp_cost) const {
  Assessment a;
  if (!erp_cost.has_value() && require_erp_cost) {
    a.decision = MakeDecision(kRule, Verdict::kRefused,
                              {"补邮费前先在网店管家查看成本",
                               "look up the cost in the ERP before a postage supplement"},
                              {Figure{"requested", requested}});
    return a;
  }
  a.charged = erp_cost.has_value() && cap_at_erp_cost ? Min(requested, *erp_cost) : requested;
  const bool capped = a.charged != requested;
  a.decision = MakeDecision(
      kRule, capped ? Verdict::kAdjusted : Verdict::kAllowed,
      capped ? Message{"补邮费{requested}超过网店管家成本，按{charged}收取",
                       "postage supplement {requested} is above the ERP cost: {charged} charged"}
             : Message{"补邮费{charged}已核对成本",
                       "postage supplement {charged} checked against the ERP cost"},
      {Figure{"requested", requested}, Figure{"charged", a.charged}});
  return a;
}

// ------------------------------------------------------------- ORD-INVOICE

std::optional<Decision> InvoicePolicy::ContentRefusal(std::string_view content) const {
  if (ContentAllowed(content)) return std::nullopt;
  return MakeDecision(kRule, Verdict::kRefused,
                      {"发票内容“{content}”不可开", "invoice content \"{content}\" is not allowed"},
                      {Text("content", content)});
}

absl::StatusOr<Money> InvoicePolicy::FeeFor(Channel channel, Money goods) const {
  if (!ChargesFee(channel)) return Money::Zero();
  return PercentOf(goods, FeeRate(channel));
}

Decision InvoicePolicy::Issued(Money goods, Money fee_amount, Money postage) const {
  return MakeDecision(kRule, Verdict::kAllowed,
                      {"发票金额{goods}（邮费不开票），手续费{fee}",
                       "invoice for {goods} (postage never invoiced), handling fee {fee}"},
                      {Figure{"goods", goods}, Figure{"fee", fee_amount},
                       Figure{"postage", postage}});
}

const OrderPolicies& OrderPolicies::Defaults() {
  static const OrderPolicies* const kDefaults = new OrderPolicies();
  return *kDefaults;
}

}  // namespace kefu
