// The RV policies: contact limits, channel choice, the refusal schedule, the
// promise check and the remedies; names of the review vocabulary.
#include "kefu/policies/review_policies.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"

namespace kefu {
namespace {

template <class E, size_t N>
absl::StatusOr<E> ParseName(std::string_view name, const std::array<E, N>& values,
                            std::string_view (*name_of)(E), std::string_view what) {
  for (E v : values) {
    if (name_of(v) == name) return v;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown ", internal::ToAbsl(what), " \"", internal::ToAbsl(name), "\""));
}

template <class T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Timestamp AtLocalTime(const BusinessCalendar& calendar, LocalDay day, Duration local_time) {
  return calendar.StartOfDay(day) + local_time;
}

// The local day `n` days after the day of `t` (n >= 0), counted as `count`.
absl::StatusOr<LocalDay> DayAfter(const BusinessCalendar& calendar, Timestamp t, int n,
                                  DayCount count) {
  if (count == DayCount::kCalendar) return calendar.DayOf(t) + n;
  auto later = calendar.AddBusinessDays(t, n);
  if (!later.ok()) return later.status();
  return calendar.DayOf(*later);
}

}  // namespace

// ------------------------------------------------------------------ names

std::string_view ReviewRatingName(ReviewRating r) {
  switch (r) {
    case ReviewRating::kPositive: return "positive";
    case ReviewRating::kNeutral: return "neutral";
    case ReviewRating::kNegative: return "negative";
  }
  return "unknown";
}

absl::StatusOr<ReviewRating> ParseReviewRating(std::string_view name) {
  static constexpr std::array<ReviewRating, 3> kAll = {
      ReviewRating::kPositive, ReviewRating::kNeutral, ReviewRating::kNegative};
  return ParseName(name, kAll, &ReviewRatingName, "rating");
}

std::string_view ReviewChannelName(ReviewChannel c) {
  switch (c) {
    case ReviewChannel::kChat: return "chat";
    case ReviewChannel::kPhone: return "phone";
    case ReviewChannel::kSms: return "sms";
  }
  return "unknown";
}

absl::StatusOr<ReviewChannel> ParseReviewChannel(std::string_view name) {
  static constexpr std::array<ReviewChannel, 3> kAll = {ReviewChannel::kChat, ReviewChannel::kPhone,
                                                        ReviewChannel::kSms};
  return ParseName(name, kAll, &ReviewChannelName, "contact channel");
}

std::string_view ReviewContactResultName(ReviewContactResult r) {
  switch (r) {
    case ReviewContactResult::kUnreachable: return "unreachable";
    case ReviewContactResult::kTalked: return "talked";
    case ReviewContactResult::kAgreedToRevise: return "agreed_to_revise";
    case ReviewContactResult::kRefused: return "refused";
  }
  return "unknown";
}

absl::StatusOr<ReviewContactResult> ParseReviewContactResult(std::string_view name) {
  static constexpr std::array<ReviewContactResult, 4> kAll = {
      ReviewContactResult::kUnreachable, ReviewContactResult::kTalked,
      ReviewContactResult::kAgreedToRevise, ReviewContactResult::kRefused};
  return ParseName(name, kAll, &ReviewContactResultName, "contact result");
}

std::string_view BuyerPresenceName(BuyerPresence p) {
  return p == BuyerPresence::kOnline ? "online" : "offline";
}

std::string_view RemedyName(Remedy r) {
  switch (r) {
    case Remedy::kPartialRefund: return "partial_refund";
    case Remedy::kGiftWithNextOrder: return "gift_with_next_order";
    case Remedy::kReturn: return "return";
    case Remedy::kExchange: return "exchange";
  }
  return "unknown";
}

absl::StatusOr<Remedy> ParseRemedy(std::string_view name) {
  static constexpr std::array<Remedy, kRemedyCount> kAll = {
      Remedy::kPartialRefund, Remedy::kGiftWithNextOrder, Remedy::kReturn, Remedy::kExchange};
  return ParseName(name, kAll, &RemedyName, "remedy");
}

