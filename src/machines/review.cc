// The review machine: Review::Apply() around the Boost.MSM table of
// review_fsm.h, the RV policies it consults, snapshot and restore.
#include "machines/review_fsm.h"  // first: MSM limits

#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "kefu/core/status.h"
#include "kefu/machines/review.h"
#include "kefu/policies/review_rotation.h"
#include "machines/event_schema.h"
#include "machines/machine_core.h"

namespace kefu {
namespace review_internal {

using internal::ToAbsl;
namespace a = review_fsm::a;
namespace g = review_fsm::g;

// RV-SCHEDULE after a refusal or a follow-up contact: what is done, what is
// next, or when the follow-up closes.
struct FollowUpPlan {
  Timestamp refused_at;
  int done = 0;
  std::optional<Timestamp> next_at;
  std::optional<ReviewChannel> next_channel;
  int next_day = 0;
  std::optional<Timestamp> closes_at;
  std::optional<Decision> stopped_by_limit;  // RV-CONTACT-LIMIT would refuse the next step
};

// The per-Apply context: guards decide (and may write refusals to `out`),
// actions commit to `d` and `out`.
struct Ctx {
  Ctx(ReviewData& data, Outcome& outcome, const ReviewPolicies& policies,
      const BusinessCalendar& calendar)
      : d(data), out(outcome), p(policies), cal(calendar) {}

  ReviewData& d;
  Outcome& out;
  const ReviewPolicies& p;
  const BusinessCalendar& cal;
  absl::Status error;  // a guard could not compute (calendar out of range)

  // Memo of the contact admission (RV-CONTACT-LIMIT, RV-CHANNEL).
  int admitted = -1;  // -1 not yet judged, 0 refused, 1 admitted
  Decision limit_decision;
  std::optional<Decision> channel_decision;
  bool overridden = false;
  bool counted = true;
  // The role the acting person acts in (FB-ROLES: the roster's, else the
  // event's own).
  StaffRole role = StaffRole::kAgent;

  std::optional<FollowUpPlan> plan;  // memo of PlanFollowUp
  std::optional<Decision> remedy_decision;
  std::optional<Timestamp> reminder_at;

  // ------------------------------------------------------------ helpers

  // What Outcome::Add does (the decision, and its verdict in the audit
  // record), without moving the decision twice on the way.
  void Add(Decision&& dec) {
    out.audit.verdicts.push_back(RuleVerdict{dec.rule, dec.verdict});
    out.decisions.push_back(std::move(dec));
  }
  void Add(Ruling&& ruling) { out.Add(std::move(ruling)); }

  bool Admit(const ContactAttempted& e) {
    if (admitted >= 0) return admitted == 1;
    counted = p.contact_limit.Counts(d.rating, e.channel, e.result);
    limit_decision = p.contact_limit.Evaluate(d.rating, e.channel, d.counted_contacts);
    if (limit_decision.verdict == Verdict::kRefused && !counted) {
      limit_decision.verdict = Verdict::kAllowed;  // this attempt does not count after all
    }
    if (limit_decision.verdict == Verdict::kRefused && e.override_limit) {
      // Step() checked the role (refused by FB-ROLES otherwise).
      limit_decision = p.contact_limit.Overridden(std::move(limit_decision), role);
      overridden = true;
    }
    if (e.presence) channel_decision = p.channel.Evaluate(*e.presence, e.channel);
    admitted = 1;
    if (channel_decision && channel_decision->verdict == Verdict::kRefused) {
      out.Add(*channel_decision);
      admitted = 0;
    }
    if (limit_decision.verdict == Verdict::kRefused) {
      out.Add(limit_decision);
      admitted = 0;
    }
    return admitted == 1;
  }

  // Counted contacts once `e` (when given) is recorded.
  int CountedAfter(const ContactAttempted* e) {
    return d.counted_contacts + (e != nullptr && counted ? 1 : 0);
  }

