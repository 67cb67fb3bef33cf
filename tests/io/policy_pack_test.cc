// Policy packs (issue 19): every key sets the option it should, the
// defaults are today's options, every validation error names its line and
// key, and printing round-trips.
#include "kefu/io/policy_pack.h"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/io/replay.h"
#include "kefu/text/packs.h"

namespace kefu {
namespace {

using ::testing::HasSubstr;

// ------------------------------------------------------------ field views

std::string Join(const std::vector<std::string>& v) { return absl::StrJoin(v, ","); }
template <class E, class F>
std::string JoinNames(const std::vector<E>& v, F name) {
  std::vector<std::string> out;
  for (E e : v) out.emplace_back(name(e));
  return Join(out);
}
std::string Clock(Duration d) { return absl::FormatDuration(d); }
const BusinessCalendar& Cal(const ShopOptions& o) {
  static const BusinessCalendar def = BusinessCalendar::Default();
  return o.calendar ? *o.calendar : def;
}
const ReplyCheckerOptions& Rc(const ShopOptions& o) {
  static const ReplyChecker def = *ReplyChecker::Default();
  return o.reply_checker ? o.reply_checker->options() : def.options();
}
std::string Hours(const std::optional<WorkingHours>& h) {
  return h ? absl::StrCat(Clock(h->open), "-", Clock(h->close)) : "off";
}
std::string Days(const std::vector<LocalDay>& days) {
  std::vector<std::string> out;
  for (LocalDay d : days) {
    std::ostringstream s;
    s << d;
    out.push_back(s.str());
  }
  return Join(out);
}
// The phrases of every list, "list:phrase:rule:suggestion" (allow: "+phrase").
std::string Lists(const ShopOptions& o) {
  std::vector<std::string> out;
  for (const PhraseList& l : Rc(o).lists) {
    for (const PhraseEntry& e : l.entries) {
      out.push_back(e.allow
                        ? absl::StrCat(l.name, ":+", e.phrase)
                        : absl::StrCat(l.name, ":", e.phrase, ":", e.rule_id, ":", e.suggestion));
    }
  }
  return Join(out);
}
bool HasEntry(const ShopOptions& o, const std::string& list, const std::string& phrase,
              bool allow) {
  for (const PhraseList& l : Rc(o).lists) {
    if (l.name != list) continue;
    for (const PhraseEntry& e : l.entries) {
      if (e.phrase == phrase && e.allow == allow) return true;
    }
  }
  return false;
}

// One row per key: the option field it sets, viewed as text, and what the
// key's example value makes of it.
struct Row {
  std::string table;
  std::string key;
  std::function<std::string(const ShopOptions&)> view;
  std::string want;  // view() after loading the key's example value
};

std::vector<Row> Rows() {
  using O = const ShopOptions&;
  auto b = [](bool v) { return std::string(v ? "1" : "0"); };
  std::vector<Row> r = {
      {"ORD-VERIFY", "required", [](O o) { return absl::StrCat(o.order_policies.verify.required); },
       absl::StrCat(VerificationBit(VerificationItem::kProduct) |
                    VerificationBit(VerificationItem::kPrice))},
      {"ORD-DUP-SHIP", "enabled", [b](O o) { return b(o.order_policies.duplicate_ship.enabled); },
       "0"},
      {"ORD-DUP-SHIP", "max_address_edits",
       [](O o) { return absl::StrCat(o.order_policies.duplicate_ship.max_address_edits); }, "2"},
      {"ORD-COD-REACH", "enabled", [b](O o) { return b(o.order_policies.courier_reach.enabled); },
       "0"},
      {"ORD-PREPAY", "channels",
       [](O o) { return JoinNames(o.order_policies.courier_reach.prepay_channels, ChannelName); },
       "website,phone"},
      {"ORD-FIN-CHECK", "methods",
       [](O o) { return JoinNames(o.order_policies.finance_check.methods, PaymentMethodName); },
       "bank_transfer"},
      {"ORD-EXCEPTION", "reconcile_after",
       [](O o) { return Clock(o.order_policies.exception.reconcile_after); }, "20h30m"},
      {"ORD-OOS-NOTIFY", "prefer_sms",
       [b](O o) { return b(o.order_policies.out_of_stock.prefer_sms); }, "0"},
      {"ORD-OOS-NOTIFY", "always_call_channels",
       [](O o) {
         return JoinNames(o.order_policies.out_of_stock.always_call_channels, ChannelName);
       },
       "website,tmall"},
      {"ORD-MALL-COMP", "channels",
       [](O o) { return JoinNames(o.order_policies.mall_compensation.channels, ChannelName); },
       "tmall,taobao"},
      {"ORD-MALL-COMP", "rate",
       [](O o) { return absl::StrCat(o.order_policies.mall_compensation.rate.basis_points()); },
       "800"},
      {"ORD-MALL-COMP", "cap",
       [](O o) { return absl::StrCat(o.order_policies.mall_compensation.cap.fen()); }, "5000"},
      {"ORD-MALL-COMP", "require_style_offer",
       [b](O o) { return b(o.order_policies.mall_compensation.require_style_offer); }, "0"},
      {"ORD-CANCEL-REG", "within_days",
       [](O o) { return absl::StrCat(o.order_policies.cancellation.within_days); }, "1"},
      {"ORD-CANCEL-REG", "restock", [b](O o) { return b(o.order_policies.cancellation.restock); },
       "0"},
      {"ORD-F2-HOLD", "max_days",
       [](O o) { return absl::StrCat(o.order_policies.check_hold.max_days); }, "5"},
      {"ORD-UNSHIPPED", "close_out_day",
       [](O o) { return absl::StrCat(o.order_policies.unshipped.close_out_day); }, "4"},
      {"ORD-UNSHIPPED", "tell_customer_at",
       [](O o) { return Clock(o.order_policies.unshipped.tell_customer_at); }, "16h"},
      {"ORD-FIX", "price_adjust_channels",
       [](O o) { return JoinNames(o.order_policies.fix.price_adjust_channels, ChannelName); },
       "taobao,tmall"},
      {"ORD-FIX", "require_customer_contact",
       [b](O o) { return b(o.order_policies.fix.require_customer_contact); }, "0"},
      {"ORD-POSTAGE-SUPP", "require_erp_cost",
       [b](O o) { return b(o.order_policies.postage_supplement.require_erp_cost); }, "0"},
      {"ORD-POSTAGE-SUPP", "cap_at_erp_cost",
       [b](O o) { return b(o.order_policies.postage_supplement.cap_at_erp_cost); }, "0"},
      {"ORD-INVOICE", "fee",
       [](O o) { return absl::StrCat(o.order_policies.invoice.fee.basis_points()); }, "300"},
      {"ORD-INVOICE", "fee_channels",
       [](O o) { return JoinNames(o.order_policies.invoice.fee_channels, ChannelName); },
       "website,phone"},
      {"ORD-INVOICE", "channel_fees",
       [](O o) {
         std::vector<std::string> parts;
         for (const InvoicePolicy::ChannelFee& f : o.order_policies.invoice.channel_fees) {
           parts.push_back(absl::StrCat(std::string(ChannelName(f.channel)), "=", f.fee.ToString()));
         }
         return Join(parts);
       },
       "phone=1.5%,tmall=3%"},
      {"ORD-INVOICE", "allowed_contents",
       [](O o) { return Join(o.order_policies.invoice.allowed_contents); }, "配件,办公用品"},
      {"AS-REGISTER", "categories",
       [](O o) { return Join(o.ticket_policies.register_.categories); }, "质量问题,发错货"},
      {"AS-REGISTER", "register_lone_postage_refunds",
       [b](O o) { return b(o.ticket_policies.register_.register_lone_postage_refunds); }, "1"},
      {"AS-REGISTER", "require_qc_stamp_on_fault",
       [b](O o) { return b(o.ticket_policies.register_.require_qc_stamp_on_fault); }, "0"},
      {"AS-DEDUP", "enabled", [b](O o) { return b(o.ticket_policies.dedup.enabled); }, "0"},
      {"AS-DEDUP", "same_category_only",
       [b](O o) { return b(o.ticket_policies.dedup.same_category_only); }, "0"},
      {"AS-POSTAGE-CAP", "in_province",
       [](O o) { return o.ticket_policies.postage_cap.in_province.ToString(); }, "6.00"},
      {"AS-POSTAGE-CAP", "out_of_province",
       [](O o) { return o.ticket_policies.postage_cap.out_of_province.ToString(); }, "12.00"},
      {"AS-POSTAGE-CAP", "quality",
       [](O o) { return o.ticket_policies.postage_cap.quality.ToString(); }, "15.00"},
      {"AS-POSTAGE-CAP", "refuse_freight_collect",
       [b](O o) { return b(o.ticket_policies.postage_cap.refuse_freight_collect); }, "0"},
      {"AS-WHO-PAYS", "enabled", [b](O o) { return b(o.ticket_policies.who_pays.enabled); }, "0"},
      {"AS-RECEIVE", "finance", [](O o) { return o.ticket_policies.receive.finance; }, "财务"},
      {"AS-RECEIVE", "require_cash_before_reship",
       [b](O o) { return b(o.ticket_policies.receive.require_cash_before_reship); }, "0"},
      {"AS-QUALITY", "fault_marking", [](O o) { return o.ticket_policies.quality.fault_marking; },
       "(质量问题)"},
      {"AS-QUALITY", "no_packaging_marking",
       [](O o) { return o.ticket_policies.quality.no_packaging_marking; }, "(缺包装)"},
      {"AS-QUALITY", "damaged_packaging_marking",
       [](O o) { return o.ticket_policies.quality.damaged_packaging_marking; }, "(包装破损)"},
      {"AS-QUALITY", "replacement_area",
       [](O o) { return o.ticket_policies.quality.replacement_area; }, "返修区"},
      {"AS-PREFER-EXCHANGE", "enabled",
       [b](O o) { return b(o.ticket_policies.prefer_exchange.enabled); }, "0"},
      {"AS-EVIDENCE", "photos_for_quality_refund",
       [b](O o) { return b(o.ticket_policies.evidence.photos_for_quality_refund); }, "0"},
      {"AS-EVIDENCE", "destruction_photo_for_full_refund",
       [b](O o) { return b(o.ticket_policies.evidence.destruction_photo_for_full_refund); }, "0"},
      {"AS-OWNER", "enabled", [b](O o) { return b(o.ticket_policies.owner.enabled); }, "0"},
      {"AS-OWNER", "supervisors", [](O o) { return Join(o.ticket_policies.owner.supervisors); },
       "主管"},
      {"AS-OWNER", "exempt_agents", [](O o) { return Join(o.ticket_policies.owner.exempt_agents); },
       "finance"},
      {"AS-REFUND-RECORD", "mark_shipped_first",
       [b](O o) { return b(o.ticket_policies.refund_record.mark_shipped_first); }, "0"},
      {"AS-DEFECT", "test_at", [](O o) { return absl::StrCat(o.ticket_policies.defect.test_at); },
       "3"},
      {"AS-DEFECT", "delist_at",
       [](O o) { return absl::StrCat(o.ticket_policies.defect.delist_at); }, "5"},
      {"AS-WEEKLY", "report_day",
       [](O o) { return absl::StrCat(static_cast<int>(o.ticket_policies.weekly.report_day)); },
       "4"},
      {"RV-CONTACT-LIMIT", "neutral_calls",
       [](O o) { return absl::StrCat(o.review_policies.contact_limit.neutral_max_calls); }, "3"},
      {"RV-CONTACT-LIMIT", "negative_contacts",
       [](O o) { return absl::StrCat(o.review_policies.contact_limit.negative_max_contacts); },
       "4"},
      {"RV-CONTACT-LIMIT", "count_unreachable",
       [b](O o) { return b(o.review_policies.contact_limit.count_unreachable); }, "0"},
      {"RV-CHANNEL", "when_online",
       [](O o) { return std::string(ReviewChannelName(o.review_policies.channel.when_online)); },
       "sms"},
      {"RV-CHANNEL", "when_offline",
       [](O o) { return std::string(ReviewChannelName(o.review_policies.channel.when_offline)); },
       "sms"},
      {"RV-CHANNEL", "enforce", [b](O o) { return b(o.review_policies.channel.enforce); }, "1"},
      {"RV-SCHEDULE", "steps",
       [](O o) {
         std::vector<std::string> s;
         for (const ScheduleStep& st : o.review_policies.schedule.steps) {
           s.push_back(absl::StrCat(st.day, std::string(ReviewChannelName(st.channel))));
         }
         return Join(s);
       },
       "1phone,3sms"},
      {"RV-SCHEDULE", "day_count",
       [](O o) {
         return absl::StrCat(o.review_policies.schedule.day_count == DayCount::kBusiness);
       },
       "1"},
      {"RV-SCHEDULE", "local_time",
       [](O o) { return Clock(o.review_policies.schedule.local_time); }, "9h30m"},
      {"RV-PROMISE", "local_time", [](O o) { return Clock(o.review_policies.promise.local_time); },
       "11h"},
      {"RV-PROMISE", "max_reminders",
       [](O o) { return absl::StrCat(o.review_policies.promise.max_reminders); }, "2"},
      {"RV-PROMISE", "day_count",
       [](O o) { return absl::StrCat(o.review_policies.promise.day_count == DayCount::kBusiness); },
       "1"},
      {"RV-REMEDY", "threshold", [](O o) { return o.review_policies.remedy.threshold.ToString(); },
       "50.00"},
      {"RV-REMEDY", "under_threshold",
       [](O o) { return JoinNames(o.review_policies.remedy.under_threshold, RemedyName); },
       "partial_refund"},
      {"RV-REMEDY", "at_or_over_threshold",
       [](O o) { return JoinNames(o.review_policies.remedy.at_or_over_threshold, RemedyName); },
       "exchange"},
      {"RV-REMEDY", "neutral_too", [b](O o) { return b(o.review_policies.remedy.neutral_too); },
       "0"},
      {"PH-APOLOGY", "enabled", [b](O o) { return b(Rc(o).apology.enabled); }, "0"},
      {"PH-APOLOGY", "severity",
       [](O o) { return std::string(SeverityName(Rc(o).apology.severity)); }, "warning"},
      {"PH-APOLOGY", "apology", [](O o) { return Rc(o).apology.apology; }, "很抱歉"},
      {"PH-APOLOGY", "refusal_markers", [](O o) { return Join(Rc(o).apology.refusal_markers); },
       "无法"},
      {"PH-APOLOGY", "greetings", [](O o) { return Join(Rc(o).apology.greetings); }, "您好"},
      {"PH-APOLOGY", "sentence_ends", [](O o) { return Rc(o).apology.sentence_ends; }, "。！？"},
      {"PH-PRIVACY", "mobile_phones", [b](O o) { return b(Rc(o).privacy.kinds.mobile_phones); },
       "0"},
      {"PH-PRIVACY", "id_numbers", [b](O o) { return b(Rc(o).privacy.kinds.id_numbers); }, "0"},
      {"PH-PRIVACY", "bank_cards", [b](O o) { return b(Rc(o).privacy.kinds.bank_cards); }, "0"},
      {"PH-PRIVACY", "emails", [b](O o) { return b(Rc(o).privacy.kinds.emails); }, "0"},
      {"PH-PRIVACY", "landlines", [b](O o) { return b(Rc(o).privacy.kinds.landlines); }, "0"},
      {"PH-PRIVACY", "addresses", [b](O o) { return b(Rc(o).privacy.kinds.addresses); }, "0"},
      {"PH-CALLBACK", "later_words", [](O o) { return Join(Rc(o).callback.later_words); }, "稍后"},
      {"PH-CALLBACK", "reply_verbs", [](O o) { return Join(Rc(o).callback.reply_verbs); }, "回复"},
      {"PH-PRIVACY", "enabled", [b](O o) { return b(Rc(o).privacy.enabled); }, "0"},
      {"PH-PRIVACY", "severity",
       [](O o) { return std::string(SeverityName(Rc(o).privacy.severity)); }, "warning"},
      {"PH-CALLBACK", "enabled", [b](O o) { return b(Rc(o).callback.enabled); }, "0"},
      {"PH-CALLBACK", "severity",
       [](O o) { return std::string(SeverityName(Rc(o).callback.severity)); }, "warning"},
      {"PH-CALLBACK", "deferral_markers", [](O o) { return Join(Rc(o).callback.deferral_markers); },
       "容我想想"},
      {"PH-CALLBACK", "suggestion", [](O o) { return Rc(o).callback.suggestion; },
       "请告诉客户具体回复时间"},
      {"PH-CALLBACK", "call_back_within",
       [](O o) { return Clock(Rc(o).callback.call_back_within); }, "1h"},
      {"shop", "province", [](O o) { return o.shop_province; }, "广东"},
      {"shop", "only_listed_couriers",
       [](O o) {
         const Address hz{"浙江省", "杭州市", "", ""};
         return absl::StrCat(o.courier_reach != nullptr && !o.courier_reach->Delivers("ZTO", hz));
       },
       "1"},
      {"calendar", "time_zone", [](O o) { return Cal(o).options().time_zone; }, "Asia/Tokyo"},
      {"calendar", "holidays", [](O o) { return Days(Cal(o).options().holidays); },
       "2026-10-01,2026-10-02"},
      {"calendar", "makeup_workdays", [](O o) { return Days(Cal(o).options().makeup_workdays); },
       "2026-10-10"},
      {"calendar", "makeup_hours", [](O o) { return Hours(Cal(o).options().makeup_hours); },
       "10h-17h"},
      {"phrases", "seed", [](O o) { return absl::StrCat(HasEntry(o, "seed", "不行", false)); },
       "0"},
      {"phrases", "advertising_law",
       [](O o) { return absl::StrCat(HasEntry(o, "advertising-law", "最佳", false)); }, "1"},
      {"phrases", "remove", [](O o) { return absl::StrCat(HasEntry(o, "seed", "你", false)); },
       "0"},
      {"phrases", "allow", [](O o) { return absl::StrCat(HasEntry(o, "seed", "不错", true)); },
       "1"},
      {"phrases", "add",
       [](O o) {
         for (const PhraseList& l : Rc(o).lists) {
           for (const PhraseEntry& e : l.entries) {
             if (l.name == "shop") return absl::StrCat(e.phrase, ":", e.rule_id, ":", e.suggestion);
           }
         }
         return std::string("none");
       },
       "亲:PH-ADDRESS:您"},
  };
  const char* days[] = {"monday", "tuesday",  "wednesday", "thursday",
                        "friday", "saturday", "sunday"};
  for (int i = 0; i < 7; ++i) {
    r.push_back({"calendar", days[i],
                 [i](O o) { return Hours(Cal(o).options().hours[static_cast<size_t>(i)]); },
                 i == 5 ? "10h-16h" : "8h30m-17h30m"});
  }
  struct Deadline {
    const char* table;
    std::function<const DeadlineTerms&(O)> terms;
  };
  for (const Deadline& d : std::vector<Deadline>{
           {"AS-RETURN-WINDOW",
            [](O o) -> const DeadlineTerms& { return o.ticket_policies.return_window.terms; }},
           {"AS-RESOLVE",
            [](O o) -> const DeadlineTerms& { return o.ticket_policies.resolve.terms; }},
           {"AS-TRACK", [](O o) -> const DeadlineTerms& { return o.ticket_policies.track.terms; }},
           {"AS-RESALE",
            [](O o) -> const DeadlineTerms& { return o.ticket_policies.resale.exchange; }}}) {
    auto terms = d.terms;
    r.push_back({d.table, "days", [terms](O o) { return absl::StrCat(terms(o).days); }, "10"});
    r.push_back(
        {d.table, "business_days", [terms, b](O o) { return b(terms(o).business_days); }, "1"});
    r.push_back({d.table, "warn_days_before",
                 [terms](O o) { return absl::StrCat(terms(o).warn_days_before); }, "2"});
    r.push_back({d.table, "pause_while_supplier",
                 [terms, b](O o) { return b(terms(o).pause_while_supplier); }, "1"});
  }
  return r;
}

// The team keys (KPI, SH, FB): what they set is in settings().team, which no
// ShopOptions field holds.
struct TeamRow {
  std::string table;
  std::string key;
  std::function<std::string(const TeamPolicies&)> view;
  std::string want;
};

std::string Points(const std::vector<TriagePolicy::Points>& points) {
  std::vector<std::string> out;
  for (const TriagePolicy::Points& p : points) out.push_back(absl::StrCat(p.key, "=", p.points));
  return Join(out);
}

std::vector<TeamRow> TeamRows() {
  using T = const TeamPolicies&;
  auto roles = [](const std::vector<StaffRole>& r) { return JoinNames(r, StaffRoleName); };
  return {
      {"KPI-MONTH", "base_growth", [](T t) { return t.targets.base_growth.ToString(); }, "12%"},
      {"KPI-MONTH", "stretch_growth", [](T t) { return t.targets.stretch_growth.ToString(); }, "30%"},
      {"KPI-MONTH", "days_per_week", [](T t) { return absl::StrCat(t.targets.days_per_week); }, "6"},
      {"KPI-CARRY", "carry_shortfall", [](T t) { return absl::StrCat(t.targets.carry_shortfall); }, "0"},
      {"KPI-EXAM", "max_score", [](T t) { return absl::StrCat(t.exam.max_score); }, "120"},
      {"KPI-EXAM", "pass_mark", [](T t) { return absl::StrCat(t.exam.pass_mark); }, "70"},
      {"SH-SHIFTS", "shifts",
       [](T t) {
         std::vector<std::string> out;
         for (const ShiftTemplate& s : t.shifts.shifts) {
           out.push_back(absl::StrCat(s.name, " ", Clock(s.start), "-", Clock(s.end), " ",
                                      s.days.size()));
         }
         return Join(out);
       },
       "day 9h-18h 2"},
      {"SH-COVERAGE", "channels", [](T t) { return Join(t.shifts.channels); }, "旺旺,商城"},
      {"SH-COVERAGE", "service_start", [](T t) { return Clock(t.shifts.service_start); }, "8h30m"},
      {"SH-COVERAGE", "service_end", [](T t) { return Clock(t.shifts.service_end); }, "23h"},
      {"SH-HANDOVER", "arrive_early_min", [](T t) { return Clock(t.shifts.arrive_early_min); }, "5m"},
      {"SH-HANDOVER", "arrive_early_max", [](T t) { return Clock(t.shifts.arrive_early_max); }, "20m"},
      {"FB-ROLES", "refund_approval_above",
       [](T t) { return t.roles.refund_approval_above.ToString(); }, "200.00"},
      {"FB-ROLES", "approve_large_refund", [roles](T t) { return roles(t.roles.approve_large_refund); },
       "manager"},
      {"FB-ROLES", "override_contact_limit",
       [roles](T t) { return roles(t.roles.override_contact_limit); }, "manager"},
      {"FB-ROLES", "approve_shift_swap", [roles](T t) { return roles(t.roles.approve_shift_swap); },
       "team_lead"},
      {"FB-ROLES", "change_score", [roles](T t) { return roles(t.roles.change_score); }, "qc_inspector"},
      {"FB-REPORT", "escalate_to", [](T t) { return t.report.escalate_to; }, "经理"},
      {"KPI-SCORE", "weights",
       [](T t) {
         std::vector<std::string> w;
         for (int x : t.score_card.weights) w.push_back(absl::StrCat(x));
         return Join(w);
       },
       "10,10,25,20,5,5,10,4,6"},
      {"FB-TRIAGE", "customer_levels", [](T t) { return Points(t.triage.customer_levels); }, "vip=50"},
      {"FB-TRIAGE", "categories", [](T t) { return Points(t.triage.categories); }, "complaint=60"},
      {"FB-TRIAGE", "agent_levels", [](T t) { return Points(t.triage.agent_levels); }, "senior=20"},
      {"FB-TRIAGE", "customers",
       [](T t) {
         std::vector<std::string> out;
         for (const TriagePolicy::Customer& c : t.triage.customers) {
           out.push_back(absl::StrCat(c.buyer, "=", c.level));
         }
         return Join(out);
       },
       "开心的小熊=vip"},
      {"FB-TRIAGE", "default_customer_level", [](T t) { return t.triage.default_customer_level; },
       "new"},
  };
}

// Keys whose rules no Shop consults (the team's, PH-MEETING): checked on
// the pack's settings rather than on ShopOptions.
struct SettingsRow {
  std::string table;
  std::string key;
  std::function<std::string(const PolicySettings&)> view;
  std::string want;
};

std::vector<SettingsRow> SettingsRows() {
  using P = const PolicySettings&;
  std::vector<SettingsRow> rows;
  for (TeamRow& t : TeamRows()) {
    rows.push_back({t.table, t.key, [v = t.view](P s) { return v(s.team); }, t.want});
  }
  auto b = [](bool v) { return absl::StrCat(v ? 1 : 0); };
  rows.push_back({"PH-MEETING", "weekday",
                  [](P s) { return absl::StrCat(static_cast<int>(s.meeting.weekday)); }, "3"});
  rows.push_back({"PH-MEETING", "start", [](P s) { return Clock(s.meeting.start); }, "15h"});
  rows.push_back({"PH-MEETING", "length", [](P s) { return Clock(s.meeting.length); }, "1h30m"});
  rows.push_back({"PH-MEETING", "only_on_working_days",
                  [b](P s) { return b(s.meeting.only_on_working_days); }, "0"});
  rows.push_back({"PH-MEETING", "auto_reply", [](P s) { return s.meeting.auto_reply; },
                  "亲，客服开会中，稍后回复您"});
  rows.push_back({"response", "within", [](P s) { return Clock(s.team.response.within); }, "5m"});
  rows.push_back(
      {"response", "counted_from", [](P s) { return Clock(s.team.response.counted_from); }, "9h"});
  rows.push_back(
      {"response", "counted_until", [](P s) { return Clock(s.team.response.counted_until); }, "22h"});
  rows.push_back({"response", "target", [](P s) { return s.team.response.target.ToString(); }, "85%"});
  return rows;
}

// The example value of a key (booleans: the opposite of the default).
std::string Example(const PackKeyInfo& k) {
  if (!k.example.empty()) return k.example;
  // Booleans: find the key's line in its table.
  const std::string def = PolicyPack::Defaults().ToToml(false);
  const size_t table = def.find(absl::StrCat("[", k.table, "]\n"));
  const size_t at = def.find(absl::StrCat("\n", k.name, " = "), table);
  return def.compare(at + k.name.size() + 4, 4, "true") == 0 ? "false" : "true";
}

PolicyPack MustParse(const std::string& toml) {
  PackReading r = ReadPolicyPack(toml, "t.toml");
  std::vector<std::string> errors;
  for (const PackMessage& m : r.errors) errors.push_back(m.ToString());
  EXPECT_TRUE(r.pack.has_value()) << absl::StrJoin(errors, "\n") << "\n" << toml;
  return r.pack ? *r.pack : PolicyPack::Defaults();
}

const Row* FindRow(const std::vector<Row>& rows, const PackKeyInfo& k) {
  for (const Row& r : rows) {
    if (r.table == k.table && r.key == k.name) return &r;
  }
  return nullptr;
}

// ------------------------------------------------------------ tests

TEST(PolicyPack, EveryKeySetsItsOptionField) {
  const std::vector<Row> rows = Rows();
  const std::vector<SettingsRow> settings_rows = SettingsRows();
  const ShopOptions today;
  const ShopOptions defaults = PolicyPack::Defaults().shop_options();
  std::set<std::string> keys;
  for (const PackKeyInfo& k : PolicyPackKeys()) {
    SCOPED_TRACE(absl::StrCat(k.table, ".", k.name));
    keys.insert(absl::StrCat(k.table, ".", k.name));
    const PolicyPack pack =
        MustParse(absl::StrCat("[", k.table, "]\n", k.name, " = ", Example(k), "\n"));
    const SettingsRow* setting = nullptr;
    for (const SettingsRow& t : settings_rows) {
      if (t.table == k.table && t.key == k.name) setting = &t;
    }
    if (setting != nullptr) {
      EXPECT_EQ(setting->view(pack.settings()), setting->want);
      EXPECT_EQ(setting->view(PolicyPack::Defaults().settings()),
                setting->view(PolicySettings{}));
      EXPECT_NE(setting->view(PolicySettings{}), setting->want);
      EXPECT_EQ(pack.Diff().size(), 1u) << absl::StrJoin(pack.Diff(), "\n");
      continue;
    }
    const Row* row = FindRow(rows, k);
    ASSERT_NE(row, nullptr) << "no test row for this key";
    EXPECT_EQ(row->view(pack.shop_options()), row->want);
    // A host's own options take the key too (kefu serve --policy), and
    // keep the fields no pack sets.
    ShopOptions host;
    host.shards = 3;
    host.max_events_per_entity = 7;
    host.max_findings_per_agent = 5;
    pack.ApplyTo(&host);
    EXPECT_EQ(row->view(host), row->want);
    EXPECT_EQ(host.shards, 3);
    EXPECT_EQ(host.max_events_per_entity, 7u);
    EXPECT_EQ(host.max_findings_per_agent, 5u);
    EXPECT_EQ(host.policy_revision, pack.revision());
    // The default is today's option, and the example is not the default.
    EXPECT_EQ(row->view(defaults), row->view(today));
    EXPECT_NE(row->view(today), row->want);
    // The key changes nothing else: its diff is one line.
    EXPECT_EQ(pack.Diff().size(), 1u) << absl::StrJoin(pack.Diff(), "\n");
  }
  EXPECT_EQ(keys.size(), rows.size() + settings_rows.size())
      << "a test row for a key the pack does not have";
}

TEST(PolicyPack, DefaultsAreTodaysOptions) {
  const ShopOptions o = PolicyPack::Defaults().shop_options();
  EXPECT_EQ(Cal(o).options().time_zone, BusinessCalendar::Default().options().time_zone);
  EXPECT_EQ(o.courier_reach, nullptr);  // every courier everywhere, as today
  EXPECT_EQ(Lists(o), Lists(ShopOptions{}));
  EXPECT_EQ(Rc(o).lists.size(), 1u);
  EXPECT_EQ(Rc(o).lists[0].name, "seed");
  EXPECT_TRUE(PolicyPack::Defaults().Diff().empty());
  // An empty file is the defaults.
  EXPECT_EQ(MustParse("").revision(), PolicyPack::Defaults().revision());
}

TEST(PolicyPack, DefaultsRoundTripStably) {
  const std::string text = PolicyPack::Defaults().ToToml();
  const PolicyPack back = MustParse(text);
  EXPECT_EQ(back.ToToml(), text);
  EXPECT_EQ(back.revision(), PolicyPack::Defaults().revision());
  EXPECT_TRUE(back.warnings().empty());
}

TEST(PolicyPack, EveryKeyChangedRoundTripsStably) {
  std::string toml;
  std::string table;
  for (const PackKeyInfo& k : PolicyPackKeys()) {
    if (k.table != table) absl::StrAppend(&toml, "[", k.table, "]\n");
    table = k.table;
    // The seed off, and a phrase removed from it, do not go together.
    if (k.table == "phrases" && k.name == "seed") continue;
    absl::StrAppend(&toml, k.name, " = ", Example(k), "\n");
  }
  absl::StrAppend(&toml, "[couriers.EMS]\nblind_spots = [\"西藏\", \"新疆/阿里\"]\n",
                  "[couriers.\"顺丰\"]\ncash_on_delivery = false\n",
                  "[agents.\"王主管\"]\nrole = \"supervisor\"\nlevel = \"senior\"\n",
                  "[agents.xiaowang]\nrole = \"agent\"\n");
  const PolicyPack pack = MustParse(toml);
  const std::string printed = pack.ToToml();
  const PolicyPack back = MustParse(printed);
  EXPECT_EQ(back.ToToml(), printed);
  EXPECT_EQ(back.revision(), pack.revision());
  EXPECT_NE(pack.revision(), PolicyPack::Defaults().revision());
  // Every key but seed, + couriers, + agents.
  EXPECT_EQ(pack.Diff().size(), PolicyPackKeys().size() + 1);
}

TEST(PolicyPack, RevisionIgnoresCommentsAndLayout) {
  const PolicyPack a = MustParse("[AS-RESOLVE]\ndays = 5\n[AS-TRACK]\ndays = 9\n");
  const PolicyPack b =
      MustParse("# ours\n[AS-TRACK]\ndays    = 9 # a week and two\n\n[AS-RESOLVE]\ndays=5\n");
  const PolicyPack c = MustParse("[AS-RESOLVE]\ndays = 6\n[AS-TRACK]\ndays = 9\n");
  EXPECT_EQ(a.revision(), b.revision());
  EXPECT_NE(a.revision(), c.revision());
  EXPECT_EQ(a.revision().size(), 16u);
}

TEST(PolicyPack, DiffListsWhatChanged) {
  const PolicyPack p = MustParse("[AS-POSTAGE-CAP]\nout_of_province = \"12.00\"\n");
  EXPECT_THAT(p.Diff(),
              ::testing::ElementsAre("AS-POSTAGE-CAP.out_of_province = \"12.00\" (was \"10.00\")"));
}

// ---- decisions through a Shop

ReplayReport ReplayWith(const std::string& pack_toml, const std::string& events,
                        std::optional<Timestamp> until = std::nullopt) {
  ReplayOptions options;
  options.shop = MustParse(pack_toml).shop_options();
  options.until = until;
  std::istringstream in(events);
  absl::StatusOr<ReplayReport> r = Replay(in, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : ReplayReport{};
}

const ReplayRuleTally* Tally(const ReplayReport& r, const std::string& rule) {
  for (const ReplayRuleTally& t : r.rules) {
    if (t.rule == rule) return &t;
  }
  return nullptr;
}

const char kReturn[] =
    R"({"id":"s1","at":"2026-11-02T10:00:00+08:00","agent":"小李","entity":"ticket","key":"S1","type":"registered","fields":{"order_id":"T0","kind":"return_refund","category":"不喜欢","details":"颜色不喜欢","lines":[{"product":"N86","quantity":1}],"customer_province":"广东省","shop_province":"广东省","return_postage":"shop","repayment":"alipay_refund"}}
{"id":"s2","at":"2026-11-02T10:05:00+08:00","agent":"小李","entity":"ticket","key":"S1","type":"return_agreed"}
{"id":"s3","at":"2026-11-02T11:00:00+08:00","agent":"小李","entity":"ticket","key":"S1","type":"return_shipped","fields":{"declared_postage":"12.00","tracking_number":"SF100"}}
)";

// AS-POSTAGE-CAP: 12 yuan claimed in province is capped at 8 by default, paid
// in full under a 12-yuan cap.
TEST(PolicyPackDecisions, PostageCapFromThePack) {
  const ReplayReport def = ReplayWith("", kReturn);
  const ReplayRuleTally* t = Tally(def, "AS-POSTAGE-CAP");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->adjusted, 1);
  const ReplayReport ours = ReplayWith(
      "[AS-POSTAGE-CAP]\nin_province = \"12.00\"\nout_of_province = \"15.00\"\n", kReturn);
  t = Tally(ours, "AS-POSTAGE-CAP");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->adjusted, 0);
  EXPECT_EQ(t->allowed, 1);
}

