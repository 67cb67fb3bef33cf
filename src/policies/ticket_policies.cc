// The AS policies: deadlines on the business calendar, registration checks,
// the postage cap, who pays, evidence, ownership and the refund record.
#include "kefu/policies/ticket_policies.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kefu {
namespace {

bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// What a record or registration may lack, as terms for a "missing" figure.
constexpr Term kCategory{"category", "事务类别", "category"};
constexpr Term kDetails{"details", "详情", "details"};
constexpr Term kProducts{"products", "商品", "products"};
constexpr Term kReturnPayer{"return_postage_payer", "退货邮费由谁承担", "return postage payer"};
constexpr Term kReshipPayer{"reshipment_postage_payer", "重发邮费由谁承担",
                            "reshipment postage payer"};
constexpr Term kRepayment{"repayment", "退还方式", "repayment"};
constexpr Term kPhotos{"photos", "照片", "photos"};
constexpr Term kDestructionPhoto{"destruction_photo", "销毁照片", "destruction photo"};
constexpr Term kHandler{"handler", "经办人", "handler"};
constexpr Term kShop{"shop", "店铺", "shop"};
constexpr Term kBuyerIm{"buyer_im", "买家旺旺名", "buyer IM name"};
constexpr Term kAlipayAccount{"alipay_account", "支付宝账号", "Alipay account"};
constexpr Term kAmount{"amount", "金额", "amount"};

void AppendItem(TermList& list, const Term& item) { list.push_back(item); }

Decision Allowed(RuleId rule, Message message) {
  Decision d;
  d.rule = rule;
  d.verdict = Verdict::kAllowed;
  d.message = message;
  return d;
}

Decision Refused(RuleId rule, Message message) {
  Decision d;
  d.rule = rule;
  d.verdict = Verdict::kRefused;
  d.message = message;
  return d;
}

Action MakeAction(ActionKind kind, RuleId rule, std::string_view assignee, Message message) {
  Action a;
  a.kind = kind;
  a.rule = rule;
  a.assignee = std::string(assignee);
  a.message = message;
  return a;
}

std::string OrDash(std::string_view s) { return s.empty() ? std::string("—") : std::string(s); }

}  // namespace

absl::StatusOr<DeadlineTimes> ComputeDeadline(const DeadlineTerms& terms, Timestamp start,
                                              const BusinessCalendar& calendar) {
  if (terms.days < 0 || terms.warn_days_before < 0) {
    return absl::InvalidArgumentError("deadline days and warning days must not be negative");
  }
  Timestamp last_day = start;
  if (terms.business_days) {
    auto t = calendar.AddBusinessDays(start, terms.days);
    if (!t.ok()) return t.status();
    last_day = *t;
  } else {
    last_day = calendar.AddDays(start, terms.days);
  }
  DeadlineTimes out;
  out.due = calendar.EndOfDay(last_day);
  if (terms.warn_days_before > 0) out.warn_at = calendar.AddDays(out.due, -terms.warn_days_before);
  return out;
}

Decision DeadlineBreached(RuleId rule, Timestamp due, Timestamp done) {
  Decision d = Allowed(rule, {"已超期：应在{due}之前完成，实际{done}",
                              "deadline breached: due before {due}, done {done}"});
  d.figures.push_back({"due", due});
  d.figures.push_back({"done", done});
  return d;
}

bool RegisterPolicy::NeedsTicket(TicketKind kind) const {
  return kind != TicketKind::kPostageRefund || register_lone_postage_refunds;
}

