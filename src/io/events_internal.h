// io/events_internal.h: the two readers behind kefu::ParseEvent, for the
// differential test, the benchmark and the fuzzer (not installed).
//
// ParseEvent reads a line with simdjson's DOM parse (ParseEventFast);
// a line that reader does not take goes to the nlohmann-json reader
// (ParseEventReference), which words the error. The reference is the
// format's definition as it was before simdjson: the fast reader must take
// a line only when the reference takes it, and give the same event
// (tests/io/events_differential_test.cc, fuzz/event_parse_fuzzer.cc).
#ifndef KEFU_IO_EVENTS_INTERNAL_H_
#define KEFU_IO_EVENTS_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/engine/shop_event.h"

namespace kefu::internal {

// simdjson alone: true with `*event` filled (a default ShopEvent on entry)
// when `line` is one valid event; false for anything else, blank lines and
// lines with a NUL byte included, without a reason.
KEFU_EXPORT bool ParseEventFast(std::string_view line, ShopEvent* event);

// nlohmann-json alone: ParseEvent as it was before simdjson (same blank-line
// and NUL-byte checks, same messages).
KEFU_EXPORT absl::StatusOr<ShopEvent> ParseEventReference(std::string_view line,
                                                          int64_t line_number = 0);

// ParseEvent into `*out`: the same result as `*out = ParseEvent(line,
// line_number)`, reading over the event `*out` holds, if any (its key's
// heap block and its shell are kept: `kefu replay` parses each line into
// an item it reuses).
KEFU_EXPORT void ParseEventInto(std::string_view line, int64_t line_number,
                                absl::StatusOr<ShopEvent>* out);

// Whether `line` holds a number that starts with -0 outside its strings
// (a '-' then '0'). simdjson's DOM keeps -0 as the integer 0, which the
// reference refuses for a non-negative field: on such a line
// ParseEventFast refuses a non-negative field's 0, and so also a valid
// line with a -0 in a signed field and a 0 in a non-negative one (the
// only valid lines it leaves to the reference; ParseEvent gives the
// reference's result for them).
KEFU_EXPORT bool HoldsMinusZeroNumber(std::string_view line);

// Which of simdjson's kernels ParseEventFast runs, e.g. "simdjson
// icelake": the library chooses it at run time for the CPU, for both of
// its stages (the DOM parse).
KEFU_EXPORT std::string SimdjsonKernels();

}  // namespace kefu::internal

#endif  // KEFU_IO_EVENTS_INTERNAL_H_
