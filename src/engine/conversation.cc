// The conversation machine: Conversation::Apply around the table of
// conversation_fsm.h, the reply checker's findings as decisions, PH-CALLBACK
// promises and call backs.
#include "engine/conversation_fsm.h"  // first: MSM limits

#include <cstdint>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "core/entity_key.h"
#include "engine/reply_schema.h"
#include "kefu/core/status.h"
#include "kefu/text/callback.h"
#include "machines/machine_core.h"
#include "machines/packed_order.h"  // PackedBytes

namespace kefu {
namespace internal {

// A conversation's data as it keeps it between events: its id and counts
// as they are, and the PH-CALLBACK promise, which few conversations have
// at a time, in one heap block when there is one (nothing otherwise):
// 64 bytes where ConversationData takes 144.
class PackedConversation {
 public:
  EntityKey id;  // up to 23 bytes in place
  int64_t replies = 0;
  int64_t replies_with_findings = 0;
  int64_t wrong_answers = 0;

  // Every field of `*out` set from the record.
  void Expand(ConversationData* out) const {
    out->id.assign(id.view());
    out->replies = replies;
    out->replies_with_findings = replies_with_findings;
    out->wrong_answers = wrong_answers;
    const Promise p = promise();
    out->promised_by = p.by;
    out->promised.assign(p.words.data(), p.words.size());
    out->promised_agent.assign(p.agent.data(), p.agent.size());
  }
  // The record made from `d`. Throws std::bad_alloc (the record unchanged)
  // when memory cannot be had.
  void Pack(const ConversationData& d) {
    PackedBytes promise = PackPromise(d.promised_by, d.promised, d.promised_agent);
    // A new key only for a new id (as PackedOrder::Pack): most packs keep it.
    if (id.view() != d.id) {
      EntityKey key(d.id);
      id = std::move(key);
    }
    replies = d.replies;
    replies_with_findings = d.replies_with_findings;
    wrong_answers = d.wrong_answers;
    promise_ = std::move(promise);
  }

  // The promise: by when, its words and who made it (none: all empty).
  struct Promise {
    std::optional<Timestamp> by;
    std::string_view words;
    std::string_view agent;
  };
  Promise promise() const {
    Promise p;
    const std::string_view b = promise_.view();
    if (b.empty()) return p;
    const char* at = b.data();
    if (*at++ != 0) {
      Timestamp t;
      std::memcpy(&t, at, sizeof t);
      p.by = t;
      at += sizeof t;
    }
    uint32_t words = 0;
    std::memcpy(&words, at, sizeof words);
    at += sizeof words;
    p.words = std::string_view(at, words);
    at += words;
    p.agent = std::string_view(at, static_cast<size_t>(b.data() + b.size() - at));
    return p;
  }
  void SetPromise(std::optional<Timestamp> by, std::string_view words, std::string_view agent) {
    promise_ = PackPromise(by, words, agent);
  }
  void ClearPromise() { promise_ = PackedBytes(); }

 private:
  static_assert(std::is_trivially_copyable_v<Timestamp>, "a promise keeps its time's bytes");

  // u8 whether there is a time, [the time's bytes], u32 the words' size,
  // the words, the agent; no block when all three are empty.
  static PackedBytes PackPromise(std::optional<Timestamp> by, std::string_view words,
                                 std::string_view agent) {
    if (!by && words.empty() && agent.empty()) return PackedBytes();
    if (words.size() > UINT32_MAX) throw std::length_error("promise over 4 GiB");
    std::string b;
    b.reserve(1 + sizeof(Timestamp) + sizeof(uint32_t) + words.size() + agent.size());
    b.push_back(by ? 1 : 0);
    if (by) b.append(reinterpret_cast<const char*>(&*by), sizeof(Timestamp));
    const auto size = static_cast<uint32_t>(words.size());
    b.append(reinterpret_cast<const char*>(&size), sizeof size);
    b.append(words);
    b.append(agent);
    return PackedBytes(b);
  }