  // Plans RV-SCHEDULE at `at`: `starting` for a fresh refusal; `contact` is
  // the contact this event records, if any. False (error set) when the
  // calendar cannot compute a due time.
  bool PlanFollowUp(Timestamp at, bool starting, const ContactAttempted* contact) {
    if (plan) return true;
    const auto& steps = p.schedule.steps;
    FollowUpPlan fp;
    if (starting || !d.refused_at) {
      fp.refused_at = at;
      fp.done = 0;
      // Day 1's step is done when a contact on its channel was made on the
      // day of the refusal (the call in which the buyer refused, usually).
      if (!steps.empty() && steps[0].day == 1) {
        const LocalDay today = cal.DayOf(at);
        bool made = contact != nullptr && contact->channel == steps[0].channel;
        for (const ReviewContact& c : d.contacts) {
          if (c.channel == steps[0].channel && cal.DayOf(c.at) == today && c.at <= at) made = true;
        }
        if (made) fp.done = 1;
      }
    } else {
      fp.refused_at = *d.refused_at;
      fp.done = d.schedule_done + (contact != nullptr ? 1 : 0);
    }
    if (fp.done < static_cast<int>(steps.size())) {
      const ScheduleStep& step = steps[static_cast<size_t>(fp.done)];
      Decision lim = p.contact_limit.Evaluate(d.rating, step.channel, CountedAfter(contact));
      if (lim.verdict == Verdict::kRefused) {
        fp.stopped_by_limit = std::move(lim);
      } else {
        auto due = p.schedule.DueAt(static_cast<size_t>(fp.done), fp.refused_at, cal);
        if (!due.ok()) {
          error = due.status();
          return false;
        }
        fp.next_at = *due;
        fp.next_channel = step.channel;
        fp.next_day = step.day;
      }
    }
    if (!fp.next_at) fp.closes_at = cal.EndOfDay(at);
    plan = std::move(fp);
    return true;
  }

  void RecordContact(const ContactAttempted& e) {
    ReviewContact c;
    c.at = e.meta.at;
    c.channel = e.channel;
    c.agent = e.meta.agent;
    c.result = e.result;
    c.counted = counted;
    c.overridden = overridden;
    // A review sees a few contacts (the default limits allow 3): room for
    // them at the first saves moving them as the list grows.
    if (d.contacts.capacity() == 0) d.contacts.reserve(4);
    d.contacts.push_back(std::move(c));
    if (counted) ++d.counted_contacts;
    if (e.buyer_difficult) d.buyer_difficult = true;
    if (d.next_contact_channel == e.channel) {
      d.next_contact_at.reset();
      d.next_contact_channel.reset();
    }
    Add(std::move(limit_decision));
    if (channel_decision) Add(std::move(*channel_decision));
    if (overridden) {
      out.audit.note = absl::StrCat("supervisor override of RV-CONTACT-LIMIT by ",
                                    ToAbsl(StaffRoleName(role)), " ", e.meta.agent);
    }
  }

  void CancelDeadline(RuleId rule) {
    Deadline dl;
    dl.rule = rule;
    dl.op = DeadlineOp::kCancel;
    out.deadlines.push_back(std::move(dl));
  }

  void ClearFollowUp() {
    if (d.refused_at || d.schedule_closes_at) CancelDeadline(RefusalSchedulePolicy::kRule);
    d.refused_at.reset();
    d.schedule_done = 0;
    d.schedule_closes_at.reset();
    d.next_contact_at.reset();
    d.next_contact_channel.reset();
  }

  void StartPromise(Timestamp at) {
    ClearFollowUp();
    d.agreed_at = at;
    d.promise_check_at = p.promise.CheckAt(at, cal);
    d.reminders = 0;
    Add(p.promise.Started(*d.promise_check_at));
    Deadline dl;
    dl.rule = PromisePolicy::kRule;
    dl.due = *d.promise_check_at;
    dl.message = PromisePolicy::kCheckDeadline;
    out.deadlines.push_back(std::move(dl));
  }

  void CommitFollowUp() {
    const FollowUpPlan& fp = *plan;
    d.refused_at = fp.refused_at;
    d.schedule_done = fp.done;
    d.next_contact_at = fp.next_at;
    d.next_contact_channel = fp.next_channel;
    d.schedule_closes_at = fp.closes_at;
    Deadline dl;
    dl.rule = RefusalSchedulePolicy::kRule;
    if (fp.next_at) {
      Add(p.schedule.Next(fp.next_day, *fp.next_channel, *fp.next_at, d.agent,
                          *fp.next_channel == ReviewChannel::kChat ? d.buyer : d.buyer_phone));
      dl.due = *fp.next_at;
      dl.message = RefusalSchedulePolicy::kContactDeadline;
    } else {
      Add(fp.stopped_by_limit ? p.schedule.StoppedByLimit(*fp.stopped_by_limit, *fp.closes_at)
                              : p.schedule.Done(*fp.closes_at));
      dl.due = *fp.closes_at;
      dl.message = RefusalSchedulePolicy::kCloseDeadline;
    }
    out.deadlines.push_back(std::move(dl));
  }

