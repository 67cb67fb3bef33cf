// kefu/policies/ticket_policies.h: the AS rules of the catalogue as
// small policy values the ticket machine, the defect counter and the weekly
// report consult.
//
// One type per rule (or per pair of rules the catalogue states together).
// Every field defaults to the catalogue's value; a shop replaces a policy by
// assigning another value to its field of TicketPolicies. Policies never do
// I/O and never read the clock: what they need arrives as arguments.
//
// Thread safety: immutable values once built; const methods are safe to call
// from any number of threads. Mutating a policy while a machine reads it is
// a data race.
#ifndef KEFU_POLICIES_TICKET_POLICIES_H_
#define KEFU_POLICIES_TICKET_POLICIES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/policies/ticket_terms.h"

namespace kefu {

// How a deadline of the AS rules is counted. A deadline of `days` days that
// starts at instant t is due at the end of the local day `days` days after
// t's day (calendar days, or working days of the calendar with
// `business_days`): registered on Monday, 7 days -> due at the end of next
// Monday; the Tuesday after is "day 8", a breach. The warning comes
// `warn_days_before` calendar days before the due time (0: no warning).
struct DeadlineTerms {
  int days = 7;
  bool business_days = false;
  int warn_days_before = 1;
  // Stop the clock while the ticket waits on the supplier's exchange (the
  // time spent there is added to the due time when it resumes).
  bool pause_while_supplier = false;
};

struct DeadlineTimes {
  Timestamp due;
  std::optional<Timestamp> warn_at;
};

// The due and warning times of `terms` started at `start`. kInvalidArgument
// for negative days or warn_days_before; kOutOfRange when the calendar finds
// too few working days.
KEFU_EXPORT absl::StatusOr<DeadlineTimes> ComputeDeadline(const DeadlineTerms& terms,
                                                          Timestamp start,
                                                          const BusinessCalendar& calendar);

// A deadline of `rule` met late: kAllowed (the event still applies), the
// lateness on the record with the figures "due" and "done".
KEFU_EXPORT Decision DeadlineBreached(RuleId rule, Timestamp due, Timestamp done);

// AS-REGISTER: every case is registered with details and a category from the
// shop's list; an inspection fault carries its QC stamp number; a lone
// postage refund needs no ticket.
struct KEFU_EXPORT RegisterPolicy {
  static constexpr RuleId kRule = "AS-REGISTER";
  // The shop's categories (事务类别); empty = any non-empty category.
  std::vector<std::string> categories;
  // Register postage-only refunds anyway (the catalogue says they need none).
  bool register_lone_postage_refunds = false;
  bool require_qc_stamp_on_fault = true;

  // False for a lone postage refund (unless register_lone_postage_refunds).
  bool NeedsTicket(TicketKind kind) const;
  // kAllowed, or kRefused: a lone postage refund ("needs no ticket: refund
  // the postage directly"), or the figure "missing", a TermList of what is
  // absent (keys category, details, products: "事务类别、详情、商品" /
  // "category, details, products"), or "category" not in the shop's list.
  Decision Evaluate(TicketKind kind, std::string_view category, std::string_view details,
                    size_t product_count) const;
  // kAllowed, or kRefused when a confirmed fault has no QC stamp number.
  Decision EvaluateFault(bool fault_confirmed, std::string_view qc_stamp) const;
};

// AS-DEDUP: no second open ticket for the same order (and, by default, the
// same category).
struct KEFU_EXPORT DedupPolicy {
  static constexpr RuleId kRule = "AS-DEDUP";
  bool enabled = true;
  bool same_category_only = true;