Decision RegisterPolicy::Evaluate(TicketKind kind, std::string_view category,
                                  std::string_view details, size_t product_count) const {
  if (!NeedsTicket(kind)) {
    return Refused(kRule, {"单独退邮费无需售后登记，直接退邮费即可",
                           "a lone postage refund needs no ticket: refund the postage directly"});
  }
  TermList missing;
  if (category.empty()) AppendItem(missing, kCategory);
  if (details.empty()) AppendItem(missing, kDetails);
  if (product_count == 0 && kind != TicketKind::kPostageRefund) AppendItem(missing, kProducts);
  if (!missing.empty()) {
    Decision d = Refused(kRule, {"售后登记缺少：{missing}", "the registration lacks: {missing}"});
    d.figures.push_back({"missing", std::move(missing)});
    return d;
  }
  if (!categories.empty() && !Contains(categories, category)) {
    Decision d = Refused(kRule, {"事务类别“{category}”不在本店类别中",
                                 "category \"{category}\" is not one of the shop's"});
    d.figures.push_back({"category", std::string(category)});
    return d;
  }
  return Allowed(kRule, {"售后已登记", "after-sales case registered"});
}

Decision RegisterPolicy::EvaluateFault(bool fault_confirmed, std::string_view qc_stamp) const {
  if (fault_confirmed && require_qc_stamp_on_fault && qc_stamp.empty()) {
    return Refused(kRule, {"检测出质量问题须填写QC章号", "an inspection fault needs its QC stamp number"});
  }
  Decision d = Allowed(kRule, {"检测结果已登记", "test result recorded"});
  if (!qc_stamp.empty()) d.figures.push_back({"qc_stamp", std::string(qc_stamp)});
  return d;
}

PostageCapPolicy::Assessment PostageCapPolicy::Assess(Money claimed,
                                                      std::optional<bool> same_province,
                                                      bool quality_return, bool freight_collect,
                                                      bool shop_pays) const {
  Assessment a;
  if (freight_collect && refuse_freight_collect) {
    a.decision = Refused(kRule, {"拒收到付件：退货邮费由客户先付",
                                 "freight-collect parcels are refused: the customer pays the "
                                 "return postage first"});
    a.decision.figures.push_back({"claimed", claimed});
    return a;
  }
  if (!shop_pays) {
    a.decision = Allowed(kRule, {"退货邮费由客户承担", "the customer pays the return postage"});
    a.decision.figures.push_back({"claimed", claimed});
    a.decision.figures.push_back({"reimbursed", Money::Zero()});
    return a;
  }
  const bool inside = same_province.value_or(true);
  Money cap = inside ? in_province : out_of_province;
  if (quality_return) cap = Min(cap, quality);
  if (claimed > cap) {
    a.reimbursed = cap;
    a.decision.rule = kRule;
    a.decision.verdict = Verdict::kAdjusted;
    a.decision.message =
        inside ? Message{"退货邮费{claimed}超过省内上限{cap}，按{cap}报销",
                              "return postage {claimed} exceeds the in-province cap {cap}; {cap} "
                              "reimbursed"}
                    : Message{"退货邮费{claimed}超过省外上限{cap}，按{cap}报销",
                              "return postage {claimed} exceeds the out-of-province cap {cap}; "
                              "{cap} reimbursed"};
  } else {
    a.reimbursed = claimed;
    a.decision = Allowed(kRule, {"退货邮费{claimed}在上限{cap}之内，全额报销",
                                 "return postage {claimed} is within the cap {cap}; reimbursed "
                                 "in full"});
  }
  a.decision.figures.push_back({"claimed", claimed});
  a.decision.figures.push_back({"cap", cap});
  a.decision.figures.push_back({"reimbursed", a.reimbursed});
  return a;
}

std::optional<std::string_view> DedupPolicy::CategoryFilter(std::string_view category) const {
  if (!same_category_only) return std::nullopt;
  return category;
}

Decision DedupPolicy::Duplicate(std::string_view order_id, std::string_view ticket,
                                std::string_view category, std::string_view owner) const {
  Decision d = Refused(kRule, {"订单{order}已有未结售后单{ticket}（{category}，负责人{owner}），"
                               "不重复登记",
                               "order {order} already has open ticket {ticket} ({category}, "
                               "owned by {owner}): not registered twice"});
  d.figures = {Figure{"order", std::string(order_id)}, Figure{"ticket", std::string(ticket)},
               Figure{"category", std::string(category)}, Figure{"owner", OrDash(owner)}};
  return d;
}

