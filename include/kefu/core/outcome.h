// kefu/core/outcome.h: what every kefu machine and policy hands back.
//
// Applying an event to an order, ticket or review yields an Outcome:
//   - decisions: each names its catalogue rule (ORD-VERIFY, AS-POSTAGE-CAP,
//     ...), a verdict, a reason a person can read (Chinese by default,
//     English on request) and the figures behind it (amounts, counts, due
//     times) as structured data;
//   - actions: what the host must do (call, SMS, notify finance, restock...);
//   - deadlines: set, cancelled, paused or resumed, keyed by rule;
//   - an audit record: the event, the state before and after, the verdicts.
// Everything is plain data: outcomes can be copied, stored and compared.
//
// Rule IDs, figure names and message templates are std::string_view /
// const char* into static storage (string literals): kefu's own come from
// its code; a host defining its own policies must use literals too. What is
// read back from a saved shop (kefu/engine/shop.h Shop::Load) points into
// the process-wide registry of InternText instead, which lives as long.
//
// Thread safety: these are value types with no shared state; distinct
// objects may be used from different threads, one object is not
// synchronized.
#ifndef KEFU_CORE_OUTCOME_H_
#define KEFU_CORE_OUTCOME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/time.h"

namespace kefu {

// A rule's catalogue ID, e.g. "AS-POSTAGE-CAP" (static storage).
using RuleId = std::string_view;

// A RuleId for `id` that lives as long as the process: the same view for
// equal texts, whichever thread asks. For rule IDs that are not string
// literals (a phrase list's own rules, IDs read back from a file). The
// registry only grows; rule IDs are few. Thread-safe.
KEFU_EXPORT RuleId InternRuleId(std::string_view id);
// The same registry for any text of the vocabulary read back from outside
// the code (a saved shop's messages, terms, figure names and state names):
// a NUL-terminated copy of `text` that lives as long as the process, the
// same pointer for equal texts. It only grows, by the distinct texts seen:
// a shop's vocabulary is a few hundred of them. Thread-safe.
KEFU_EXPORT const char* InternText(std::string_view text);

enum class Verdict {
  kAllowed,    // the rule lets the event through as asked
  kRefused,    // the rule refuses; the entity is unchanged
  kAdjusted,   // allowed with a changed figure (postage capped 12 -> 10)
  kScheduled,  // the rule schedules something for later (a call on day 2)
};
// "allowed", "refused", "adjusted", "scheduled".
KEFU_EXPORT std::string_view VerdictName(Verdict v);

enum class Language { kZh, kEn };

// A reason template in both languages. "{name}" is replaced by the figure of
// that name when rendered; "{{" and "}}" stand for literal braces. Both
// pointers must point at static storage (string literals); nullptr renders
// as an empty string.
struct Message {
  const char* zh = nullptr;
  const char* en = nullptr;
};

// A word of the rules' own vocabulary, with its rendering in each language:
// a payment method, a check still missing, a remedy, a state. `key` is its
// stable snake_case name ("cash_on_delivery"), what a program compares and
// JSON output carries; `zh` and `en` are what a person reads ("货到付款",
// "cash on delivery"). All three point at static storage (string literals).
struct Term {
  std::string_view key;
  const char* zh = nullptr;
  const char* en = nullptr;
};
// Terms named together, in order ("产品、数量" / "product, quantity").
using TermList = std::vector<Term>;

// A named number behind a decision or action: an amount, an instant, a
// count, a piece of text as the host or customer wrote it (a product, a
// courier, an order id), or a term or list of terms of the rules' vocabulary.
// A word the rules themselves supply is a Term, never text, so that a
// rendered message is wholly in one language.
struct Figure {
  using Value = std::variant<Money, Timestamp, int64_t, std::string, Term, TermList>;
  std::string_view name;  // static storage: "claimed", "cap", "due", ...
  Value value;

