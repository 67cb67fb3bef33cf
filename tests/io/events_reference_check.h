// tests/io/events_reference_check.h: ParseEvent (simdjson, with the
// nlohmann-json reference wording its errors) against the reference alone
// (internal::ParseEventReference, io/events_internal.h) on the same line.
#ifndef KEFU_TESTS_IO_EVENTS_REFERENCE_CHECK_H_
#define KEFU_TESTS_IO_EVENTS_REFERENCE_CHECK_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "io/events_internal.h"
#include "kefu/io/events.h"

namespace kefu::testing_events {

// Printable: the line with control and non-ASCII bytes as \xNN.
inline std::string Visible(std::string_view line) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

// The differences between two parses of one line ("" when there is none):
// status code and message, and for events the canonical form, the key and
// the metadata (what FormatEvent writes is every member of the event).
inline std::string Difference(const absl::StatusOr<ShopEvent>& got,
                              const absl::StatusOr<ShopEvent>& want) {
  if (got.ok() != want.ok()) {
    return "simdjson " + (got.ok() ? FormatEvent(*got) : got.status().ToString()) +
           "\nreference " + (want.ok() ? FormatEvent(*want) : want.status().ToString());
  }
  if (!got.ok()) {
    if (got.status() == want.status()) return "";
    return "simdjson " + got.status().ToString() + "\nreference " + want.status().ToString();
  }
  const std::string a = FormatEvent(*got);
  const std::string b = FormatEvent(*want);
  if (a != b) return "simdjson " + a + "\nreference " + b;
  if (got->key != want->key || MetaOf(*got).id != MetaOf(*want).id ||
      MetaOf(*got).agent != MetaOf(*want).agent || MetaOf(*got).at != MetaOf(*want).at) {
    return "the envelope differs: " + a;
  }
  return "";
}

// Checks ParseEvent's result `got` for `line` against the reference's, and
// that the simdjson reader alone takes exactly the lines the reference
// takes. Returns whether all agree.
inline bool AgreesWithReference(std::string_view line, int64_t line_number,
                                const absl::StatusOr<ShopEvent>& got) {
  const absl::StatusOr<ShopEvent> want = internal::ParseEventReference(line, line_number);
  const std::string diff = Difference(got, want);
  EXPECT_EQ(diff, "") << "line: " << Visible(line);
  ShopEvent fast;
  const bool taken = internal::ParseEventFast(line, &fast);
  // The valid lines the simdjson reader leaves to the reference: a -0 in
  // a signed field beside a non-negative field's 0 (events_internal.h).
  const bool excused = !taken && want.ok() && internal::HoldsMinusZeroNumber(line);
  EXPECT_TRUE(taken == want.ok() || excused)
      << "simdjson alone " << (taken ? "takes" : "refuses") << " the line: " << Visible(line);
  return diff.empty() && (taken == want.ok() || excused);
}

// ParseEvent, checked against the reference.
inline absl::StatusOr<ShopEvent> CheckedParse(std::string_view line, int64_t line_number = 0) {
  absl::StatusOr<ShopEvent> got = ParseEvent(line, line_number);
  AgreesWithReference(line, line_number, got);
  return got;
}

}  // namespace kefu::testing_events

#endif  // KEFU_TESTS_IO_EVENTS_REFERENCE_CHECK_H_