  // The category an open ticket must share to count as a duplicate of one
  // registered with `category`; nullopt: any category counts.
  std::optional<std::string_view> CategoryFilter(std::string_view category) const;
  // kRefused: the order already has the open ticket `ticket` (its category
  // and owner, "—" when it has none). Figures "order", "ticket", "category",
  // "owner".
  Decision Duplicate(std::string_view order_id, std::string_view ticket,
                     std::string_view category, std::string_view owner) const;
};

// AS-RETURN-WINDOW: the goods are sent back within 2 days of agreeing.
struct KEFU_EXPORT ReturnWindowPolicy {
  static constexpr RuleId kRule = "AS-RETURN-WINDOW";
  // The message of the deadline the machine sets when a return is agreed.
  static constexpr Message kDeadline{"客户须在两天内寄回商品",
                                     "the customer sends the goods back within 2 days"};
  DeadlineTerms terms{2, false, 1, false};
};

// AS-RESOLVE: registration to reshipment or refund in at most 7 days.
struct KEFU_EXPORT ResolvePolicy {
  static constexpr RuleId kRule = "AS-RESOLVE";
  static constexpr Message kDeadline{"登记到重新发货或退款不超过7天",
                                     "reship or refund within 7 days of registration"};
  DeadlineTerms terms{7, false, 1, false};
};

// AS-TRACK: a ticket stays open at most one week.
struct KEFU_EXPORT TrackPolicy {
  static constexpr RuleId kRule = "AS-TRACK";
  static constexpr Message kDeadline{"售后跟踪不超过一个星期", "close the case within a week"};
  DeadlineTerms terms{7, false, 1, false};
};

// AS-POSTAGE-CAP: the customer pays return postage first; freight-collect
// parcels are refused; the shop reimburses at most `in_province` within the
// shop's province and `out_of_province` outside it; a quality return stays
// within `quality` too.
struct KEFU_EXPORT PostageCapPolicy {
  static constexpr RuleId kRule = "AS-POSTAGE-CAP";
  Money in_province = Money::Fen(800);
  Money out_of_province = Money::Fen(1000);
  Money quality = Money::Fen(1000);
  bool refuse_freight_collect = true;

  struct Assessment {
    Decision decision;  // refused, allowed or adjusted (claimed -> cap)
    Money reimbursed;   // what the shop pays back; zero when refused
  };
  // `same_province`: nullopt when a province is unknown, which takes the
  // smaller in-province cap. `shop_pays`: the record says the shop pays the
  // return postage (AS-WHO-PAYS); otherwise nothing is reimbursed.
  // Figures: "claimed", "cap" (when capped), "reimbursed".
  // REQUIRES: claimed is not negative.
  Assessment Assess(Money claimed, std::optional<bool> same_province, bool quality_return,
                    bool freight_collect, bool shop_pays) const;
};

// AS-WHO-PAYS: a ticket whose goods travel says who pays the return and the
// reshipment postage, and how the shop repays what it owes.
struct KEFU_EXPORT WhoPaysPolicy {
  static constexpr RuleId kRule = "AS-WHO-PAYS";
  bool enabled = true;

  // kRefused with the figure "missing", a TermList (keys
  // return_postage_payer, reshipment_postage_payer, repayment), when a
  // needed part is absent.
  Decision Evaluate(TicketKind kind, PostagePayer return_payer, PostagePayer reship_payer,
                    Repayment repayment) const;
};

// AS-RECEIVE: on receiving a return, check packaging and test; refunds and
// Alipay repayments go to finance; cash goes in the parcel, noted on the slip.
struct KEFU_EXPORT ReceivePolicy {
  static constexpr RuleId kRule = "AS-RECEIVE";
  std::string finance = "finance";  // assignee of notify-finance actions
  // Refuse to reship while the cash the shop owes is not in the parcel.
  bool require_cash_before_reship = true;

  // kRefused while `owed` postage is to be repaid as cash in the parcel and
  // is not in it yet (figure "owed"); nullopt: the reshipment may go.
  std::optional<Decision> ReshipRefusal(Repayment repayment, Money owed) const;
  // What the agent who unpacked a return (`owner`) does next: the
  // packaging-and-test checklist, and putting `owed` cash in the reshipped
  // parcel when that is how the shop repays. Actions only.
  Ruling Received(std::string_view owner, Repayment repayment, Money owed) const;
  // kAllowed: `amount` cash is in the parcel and noted (figure "amount").
  Decision CashInParcel(Money amount) const;
  // On reshipping: finance refunds the `owed` postage to the buyer's Alipay
  // account when that is how the shop repays; nullopt otherwise. Figures
  // "handler", "shop", "buyer_im", "amount", "alipay_account".
  std::optional<Action> ReshipPostageRefund(Repayment repayment, Money owed,
                                            std::string_view handler, std::string_view shop,
                                            std::string_view buyer_im,
                                            std::string_view alipay_account) const;
};

// AS-QUALITY: a confirmed fault goes to the replacement area and its
// after-sales order is marked; goods that came back without or with damaged
// packaging are reshipped the same way, marked too.
struct KEFU_EXPORT QualityPolicy {
  static constexpr RuleId kRule = "AS-QUALITY";
  std::string fault_marking = "(质量问题更换)";
  std::string no_packaging_marking = "(无包装)";
  std::string damaged_packaging_marking = "(原退回包装)";
  std::string replacement_area = "更换产品区";