  void Finish(Timestamp at) {
    if (d.promise_check_at) CancelDeadline(PromisePolicy::kRule);
    d.promise_check_at.reset();
    ClearFollowUp();
    (void)at;
  }

  // ------------------------------------------------------------- guards

  bool Check(g::Agreed, const ContactAttempted& e) {
    return e.result == ReviewContactResult::kAgreedToRevise && Admit(e);
  }
  bool Check(g::Refused, const ContactAttempted& e) {
    return e.result == ReviewContactResult::kRefused && Admit(e) &&
           PlanFollowUp(e.meta.at, /*starting=*/true, &e);
  }
  bool Check(g::Unsettled, const ContactAttempted& e) {
    return (e.result == ReviewContactResult::kUnreachable ||
            e.result == ReviewContactResult::kTalked) &&
           Admit(e);
  }
  bool Check(g::NotRefused, const ContactAttempted& e) {
    return e.result != ReviewContactResult::kRefused && Admit(e);
  }
  bool Check(g::NotAgreed, const ContactAttempted& e) {
    return e.result != ReviewContactResult::kAgreedToRevise && Admit(e) &&
           PlanFollowUp(e.meta.at, /*starting=*/false, &e);
  }
  bool Check(g::WithinLimit, const ContactAttempted& e) { return Admit(e); }
  bool Check(g::RemedyAllowed, const RemedyOffered& e) {
    Decision dec = p.remedy.Evaluate(e.remedy, d.rating, d.item_price, d.buyer_difficult);
    if (e.remedy == Remedy::kPartialRefund) {
      // Built in place: a braced temporary moved in here draws GCC 12's
      // -Wmaybe-uninitialized (a false positive on the variant's move).
      Figure& amount = dec.figures.emplace_back();
      amount.name = "amount";
      amount.value = e.amount;
    }
    if (dec.verdict == Verdict::kRefused) {
      Add(std::move(dec));
      return false;
    }
    remedy_decision = std::move(dec);
    return true;
  }
  // A tick in the day's last second (23:59:59) is that day's end.
  bool Check(g::FollowUpOver, const DayEnded& e) {
    return d.schedule_closes_at && cal.DayEndTick(e.meta.at) >= *d.schedule_closes_at;
  }
  bool Check(g::FollowUpRunning, const DayEnded& e) { return !Check(g::FollowUpOver{}, e); }

  // ------------------------------------------------------------ actions

  void Do(a::Receive, const ReviewReceived& e) {
    d.order_id = e.order_id;
    d.product = e.product;
    d.rating = e.rating;
    d.complaint = e.complaint;
    d.item_price = e.item_price;
    d.buyer = e.buyer;
    d.buyer_phone = e.buyer_phone;
    d.buyer_difficult = e.buyer_difficult;
    d.received_at = e.meta.at;
    if (!p.remedy.Allowed(d.rating, d.item_price, d.buyer_difficult).empty()) {
      Add(p.remedy.Propose(d.rating, d.item_price, d.buyer_difficult));
    }
    Deadline dl;
    dl.rule = ReviewRotation::kRule;
    dl.due = cal.EndOfDay(e.meta.at);
    dl.message = ReviewRotation::kDeadline;
    out.deadlines.push_back(std::move(dl));
  }

  void Do(a::Assign, const ReviewAssigned& e) {
    const bool first = d.agent.empty();
    d.agent = e.agent;
    Add(ReviewRotation::Assigned(e.agent));
    if (first) CancelDeadline(ReviewRotation::kRule);
  }

  void Do(a::Record, const ContactAttempted& e) { RecordContact(e); }

  void Do(a::Promise, const ContactAttempted& e) {
    RecordContact(e);
    StartPromise(e.meta.at);
  }
  void Do(a::Promise, const RevisionAgreed& e) { StartPromise(e.meta.at); }

  void Do(a::StartFollowUp, const ContactAttempted& e) {
    RecordContact(e);
    if (d.promise_check_at) CancelDeadline(PromisePolicy::kRule);
    d.promise_check_at.reset();
    CommitFollowUp();
  }

  void Do(a::FollowUp, const ContactAttempted& e) {
    RecordContact(e);
    CommitFollowUp();
  }

  void Do(a::Offer, const RemedyOffered& e) {
    ReviewRemedy r;
    r.remedy = e.remedy;
    r.amount = e.amount;
    r.offered_at = e.meta.at;
    d.remedies.push_back(r);
    Add(std::move(*remedy_decision));
  }

