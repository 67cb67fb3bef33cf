// day_text.h: a local day as absl::FormatCivilTime writes it ("2026-11-03"),
// without going through its time-zone formatter (about 2,100 instructions
// a day; an order's placement writes one, for ORD-UNSHIPPED's ship day).
// Private.
#ifndef KEFU_CORE_DAY_TEXT_H_
#define KEFU_CORE_DAY_TEXT_H_

#include <string>

#include "absl/time/civil_time.h"

namespace kefu::internal {

// absl::FormatCivilTime(day), byte for byte.
inline std::string DayText(absl::CivilDay day) {
  const auto year = day.year();
  if (year < 1000 || year > 9999) return absl::FormatCivilTime(day);  // unpadded, or longer
  std::string out(10, '-');
  auto put = [&out](size_t at, int digits, long long v) {
    for (int i = digits - 1; i >= 0; --i, v /= 10)
      out[at + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, year);
  put(5, 2, day.month());
  put(8, 2, day.day());
  return out;
}

}  // namespace kefu::internal

#endif  // KEFU_CORE_DAY_TEXT_H_
