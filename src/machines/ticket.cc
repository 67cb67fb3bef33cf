// The after-sales ticket: events, data, the AS rules and the Boost.MSM
// machine (ticket_fsm.h) behind kefu::Ticket.
#include "machines/ticket_fsm.h"  // first: MSM limits

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "kefu/core/status.h"
#include "kefu/machines/open_tickets.h"
#include "kefu/policies/province.h"
#include "machines/event_schema.h"
#include "machines/machine_core.h"

namespace kefu {

// ------------------------------------------------------------ event helpers

std::string_view EventName(const TicketEvent& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kName; }, event);
}

const EventMeta& MetaOf(const TicketEvent& event) {
  return std::visit([](const auto& e) -> const EventMeta& { return e.meta; }, event);
}

// -------------------------------------------------------------------- data

bool TicketDeadline::BreachedAt(Timestamp now) const {
  if (met_at) return *met_at >= due;
  if (paused_since) return false;  // the clock is stopped
  return now >= due;
}

bool operator==(const TicketDeadline& a, const TicketDeadline& b) {
  return a.rule == b.rule && a.due == b.due && a.warn_at == b.warn_at &&
         a.paused_since == b.paused_since && a.met_at == b.met_at;
}

const TicketDeadline* TicketData::FindDeadline(RuleId rule) const {
  for (const TicketDeadline& d : deadlines) {
    if (d.rule == rule) return &d;
  }
  return nullptr;
}

Money TicketData::PostageOwed() const {
  if (return_postage != PostagePayer::kShop) return Money::Zero();
  const Money due = postage_declared ? postage_reimbursed : repayment_amount;
  return due > postage_repaid ? Money::Fen(due.fen() - postage_repaid.fen()) : Money::Zero();
}

namespace {
auto Tie(const TicketData& d) {
  return std::tie(d.id, d.order_id, d.kind, d.category, d.details, d.lines, d.customer_province,
                  d.shop_province, d.shop, d.buyer_im, d.alipay_account, d.registered_by, d.owner,
                  d.escalated_to, d.return_postage, d.reship_postage, d.repayment,
                  d.repayment_amount, d.quality_claim, d.order_marked_shipped, d.notes,
                  d.registered_at, d.postage_declared, d.postage_claimed, d.postage_reimbursed,
                  d.postage_repaid, d.return_tracking, d.received_at, d.packaging,
                  d.as_described, d.tested, d.fault_confirmed, d.qc_stamp, d.marking,
                  d.resalable, d.supplier_takes_back, d.exchange_proposed, d.photos,
                  d.destruction_photo, d.cash_in_parcel, d.refund_amount, d.compensation,
                  d.reship_tracking, d.resolved_at, d.closed_at, d.rejection_reason,
                  d.deadlines, d.costs);
}
}  // namespace

bool operator==(const TicketData& a, const TicketData& b) { return Tie(a) == Tie(b); }

// ------------------------------------------------------------------ machine

namespace {

using internal::ToAbsl;

// A ticket event's type as a term (AS-OWNER names the event refused): the
// key is the event's stable name.
Term TicketEventTerm(std::string_view type) {
  static constexpr Term kEvents[] = {
      {"registered", "登记", "registered"},
      {"return_agreed", "同意退回", "return agreed"},
      {"return_shipped", "客户寄回", "return shipped"},
      {"parcel_received", "收到退件", "parcel received"},
      {"packaging_checked", "检查包装", "packaging checked"},
      {"tested", "检测", "tested"},
      {"resale_decided", "判定能否再卖", "resale decided"},
      {"supplier_exchange_requested", "申请供应商换货", "supplier exchange requested"},
      {"supplier_exchange_received", "收到供应商换货", "supplier exchange received"},
      {"evidence_recorded", "记录凭证", "evidence recorded"},
      {"refund_sent_to_finance", "退款交财务", "refund sent to finance"},
      {"refund_paid", "退款已付", "refund paid"},
      {"cash_put_in_parcel", "现金放入包裹", "cash put in the parcel"},
      {"reshipped", "重新发货", "reshipped"},
      {"handed_off", "移交", "handed off"},
      {"escalated", "上报", "escalated"},
      {"closed", "结案", "closed"},
      {"rejected", "驳回", "rejected"},
  };
  for (const Term& t : kEvents) {
    if (t.key == type) return t;
  }
  return Term{type, "未知事件", "unknown event"};
}

// Deadlines an event starts, computed before dispatch (the calendar may
// refuse) so that actions never fail.
struct Prepared {
  DeadlineTimes a;
  DeadlineTimes b;
};

struct Ctx {
  TicketData* data = nullptr;
  Outcome* out = nullptr;
  const TicketPolicies* p = nullptr;
  const OpenTickets* open_tickets = nullptr;
  DefectLedger* defects = nullptr;
  const RolePolicy* roles = nullptr;  // FB-ROLES; null: no roster
  const HandoverCase* handover = nullptr;  // SH-HANDOVER; null: none
  const EventMeta* meta = nullptr;
  Prepared prepared;
  bool refused = false;  // a guard refused with a decision
  PostageCapPolicy::Assessment postage;