  void Do(a::Accept, const RemedyAccepted& e) {
    ReviewRemedy& r = d.remedies.back();
    r.answer = RemedyAnswer::kAccepted;
    Add(p.remedy.Accepted(r.remedy, r.amount, d.order_id, d.agent, d.buyer));
    StartPromise(e.meta.at);
  }

  void Do(a::Decline, const RemedyDeclined& e) {
    d.remedies.back().answer = RemedyAnswer::kDeclined;
    CommitFollowUp();
    (void)e;
  }

  template <class E>
  void Do(a::Revise, const E& e) {
    d.revised_at = e.meta.at;
    if constexpr (std::is_same_v<E, RevisionObserved>) d.revised_rating = e.new_rating;
    d.closed_at.reset();
    d.close_reason.clear();
    Finish(e.meta.at);
  }

  void Do(a::Close, const ReviewClosed& e) {
    d.closed_at = e.meta.at;
    d.close_reason = e.reason;
    Finish(e.meta.at);
  }
  void Do(a::Close, const DayEnded& e) {
    d.closed_at = e.meta.at;
    d.close_reason = "RV-SCHEDULE";
    Add(p.schedule.ClosedUnresolved(d.schedule_done));
    Finish(e.meta.at);
  }

  void Do(a::CheckFollowUp, const DayEnded&) {
    Add(p.schedule.Running(d.next_contact_channel, d.next_contact_at, d.schedule_closes_at));
  }

  void Do(a::CheckPromise, const DayEnded& e) {
    const Timestamp at = cal.DayEndTick(e.meta.at);
    if (!d.promise_check_at || at < *d.promise_check_at) {
      Add(p.promise.NotDue(d.promise_check_at));
      return;
    }
    // Not revised by the end of the day.
    Decision lim = p.contact_limit.Evaluate(d.rating, ReviewChannel::kSms, d.counted_contacts);
    if (d.reminders >= p.promise.max_reminders || lim.verdict == Verdict::kRefused) {
      d.promise_check_at.reset();
      Add(p.promise.NoReminder(lim, d.reminders));
      return;
    }
    ++d.reminders;
    d.next_contact_at = reminder_at;
    d.next_contact_channel = ReviewChannel::kSms;
    d.promise_check_at = d.reminders < p.promise.max_reminders
                             ? std::optional<Timestamp>(cal.EndOfDay(*reminder_at))
                             : std::nullopt;
    Add(p.promise.Remind(*reminder_at, d.agent, d.buyer_phone));
    if (d.promise_check_at) {
      Deadline dl;
      dl.rule = PromisePolicy::kRule;
      dl.due = *d.promise_check_at;
      dl.message = PromisePolicy::kCheckDeadline;
      out.deadlines.push_back(std::move(dl));
    }
  }

  // DayEnded in awaiting_revision computes the reminder's due time before
  // the row fires (the calendar may refuse).
  bool PlanReminder() {
    if (!d.promise_check_at) return true;
    const Timestamp from = d.next_contact_at.value_or(d.agreed_at.value_or(d.received_at));
    auto due = p.promise.ReminderAt(from, cal);
    if (!due.ok()) {
      error = due.status();
      return false;
    }
    reminder_at = *due;
    return true;
  }
};

}  // namespace review_internal

namespace {

using review_internal::Ctx;
using Sm = review_fsm::ReviewSm<Ctx>;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

absl::Status Validate(const ReviewEvent& event, const ReviewData& d) {
  return std::visit(
      Overloaded{
          [&](const ReviewReceived& e) -> absl::Status {
            if (!NeedsFollowUp(e.rating)) {
              return absl::InvalidArgumentError(
                  "a positive review needs no follow-up: the review machine takes neutral and "
                  "negative reviews only");
            }
            if (e.order_id.empty()) return absl::InvalidArgumentError("review has no order id");
            if (e.product.empty()) return absl::InvalidArgumentError("review has no product");
            if (e.item_price.is_negative()) {
              return absl::InvalidArgumentError(
                  absl::StrCat("item price ", e.item_price.ToString(), " is negative"));
            }
            return absl::OkStatus();
          },
          [&](const ReviewAssigned& e) -> absl::Status {
            if (e.agent.empty()) return absl::InvalidArgumentError("assignment names no agent");
            return absl::OkStatus();
          },
          [&](const RemedyOffered& e) -> absl::Status {
            if (e.amount.is_negative()) {
              return absl::InvalidArgumentError("remedy amount is negative");
            }
            if (e.remedy == Remedy::kPartialRefund) {
              if (e.amount.is_zero()) {
                return absl::InvalidArgumentError("a partial refund needs an amount above 0");
              }
              if (e.amount > d.item_price && d.received_at != absl::InfinitePast()) {
                return absl::InvalidArgumentError(
                    absl::StrCat("partial refund ", e.amount.ToString(), " exceeds the item price ",
                                 d.item_price.ToString()));
              }
            }
            return absl::OkStatus();
          },
          [&](const auto&) -> absl::Status { return absl::OkStatus(); },
      },
      event);
}

}  // namespace

// ------------------------------------------------------------------ events

std::string_view EventName(const ReviewEvent& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kName; }, event);
}

