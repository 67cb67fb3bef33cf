// The weekly meeting auto-reply (PH-MEETING); see kefu/text/meeting.h.
#include "kefu/text/meeting.h"

#include "text/utf8.h"

namespace kefu {

const std::string& SeedMeetingAutoReply() {
  static const auto* text = new std::string(
      "您好,为了给您带来更好的服务和对产品的详细解答,客服们正在培训中,现在是开会时间,"
      "请您稍等,您可以将您需要拍下的产品用加入购物车的方式购买,打开您需要的产品链接,"
      "里面有详细的介绍,如您需要等待客服人员咨询,也要请您耐心等候一小会,"
      "我们将会在看到您留言的第一时间为您解答,期待与您的合作,也谢谢您的耐心等待");
  return *text;
}

absl::Status MeetingPolicy::Validate() const {
  if (start < absl::ZeroDuration() || start >= absl::Hours(24)) {
    return absl::InvalidArgumentError("PH-MEETING: start must be within [00:00, 24:00)");
  }
  if (length <= absl::ZeroDuration() || length > absl::Hours(24)) {
    return absl::InvalidArgumentError("PH-MEETING: length must be within (0, 24h]");
  }
  if (auto_reply.empty() || !text_internal::IsValidUtf8(auto_reply)) {
    return absl::InvalidArgumentError("PH-MEETING: the auto-reply must be non-empty UTF-8");
  }
  return absl::OkStatus();
}

MeetingStatus MeetingStatusAt(const MeetingPolicy& policy, const BusinessCalendar& calendar,
                              Timestamp now) {
  MeetingStatus status;
  if (!policy.Validate().ok()) return status;
  const LocalDay today = calendar.DayOf(now);
  // A window that started yesterday may still be running.
  for (const LocalDay day : {today, today - 1}) {
    if (absl::GetWeekday(day) != policy.weekday) continue;
    if (policy.only_on_working_days && !calendar.IsWorkingDay(day)) continue;
    const Timestamp start = calendar.StartOfDay(day) + policy.start;
    const Timestamp end = start + policy.length;
    if (start <= now && now < end) {
      status.in_meeting = true;
      status.window_start = start;
      status.window_end = end;
      return status;
    }
  }
  return status;
}

std::optional<std::string> MeetingAutoReplyAt(const MeetingPolicy& policy,
                                              const BusinessCalendar& calendar, Timestamp now) {
  if (!MeetingStatusAt(policy, calendar, now).in_meeting) return std::nullopt;
  return policy.auto_reply;
}

}  // namespace kefu