  // ------------------------------------------------------------- guards
  bool Refuse(Decision d) {
    out->Add(std::move(d));
    refused = true;
    return false;
  }

  bool Check(ticket_fsm::g::RegisterAllowed, const TicketRegistered& e) {
    if (open_tickets != nullptr && p->dedup.enabled) {
      if (auto other = open_tickets->FindOpen(e.order_id, p->dedup.CategoryFilter(e.category));
          other.has_value() && other->ticket_id != data->id) {
        return Refuse(
            p->dedup.Duplicate(e.order_id, other->ticket_id, other->category, other->owner));
      }
    }
    Decision reg = p->register_.Evaluate(e.kind, e.category, e.details, e.lines.size());
    if (reg.verdict == Verdict::kRefused) return Refuse(std::move(reg));
    Decision who = p->who_pays.Evaluate(e.kind, e.return_postage, e.reship_postage, e.repayment);
    if (who.verdict == Verdict::kRefused) return Refuse(std::move(who));
    out->Add(std::move(reg));
    out->Add(std::move(who));
    return true;
  }

  bool Check(ticket_fsm::g::ReturnKind, const ReturnAgreed&) { return NeedsReturn(data->kind); }

  bool Check(ticket_fsm::g::PostageAccepted, const ReturnShipped& e) {
    // Provinces compare as provinces (浙江 is 浙江省); registration checked
    // that each given one is a province, so an unknown one is one not given.
    std::optional<bool> same;
    const absl::StatusOr<Province> customer = ParseProvince(data->customer_province);
    const absl::StatusOr<Province> shop = ParseProvince(data->shop_province);
    if (customer.ok() && shop.ok()) same = *customer == *shop;
    postage = p->postage_cap.Assess(e.declared_postage, same, data->quality_claim,
                                    e.freight_collect,
                                    data->return_postage == PostagePayer::kShop);
    if (postage.decision.verdict == Verdict::kRefused) return Refuse(postage.decision);
    out->Add(postage.decision);
    return true;
  }

  bool Check(ticket_fsm::g::FaultStamped, const ItemTested& e) {
    Decision d = p->register_.EvaluateFault(e.fault_confirmed, e.qc_stamp);
    if (d.verdict == Verdict::kRefused) return Refuse(std::move(d));
    return true;
  }

  bool CheckRefund(const RefundSentToFinance& e) {
    // FB-ROLES: a large refund (goods and compensation) needs an approver
    // whose role may approve.
    if (roles != nullptr) {
      const Money paid = Money::Fen(e.amount.fen() + e.compensation.fen());  // both validated
      if (std::optional<Decision> no = roles->RefundRefusal(paid, meta->agent, e.approved_by)) {
        return Refuse(std::move(*no));
      }
    }
    const bool quality = e.quality_fault || data->fault_confirmed || data->quality_claim;
    Decision ev = p->evidence.Evaluate(quality, e.full_refund_unusable,
                                       data->photos, data->destruction_photo);
    if (ev.verdict == Verdict::kRefused) return Refuse(std::move(ev));
    if (std::optional<Decision> no = p->prefer_exchange.RefundRefusal(data->supplier_takes_back,
                                                                       e.exchange_declined)) {
      return Refuse(std::move(*no));
    }
    const std::string& account = e.alipay_account.empty() ? data->alipay_account
                                                          : e.alipay_account;
    Decision rec = p->refund_record.Evaluate(meta->agent, data->shop, data->buyer_im, account,
                                             e.amount);
    if (rec.verdict == Verdict::kRefused) return Refuse(std::move(rec));
    if (quality || e.full_refund_unusable) out->Add(std::move(ev));
    out->Add(std::move(rec));
    return true;
  }

