// The AS policies: deadlines on the business calendar, registration checks,
// the postage cap, who pays, evidence, ownership and the refund record.
#include "kefu/policies/ticket_policies.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"

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

bool OwnerPolicy::IsSupervisor(std::string_view agent) const {
  return Contains(supervisors, agent);
}

bool OwnerPolicy::MayAct(std::string_view owner, std::string_view escalated_to,
                         std::string_view agent) const {
  if (!enabled || owner.empty() || agent.empty() || agent == owner) return true;
  if (!escalated_to.empty() && agent == escalated_to) return true;
  return IsSupervisor(agent) || Contains(exempt_agents, agent);
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

const TicketPolicies& TicketPolicies::Defaults() {
  static const TicketPolicies* const kDefaults = new TicketPolicies();
  return *kDefaults;
}

}  // namespace kefu