std::optional<Decision> ReceivePolicy::ReshipRefusal(Repayment repayment, Money owed) const {
  if (!require_cash_before_reship || repayment != Repayment::kCashInParcel ||
      owed <= Money::Zero()) {
    return std::nullopt;
  }
  Decision d = Refused(kRule, {"重新发货前须在包裹里附上现金{owed}并在售后单上注明",
                               "put {owed} cash in the parcel and note it on the slip before "
                               "reshipping"});
  d.figures.push_back({"owed", owed});
  return d;
}

Ruling ReceivePolicy::Received(std::string_view owner, Repayment repayment, Money owed) const {
  Ruling r;
  r.actions.push_back(MakeAction(
      ActionKind::kOther, kRule, owner,
      {"查询售后记录，检查包装外观是否完好、是否如客户所说，进行初步检测",
       "look up the record, check the packaging and that the goods are as described, run a "
       "first test"}));
  if (repayment == Repayment::kCashInParcel && owed > Money::Zero()) {
    Action cash = MakeAction(ActionKind::kPutCashInParcel, kRule, owner,
                             {"重新发货时在包裹里附上现金{amount}，并在售后单上注明",
                              "put {amount} cash in the reshipped parcel and note it on the "
                              "after-sales slip"});
    cash.figures.push_back({"amount", owed});
    r.actions.push_back(std::move(cash));
  }
  return r;
}

Decision ReceivePolicy::CashInParcel(Money amount) const {
  Decision d = Allowed(kRule, {"包裹里已附现金{amount}，售后单已注明",
                               "{amount} cash is in the parcel and noted on the slip"});
  d.figures.push_back({"amount", amount});
  return d;
}

std::optional<Action> ReceivePolicy::ReshipPostageRefund(Repayment repayment, Money owed,
                                                         std::string_view handler,
                                                         std::string_view shop,
                                                         std::string_view buyer_im,
                                                         std::string_view alipay_account) const {
  if (repayment != Repayment::kAlipayRefund || owed <= Money::Zero()) return std::nullopt;
  Action a = MakeAction(ActionKind::kNotifyFinance, kRule, finance,
                        {"重新发货，退邮费{amount}到支付宝{alipay_account}（旺旺名{buyer_im}）",
                         "reshipped: refund {amount} postage to Alipay {alipay_account} "
                         "(buyer {buyer_im})"});
  a.figures = {Figure{"handler", std::string(handler)}, Figure{"shop", std::string(shop)},
               Figure{"buyer_im", std::string(buyer_im)}, Figure{"amount", owed},
               Figure{"alipay_account", std::string(alipay_account)}};
  a.subject = std::string(buyer_im);
  return a;
}

const std::string& QualityPolicy::MarkingFor(Packaging packaging) const {
  static const std::string* const kNone = new std::string();
  switch (packaging) {
    case Packaging::kIntact:
      return *kNone;
    case Packaging::kMissing:
      return no_packaging_marking;
    default:
      return damaged_packaging_marking;
  }
}

std::optional<Action> QualityPolicy::PackagingAction(Packaging packaging,
                                                     std::string_view owner) const {
  if (packaging == Packaging::kIntact) return std::nullopt;
  Action a = MakeAction(
      ActionKind::kOther, kRule, owner,
      {"退回时无包装或包装损坏：重新发货也不带包装或用原退回包装，售后单注明{marking}",
       "returned without or with damaged packaging: reship the same way and mark the "
       "after-sales order {marking}"});
  a.figures.push_back({"marking", MarkingFor(packaging)});
  return a;
}

Ruling QualityPolicy::Tested(bool fault_confirmed, std::string_view qc_stamp,
                             std::string_view owner) const {
  Ruling r;
  if (!fault_confirmed) {
    r.decisions.push_back(Allowed(kRule, {"检测未发现质量问题", "the test found no fault"}));
    return r;
  }
  Figures f;
  f.push_back({"qc_stamp", std::string(qc_stamp)});
  f.push_back({"marking", fault_marking});
  Decision d = Allowed(kRule, {"确认质量问题（QC章号{qc_stamp}），按{marking}处理",
                               "quality fault confirmed (QC stamp {qc_stamp}); handled as "
                               "{marking}"});
  d.figures = f;
  r.decisions.push_back(std::move(d));
  Action area = MakeAction(ActionKind::kOther, kRule, owner,
                           {"将产品放入{area}", "move the goods to the {area}"});
  area.figures.push_back({"area", replacement_area});
  r.actions.push_back(std::move(area));
  Action order = MakeAction(ActionKind::kOther, kRule, owner,
                            {"下售后单，产品名称后注明{marking}",
                             "open an after-sales order marked {marking}"});
  order.figures = std::move(f);
  r.actions.push_back(std::move(order));
  return r;
}

