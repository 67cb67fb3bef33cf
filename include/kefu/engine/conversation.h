// kefu/engine/conversation.h: a buyer's conversation with the shop's
// agents, as a machine: each agent's reply is checked against the PH rules,
// PH-CALLBACK's promised answers are tracked, and a wrong answer found asks
// for a call back.
//
// A Conversation is keyed by what the host calls the conversation (the
// buyer's IM name, usually). Its events are ReplyPosted, WrongAnswerFound
// and BuyerMessaged (recorded, deciding nothing). Conversation::Apply() returns, like the other machines
// (kefu/machines/machine.h):
//   - an Outcome. A posted reply is applied (it was sent) even when it breaks
//     PH rules: each finding is a decision of its rule with verdict refused,
//     its figures "rule", "text" (masked for PH-PRIVACY) and "suggestion".
//     A reply that puts its answer off to a definite time schedules
//     PH-CALLBACK (a decision, and a deadline at that time naming the agent);
//     a later such reply moves it; a later reply that puts nothing off is the
//     answer and cancels it. WrongAnswerFound schedules a kCall back to the
//     customer, due CallbackRule::call_back_within after the event, for the
//     agent who answered.
//   - kInvalidArgument for a reply without an agent, a WrongAnswerFound
//     without an agent or without `wrong`, or malformed meta.
//   - the idempotency and ordering results every machine shares: the same
//     id again returns the stored outcome marked duplicate, the same id with
//     other content is kAlreadyExists, an event earlier than the last one is
//     kFailedPrecondition.
//
// Thread safety: a Conversation is a value; distinct ones may be used from
// different threads, one is not synchronized. The environment's checker and
// calendar are only read.
#ifndef KEFU_ENGINE_CONVERSATION_H_
#define KEFU_ENGINE_CONVERSATION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/machine.h"
#include "kefu/machines/transition_table.h"
#include "kefu/text/reply_checker.h"

namespace kefu {

// An agent wrote `text` to a buyer (PH-*). meta.agent is the agent (not
// empty); the event's key is the conversation (e.g. the buyer's IM name).
struct ReplyPosted {
  static constexpr std::string_view kName = "posted";
  EventMeta meta;
  std::string text;  // UTF-8 as the agent wrote it; may be ill-formed
};

// PH-CALLBACK (seed 001: "发现回答客户咨询错误,应及时回拨,告之客户"): a wrong
// answer given in the conversation (the event's key) has been found. The
// shop asks for a call back to the customer with the correction. meta.agent
// is who found it (not empty).
struct WrongAnswerFound {
  static constexpr std::string_view kName = "wrong_answer_found";
  EventMeta meta;
  std::string wrong;        // what the customer was told (not empty)
  std::string correct;      // the right answer, when known
  std::string answered_by;  // who gave the wrong answer; calls back. Empty: meta.agent
  std::string customer;     // whom to call (phone or IM name). Empty: the conversation
};

// A buyer wrote to the shop in the conversation (the event's key). It
// changes nothing of the conversation's data and decides nothing: it opens
// a round of the team's response times (kefu/engine/team_ledger.h), which
// the first reply by a person ends. meta.agent is empty (the buyer is not an
// agent) or whoever recorded it.
struct BuyerMessaged {
  static constexpr std::string_view kName = "buyer_messaged";
  EventMeta meta;
  std::string buyer;  // the buyer's IM name; empty: the conversation's key
  std::string text;   // what the buyer wrote (not checked)
};

using ReplyEvent = std::variant<ReplyPosted, WrongAnswerFound, BuyerMessaged>;

KEFU_EXPORT std::string_view EventName(const ReplyEvent& event);
KEFU_EXPORT const EventMeta& MetaOf(const ReplyEvent& event);

// Everything a conversation knows.
struct KEFU_EXPORT ConversationData {
  std::string id;
  int64_t replies = 0;                // replies posted
  int64_t replies_with_findings = 0;  // of which broke a PH rule
  int64_t wrong_answers = 0;          // WrongAnswerFound events
  // PH-CALLBACK: the answer promised and not given yet: by when, the words
  // of the promise and who promised.
  std::optional<Timestamp> promised_by;
  std::string promised;
  std::string promised_agent;
};
KEFU_EXPORT bool operator==(const ConversationData& a, const ConversationData& b);
inline bool operator!=(const ConversationData& a, const ConversationData& b) { return !(a == b); }

using ConversationSnapshot = MachineSnapshot<ConversationData>;

// What Apply() consults. Pointers may be null (a default is used) and must
// outlive the call.
struct ConversationEnvironment : MachineEnvironment {
  const ReplyChecker* checker = nullptr;       // null: ReplyChecker::Default()
  const BusinessCalendar* calendar = nullptr;  // null: BusinessCalendar::Default()
  // The findings of a posted reply that was applied (not a duplicate) are
  // appended here when given: the quality inspector's record (kefu::Shop's
  // ReplyReport) keeps their offsets, which the decisions do not carry.
  std::vector<Finding>* findings = nullptr;
};

class KEFU_EXPORT Conversation {
 public:
  // Bump when ConversationData or a state's meaning changes.
  static constexpr int kSnapshotFormat = 1;

  // A fresh conversation in state "new", waiting for its first event.
  explicit Conversation(std::string id);
  Conversation(const Conversation& other);
  Conversation& operator=(const Conversation& other);
  Conversation(Conversation&& other) noexcept;
  Conversation& operator=(Conversation&& other) noexcept;
  ~Conversation();

  // Applies `event`; see the file comment for the result contract.
  absl::StatusOr<Outcome> Apply(const ReplyEvent& event,
                                const ConversationEnvironment& env = {});

  // The key it was made with: a view into the entity, valid while the
  // entity lives unchanged (copy it to keep it).
  std::string_view id() const;
  // "new" before the first event, then "open".
  std::string_view state() const;
  // A copy of the data (the conversation keeps it packed).
  ConversationData data() const;
  // Every field of `*out` set to the data, its strings assigned (so that a
  // walk over many conversations reuses one object's heap blocks).
  void CopyDataTo(ConversationData* out) const;
  // Outcomes of every event judged, oldest first.
  std::vector<Outcome> applied() const;
  size_t applied_count() const;
  // Bytes the remembered outcomes take (AppliedEvents::encoded_bytes).
  size_t applied_bytes() const;
  // The compact log applied() decodes (AppliedEvents::ForEach walks it
  // without building a vector).
  const AppliedEvents& applied_log() const;

  ConversationSnapshot Snapshot() const;
  // kInvalidArgument for another format version, an unknown state name or
  // data whose id is empty.
  static absl::StatusOr<Conversation> Restore(ConversationSnapshot snapshot);

  // The machine's transition table (built once; safe to share).
  static const TransitionTable& Table();

 private:
  struct Impl;
  explicit Conversation(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kefu

#endif  // KEFU_ENGINE_CONVERSATION_H_
