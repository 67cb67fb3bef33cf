// kefu/machines/review_register.h: the daily review work across reviews:
// the review register (RV-REGISTER) and the day's assignment by rotation
// (RV-DAILY).
//
// Both are queries over reviews the host holds: nothing is stored here.
//   - ReviewRegister() lists reviews as the seed's 回评登记 does: product,
//     what the buyer disliked, rating, state, who handles it. Reviews still
//     open from earlier days come first, then today's open ones, then the
//     closed ones.
//   - PlanDailyAssignments() says which open reviews today's agent of the
//     rotation must take, as ReviewAssigned events ready to Apply().
//
// Thread safety: free functions over const reviews; safe to call from any
// number of threads as long as no one applies events to those reviews
// meanwhile.
#ifndef KEFU_MACHINES_REVIEW_REGISTER_H_
#define KEFU_MACHINES_REVIEW_REGISTER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/time.h"
#include "kefu/machines/review.h"
#include "kefu/policies/review_policies.h"
#include "kefu/policies/review_rotation.h"

namespace kefu {

// One line of the review register.
struct ReviewRegisterEntry {
  std::string review_id;
  std::string order_id;
  std::string product;
  ReviewRating rating = ReviewRating::kNegative;
  std::string complaint;        // what the buyer disliked
  LocalDay received_day;        // in the shop's zone
  std::string_view state;       // stable state name
  std::string agent;            // empty when unassigned
  int contacts = 0;             // attempts recorded
  bool open = false;            // neither revised nor closed
  bool carried_over = false;    // open and received before `today`
  std::optional<Timestamp> next_contact_at;  // RV-SCHEDULE / RV-PROMISE
};

struct ReviewRegisterQuery {
  std::string product;     // only this product; empty: every product
  bool open_only = false;  // leave out revised and unresolved reviews
};

// RV-REGISTER: the register of `reviews` as seen on local day `today`.
// Blank reviews (never received) are left out. Order: open reviews from
// earlier days first, then today's open ones, then closed ones; within each
// group oldest first, ties by review id. Null pointers are skipped.
KEFU_EXPORT std::vector<ReviewRegisterEntry> ReviewRegister(
    absl::Span<const Review* const> reviews, LocalDay today, const BusinessCalendar& calendar,
    const ReviewRegisterQuery& query = {});

// One review to hand to today's agent.
struct DailyAssignment {
  std::string review_id;
  ReviewAssigned event;  // id "rv-daily/<review id>/<yyyy-mm-dd>", time `now`
};

// RV-DAILY: every open review received on the local day of `now` or earlier
// and not already held by the rotation's agent of that day, oldest first
// (the same order as the register). kInvalidArgument when the rotation is
// invalid or `now` is infinite.
KEFU_EXPORT absl::StatusOr<std::vector<DailyAssignment>> PlanDailyAssignments(
    absl::Span<const Review* const> reviews, Timestamp now, const ReviewRotation& rotation,
    const BusinessCalendar& calendar);

}  // namespace kefu

#endif  // KEFU_MACHINES_REVIEW_REGISTER_H_