Term ReviewChannelTerm(ReviewChannel c) {
  const std::string_view k = ReviewChannelName(c);
  switch (c) {
    case ReviewChannel::kChat: return {k, "旺旺", "chat"};
    case ReviewChannel::kPhone: return {k, "电话", "phone"};
    case ReviewChannel::kSms: return {k, "短信", "SMS"};
  }
  return {k, "未知方式", "unknown channel"};
}

Term BuyerPresenceTerm(BuyerPresence p) {
  const std::string_view k = BuyerPresenceName(p);
  return p == BuyerPresence::kOnline ? Term{k, "在线", "online"} : Term{k, "不在线", "offline"};
}

Term RemedyTerm(Remedy r) {
  const std::string_view k = RemedyName(r);
  switch (r) {
    case Remedy::kPartialRefund: return {k, "部分退款", "partial refund"};
    case Remedy::kGiftWithNextOrder: return {k, "下次购物送赠品", "a gift with the next order"};
    case Remedy::kReturn: return {k, "退货", "return"};
    case Remedy::kExchange: return {k, "换货", "exchange"};
  }
  return {k, "未知补救", "unknown remedy"};
}

TermList RemedyTerms(const std::vector<Remedy>& remedies) {
  TermList out;
  out.reserve(remedies.size());
  for (Remedy r : remedies) out.push_back(RemedyTerm(r));
  return out;
}

std::string JoinRemedies(const std::vector<Remedy>& remedies) {
  std::string out;
  for (Remedy r : remedies) {
    if (!out.empty()) out += ", ";
    out += RemedyName(r);
  }
  return out;
}

// ------------------------------------------------------ RV-CONTACT-LIMIT

bool ContactLimitPolicy::Counts(ReviewRating rating, ReviewChannel channel,
                                ReviewContactResult result) const {
  if (!count_unreachable && result == ReviewContactResult::kUnreachable) return false;
  if (rating == ReviewRating::kNeutral) return channel == ReviewChannel::kPhone;
  return true;
}

int ContactLimitPolicy::Limit(ReviewRating rating) const {
  switch (rating) {
    case ReviewRating::kNeutral: return neutral_max_calls;
    case ReviewRating::kNegative: return negative_max_contacts;
    case ReviewRating::kPositive: return 0;
  }
  return 0;
}


Decision ContactLimitPolicy::Evaluate(ReviewRating rating, ReviewChannel channel,
                                      int counted) const {
  Decision d;
  d.rule = kRule;
  const int limit = Limit(rating);
  // At most three figures, so that they stay inline (no allocation).
  d.figures.push_back({"count", int64_t{counted}});
  d.figures.push_back({"limit", int64_t{limit}});
  // Whether this attempt would count (an unreachable one may not, but the
  // result is unknown before the attempt: judge it as one that counts).
  const bool counts = Counts(rating, channel, ReviewContactResult::kTalked);
  if (!counts) {
    d.verdict = Verdict::kAllowed;
    d.figures.push_back({"channel", ReviewChannelTerm(channel)});
    d.message = {"{channel}不计入上限（已{count}次，上限{limit}次）",
                 "{channel} does not count against the limit ({count} of {limit} used)"};
  } else if (counted >= limit) {
    d.verdict = Verdict::kRefused;
    if (rating == ReviewRating::kNeutral) {
      d.message = {"中评已打{count}次电话，上限{limit}次：不再打电话",
                   "neutral review: {count} calls made, the limit is {limit}; no more calls"};
    } else {
      d.message = {"差评已联系{count}次，上限{limit}次：不再联系",
                   "negative review: {count} contacts made, the limit is {limit}; no more contacts"};
    }
  } else {
    d.verdict = Verdict::kAllowed;
    d.figures.push_back({"next", int64_t{counted + 1}});
    d.message = {"第{next}次联系，上限{limit}次", "contact {next} of at most {limit}"};
  }
  return d;
}

// ------------------------------------------------------------ RV-CHANNEL

ReviewChannel ChannelPolicy::Choose(BuyerPresence presence) const {
  return presence == BuyerPresence::kOnline ? when_online : when_offline;
}

