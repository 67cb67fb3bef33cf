// kefu/text/meeting.h: the weekly training meeting and its auto-reply (rule
// PH-MEETING, seed 002: "每周三下午4点半进行新品培训 ... 所有旺旺全部做成开会中
// 自动回复的方式").
//
// Whether the auto-reply applies is computed from an instant the caller
// passes and the shop's BusinessCalendar (its zone and holidays); kefu never
// reads the wall clock here.
//
// Thread safety: MeetingPolicy is a plain value; the functions are pure.
#ifndef KEFU_TEXT_MEETING_H_
#define KEFU_TEXT_MEETING_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/time.h"

namespace kefu {

// The seed's meeting auto-reply, word for word (seed 002).
KEFU_EXPORT const std::string& SeedMeetingAutoReply();

struct MeetingPolicy {
  absl::Weekday weekday = absl::Weekday::wednesday;
  Duration start = absl::Hours(16) + absl::Minutes(30);  // local clock time
  Duration length = absl::Hours(1);
  // When true, no meeting is held on a day the calendar says is not a
  // working day (a holiday falling on Wednesday).
  bool only_on_working_days = true;
  std::string auto_reply = SeedMeetingAutoReply();

  // kInvalidArgument unless 0 <= start < 24 h, 0 < length <= 24 h and the
  // auto-reply is non-empty valid UTF-8.
  KEFU_EXPORT absl::Status Validate() const;
};

struct MeetingStatus {
  bool in_meeting = false;
  Timestamp window_start;  // of the meeting in progress; unset otherwise
  Timestamp window_end;
};

// Whether `now` falls in a meeting window [start, start + length) of
// `policy` on the shop's calendar. A window that runs past midnight
// continues into the next day.
KEFU_EXPORT MeetingStatus MeetingStatusAt(const MeetingPolicy& policy,
                                         const BusinessCalendar& calendar, Timestamp now);

// The auto-reply text when a meeting is in progress at `now`, nullopt
// otherwise.
KEFU_EXPORT std::optional<std::string> MeetingAutoReplyAt(const MeetingPolicy& policy,
                                                          const BusinessCalendar& calendar,
                                                          Timestamp now);

}  // namespace kefu

#endif  // KEFU_TEXT_MEETING_H_
