// kefu/text/callback.h: rule PH-CALLBACK (seed 001): "遇到当时不能解答的问题
// 详细记录、解决、给顾客提供确切的回应范围、时间" (a question that cannot be
// answered now is recorded and the customer is given a definite time for the
// answer) and "发现回答客户咨询错误,应及时回拨,告之客户" (a wrong answer, once
// found, is corrected by calling the customer back).
//
// The text side lives here: whether a reply defers its answer (by the
// deferral grammar of CallbackRule: 稍后回复您, 我帮您问一下, 稍後回覆您,
// 稍 后 回 复 …), and the definite time it
// promises, if any. ReplyChecker reports a deferral without a definite time
// as a PH-CALLBACK finding; the Shop tracks a deferral with one as a
// deadline of the conversation (see kefu/engine/shop.h).
//
// Definite times understood (a reply's first one counts; digits are ASCII
// or full-width, numbers may also be written in Chinese: 一 … 九十九, 两,
// 半; traditional characters are read as simplified ones, 30分鐘內, and
// spaces and zero-width characters are skipped, 30 分钟 内):
//   relative   N分钟 / N小时 / N个小时 / N个钟头 / 半小时 / N个半小时 /
//              N天 / N个工作日, followed by 内, 之内, 以内, 后, 之后 or 以后,
//              or after 等 ("30分钟内", "两个小时之内", "3个工作日内",
//              "您稍等10分钟"); N is at most 9999, and at most 366 for
//              days and working days; N天 counts 24-hour
//              days, N个工作日 working days of the shop's calendar (the same
//              clock time on the N-th working day);
//   clock      [day] [part of day] H点 / H时 / H:MM, optionally followed by
//              M分, 半 or 整 ("明天上午10点", "下午3点半", "17:30"). day is
//              今天/今日/明天/明日/后天, or 今晚/明早/明晚 (day and part in one);
//              part of day is 凌晨/早上/早晨/上午/中午/下午/傍晚/晚上, and a
//              part after noon moves H (1-11) to the afternoon;
//   part       day + part of day, optionally followed by 前/之前/以前/内/之内
//              ("明天上午前"): the end of that part (上午 12:00, 中午 13:00,
//              下午 18:00, 傍晚 19:00, 晚上 22:00, 凌晨 06:00, 早上/早晨 09:00);
//              today's end: 今天之内 / 今天内 / 今日内 (24:00);
//   closing    [day] 下班前 / 下班之前: that day's closing time on the shop's
//              calendar (today when no day is given).
// A clock time without a day word is today's when it is still ahead of the
// reply, else tomorrow's; without a part of day, H:MM and H+12:MM are tried
// in that order today before tomorrow's H:MM. Vague words (尽快, 稍后, 晚点,
// 一会儿, 马上) are not definite.
//
// Thread safety: CallbackRule is a plain value; the functions are pure.
#ifndef KEFU_TEXT_CALLBACK_H_
#define KEFU_TEXT_CALLBACK_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/time.h"
#include "kefu/text/phrase_matcher.h"

