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

Decision MakeDecision(RuleId rule, Verdict verdict, Message message, Figures figures = {}) {
  Decision d;
  d.rule = rule;
  d.verdict = verdict;
  d.message = message;
  d.figures = std::move(figures);
  return d;
}

Action MakeAction(ActionKind kind, RuleId rule, std::string assignee, Message message,
                  Figures figures = {}) {
  Action a;
  a.kind = kind;
  a.rule = rule;
  a.assignee = std::move(assignee);
  a.message = message;
  a.figures = std::move(figures);
  return a;
}

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

std::string ProductsText(const std::vector<TicketLine>& lines) {
  std::string out;
  for (const TicketLine& l : lines) {
    if (!out.empty()) out += ", ";
    absl::StrAppend(&out, l.product, "×", l.quantity);
  }
  return out;
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
      const std::optional<std::string_view> category =
          p->dedup.same_category_only ? std::optional<std::string_view>(e.category)
                                      : std::nullopt;
      if (auto other = open_tickets->FindOpen(e.order_id, category);
          other.has_value() && other->ticket_id != data->id) {
        return Refuse(MakeDecision(
            DedupPolicy::kRule, Verdict::kRefused,
            {"订单{order}已有未结售后单{ticket}（{category}，负责人{owner}），不重复登记",
             "order {order} already has open ticket {ticket} ({category}, owned by {owner}): "
             "not registered twice"},
            {Figure{"order", e.order_id}, Figure{"ticket", other->ticket_id},
             Figure{"category", other->category},
             Figure{"owner", other->owner.empty() ? std::string("—") : other->owner}}));
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
    const bool quality = e.quality_fault || data->fault_confirmed || data->quality_claim;
    Decision ev = p->evidence.Evaluate(quality, e.full_refund_unusable,
                                       data->photos, data->destruction_photo);
    if (ev.verdict == Verdict::kRefused) return Refuse(std::move(ev));
    if (p->prefer_exchange.enabled && data->supplier_takes_back == false &&
        !e.exchange_declined) {
      return Refuse(MakeDecision(
          PreferExchangePolicy::kRule, Verdict::kRefused,
          {"供应商不收回此货：先建议客户换货，客户拒绝换货后才能退款",
           "the supplier will not take the goods back: offer an exchange first; refund only "
           "once the customer declines it"}));
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
    const Money owed = data->PostageOwed();
    if (p->receive.require_cash_before_reship && data->repayment == Repayment::kCashInParcel &&
        owed > Money::Zero()) {
      Figures f;
      f.push_back({"owed", owed});
      return Refuse(MakeDecision(ReceivePolicy::kRule, Verdict::kRefused,
                                 {"重新发货前须在包裹里附上现金{owed}并在售后单上注明",
                                  "put {owed} cash in the parcel and note it on the slip "
                                  "before reshipping"},
                                 std::move(f)));
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
      if (meta->at >= d.due) {
        Figures f;
        f.push_back({"due", d.due});
        f.push_back({"done", meta->at});
        out->Add(MakeDecision(rule, Verdict::kAllowed,
                              {"已超期：应在{due}之前完成，实际{done}",
                               "deadline breached: due before {due}, done {done}"},
                              std::move(f)));
      }
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
    d.return_postage = e.return_postage;
    d.reship_postage = e.reship_postage;
    d.repayment = e.repayment;
    d.repayment_amount = e.repayment_amount;
    d.quality_claim = e.quality_claim;
    d.order_marked_shipped = e.order_marked_shipped;
    d.notes = e.notes;
    d.registered_at = meta->at;
    SetDeadline(ResolvePolicy::kRule, prepared.a,
                {"登记到重新发货或退款不超过7天", "reship or refund within 7 days of registration"});
    SetDeadline(TrackPolicy::kRule, prepared.b,
                {"售后跟踪不超过一个星期", "close the case within a week"});
    // AS-DEFECT: the case counts against each of its products; a threshold
    // reached shows in this outcome (and in what a redelivery returns).
    if (defects != nullptr) {
      Outcome reached = defects->Record(d.id, d.lines);
      for (Decision& dec : reached.decisions) out->Add(std::move(dec));
      for (Action& a : reached.actions) out->actions.push_back(std::move(a));
    }
  }

  void Do(ticket_fsm::Commit, const ReturnAgreed&) {
    SetDeadline(ReturnWindowPolicy::kRule, prepared.a,
                {"客户须在两天内寄回商品", "the customer sends the goods back within 2 days"});
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
    Figures owner;
    owner.push_back({"owner", d.owner});
    out->Add(MakeDecision(OwnerPolicy::kRule, Verdict::kAllowed,
                          {"拆包客服{owner}负责跟踪到底", "{owner} unpacked it and owns the case"},
                          std::move(owner)));
    out->actions.push_back(MakeAction(
        ActionKind::kOther, ReceivePolicy::kRule, d.owner,
        {"查询售后记录，检查包装外观是否完好、是否如客户所说，进行初步检测",
         "look up the record, check the packaging and that the goods are as described, run a "
         "first test"}));
    const Money owed = d.PostageOwed();
    if (d.repayment == Repayment::kCashInParcel && owed > Money::Zero()) {
      Figures f;
      f.push_back({"amount", owed});
      out->actions.push_back(MakeAction(ActionKind::kPutCashInParcel, ReceivePolicy::kRule,
                                        d.owner,
                                        {"重新发货时在包裹里附上现金{amount}，并在售后单上注明",
                                         "put {amount} cash in the reshipped parcel and note it "
                                         "on the after-sales slip"},
                                        std::move(f)));
    }
  }

  void Do(ticket_fsm::Commit, const PackagingChecked& e) {
    TicketData& d = *data;
    d.packaging = e.packaging;
    d.as_described = e.as_described;
    if (e.packaging != Packaging::kIntact) {
      d.marking = e.packaging == Packaging::kMissing ? p->quality.no_packaging_marking
                                                     : p->quality.damaged_packaging_marking;
      Figures f;
      f.push_back({"marking", d.marking});
      out->actions.push_back(MakeAction(
          ActionKind::kOther, QualityPolicy::kRule, d.owner,
          {"退回时无包装或包装损坏：重新发货也不带包装或用原退回包装，售后单注明{marking}",
           "returned without or with damaged packaging: reship the same way and mark the "
           "after-sales order {marking}"},
          std::move(f)));
    }
  }

  void Do(ticket_fsm::Commit, const ItemTested& e) {
    TicketData& d = *data;
    d.tested = true;
    d.fault_confirmed = e.fault_confirmed;
    d.qc_stamp = e.qc_stamp;
    if (!e.fault_confirmed) {
      out->Add(MakeDecision(QualityPolicy::kRule, Verdict::kAllowed,
                            {"检测未发现质量问题", "the test found no fault"}));
      return;
    }
    d.marking = p->quality.fault_marking;
    Figures f;
    f.push_back({"qc_stamp", d.qc_stamp});
    f.push_back({"marking", d.marking});
    out->Add(MakeDecision(QualityPolicy::kRule, Verdict::kAllowed,
                          {"确认质量问题（QC章号{qc_stamp}），按{marking}处理",
                           "quality fault confirmed (QC stamp {qc_stamp}); handled as {marking}"},
                          f));
    Figures area;
    area.push_back({"area", p->quality.replacement_area});
    out->actions.push_back(MakeAction(ActionKind::kOther, QualityPolicy::kRule, d.owner,
                                      {"将产品放入{area}", "move the goods to the {area}"},
                                      std::move(area)));
    out->actions.push_back(MakeAction(
        ActionKind::kOther, QualityPolicy::kRule, d.owner,
        {"下售后单，产品名称后注明{marking}", "open an after-sales order marked {marking}"},
        std::move(f)));
  }

  void Do(ticket_fsm::Commit, const ResaleDecided& e) {
    TicketData& d = *data;
    d.resalable = e.resalable;
    d.supplier_takes_back = e.supplier_takes_back;
    if (e.resalable) {
      Figures f;
      f.push_back({"products", ProductsText(d.lines)});
      out->Add(MakeDecision(ResalePolicy::kRule, Verdict::kAllowed,
                            {"退回商品可再次销售，入库", "resalable: restocked"}));
      out->actions.push_back(MakeAction(ActionKind::kRestock, ResalePolicy::kRule, "",
                                        {"入库并做入库登记：{products}",
                                         "restock with an inbound record: {products}"},
                                        std::move(f)));
    } else {
      out->Add(MakeDecision(ResalePolicy::kRule, Verdict::kAllowed,
                            {"退回商品损坏，影响二次销售，不入库",
                             "damaged: not restocked"}));
    }
    if (!e.supplier_takes_back && p->prefer_exchange.enabled) {
      d.exchange_proposed = true;
      out->Add(MakeDecision(PreferExchangePolicy::kRule, Verdict::kScheduled,
                            {"供应商不收回：建议客户换货，尽量不要退货",
                             "the supplier will not take it back: propose an exchange rather "
                             "than a refund"}));
      Action a = MakeAction(ActionKind::kTellCustomer, PreferExchangePolicy::kRule, d.owner,
                            {"建议客户换货而不是退款", "propose an exchange instead of a refund"});
      a.subject = d.buyer_im;
      out->actions.push_back(std::move(a));
    }
  }

  void Do(ticket_fsm::Commit, const SupplierExchangeRequested&) {
    SetDeadline(ResalePolicy::kRule, prepared.a,
                {"供应商换货须在两天内返给客户", "the exchange reaches the customer within 2 days"});
    Figures f;
    f.push_back({"due", prepared.a.due});
    out->Add(MakeDecision(ResalePolicy::kRule, Verdict::kScheduled,
                          {"督促采购换货，{due}之前返给客户",
                           "have the supplier exchange it; back to the customer before {due}"},
                          std::move(f)));
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
    out->Add(MakeDecision(EvidencePolicy::kRule, Verdict::kAllowed,
                          {"已收到客户照片", "the customer's photos are recorded"}));
  }

  void Do(ticket_fsm::Commit, const RefundSentToFinance& e) {
    TicketData& d = *data;
    const std::string& account = e.alipay_account.empty() ? d.alipay_account : e.alipay_account;
    if (!e.alipay_account.empty()) d.alipay_account = e.alipay_account;
    d.refund_amount = e.amount;
    d.compensation = e.compensation;
    d.resolved_at = meta->at;
    MeetDeadline(ResolvePolicy::kRule);
    if (!d.order_marked_shipped && p->refund_record.mark_shipped_first) {
      Action ship = MakeAction(ActionKind::kMarkShipped, RefundRecordPolicy::kRule, meta->agent,
                               {"订单未点发货：先点发货，再发邮件给财务退款",
                                "the order is not marked shipped: mark it shipped before "
                                "the refund goes to finance"});
      ship.subject = d.order_id;
      out->actions.push_back(std::move(ship));
      d.order_marked_shipped = true;
    }
    Money owed;
    if (d.repayment == Repayment::kAlipayRefund) owed = d.PostageOwed();
    const Money total = Money::Fen(e.amount.fen() + e.compensation.fen() + owed.fen());
    Figures f;
    f.push_back({"handler", meta->agent});
    f.push_back({"shop", d.shop});
    f.push_back({"buyer_im", d.buyer_im});
    f.push_back({"amount", total});
    f.push_back({"alipay_account", account});
    if (owed > Money::Zero()) f.push_back({"postage", owed});
    Action fin = MakeAction(ActionKind::kNotifyFinance, RefundRecordPolicy::kRule,
                            p->receive.finance,
                            {"支付宝退款：处理人{handler}，店铺{shop}，旺旺名{buyer_im}，"
                             "退款金额{amount}，支付宝账号{alipay_account}",
                             "Alipay refund: handler {handler}, shop {shop}, buyer {buyer_im}, "
                             "amount {amount}, Alipay account {alipay_account}"},
                            std::move(f));
    fin.subject = d.buyer_im;
    out->actions.push_back(std::move(fin));
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
    Figures f;
    f.push_back({"amount", e.amount});
    out->Add(MakeDecision(ReceivePolicy::kRule, Verdict::kAllowed,
                          {"包裹里已附现金{amount}，售后单已注明",
                           "{amount} cash is in the parcel and noted on the slip"},
                          std::move(f)));
  }

  void Do(ticket_fsm::Commit, const Reshipped& e) {
    TicketData& d = *data;
    d.reship_tracking = e.tracking_number;
    d.resolved_at = meta->at;
    MeetDeadline(ResolvePolicy::kRule);
    MeetDeadline(ResalePolicy::kRule);
    const Money owed = d.PostageOwed();
    if (d.repayment == Repayment::kAlipayRefund && owed > Money::Zero()) {
      Figures f;
      f.push_back({"handler", meta->agent});
      f.push_back({"shop", d.shop});
      f.push_back({"buyer_im", d.buyer_im});
      f.push_back({"amount", owed});
      f.push_back({"alipay_account", d.alipay_account});
      Action fin = MakeAction(ActionKind::kNotifyFinance, ReceivePolicy::kRule,
                              p->receive.finance,
                              {"重新发货，退邮费{amount}到支付宝{alipay_account}（旺旺名{buyer_im}）",
                               "reshipped: refund {amount} postage to Alipay {alipay_account} "
                               "(buyer {buyer_im})"},
                              std::move(f));
      fin.subject = d.buyer_im;
      out->actions.push_back(std::move(fin));
      AddCost(CostKind::kPostage, owed);
      d.postage_repaid = Money::Fen(d.postage_repaid.fen() + owed.fen());
    }
  }

  void Do(ticket_fsm::Commit, const HandedOff& e) {
    Figures f;
    f.push_back({"from", data->owner});
    f.push_back({"to", e.to});
    data->owner = e.to;
    out->Add(MakeDecision(OwnerPolicy::kHandoffRule, Verdict::kAllowed,
                          {"{from}将售后转给{to}跟进", "{from} handed the case to {to}"},
                          std::move(f)));
  }

  void Do(ticket_fsm::Commit, const Escalated& e) {
    data->escalated_to = e.to;
    Figures f;
    f.push_back({"to", e.to});
    out->Add(MakeDecision(OwnerPolicy::kRule, Verdict::kAllowed,
                          {"已上报{to}，{to}可处理此售后", "escalated to {to}, who may act on it"},
                          std::move(f)));
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

const std::string& Ticket::id() const { return impl_->data.id; }
std::string_view Ticket::state() const { return impl_->state(); }
const TicketData& Ticket::data() const { return impl_->data; }
std::vector<Outcome> Ticket::applied() const { return impl_->log.outcomes(); }
size_t Ticket::applied_count() const { return impl_->log.size(); }
size_t Ticket::applied_bytes() const { return impl_->log.encoded_bytes(); }
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
        out.Add(MakeDecision(
            OwnerPolicy::kRule, Verdict::kRefused,
            {"售后单{ticket}由{owner}负责，{agent}不能操作（{event}），除非{owner}移交（AS-HANDOFF）",
             "ticket {ticket} is owned by {owner}: {agent} may not apply {event} unless {owner} "
             "hands it off (AS-HANDOFF)"},
            {Figure{"ticket", data.id}, Figure{"owner", data.owner},
             Figure{"agent", meta.agent.empty() ? std::string("—") : meta.agent},
             Figure{"event", TicketEventTerm(EventName(event))}}));
        return StepResult::Refused();
      }
      if (owner.enabled && !meta.agent.empty() && meta.agent != data.owner &&
          owner.IsSupervisor(meta.agent)) {
        out.audit.note = "supervisor override";
      }
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
