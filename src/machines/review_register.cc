// RV-REGISTER and RV-DAILY: queries over the host's reviews.
#include "kefu/machines/review_register.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kefu {
namespace {

// 0: open from an earlier day, 1: open today (or later), 2: closed.
int Group(const ReviewRegisterEntry& e) {
  if (!e.open) return 2;
  return e.carried_over ? 0 : 1;
}

struct Keyed {
  ReviewRegisterEntry entry;
  Timestamp received_at;
  const Review* review;
};

std::vector<Keyed> Collect(absl::Span<const Review* const> reviews, LocalDay today,
                           const BusinessCalendar& calendar, const ReviewRegisterQuery& query) {
  std::vector<Keyed> rows;
  rows.reserve(reviews.size());
  for (const Review* r : reviews) {
    if (r == nullptr || r->state() == "blank") continue;
    const ReviewData& d = r->data();
    if (!query.product.empty() && d.product != query.product) continue;
    if (query.open_only && !r->open()) continue;
    ReviewRegisterEntry e;
    e.review_id = d.id;
    e.order_id = d.order_id;
    e.product = d.product;
    e.rating = d.rating;
    e.complaint = d.complaint;
    e.received_day = calendar.DayOf(d.received_at);
    e.state = r->state();
    e.agent = d.agent;
    e.contacts = static_cast<int>(d.contacts.size());
    e.open = r->open();
    e.carried_over = e.open && e.received_day < today;
    e.next_contact_at = d.next_contact_at;
    rows.push_back(Keyed{std::move(e), d.received_at, r});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Keyed& a, const Keyed& b) {
    return std::make_tuple(Group(a.entry), a.received_at, std::string_view(a.entry.review_id)) <
           std::make_tuple(Group(b.entry), b.received_at, std::string_view(b.entry.review_id));
  });
  return rows;
}

}  // namespace

std::vector<ReviewRegisterEntry> ReviewRegister(absl::Span<const Review* const> reviews,
                                                LocalDay today, const BusinessCalendar& calendar,
                                                const ReviewRegisterQuery& query) {
  std::vector<Keyed> rows = Collect(reviews, today, calendar, query);
  std::vector<ReviewRegisterEntry> out;
  out.reserve(rows.size());
  for (Keyed& k : rows) out.push_back(std::move(k.entry));
  return out;
}

absl::StatusOr<std::vector<DailyAssignment>> PlanDailyAssignments(
    absl::Span<const Review* const> reviews, Timestamp now, const ReviewRotation& rotation,
    const BusinessCalendar& calendar) {
  if (absl::Status s = rotation.Validate(); !s.ok()) return s;
  if (now == absl::InfinitePast() || now == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("RV-DAILY: the time of the plan is not finite");
  }
  const LocalDay today = calendar.DayOf(now);
  const std::string& agent = rotation.AgentOn(today);
  ReviewRegisterQuery open_only;
  open_only.open_only = true;
  std::vector<DailyAssignment> plan;
  for (const Keyed& k : Collect(reviews, today, calendar, open_only)) {
    if (k.entry.received_day > today) continue;  // not yet received on that day
    if (k.entry.agent == agent) continue;
    DailyAssignment a;
    a.review_id = k.entry.review_id;
    a.event.meta.id = absl::StrFormat("rv-daily/%s/%04d-%02d-%02d", k.entry.review_id,
                                      today.year(), today.month(), today.day());
    a.event.meta.at = now;
    a.event.meta.agent = agent;
    a.event.agent = agent;
    plan.push_back(std::move(a));
  }
  return plan;
}

}  // namespace kefu