const EventMeta& MetaOf(const ReviewEvent& event) {
  return std::visit([](const auto& e) -> const EventMeta& { return e.meta; }, event);
}

std::string_view RemedyAnswerName(RemedyAnswer a) {
  switch (a) {
    case RemedyAnswer::kPending: return "pending";
    case RemedyAnswer::kAccepted: return "accepted";
    case RemedyAnswer::kDeclined: return "declined";
  }
  return "unknown";
}

int ReviewData::ContactsOn(ReviewChannel channel) const {
  return static_cast<int>(std::count_if(contacts.begin(), contacts.end(),
                                        [&](const ReviewContact& c) { return c.channel == channel; }));
}

bool operator==(const ReviewData& a, const ReviewData& b) {
  return a.id == b.id && a.order_id == b.order_id && a.product == b.product &&
         a.rating == b.rating && a.complaint == b.complaint && a.item_price == b.item_price &&
         a.buyer == b.buyer && a.buyer_phone == b.buyer_phone &&
         a.buyer_difficult == b.buyer_difficult && a.received_at == b.received_at &&
         a.agent == b.agent && a.contacts == b.contacts &&
         a.counted_contacts == b.counted_contacts && a.remedies == b.remedies &&
         a.agreed_at == b.agreed_at && a.promise_check_at == b.promise_check_at &&
         a.reminders == b.reminders && a.refused_at == b.refused_at &&
         a.schedule_done == b.schedule_done && a.next_contact_at == b.next_contact_at &&
         a.next_contact_channel == b.next_contact_channel &&
         a.schedule_closes_at == b.schedule_closes_at && a.revised_at == b.revised_at &&
         a.revised_rating == b.revised_rating && a.closed_at == b.closed_at &&
         a.close_reason == b.close_reason;
}

// ------------------------------------------------------------------ Review

struct ReviewTraits {
  using Data = ReviewData;
  using Fsm = Sm;
  using Event = ReviewEvent;
  static constexpr std::string_view kMachine = "review";
  static const internal::KindSchema& Schema() { return internal::ReviewEventSchema(); }
};

struct Review::Impl : machine_core::MachineCore<ReviewTraits> {
  // Review::Apply's part of the work (machine_core.h, step 5).
  machine_core::StepResult Step(const ReviewEvent& event, const ReviewEnvironment& env,
                                Outcome& out);
};