  // Money renders as "12.34元" / "12.34 yuan", instants as RFC 3339 at
  // `utc_offset`, counts in decimal, text as is, a term in `lang` and a list
  // of terms joined by "、" (zh) or ", " (en); an empty list as "—".
  KEFU_EXPORT std::string Render(Language lang, Duration utc_offset = absl::Hours(8)) const;
};
using Figures = absl::InlinedVector<Figure, 3>;

// Finds a figure by name; nullptr when absent.
KEFU_EXPORT const Figure* FindFigure(const Figures& figures, std::string_view name);
// Renders a message with its figures. A placeholder naming no figure is kept
// as written ("{missing}") so that a mistake shows instead of vanishing.
KEFU_EXPORT std::string RenderMessage(const Message& message, const Figures& figures,
                                      Language lang, Duration utc_offset = absl::Hours(8));

struct KEFU_EXPORT Decision {
  RuleId rule;
  Verdict verdict = Verdict::kAllowed;
  Message message;
  Figures figures;

  // The reason as a person reads it, e.g. "退货邮费12.00元超过省外上限10.00元，按10.00元报销".
  std::string Reason(Language lang = Language::kZh, Duration utc_offset = absl::Hours(8)) const;
  const Figure* Find(std::string_view name) const { return FindFigure(figures, name); }
};

// What the host must do. New kinds may be added at the end in later versions;
// hosts should handle unknown kinds (treat as kOther).
enum class ActionKind {
  kImMessage,             // leave a message in the platform's chat (旺旺)
  kCall,                  // phone the customer
  kSms,                   // send an SMS
  kNotifyFinance,         // tell finance to pay, refund or confirm
  kRestock,               // inbound record: goods back on the shelf
  kUnpackAndRestock,      // unpack a packed order and restock its goods
  kPutCashInParcel,       // put cash in the outgoing parcel, note it on the slip
  kMarkShipped,           // mark the order shipped in the ERP
  kRegisterCancellation,  // enter in the cancellation register
  kTestBeforeShipping,    // test the product before it ships
  kProposeDelisting,      // propose taking the product off sale
  kTellCustomer,          // tell the customer something (channel left to host)
  kOther,
};
// "im_message", "call", "sms", "notify_finance", ... (stable, snake_case).
KEFU_EXPORT std::string_view ActionKindName(ActionKind kind);

struct KEFU_EXPORT Action {
  ActionKind kind = ActionKind::kOther;
  RuleId rule;
  // Who must act: an agent's name, or a role such as "finance"; empty = the
  // entity's owner or whoever handles it.
  std::string assignee;
  // Whom or what it concerns when not the outcome's own entity: a buyer's IM
  // name or phone, another order's id.
  std::string subject;
  // When it is due; nullopt = now.
  std::optional<Timestamp> due;
  Message message;
  Figures figures;

  std::string Describe(Language lang = Language::kZh, Duration utc_offset = absl::Hours(8)) const;
  const Figure* Find(std::string_view name) const { return FindFigure(figures, name); }
};

// What a deadline entry asks of the host's deadline queue. A deadline is
// identified by (entity, rule): kSet replaces an earlier one of the same rule.
enum class DeadlineOp {
  kSet,     // due at `due`, warn at `warn_at` when given
  kCancel,  // moot now (the ticket was refunded): forget it
  kPause,   // stop its clock (waiting on the supplier)
  kResume,  // restart its clock; `due` and `warn_at` carry the new times
};
KEFU_EXPORT std::string_view DeadlineOpName(DeadlineOp op);

struct KEFU_EXPORT Deadline {
  RuleId rule;
  DeadlineOp op = DeadlineOp::kSet;
  Timestamp due = absl::InfinitePast();
  std::optional<Timestamp> warn_at;
  Message message;
  Figures figures;  // what the message's placeholders refer to

