// Rendering of decisions and actions; names of the vocabulary's enums.
#include "kefu/core/outcome.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/absl_compat.h"
#include "core/hot_text.h"
#include "core/outcome_spare.h"

namespace kefu {

const char* InternText(std::string_view text) {
  // A thread's recent texts, direct-mapped by a hash of their bytes: a
  // text seen before on this thread is found here, without the lock (the
  // threads decoding a store's journal and its due items at open would
  // otherwise take turns on it for every name). The registry's texts
  // never move nor change, so a cached pointer stays valid.
  struct Cached {
    const char* data = nullptr;
    size_t size = 0;
  };
  thread_local Cached cache[256];
  Cached& c = cache[internal::HashText(text) & 255];
  if (c.data != nullptr && c.size == text.size() &&
      (text.empty() || std::memcmp(c.data, text.data(), text.size()) == 0)) {
    return c.data;
  }
  static std::mutex* const mu = new std::mutex;
  static std::set<std::string, std::less<>>* const texts = new std::set<std::string, std::less<>>;
  std::lock_guard lock(*mu);
  auto it = texts->find(text);
  if (it == texts->end()) it = texts->emplace(text).first;
  c = Cached{it->c_str(), it->size()};  // set nodes never move
  return c.data;
}

RuleId InternRuleId(std::string_view id) { return RuleId(InternText(id), id.size()); }

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kAllowed: return "allowed";
    case Verdict::kRefused: return "refused";
    case Verdict::kAdjusted: return "adjusted";
    case Verdict::kScheduled: return "scheduled";
  }
  return "unknown";
}

std::string_view ActionKindName(ActionKind kind) {
  switch (kind) {
    case ActionKind::kImMessage: return "im_message";
    case ActionKind::kCall: return "call";
    case ActionKind::kSms: return "sms";
    case ActionKind::kNotifyFinance: return "notify_finance";
    case ActionKind::kRestock: return "restock";
    case ActionKind::kUnpackAndRestock: return "unpack_and_restock";
    case ActionKind::kPutCashInParcel: return "put_cash_in_parcel";
    case ActionKind::kMarkShipped: return "mark_shipped";
    case ActionKind::kRegisterCancellation: return "register_cancellation";
    case ActionKind::kTestBeforeShipping: return "test_before_shipping";
    case ActionKind::kProposeDelisting: return "propose_delisting";
    case ActionKind::kTellCustomer: return "tell_customer";
    case ActionKind::kOther: return "other";
  }
  return "other";
}

std::string_view DeadlineOpName(DeadlineOp op) {
  switch (op) {
    case DeadlineOp::kSet: return "set";
    case DeadlineOp::kCancel: return "cancel";
    case DeadlineOp::kPause: return "pause";
    case DeadlineOp::kResume: return "resume";
  }
  return "unknown";
}

std::string Figure::Render(Language lang, Duration utc_offset) const {
  struct Visitor {
    Language lang;
    Duration utc_offset;
    std::string operator()(Money m) const {
      return lang == Language::kZh ? absl::StrCat(m.ToString(), "元")
                                   : absl::StrCat(m.ToString(), " yuan");
    }
    std::string operator()(Timestamp t) const { return FormatTimestamp(t, utc_offset); }
    std::string operator()(int64_t n) const { return absl::StrCat(n); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const Term& t) const {
      const char* text = lang == Language::kZh ? t.zh : t.en;
      return text != nullptr ? std::string(text) : std::string(t.key);
    }
    std::string operator()(const TermList& terms) const {
      if (terms.empty()) return "—";
      std::string out;
      for (const Term& t : terms) {
        if (!out.empty()) out += lang == Language::kZh ? "、" : ", ";
        out += (*this)(t);
      }
      return out;
    }
  };
  return std::visit(Visitor{lang, utc_offset}, value);
}