  // The marking of a reshipment whose return came with `packaging`; empty
  // when the packaging was intact.
  const std::string& MarkingFor(Packaging packaging) const;
  // Reship without or in the returned packaging and mark the order so
  // (figure "marking"), assigned to `owner`; nullopt for intact packaging.
  std::optional<Action> PackagingAction(Packaging packaging, std::string_view owner) const;
  // The test result: kAllowed, and for a confirmed fault (figures
  // "qc_stamp", "marking" = fault_marking) the actions to move the goods to
  // the replacement area and to open a marked after-sales order.
  Ruling Tested(bool fault_confirmed, std::string_view qc_stamp, std::string_view owner) const;
};

// AS-RESALE: resalable returns are restocked with an inbound record, damaged
// ones are not; a supplier exchange reaches the customer within 2 days.
struct KEFU_EXPORT ResalePolicy {
  static constexpr RuleId kRule = "AS-RESALE";
  static constexpr Message kDeadline{"供应商换货须在两天内返给客户",
                                     "the exchange reaches the customer within 2 days"};
  DeadlineTerms exchange{2, false, 1, false};

  // kAllowed either way; a resalable return also asks for a restock with an
  // inbound record of `lines` (figure "products": "N86×1, B2×2").
  Ruling Decided(bool resalable, const std::vector<TicketLine>& lines) const;
  // kScheduled: the supplier's exchange is chased to reach the customer
  // before `due` (figure "due").
  Decision ExchangeRequested(Timestamp due) const;
};

// AS-PREFER-EXCHANGE: where the supplier will not take goods back, offer an
// exchange; a refund then needs the customer to have declined it.
struct KEFU_EXPORT PreferExchangePolicy {
  static constexpr RuleId kRule = "AS-PREFER-EXCHANGE";
  bool enabled = true;

  // kRefused when the supplier is known not to take the goods back and the
  // customer has not declined an exchange; nullopt otherwise.
  std::optional<Decision> RefundRefusal(std::optional<bool> supplier_takes_back,
                                        bool exchange_declined) const;
  // When the supplier will not take the goods back: kScheduled, and an
  // action for `owner` to propose an exchange to `buyer_im`. nullopt when
  // the supplier takes them back or the rule is off.
  std::optional<Ruling> Proposal(bool supplier_takes_back, std::string_view owner,
                                 std::string_view buyer_im) const;
};

// AS-EVIDENCE: a quality refund needs the customer's photos; a full refund
// of an unusable item needs the photo of it destroyed.
struct KEFU_EXPORT EvidencePolicy {
  static constexpr RuleId kRule = "AS-EVIDENCE";
  bool photos_for_quality_refund = true;
  bool destruction_photo_for_full_refund = true;

  // kAllowed, or kRefused with the figure "missing", a TermList (keys
  // photos, destruction_photo).
  Decision Evaluate(bool quality_refund, bool full_refund_unusable, bool photos,
                    bool destruction_photo) const;
  // kAllowed: the customer's photos are on the record.
  Decision Recorded() const;
};

// AS-OWNER and AS-HANDOFF: whoever unpacks a return owns the ticket until it
// closes (before that, whoever registered it); other agents' events are
// refused (kPermissionDenied, naming the owner) unless the owner hands it
// off. An agent the ticket was escalated to, a supervisor, an exempt role
// and the system (empty agent) may act.
struct KEFU_EXPORT OwnerPolicy {
  static constexpr RuleId kRule = "AS-OWNER";
  static constexpr RuleId kHandoffRule = "AS-HANDOFF";
  bool enabled = true;
  std::vector<std::string> supervisors;
  std::vector<std::string> exempt_agents = {"finance", "warehouse"};

