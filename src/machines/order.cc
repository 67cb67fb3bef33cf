// The order machine: Order::Apply, the context its guards and actions use,
// snapshots, and the order-level queries (next shift, evening
// reconciliation). The transition table is in order_fsm.h.
#include "machines/msm_config.h"  // first: MPL/Fusion limits before any Boost header

#include "kefu/machines/order.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/absl_compat.h"
#include "kefu/core/status.h"
#include "kefu/machines/live_orders.h"
#include "kefu/policies/province.h"
#include "kefu/policies/ticket_policies.h"
#include "machines/event_schema.h"
#include "machines/machine_core.h"
#include "machines/order_fsm.h"

namespace kefu {
namespace {

using order_fsm::Commit;
namespace g = order_fsm::g;

const BusinessCalendar& DefaultCalendar() {
  static const BusinessCalendar* const kCalendar = new BusinessCalendar(BusinessCalendar::Default());
  return *kCalendar;
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

// An order state as a term: the key is the state's stable name.
Term OrderStateTerm(std::string_view state) {
  static constexpr Term kStates[] = {
      {"new", "新订单", "new"},
      {"awaiting_payment", "待付款", "awaiting payment"},
      {"awaiting_finance_check", "待财务查帐", "awaiting finance check"},
      {"in_check", "审单中（F2）", "in the order check (F2)"},
      {"held_duplicate_suspect", "疑似重复暂停", "held as a likely duplicate"},
      {"held_courier_unreachable", "快递核查暂停", "held for a courier check"},
      {"held_out_of_stock", "缺货暂停", "held out of stock"},
      {"held_awaiting_customer", "等待客户确认", "awaiting the customer"},
      {"ready_to_ship", "待发货（F3）", "ready to ship (F3)"},
      {"shipped", "已发货", "shipped"},
      {"delivered", "已签收", "delivered"},
      {"completed", "已完成", "completed"},
      {"cancelled", "已取消", "cancelled"},
  };
  for (const Term& t : kStates) {
    if (t.key == state) return t;
  }
  return Term{state, "未知状态", "unknown state"};
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

// Everything a guard or action may touch during one Apply. Guards write only
// the outcome and the scratch fields below; actions write the order.
struct OrderCtx {
  enum class Gate { kUnknown, kRefused, kClear, kDuplicate, kUnreachable, kNoCash, kCodUnchecked };

  OrderCtx(OrderData& data, const OrderEnvironment& env, const EventMeta& event_meta,
           std::string_view before, Outcome& outcome)
      : d(data),
        p(env.policies != nullptr ? *env.policies : OrderPolicies::Defaults()),
        cal(env.calendar != nullptr ? *env.calendar : DefaultCalendar()),
        reach(env.courier_reach),
        live_orders(env.live_orders),
        product_tests(env.product_tests),
        meta(event_meta),
        state_before(before),
        out(outcome) {}

  OrderData& d;
  const OrderPolicies& p;
  const BusinessCalendar& cal;
  const CourierReach* reach;
  const LiveOrders* live_orders;
  const ProductTestQuery* product_tests;
  const EventMeta& meta;
  std::string_view state_before;
  Outcome& out;

  absl::Status status;   // an error found by a guard
  bool decided = false;  // a guard refused with a decision, or failed
  Gate gate = Gate::kUnknown;
  std::string duplicate_of;
  Money amount;       // computed by a guard for its action
  Money fee;          // ORD-INVOICE
  Money goods;        // ORD-INVOICE

  // ---- helpers
  void Refuse(Decision decision) {
    out.Add(std::move(decision));
    decided = true;
  }
  bool Fail(absl::Status s) {
    status = std::move(s);
    decided = true;
    return false;
  }
  bool NeedsFinance(PaymentMethod m) const { return p.finance_check.Needs(m); }
  // ORD-UNSHIPPED: the warning comes while the shop can still act on the
  // order's shipping day (the policy's local time, 17:00 by default); an
  // order paid at or after that time ships the next day.
  void SetUnshippedDeadline(Timestamp paid) {
    LocalDay ship_day = cal.DayOf(paid);
    Timestamp tell = cal.StartOfDay(ship_day) + p.unshipped.tell_customer_at;
    if (paid >= tell) {
      ship_day += 1;
      tell = cal.StartOfDay(ship_day) + p.unshipped.tell_customer_at;
    }
    Deadline dl;
    dl.rule = UnshippedPolicy::kRule;
    dl.op = DeadlineOp::kSet;
    dl.warn_at = tell;
    dl.due = cal.EndOfDay(
        cal.AddDays(cal.StartOfDay(ship_day), std::max(p.unshipped.close_out_day, 1) - 1));
    dl.message = {"{ship_day}未发出须当天告知客户（提醒时间），逾期未决须在截止时间前完结",
                  "not shipped on {ship_day}: tell the customer that day (warning time); close "
                  "out by the due time"};
    dl.figures.push_back(Text("ship_day", absl::FormatCivilTime(ship_day)));
    out.deadlines.push_back(dl);
  }
  void MarkPaid() {
    if (d.paid_at.has_value()) return;
    d.payment_made = true;
    d.paid_at = meta.at;
    SetUnshippedDeadline(meta.at);
  }
  void CancelDeadline(RuleId rule) {
    Deadline dl;
    dl.rule = rule;
    dl.op = DeadlineOp::kCancel;
    out.deadlines.push_back(dl);
  }
  void SetF2HoldDeadline() {
    Deadline dl;
    dl.rule = CheckHoldPolicy::kRule;
    dl.op = DeadlineOp::kSet;
    dl.due = cal.AddDays(meta.at, p.check_hold.max_days);
    if (p.check_hold.max_days > 1) dl.warn_at = cal.AddDays(meta.at, p.check_hold.max_days - 1);
    dl.message = {"与客户确认后留单不超过规定天数", "after confirming with the customer, the "
                                                 "order leaves F2 by the due time"};
    out.deadlines.push_back(dl);
  }
  void FinanceNote(bool paid) {
    Decision dec = MakeDecision(
        FinanceCheckPolicy::kRule, Verdict::kScheduled,
        {"待财务查帐：{note}", "awaiting finance check: {note}"},
        {Figure{"note", PaymentNote(paid)}, Figure{"payment", PaymentMethodTerm(d.payment)}});
    out.Add(std::move(dec));
    out.actions.push_back(MakeAction(ActionKind::kNotifyFinance, FinanceCheckPolicy::kRule,
                                     {"请财务查帐：{note}", "please check the account: {note}"},
                                     std::nullopt, "finance",
                                     {Figure{"note", PaymentNote(paid)}}));
  }
  size_t LiveLines() const {
    return static_cast<size_t>(std::count_if(d.lines.begin(), d.lines.end(),
                                             [](const OrderLine& l) { return !l.cancelled; }));
  }
  bool IsWholeCancel(const Cancelled& e) const {
    return !e.line.has_value() || LiveLines() <= 1;
  }

  // ---- guards: routing
  bool Check(g::FinanceCheck, const OrderPlaced& e) const { return NeedsFinance(e.payment); }
  bool Check(g::PaidOrCod, const OrderPlaced& e) const {
    return !NeedsFinance(e.payment) && (e.paid || e.payment == PaymentMethod::kCashOnDelivery);
  }
  bool Check(g::Unpaid, const OrderPlaced& e) const {
    return !NeedsFinance(e.payment) && !e.paid && e.payment != PaymentMethod::kCashOnDelivery;
  }
  bool Check(g::FinanceCheck, const PaymentReceived& e) const {
    return NeedsFinance(e.method.value_or(d.payment));
  }
  bool Check(g::NoFinanceCheck, const PaymentReceived& e) const {
    return !NeedsFinance(e.method.value_or(d.payment));
  }
  bool Check(g::Whole, const Cancelled& e) const { return IsWholeCancel(e); }
  bool Check(g::OneLine, const Cancelled& e) const { return !IsWholeCancel(e); }
  bool Check(g::PromisedPayment, const CustomerContacted& e) const {
    return e.result == ContactResult::kPromisedPayment;
  }
  bool Check(g::NoPromise, const CustomerContacted& e) const {
    return e.result != ContactResult::kPromisedPayment;
  }

  // ---- guards: the check gate (审单), evaluated once per Apply.
  Gate PlanCheck() {
    if (gate != Gate::kUnknown) return gate;
    // ORD-VERIFY: all required checks recorded, or refused listing the rest.
    Decision verify = p.verify.Evaluate(d.checked);
    if (verify.verdict == Verdict::kRefused) {
      Refuse(std::move(verify));
      return gate = Gate::kRefused;
    }
    out.Add(std::move(verify));
    // ORD-DUP-SHIP: a live order of the same buyer and items at an address
    // at most max_address_edits characters away.
    if (p.duplicate_ship.enabled && live_orders != nullptr && !d.duplicate_cleared) {
      const std::string items = ItemsKey(d.lines);
      const std::string address = d.address.Full();
      std::string found;
      live_orders->ForEachLiveOrder(d.buyer, [&](const LiveOrder& o) {
        if (o.order_id == d.id || o.items != items || !SameBuyer(o.buyer, d.buyer)) return;
        if (!p.duplicate_ship.AddressesLookAlike(address, o.address)) return;
        if (found.empty() || o.order_id < found) found = o.order_id;  // deterministic
      });
      if (!found.empty()) {
        duplicate_of = std::move(found);
        return gate = Gate::kDuplicate;
      }
    }
    // ORD-COD-REACH: the host says whether the courier delivers to the
    // address and, for cash on delivery, whether it collects there; where
    // nothing says it does, an agent must have checked.
    if (p.courier_reach.enabled) {
      if (reach != nullptr && !reach->Delivers(d.courier, d.address)) {
        return gate = Gate::kUnreachable;
      }
      if (d.payment == PaymentMethod::kCashOnDelivery) {
        const std::optional<bool> cash =
            reach != nullptr ? reach->CollectsCash(d.courier, d.address) : std::nullopt;
        if (cash == false) return gate = Gate::kNoCash;
        if (!cash.has_value() && !d.courier_checked) return gate = Gate::kCodUnchecked;
      }
    }
    return gate = Gate::kClear;
  }
  bool Check(g::CheckClear, const CheckPassed&) { return PlanCheck() == Gate::kClear; }
  bool Check(g::LikelyDuplicate, const CheckPassed&) {
    return PlanCheck() == Gate::kDuplicate;
  }
  bool Check(g::CourierCannotReach, const CheckPassed&) {
    const Gate r = PlanCheck();
    return r == Gate::kUnreachable || r == Gate::kNoCash || r == Gate::kCodUnchecked;
  }

  // ---- guards: policy gates
  bool Check(g::NotDuplicate, const HoldReleased& e) {
    if (e.confirmed_not_duplicate) return true;
    Refuse(MakeDecision(DuplicateShipPolicy::kRule, Verdict::kRefused,
                        {"疑似重复订单（与{duplicate_of}），须明确确认不是重复才能放行",
                         "likely duplicate of {duplicate_of}: releasing needs an explicit "
                         "confirmation that it is not a duplicate"},
                        {Text("duplicate_of", d.duplicate_of)}));
    return false;
  }
  bool Check(g::ShipAllowed, const MarkedShipped& e) {
    if (NeedsFinance(d.payment) && !d.finance_confirmed) {
      Refuse(MakeDecision(FinanceCheckPolicy::kRule, Verdict::kRefused,
                          {"财务未确认到帐，不能发货", "finance has not confirmed the payment: "
                                                      "the order cannot ship"},
                          {Figure{"payment", PaymentMethodTerm(d.payment)}}));
      return false;
    }
    if (p.exception.RequiresManualShip(d.exception) && !e.manual) {
      Refuse(MakeDecision(ExceptionPolicy::kRule, Verdict::kRefused,
                          {"异常件（{kind}）须手动点发货", "exception order ({kind}) must be "
                                                          "marked shipped by hand"},
                          {Figure{"kind", ExceptionKindTerm(d.exception)}}));
      return false;
    }
    return true;
  }
  bool Check(g::FixAllowed, const OrderAdjusted& e) {
    const bool price_change = e.unit_price.has_value() || e.postage.has_value();
    const bool goods_change = e.product.has_value() || e.quantity.has_value();
    if (price_change) {
      const auto& chans = p.fix.price_adjust_channels;
      if (d.payment_made || std::find(chans.begin(), chans.end(), d.channel) == chans.end()) {
        TermList allowed;
        for (Channel c : chans) allowed.push_back(ChannelTerm(c));
        Refuse(MakeDecision(FixPolicy::kRule, Verdict::kRefused,
                            {"只有未付款的{allowed}订单可改价格和邮费",
                             "price and postage change only on unpaid {allowed} orders"},
                            {Figure{"allowed", std::move(allowed)}, Figure{"channel", ChannelTerm(d.channel)}}));
        return false;
      }
    }
    if ((goods_change || price_change) && p.fix.require_customer_contact &&
        !e.agreed_via.has_value()) {
      Refuse(MakeDecision(FixPolicy::kRule, Verdict::kRefused,
                          {"修改前须通过旺旺、电话或短信与客户确认",
                           "settle the change with the customer by IM, phone or SMS first"}));
      return false;
    }
    return true;
  }
  bool Check(g::SupplementChecked, const PostageSupplemented& e) {
    if (!e.erp_cost.has_value()) {
      if (p.postage_supplement.require_erp_cost) {
        Refuse(MakeDecision(PostageSupplementPolicy::kRule, Verdict::kRefused,
                            {"补邮费前先在网店管家查看成本",
                             "look up the cost in the ERP before a postage supplement"},
                            {Figure{"requested", e.amount}}));
        return false;
      }
      amount = e.amount;
      return true;
    }
    amount = p.postage_supplement.cap_at_erp_cost ? Min(e.amount, *e.erp_cost) : e.amount;
    auto total = d.postage.Add(amount);
    if (!total.ok()) return Fail(total.status());
    return true;
  }
  bool Check(g::RefundAllowed, const Refunded& e) {
    auto total = d.refunded.Add(e.amount);
    if (!total.ok()) return Fail(total.status());
    amount = Money::Zero();
    if (!p.mall_compensation.Applies(d.channel, e.reason)) return true;
    if (p.mall_compensation.require_style_offer && !d.other_style_offered) {
      Refuse(MakeDecision(MallCompensationPolicy::kRule, Verdict::kRefused,
                          {"商城缺货退款前须先建议客户更换款式",
                           "offer the customer another style before refunding a Tmall order"}));
      return false;
    }
    auto comp = p.mall_compensation.Compensation(e.amount);
    if (!comp.ok()) return Fail(comp.status());
    auto comp_total = d.compensation.Add(*comp);
    if (!comp_total.ok()) return Fail(comp_total.status());
    amount = *comp;
    return true;
  }
  bool Check(g::InvoiceAllowed, const InvoiceRequested& e) {
    if (!p.invoice.ContentAllowed(e.content)) {
      Refuse(MakeDecision(InvoicePolicy::kRule, Verdict::kRefused,
                          {"发票内容“{content}”不可开", "invoice content \"{content}\" is not "
                                                          "allowed"},
                          {Text("content", e.content)}));
      return false;
    }
    auto total = d.GoodsTotal();
    if (!total.ok()) return Fail(total.status());
    goods = *total;
    fee = Money::Zero();
    if (p.invoice.ChargesFee(d.channel)) {
      auto f = PercentOf(goods, p.invoice.fee);
      if (!f.ok()) return Fail(f.status());
      fee = *f;
    }
    return true;
  }

  // ---- actions
  void Do(Commit, const OrderPlaced& e) {
    d.channel = e.channel;
    d.buyer = e.buyer;
    d.lines = e.lines;
    d.postage = e.postage;
    d.payment = e.payment;
    d.address = e.address;
    d.courier = e.courier;
    d.notes = e.notes;
    d.exception = e.exception;
    d.placed_at = meta.at;
    if (NeedsFinance(e.payment)) {
      d.payment_made = e.paid;
      FinanceNote(e.paid);
    } else if (e.paid) {
      MarkPaid();
    } else if (e.payment == PaymentMethod::kCashOnDelivery) {
      // Cash on delivery ships without payment: its day starts now.
      SetUnshippedDeadline(meta.at);
    }
  }
  void Do(Commit, const PaymentReceived& e) {
    if (e.method.has_value()) d.payment = *e.method;
    if (NeedsFinance(d.payment)) {
      d.payment_made = true;
      FinanceNote(true);
    } else {
      MarkPaid();
    }
  }
  void Do(Commit, const FinanceConfirmed&) {
    d.finance_confirmed = true;
    out.Add(MakeDecision(FinanceCheckPolicy::kRule, Verdict::kAllowed,
                         {"财务已确认到帐", "finance confirmed the payment"}));
    MarkPaid();
  }
  void Do(Commit, const CheckRecorded& e) { d.checked |= VerificationBit(e.item); }
  void Do(Commit, const CheckPassed&) {
    switch (gate) {
      case Gate::kDuplicate:
        d.duplicate_of = duplicate_of;
        out.Add(MakeDecision(DuplicateShipPolicy::kRule, Verdict::kAdjusted,
                             {"与订单{duplicate_of}疑似重复（同一买家、同样商品、地址相差不超过一个字），"
                              "暂停发货",
                              "likely duplicate of order {duplicate_of} (same buyer and items, "
                              "address at most one character apart): held"},
                             {Text("duplicate_of", duplicate_of)}));
        break;
      case Gate::kCodUnchecked:
        out.Add(MakeDecision(
            CourierReachPolicy::kReachRule, Verdict::kAdjusted,
            {"货到付款订单：核查快递{courier}能否在该地址代收货款，核查（或更改快递）前暂停发货",
             "cash on delivery: check that courier {courier} collects cash at the address; held "
             "until checked or the courier is changed"},
            {Text("courier", d.courier), Figure{"payment", PaymentMethodTerm(d.payment)}}));
        out.actions.push_back(MakeAction(ActionKind::kOther, CourierReachPolicy::kReachRule,
                                         {"核查快递能否代收货款，必要时更改快递",
                                          "check the courier collects cash; change it if not"}));
        break;
      case Gate::kNoCash:
      case Gate::kUnreachable: {
        const bool no_cash = gate == Gate::kNoCash;
        out.Add(MakeDecision(
            CourierReachPolicy::kReachRule, Verdict::kAdjusted,
            no_cash ? Message{"快递{courier}在该地址不能货到付款，更改快递前暂停发货",
                              "courier {courier} cannot collect cash on delivery at the address: "
                              "held until the courier is changed"}
                    : Message{"快递{courier}不到该地址，更改快递前暂停发货",
                              "courier {courier} cannot reach the address: held until the courier "
                              "is changed"},
            {Text("courier", d.courier), Figure{"payment", PaymentMethodTerm(d.payment)}}));
        if (!no_cash && p.courier_reach.AsksPrepay(d.channel)) {
          out.Add(MakeDecision(CourierReachPolicy::kPrepayRule, Verdict::kScheduled,
                               {"请客户先付款", "ask the customer to pay in advance"}));
          out.actions.push_back(MakeAction(ActionKind::kCall, CourierReachPolicy::kPrepayRule,
                                           {"联系客户先打款", "ask the customer to pay first"}));
        } else {
          out.actions.push_back(MakeAction(ActionKind::kOther, CourierReachPolicy::kReachRule,
                                           {"核查并更改快递", "check and change the courier"}));
        }
        break;
      }
      default:
        CancelDeadline(CheckHoldPolicy::kRule);
        AskForProductTests();
        break;
    }
  }
  // AS-DEFECT: on reaching ready-to-ship, each product flagged by the
  // after-sales tickets must be tested before it ships (once per product).
  void AskForProductTests() {
    if (product_tests == nullptr) return;
    std::vector<std::string_view> asked;
    for (const OrderLine& line : d.lines) {
      if (line.cancelled || !product_tests->NeedsTestBeforeShipping(line.product)) continue;
      if (std::find(asked.begin(), asked.end(), line.product) != asked.end()) continue;
      asked.push_back(line.product);
      out.Add(MakeDecision(DefectPolicy::kRule, Verdict::kScheduled,
                           {"{product}售后问题较多，发货前先检测",
                            "{product} has repeated after-sales cases: test it before shipping"},
                           {Text("product", line.product)}));
      Action a = MakeAction(ActionKind::kTestBeforeShipping, DefectPolicy::kRule,
                            {"发货前检测{product}", "test {product} before shipping"});
      a.subject = line.product;
      a.figures.push_back(Text("product", line.product));
      out.actions.push_back(std::move(a));
    }
  }
  void Do(Commit, const HoldPlaced& e) {
    d.hold_reason = e.reason;
    SetF2HoldDeadline();
  }
  void Do(Commit, const HoldReleased& e) {
    if (state_before == order_fsm::st::HeldDuplicate::kName) {
      d.duplicate_cleared = true;
      out.Add(MakeDecision(DuplicateShipPolicy::kRule, Verdict::kAllowed,
                           {"已确认不是重复订单", "confirmed not a duplicate"},
                           {Text("duplicate_of", d.duplicate_of), Text("note", e.note)}));
    }
    d.hold_reason.clear();
  }
  void Do(Commit, const OutOfStockReported& e) {
    d.out_of_stock_product = e.product;
    d.oos_flag = OosFlag::kNone;
    const bool paid_today =
        d.paid_at.has_value() && cal.DayOf(*d.paid_at) == cal.DayOf(meta.at);
    const ActionKind step = p.out_of_stock.FirstStep(d.channel, paid_today, e.arrival);
    const bool offer_style = step == ActionKind::kCall && e.arrival == StockArrival::kUncertain;
    Figures figs = {Text("product", e.product), Figure{"arrival", StockArrivalTerm(e.arrival)},
                    Figure{"paid", paid_today ? Term{"today", "当天", "today"}
                                              : Term{"earlier", "之前", "earlier"}}};
    out.Add(MakeDecision(OutOfStockNotifyPolicy::kRule, Verdict::kScheduled,
                         {"{product}缺货（到货：{arrival}）：通知客户",
                          "{product} out of stock (arrival: {arrival}): tell the customer"},
                         figs));
    out.actions.push_back(MakeAction(
        step, OutOfStockNotifyPolicy::kRule,
        offer_style ? Message{"电话通知缺货并协商更换款式",
                              "phone about the missing stock and offer another style"}
                    : Message{"通知客户缺货及到货时间", "tell the customer about the missing "
                                                        "stock and when it arrives"},
        cal.EndOfDay(meta.at), {}, std::move(figs)));
  }
  void Do(Commit, const CustomerContacted& e) {
    if (state_before == order_fsm::st::HeldCourier::kName) {
      if (e.result == ContactResult::kPromisedPayment) {
        d.payment_made = false;
        d.paid_at.reset();
        out.Add(MakeDecision(CourierReachPolicy::kPrepayRule, Verdict::kScheduled,
                             {"客户只承诺付款：拆包入库，付款后再发",
                              "payment only promised: unpack and restock, ship after payment"}));
        out.actions.push_back(MakeAction(ActionKind::kUnpackAndRestock,
                                         CourierReachPolicy::kPrepayRule,
                                         {"拆包入库，客户付款后重新发货",
                                          "unpack and restock; ship again once paid"},
                                         cal.EndOfDay(meta.at)));
      }
      return;
    }
    if (state_before == order_fsm::st::HeldOutOfStock::kName) {
      if (e.result == ContactResult::kAcceptedOtherStyle ||
          e.result == ContactResult::kDeclinedOtherStyle) {
        d.other_style_offered = true;
      }
      if (e.result == ContactResult::kUnreachable) {
        d.oos_flag = OosFlag::kUnreachable;
        out.Add(MakeDecision(OutOfStockNotifyPolicy::kRule, Verdict::kScheduled,
                             {"联系不上：保持红色篮子，下一班优先跟进",
                              "unreachable: stays in the red basket, next shift first"}));
        out.actions.push_back(MakeAction(p.out_of_stock.AfterUnreachable(),
                                         OutOfStockNotifyPolicy::kRule,
                                         {"电话不通，发短信或旺旺留言通知缺货",
                                          "phone unreachable: tell them by SMS or IM message"},
                                         cal.EndOfDay(meta.at)));
        return;
      }
      d.oos_flag = OosFlag::kHandled;
      out.Add(MakeDecision(OutOfStockNotifyPolicy::kRule, Verdict::kAllowed,
                           {"已处理：换桃红色篮子", "handled: pink basket"},
                           {Figure{"result", ContactResultTerm(e.result)}}));
    }
    if (e.result != ContactResult::kUnreachable) SetF2HoldDeadline();
  }
  void Do(Commit, const CourierChanged& e) {
    d.courier = e.courier;
    d.courier_checked = true;  // the agent chose the courier for this address
    if (state_before == order_fsm::st::HeldCourier::kName) {
      out.Add(MakeDecision(CourierReachPolicy::kReachRule, Verdict::kAllowed,
                           {"已更改快递为{courier}，回到审单",
                            "courier changed to {courier}: back to the order check"},
                           {Text("courier", e.courier)}));
    }
  }
  void Do(Commit, const CourierConfirmed& e) {
    d.courier_checked = true;
    out.Add(MakeDecision(CourierReachPolicy::kReachRule, Verdict::kAllowed,
                         state_before == order_fsm::st::HeldCourier::kName
                             ? Message{"已核查快递{courier}，回到审单",
                                       "courier {courier} checked: back to the order check"}
                             : Message{"已核查快递{courier}", "courier {courier} checked"},
                         {Text("courier", d.courier), Text("note", e.note)}));
  }
  void Do(Commit, const OrderAdjusted& e) {
    if (e.line.has_value()) {
      OrderLine& l = d.lines[*e.line];
      if (e.product) l.product = *e.product;
      if (e.quantity) l.quantity = *e.quantity;
      if (e.unit_price) l.unit_price = *e.unit_price;
    }
    if (e.postage) d.postage = *e.postage;
    Figures figs;
    if (e.agreed_via) figs.push_back(Figure{"agreed_via", ContactChannelTerm(*e.agreed_via)});
    out.Add(MakeDecision(FixPolicy::kRule, Verdict::kAdjusted,
                         {"订单已按与客户的确认修改", "order changed as settled with the customer"},
                         std::move(figs)));
  }
  void Do(Commit, const PostageSupplemented& e) {
    d.postage = Money::Fen(d.postage.fen() + amount.fen());  // checked by the guard
    const bool capped = amount != e.amount;
    out.Add(MakeDecision(
        PostageSupplementPolicy::kRule, capped ? Verdict::kAdjusted : Verdict::kAllowed,
        capped ? Message{"补邮费{requested}超过网店管家成本，按{charged}收取",
                         "postage supplement {requested} is above the ERP cost: {charged} charged"}
               : Message{"补邮费{charged}已核对成本", "postage supplement {charged} checked "
                                                     "against the ERP cost"},
        {Figure{"requested", e.amount}, Figure{"charged", amount}}));
    if (d.exception == ExceptionKind::kNone) d.exception = ExceptionKind::kPostageSupplement;
    out.Add(MakeDecision(ExceptionPolicy::kRule, Verdict::kScheduled,
                         {"异常件：须手动点发货", "exception order: mark shipped by hand"},
                         {Figure{"kind", ExceptionKindTerm(d.exception)}}));
  }
  void Do(Commit, const MarkedShipped& e) {
    d.shipped_at = meta.at;
    d.tracking_number = e.tracking_number;
    if (p.exception.RequiresManualShip(d.exception)) {
      out.Add(MakeDecision(ExceptionPolicy::kRule, Verdict::kAllowed,
                           {"异常件已手动点发货", "exception order marked shipped by hand"},
                           {Figure{"kind", ExceptionKindTerm(d.exception)}}));
    }
    CancelDeadline(UnshippedPolicy::kRule);
    CancelDeadline(CheckHoldPolicy::kRule);
  }
  void Do(Commit, const Delivered&) {}
  void Do(Commit, const Completed&) {}
  void Do(Commit, const Cancelled& e) {
    const Timestamp due = cal.EndOfDay(cal.AddDays(meta.at, p.cancellation.within_days));
    Figures figs = {Text("reason", e.reason)};
    if (IsWholeCancel(e)) {
      for (OrderLine& l : d.lines) l.cancelled = true;
      CancelDeadline(UnshippedPolicy::kRule);
      CancelDeadline(CheckHoldPolicy::kRule);
      figs.push_back(Figure{"scope", Term{"order", "整单", "whole order"}});
    } else {
      d.lines[*e.line].cancelled = true;
      figs.push_back(Text("scope", d.lines[*e.line].product));
    }
    out.Add(MakeDecision(CancellationPolicy::kRule, Verdict::kScheduled,
                         {"当天登记取消（{scope}），并做入库登记",
                          "enter the cancellation ({scope}) in the register today and restock"},
                         figs));
    out.actions.push_back(MakeAction(ActionKind::kRegisterCancellation, CancellationPolicy::kRule,
                                     {"在售后登记的取消订单里登记", "enter in the cancellation "
                                                                   "register"},
                                     due, {}, figs));
    if (p.cancellation.restock) {
      out.actions.push_back(MakeAction(ActionKind::kRestock, CancellationPolicy::kRule,
                                       {"取消的产品做入库登记", "inbound record for the cancelled "
                                                               "goods"},
                                       due, {}, std::move(figs)));
    }
  }
  void Do(Commit, const Refunded& e) {
    d.refunded = Money::Fen(d.refunded.fen() + e.amount.fen());  // checked by the guard
    if (!p.mall_compensation.Applies(d.channel, e.reason)) return;
    d.compensation = Money::Fen(d.compensation.fen() + amount.fen());
    d.complaint_risk = true;
    Figures figs = {Figure{"refunded", e.amount}, Figure{"compensation", amount},
                    Figure{"cap", p.mall_compensation.cap}};
    out.Add(MakeDecision(MallCompensationPolicy::kRule, Verdict::kScheduled,
                         {"商城缺货退款{refunded}，赔付买家{compensation}（上限{cap}）；注意投诉风险",
                          "Tmall out-of-stock refund {refunded}: pay the buyer {compensation} "
                          "(cap {cap}); complaint risk"},
                         figs));
    out.actions.push_back(MakeAction(ActionKind::kNotifyFinance, MallCompensationPolicy::kRule,
                                     {"赔付买家{compensation}", "pay the buyer {compensation}"},
                                     std::nullopt, "finance", std::move(figs)));
  }
  void Do(Commit, const InvoiceRequested&) {
    ++d.invoices;
    out.Add(MakeDecision(InvoicePolicy::kRule, Verdict::kAllowed,
                         {"发票金额{goods}（邮费不开票），手续费{fee}",
                          "invoice for {goods} (postage never invoiced), handling fee {fee}"},
                         {Figure{"goods", goods}, Figure{"fee", fee},
                          Figure{"postage", d.postage}}));
  }
};

using Sm = order_fsm::OrderSm<OrderCtx>;

// Payload checks that do not depend on the state: kInvalidArgument.
absl::Status CheckMoney(Money m, std::string_view what) {
  if (m.is_negative()) return absl::InvalidArgumentError(absl::StrCat(internal::ToAbsl(what), " is negative"));
  return absl::OkStatus();
}
absl::Status CheckLine(const OrderData& d, std::optional<size_t> line) {
  if (!line.has_value()) return absl::OkStatus();
  if (*line >= d.lines.size()) {
    return absl::InvalidArgumentError(absl::StrCat("order ", d.id, " has no line ", *line));
  }
  if (d.lines[*line].cancelled) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", *line, " of order ", d.id, " is already cancelled"));
  }
  return absl::OkStatus();
}

struct Validator {
  const OrderData& d;
  absl::Status operator()(const OrderPlaced& e) const {
    if (e.lines.empty()) return absl::InvalidArgumentError("an order needs at least one line");
    for (const OrderLine& l : e.lines) {
      if (l.quantity <= 0) return absl::InvalidArgumentError("line quantity must be positive");
      KEFU_RETURN_IF_ERROR(CheckMoney(l.unit_price, "unit price"));
      if (l.cancelled) return absl::InvalidArgumentError("a new line cannot be cancelled");
    }
    // ORD-COD-REACH and ORD-DUP-SHIP compare provinces: one given must be
    // one of the 34.
    if (!e.address.province.empty()) {
      if (absl::StatusOr<Province> p = ParseProvince(e.address.province); !p.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("address.province: ", p.status().message()));
      }
    }
    return CheckMoney(e.postage, "postage");
  }
  absl::Status operator()(const HoldPlaced& e) const {
    if (e.reason.empty()) return absl::InvalidArgumentError("a hold needs a reason");
    return absl::OkStatus();
  }
  absl::Status operator()(const CourierChanged& e) const {
    if (e.courier.empty()) return absl::InvalidArgumentError("the new courier is empty");
    return absl::OkStatus();
  }
  absl::Status operator()(const OrderAdjusted& e) const {
    const bool line_fields = e.product || e.quantity || e.unit_price;
    if (line_fields && !e.line) return absl::InvalidArgumentError("no line to adjust");
    if (!line_fields && !e.postage) return absl::InvalidArgumentError("nothing to adjust");
    KEFU_RETURN_IF_ERROR(CheckLine(d, e.line));
    if (e.quantity && *e.quantity <= 0) {
      return absl::InvalidArgumentError("line quantity must be positive");
    }
    if (e.unit_price) KEFU_RETURN_IF_ERROR(CheckMoney(*e.unit_price, "unit price"));
    if (e.postage) KEFU_RETURN_IF_ERROR(CheckMoney(*e.postage, "postage"));
    return absl::OkStatus();
  }
  absl::Status operator()(const PostageSupplemented& e) const {
    if (e.amount.fen() <= 0) return absl::InvalidArgumentError("supplement must be positive");
    if (e.erp_cost) KEFU_RETURN_IF_ERROR(CheckMoney(*e.erp_cost, "ERP cost"));
    return absl::OkStatus();
  }
  absl::Status operator()(const Cancelled& e) const { return CheckLine(d, e.line); }
  absl::Status operator()(const Refunded& e) const {
    if (e.amount.fen() <= 0) return absl::InvalidArgumentError("refund must be positive");
    return absl::OkStatus();
  }
  template <class E>
  absl::Status operator()(const E&) const {
    return absl::OkStatus();
  }
};

}  // namespace

// ------------------------------------------------------------------ events

std::string_view EventName(const OrderEvent& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kName; }, event);
}

