// optional_time.h: a std::optional<Timestamp> in 16 bytes instead of 24,
// for records kept by the hundred thousand (an order's paid and shipped
// times). Private.
//
// An absl::Time is whole seconds and quarter-nanosecond ticks, 12 bytes
// and 4 of padding; std::optional adds its flag after them, and 8 more
// with alignment. OptionalTime keeps the seconds, the ticks and the flag
// in 16: every time comes back as it was given, infinite ones included.
#ifndef KEFU_CORE_OPTIONAL_TIME_H_
#define KEFU_CORE_OPTIONAL_TIME_H_

#include <cstdint>
#include <optional>

#include "absl/time/time.h"
#include "kefu/core/time.h"

namespace kefu::internal {

class OptionalTime {
 public:
  OptionalTime() = default;
  explicit OptionalTime(const std::optional<Timestamp>& t) { *this = t; }

  OptionalTime& operator=(Timestamp t) {
    if (t == absl::InfinitePast()) {
      state_ = kPast;
    } else if (t == absl::InfiniteFuture()) {
      state_ = kFuture;
    } else {
      seconds_ = absl::ToUnixSeconds(t);  // rounds down: the rest is in [0, 1s)
      absl::Duration none;
      ticks_ = static_cast<uint32_t>(
          absl::IDivDuration(t - absl::FromUnixSeconds(seconds_), Tick(), &none));
      state_ = kFinite;
    }
    return *this;
  }
  OptionalTime& operator=(const std::optional<Timestamp>& t) {
    if (t.has_value()) return *this = *t;
    reset();
    return *this;
  }

  void reset() { state_ = kNone; }
  bool has_value() const { return state_ != kNone; }
  // REQUIRES: has_value().
  Timestamp operator*() const {
    switch (state_) {
      case kPast:
        return absl::InfinitePast();
      case kFuture:
        return absl::InfiniteFuture();
      default:
        return absl::FromUnixSeconds(seconds_) + Tick() * ticks_;
    }
  }
  std::optional<Timestamp> get() const {
    return has_value() ? std::optional<Timestamp>(**this) : std::nullopt;
  }

 private:
  // absl::Time's resolution: a quarter of a nanosecond.
  static absl::Duration Tick() { return absl::Nanoseconds(1) / 4; }

  enum : uint32_t { kNone, kFinite, kPast, kFuture };
  int64_t seconds_ = 0;
  uint32_t ticks_ = 0;
  uint32_t state_ = kNone;
};
static_assert(sizeof(OptionalTime) == 16);

}  // namespace kefu::internal

#endif  // KEFU_CORE_OPTIONAL_TIME_H_