const Figure* FindFigure(const Figures& figures, std::string_view name) {
  auto it = std::find_if(figures.begin(), figures.end(),
                         [&](const Figure& f) { return f.name == name; });
  return it == figures.end() ? nullptr : &*it;
}

std::string RenderMessage(const Message& message, const Figures& figures, Language lang,
                          Duration utc_offset) {
  const char* text = lang == Language::kZh ? message.zh : message.en;
  if (text == nullptr) return {};
  std::string_view in(text);
  std::string out;
  out.reserve(in.size() + 16);
  size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    if ((c == '{' || c == '}') && i + 1 < in.size() && in[i + 1] == c) {  // "{{" or "}}"
      out += c;
      i += 2;
      continue;
    }
    if (c == '{') {
      const size_t close = in.find('}', i + 1);
      if (close != std::string_view::npos) {
        const std::string_view name = in.substr(i + 1, close - i - 1);
        if (const Figure* f = FindFigure(figures, name)) {
          out += f->Render(lang, utc_offset);
          i = close + 1;
          continue;
        }
      }
    }
    out += c;
    ++i;
  }
  return out;
}

std::string Decision::Reason(Language lang, Duration utc_offset) const {
  return RenderMessage(message, figures, lang, utc_offset);
}

std::string Action::Describe(Language lang, Duration utc_offset) const {
  std::string text = RenderMessage(message, figures, lang, utc_offset);
  if (text.empty()) text = std::string(ActionKindName(kind));
  return text;
}

std::string Deadline::Describe(Language lang, Duration utc_offset) const {
  std::string text = RenderMessage(message, figures, lang, utc_offset);
  if (text.empty()) text = std::string(rule);
  return text;
}

namespace {
bool SameText(const char* a, const char* b) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  return std::strcmp(a, b) == 0;
}
}  // namespace

bool operator==(const Message& a, const Message& b) {
  return SameText(a.zh, b.zh) && SameText(a.en, b.en);
}
bool operator==(const Term& a, const Term& b) {
  return a.key == b.key && SameText(a.zh, b.zh) && SameText(a.en, b.en);
}
bool operator==(const Figure& a, const Figure& b) {
  return a.name == b.name && a.value == b.value;
}
bool operator==(const Decision& a, const Decision& b) {
  return a.rule == b.rule && a.verdict == b.verdict && a.message == b.message &&
         a.figures == b.figures;
}
bool operator==(const Action& a, const Action& b) {
  return a.kind == b.kind && a.rule == b.rule && a.assignee == b.assignee &&
         a.subject == b.subject && a.due == b.due && a.message == b.message &&
         a.figures == b.figures;
}
bool operator==(const Deadline& a, const Deadline& b) {
  return a.rule == b.rule && a.op == b.op && a.due == b.due && a.warn_at == b.warn_at &&
         a.message == b.message && a.figures == b.figures;
}
bool operator==(const AuditRecord& a, const AuditRecord& b) {
  return a.event_id == b.event_id && a.event_type == b.event_type && a.agent == b.agent &&
         a.at == b.at && a.state_before == b.state_before && a.state_after == b.state_after &&
         a.duplicate == b.duplicate && a.refused == b.refused && a.note == b.note && a.verdicts == b.verdicts &&
         a.policy_revision == b.policy_revision;
}

std::string PolicyRevisionText(uint64_t revision) {
  if (revision == 0) return std::string();
  return absl::StrFormat("%016x", revision);
}

absl::StatusOr<uint64_t> ParsePolicyRevision(std::string_view text) {
  if (text.empty()) return uint64_t{0};
  uint64_t v = 0;
  bool ok = text.size() == 16;
  for (size_t i = 0; ok && i < text.size(); ++i) {
    const char c = text[i];
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    ok = digit >= 0;
    v = (v << 4) | static_cast<uint64_t>(digit < 0 ? 0 : digit);
  }
  if (!ok || v == 0) {
    return absl::InvalidArgumentError(absl::StrCat("policy revision \"", std::string(text),
                                                   "\" is not 16 hex digits"));
  }
  return v;
}
bool operator==(const Outcome& a, const Outcome& b) {
  return a.entity == b.entity && a.decisions == b.decisions && a.actions == b.actions &&
         a.deadlines == b.deadlines && a.audit == b.audit;
}