  PackedBytes promise_;
};
// shop.cc's PrefetchData fetches the line before a conversation's log.
static_assert(sizeof(void*) != 8 || sizeof(PackedConversation) == 64);

}  // namespace internal

namespace {

constexpr RuleId kCallbackRule = CallbackRule::kRule;
constexpr Message kPromiseTrackedMessage = {
    "已答应客户{promised}（{due}前）答复，到时未答复即违规",
    "the customer was promised an answer \"{promised}\" (by {due}); it is tracked"};
constexpr Message kPromiseDueMessage = {
    "答应客户{promised}（{due}前）答复，仍未答复",
    "the answer promised \"{promised}\" (by {due}) has not been given"};
constexpr Message kCallBackMessage = {
    "发现回答错误，请回拨客户{customer}更正：原答复「{wrong}」，正确答复「{correct}」",
    "a wrong answer was found: call {customer} back to correct it (told \"{wrong}\", "
    "right: \"{correct}\")"};
constexpr Message kReplyFindingMessage = {
    "回复违反{rule}：「{text}」，建议：{suggestion}",
    "the reply breaks {rule}: \"{text}\"; suggested: {suggestion}"};

const ReplyChecker& DefaultChecker() {
  static const ReplyChecker* const checker = [] {
    absl::StatusOr<ReplyChecker> rc = ReplyChecker::Default();
    // The default checker is built from the library's own data; failing here
    // is a bug in kefu, found by every test.
    return rc.ok() ? new ReplyChecker(*std::move(rc)) : nullptr;
  }();
  return *checker;
}

const BusinessCalendar& DefaultCalendar() {
  static const BusinessCalendar* const calendar =
      new BusinessCalendar(BusinessCalendar::Default());
  return *calendar;
}

// The per-Apply context: what the step computed before dispatch, and the
// actions that commit it.
struct Ctx {
  internal::PackedConversation& d;
  Outcome& out;
  const EventMeta& meta;
  const ReplyChecker& checker;
  const BusinessCalendar& calendar;
  std::vector<Finding> findings;  // of a posted reply, computed before dispatch

  void Do(conversation_fsm::a::Post, const ReplyPosted& e) {
    ++d.replies;
    if (!findings.empty()) ++d.replies_with_findings;
    for (const Finding& f : findings) {
      Decision dec;
      dec.rule = InternRuleId(f.rule_id);
      dec.verdict = Verdict::kRefused;
      dec.message = kReplyFindingMessage;
      dec.figures.push_back({"rule", f.rule_id});
      dec.figures.push_back({"text", f.text});
      dec.figures.push_back({"suggestion", f.suggestion});
      out.Add(std::move(dec));
    }
    const CallbackRule& callback = checker.options().callback;
    if (!callback.enabled) return;
    // PH-CALLBACK: a reply that puts its answer off to a definite time sets
    // the deadline then; one that puts nothing off answers an open promise.
    // A deferral without a definite time is the checker's finding above.
    const std::optional<TextSpan> deferral = checker.FindDeferral(e.text);
    if (!deferral) {
      if (!d.promise().by) return;
      Deadline cancel;
      cancel.rule = kCallbackRule;
      cancel.op = DeadlineOp::kCancel;
      out.deadlines.push_back(std::move(cancel));
      d.ClearPromise();
      return;
    }
    const std::optional<PromisedTime> p = FindPromisedTime(e.text, meta.at, calendar);
    if (!p) return;
    std::string promised = e.text.substr(p->span.begin, p->span.end - p->span.begin);
    Decision dec;
    dec.rule = kCallbackRule;
    dec.verdict = Verdict::kScheduled;
    dec.message = kPromiseTrackedMessage;
    dec.figures.push_back({"promised", promised});
    dec.figures.push_back({"due", p->at});
    out.Add(std::move(dec));
    Deadline deadline;
    deadline.rule = kCallbackRule;
    deadline.op = DeadlineOp::kSet;
    deadline.due = p->at;
    deadline.message = kPromiseDueMessage;
    deadline.figures.push_back({"promised", promised});
    deadline.figures.push_back({"due", p->at});
    deadline.figures.push_back({"agent", meta.agent});  // who promised
    out.deadlines.push_back(std::move(deadline));
    d.SetPromise(p->at, promised, meta.agent);
  }

  // PH-CALLBACK: a wrong answer found asks for a call back to the customer,
  // due within callback.call_back_within.
  void Do(conversation_fsm::a::CallBack, const WrongAnswerFound& e) {
    ++d.wrong_answers;
    const CallbackRule& callback = checker.options().callback;
    if (!callback.enabled) return;  // recorded; nothing asked
    const std::string customer(e.customer.empty() ? d.id.view() : std::string_view(e.customer));
    Figures figures;
    figures.push_back({"customer", customer});
    figures.push_back({"wrong", e.wrong});
    figures.push_back({"correct", e.correct.empty() ? std::string("—") : e.correct});
    Decision dec;
    dec.rule = kCallbackRule;
    dec.verdict = Verdict::kScheduled;
    dec.message = kCallBackMessage;
    dec.figures = figures;
    out.Add(std::move(dec));
    Action call;
    call.kind = ActionKind::kCall;
    call.rule = kCallbackRule;
    call.assignee = e.answered_by.empty() ? meta.agent : e.answered_by;
    call.subject = customer;
    if (callback.call_back_within > absl::ZeroDuration()) {
      call.due = meta.at + callback.call_back_within;
    }
    call.message = kCallBackMessage;
    call.figures = std::move(figures);
    out.actions.push_back(std::move(call));
  }

