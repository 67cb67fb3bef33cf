// libFuzzer target: ParseEvent (simdjson's DOM parse, the nlohmann-json
// reference wording the errors) against the reference alone
// (kefu::internal::ParseEventReference, io/events_internal.h) on arbitrary
// bytes.
//
// Each input is split into lines at '\n' (NUL bytes and all), as
// `kefu replay` reads a file. For every line, aborts when
//   - ParseEvent and the reference disagree: one takes the line and the
//     other does not, the errors differ (code or message), or the events
//     differ (canonical form, key, id, agent, time);
//   - the simdjson reader alone (internal::ParseEventFast) takes a line the
//     reference refuses, gives another event than the reference's, or
//     refuses a line the reference takes (ParseEvent would still be right,
//     through the reference, but slow on a valid line), but for a line
//     with a -0 number (internal::HoldsMinusZeroNumber).
// Seeds: fuzz/corpus_events/ (fuzz/run.sh with FUZZER=event_parse_fuzzer).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "io/events_internal.h"
#include "kefu/io/events.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

bool SameEvent(const kefu::ShopEvent& a, const kefu::ShopEvent& b) {
  const kefu::EventMeta& ma = kefu::MetaOf(a);
  const kefu::EventMeta& mb = kefu::MetaOf(b);
  return kefu::FormatEvent(a) == kefu::FormatEvent(b) && a.key == b.key && ma.id == mb.id &&
         ma.agent == mb.agent && ma.at == mb.at;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  int64_t number = 0;
  for (size_t at = 0; at <= input.size();) {
    size_t nl = input.find('\n', at);
    if (nl == std::string_view::npos) nl = input.size();
    const std::string_view line = input.substr(at, nl - at);
    at = nl + 1;
    ++number;
    const absl::StatusOr<kefu::ShopEvent> got = kefu::ParseEvent(line, number);
    const absl::StatusOr<kefu::ShopEvent> want = kefu::internal::ParseEventReference(line, number);
    Require(got.ok() == want.ok());
    if (got.ok()) {
      Require(SameEvent(*got, *want));
    } else {
      Require(got.status() == want.status());
    }
    kefu::ShopEvent fast;
    const bool taken = kefu::internal::ParseEventFast(line, &fast);
    // The valid lines the simdjson reader leaves to the reference: a -0 in
    // a signed field beside a non-negative field's 0 (events_internal.h).
    Require(taken == want.ok() ||
            (!taken && kefu::internal::HoldsMinusZeroNumber(line)));
    if (taken) Require(SameEvent(fast, *want));
  }
  return 0;
}