// The shop's province: a return from 浙江 to a shop in 广东 is out of
// province (10 yuan cap); with no province known it takes the in-province 8.
TEST(PolicyPackDecisions, ShopProvinceFromThePack) {
  std::string events = kReturn;
  const std::string from = R"("customer_province":"广东省","shop_province":"广东省")";
  events.replace(events.find(from), from.size(), R"("customer_province":"浙江省")");
  auto cap = [](const ReplayReport& r) {
    const ReplayRuleTally* t = Tally(r, "AS-POSTAGE-CAP");
    if (t == nullptr) return std::string("none");
    for (const auto& [name, m] : t->adjusted_money) {
      if (name == "cap") return m.ToString();
    }
    return std::string("no cap");
  };
  EXPECT_EQ(cap(ReplayWith("", events)), "8.00");
  EXPECT_EQ(cap(ReplayWith("[shop]\nprovince = \"广东\"\n", events)), "10.00");
}

// AS-RESOLVE: a 1-day limit is breached by Wednesday; the default 7 days are not.
TEST(PolicyPackDecisions, ResolveDaysFromThePack) {
  const Timestamp wed = ParseTimestamp("2026-11-04T12:00:00+08:00").value();
  auto resolve_breaches = [](const ReplayReport& r) {
    int64_t n = 0;
    for (const auto& [rule, count] : r.breaches_by_rule) n += rule == "AS-RESOLVE" ? count : 0;
    return n;
  };
  EXPECT_EQ(resolve_breaches(ReplayWith("", kReturn, wed)), 0);
  EXPECT_EQ(resolve_breaches(ReplayWith("[AS-RESOLVE]\ndays = 1\n", kReturn, wed)), 1);
}