  // A buyer's message: recorded in the conversation's log, nothing to judge
  // (the team ledger times the answer).
  void Do(conversation_fsm::a::Listen, const BuyerMessaged&) {}
};

using Sm = conversation_fsm::ConversationSm<Ctx>;

absl::Status Validate(const ReplyEvent& event) {
  if (const auto* reply = std::get_if<ReplyPosted>(&event)) {
    if (reply->meta.agent.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("reply \"", reply->meta.id, "\": the agent is empty"));
    }
    return absl::OkStatus();
  }
  if (std::holds_alternative<BuyerMessaged>(event)) return absl::OkStatus();
  const auto& wrong = std::get<WrongAnswerFound>(event);
  if (wrong.meta.agent.empty() || wrong.wrong.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "wrong_answer_found \"", wrong.meta.id, "\": ",
        wrong.meta.agent.empty() ? "the agent is empty" : "the field \"wrong\" is empty"));
  }
  return absl::OkStatus();
}

}  // namespace

bool operator==(const ConversationData& a, const ConversationData& b) {
  return a.id == b.id && a.replies == b.replies &&
         a.replies_with_findings == b.replies_with_findings &&
         a.wrong_answers == b.wrong_answers && a.promised_by == b.promised_by &&
         a.promised == b.promised && a.promised_agent == b.promised_agent;
}

struct ConversationTraits {
  using Data = ConversationData;
  using Stored = internal::PackedConversation;
  using Fsm = Sm;
  using Event = ReplyEvent;
  static constexpr std::string_view kMachine = "conversation";
  static const internal::KindSchema& Schema() { return internal::ReplyEventSchema(); }
};

struct Conversation::Impl : machine_core::MachineCore<ConversationTraits> {};

Conversation::Conversation(std::string id) : impl_(std::make_unique<Impl>()) {
  impl_->data.id.Set(id);
}
Conversation::Conversation(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Conversation::Conversation(const Conversation& other)
    : impl_(std::make_unique<Impl>(*other.impl_)) {}
Conversation& Conversation::operator=(const Conversation& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Conversation::Conversation(Conversation&& other) noexcept = default;
Conversation& Conversation::operator=(Conversation&& other) noexcept = default;
Conversation::~Conversation() = default;

std::string_view Conversation::id() const { return impl_->data.id.view(); }
std::string_view Conversation::state() const { return impl_->state(); }
ConversationData Conversation::data() const {
  ConversationData d;
  impl_->data.Expand(&d);
  return d;
}
void Conversation::CopyDataTo(ConversationData* out) const { impl_->data.Expand(out); }
std::vector<Outcome> Conversation::applied() const { return impl_->log.outcomes(); }
size_t Conversation::applied_count() const { return impl_->log.size(); }
size_t Conversation::applied_bytes() const { return impl_->log.encoded_bytes(); }
const AppliedEvents& Conversation::applied_log() const { return impl_->log; }

absl::StatusOr<Outcome> Conversation::Apply(const ReplyEvent& event,
                                            const ConversationEnvironment& env) {
  absl::StatusOr<Outcome> result(absl::in_place);
  Impl& core = *impl_;
  absl::Status status = core.Apply(event, env, *result, [&](Outcome& out) {
    if (absl::Status v = Validate(event); !v.ok()) {
      return machine_core::StepResult::Error(std::move(v));
    }
    const ReplyChecker& checker = env.checker != nullptr ? *env.checker : DefaultChecker();
    Ctx ctx{core.data, out, MetaOf(event), checker,
            env.calendar != nullptr ? *env.calendar : DefaultCalendar(), {}};
    if (const auto* reply = std::get_if<ReplyPosted>(&event)) {
      ctx.findings = checker.Check(reply->text);
    }
    core.fsm.ctx = &ctx;
    machine_core::StepResult r;
    r.dispatch = std::visit([&](const auto& e) { return msm_support::Dispatch(core.fsm, e); },
                            event);
    core.fsm.ctx = nullptr;
    if (env.findings != nullptr && r.dispatch == msm_support::DispatchResult::kMoved) {
      for (Finding& f : ctx.findings) env.findings->push_back(std::move(f));
    }
    return r;
  });
  if (!status.ok()) result = std::move(status);
  return result;
}

ConversationSnapshot Conversation::Snapshot() const { return impl_->Snapshot(kSnapshotFormat); }

absl::StatusOr<Conversation> Conversation::Restore(ConversationSnapshot snapshot) {
  auto impl = std::make_unique<Impl>();
  KEFU_RETURN_IF_ERROR(impl->Restore(std::move(snapshot), kSnapshotFormat));
  return Conversation(std::move(impl));
}

const TransitionTable& Conversation::Table() {
  static const TransitionTable* const kTable = new TransitionTable(Impl::Table());
  return *kTable;
}

}  // namespace kefu
