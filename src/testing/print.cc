#include "kefu/testing/print.h"

#include <string>
#include <variant>

#include "kefu/io/events.h"
#include "testing/text_util.h"

namespace kefu {
namespace testing {

using internal::Append;
using internal::Cat;
using internal::Join;

std::string FigureValueText(const Figure::Value& value) {
  struct Visitor {
    std::string operator()(Money m) const { return m.ToString(); }
    std::string operator()(Timestamp t) const { return FormatTimestamp(t); }
    std::string operator()(int64_t n) const { return std::to_string(n); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const Term& t) const { return std::string(t.key); }
    std::string operator()(const TermList& list) const {
      if (list.empty()) return "[]";
      return Join(list, ", ", [](const Term& t) { return std::string(t.key); });
    }
  };
  return std::visit(Visitor{}, value);
}

std::string FiguresText(const Figures& figures) {
  if (figures.empty()) return "";
  return Cat("{",
             Join(figures, ", ",
                  [](const Figure& f) { return Cat(f.name, "=", FigureValueText(f.value)); }),
             "}");
}

namespace {

void AppendFigures(const Figures& figures, std::string* out) {
  if (!figures.empty()) Append(out, " ", FiguresText(figures));
}

void AppendReason(const std::string& reason, std::string* out) {
  if (!reason.empty()) Append(out, ": ", reason);
}

}  // namespace

std::string DecisionText(const Decision& d) {
  std::string out = Cat(d.rule, " ", VerdictName(d.verdict));
  AppendFigures(d.figures, &out);
  AppendReason(d.Reason(Language::kEn), &out);
  return out;
}

std::string ActionText(const Action& a) {
  std::string out(ActionKindName(a.kind));
  if (!a.assignee.empty()) Append(&out, " for ", a.assignee);
  if (!a.subject.empty()) Append(&out, " about ", a.subject);
  if (!a.rule.empty()) Append(&out, " (", a.rule, ")");
  if (a.due.has_value()) Append(&out, " due ", FormatTimestamp(*a.due));
  AppendFigures(a.figures, &out);
  AppendReason(a.Describe(Language::kEn), &out);
  return out;
}

std::string DeadlineText(const Deadline& d) {
  std::string out = Cat(d.rule, " ", DeadlineOpName(d.op));
  if (d.op == DeadlineOp::kSet || d.op == DeadlineOp::kResume) {
    Append(&out, " due ", FormatTimestamp(d.due));
    if (d.warn_at.has_value()) Append(&out, " (warn ", FormatTimestamp(*d.warn_at), ")");
  }
  return out;
}

std::string OutcomeItemsText(const Outcome& o, const std::string& indent) {
  std::string out;
  for (const Decision& d : o.decisions) Append(&out, indent, "decision ", DecisionText(d), "\n");
  for (const Action& a : o.actions) Append(&out, indent, "action ", ActionText(a), "\n");
  for (const Deadline& d : o.deadlines) {
    Append(&out, indent, "deadline ", DeadlineText(d), "\n");
  }
  if (out.empty()) Append(&out, indent, "(no decisions, actions or deadlines)\n");
  return out;
}

}  // namespace testing

void PrintTo(Verdict v, std::ostream* os) { *os << VerdictName(v); }
void PrintTo(Language l, std::ostream* os) { *os << (l == Language::kZh ? "zh" : "en"); }
void PrintTo(ActionKind k, std::ostream* os) { *os << ActionKindName(k); }
void PrintTo(DeadlineOp op, std::ostream* os) { *os << DeadlineOpName(op); }
void PrintTo(EntityKind k, std::ostream* os) { *os << EntityKindName(k); }
void PrintTo(const Money& m, std::ostream* os) { *os << m.ToString() << " yuan"; }
void PrintTo(const Rate& r, std::ostream* os) { *os << r.ToString(); }

void PrintTo(const Message& m, std::ostream* os) {
  *os << "Message{zh: \"" << (m.zh ? m.zh : "") << "\", en: \"" << (m.en ? m.en : "") << "\"}";
}

void PrintTo(const Term& t, std::ostream* os) { *os << t.key << " (" << (t.en ? t.en : "") << ")"; }

void PrintTo(const Figure& f, std::ostream* os) {
  *os << f.name << "=" << testing::FigureValueText(f.value);
}

void PrintTo(const Decision& d, std::ostream* os) {
  *os << "decision " << testing::DecisionText(d);
}
void PrintTo(const Action& a, std::ostream* os) { *os << "action " << testing::ActionText(a); }
void PrintTo(const Deadline& d, std::ostream* os) {
  *os << "deadline " << testing::DeadlineText(d);
}
void PrintTo(const RuleVerdict& v, std::ostream* os) {
  *os << v.rule << " " << VerdictName(v.verdict);
}

void PrintTo(const AuditRecord& a, std::ostream* os) {
  *os << "audit " << a.event_type << " " << a.event_id;
  if (!a.agent.empty()) *os << " by " << a.agent;
  *os << " at " << FormatTimestamp(a.at) << ": " << a.state_before << " -> " << a.state_after;
  if (a.refused) *os << ", refused";
  if (a.duplicate) *os << ", duplicate";
  if (!a.note.empty()) *os << " (" << a.note << ")";
  if (a.policy_revision != 0) *os << ", pack " << PolicyRevisionText(a.policy_revision);
}

void PrintTo(const Ruling& r, std::ostream* os) {
  Outcome o;
  o.decisions.assign(r.decisions.begin(), r.decisions.end());
  o.actions.assign(r.actions.begin(), r.actions.end());
  *os << "Ruling\n" << testing::OutcomeItemsText(o);
}

void PrintTo(const Outcome& o, std::ostream* os) {
  *os << "Outcome of " << (o.entity.empty() ? "?" : o.entity) << " ("
      << (o.audit.event_type.empty() ? "?" : o.audit.event_type) << ": " << o.audit.state_before
      << " -> " << o.audit.state_after;
  if (o.audit.refused) *os << ", refused";
  if (o.audit.duplicate) *os << ", duplicate";
  *os << ")\n" << testing::OutcomeItemsText(o);
}

void PrintTo(const EventMeta& m, std::ostream* os) {
  *os << "EventMeta{id: \"" << m.id << "\", at: "
      << (m.at == absl::InfinitePast() ? std::string("(unset)") : FormatTimestamp(m.at))
      << ", agent: \"" << m.agent << "\"}";
}

void PrintTo(const DueItem& item, std::ostream* os) {
  *os << DueKindName(item.kind) << " at " << FormatTimestamp(item.at) << " for "
      << EntityKindName(item.entity_kind) << " " << item.entity << ": ";
  if (item.kind == DueItem::Kind::kAction) {
    *os << testing::ActionText(item.action);
  } else {
    *os << testing::DeadlineText(item.deadline);
  }
  if (!item.event_id.empty()) *os << " (set by " << item.event_id << ")";
}

void PrintTo(DueItem::Kind kind, std::ostream* os) { *os << DueKindName(kind); }

void PrintTo(const StateCounts& counts, std::ostream* os) {
  *os << EntityKindName(counts.kind) << " {";
  bool first = true;
  for (const auto& [state, n] : counts.by_state) {
    *os << (first ? "" : ", ") << state << ": " << n;
    first = false;
  }
  *os << "} total " << counts.total;
}

void PrintTo(const ShopEvent& event, std::ostream* os) { *os << FormatEvent(event); }
void PrintTo(const OrderEvent& event, std::ostream* os) { PrintTo(ShopEvent{"", event}, os); }
void PrintTo(const TicketEvent& event, std::ostream* os) { PrintTo(ShopEvent{"", event}, os); }
void PrintTo(const ReviewEvent& event, std::ostream* os) { PrintTo(ShopEvent{"", event}, os); }
void PrintTo(const ReplyEvent& event, std::ostream* os) { PrintTo(ShopEvent{"", event}, os); }

#define KEFU_PRINT_EVENT(Variant, E) \
  void PrintTo(const E& event, std::ostream* os) { PrintTo(Variant(event), os); }
#define KEFU_PRINT_ORDER_EVENT(E) KEFU_PRINT_EVENT(OrderEvent, E)
#define KEFU_PRINT_TICKET_EVENT(E) KEFU_PRINT_EVENT(TicketEvent, E)
#define KEFU_PRINT_REVIEW_EVENT(E) KEFU_PRINT_EVENT(ReviewEvent, E)
#define KEFU_PRINT_REPLY_EVENT(E) KEFU_PRINT_EVENT(ReplyEvent, E)
KEFU_TESTING_ORDER_EVENTS(KEFU_PRINT_ORDER_EVENT)
KEFU_TESTING_TICKET_EVENTS(KEFU_PRINT_TICKET_EVENT)
KEFU_TESTING_REVIEW_EVENTS(KEFU_PRINT_REVIEW_EVENT)
KEFU_TESTING_REPLY_EVENTS(KEFU_PRINT_REPLY_EVENT)
#undef KEFU_PRINT_EVENT
#undef KEFU_PRINT_ORDER_EVENT
#undef KEFU_PRINT_TICKET_EVENT
#undef KEFU_PRINT_REVIEW_EVENT
#undef KEFU_PRINT_REPLY_EVENT

#define KEFU_PRINT_BY_NAME(Type, NameFn) \
  void PrintTo(Type v, std::ostream* os) { *os << NameFn(v); }
KEFU_PRINT_BY_NAME(Channel, ChannelName)
KEFU_PRINT_BY_NAME(PaymentMethod, PaymentMethodName)
KEFU_PRINT_BY_NAME(VerificationItem, VerificationItemName)
KEFU_PRINT_BY_NAME(ExceptionKind, ExceptionKindName)
KEFU_PRINT_BY_NAME(ContactChannel, ContactChannelName)
KEFU_PRINT_BY_NAME(ContactResult, ContactResultName)
KEFU_PRINT_BY_NAME(StockArrival, StockArrivalName)
KEFU_PRINT_BY_NAME(RefundReason, RefundReasonName)
KEFU_PRINT_BY_NAME(TicketKind, TicketKindName)
KEFU_PRINT_BY_NAME(PostagePayer, PostagePayerName)
KEFU_PRINT_BY_NAME(Repayment, RepaymentName)
KEFU_PRINT_BY_NAME(Packaging, PackagingName)
KEFU_PRINT_BY_NAME(CostKind, CostKindName)
KEFU_PRINT_BY_NAME(ReviewRating, ReviewRatingName)
KEFU_PRINT_BY_NAME(ReviewChannel, ReviewChannelName)
KEFU_PRINT_BY_NAME(ReviewContactResult, ReviewContactResultName)
KEFU_PRINT_BY_NAME(BuyerPresence, BuyerPresenceName)
KEFU_PRINT_BY_NAME(Remedy, RemedyName)
KEFU_PRINT_BY_NAME(RemedyAnswer, RemedyAnswerName)
#undef KEFU_PRINT_BY_NAME

}  // namespace kefu