void Outcome::Add(Decision&& decision) {
  audit.verdicts.push_back(RuleVerdict{decision.rule, decision.verdict});
  decisions.push_back(std::move(decision));
}

void Outcome::Add(const Decision& decision) {
  audit.verdicts.push_back(RuleVerdict{decision.rule, decision.verdict});
  decisions.push_back(decision);
}

void Outcome::Add(Ruling&& ruling) {
  for (Decision& d : ruling.decisions) Add(std::move(d));
  for (Action& a : ruling.actions) actions.push_back(std::move(a));
}

bool Outcome::refused() const {
  return std::any_of(decisions.begin(), decisions.end(),
                     [](const Decision& d) { return d.verdict == Verdict::kRefused; });
}

const Decision* Outcome::Find(RuleId rule) const {
  auto it = std::find_if(decisions.begin(), decisions.end(),
                         [&](const Decision& d) { return d.rule == rule; });
  return it == decisions.end() ? nullptr : &*it;
}

namespace internal {
namespace {

// The blocks kept for the thread's next outcome.
struct SpareBlocks {
  std::string entity, event_id, agent;
  std::vector<Decision> decisions;
  std::vector<Action> actions;
  std::vector<Deadline> deadlines;
};

SpareBlocks& Spare() {
  thread_local SpareBlocks spare;
  return spare;
}

// Bounds on what is kept: an outcome's usual blocks, not an odd large one
// held for the thread's lifetime.
constexpr size_t kMaxKeptString = 256;
constexpr size_t kMaxKeptList = 8;

// Leaves `from` empty and `kept` with the larger of the two blocks, and
// with that block's text: TakeSpareBlocks writes over it, which costs no
// call into the library when the new text is no longer (AssignText; an
// entity's key, an event's id and an agent are mostly as long as the last
// ones). (Moves, not swaps: std::string::swap is an out-of-line call of
// some seventy instructions, a move a few.)
void KeepString(std::string& from, std::string& kept) {
  if (from.capacity() > kept.capacity() && from.capacity() <= kMaxKeptString) {
    kept = std::move(from);
  }
  from.clear();
}

template <class T>
void KeepList(std::vector<T>& from, std::vector<T>& kept) {
  from.clear();
  if (from.capacity() > kept.capacity() && from.capacity() <= kMaxKeptList) {
    kept = std::move(from);
  }
}

}  // namespace

void TakeSpareBlocks(Outcome& fresh, std::string_view entity, std::string_view event_id,
                     std::string_view agent) {
  SpareBlocks& spare = Spare();
  // Moved first, then written: a short text written into a kept string
  // and then moved was copied out of its inline buffer whole, right after
  // the narrower stores that wrote it (a load the CPU cannot forward).
  fresh.entity = std::move(spare.entity);
  fresh.audit.event_id = std::move(spare.event_id);
  fresh.audit.agent = std::move(spare.agent);
  AssignText(&fresh.entity, entity);
  AssignText(&fresh.audit.event_id, event_id);
  AssignText(&fresh.audit.agent, agent);
  fresh.decisions = std::move(spare.decisions);
  fresh.actions = std::move(spare.actions);
  fresh.deadlines = std::move(spare.deadlines);
}

void RecycleOutcome(Outcome& used) {
  SpareBlocks& spare = Spare();
  KeepString(used.entity, spare.entity);
  KeepString(used.audit.event_id, spare.event_id);
  KeepString(used.audit.agent, spare.agent);
  KeepList(used.decisions, spare.decisions);
  KeepList(used.actions, spare.actions);
  KeepList(used.deadlines, spare.deadlines);
}

}  // namespace internal
}  // namespace kefu
