// kefu/policies/review_policies.h: the RV rules of the catalogue (follow-ups
// of neutral and negative reviews) as small policy values, and the words
// they are written in (ratings, contact channels and results, remedies).
//
// One type per rule. Every field defaults to the catalogue's value; a shop
// replaces a policy by assigning another value to its field of
// ReviewPolicies. Policies never do I/O and never read the clock: the time
// they need arrives as an argument. The review machine
// (kefu/machines/review.h) consults them; hosts may also call them directly
// ("does our pack refuse a third call on a neutral review?").
//
// Thread safety: immutable values once built; const methods are safe to call
// from any number of threads. Mutating a policy while a machine reads it is
// a data race.
#ifndef KEFU_POLICIES_REVIEW_POLICIES_H_
#define KEFU_POLICIES_REVIEW_POLICIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/policies/team_policies.h"

namespace kefu {

// ------------------------------------------------------------------ terms
// Names returned by the *Name() functions are stable, snake_case and part of
// the API; the Parse*() functions read them back (kInvalidArgument otherwise).

// The buyer's rating. Positive reviews need no follow-up: the review machine
// refuses them (NeedsFollowUp() is false).
enum class ReviewRating { kPositive, kNeutral, kNegative };
// "positive", "neutral", "negative".
KEFU_EXPORT std::string_view ReviewRatingName(ReviewRating r);
KEFU_EXPORT absl::StatusOr<ReviewRating> ParseReviewRating(std::string_view name);
constexpr bool NeedsFollowUp(ReviewRating r) { return r != ReviewRating::kPositive; }

// How the buyer was contacted: platform chat (旺旺), phone, SMS.
enum class ReviewChannel { kChat, kPhone, kSms };
// "chat", "phone", "sms".
KEFU_EXPORT std::string_view ReviewChannelName(ReviewChannel c);
KEFU_EXPORT absl::StatusOr<ReviewChannel> ParseReviewChannel(std::string_view name);

// What came of one contact attempt.
enum class ReviewContactResult {
  kUnreachable,      // no answer / offline / message not read
  kTalked,           // talked, nothing settled yet
  kAgreedToRevise,   // the buyer promised to revise the review (RV-PROMISE)
  kRefused,          // the buyer refuses to revise (RV-SCHEDULE starts)
};
// "unreachable", "talked", "agreed_to_revise", "refused".
KEFU_EXPORT std::string_view ReviewContactResultName(ReviewContactResult r);
KEFU_EXPORT absl::StatusOr<ReviewContactResult> ParseReviewContactResult(std::string_view name);

// Whether the buyer is online on the platform's chat right now (RV-CHANNEL).
enum class BuyerPresence { kOnline, kOffline };
// "online", "offline".
KEFU_EXPORT std::string_view BuyerPresenceName(BuyerPresence p);

// What the shop may offer to get a review revised (RV-REMEDY).
enum class Remedy {
  kPartialRefund,      // refund part of the price, the item stays with the buyer
  kGiftWithNextOrder,  // a similar item sent free with the next order
  kReturn,             // the buyer sends the item back for a refund
  kExchange,           // the buyer sends the item back for another one
};
inline constexpr int kRemedyCount = 4;
// "partial_refund", "gift_with_next_order", "return", "exchange".
KEFU_EXPORT std::string_view RemedyName(Remedy r);
KEFU_EXPORT absl::StatusOr<Remedy> ParseRemedy(std::string_view name);
// True for the remedies in which the item comes back (return, exchange).
constexpr bool NeedsItemBack(Remedy r) { return r == Remedy::kReturn || r == Remedy::kExchange; }

// Who acts. Some acts need a role (FB-ROLES): overriding a contact limit
// needs a role RolePolicy::override_contact_limit lists (a supervisor or a
// manager by default). StaffRole and RolePolicy, with the roster, are the
// team's: kefu/policies/team_policies.h.

// ------------------------------------------------------------- policies

// RV-CONTACT-LIMIT: a neutral review gets at most `neutral_max_calls` phone
// calls (chat and SMS do not count); a negative one at most
// `negative_max_contacts` contacts on any channel. An attempt that reaches
// nobody counts unless `count_unreachable` is false. A person whose role
// may override the contact limit (FB-ROLES: RolePolicy, which the review
// machine's environment carries) may go past the limit; the override is
// recorded. Another role's override is refused by FB-ROLES.
struct KEFU_EXPORT ContactLimitPolicy {
  static constexpr RuleId kRule = "RV-CONTACT-LIMIT";
  int neutral_max_calls = 2;
  int negative_max_contacts = 3;
  bool count_unreachable = true;

  // Whether an attempt on `channel` counts against the limit of `rating`.
  bool Counts(ReviewRating rating, ReviewChannel channel, ReviewContactResult result) const;
  // The limit for `rating` (0 for a positive review: no follow-up at all).
  int Limit(ReviewRating rating) const;

