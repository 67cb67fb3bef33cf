// kefu/machines/review.h: following up a neutral or negative review until
// the buyer revises it or the shop stops trying, with every RV rule of the
// catalogue enforced.
//
// A Review is driven by typed events (ReviewReceived, ContactAttempted, ...).
// Review::Apply() returns:
//   - an Outcome (decisions naming their rule, actions for the host such as
//     the next scheduled SMS with its due time, deadlines, the audit record)
//     when the event was applied. The state and data may have changed.
//   - an OK Outcome whose refused() is true when a policy refused the event
//     (RV-CONTACT-LIMIT: a third call on a neutral review, or an override
//     asked by a role that may not give it; RV-REMEDY: a
//     return offered for a 25-yuan item; RV-CHANNEL when enforced): the
//     decision names the rule and its figures (count and limit, price and
//     threshold; the role that may not override the limit); the review is
//     unchanged and audit.refused is set. The refusal is remembered: a
//     corrected event needs a new id.
//   - kFailedPrecondition when the current state does not accept the event
//     (the message names both); kInvalidArgument for a malformed event
//     (empty id, a positive rating, a negative amount...). The review is
//     unchanged and the id is not remembered.
// The same event id again returns the first outcome, refused or applied, with
// audit.duplicate set, and changes nothing; the same id with other content
// is kAlreadyExists naming what differs; an event dated before the last
// applied one (beyond the environment's clock_skew_tolerance) is
// kFailedPrecondition (kefu/machines/machine.h).
//
// Nothing here reads the clock: "now" is the time of the event. The host's
// end-of-day tick is an event too (DayEnded), sent when a deadline the
// review set (RV-PROMISE, RV-SCHEDULE) falls due.
//
// State names are stable strings and part of the API (see Review::Table()
// and docs/review.md); persist reviews with Snapshot() / Restore().
//
// Thread safety: a Review is a value; distinct reviews may be used from
// different threads, one review is not synchronized. The environment's
// policies and calendar are only read.
#ifndef KEFU_MACHINES_REVIEW_H_
#define KEFU_MACHINES_REVIEW_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/machines/machine.h"
#include "kefu/machines/transition_table.h"
#include "kefu/policies/review_policies.h"

