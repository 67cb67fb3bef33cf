// The order machine: Order::Apply, the context its guards and actions use,
// snapshots, and the order-level queries (next shift, evening
// reconciliation). The transition table is in order_fsm.h.
#include "machines/msm_config.h"  // first: MPL/Fusion limits before any Boost header

#include "kefu/machines/order.h"

#include <algorithm>
#include <optional>
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
#include "machines/order_access.h"
#include "machines/order_fsm.h"
#include "machines/packed_order.h"

namespace kefu {
namespace {

using order_fsm::Commit;
namespace g = order_fsm::g;

const BusinessCalendar& DefaultCalendar() {
  static const BusinessCalendar* const kCalendar = new BusinessCalendar(BusinessCalendar::Default());
  return *kCalendar;
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

// An order's texts and lines during one Apply (internal::PackedOrder keeps
// them packed): expanded from the record into the thread's buffer when
// first asked for, since most events need none of them. The buffer's id,
// texts and lines are the order's; its other fields are not (they are the
// record's, read in place).
class LazyTexts {
 public:
  explicit LazyTexts(const internal::PackedOrder& record) : record_(record) {}
  const OrderData& Get() const {
    if (data_ == nullptr) {
      thread_local OrderData buffer;
      record_.ExpandTexts(&buffer);
      data_ = &buffer;
    }
    return *data_;
  }
  // For an action that writes a text or a line: packed back after the
  // event.
  OrderData& Change() {
    Get();
    changed_ = true;
    return *data_;
  }
  bool changed() const { return changed_; }

 private:
  const internal::PackedOrder& record_;
  mutable OrderData* data_ = nullptr;
  bool changed_ = false;
};

// Everything a guard or action may touch during one Apply. Guards write only
// the outcome and the scratch fields below; actions write the order: its
// record's fields in place (d), its texts and lines through W().
struct OrderCtx {
  enum class Gate { kUnknown, kRefused, kClear, kDuplicate, kCourier };
  using Reach = CourierReachPolicy::Reach;

  OrderCtx(internal::PackedOrder& data, LazyTexts& lazy, const OrderEnvironment& env,
           const EventMeta& event_meta, std::string_view before, Outcome& outcome)
      : d(data),
        texts(lazy),
        p(env.policies != nullptr ? *env.policies : OrderPolicies::Defaults()),
        cal(env.calendar != nullptr ? *env.calendar : DefaultCalendar()),
        reach(env.courier_reach),
        live_orders(env.live_orders),
        product_tests(env.product_tests),
        roles(env.roles),
        meta(event_meta),
        state_before(before),
        out(outcome) {}

  internal::PackedOrder& d;
  LazyTexts& texts;
  const OrderPolicies& p;
  const BusinessCalendar& cal;
  const CourierReach* reach;
  const LiveOrders* live_orders;
  const ProductTestQuery* product_tests;
  const RolePolicy* roles;  // FB-ROLES; null: no roster
  const EventMeta& meta;
  std::string_view state_before;
  Outcome& out;

  absl::Status status;   // an error found by a guard
  bool decided = false;  // a guard refused with a decision, or failed
  Gate gate = Gate::kUnknown;
  Reach reach_found = Reach::kClear;  // why the courier holds the order (Gate::kCourier)
  std::string duplicate_of;
  Money amount;       // computed by a guard for its action
  Money fee;          // ORD-INVOICE
  Money goods;        // ORD-INVOICE
  std::optional<Decision> pending;  // a guard's allowed decision, added by the action

  // ---- helpers
  // The order's texts and lines, to read (T) or to change (W).
  const OrderData& T() const { return texts.Get(); }
  OrderData& W() { return texts.Change(); }
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
  void SetUnshippedDeadline(Timestamp start) {
    out.deadlines.push_back(p.unshipped.ShipDayDeadline(start, cal));
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
  void SetF2HoldDeadline() { out.deadlines.push_back(p.check_hold.HoldDeadline(meta.at, cal)); }
  void FinanceNote(bool paid) { out.Add(p.finance_check.Awaiting(d.payment, paid)); }
  size_t LiveLines() const {
    const std::vector<OrderLine>& lines = T().lines;
    return static_cast<size_t>(std::count_if(lines.begin(), lines.end(),
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
      const OrderData& t = T();
      // Made at the first other order of the buyer: most buyers have none
      // (the order finds itself in the index).
      std::optional<std::string> items, address;
      std::string found;
      live_orders->ForEachLiveOrder(t.buyer, [&](const LiveOrder& o) {
        if (o.order_id == d.id.view()) return;
        if (!items) items = ItemsKey(t.lines);
        if (o.items != *items || !SameBuyer(o.buyer, t.buyer)) return;
        if (!address) address = t.address.Full();
        if (!p.duplicate_ship.AddressesLookAlike(*address, o.address)) return;
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
    reach_found =
        p.courier_reach.Assess(reach, T().courier, T().address, d.payment, d.courier_checked);
    return gate = reach_found == Reach::kClear ? Gate::kClear : Gate::kCourier;
  }
  bool Check(g::CheckClear, const CheckPassed&) { return PlanCheck() == Gate::kClear; }
  bool Check(g::LikelyDuplicate, const CheckPassed&) {
    return PlanCheck() == Gate::kDuplicate;
  }
  bool Check(g::CourierCannotReach, const CheckPassed&) { return PlanCheck() == Gate::kCourier; }

  // ---- guards: policy gates
  bool Check(g::NotDuplicate, const HoldReleased& e) {
    if (std::optional<Decision> no =
            p.duplicate_ship.ReleaseRefusal(e.confirmed_not_duplicate, T().duplicate_of)) {
      Refuse(std::move(*no));
      return false;
    }
    return true;
  }
  bool Check(g::ShipAllowed, const MarkedShipped& e) {
    std::optional<Decision> no = p.finance_check.ShipRefusal(d.payment, d.finance_confirmed);
    if (!no) no = p.exception.ShipRefusal(d.exception, e.manual);
    if (no) {
      Refuse(std::move(*no));
      return false;
    }
    return true;
  }
  bool Check(g::FixAllowed, const OrderAdjusted& e) {
    const bool price_change = e.unit_price.has_value() || e.postage.has_value();
    const bool goods_change = e.product.has_value() || e.quantity.has_value();
    if (std::optional<Decision> no = p.fix.Refusal(price_change, goods_change, d.payment_made,
                                                   d.channel, e.agreed_via.has_value())) {
      Refuse(std::move(*no));
      return false;
    }
    return true;
  }
  bool Check(g::SupplementChecked, const PostageSupplemented& e) {
    PostageSupplementPolicy::Assessment a = p.postage_supplement.Assess(e.amount, e.erp_cost);
    if (a.decision.verdict == Verdict::kRefused) {
      Refuse(std::move(a.decision));
      return false;
    }
    auto total = d.postage.Add(a.charged);
    if (!total.ok()) return Fail(total.status());
    amount = a.charged;
    pending = std::move(a.decision);
    return true;
  }
  bool Check(g::RefundAllowed, const Refunded& e) {
    auto total = d.refunded.Add(e.amount);
    if (!total.ok()) return Fail(total.status());
    // FB-ROLES: a large refund needs an approver whose role may approve.
    if (roles != nullptr) {
      if (std::optional<Decision> no = roles->RefundRefusal(e.amount, meta.agent, e.approved_by)) {
        Refuse(std::move(*no));
        return false;
      }
    }
    amount = Money::Zero();
    if (!p.mall_compensation.Applies(d.channel, e.reason)) return true;
    if (std::optional<Decision> no = p.mall_compensation.StyleRefusal(d.other_style_offered)) {
      Refuse(std::move(*no));
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
    if (std::optional<Decision> no = p.invoice.ContentRefusal(e.content)) {
      Refuse(std::move(*no));
      return false;
    }
    auto total = T().GoodsTotal();
    if (!total.ok()) return Fail(total.status());
    goods = *total;
    auto f = p.invoice.FeeFor(d.channel, goods);
    if (!f.ok()) return Fail(f.status());
    fee = *f;
    return true;
  }

  // ---- actions
  void Do(Commit, const OrderPlaced& e) {
    d.channel = e.channel;
    OrderData& t = W();
    t.buyer = e.buyer;
    t.lines = e.lines;
    t.address = e.address;
    t.courier = e.courier;
    t.notes = e.notes;
    d.postage = e.postage;
    d.payment = e.payment;
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
    out.Add(p.finance_check.Confirmed());
    MarkPaid();
  }
  void Do(Commit, const CheckRecorded& e) { d.checked |= VerificationBit(e.item); }
  void Do(Commit, const CheckPassed&) {
    switch (gate) {
      case Gate::kDuplicate:
        W().duplicate_of = duplicate_of;
        out.Add(p.duplicate_ship.Held(duplicate_of));
        break;
      case Gate::kCourier:
        out.Add(p.courier_reach.Held(reach_found, T().courier, d.payment, d.channel));
        break;
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
    for (const OrderLine& line : T().lines) {
      if (line.cancelled || !product_tests->NeedsTestBeforeShipping(line.product)) continue;
      if (std::find(asked.begin(), asked.end(), line.product) != asked.end()) continue;
      asked.push_back(line.product);
      out.Add(DefectPolicy::TestBeforeShipping(line.product));
    }
  }
  void Do(Commit, const HoldPlaced& e) {
    W().hold_reason = e.reason;
    SetF2HoldDeadline();
  }
  void Do(Commit, const HoldReleased& e) {
    if (state_before == order_fsm::st::HeldDuplicate::kName) {
      d.duplicate_cleared = true;
      out.Add(p.duplicate_ship.Released(T().duplicate_of, e.note));
    }
    if (!T().hold_reason.empty()) W().hold_reason.clear();
  }
  void Do(Commit, const OutOfStockReported& e) {
    W().out_of_stock_product = e.product;
    d.oos_flag = OosFlag::kNone;
    const bool paid_today =
        d.paid_at.has_value() && cal.DayOf(*d.paid_at) == cal.DayOf(meta.at);
    out.Add(p.out_of_stock.Reported(d.channel, e.product, e.arrival, paid_today,
                                    cal.EndOfDay(meta.at)));
  }
  void Do(Commit, const CustomerContacted& e) {
    if (state_before == order_fsm::st::HeldCourier::kName) {
      if (e.result == ContactResult::kPromisedPayment) {
        d.payment_made = false;
        d.paid_at.reset();
        out.Add(p.courier_reach.PaymentPromised(cal.EndOfDay(meta.at)));
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
        out.Add(p.out_of_stock.Unreachable(cal.EndOfDay(meta.at)));
        return;
      }
      d.oos_flag = OosFlag::kHandled;
      out.Add(p.out_of_stock.Handled(e.result));
    }
    if (e.result != ContactResult::kUnreachable) SetF2HoldDeadline();
  }
  void Do(Commit, const CourierChanged& e) {
    W().courier = e.courier;
    d.courier_checked = true;  // the agent chose the courier for this address
    if (state_before == order_fsm::st::HeldCourier::kName) {
      out.Add(p.courier_reach.CourierChanged(e.courier));
    }
  }
  void Do(Commit, const CourierConfirmed& e) {
    d.courier_checked = true;
    out.Add(p.courier_reach.CourierConfirmed(
        T().courier, e.note, state_before == order_fsm::st::HeldCourier::kName));
  }
  void Do(Commit, const OrderAdjusted& e) {
    if (e.line.has_value()) {
      OrderLine& l = W().lines[*e.line];
      if (e.product) l.product = *e.product;
      if (e.quantity) l.quantity = *e.quantity;
      if (e.unit_price) l.unit_price = *e.unit_price;
    }
    if (e.postage) d.postage = *e.postage;
    out.Add(p.fix.Applied(e.agreed_via));
  }
  void Do(Commit, const PostageSupplemented&) {
    d.postage = Money::Fen(d.postage.fen() + amount.fen());  // checked by the guard
    if (pending) out.Add(std::move(*pending));
    pending.reset();
    if (d.exception == ExceptionKind::kNone) d.exception = ExceptionKind::kPostageSupplement;
    out.Add(p.exception.Flagged(d.exception));
  }
  void Do(Commit, const MarkedShipped& e) {
    d.shipped_at = meta.at;
    W().tracking_number = e.tracking_number;
    if (std::optional<Decision> manual = p.exception.MarkedByHand(d.exception)) {
      out.Add(std::move(*manual));
    }
    CancelDeadline(UnshippedPolicy::kRule);
    CancelDeadline(CheckHoldPolicy::kRule);
  }
  void Do(Commit, const Delivered&) {}
  void Do(Commit, const Completed&) {}
  void Do(Commit, const Cancelled& e) {
    std::optional<std::string_view> line_product;
    if (IsWholeCancel(e)) {
      for (OrderLine& l : W().lines) l.cancelled = true;
      CancelDeadline(UnshippedPolicy::kRule);
      CancelDeadline(CheckHoldPolicy::kRule);
    } else {
      OrderLine& l = W().lines[*e.line];
      l.cancelled = true;
      line_product = l.product;
    }
    out.Add(p.cancellation.Registered(line_product, e.reason, meta.at, cal));
  }
  void Do(Commit, const Refunded& e) {
    d.refunded = Money::Fen(d.refunded.fen() + e.amount.fen());  // checked by the guard
    if (!p.mall_compensation.Applies(d.channel, e.reason)) return;
    d.compensation = Money::Fen(d.compensation.fen() + amount.fen());
    d.complaint_risk = true;
    out.Add(p.mall_compensation.Compensated(e.amount, amount));
  }
  void Do(Commit, const InvoiceRequested&) {
    ++d.invoices;
    out.Add(p.invoice.Issued(goods, fee, d.postage));
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
  const internal::PackedOrder& d;
  const LazyTexts& texts;
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
    KEFU_RETURN_IF_ERROR(CheckLine(texts.Get(), e.line));
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
  absl::Status operator()(const Cancelled& e) const { return CheckLine(texts.Get(), e.line); }
  absl::Status operator()(const Refunded& e) const {
    if (e.amount.fen() <= 0) return absl::InvalidArgumentError("refund must be positive");
    // What the buyer paid at most: every line (a cancelled line too: its
    // refund is the point) and the postage with any supplement.
    Money paid = d.postage;
    for (const OrderLine& l : texts.Get().lines) {
      KEFU_ASSIGN_OR_RETURN(Money line, l.unit_price.Multiply(l.quantity));
      KEFU_ASSIGN_OR_RETURN(paid, paid.Add(line));
    }
    KEFU_ASSIGN_OR_RETURN(Money total, d.refunded.Add(e.amount));
    if (total > paid) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refund of ", e.amount.ToString(), " would bring the order's refunds to ",
          total.ToString(), ", more than the ", paid.ToString(),
          " its goods and postage came to"));
    }
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
  using Stored = internal::PackedOrder;  // packed between events
  using Fsm = Sm;
  using Event = OrderEvent;
  static constexpr std::string_view kMachine = "order";
  static const internal::KindSchema& Schema() { return internal::OrderEventSchema(); }
};

struct Order::Impl : machine_core::MachineCore<OrderTraits> {};

Order::Order(std::string id) : impl_(std::make_unique<Impl>()) {
  impl_->data.id.Set(id);
}
Order::Order(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Order::Order(const Order& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Order& Order::operator=(const Order& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Order::Order(Order&& other) noexcept = default;
Order& Order::operator=(Order&& other) noexcept = default;
Order::~Order() = default;

std::string_view Order::id() const { return impl_->data.id.view(); }
std::string_view Order::state() const { return impl_->state(); }
OrderData Order::data() const { return impl_->data.Expanded(); }
void Order::CopyDataTo(OrderData* out) const { impl_->data.Expand(out); }
std::vector<Outcome> Order::applied() const { return impl_->log.outcomes(); }
size_t Order::applied_count() const { return impl_->log.size(); }
size_t Order::applied_bytes() const { return impl_->log.encoded_bytes(); }
const AppliedEvents& Order::applied_log() const { return impl_->log; }

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
    // The machine works on the record: its fields in place, its texts and
    // lines expanded when a guard or action asks for them, and packed back
    // when one changed them.
    LazyTexts texts(core.data);
    if (absl::Status v = std::visit(Validator{core.data, texts}, event); !v.ok()) {
      return machine_core::StepResult::Error(std::move(v));
    }
    OrderCtx ctx(core.data, texts, env, MetaOf(event), out.audit.state_before, out);
    core.fsm.ctx = &ctx;
    machine_core::StepResult r;
    r.dispatch = std::visit([&](const auto& e) { return msm_support::Dispatch(core.fsm, e); },
                            event);
    core.fsm.ctx = nullptr;
    r.error = std::move(ctx.status);
    if (r.error.ok() && texts.changed()) core.data.PackTexts(texts.Get());
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

namespace internal {

const PackedOrder& OrderAccess::Record(const Order& order) { return order.impl_->data; }
size_t OrderAccess::Size() { return sizeof(Order::Impl); }

}  // namespace internal

// ----------------------------------------------------------------- queries

std::vector<const Order*> NextShiftQueue(absl::Span<const Order* const> orders) {
  std::vector<const Order*> red, uncontacted;
  for (const Order* o : orders) {
    if (o == nullptr || o->state() != order_fsm::st::HeldOutOfStock::kName) continue;
    const OosFlag flag = internal::OrderAccess::Record(*o).oos_flag;
    if (flag == OosFlag::kUnreachable) red.push_back(o);
    if (flag == OosFlag::kNone) uncontacted.push_back(o);
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
  KEFU_RETURN_IF_ERROR(p.exception.CheckReconcileTime(now, cal));
  Outcome out;
  out.entity = "reconciliation";
  for (const std::string& id : paid_today_ids) {
    const bool known = std::any_of(orders.begin(), orders.end(),
                                   [&](const Order* o) { return o != nullptr && o->id() == id; });
    if (known) continue;
    out.Add(p.exception.Missed(id, cal.EndOfDay(now)));
  }
  for (const Order* o : orders) {
    if (o == nullptr || !o->live()) continue;
    const internal::PackedOrder& d = internal::OrderAccess::Record(*o);
    if (!d.paid_at.has_value() || cal.DayOf(*d.paid_at) != today) continue;
    const std::string_view s = o->state();
    if (s == order_fsm::st::Shipped::kName) continue;
    const bool manual = s == order_fsm::st::ReadyToShip::kName &&
                        p.exception.RequiresManualShip(d.exception);
    out.Add(p.exception.PaidNotShipped(o->id(), OrderStateTerm(s), manual, cal.EndOfDay(now)));
  }
  out.audit.event_type = "evening_reconciliation";
  out.audit.at = now;
  return out;
}

}  // namespace kefu