const char kNeutralCalls[] =
    R"({"id":"v1","at":"2026-11-14T12:00:00+08:00","entity":"review","key":"RV1","type":"received","fields":{"order_id":"T1","product":"杯子","rating":"neutral","complaint":"一般","item_price":"59.00","buyer":"小猪","buyer_phone":"13800138000"}}
{"id":"v1a","at":"2026-11-14T12:05:00+08:00","agent":"主管","entity":"review","key":"RV1","type":"assigned","fields":{"agent":"小王"}}
{"id":"v2","at":"2026-11-14T13:00:00+08:00","agent":"小王","entity":"review","key":"RV1","type":"contact_attempted","fields":{"channel":"phone","result":"unreachable"}}
{"id":"v3","at":"2026-11-14T14:00:00+08:00","agent":"小王","entity":"review","key":"RV1","type":"contact_attempted","fields":{"channel":"phone","result":"unreachable"}}
{"id":"v4","at":"2026-11-14T15:00:00+08:00","agent":"小王","entity":"review","key":"RV1","type":"contact_attempted","fields":{"channel":"phone","result":"unreachable"}}
)";

// RV-CONTACT-LIMIT: the third call on a neutral review is not taken by
// default (the follow-up ended at the limit), and is with neutral_calls = 3.
TEST(PolicyPackDecisions, NeutralCallsFromThePack) {
  const ReplayReport def = ReplayWith("", kNeutralCalls);
  for (const auto& e : def.errors) ADD_FAILURE() << e.line << ": " << e.message;
  EXPECT_EQ(def.applied, 4);
  EXPECT_EQ(def.refused + def.rejected, 1);
  const ReplayReport ours = ReplayWith("[RV-CONTACT-LIMIT]\nneutral_calls = 3\n", kNeutralCalls);
  EXPECT_EQ(ours.applied, 5);
  EXPECT_EQ(ours.refused + ours.rejected, 0);
}

