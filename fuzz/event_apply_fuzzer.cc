// libFuzzer target: the event format and the shop engine over arbitrary
// bytes, as `kefu replay` meets them.
//
// Each input is an event file: it is split into lines at '\n' (NUL bytes and
// all), every line goes through ParseEvent, every event that parses is
// applied to one Shop made for the input, and at the end the shop is asked
// what is due at the time of the last event. Nothing may crash, leak, read
// out of bounds or trip UBSan (the build runs ASan and UBSan), and the
// results keep their promises:
//   - ParseEvent returns an event, kNotFound for a blank line only, or
//     kInvalidArgument; an event it returns is written by FormatEvent in a
//     form that parses back to the same line (the canonical form), with a
//     time CheckEventTime takes;
//   - Apply returns an Outcome or an error status, never throws;
//   - Due(now) hands back items due by `now` only, in time order.
// Seeds: fuzz/corpus_events/, made from `kefu sample` weeks (see
// fuzz/make_event_corpus.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kefu/core/calendar.h"
#include "kefu/core/time.h"
#include "kefu/engine/shop.h"
#include "kefu/io/events.h"
#include "kefu/text/reply_checker.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The reply checker and the calendar are built once: a checker compiles
  // its phrase lists, which would cost more than a whole input.
  static const std::shared_ptr<const kefu::ReplyChecker> checker =
      std::make_shared<const kefu::ReplyChecker>(*kefu::ReplyChecker::Default());
  static const std::shared_ptr<const kefu::BusinessCalendar> calendar =
      std::make_shared<const kefu::BusinessCalendar>(kefu::BusinessCalendar::Default());
  kefu::ShopOptions options;
  options.shards = 1;
  options.reply_checker = checker;
  options.calendar = calendar;
  absl::StatusOr<std::unique_ptr<kefu::Shop>> shop = kefu::Shop::Create(std::move(options));
  Require(shop.ok());

  kefu::Timestamp last = absl::InfinitePast();
  int64_t number = 0;
  for (size_t at = 0; at <= input.size();) {
    size_t nl = input.find('\n', at);
    if (nl == std::string_view::npos) nl = input.size();
    const std::string_view line = input.substr(at, nl - at);
    at = nl + 1;
    ++number;
    absl::StatusOr<kefu::ShopEvent> event = kefu::ParseEvent(line, number);
    if (!event.ok()) {
      const absl::StatusCode code = event.status().code();
      Require(code == absl::StatusCode::kInvalidArgument ||
              (code == absl::StatusCode::kNotFound && kefu::IsBlankLine(line)));
      continue;
    }
    Require(!kefu::IsBlankLine(line));
    const kefu::EventMeta& meta = kefu::MetaOf(*event);
    Require(kefu::CheckEventTime(meta.at).ok());
    // The canonical form parses back to itself.
    const std::string canonical = kefu::FormatEvent(*event);
    absl::StatusOr<kefu::ShopEvent> again = kefu::ParseEvent(canonical);
    Require(again.ok());
    Require(kefu::FormatEvent(*again) == canonical);

    last = meta.at;
    absl::StatusOr<kefu::Outcome> out = (*shop)->Apply(*event);
    (void)out;
  }
  if (last != absl::InfinitePast()) {
    const std::vector<kefu::DueItem> due = (*shop)->Due(last);
    for (size_t i = 0; i < due.size(); ++i) {
      Require(due[i].at <= last);
      if (i > 0) Require(due[i - 1].at <= due[i].at);
    }
    (void)(*shop)->CountStates();
    (void)(*shop)->ReplyReport();
  }
  return 0;
}