Ruling ResalePolicy::Decided(bool resalable, const std::vector<TicketLine>& lines) const {
  Ruling r;
  if (!resalable) {
    r.decisions.push_back(Allowed(kRule, {"退回商品损坏，影响二次销售，不入库",
                                          "damaged: not restocked"}));
    return r;
  }
  r.decisions.push_back(Allowed(kRule, {"退回商品可再次销售，入库", "resalable: restocked"}));
  std::string products;
  for (const TicketLine& l : lines) {
    if (!products.empty()) products += ", ";
    absl::StrAppend(&products, l.product, "×", l.quantity);
  }
  Action a = MakeAction(ActionKind::kRestock, kRule, "",
                        {"入库并做入库登记：{products}",
                         "restock with an inbound record: {products}"});
  a.figures.push_back({"products", std::move(products)});
  r.actions.push_back(std::move(a));
  return r;
}

Decision ResalePolicy::ExchangeRequested(Timestamp due) const {
  Decision d;
  d.rule = kRule;
  d.verdict = Verdict::kScheduled;
  d.message = {"督促采购换货，{due}之前返给客户",
               "have the supplier exchange it; back to the customer before {due}"};
  d.figures.push_back({"due", due});
  return d;
}

std::optional<Decision> PreferExchangePolicy::RefundRefusal(
    std::optional<bool> supplier_takes_back, bool exchange_declined) const {
  if (!enabled || supplier_takes_back != false || exchange_declined) return std::nullopt;
  return Refused(kRule, {"供应商不收回此货：先建议客户换货，客户拒绝换货后才能退款",
                         "the supplier will not take the goods back: offer an exchange first; "
                         "refund only once the customer declines it"});
}

std::optional<Ruling> PreferExchangePolicy::Proposal(bool supplier_takes_back,
                                                     std::string_view owner,
                                                     std::string_view buyer_im) const {
  if (!enabled || supplier_takes_back) return std::nullopt;
  Ruling r;
  Decision d;
  d.rule = kRule;
  d.verdict = Verdict::kScheduled;
  d.message = {"供应商不收回：建议客户换货，尽量不要退货",
               "the supplier will not take it back: propose an exchange rather than a refund"};
  r.decisions.push_back(std::move(d));
  Action a = MakeAction(ActionKind::kTellCustomer, kRule, owner,
                        {"建议客户换货而不是退款", "propose an exchange instead of a refund"});
  a.subject = std::string(buyer_im);
  r.actions.push_back(std::move(a));
  return r;
}

Decision WhoPaysPolicy::Evaluate(TicketKind kind, PostagePayer return_payer,
                                 PostagePayer reship_payer, Repayment repayment) const {
  if (!enabled || !NeedsReturn(kind)) {
    return Allowed(kRule, {"无需退回商品", "no goods travel back"});
  }
  TermList missing;
  if (return_payer == PostagePayer::kUnset) AppendItem(missing, kReturnPayer);
  const bool reships = kind == TicketKind::kExchange || kind == TicketKind::kRepair;
  if (reships && reship_payer == PostagePayer::kUnset) {
    AppendItem(missing, kReshipPayer);
  }
  if (return_payer == PostagePayer::kShop && repayment == Repayment::kNone) {
    AppendItem(missing, kRepayment);
  }
  if (!missing.empty()) {
    Decision d = Refused(kRule, {"售后记录须写明邮费由谁承担及如何退还，缺少：{missing}",
                                 "the record must say who pays postage and how the shop repays; "
                                 "missing: {missing}"});
    d.figures.push_back({"missing", std::move(missing)});
    return d;
  }
  return Allowed(kRule, {"邮费承担方已记录", "who pays postage is recorded"});
}