namespace kefu {

// ---------------------------------------------------------------- events
// Every event has a stable name (kName) and an EventMeta (id, time, agent).

// A neutral or negative review arrived from the platform. A positive rating
// is refused with kInvalidArgument: it needs no follow-up.
struct ReviewReceived {
  static constexpr std::string_view kName = "received";
  EventMeta meta;
  std::string order_id;     // not empty
  std::string product;      // not empty: the register is kept per product
  ReviewRating rating = ReviewRating::kNegative;
  std::string complaint;    // what the buyer disliked, as written
  Money item_price;         // >= 0; RV-REMEDY compares it to 30 yuan
  std::string buyer;        // platform IM name
  std::string buyer_phone;
  bool buyer_difficult = false;  // RV-REMEDY
};

// The review is given to an agent (RV-DAILY); again to hand it over.
struct ReviewAssigned {
  static constexpr std::string_view kName = "assigned";
  EventMeta meta;
  std::string agent;  // not empty
};

// The agent tried to reach the buyer (RV-CONTACT-LIMIT, RV-CHANNEL).
struct ContactAttempted {
  static constexpr std::string_view kName = "contact_attempted";
  EventMeta meta;
  ReviewChannel channel = ReviewChannel::kPhone;
  ReviewContactResult result = ReviewContactResult::kTalked;
  // The buyer's presence when the agent chose the channel, when known: the
  // decision of RV-CHANNEL is recorded (and enforced if the policy says so).
  std::optional<BuyerPresence> presence;
  // The acting person's role, checked when `override_limit` is set: going
  // past RV-CONTACT-LIMIT needs a role FB-ROLES lets override (a
  // supervisor). With a roster (ReviewEnvironment::roles) the roster's role
  // of meta.agent counts instead, whatever this says.
  StaffRole role = StaffRole::kAgent;
  bool override_limit = false;
  bool buyer_difficult = false;  // the agent found the buyer difficult (sticky)
};

// The buyer promised to revise (outside a recorded contact, e.g. wrote in).
struct RevisionAgreed {
  static constexpr std::string_view kName = "revision_agreed";
  EventMeta meta;
};

// The platform shows the review revised.
struct RevisionObserved {
  static constexpr std::string_view kName = "revision_observed";
  EventMeta meta;
  std::optional<ReviewRating> new_rating;
};

// The agent offered a remedy (RV-REMEDY decides whether it may).
struct RemedyOffered {
  static constexpr std::string_view kName = "remedy_offered";
  EventMeta meta;
  Remedy remedy = Remedy::kPartialRefund;
  // For a partial refund: the amount, 0 < amount <= item price. Otherwise 0.
  Money amount;
};

// The buyer accepted the remedy on offer, and with it to revise the review.
struct RemedyAccepted {
  static constexpr std::string_view kName = "remedy_accepted";
  EventMeta meta;
};

// The buyer declined the remedy on offer: RV-SCHEDULE starts (or goes on).
struct RemedyDeclined {
  static constexpr std::string_view kName = "remedy_declined";
  EventMeta meta;
};

// The host's tick, sent when a deadline of the review falls due (RV-PROMISE:
// the end of the day of a promise; RV-SCHEDULE: the end of the last
// follow-up day). The review checks what is due at meta.at.
struct DayEnded {
  static constexpr std::string_view kName = "day_ended";
  EventMeta meta;
};

// The review is closed without revision (the shop gives up).
struct ReviewClosed {
  static constexpr std::string_view kName = "closed";
  EventMeta meta;
  std::string reason;
};

using ReviewEvent = std::variant<ReviewReceived, ReviewAssigned, ContactAttempted, RevisionAgreed,
                                 RevisionObserved, RemedyOffered, RemedyAccepted, RemedyDeclined,
                                 DayEnded, ReviewClosed>;

// The event's stable name and metadata.
KEFU_EXPORT std::string_view EventName(const ReviewEvent& event);
KEFU_EXPORT const EventMeta& MetaOf(const ReviewEvent& event);

// ------------------------------------------------------------------ data

// One contact attempt, as recorded.
struct ReviewContact {
  Timestamp at = absl::InfinitePast();
  ReviewChannel channel = ReviewChannel::kPhone;
  std::string agent;
  ReviewContactResult result = ReviewContactResult::kTalked;
  bool counted = true;    // counted against RV-CONTACT-LIMIT
  bool overridden = false;  // went past the limit on a supervisor's override
  friend bool operator==(const ReviewContact& a, const ReviewContact& b) {
    return a.at == b.at && a.channel == b.channel && a.agent == b.agent &&
           a.result == b.result && a.counted == b.counted && a.overridden == b.overridden;
  }
};

enum class RemedyAnswer { kPending, kAccepted, kDeclined };
// "pending", "accepted", "declined".
KEFU_EXPORT std::string_view RemedyAnswerName(RemedyAnswer a);

struct ReviewRemedy {
  Remedy remedy = Remedy::kPartialRefund;
  Money amount;
  Timestamp offered_at = absl::InfinitePast();
  RemedyAnswer answer = RemedyAnswer::kPending;
  friend bool operator==(const ReviewRemedy& a, const ReviewRemedy& b) {
    return a.remedy == b.remedy && a.amount == b.amount && a.offered_at == b.offered_at &&
           a.answer == b.answer;
  }
};

// Everything a review knows. Read it through Review::data(); it changes only
// through events.
struct KEFU_EXPORT ReviewData {
  std::string id;
  std::string order_id;
  std::string product;
  ReviewRating rating = ReviewRating::kNegative;
  std::string complaint;
  Money item_price;
  std::string buyer;
  std::string buyer_phone;
  bool buyer_difficult = false;
  Timestamp received_at = absl::InfinitePast();
  std::string agent;  // assigned agent; empty until assigned
  std::vector<ReviewContact> contacts;
  int counted_contacts = 0;  // contacts counted against RV-CONTACT-LIMIT
  std::vector<ReviewRemedy> remedies;
  // RV-PROMISE: when the buyer last agreed to revise, when that is checked,
  // and how many reminders were scheduled for it.
  std::optional<Timestamp> agreed_at;
  std::optional<Timestamp> promise_check_at;
  int reminders = 0;
  // RV-SCHEDULE: when the buyer refused, how many steps are done, the next
  // scheduled contact, and when the follow-up closes once it is over.
  std::optional<Timestamp> refused_at;
  int schedule_done = 0;
  std::optional<Timestamp> next_contact_at;
  std::optional<ReviewChannel> next_contact_channel;
  std::optional<Timestamp> schedule_closes_at;
  // The end: revised, or closed unresolved.
  std::optional<Timestamp> revised_at;
  std::optional<ReviewRating> revised_rating;
  std::optional<Timestamp> closed_at;
  std::string close_reason;