const char kReplies[] =
    R"({"id":"r1","at":"2026-11-02T16:10:00+08:00","agent":"小王","entity":"reply","key":"c1","type":"posted","fields":{"text":"亲，已为您发货"}}
{"id":"r2","at":"2026-11-02T16:20:00+08:00","agent":"小王","entity":"reply","key":"c2","type":"posted","fields":{"text":"这款是迷你款，你放心"}}
)";

std::vector<std::string> FindingRules(const ReplayReport& r) {
  std::vector<std::string> out;
  for (const AgentReplies& a : r.replies) {
    for (const AgentReplies::Item& f : a.findings) {
      out.push_back(
          absl::StrCat(f.finding.rule_id, ":", f.finding.text, ":", f.finding.suggestion));
    }
  }
  return out;
}

// Phrases: the shop's own phrase is found with its suggestion; the seed
// stays on (你 is still found) unless the pack turns it off.
TEST(PolicyPackDecisions, PhrasesFromThePack) {
  EXPECT_THAT(FindingRules(ReplayWith("", kReplies)), ::testing::ElementsAre("PH-ADDRESS:你:您"));
  const std::string add =
      "[phrases]\nadd = [{ phrase = \"亲\", rule = \"PH-ADDRESS\", suggestion = \"您好\" }]\n";
  EXPECT_THAT(FindingRules(ReplayWith(add, kReplies)),
              ::testing::ElementsAre("PH-ADDRESS:亲:您好", "PH-ADDRESS:你:您"));
  EXPECT_THAT(FindingRules(ReplayWith(add + "seed = false\n", kReplies)),
              ::testing::ElementsAre("PH-ADDRESS:亲:您好"));
  EXPECT_THAT(FindingRules(ReplayWith("[phrases]\nremove = [\"你\"]\n", kReplies)),
              ::testing::IsEmpty());
}