  bool Check(ticket_fsm::g::RefundWithoutReturn, const RefundSentToFinance& e) {
    if (NeedsReturn(data->kind)) return false;  // the goods must come back first
    return CheckRefund(e);
  }

  bool Check(ticket_fsm::g::RefundAllowed, const RefundSentToFinance& e) {
    return CheckRefund(e);
  }

  bool Check(ticket_fsm::g::ReshipAllowed, const Reshipped&) {
    if (std::optional<Decision> no =
            p->receive.ReshipRefusal(data->repayment, data->PostageOwed())) {
      return Refuse(std::move(*no));
    }
    return true;
  }

  // ------------------------------------------------------------ helpers
  const std::string& Actor() const { return meta->agent.empty() ? data->owner : meta->agent; }

  void AddCost(CostKind kind, Money amount) {
    if (amount <= Money::Zero()) return;
    data->costs.push_back({kind, amount, meta->at, Actor()});
  }

  void SetDeadline(RuleId rule, const DeadlineTimes& t, Message message) {
    TicketDeadline d;
    d.rule = rule;
    d.due = t.due;
    d.warn_at = t.warn_at;
    bool replaced = false;
    for (TicketDeadline& old : data->deadlines) {
      if (old.rule == rule) {
        old = d;
        replaced = true;
      }
    }
    if (!replaced) data->deadlines.push_back(d);
    Deadline out_d;
    out_d.rule = rule;
    out_d.op = DeadlineOp::kSet;
    out_d.due = t.due;
    out_d.warn_at = t.warn_at;
    out_d.message = message;
    out->deadlines.push_back(out_d);
  }

  // The deadline of `rule` is met (or made moot) now: cancel it in the
  // host's queue, and say so when it was met late.
  void MeetDeadline(RuleId rule) {
    for (TicketDeadline& d : data->deadlines) {
      if (d.rule != rule || d.met_at) continue;
      if (d.paused_since) {  // resume implicitly: the paused time does not count
        d.due += meta->at - *d.paused_since;
        if (d.warn_at) *d.warn_at += meta->at - *d.paused_since;
        d.paused_since.reset();
      }
      d.met_at = meta->at;
      Deadline c;
      c.rule = rule;
      c.op = DeadlineOp::kCancel;
      c.due = d.due;
      out->deadlines.push_back(c);
      if (meta->at >= d.due) out->Add(DeadlineBreached(rule, d.due, meta->at));
    }
  }

  void MeetAll() {
    for (size_t i = 0; i < data->deadlines.size(); ++i) {
      MeetDeadline(data->deadlines[i].rule);
    }
  }

  const DeadlineTerms* TermsOf(RuleId rule) const {
    if (rule == ReturnWindowPolicy::kRule) return &p->return_window.terms;
    if (rule == ResolvePolicy::kRule) return &p->resolve.terms;
    if (rule == TrackPolicy::kRule) return &p->track.terms;
    return nullptr;  // AS-RESALE runs on the supplier itself: never paused
  }