Review::Review(std::string id) : impl_(std::make_unique<Impl>()) { impl_->data.id = std::move(id); }
Review::Review(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Review::Review(const Review& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Review& Review::operator=(const Review& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Review::Review(Review&& other) noexcept = default;
Review& Review::operator=(Review&& other) noexcept = default;
Review::~Review() = default;

std::string_view Review::id() const { return impl_->data.id; }
std::string_view Review::state() const { return impl_->state(); }
const ReviewData& Review::data() const { return impl_->data; }
std::vector<Outcome> Review::applied() const { return impl_->log.outcomes(); }
size_t Review::applied_count() const { return impl_->log.size(); }
size_t Review::applied_bytes() const { return impl_->log.encoded_bytes(); }
const AppliedEvents& Review::applied_log() const { return impl_->log; }

bool Review::open() const {
  const std::string_view s = state();
  return s != review_fsm::st::Blank::kName && s != review_fsm::st::Revised::kName &&
         s != review_fsm::st::Unresolved::kName;
}

absl::StatusOr<Outcome> Review::Apply(const ReviewEvent& event, const ReviewEnvironment& env) {
  // The outcome is built where the caller receives it (one return statement,
  // so the compiler constructs `result` in place): the idempotency log's copy
  // is the only one made.
  absl::StatusOr<Outcome> result(absl::in_place);
  absl::Status status =
      impl_->Apply(event, env, *result, [&](Outcome& out) { return impl_->Step(event, env, out); });
  if (!status.ok()) result = std::move(status);
  return result;
}

machine_core::StepResult Review::Impl::Step(const ReviewEvent& event, const ReviewEnvironment& env,
                                            Outcome& out) {
  using machine_core::StepResult;
  const EventMeta& meta = MetaOf(event);
  const ReviewPolicies& policies = env.policies ? *env.policies : ReviewPolicies::Defaults();
  static const BusinessCalendar* const kDefaultCalendar =
      new BusinessCalendar(BusinessCalendar::Default());
  const BusinessCalendar& calendar = env.calendar ? *env.calendar : *kDefaultCalendar;
  if (absl::Status v = Validate(event, data); !v.ok()) return StepResult::Error(std::move(v));

  // RV-CONTACT-LIMIT: only some roles may override the limit (FB-ROLES,
  // the roster's role when there is one); another role's override is
  // refused by FB-ROLES, whatever the count.
  static const RolePolicy* const kDefaultRoles = new RolePolicy();
  const RolePolicy& roles = env.roles ? *env.roles : *kDefaultRoles;
  StaffRole role = StaffRole::kAgent;
  if (const auto* c = std::get_if<ContactAttempted>(&event); c != nullptr) {
    role = roles.RoleOf(meta.agent, c->role);
    if (c->override_limit) {
      if (std::optional<Decision> no =
              roles.Check(meta.agent, TeamAction::kOverrideContactLimit, c->role)) {
        out.Add(std::move(*no));
        return StepResult::Refused();
      }
    }
  }

  // Most events decide one to three things (a contact: its limit, its
  // channel, what comes next); growing the vector one by one would move
  // every decision again.
  out.decisions.reserve(3);
  Ctx ctx(data, out, policies, calendar);
  ctx.role = role;
  // DayEnded in awaiting_revision needs the reminder's due time before it
  // commits; computing it changes nothing.
  if (std::holds_alternative<DayEnded>(event) &&
      out.audit.state_before == review_fsm::st::AwaitingRevision::kName && !ctx.PlanReminder()) {
    return StepResult::Error(ctx.error);
  }
  if (std::holds_alternative<RemedyDeclined>(event) &&
      out.audit.state_before == review_fsm::st::RemedyOffered::kName &&
      !ctx.PlanFollowUp(meta.at, /*starting=*/!data.refused_at, nullptr)) {
    return StepResult::Error(ctx.error);
  }

  fsm.ctx = &ctx;
  StepResult r;
  r.dispatch = std::visit([&](const auto& e) { return msm_support::Dispatch(fsm, e); }, event);
  fsm.ctx = nullptr;
  r.error = ctx.error;
  return r;
}

ContactAdvice Review::AdviseContact(BuyerPresence presence, const ReviewEnvironment& env) const {
  const ReviewPolicies& p = env.policies ? *env.policies : ReviewPolicies::Defaults();
  const ReviewData& d = impl_->data;
  ContactAdvice advice;
  advice.channel = p.channel.Choose(presence);
  advice.channel_decision = p.channel.Evaluate(presence);
  advice.limit_decision = p.contact_limit.Evaluate(d.rating, advice.channel, d.counted_contacts);
  if (advice.limit_decision.verdict == Verdict::kRefused) {
    // The seed allows SMS where calls are used up ("也可适当采用短信的方式").
    Decision sms = p.contact_limit.Evaluate(d.rating, ReviewChannel::kSms, d.counted_contacts);
    if (sms.verdict != Verdict::kRefused) {
      advice.channel = ReviewChannel::kSms;
      advice.limit_decision = std::move(sms);
    }
  }
  return advice;
}

Decision Review::ProposeRemedies(const ReviewEnvironment& env) const {
  const ReviewPolicies& p = env.policies ? *env.policies : ReviewPolicies::Defaults();
  const ReviewData& d = impl_->data;
  return p.remedy.Propose(d.rating, d.item_price, d.buyer_difficult);
}

ReviewSnapshot Review::Snapshot() const { return impl_->Snapshot(kSnapshotFormat); }

absl::StatusOr<Review> Review::Restore(ReviewSnapshot snapshot) {
  auto impl = std::make_unique<Impl>();
  KEFU_RETURN_IF_ERROR(impl->Restore(std::move(snapshot), kSnapshotFormat));
  return Review(std::move(impl));
}

const TransitionTable& Review::Table() {
  static const TransitionTable* const kTable = new TransitionTable(Impl::Table());
  return *kTable;
}

}  // namespace kefu