// The calendar: a Saturday make-up working day counts for business days.
TEST(PolicyPackDecisions, CalendarFromThePack) {
  const PolicyPack p = MustParse(
      "[calendar]\ntime_zone = \"Asia/Shanghai\"\nholidays = [2026-10-01, 2026-10-02]\n"
      "makeup_workdays = [2026-10-10]\n");
  const BusinessCalendar& cal = *p.calendar();
  EXPECT_FALSE(cal.IsWorkingDay(LocalDay(2026, 10, 1)));
  EXPECT_TRUE(cal.IsWorkingDay(LocalDay(2026, 10, 10)));
  EXPECT_TRUE(cal.IsWorkingDay(LocalDay(2026, 10, 9)));
}

// Couriers: a blind spot holds the order at the check (ORD-COD-REACH).
TEST(PolicyPackDecisions, CouriersFromThePack) {
  const PolicyPack p = MustParse(
      "[couriers.EMS]\nblind_spots = [\"西藏\"]\nno_cash_on_delivery_in = [\"青海\"]\n"
      "[couriers.SF]\ncash_on_delivery = false\n");
  const CourierReach& reach = *p.shop_options().courier_reach;
  Address lhasa{"西藏自治区", "拉萨市", "", ""};
  Address xining{"青海省", "西宁市", "", ""};
  Address hz{"浙江省", "杭州市", "", ""};
  EXPECT_FALSE(reach.Delivers("EMS", lhasa));
  EXPECT_TRUE(reach.Delivers("EMS", xining));
  EXPECT_EQ(reach.CollectsCash("EMS", xining), false);
  EXPECT_EQ(reach.CollectsCash("EMS", hz), true);
  EXPECT_EQ(reach.CollectsCash("SF", hz), false);
  EXPECT_TRUE(reach.Delivers("SF", lhasa));
  EXPECT_EQ(reach.IsExpress("SF"), true);  // listed, express by default
  EXPECT_TRUE(reach.Delivers("ZTO", hz));  // not listed: reaches everywhere

  const PolicyPack only = MustParse(
      "[shop]\nonly_listed_couriers = true\n[couriers.\"邮政\"]\nexpress = false\n"
      "blind_spots = [\"西藏\"]\n");
  const CourierReach& listed = *only.shop_options().courier_reach;
  EXPECT_FALSE(listed.Delivers("ZTO", hz));  // a courier the shop does not use
  EXPECT_TRUE(listed.Delivers("邮政", hz));
  EXPECT_EQ(listed.IsExpress("邮政"), false);
  EXPECT_TRUE(only.warnings().empty());
  // The flag with no courier listed holds every order: valid, with a warning.
  const PolicyPack none = MustParse("[shop]\nonly_listed_couriers = true\n");
  ASSERT_EQ(none.warnings().size(), 1u);
  EXPECT_EQ(none.warnings()[0].key, "shop.only_listed_couriers");
}