  // ------------------------------------------------------------ actions
  void Do(ticket_fsm::Commit, const TicketRegistered& e) {
    TicketData& d = *data;
    d.order_id = e.order_id;
    d.kind = e.kind;
    d.category = e.category;
    d.details = e.details;
    d.lines = e.lines;
    d.customer_province = e.customer_province;
    d.shop_province = e.shop_province;
    d.shop = e.shop;
    d.buyer_im = e.buyer_im;
    d.alipay_account = e.alipay_account;
    d.registered_by = meta->agent;
    d.owner = meta->agent;
    // SH-HANDOVER: raised while its agent takes over, it stays with the
    // agent handing over.
    if (handover != nullptr && handover->incoming == meta->agent && !meta->agent.empty()) {
      d.owner = handover->outgoing;
      out->Add(handover->decision);
    }
    d.return_postage = e.return_postage;
    d.reship_postage = e.reship_postage;
    d.repayment = e.repayment;
    d.repayment_amount = e.repayment_amount;
    d.quality_claim = e.quality_claim;
    d.order_marked_shipped = e.order_marked_shipped;
    d.notes = e.notes;
    d.registered_at = meta->at;
    SetDeadline(ResolvePolicy::kRule, prepared.a, ResolvePolicy::kDeadline);
    SetDeadline(TrackPolicy::kRule, prepared.b, TrackPolicy::kDeadline);
    // AS-DEFECT: the case counts against each of its products; a threshold
    // reached shows in this outcome (and in what a redelivery returns).
    if (defects != nullptr) {
      Outcome reached = defects->Record(d.id, d.lines);
      for (Decision& dec : reached.decisions) out->Add(std::move(dec));
      for (Action& a : reached.actions) out->actions.push_back(std::move(a));
    }
  }

  void Do(ticket_fsm::Commit, const ReturnAgreed&) {
    SetDeadline(ReturnWindowPolicy::kRule, prepared.a, ReturnWindowPolicy::kDeadline);
  }

  void Do(ticket_fsm::Commit, const ReturnShipped& e) {
    data->postage_declared = true;
    data->postage_claimed = e.declared_postage;
    data->postage_reimbursed = postage.reimbursed;
    data->return_tracking = e.tracking_number;
    MeetDeadline(ReturnWindowPolicy::kRule);
  }

  void Do(ticket_fsm::Commit, const ParcelReceived& e) {
    TicketData& d = *data;
    d.received_at = meta->at;
    const std::string& unpacker = e.unpacked_by.empty() ? meta->agent : e.unpacked_by;
    if (!unpacker.empty()) d.owner = unpacker;
    MeetDeadline(ReturnWindowPolicy::kRule);
    out->Add(p->owner.Unpacked(d.owner));
    out->Add(p->receive.Received(d.owner, d.repayment, d.PostageOwed()));
  }

  void Do(ticket_fsm::Commit, const PackagingChecked& e) {
    TicketData& d = *data;
    d.packaging = e.packaging;
    d.as_described = e.as_described;
    if (std::optional<Action> a = p->quality.PackagingAction(e.packaging, d.owner)) {
      d.marking = p->quality.MarkingFor(e.packaging);
      out->actions.push_back(std::move(*a));
    }
  }

  void Do(ticket_fsm::Commit, const ItemTested& e) {
    TicketData& d = *data;
    d.tested = true;
    d.fault_confirmed = e.fault_confirmed;
    d.qc_stamp = e.qc_stamp;
    if (e.fault_confirmed) d.marking = p->quality.fault_marking;
    out->Add(p->quality.Tested(e.fault_confirmed, d.qc_stamp, d.owner));
  }

  void Do(ticket_fsm::Commit, const ResaleDecided& e) {
    TicketData& d = *data;
    d.resalable = e.resalable;
    d.supplier_takes_back = e.supplier_takes_back;
    out->Add(p->resale.Decided(e.resalable, d.lines));
    if (std::optional<Ruling> offer =
            p->prefer_exchange.Proposal(e.supplier_takes_back, d.owner, d.buyer_im)) {
      d.exchange_proposed = true;
      out->Add(std::move(*offer));
    }
  }

  void Do(ticket_fsm::Commit, const SupplierExchangeRequested&) {
    SetDeadline(ResalePolicy::kRule, prepared.a, ResalePolicy::kDeadline);
    out->Add(p->resale.ExchangeRequested(prepared.a.due));
    for (TicketDeadline& d : data->deadlines) {
      const DeadlineTerms* terms = TermsOf(d.rule);
      if (terms == nullptr || !terms->pause_while_supplier || d.met_at || d.paused_since) continue;
      d.paused_since = meta->at;
      Deadline pz;
      pz.rule = d.rule;
      pz.op = DeadlineOp::kPause;
      pz.due = d.due;
      pz.warn_at = d.warn_at;
      out->deadlines.push_back(pz);
    }
  }