  bool MayAct(std::string_view owner, std::string_view escalated_to,
              std::string_view agent) const;
  bool IsSupervisor(std::string_view agent) const;
  // The refusal when `agent` may not act on ticket `ticket` (MayAct is
  // false): kRefused, figures "ticket", "owner", "agent" ("—" for none)
  // and "event" (the event's term, from the machine).
  Decision NotOwner(std::string_view ticket, std::string_view owner, std::string_view agent,
                    Term event) const;
  // True when `agent` acts on `owner`'s ticket as a supervisor (the audit
  // notes the override).
  bool IsOverride(std::string_view owner, std::string_view agent) const;
  // kAllowed: `owner` unpacked the return and owns the case (figure "owner").
  Decision Unpacked(std::string_view owner) const;
  // kAllowed, rule AS-HANDOFF: `from` handed the case to `to`.
  Decision HandedOff(std::string_view from, std::string_view to) const;
  // kAllowed: the case went up to `to`, who may act on it from now on.
  Decision Escalated(std::string_view to) const;
};

// AS-REFUND-RECORD: a direct Alipay refund names handler, shop, buyer's IM
// name, amount and Alipay account; an order not marked shipped is marked
// shipped before the refund goes to finance.
struct KEFU_EXPORT RefundRecordPolicy {
  static constexpr RuleId kRule = "AS-REFUND-RECORD";
  bool mark_shipped_first = true;

  // kRefused with "missing", a TermList (keys handler, shop, buyer_im,
  // alipay_account, amount), when a field is empty or the amount is not
  // positive.
  Decision Evaluate(std::string_view handler, std::string_view shop, std::string_view buyer_im,
                    std::string_view alipay_account, Money amount) const;
  // Before a refund of an order not marked shipped: `agent` marks order
  // `order_id` shipped first (subject = the order). nullopt when it is
  // marked or the rule is off.
  std::optional<Action> MarkShippedFirst(bool order_marked_shipped, std::string_view agent,
                                         std::string_view order_id) const;
  // The notice to `finance` for a direct Alipay refund of `total` (refund,
  // compensation and any postage owed, the last also as the figure
  // "postage" when positive), subject = the buyer.
  Action FinanceNotice(std::string_view finance, std::string_view handler, std::string_view shop,
                       std::string_view buyer_im, Money total, std::string_view alipay_account,
                       Money postage) const;
};

// AS-DEFECT: a product with `test_at` tickets is tested before each
// shipment; at `delist_at` tickets its delisting is proposed.
struct KEFU_EXPORT DefectPolicy {
  static constexpr RuleId kRule = "AS-DEFECT";
  int test_at = 2;
  int delist_at = 3;

  // What a product's `count`-th ticket sets off: at test_at, kScheduled and
  // an action to test it before each shipment; at delist_at, kScheduled and
  // a proposal to delist it (figures "product", "count", subject the
  // product). nullopt at any other count.
  std::optional<Ruling> ThresholdReached(std::string_view product, int count) const;
  // Whether a product with `count` tickets is tested before each shipment.
  bool TestsBeforeShipping(int count) const { return count >= test_at; }
  // The order check of an order with `product` once it must be tested:
  // kScheduled and the action to test it before this order ships.
  static Ruling TestBeforeShipping(std::string_view product);
};

// AS-WEEKLY: after-sales statistics and cost every `report_day`.
struct KEFU_EXPORT WeeklyPolicy {
  static constexpr RuleId kRule = "AS-WEEKLY";
  absl::Weekday report_day = absl::Weekday::saturday;
};

// Every AS policy.
struct KEFU_EXPORT TicketPolicies {
  RegisterPolicy register_;
  DedupPolicy dedup;
  ReturnWindowPolicy return_window;
  ResolvePolicy resolve;
  TrackPolicy track;
  PostageCapPolicy postage_cap;
  WhoPaysPolicy who_pays;
  ReceivePolicy receive;
  QualityPolicy quality;
  ResalePolicy resale;
  PreferExchangePolicy prefer_exchange;
  EvidencePolicy evidence;
  OwnerPolicy owner;
  RefundRecordPolicy refund_record;
  DefectPolicy defect;
  WeeklyPolicy weekly;

  // The catalogue's defaults (a shared immutable instance).
  static const TicketPolicies& Defaults();
};

}  // namespace kefu

#endif  // KEFU_POLICIES_TICKET_POLICIES_H_