Decision ChannelPolicy::Evaluate(BuyerPresence presence, std::optional<ReviewChannel> used) const {
  Decision d;
  d.rule = kRule;
  const ReviewChannel recommended = Choose(presence);
  d.figures.push_back({"recommended", ReviewChannelTerm(recommended)});
  d.figures.push_back({"presence", BuyerPresenceTerm(presence)});
  if (used) d.figures.push_back({"used", ReviewChannelTerm(*used)});
  const bool mismatch = used && *used != ReviewChannel::kSms && *used != recommended;
  if (mismatch && enforce) {
    d.verdict = Verdict::kRefused;
    d.message = {"买家{presence}，应通过{recommended}联系，而非{used}",
                 "buyer is {presence}: contact by {recommended}, not {used}"};
  } else {
    d.verdict = Verdict::kAllowed;
    d.message = {"买家{presence}，通过{recommended}联系", "buyer is {presence}: contact by {recommended}"};
  }
  return d;
}

// ----------------------------------------------------------- RV-SCHEDULE

absl::StatusOr<Timestamp> RefusalSchedulePolicy::DueAt(size_t index, Timestamp refused_at,
                                                       const BusinessCalendar& calendar) const {
  if (index >= steps.size()) {
    return absl::InvalidArgumentError(absl::StrCat("RV-SCHEDULE has no step ", index + 1));
  }
  const ScheduleStep& step = steps[index];
  if (step.day < 1) {
    return absl::InvalidArgumentError(absl::StrCat("RV-SCHEDULE step day ", step.day, " < 1"));
  }
  if (step.day == 1) return refused_at;
  auto day = DayAfter(calendar, refused_at, step.day - 1, day_count);
  if (!day.ok()) return day.status();
  return AtLocalTime(calendar, *day, local_time);
}

// ------------------------------------------------------------ RV-PROMISE

Timestamp PromisePolicy::CheckAt(Timestamp agreed_at, const BusinessCalendar& calendar) const {
  return calendar.EndOfDay(agreed_at);
}

absl::StatusOr<Timestamp> PromisePolicy::ReminderAt(Timestamp agreed_at,
                                                    const BusinessCalendar& calendar) const {
  auto day = DayAfter(calendar, agreed_at, 1, day_count);
  if (!day.ok()) return day.status();
  return AtLocalTime(calendar, *day, local_time);
}

// ------------------------------------------------------------- RV-REMEDY

std::vector<Remedy> RemedyPolicy::Allowed(ReviewRating rating, Money item_price,
                                          bool difficult_buyer) const {
  if (rating == ReviewRating::kPositive) return {};
  if (rating == ReviewRating::kNeutral && !neutral_too) return {};
  if (difficult_buyer || item_price >= threshold) return at_or_over_threshold;
  return under_threshold;
}

Decision RemedyPolicy::Propose(ReviewRating rating, Money item_price, bool difficult_buyer) const {
  Decision d;
  d.rule = kRule;
  d.verdict = Verdict::kAllowed;
  d.figures.push_back({"remedies", RemedyTerms(Allowed(rating, item_price, difficult_buyer))});
  d.figures.push_back({"price", item_price});
  d.figures.push_back({"threshold", threshold});
  d.figures.push_back({"difficult", int64_t{difficult_buyer ? 1 : 0}});
  if (difficult_buyer) {
    d.message = {"难处理的买家：可提供{remedies}", "difficult buyer: offer {remedies}"};
  } else if (item_price >= threshold) {
    d.message = {"商品{price}，不低于{threshold}：可提供{remedies}",
                 "item at {price}, not under {threshold}: offer {remedies}"};
  } else {
    d.message = {"商品{price}，低于{threshold}，无需退回：可提供{remedies}",
                 "item at {price}, under {threshold}, no return needed: offer {remedies}"};
  }
  return d;
}

Decision RemedyPolicy::Evaluate(Remedy remedy, ReviewRating rating, Money item_price,
                                bool difficult_buyer) const {
  Decision d = Propose(rating, item_price, difficult_buyer);
  d.figures.push_back({"remedy", RemedyTerm(remedy)});
  if (!Contains(Allowed(rating, item_price, difficult_buyer), remedy)) {
    d.verdict = Verdict::kRefused;
    d.message = {"不可提供{remedy}：商品{price}（界限{threshold}），可提供{remedies}",
                 "{remedy} may not be offered: item at {price} (threshold {threshold}); offer "
                 "{remedies}"};
  }
  return d;
}