  void Do(ticket_fsm::Commit, const SupplierExchangeReceived&) {
    for (TicketDeadline& d : data->deadlines) {
      if (!d.paused_since || d.met_at) continue;
      const Duration paused = meta->at - *d.paused_since;
      d.due += paused;
      if (d.warn_at) *d.warn_at += paused;
      d.paused_since.reset();
      Deadline r;
      r.rule = d.rule;
      r.op = DeadlineOp::kResume;
      r.due = d.due;
      r.warn_at = d.warn_at;
      out->deadlines.push_back(r);
    }
  }

  void Do(ticket_fsm::Commit, const EvidenceRecorded& e) {
    data->photos = data->photos || e.photos;
    data->destruction_photo = data->destruction_photo || e.destruction_photo;
    out->Add(p->evidence.Recorded());
  }

  void Do(ticket_fsm::Commit, const RefundSentToFinance& e) {
    TicketData& d = *data;
    const std::string& account = e.alipay_account.empty() ? d.alipay_account : e.alipay_account;
    if (!e.alipay_account.empty()) d.alipay_account = e.alipay_account;
    d.refund_amount = e.amount;
    d.compensation = e.compensation;
    d.resolved_at = meta->at;
    MeetDeadline(ResolvePolicy::kRule);
    if (std::optional<Action> ship = p->refund_record.MarkShippedFirst(
            d.order_marked_shipped, meta->agent, d.order_id)) {
      out->actions.push_back(std::move(*ship));
      d.order_marked_shipped = true;
    }
    Money owed;
    if (d.repayment == Repayment::kAlipayRefund) owed = d.PostageOwed();
    const Money total = Money::Fen(e.amount.fen() + e.compensation.fen() + owed.fen());
    out->actions.push_back(p->refund_record.FinanceNotice(p->receive.finance, meta->agent, d.shop,
                                                          d.buyer_im, total, account, owed));
    AddCost(CostKind::kRefund, e.amount);
    AddCost(CostKind::kCompensation, e.compensation);
    AddCost(CostKind::kPostage, owed);
    d.postage_repaid = Money::Fen(d.postage_repaid.fen() + owed.fen());
  }

  void Do(ticket_fsm::Commit, const RefundPaid&) {}

  void Do(ticket_fsm::Commit, const CashPutInParcel& e) {
    data->cash_in_parcel = Money::Fen(data->cash_in_parcel.fen() + e.amount.fen());
    data->postage_repaid = Money::Fen(data->postage_repaid.fen() + e.amount.fen());
    AddCost(CostKind::kCashInParcel, e.amount);
    out->Add(p->receive.CashInParcel(e.amount));
  }

  void Do(ticket_fsm::Commit, const Reshipped& e) {
    TicketData& d = *data;
    d.reship_tracking = e.tracking_number;
    d.resolved_at = meta->at;
    MeetDeadline(ResolvePolicy::kRule);
    MeetDeadline(ResalePolicy::kRule);
    const Money owed = d.PostageOwed();
    if (std::optional<Action> fin = p->receive.ReshipPostageRefund(
            d.repayment, owed, meta->agent, d.shop, d.buyer_im, d.alipay_account)) {
      out->actions.push_back(std::move(*fin));
      AddCost(CostKind::kPostage, owed);
      d.postage_repaid = Money::Fen(d.postage_repaid.fen() + owed.fen());
    }
  }

  void Do(ticket_fsm::Commit, const HandedOff& e) {
    out->Add(p->owner.HandedOff(data->owner, e.to));
    data->owner = e.to;
  }

  void Do(ticket_fsm::Commit, const Escalated& e) {
    data->escalated_to = e.to;
    out->Add(p->owner.Escalated(e.to));
  }

  void Do(ticket_fsm::Commit, const TicketClosed&) {
    data->closed_at = meta->at;
    MeetAll();
  }