namespace kefu {

struct CallbackRule {
  static constexpr std::string_view kRule = "PH-CALLBACK";
  bool enabled = true;
  Severity severity = Severity::kError;
  // The deferral grammar: whatever its words, a reply puts its answer off
  // when it says it will answer later, or that it is checking first.
  //   later-answer   LATER [FILLER]… REPLY-VERB: 稍后回复, 稍后给您回复,
  //                  晚点告诉您, 再联系您, 核实后给您答复, 30分钟内回复 (LATER
  //                  is a later word, or the 后/内/前 of a time), with at most
  //                  four fillers between (给 您 你 跟 向 为 再 就 会 尽快 马上
  //                  立即 第一时间 我 我们 这边 统一 及时);
  //   checking       a CHECK-VERB asked of the agent and not yet done: after
  //                  帮您 给您 为您 替您 我去 我先 我再 去 先 再 还在 正在 等我
  //                  这边, or before 一下 / 一下子 / 看看 (帮您问一下,
  //                  我问一下, 还在核实, 正在确认, 等我确认).
  // Not a deferral: the customer as the one who answers or checks (请…,
  // 麻烦…, 您/你… not after 帮/给/为/替/跟/向/和, or a reply verb followed by
  // 我/我们/客服/本店: 收到后回复我们), and checking already done (已/已经/
  // 刚… before, 过/了/完/好/到 after: 已经核实过了). Words are matched as a
  // normalized phrase list (traditional characters folded, full-width and
  // case folded, spaces, punctuation and emoji between characters skipped):
  // 稍後回覆您 and 稍 后 回 复 are deferrals too.
  std::vector<std::string> later_words = {
      "稍后", "稍候", "晚点", "晚些", "晚一点", "晚一些", "过会", "过一会", "过会儿",
      "过一会儿", "待会", "待会儿", "等会", "等会儿", "一会", "一会儿", "回头", "随后",
      "改天", "迟些", "迟点", "之后", "以后", "后", "之内", "以内", "内", "之前", "以前",
      "前", "再", "明天", "明日", "后续", "到时", "到时候"};
  std::vector<std::string> reply_verbs = {
      "回复", "答复", "回覆", "答覆", "回话", "回电", "回电话", "回您", "回你", "告诉",
      "告知", "通知", "联系", "反馈", "解答", "答疑", "说明", "给您消息", "给您结果",
      "给您答案", "回消息", "回信"};
  std::vector<std::string> check_verbs = {"核实", "确认", "查询", "查看", "查", "问",
                                          "咨询", "核对", "请示", "询问", "打听", "反映"};
  // Literal deferral phrases a shop adds (matched like the grammar's words);
  // each is a deferral wherever it stands.
  std::vector<std::string> deferral_markers = {};
  // The finding's suggestion for a deferral without a definite time.
  std::string suggestion = "请给客户确切的答复时间，例如：我核实后30分钟内回复您";
  // Shop: how long after a wrong answer is found the call back is due.
  Duration call_back_within = absl::Minutes(30);

  // kInvalidArgument when enabled with neither grammar words (later words,
  // reply verbs and check verbs) nor markers, with an empty or invalid
  // UTF-8 word or marker, or a negative call_back_within.
  KEFU_EXPORT absl::Status Validate() const;
};

// Bytes [begin, end) of a reply.
struct TextSpan {
  size_t begin = 0;
  size_t end = 0;
};

// The leftmost deferral of `reply` by the rule's grammar (its span: from
// the later word or the checking prefix to the reply verb or the check
// verb's 一下), or nullopt. Words match as a normalized PhraseList would
// (ill-formed bytes match nothing). This compiles the grammar on every call:
// ReplyChecker::FindDeferral uses the one its checker compiled once.
KEFU_EXPORT std::optional<TextSpan> FindDeferral(std::string_view reply,
                                                 const CallbackRule& rule);

// A definite time a reply promises, read against the instant it was sent.
struct PromisedTime {
  TextSpan span;  // the time expression in the reply
  Timestamp at;   // the instant promised
};

// The first definite time expression of `reply` (the grammar above), read
// against `now` on `calendar` (its time zone, working days and hours), or
// nullopt when there is none, or when the calendar cannot place it (下班前
// with no working day in the next 14 days; more working days than the
// calendar knows of). Invalid UTF-8 is skipped.
KEFU_EXPORT std::optional<PromisedTime> FindPromisedTime(std::string_view reply, Timestamp now,
                                                         const BusinessCalendar& calendar);

// True when `reply` holds a definite time expression, whatever instant it
// would resolve to (no calendar needed).
KEFU_EXPORT bool HasDefiniteTime(std::string_view reply);

}  // namespace kefu

#endif  // KEFU_TEXT_CALLBACK_H_