  // The decision on one more attempt on `channel` when `counted` attempts
  // already count against the limit: kAllowed while under the limit (or when
  // the channel does not count), kRefused at the limit. Figures: "count"
  // (attempts so far) and "limit"; then "next" (the number this attempt
  // would be) when allowed and counted, or "channel" when it does not count.
  Decision Evaluate(ReviewRating rating, ReviewChannel channel, int counted) const;
  // A refusing `limit` (from Evaluate) overridden by someone in `role`
  // (whom FB-ROLES lets override): kAllowed, its figures and "role".
  Decision Overridden(Decision limit, StaffRole role) const;
};

// RV-CHANNEL: the buyer online -> chat; offline -> phone. With `enforce`,
// a chat or phone contact on the other channel is refused; otherwise it is
// allowed and the decision notes the recommended channel.
struct KEFU_EXPORT ChannelPolicy {
  static constexpr RuleId kRule = "RV-CHANNEL";
  ReviewChannel when_online = ReviewChannel::kChat;
  ReviewChannel when_offline = ReviewChannel::kPhone;
  bool enforce = false;

  ReviewChannel Choose(BuyerPresence presence) const;
  // kAllowed naming the recommended channel ("recommended", "presence"
  // figures; "used" when `used` is given). kRefused only when `enforce` and
  // `used` is chat or phone but not the recommended one. SMS is always
  // allowed: it reaches the buyer on or off line.
  Decision Evaluate(BuyerPresence presence, std::optional<ReviewChannel> used = std::nullopt) const;
};

// How the days of a follow-up are counted.
enum class DayCount {
  kCalendar,  // day 2 is the next calendar day, weekend or not
  kBusiness,  // day 2 is the next working day of the shop's calendar
};

// One step of the refusal schedule: contact on `channel` on day `day`
// (day 1 = the day the buyer refused).
struct ScheduleStep {
  int day = 1;
  ReviewChannel channel = ReviewChannel::kPhone;
  friend bool operator==(const ScheduleStep& a, const ScheduleStep& b) {
    return a.day == b.day && a.channel == b.channel;
  }
};

// RV-SCHEDULE: a buyer who still refuses gets a call on day 1, one SMS on
// day 2 and one on day 3; then the follow-up stops and the review closes
// unresolved. Scheduled contacts are due at `local_time` on their day (the
// refusal's own time on day 1).
struct KEFU_EXPORT RefusalSchedulePolicy {
  static constexpr RuleId kRule = "RV-SCHEDULE";
  std::vector<ScheduleStep> steps = {{1, ReviewChannel::kPhone},
                                     {2, ReviewChannel::kSms},
                                     {3, ReviewChannel::kSms}};
  DayCount day_count = DayCount::kCalendar;
  Duration local_time = absl::Hours(10);

  // When step `index` (0-based) of a schedule that started at `refused_at`
  // is due: day 1 steps at `refused_at` itself, later ones at `local_time`
  // on their day, counted as `day_count` says. kInvalidArgument for an index
  // out of range or a step day below 1; kOutOfRange from the calendar.
  absl::StatusOr<Timestamp> DueAt(size_t index, Timestamp refused_at,
                                  const BusinessCalendar& calendar) const;

  // The messages of the deadlines the machine sets: the next contact, and
  // the close once the follow-up is over.
  static constexpr Message kContactDeadline{"按计划联系买家", "scheduled follow-up contact due"};
  static constexpr Message kCloseDeadline{"跟进结束：未修改则关闭",
                                          "follow-up over: close unless revised"};
  // The buyer still refuses: kScheduled, and the contact on day `day` by
  // `channel` due `due`, for `agent`, to `subject` (the buyer's IM name for
  // chat, the phone otherwise). Figures "day", "channel", "due".
  Ruling Next(int day, ReviewChannel channel, Timestamp due, std::string_view agent,
              std::string_view subject) const;
  // No further contact: the contact limit (a refusing RV-CONTACT-LIMIT
  // decision, its "count" and "limit") stopped the schedule, which closes
  // at `closes`. kScheduled.
  Decision StoppedByLimit(const Decision& limit, Timestamp closes) const;
  // No further contact: every step is done; closes at `closes`. kScheduled.
  Decision Done(Timestamp closes) const;
  // kAllowed: the follow-up ended after `steps` steps and the review was not
  // revised; it closes unresolved.
  Decision ClosedUnresolved(int steps) const;
  // kAllowed: the follow-up runs on; the next contact (`channel` at `next`)
  // when one is planned, otherwise when it closes.
  Decision Running(std::optional<ReviewChannel> channel, std::optional<Timestamp> next,
                   std::optional<Timestamp> closes) const;
};

// RV-PROMISE: a buyer who agreed to revise is checked at the end of that
// day (a deadline at the end of the local day); not revised by then -> an
// SMS the next day at `local_time`. `max_reminders` SMS at most.
struct KEFU_EXPORT PromisePolicy {
  static constexpr RuleId kRule = "RV-PROMISE";
  Duration local_time = absl::Hours(10);
  int max_reminders = 1;
  DayCount day_count = DayCount::kCalendar;