Decision EvidencePolicy::Evaluate(bool quality_refund, bool full_refund_unusable, bool photos,
                                  bool destruction_photo) const {
  TermList missing;
  if (quality_refund && photos_for_quality_refund && !photos) AppendItem(missing, kPhotos);
  if (full_refund_unusable && destruction_photo_for_full_refund && !destruction_photo) {
    AppendItem(missing, kDestructionPhoto);
  }
  if (!missing.empty()) {
    Decision d = Refused(kRule, {"退款前须收到客户照片：{missing}",
                                 "the refund needs the customer's evidence first: {missing}"});
    d.figures.push_back({"missing", std::move(missing)});
    return d;
  }
  return Allowed(kRule, {"退款凭证齐全", "the refund's evidence is recorded"});
}

Decision EvidencePolicy::Recorded() const {
  return Allowed(kRule, {"已收到客户照片", "the customer's photos are recorded"});
}

bool OwnerPolicy::IsSupervisor(std::string_view agent) const {
  return Contains(supervisors, agent);
}

bool OwnerPolicy::MayAct(std::string_view owner, std::string_view escalated_to,
                         std::string_view agent) const {
  if (!enabled || owner.empty() || agent.empty() || agent == owner) return true;
  if (!escalated_to.empty() && agent == escalated_to) return true;
  return IsSupervisor(agent) || Contains(exempt_agents, agent);
}

Decision OwnerPolicy::NotOwner(std::string_view ticket, std::string_view owner,
                               std::string_view agent, Term event) const {
  Decision d = Refused(kRule, {"售后单{ticket}由{owner}负责，{agent}不能操作（{event}），"
                               "除非{owner}移交（AS-HANDOFF）",
                               "ticket {ticket} is owned by {owner}: {agent} may not apply "
                               "{event} unless {owner} hands it off (AS-HANDOFF)"});
  d.figures = {Figure{"ticket", std::string(ticket)}, Figure{"owner", std::string(owner)},
               Figure{"agent", OrDash(agent)}, Figure{"event", event}};
  return d;
}

bool OwnerPolicy::IsOverride(std::string_view owner, std::string_view agent) const {
  return enabled && !agent.empty() && agent != owner && IsSupervisor(agent);
}

Decision OwnerPolicy::Unpacked(std::string_view owner) const {
  Decision d = Allowed(kRule, {"拆包客服{owner}负责跟踪到底", "{owner} unpacked it and owns the case"});
  d.figures.push_back({"owner", std::string(owner)});
  return d;
}

Decision OwnerPolicy::HandedOff(std::string_view from, std::string_view to) const {
  Decision d = Allowed(kHandoffRule, {"{from}将售后转给{to}跟进", "{from} handed the case to {to}"});
  d.figures.push_back({"from", std::string(from)});
  d.figures.push_back({"to", std::string(to)});
  return d;
}

Decision OwnerPolicy::Escalated(std::string_view to) const {
  Decision d = Allowed(kRule, {"已上报{to}，{to}可处理此售后", "escalated to {to}, who may act on it"});
  d.figures.push_back({"to", std::string(to)});
  return d;
}

std::optional<Action> RefundRecordPolicy::MarkShippedFirst(bool order_marked_shipped,
                                                           std::string_view agent,
                                                           std::string_view order_id) const {
  if (order_marked_shipped || !mark_shipped_first) return std::nullopt;
  Action a = MakeAction(ActionKind::kMarkShipped, kRule, agent,
                        {"订单未点发货：先点发货，再发邮件给财务退款",
                         "the order is not marked shipped: mark it shipped before the refund "
                         "goes to finance"});
  a.subject = std::string(order_id);
  return a;
}