const EventMeta& MetaOf(const OrderEvent& event) {
  return std::visit([](const auto& e) -> const EventMeta& { return e.meta; }, event);
}

// -------------------------------------------------------------------- data

absl::StatusOr<Money> OrderData::GoodsTotal() const {
  Money total;
  for (const OrderLine& l : lines) {
    if (l.cancelled) continue;
    KEFU_ASSIGN_OR_RETURN(Money line, l.unit_price.Multiply(l.quantity));
    KEFU_ASSIGN_OR_RETURN(total, total.Add(line));
  }
  return total;
}

namespace {
bool SameBuyerData(const Buyer& a, const Buyer& b) {
  return a.im_name == b.im_name && a.phone == b.phone;
}
bool SameAddress(const Address& a, const Address& b) {
  return a.province == b.province && a.city == b.city && a.district == b.district &&
         a.detail == b.detail;
}
bool SameLines(const std::vector<OrderLine>& a, const std::vector<OrderLine>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const OrderLine& x, const OrderLine& y) {
                      return x.product == y.product && x.quantity == y.quantity &&
                             x.unit_price == y.unit_price && x.cancelled == y.cancelled;
                    });
}
}  // namespace

bool operator==(const OrderData& a, const OrderData& b) {
  return a.id == b.id && a.channel == b.channel && SameBuyerData(a.buyer, b.buyer) &&
         SameLines(a.lines, b.lines) &&
         a.postage == b.postage && a.payment == b.payment && a.payment_made == b.payment_made &&
         a.finance_confirmed == b.finance_confirmed && SameAddress(a.address, b.address) &&
         a.courier == b.courier && a.courier_checked == b.courier_checked && a.notes == b.notes && a.exception == b.exception &&
         a.placed_at == b.placed_at && a.paid_at == b.paid_at && a.checked == b.checked &&
         a.duplicate_cleared == b.duplicate_cleared && a.duplicate_of == b.duplicate_of &&
         a.hold_reason == b.hold_reason && a.out_of_stock_product == b.out_of_stock_product &&
         a.oos_flag == b.oos_flag && a.other_style_offered == b.other_style_offered &&
         a.complaint_risk == b.complaint_risk && a.refunded == b.refunded &&
         a.compensation == b.compensation && a.shipped_at == b.shipped_at &&
         a.tracking_number == b.tracking_number && a.invoices == b.invoices;
}

