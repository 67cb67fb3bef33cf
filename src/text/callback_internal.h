// PH-CALLBACK internals shared by callback.cc and reply_checker.cc.
#ifndef KEFU_TEXT_CALLBACK_INTERNAL_H_
#define KEFU_TEXT_CALLBACK_INTERNAL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/text/callback.h"
#include "kefu/text/phrase_matcher.h"

namespace kefu::text_internal {

// The deferral markers as an exact phrase list of rule PH-CALLBACK.
absl::StatusOr<PhraseMatcher> CompileDeferrals(const CallbackRule& rule);

// A definite time expression, before it is read against an instant.
struct Expr {
  enum Kind { kRelative, kClock, kPartEnd, kClosing };
  Kind kind = kRelative;
  size_t begin = 0, end = 0;  // bytes of the reply
  int minutes = 0;            // kRelative
  int business_days = 0;      // kRelative, N个工作日
  bool has_day = false;       // a day word was given
  int day_offset = 0;         // 0 today, 1 tomorrow, 2 the day after
  int part = -1;              // part of the day (index into the part words), -1 none
  int hour = 0, minute = 0;   // kClock, as written
  int end_minutes = 0;        // kPartEnd: minutes after that day's midnight
};

std::optional<Expr> FindTimeExpression(std::string_view reply);
std::optional<Timestamp> Resolve(const Expr& e, Timestamp now, const BusinessCalendar& calendar);

}  // namespace kefu::text_internal

#endif  // KEFU_TEXT_CALLBACK_INTERNAL_H_