  void Do(ticket_fsm::Commit, const TicketRejected& e) {
    data->closed_at = meta->at;
    data->rejection_reason = e.reason;
    MeetAll();
  }
};

using Fsm = ticket_fsm::TicketSm<Ctx>;

// ------------------------------------------------------- input validation

absl::Status Validate(const TicketRegistered& e) {
  if (e.order_id.empty()) return absl::InvalidArgumentError("registered: order id is empty");
  for (const TicketLine& l : e.lines) {
    if (l.product.empty()) return absl::InvalidArgumentError("registered: a line has no product");
    if (l.quantity <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("registered: quantity of ", l.product, " must be positive"));
    }
  }
  if (e.repayment_amount.is_negative()) {
    return absl::InvalidArgumentError("registered: repayment amount is negative");
  }
  // AS-POSTAGE-CAP compares provinces: one given must be one of the 34.
  auto check = [](const char* field, const std::string& text) {
    if (text.empty()) return absl::OkStatus();
    absl::StatusOr<Province> p = ParseProvince(text);
    if (p.ok()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("registered: ", field, ": ", p.status().message()));
  };
  KEFU_RETURN_IF_ERROR(check("customer_province", e.customer_province));
  return check("shop_province", e.shop_province);
}
absl::Status Validate(const ReturnShipped& e) {
  if (e.declared_postage.is_negative()) {
    return absl::InvalidArgumentError("return_shipped: declared postage is negative");
  }
  if (e.declared_postage.fen() > int64_t{1} << 40) {
    return absl::InvalidArgumentError("return_shipped: declared postage is implausible");
  }
  return absl::OkStatus();
}
absl::Status Validate(const RefundSentToFinance& e) {
  if (e.amount.is_negative() || e.compensation.is_negative()) {
    return absl::InvalidArgumentError("refund_sent_to_finance: amounts must not be negative");
  }
  if (e.amount.fen() > int64_t{1} << 40 || e.compensation.fen() > int64_t{1} << 40) {
    return absl::InvalidArgumentError("refund_sent_to_finance: amount is implausible");
  }
  return absl::OkStatus();
}
absl::Status Validate(const CashPutInParcel& e) {
  if (e.amount <= Money::Zero() || e.amount.fen() > int64_t{1} << 40) {
    return absl::InvalidArgumentError("cash_put_in_parcel: amount must be positive");
  }
  return absl::OkStatus();
}
absl::Status Validate(const HandedOff& e) {
  if (e.to.empty()) return absl::InvalidArgumentError("handed_off: no agent to hand to");
  return absl::OkStatus();
}
absl::Status Validate(const Escalated& e) {
  if (e.to.empty()) return absl::InvalidArgumentError("escalated: no one to escalate to");
  return absl::OkStatus();
}
absl::Status Validate(const TicketRejected& e) {
  if (e.reason.empty()) return absl::InvalidArgumentError("rejected: the reason is empty");
  return absl::OkStatus();
}
template <class E>
absl::Status Validate(const E&) {
  return absl::OkStatus();
}

bool IsTerminal(std::string_view state) {
  return state == ticket_states::kNew || state == ticket_states::kClosed ||
         state == ticket_states::kRejected;
}

}  // namespace

// ------------------------------------------------------------------- Ticket

struct TicketTraits {
  using Data = TicketData;
  using Fsm = kefu::Fsm;
  using Event = TicketEvent;
  static constexpr std::string_view kMachine = "ticket";
  static const internal::KindSchema& Schema() { return internal::TicketEventSchema(); }
};

struct Ticket::Impl : machine_core::MachineCore<TicketTraits> {};