// ---- validation

struct BadPack {
  std::string name;
  std::string toml;
  int64_t line;
  std::string key;
  std::string message;  // a part of the message
};

TEST(PolicyPackValidation, EveryErrorNamesFileLineAndKey) {
  const std::vector<BadPack> cases = {
      {"unknown key", "[AS-POSTAGE-CAP]\nin_province = \"8.00\"\nout_of_provence = \"10.00\"\n", 3,
       "AS-POSTAGE-CAP.out_of_provence", "did you mean \"out_of_province\""},
      {"unknown table", "\n[AS-POSTAGE-CAPS]\nquality = \"1.00\"\n", 2, "AS-POSTAGE-CAPS",
       "unknown table"},
      {"wrong type", "[AS-RESOLVE]\n\ndays = \"7\"\n", 3, "AS-RESOLVE.days",
       "expected an integer, got a string"},
      {"money as a number", "[AS-POSTAGE-CAP]\nquality = 10\n", 2, "AS-POSTAGE-CAP.quality",
       "expected an amount in yuan"},
      {"negative money", "[ORD-MALL-COMP]\ncap = \"-1.00\"\n", 2, "ORD-MALL-COMP.cap",
       "negative amount"},
      {"malformed money", "[RV-REMEDY]\nthreshold = \"30.001\"\n", 2, "RV-REMEDY.threshold",
       "not an amount"},
      {"rate over 100%", "[ORD-MALL-COMP]\nrate = \"5%\"\n[ORD-INVOICE]\nfee = \"100.5%\"\n", 4,
       "ORD-INVOICE.fee", "over 100%"},
      {"malformed rate", "[ORD-MALL-COMP]\nrate = \"5\"\n", 2, "ORD-MALL-COMP.rate",
       "not a percentage"},
      {"day count out of range", "[AS-TRACK]\ndays = 400\n", 2, "AS-TRACK.days", "out of range"},
      {"negative days", "[ORD-F2-HOLD]\nmax_days = -1\n", 2, "ORD-F2-HOLD.max_days",
       "out of range"},
      {"unknown zone", "[calendar]\ntime_zone = \"Asia/Shangai\"\n", 2, "calendar.time_zone",
       "unknown to the time zone database"},
      {"POSIX zone", "[calendar]\ntime_zone = \"CST-08\"\n", 2, "calendar.time_zone",
       "IANA zone name"},
      {"bad hours", "[calendar]\nfriday = \"18:00-09:00\"\n", 2, "calendar.friday",
       "closes before it opens"},
      {"date as a string", "[calendar]\nholidays = [\"2026-10-01\"]\n", 2, "calendar.holidays",
       "expected a date"},
      {"holiday and make-up day",
       "[calendar]\nholidays = [2026-10-10]\nmakeup_workdays = [2026-10-10]\n", 3,
       "calendar.makeup_workdays", "both a holiday and a make-up"},
      {"duplicate added phrase",
       "[phrases]\nadd = [\n  { phrase = \"亲\", rule = \"PH-ADDRESS\" },\n"
       "  { phrase = \"亲\", rule = \"PH-ADDRESS\" },\n]\n",
       4, "phrases.add", "duplicate phrase \"亲\""},
      {"added phrase already shipped",
       "[phrases]\nadd = [{ phrase = \"不行\", rule = \"PH-NEGATION\", suggestion = \"无法\" }]\n",
       2, "phrases.add", "duplicate phrase \"不行\": already in the seed pack"},
      {"duplicate removed phrase", "[phrases]\nremove = [\"你\", \"你\"]\n", 2, "phrases.remove",
       "listed twice"},
      {"removed phrase not shipped", "[phrases]\nremove = [\"您\"]\n", 2, "phrases.remove",
       "not a phrase of a shipped pack"},
      {"phrase of no PH rule", "[phrases]\nadd = [{ phrase = \"亲\", rule = \"AS-DEDUP\" }]\n", 2,
       "phrases.add", "not a PH rule"},
      {"unknown channel's fee", "[ORD-INVOICE]\nchannel_fees = { tmal = \"3%\" }\n", 2,
       "ORD-INVOICE.channel_fees", "unknown channel \"tmal\""},
      {"channel fee over 100%", "[ORD-INVOICE]\nchannel_fees = { tmall = \"300%\" }\n", 2,
       "ORD-INVOICE.channel_fees", "over 100%"},
      {"meeting longer than a day", "[PH-MEETING]\nlength = \"25h\"\n", 2, "PH-MEETING.length",
       "within (0, 24h]"},
      {"meeting with no auto-reply", "[PH-MEETING]\n\nauto_reply = \"\"\n", 3,
       "PH-MEETING.auto_reply", "must not be empty"},
      {"apology with no sentence end", "[PH-APOLOGY]\nsentence_ends = \"\"\n", 2,
       "PH-APOLOGY.sentence_ends", "must not be empty"},
      {"apology with no marker", "[PH-APOLOGY]\nenabled = true\nrefusal_markers = []\n", 3,
       "PH-APOLOGY.refusal_markers", "no refusal marker"},
      {"unknown role", "[FB-ROLES]\noverride_contact_limit = [\"manager\", \"boss\"]\n", 2,
       "FB-ROLES.override_contact_limit", "\"boss\" is not one of"},
      {"override_roles moved to FB-ROLES",
       "[RV-CONTACT-LIMIT]\nneutral_calls = 2\noverride_roles = [\"manager\"]\n", 3,
       "RV-CONTACT-LIMIT.override_roles", "moved to [FB-ROLES] override_contact_limit"},
      {"agent of an unknown role", "[agents.\"小王\"]\nrole = \"boss\"\n", 2,
       "agents.小王.role", "\"boss\" is not one of agent, team_lead, supervisor"},
      {"agent's role of the wrong type", "[agents.\"小王\"]\nlevel = \"senior\"\nrole = 3\n", 3,
       "agents.小王.role", "expected one of agent"},
      {"agent without a role", "\n[agents.\"小王\"]\nlevel = \"senior\"\n", 2, "agents.小王.role",
       "needs a role"},
      {"unknown agent key", "[agents.\"小王\"]\nrole = \"agent\"\nrank = 2\n", 3,
       "agents.小王.rank", "unknown key \"rank\""},
      {"agent as a value", "[agents]\n\"小王\" = \"supervisor\"\n", 2, "agents.小王",
       "an agent must be a table"},
      {"duplicate agent",
       "[agents.\"小王\"]\nrole = \"agent\"\n[agents.\"王主管\"]\nrole = \"supervisor\"\n"
       "[agents.\"小王\"]\nrole = \"manager\"\n",
       5, "agents.小王", "listed twice"},
      {"customer listed twice",
       "[FB-TRIAGE]\ncustomers = [{ buyer = \"熊\", level = \"vip\" },\n"
       "  { buyer = \"熊\", level = \"new\" }]\n",
       3, "FB-TRIAGE.customers", "\"熊\" is listed twice"},
      {"pass mark above the full score", "[KPI-EXAM]\nmax_score = 50\n", 2, "KPI-EXAM.max_score",
       "above the full score"},
      {"shift that ends before it starts",
       "[SH-SHIFTS]\nshifts = [{ name = \"x\", start = \"18:00\", end = \"09:00\", days = [] }]\n",
       2, "SH-SHIFTS.shifts", "closes before it opens"},
      {"shift taking over from an unknown one",
       "[SH-SHIFTS]\nshifts = [{ name = \"a\", start = \"09:00\", end = \"18:00\", days = [] },\n"
       "  { name = \"b\", start = \"12:00\", end = \"21:00\", days = [], takes_over = \"c\" }]\n",
       3, "SH-SHIFTS.shifts", "shift \"b\" takes over from \"c\", which is not another shift"},
      {"shift taking over from itself",
       "[SH-SHIFTS]\nshifts = [{ name = \"a\", start = \"09:00\", end = \"18:00\", days = [], "
       "takes_over = \"a\" }]\n",
       2, "SH-SHIFTS.shifts", "which is not another shift"},
      {"unknown score part", "[KPI-SCORE]\nweights = { attitude = 20, charm = 5 }\n", 2,
       "KPI-SCORE.weights", "\"charm\" is not a part of the score card"},
      {"unknown channel", "[ORD-PREPAY]\nchannels = [\"website\", \"wechat\"]\n", 2,
       "ORD-PREPAY.channels", "\"wechat\" is not one of"},
      {"shop in no province", "[shop]\nprovince = \"广\"\n", 2, "shop.province", "not a province"},
      {"unknown province", "[couriers.EMS]\nblind_spots = [\"火星\"]\n", 2,
       "couriers.EMS.blind_spots", "not a province"},
      {"unknown courier key", "[couriers.EMS]\ncod = false\n", 2, "couriers.EMS.cod",
       "unknown key"},
      {"table as a value", "AS-RESOLVE = 7\n", 1, "AS-RESOLVE", "must be a table"},
      {"duplicate key", "[AS-RESOLVE]\ndays = 7\ndays = 8\n", 3, "", "days"},
      {"syntax error", "[AS-RESOLVE]\ndays = = 7\n", 2, "", ""},
  };
  for (const BadPack& c : cases) {
    SCOPED_TRACE(c.name);
    PackReading r = ReadPolicyPack(c.toml, "shop.toml");
    EXPECT_FALSE(r.pack.has_value());
    ASSERT_FALSE(r.errors.empty());
    const PackMessage& e = r.errors[0];
    EXPECT_EQ(e.file, "shop.toml");
    EXPECT_EQ(e.line, c.line) << e.ToString();
    EXPECT_EQ(e.key, c.key) << e.ToString();
    EXPECT_THAT(e.message, HasSubstr(c.message)) << e.ToString();
    EXPECT_THAT(e.ToString(), HasSubstr(absl::StrCat("shop.toml:", c.line, ":")));
    // The status form says the same.
    absl::StatusOr<PolicyPack> s = ParsePolicyPack(c.toml, "shop.toml");
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(e.ToString()));
  }
}