const ReviewPolicies& ReviewPolicies::Defaults() {
  static const ReviewPolicies* const kDefaults = new ReviewPolicies();
  return *kDefaults;
}

// ------------------------------------------- decisions the machine records

namespace {

Decision Make(RuleId rule, Verdict verdict, Message message) {
  Decision d;
  d.rule = rule;
  d.verdict = verdict;
  d.message = message;
  return d;
}

ActionKind KindFor(ReviewChannel c) {
  switch (c) {
    case ReviewChannel::kChat: return ActionKind::kImMessage;
    case ReviewChannel::kPhone: return ActionKind::kCall;
    case ReviewChannel::kSms: return ActionKind::kSms;
  }
  return ActionKind::kOther;
}

// The "count" and "limit" of a RV-CONTACT-LIMIT decision.
void CopyCountAndLimit(const Decision& limit, Figures& into) {
  for (std::string_view name : {"count", "limit"}) {
    if (const Figure* f = limit.Find(name)) into.push_back({f->name, f->value});
  }
}

}  // namespace

Decision ContactLimitPolicy::Overridden(Decision limit, StaffRole role) const {
  limit.verdict = Verdict::kAllowed;
  limit.figures.push_back({"role", StaffRoleTerm(role)});
  limit.message = {"{role}批准超出上限：已联系{count}次，上限{limit}次",
                   "{role} override: {count} contacts made, the limit is {limit}"};
  return limit;
}

Ruling RefusalSchedulePolicy::Next(int day, ReviewChannel channel, Timestamp due,
                                   std::string_view agent, std::string_view subject) const {
  Ruling r;
  Decision& d = r.decisions.emplace_back();
  d.rule = kRule;
  d.verdict = Verdict::kScheduled;
  d.message = {"买家仍不同意修改：第{day}天{channel}联系，{due}",
               "buyer still refuses: {channel} on day {day}, due {due}"};
  d.figures.push_back({"day", int64_t{day}});
  d.figures.push_back({"channel", ReviewChannelTerm(channel)});
  d.figures.push_back({"due", due});
  Action& a = r.actions.emplace_back();
  a.kind = KindFor(channel);
  a.rule = kRule;
  a.assignee = std::string(agent);
  a.subject = std::string(subject);
  a.due = due;
  a.message = {"第{day}天：请买家修改评价（{channel}）",
               "day {day}: ask the buyer to revise the review ({channel})"};
  a.figures = d.figures;
  return r;
}

Decision RefusalSchedulePolicy::StoppedByLimit(const Decision& limit, Timestamp closes) const {
  Decision d = Make(kRule, Verdict::kScheduled,
                    {"已达联系上限（{count}/{limit}），跟进结束，{due}关闭",
                     "contact limit reached ({count}/{limit}): follow-up over, closes at {due}"});
  CopyCountAndLimit(limit, d.figures);
  d.figures.push_back({"due", closes});
  return d;
}

Decision RefusalSchedulePolicy::Done(Timestamp closes) const {
  Decision d = Make(kRule, Verdict::kScheduled,
                    {"跟进已完成，{due}未修改则关闭",
                     "follow-up done; closes unresolved at {due} unless revised"});
  d.figures.push_back({"due", closes});
  return d;
}

Decision RefusalSchedulePolicy::ClosedUnresolved(int steps_taken) const {
  Decision d = Make(kRule, Verdict::kAllowed,
                    {"跟进结束，买家未修改：关闭（未解决）",
                     "follow-up over and not revised: closed unresolved"});
  d.figures.push_back({"steps", int64_t{steps_taken}});
  return d;
}

