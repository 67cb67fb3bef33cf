// Tests for kefu/text/meeting.h (rule PH-MEETING): the weekly training on
// Wednesday 16:30 switches replies to the meeting auto-reply.
#include "kefu/text/meeting.h"

#include "gtest/gtest.h"
#include "kefu/testing/builders.h"

namespace kefu {
namespace {

using ::kefu::testing::At;

TEST(PhMeeting, AutoReplyAppliesDuringTheWednesdayWindow) {
  const MeetingPolicy policy;
  const BusinessCalendar cal = BusinessCalendar::Default();
  // 2026-11-25 is a Wednesday.
  EXPECT_FALSE(MeetingAutoReplyAt(policy, cal, At("2026-11-25T16:29:59+08:00")).has_value());
  const auto reply = MeetingAutoReplyAt(policy, cal, At("2026-11-25T16:30:00+08:00"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*reply, SeedMeetingAutoReply());
  EXPECT_TRUE(MeetingStatusAt(policy, cal, At("2026-11-25T17:29:59+08:00")).in_meeting);
  EXPECT_FALSE(MeetingStatusAt(policy, cal, At("2026-11-25T17:30:00+08:00")).in_meeting);
  // Thursday at the same time: no meeting.
  EXPECT_FALSE(MeetingStatusAt(policy, cal, At("2026-11-26T16:45:00+08:00")).in_meeting);
}

TEST(PhMeeting, UsesTheShopsZoneNotUtc) {
  const MeetingPolicy policy;
  const BusinessCalendar cal = BusinessCalendar::Default();
  // 08:45 UTC is 16:45 in China.
  const MeetingStatus s = MeetingStatusAt(policy, cal, At("2026-11-25T08:45:00Z"));
  EXPECT_TRUE(s.in_meeting);
  EXPECT_EQ(s.window_start, At("2026-11-25T16:30:00+08:00"));
  EXPECT_EQ(s.window_end, At("2026-11-25T17:30:00+08:00"));
}

TEST(PhMeeting, NoMeetingOnAHoliday) {
  BusinessCalendar::Options o;
  o.holidays = {absl::CivilDay(2026, 11, 25)};
  auto cal = BusinessCalendar::Create(o);
  ASSERT_TRUE(cal.ok());
  MeetingPolicy policy;
  EXPECT_FALSE(MeetingStatusAt(policy, *cal, At("2026-11-25T16:45:00+08:00")).in_meeting);
  policy.only_on_working_days = false;
  EXPECT_TRUE(MeetingStatusAt(policy, *cal, At("2026-11-25T16:45:00+08:00")).in_meeting);
}

TEST(PhMeeting, WindowPastMidnightContinuesNextDay) {
  MeetingPolicy policy;
  policy.start = absl::Hours(23);
  policy.length = absl::Hours(2);
  policy.only_on_working_days = false;
  const BusinessCalendar cal = BusinessCalendar::Default();
  EXPECT_TRUE(MeetingStatusAt(policy, cal, At("2026-11-26T00:30:00+08:00")).in_meeting);
  EXPECT_FALSE(MeetingStatusAt(policy, cal, At("2026-11-26T01:00:00+08:00")).in_meeting);
}

TEST(PhMeeting, ValidateRefusesBadPolicies) {
  MeetingPolicy p;
  EXPECT_TRUE(p.Validate().ok());
  p.start = absl::Hours(24);
  EXPECT_EQ(p.Validate().code(), absl::StatusCode::kInvalidArgument);
  p = MeetingPolicy{};
  p.length = absl::ZeroDuration();
  EXPECT_EQ(p.Validate().code(), absl::StatusCode::kInvalidArgument);
  p = MeetingPolicy{};
  p.auto_reply = "\xff";
  EXPECT_EQ(p.Validate().code(), absl::StatusCode::kInvalidArgument);
  // An invalid policy never reports a meeting.
  EXPECT_FALSE(MeetingStatusAt(p, BusinessCalendar::Default(), At("2026-11-25T16:45:00+08:00")).in_meeting);
}

}  // namespace
}  // namespace kefu
