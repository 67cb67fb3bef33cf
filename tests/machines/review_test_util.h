// Helpers for the review machine's tests: events with fresh ids and times,
// and a review driven into any state.
#ifndef KEFU_TESTS_MACHINES_REVIEW_TEST_UTIL_H_
#define KEFU_TESTS_MACHINES_REVIEW_TEST_UTIL_H_

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "kefu/machines/review.h"
#include "kefu/testing/builders.h"

namespace kefu::review_test {

using ::kefu::testing::At;

// Makes events with ids "e1", "e2", ... at times the caller sets.
class Events {
 public:
  explicit Events(Timestamp start) : now_(start) {}

  Timestamp now() const { return now_; }
  void Set(Timestamp t) { now_ = t; }
  void Advance(Duration d) { now_ += d; }

  EventMeta Meta(std::string agent = "小王") {
    return EventMeta{absl::StrCat("e", ++n_), now_, std::move(agent)};
  }

  ReviewReceived Received(ReviewRating rating = ReviewRating::kNegative,
                          Money price = Money::Yuan(25)) {
    ReviewReceived e;
    e.meta = Meta("platform");
    e.order_id = "T-1001";
    e.product = "N86 液晶屏";
    e.rating = rating;
    e.complaint = "屏幕有坏点";
    e.item_price = price;
    e.buyer = "buyer_wang";
    e.buyer_phone = "13800000000";
    return e;
  }
  ReviewAssigned Assigned(std::string agent = "小王") {
    ReviewAssigned e;
    e.meta = Meta("主管");
    e.agent = std::move(agent);
    return e;
  }
  ContactAttempted Contact(ReviewChannel channel,
                           ReviewContactResult result = ReviewContactResult::kTalked) {
    ContactAttempted e;
    e.meta = Meta();
    e.channel = channel;
    e.result = result;
    return e;
  }
  RevisionAgreed Agreed() { return RevisionAgreed{Meta()}; }
  RevisionObserved Observed() { return RevisionObserved{Meta("platform"), ReviewRating::kPositive}; }
  RemedyOffered Offer(Remedy remedy, Money amount = Money()) {
    RemedyOffered e;
    e.meta = Meta();
    e.remedy = remedy;
    e.amount = amount;
    return e;
  }
  RemedyAccepted Accept() { return RemedyAccepted{Meta()}; }
  RemedyDeclined Decline() { return RemedyDeclined{Meta()}; }
  DayEnded DayEnd() { return DayEnded{Meta("system")}; }
  ReviewClosed Closed() { return ReviewClosed{Meta(), "gave up"}; }

 private:
  Timestamp now_;
  int n_ = 0;
};

// A negative 25-yuan review driven into `state` (any name of Review::Table()).
// Returns false when the name is unknown.
inline bool DriveTo(Review& r, Events& ev, std::string_view state) {
  auto apply = [&](ReviewEvent e) { return r.Apply(e).ok(); };
  if (state == "blank") return true;
  if (!apply(ev.Received())) return false;
  if (state == "new") return true;
  if (state == "revised") return apply(ev.Observed());
  if (state == "unresolved") return apply(ev.Closed());
  if (!apply(ev.Assigned())) return false;
  if (state == "assigned") return true;
  if (!apply(ev.Contact(ReviewChannel::kPhone))) return false;
  if (state == "contacting") return true;
  if (state == "remedy_offered") return apply(ev.Offer(Remedy::kPartialRefund, Money::Yuan(5)));
  if (state == "awaiting_revision") return apply(ev.Agreed());
  if (state == "refusing") {
    return apply(ev.Contact(ReviewChannel::kPhone, ReviewContactResult::kRefused));
  }
  return false;
}

}  // namespace kefu::review_test

#endif  // KEFU_TESTS_MACHINES_REVIEW_TEST_UTIL_H_