  // Attempts on `channel` recorded so far.
  int ContactsOn(ReviewChannel channel) const;

  friend KEFU_EXPORT bool operator==(const ReviewData& a, const ReviewData& b);
  friend bool operator!=(const ReviewData& a, const ReviewData& b) { return !(a == b); }
};

using ReviewSnapshot = MachineSnapshot<ReviewData>;

// What Apply() consults besides the review. Every pointer may be null (the
// default is used) and must outlive the call.
struct ReviewEnvironment : MachineEnvironment {
  const ReviewPolicies* policies = nullptr;     // null: ReviewPolicies::Defaults()
  const BusinessCalendar* calendar = nullptr;   // null: BusinessCalendar::Default()
  // FB-ROLES: the roster and the roles that may override RV-CONTACT-LIMIT.
  // null: the defaults, no roster (the event's own role counts).
  const RolePolicy* roles = nullptr;
};

// The advice for the next contact (RV-CHANNEL, RV-CONTACT-LIMIT).
struct ContactAdvice {
  ReviewChannel channel = ReviewChannel::kChat;  // the channel to use
  Decision channel_decision;                     // RV-CHANNEL
  Decision limit_decision;                       // RV-CONTACT-LIMIT on that channel
  bool allowed() const { return limit_decision.verdict != Verdict::kRefused; }
};

class KEFU_EXPORT Review {
 public:
  // Bump when ReviewData or a state's meaning changes; Restore() refuses
  // other versions.
  static constexpr int kSnapshotFormat = 1;

  // A fresh review in state "blank", waiting for its ReviewReceived event.
  explicit Review(std::string id);
  Review(const Review& other);
  Review& operator=(const Review& other);
  Review(Review&& other) noexcept;
  Review& operator=(Review&& other) noexcept;
  ~Review();

  // Applies `event`; see the file comment for the result contract.
  absl::StatusOr<Outcome> Apply(const ReviewEvent& event, const ReviewEnvironment& env = {});

  // The key it was made with: a view into the entity, valid while the
  // entity lives unchanged (copy it to keep it).
  std::string_view id() const;
  // The stable name of the current state: "blank", "new", "assigned",
  // "contacting", "remedy_offered", "awaiting_revision", "refusing",
  // "revised", "unresolved".
  std::string_view state() const;
  const ReviewData& data() const;
  // Outcomes of every event judged (applied or refused by a rule), oldest
  // first: the audit trail. Built
  // on each call from the compact log (see AppliedEvents in machine.h);
  // applied_count() is the cheap way to ask how many there are.
  std::vector<Outcome> applied() const;
  size_t applied_count() const;
  // Bytes the remembered outcomes take (AppliedEvents::encoded_bytes).
  size_t applied_bytes() const;
  // The compact log applied() decodes (AppliedEvents::ForEach walks it
  // without building a vector).
  const AppliedEvents& applied_log() const;
  // Received and neither revised nor closed unresolved.
  bool open() const;

  // RV-CHANNEL and RV-CONTACT-LIMIT: which channel to use for the next
  // contact given the buyer's presence, and whether the limit allows it.
  ContactAdvice AdviseContact(BuyerPresence presence, const ReviewEnvironment& env = {}) const;
  // RV-REMEDY: the remedies that may be offered now.
  Decision ProposeRemedies(const ReviewEnvironment& env = {}) const;

  ReviewSnapshot Snapshot() const;
  // kInvalidArgument for another format version, an unknown state name or
  // data whose id is empty.
  static absl::StatusOr<Review> Restore(ReviewSnapshot snapshot);

  // The machine's transition table (built once; safe to share).
  static const TransitionTable& Table();

 private:
  struct Impl;
  explicit Review(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kefu

#endif  // KEFU_MACHINES_REVIEW_H_