// ------------------------------------------------------------------- Order

struct OrderTraits {
  using Data = OrderData;
  using Fsm = Sm;
  using Event = OrderEvent;
  static constexpr std::string_view kMachine = "order";
  static const internal::KindSchema& Schema() { return internal::OrderEventSchema(); }
};

struct Order::Impl : machine_core::MachineCore<OrderTraits> {};

Order::Order(std::string id) : impl_(std::make_unique<Impl>()) { impl_->data.id = std::move(id); }
Order::Order(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Order::Order(const Order& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Order& Order::operator=(const Order& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Order::Order(Order&& other) noexcept = default;
Order& Order::operator=(Order&& other) noexcept = default;
Order::~Order() = default;

const std::string& Order::id() const { return impl_->data.id; }
std::string_view Order::state() const { return impl_->state(); }
const OrderData& Order::data() const { return impl_->data; }
std::vector<Outcome> Order::applied() const { return impl_->log.outcomes(); }
size_t Order::applied_count() const { return impl_->log.size(); }
size_t Order::applied_bytes() const { return impl_->log.encoded_bytes(); }

bool Order::live() const {
  const std::string_view s = state();
  return s != order_fsm::st::New::kName && s != order_fsm::st::Cancelled::kName &&
         s != order_fsm::st::Delivered::kName && s != order_fsm::st::Completed::kName;
}

absl::StatusOr<Outcome> Order::Apply(const OrderEvent& event, const OrderEnvironment& env) {
  // Built where the caller receives it: the log's copy is the only one made.
  absl::StatusOr<Outcome> result(absl::in_place);
  Impl& core = *impl_;
  absl::Status s = core.Apply(event, env, *result, [&](Outcome& out) {
    if (absl::Status v = std::visit(Validator{core.data}, event); !v.ok()) {
      return machine_core::StepResult::Error(std::move(v));
    }
    OrderCtx ctx(core.data, env, MetaOf(event), out.audit.state_before, out);
    core.fsm.ctx = &ctx;
    machine_core::StepResult r;
    r.dispatch = std::visit([&](const auto& e) { return msm_support::Dispatch(core.fsm, e); },
                            event);
    core.fsm.ctx = nullptr;
    r.error = std::move(ctx.status);
    return r;
  });
  if (!s.ok()) result = std::move(s);
  return result;
}

OrderSnapshot Order::Snapshot() const { return impl_->Snapshot(kSnapshotFormat); }

absl::StatusOr<Order> Order::Restore(OrderSnapshot snapshot) {
  auto impl = std::make_unique<Impl>();
  KEFU_RETURN_IF_ERROR(impl->Restore(std::move(snapshot), kSnapshotFormat));
  return Order(std::move(impl));
}

const TransitionTable& Order::Table() {
  static const TransitionTable* const kTable = new TransitionTable(Impl::Table());
  return *kTable;
}

// ----------------------------------------------------------------- queries

std::vector<const Order*> NextShiftQueue(absl::Span<const Order* const> orders) {
  std::vector<const Order*> red, uncontacted;
  for (const Order* o : orders) {
    if (o == nullptr || o->state() != order_fsm::st::HeldOutOfStock::kName) continue;
    if (o->data().oos_flag == OosFlag::kUnreachable) red.push_back(o);
    if (o->data().oos_flag == OosFlag::kNone) uncontacted.push_back(o);
  }
  red.insert(red.end(), uncontacted.begin(), uncontacted.end());
  return red;
}

absl::StatusOr<Outcome> ReconcileEvening(absl::Span<const Order* const> orders,
                                         absl::Span<const std::string> paid_today_ids,
                                         Timestamp now, const OrderEnvironment& env) {
  const OrderPolicies& p = env.policies != nullptr ? *env.policies : OrderPolicies::Defaults();
  const BusinessCalendar& cal = env.calendar != nullptr ? *env.calendar : DefaultCalendar();
  const LocalDay today = cal.DayOf(now);
  if (now < cal.StartOfDay(today) + p.exception.reconcile_after) {
    return absl::FailedPreconditionError(
        absl::StrCat("ORD-EXCEPTION: the evening reconciliation runs after ",
                     absl::FormatDuration(p.exception.reconcile_after), " local time"));
  }
  Outcome out;
  out.entity = "reconciliation";
  for (const std::string& id : paid_today_ids) {
    const bool known = std::any_of(orders.begin(), orders.end(),
                                   [&](const Order* o) { return o != nullptr && o->id() == id; });
    if (known) continue;
    Action a = MakeAction(ActionKind::kTellCustomer, ExceptionPolicy::kRule,
                          {"漏抓单{order}：补录订单并通知客户", "missed order {order}: add it "
                                                                "and tell the customer"},
                          cal.EndOfDay(now), {}, {Text("order", id)});
    a.subject = id;
    out.actions.push_back(std::move(a));
    out.Add(MakeDecision(ExceptionPolicy::kRule, Verdict::kScheduled,
                         {"漏抓单{order}", "missed order {order}"}, {Text("order", id)}));
  }
  for (const Order* o : orders) {
    if (o == nullptr || !o->live() || !o->data().paid_at.has_value()) continue;
    if (cal.DayOf(*o->data().paid_at) != today) continue;
    const std::string_view s = o->state();
    if (s == order_fsm::st::Shipped::kName) continue;
    const bool manual = s == order_fsm::st::ReadyToShip::kName &&
                        p.exception.RequiresManualShip(o->data().exception);
    Action a = manual ? MakeAction(ActionKind::kMarkShipped, ExceptionPolicy::kRule,
                                   {"异常件{order}须手动点发货", "exception order {order}: mark "
                                                                "shipped by hand"},
                                   cal.EndOfDay(now), {}, {Text("order", o->id())})
                      : MakeAction(ActionKind::kTellCustomer, UnshippedPolicy::kRule,
                                   {"订单{order}当天未发出，通知客户", "order {order} did not ship "
                                                                     "today: tell the customer"},
                                   cal.EndOfDay(now), {}, {Text("order", o->id())});
    a.subject = o->id();
    out.actions.push_back(std::move(a));
    out.Add(MakeDecision(ExceptionPolicy::kRule, Verdict::kScheduled,
                         {"当天付款未发出：{order}（{state}）", "paid today, not shipped: {order} "
                                                               "({state})"},
                         {Text("order", o->id()), Figure{"state", OrderStateTerm(s)}}));
  }
  out.audit.event_type = "evening_reconciliation";
  out.audit.at = now;
  return out;
}

}  // namespace kefu