  // The end of the local day of `agreed_at`: when the promise is checked.
  Timestamp CheckAt(Timestamp agreed_at, const BusinessCalendar& calendar) const;
  // When the reminder SMS is due: `local_time` on the day after the day of
  // `agreed_at`. kOutOfRange from the calendar.
  absl::StatusOr<Timestamp> ReminderAt(Timestamp agreed_at, const BusinessCalendar& calendar) const;

  // The message of the deadline at which a promise is checked.
  static constexpr Message kCheckDeadline{"检查买家是否已修改评价",
                                          "check whether the buyer revised the review"};
  // kScheduled: the buyer agreed to revise; checked at `check_at`.
  Decision Started(Timestamp check_at) const;
  // At the end of a day: kAllowed, nothing to check (no `check_at`), or
  // the check is still ahead (figure "due").
  Decision NotDue(std::optional<Timestamp> check_at) const;
  // Not revised, and no more reminders: the contact limit refuses one
  // (`limit` refused: its "count" and "limit"), or `reminders` were sent.
  // kAllowed.
  Decision NoReminder(const Decision& limit, int reminders) const;
  // Not revised that day: kScheduled, and an SMS from `agent` to `phone`
  // due `due` (figure "due").
  Ruling Remind(Timestamp due, std::string_view agent, std::string_view phone) const;
};

// RV-REMEDY: an item priced under `threshold` (30 yuan) may get a partial
// refund or a gift with the next order, no return needed; an item at or
// over the threshold, or a buyer marked difficult, is offered a return or an
// exchange. By default the catalogue speaks of negative reviews only; with
// `neutral_too` neutral reviews follow the same lists.
struct KEFU_EXPORT RemedyPolicy {
  static constexpr RuleId kRule = "RV-REMEDY";
  Money threshold = Money::Yuan(30);
  std::vector<Remedy> under_threshold = {Remedy::kPartialRefund, Remedy::kGiftWithNextOrder};
  std::vector<Remedy> at_or_over_threshold = {Remedy::kReturn, Remedy::kExchange};
  bool neutral_too = true;

  // The remedies that may be offered, in the order listed above. Empty for
  // a positive review, or a neutral one when !neutral_too.
  std::vector<Remedy> Allowed(ReviewRating rating, Money item_price, bool difficult_buyer) const;
  // The proposal for a review: kAllowed with the figures "remedies" (a
  // TermList of RemedyTerm, "退货、换货" / "return, exchange"), "price",
  // "threshold" and "difficult" (0/1).
  Decision Propose(ReviewRating rating, Money item_price, bool difficult_buyer) const;
  // kAllowed when `remedy` is allowed, kRefused otherwise; same figures as
  // Propose plus "remedy" (a RemedyTerm).
  Decision Evaluate(Remedy remedy, ReviewRating rating, Money item_price,
                    bool difficult_buyer) const;
  // The buyer accepted `remedy`: kAllowed, and the action for `agent` it
  // takes (subject the buyer): finance refunds `amount` on `order_id` for a
  // partial refund; a gift with the next order; the buyer sends the item
  // back for a return or an exchange.
  Ruling Accepted(Remedy remedy, Money amount, std::string_view order_id,
                  std::string_view agent, std::string_view buyer) const;
};

// Everything the review machine consults. Defaults() is the catalogue.
struct KEFU_EXPORT ReviewPolicies {
  ContactLimitPolicy contact_limit;
  ChannelPolicy channel;
  RefusalSchedulePolicy schedule;
  PromisePolicy promise;
  RemedyPolicy remedy;

  static const ReviewPolicies& Defaults();
};

// "partial_refund, gift_with_next_order": remedy names joined by ", ".
KEFU_EXPORT std::string JoinRemedies(const std::vector<Remedy>& remedies);

// The review vocabulary as terms for figures (kefu/core/outcome.h): the key
// is the *Name() above, with a Chinese and an English rendering, e.g.
// RemedyTerm(kExchange) = {"exchange", "换货", "exchange"}.
KEFU_EXPORT Term ReviewChannelTerm(ReviewChannel c);
KEFU_EXPORT Term BuyerPresenceTerm(BuyerPresence p);
KEFU_EXPORT Term RemedyTerm(Remedy r);
// The remedies in order, as a list figure ("退货、换货" / "return, exchange").
KEFU_EXPORT TermList RemedyTerms(const std::vector<Remedy>& remedies);

}  // namespace kefu

#endif  // KEFU_POLICIES_REVIEW_POLICIES_H_