Decision RefusalSchedulePolicy::Running(std::optional<ReviewChannel> channel,
                                        std::optional<Timestamp> next,
                                        std::optional<Timestamp> closes) const {
  if (next.has_value() && channel.has_value()) {
    Decision d = Make(kRule, Verdict::kAllowed,
                      {"跟进中：下次{channel}联系{due}", "follow-up running: next {channel} due {due}"});
    d.figures.push_back({"channel", ReviewChannelTerm(*channel)});
    d.figures.push_back({"due", *next});
    return d;
  }
  Decision d = Make(kRule, Verdict::kAllowed,
                    {"跟进中：{due}关闭", "follow-up running: closes at {due}"});
  d.figures.push_back({"due", closes.value_or(absl::InfiniteFuture())});
  return d;
}

Decision PromisePolicy::Started(Timestamp check_at) const {
  Decision d = Make(kRule, Verdict::kScheduled,
                    {"买家答应修改评价，{due}检查", "buyer agreed to revise; checked at {due}"});
  d.figures.push_back({"due", check_at});
  return d;
}

Decision PromisePolicy::NotDue(std::optional<Timestamp> check_at) const {
  if (!check_at.has_value()) {
    return Make(kRule, Verdict::kAllowed, {"无待检查的承诺", "no promise to check"});
  }
  Decision d = Make(kRule, Verdict::kAllowed, {"承诺于{due}检查", "promise checked at {due}"});
  d.figures.push_back({"due", *check_at});
  return d;
}

Decision PromisePolicy::NoReminder(const Decision& limit, int reminders) const {
  if (limit.verdict == Verdict::kRefused) {
    Decision d = Make(kRule, Verdict::kAllowed,
                      {"买家未修改；已达联系上限（{count}/{limit}），不再提醒",
                       "not revised; contact limit reached ({count}/{limit}), no reminder"});
    CopyCountAndLimit(limit, d.figures);
    return d;
  }
  Decision d = Make(kRule, Verdict::kAllowed,
                    {"买家未修改；已提醒{reminders}次", "not revised; {reminders} reminders sent"});
  d.figures.push_back({"reminders", int64_t{reminders}});
  return d;
}

Ruling PromisePolicy::Remind(Timestamp due, std::string_view agent,
                             std::string_view phone) const {
  Ruling r;
  Decision& d = r.decisions.emplace_back();
  d.rule = kRule;
  d.verdict = Verdict::kScheduled;
  d.message = {"买家当天未修改评价：{due}发短信提醒", "not revised that day: SMS reminder due {due}"};
  d.figures.push_back({"due", due});
  Action& a = r.actions.emplace_back();
  a.kind = ActionKind::kSms;
  a.rule = kRule;
  a.assignee = std::string(agent);
  a.subject = std::string(phone);
  a.due = due;
  a.message = {"短信提醒买家上线修改评价", "SMS: remind the buyer to revise the review"};
  a.figures = d.figures;
  return r;
}

Ruling RemedyPolicy::Accepted(Remedy remedy, Money amount, std::string_view order_id,
                              std::string_view agent, std::string_view buyer) const {
  Ruling r;
  Decision& d = r.decisions.emplace_back();
  d.rule = kRule;
  d.verdict = Verdict::kAllowed;
  d.message = {"买家接受{remedy}", "buyer accepted {remedy}"};
  d.figures.push_back({"remedy", RemedyTerm(remedy)});
  Action& a = r.actions.emplace_back();
  a.rule = kRule;
  a.assignee = std::string(agent);
  a.subject = std::string(buyer);
  a.figures = d.figures;
  switch (remedy) {
    case Remedy::kPartialRefund:
      a.kind = ActionKind::kNotifyFinance;
      a.figures.push_back({"amount", amount});
      a.figures.push_back({"order", std::string(order_id)});
      a.message = {"订单{order}部分退款{amount}", "partial refund of {amount} on order {order}"};
      break;
    case Remedy::kGiftWithNextOrder:
      a.kind = ActionKind::kOther;
      a.message = {"买家下次订购时赠送类似产品",
                   "send a similar item free with the buyer's next order"};
      break;
    case Remedy::kReturn:
    case Remedy::kExchange:
      a.kind = ActionKind::kTellCustomer;
      a.message = {"请买家寄回商品办理{remedy}，登记售后",
                   "ask the buyer to send the item back for {remedy}; register the after-sales "
                   "case"};
      break;
  }
  return r;
}

}  // namespace kefu