Ticket::Ticket(std::string id) : impl_(std::make_unique<Impl>()) { impl_->data.id = std::move(id); }
Ticket::Ticket(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ticket::Ticket(const Ticket& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Ticket& Ticket::operator=(const Ticket& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Ticket::Ticket(Ticket&& other) noexcept = default;
Ticket& Ticket::operator=(Ticket&& other) noexcept = default;
Ticket::~Ticket() = default;

std::string_view Ticket::id() const { return impl_->data.id; }
std::string_view Ticket::state() const { return impl_->state(); }
const TicketData& Ticket::data() const { return impl_->data; }
std::vector<Outcome> Ticket::applied() const { return impl_->log.outcomes(); }
size_t Ticket::applied_count() const { return impl_->log.size(); }
size_t Ticket::applied_bytes() const { return impl_->log.encoded_bytes(); }
const AppliedEvents& Ticket::applied_log() const { return impl_->log; }
bool Ticket::open() const { return !IsTerminal(state()); }

std::vector<RuleId> Ticket::BreachesAt(Timestamp now) const {
  std::vector<RuleId> out;
  for (const TicketDeadline& d : impl_->data.deadlines) {
    if (d.BreachedAt(now)) out.push_back(d.rule);
  }
  return out;
}

absl::StatusOr<Outcome> Ticket::Apply(const TicketEvent& event, const TicketEnvironment& env) {
  absl::StatusOr<Outcome> result(absl::in_place);
  Impl& core = *impl_;
  absl::Status status = core.Apply(event, env, *result, [&](Outcome& out) {
    using machine_core::StepResult;
    if (absl::Status v = std::visit([](const auto& e) { return Validate(e); }, event); !v.ok()) {
      return StepResult::Error(std::move(v));
    }
    const TicketPolicies& policies = env.policies ? *env.policies : TicketPolicies::Defaults();
    static const BusinessCalendar* const kDefaultCalendar =
        new BusinessCalendar(BusinessCalendar::Default());
    const BusinessCalendar& calendar = env.calendar ? *env.calendar : *kDefaultCalendar;
    TicketData& data = core.data;
    const EventMeta& meta = MetaOf(event);
    const std::string_view before = out.audit.state_before;

    // AS-OWNER: only the owner (or whom it was escalated to, a supervisor,
    // an exempt role, the system) acts on an open ticket; unpacking is how a
    // return changes owner.
    if (!IsTerminal(before) && !std::holds_alternative<ParcelReceived>(event)) {
      const OwnerPolicy& owner = policies.owner;
      if (!owner.MayAct(data.owner, data.escalated_to, meta.agent)) {
        out.Add(owner.NotOwner(data.id, data.owner, meta.agent, TicketEventTerm(EventName(event))));
        return StepResult::Refused();
      }
      if (owner.IsOverride(data.owner, meta.agent)) out.audit.note = "supervisor override";
    }

    // Deadlines the event starts (the calendar may refuse).
    Ctx ctx;
    auto prepare = [&](const DeadlineTerms& terms, DeadlineTimes* into) {
      absl::StatusOr<DeadlineTimes> t = ComputeDeadline(terms, meta.at, calendar);
      if (!t.ok()) return t.status();
      *into = *t;
      return absl::OkStatus();
    };
    absl::Status prepared;
    if (std::holds_alternative<TicketRegistered>(event)) {
      prepared = prepare(policies.resolve.terms, &ctx.prepared.a);
      if (prepared.ok()) prepared = prepare(policies.track.terms, &ctx.prepared.b);
    } else if (std::holds_alternative<ReturnAgreed>(event)) {
      prepared = prepare(policies.return_window.terms, &ctx.prepared.a);
    } else if (std::holds_alternative<SupplierExchangeRequested>(event)) {
      prepared = prepare(policies.resale.exchange, &ctx.prepared.a);
    }
    if (!prepared.ok()) return StepResult::Error(std::move(prepared));

    ctx.data = &data;
    ctx.out = &out;
    ctx.p = &policies;
    ctx.open_tickets = env.open_tickets;
    ctx.defects = env.defects;
    ctx.roles = env.roles;
    ctx.handover = env.handover;
    ctx.meta = &meta;
    core.fsm.ctx = &ctx;
    StepResult r;
    r.dispatch = std::visit([&](const auto& e) { return msm_support::Dispatch(core.fsm, e); },
                            event);
    core.fsm.ctx = nullptr;
    return r;
  });
  if (!status.ok()) result = std::move(status);
  return result;
}

TicketSnapshot Ticket::Snapshot() const { return impl_->Snapshot(kSnapshotFormat); }

absl::StatusOr<Ticket> Ticket::Restore(TicketSnapshot snapshot) {
  auto impl = std::make_unique<Impl>();
  KEFU_RETURN_IF_ERROR(impl->Restore(std::move(snapshot), kSnapshotFormat));
  return Ticket(std::move(impl));
}

const TransitionTable& Ticket::Table() {
  static const TransitionTable* const kTable = new TransitionTable(Impl::Table());
  return *kTable;
}

}  // namespace kefu