  std::string Describe(Language lang = Language::kZh, Duration utc_offset = absl::Hours(8)) const;
};

struct RuleVerdict {
  RuleId rule;
  Verdict verdict = Verdict::kAllowed;
  friend bool operator==(const RuleVerdict& a, const RuleVerdict& b) {
    return a.rule == b.rule && a.verdict == b.verdict;
  }
};

// One entry of an entity's audit trail.
struct KEFU_EXPORT AuditRecord {
  std::string event_id;
  std::string_view event_type;  // stable event name, static storage
  std::string agent;            // who acted
  Timestamp at = absl::InfinitePast();
  std::string_view state_before;  // stable state names, static storage
  std::string_view state_after;
  // True when the event id had been judged before and this outcome is the
  // original one handed back again (nothing changed).
  bool duplicate = false;
  // True when a rule refused the event (its refusing decision says which):
  // the entity did not change, and the event is remembered all the same.
  // False when it was applied, findings or not (a reply with PH findings
  // was sent: its decisions are refused verdicts, the event is applied).
  bool refused = false;
  // A note for the auditor, e.g. "supervisor override".
  std::string note;
  absl::InlinedVector<RuleVerdict, 2> verdicts;
  // The revision of the policy pack whose rules judged the event
  // (PolicyPack::revision(), kefu/io/policy_pack.h: 16 hex digits, here as
  // their number; PolicyRevisionText prints them). 0: the rules came from
  // no pack (the catalogue's defaults or options set in code). A duplicate
  // hands back the revision that judged the original.
  uint64_t policy_revision = 0;
};

// `revision` as PolicyPack::revision() writes it: 16 lowercase hex digits;
// "" for 0 (no pack).
KEFU_EXPORT std::string PolicyRevisionText(uint64_t revision);
// The number of a revision text: "" is 0; otherwise exactly 16 hex digits
// (either case), not all zero, or kInvalidArgument.
KEFU_EXPORT absl::StatusOr<uint64_t> ParsePolicyRevision(std::string_view text);

// What one rule says about an event and what it asks the host to do: the
// decisions (usually one) and the actions that go with them. A policy that
// decides more than a verdict returns a Ruling; the machine appends it to
// its outcome with Outcome::Add, decisions first, in order.
struct KEFU_EXPORT Ruling {
  absl::InlinedVector<Decision, 1> decisions;
  absl::InlinedVector<Action, 1> actions;
};

struct KEFU_EXPORT Outcome {
  std::string entity;  // the key of the order, ticket or review
  std::vector<Decision> decisions;
  std::vector<Action> actions;
  std::vector<Deadline> deadlines;
  AuditRecord audit;

  // Appends a decision and its verdict to the audit record.
  void Add(Decision&& decision);
  void Add(const Decision& decision);
  // Appends a ruling's decisions (as Add does) and then its actions.
  void Add(Ruling&& ruling);
  // True when any decision refused the event.
  bool refused() const;
  // The first decision of `rule`, or nullptr.
  const Decision* Find(RuleId rule) const;
};

// Equality is by value: messages compare by their text, not their address.
KEFU_EXPORT bool operator==(const Message& a, const Message& b);
// Terms compare by key and texts.
KEFU_EXPORT bool operator==(const Term& a, const Term& b);
KEFU_EXPORT bool operator==(const Figure& a, const Figure& b);
KEFU_EXPORT bool operator==(const Decision& a, const Decision& b);
KEFU_EXPORT bool operator==(const Action& a, const Action& b);
KEFU_EXPORT bool operator==(const Deadline& a, const Deadline& b);
KEFU_EXPORT bool operator==(const AuditRecord& a, const AuditRecord& b);
KEFU_EXPORT bool operator==(const Outcome& a, const Outcome& b);
inline bool operator!=(const Message& a, const Message& b) { return !(a == b); }
inline bool operator!=(const Term& a, const Term& b) { return !(a == b); }
inline bool operator!=(const Figure& a, const Figure& b) { return !(a == b); }
inline bool operator!=(const Decision& a, const Decision& b) { return !(a == b); }
inline bool operator!=(const Action& a, const Action& b) { return !(a == b); }
inline bool operator!=(const Deadline& a, const Deadline& b) { return !(a == b); }
inline bool operator!=(const AuditRecord& a, const AuditRecord& b) { return !(a == b); }
inline bool operator!=(const Outcome& a, const Outcome& b) { return !(a == b); }

}  // namespace kefu

#endif  // KEFU_CORE_OUTCOME_H_