TEST(PolicyPackValidation, AllErrorsAreReportedInFileOrder) {
  PackReading r = ReadPolicyPack(
      "[AS-TRACK]\ndays = 400\n[ORD-MALL-COMP]\ncap = \"-3.00\"\nrate = \"101%\"\n", "x.toml");
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[1].line, 4);
  EXPECT_EQ(r.errors[2].line, 5);
}

TEST(PolicyPackValidation, OddButValidLoadsWithAWarning) {
  PackReading r = ReadPolicyPack("[AS-POSTAGE-CAP]\n\nin_province = \"12.00\"\n", "odd.toml");
  ASSERT_TRUE(r.pack.has_value());
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].line, 3);
  EXPECT_EQ(r.warnings[0].key, "AS-POSTAGE-CAP.in_province");
  EXPECT_THAT(r.warnings[0].message, HasSubstr("above the out-of-province"));
  EXPECT_EQ(r.pack->warnings().size(), 1u);
  EXPECT_EQ(r.pack->settings().ticket.postage_cap.in_province, Money::Fen(1200));
}

TEST(PolicyPackValidation, RatesAndMoneyAtTheirLimits) {
  EXPECT_EQ(MustParse("[ORD-INVOICE]\nfee = \"100%\"\n").settings().order.invoice.fee,
            Rate::Percent(100));
  EXPECT_EQ(MustParse("[ORD-INVOICE]\nfee = \"0.25%\"\n").settings().order.invoice.fee,
            Rate::BasisPoints(25));
  EXPECT_EQ(MustParse("[ORD-INVOICE]\nfee = \"0.5%\"\n").settings().order.invoice.fee,
            Rate::BasisPoints(50));
  EXPECT_EQ(MustParse("[ORD-MALL-COMP]\ncap = \"0\"\n").settings().order.mall_compensation.cap,
            Money::Zero());
}