Action RefundRecordPolicy::FinanceNotice(std::string_view finance, std::string_view handler,
                                         std::string_view shop, std::string_view buyer_im,
                                         Money total, std::string_view alipay_account,
                                         Money postage) const {
  Action a = MakeAction(ActionKind::kNotifyFinance, kRule, finance,
                        {"支付宝退款：处理人{handler}，店铺{shop}，旺旺名{buyer_im}，"
                         "退款金额{amount}，支付宝账号{alipay_account}",
                         "Alipay refund: handler {handler}, shop {shop}, buyer {buyer_im}, "
                         "amount {amount}, Alipay account {alipay_account}"});
  a.figures.push_back({"handler", std::string(handler)});
  a.figures.push_back({"shop", std::string(shop)});
  a.figures.push_back({"buyer_im", std::string(buyer_im)});
  a.figures.push_back({"amount", total});
  a.figures.push_back({"alipay_account", std::string(alipay_account)});
  if (postage > Money::Zero()) a.figures.push_back({"postage", postage});
  a.subject = std::string(buyer_im);
  return a;
}

Decision RefundRecordPolicy::Evaluate(std::string_view handler, std::string_view shop,
                                      std::string_view buyer_im, std::string_view alipay_account,
                                      Money amount) const {
  TermList missing;
  if (handler.empty()) AppendItem(missing, kHandler);
  if (shop.empty()) AppendItem(missing, kShop);
  if (buyer_im.empty()) AppendItem(missing, kBuyerIm);
  if (alipay_account.empty()) AppendItem(missing, kAlipayAccount);
  if (amount <= Money::Zero()) AppendItem(missing, kAmount);
  if (!missing.empty()) {
    Decision d = Refused(kRule, {"支付宝退款记录不全，缺少：{missing}",
                                 "the Alipay refund record is incomplete; missing: {missing}"});
    d.figures.push_back({"missing", std::move(missing)});
    return d;
  }
  return Allowed(kRule, {"退款记录齐全，通知财务", "refund record complete; finance notified"});
}

std::optional<Ruling> DefectPolicy::ThresholdReached(std::string_view product, int count) const {
  ActionKind kind;
  Message decision_message;
  Message action_message;
  if (count == delist_at) {
    kind = ActionKind::kProposeDelisting;
    decision_message = {"{product}已有{count}次售后，建议下架",
                        "{product} has {count} after-sales tickets: propose delisting it"};
    action_message = {"建议{product}下架", "propose delisting {product}"};
  } else if (count == test_at) {
    kind = ActionKind::kTestBeforeShipping;
    decision_message = {"{product}已有{count}次售后，发货前须先测试",
                        "{product} has {count} after-sales tickets: test it before shipping"};
    action_message = {"{product}发货前先测试", "test {product} before each shipment"};
  } else {
    return std::nullopt;
  }
  Figures f;
  f.push_back({"product", std::string(product)});
  f.push_back({"count", int64_t{count}});
  Ruling r;
  Decision d;
  d.rule = kRule;
  d.verdict = Verdict::kScheduled;
  d.message = decision_message;
  d.figures = f;
  r.decisions.push_back(std::move(d));
  Action a = MakeAction(kind, kRule, "", action_message);
  a.subject = std::string(product);
  a.figures = std::move(f);
  r.actions.push_back(std::move(a));
  return r;
}

Ruling DefectPolicy::TestBeforeShipping(std::string_view product) {
  Ruling r;
  Decision d;
  d.rule = kRule;
  d.verdict = Verdict::kScheduled;
  d.message = {"{product}售后问题较多，发货前先检测",
               "{product} has repeated after-sales cases: test it before shipping"};
  d.figures.push_back({"product", std::string(product)});
  r.decisions.push_back(std::move(d));
  Action a = MakeAction(ActionKind::kTestBeforeShipping, kRule, "",
                        {"发货前检测{product}", "test {product} before shipping"});
  a.subject = std::string(product);
  a.figures.push_back({"product", std::string(product)});
  r.actions.push_back(std::move(a));
  return r;
}

const TicketPolicies& TicketPolicies::Defaults() {
  static const TicketPolicies* const kDefaults = new TicketPolicies();
  return *kDefaults;
}

}  // namespace kefu