TEST(PolicyPackZone, TheZoneNameIsTheCalendarsZone) {
  // The pack hands the IANA name to the calendar as it is; the calendar
  // follows the zone's history (Shanghai kept daylight saving in 1988).
  const PolicyPack pack = MustParse("[calendar]\ntime_zone = \"Asia/Shanghai\"\n");
  const absl::StatusOr<BusinessCalendar> cal =
      BusinessCalendar::Create(pack.settings().calendar);
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->options().time_zone, "Asia/Shanghai");
  EXPECT_EQ(cal->UtcOffsetAt(absl::FromUnixSeconds(1783000000)), absl::Hours(8));   // 2026
  EXPECT_EQ(cal->UtcOffsetAt(absl::FromUnixSeconds(585000000)), absl::Hours(9));    // July 1988
  for (const char* bad : {"Mars/Olympus", "../etc/passwd", "/usr/share/zoneinfo/UTC", "localtime"}) {
    EXPECT_FALSE(ParsePolicyPack(absl::StrCat("[calendar]\ntime_zone = \"", bad, "\"\n"), "p.toml")
                     .ok())
        << bad;
  }
}

// docs/policy_pack.md lists every table and key.
TEST(PolicyPackDocs, EveryKeyIsInTheDocs) {
  std::ifstream f(std::string(KEFU_SOURCE_DIR) + "/docs/policy_pack.md");
  ASSERT_TRUE(f) << "docs/policy_pack.md";
  std::stringstream buf;
  buf << f.rdbuf();
  const std::string doc = buf.str();
  const std::set<std::string> weekdays = {"tuesday", "wednesday", "thursday", "friday",
                                          "saturday"};  // "`monday` … `sunday`"
  for (const PackKeyInfo& k : PolicyPackKeys()) {
    EXPECT_THAT(doc, HasSubstr(absl::StrCat("`[", k.table, "]`"))) << k.table;
    if (k.table == "calendar" && weekdays.count(k.name) > 0) continue;
    EXPECT_THAT(doc, HasSubstr(absl::StrCat("`", k.name, "`"))) << k.table << "." << k.name;
  }
}

TEST(PolicyPackFile, LoadsAFileAndNamesAMissingOne) {
  const std::string path = ::testing::TempDir() + "/pack_test.toml";
  {
    std::ofstream f(path);
    f << "[AS-RESOLVE]\ndays = 5\n";
  }
  absl::StatusOr<PolicyPack> p = LoadPolicyPack(path);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->settings().ticket.resolve.terms.days, 5);
  absl::StatusOr<PolicyPack> missing = LoadPolicyPack(path + ".nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("pack_test.toml.nope"));
}

// [response]: the platforms' response-time measures reach the Shop's team
// ledger; hours that end before they begin and a zero window are errors.
// SH-HANDOVER: a shift's `takes_over` names the shift handing over to it;
// the defaults (middle from early, late from middle) are written out and
// read back.
TEST(PolicyPack, ShiftsTakeOverFromTheShiftsTheyName) {
  const PolicyPack pack = MustParse(
      "[SH-SHIFTS]\nshifts = [{ name = \"day\", start = \"09:00\", end = \"18:00\", days = "
      "[\"monday\"] },\n  { name = \"evening\", start = \"17:00\", end = \"23:00\", days = "
      "[\"monday\"], takes_over = \"day\" }]\n");
  const std::vector<ShiftTemplate>& shifts = pack.shop_options().team_policies.shifts.shifts;
  ASSERT_EQ(shifts.size(), 2u);
  EXPECT_EQ(shifts[0].takes_over, "");
  EXPECT_EQ(shifts[1].takes_over, "day");
  EXPECT_THAT(pack.ToToml(false), HasSubstr("days = [\"monday\"], takes_over = \"day\" }"));
  const std::string defaults = PolicyPack::Defaults().ToToml(true);
  EXPECT_THAT(defaults, HasSubstr("name = \"middle\", start = \"11:30\", end = \"21:00\""));
  EXPECT_THAT(defaults, HasSubstr("takes_over = \"early\" }"));
  EXPECT_THAT(defaults, HasSubstr("takes_over = \"middle\" }"));
  const PolicyPack back = MustParse(defaults);
  const std::vector<ShiftTemplate>& read = back.shop_options().team_policies.shifts.shifts;
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[1].takes_over, "early");
  EXPECT_EQ(read[2].takes_over, "middle");
}

TEST(PolicyPack, ResponseKeysReachTheShopsTeamAndAreChecked) {
  const PolicyPack pack = MustParse(
      "[response]\nwithin = \"2m\"\ncounted_from = \"07:00\"\ncounted_until = \"24:00\"\n"
      "target = \"95%\"\n[KPI-MONTH]\ndays_per_week = 6\n");
  const ShopOptions o = pack.shop_options();
  EXPECT_EQ(o.team_policies.response.within, absl::Minutes(2));
  EXPECT_EQ(o.team_policies.response.counted_from, absl::Hours(7));
  EXPECT_EQ(o.team_policies.response.counted_until, absl::Hours(24));
  EXPECT_EQ(o.team_policies.response.target, Rate::Percent(95));
  EXPECT_EQ(o.team_policies.targets.days_per_week, 6);
  EXPECT_THAT(pack.ToToml(false), HasSubstr("[response]\nwithin = \"2m\"\n"));
  // The defaults are ResponsePolicy's.
  const ResponsePolicy d = PolicyPack::Defaults().settings().team.response;
  EXPECT_EQ(d.within, ResponsePolicy().within);
  EXPECT_EQ(d.target, ResponsePolicy().target);

  PackReading late = ReadPolicyPack(
      "[response]\ncounted_from = \"23:00\"\ncounted_until = \"08:00\"\n", "r.toml");
  EXPECT_FALSE(late.pack.has_value());
  ASSERT_FALSE(late.errors.empty());
  EXPECT_THAT(late.errors[0].ToString(), HasSubstr("response.counted_until"));
  PackReading zero = ReadPolicyPack("[response]\nwithin = \"0s\"\n", "r.toml");
  EXPECT_FALSE(zero.pack.has_value());
  ASSERT_FALSE(zero.errors.empty());
  EXPECT_THAT(zero.errors[0].ToString(), HasSubstr("positive"));
}

}  // namespace
}  // namespace kefu
