// Private: bridges std::string_view and absl::string_view.
//
// Debian 12's Abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW 0, so
// absl::string_view is its own type and absl::StrCat / absl::Status do not
// take a std::string_view directly. kefu's API uses std::string_view; call
// ToAbsl() where the two meet.
//
// For the same reason absl::Hash<std::string_view> does not hash the bytes
// itself: it takes std::hash's result (libstdc++'s _Hash_bytes) and mixes
// that, about a third slower on keys and ids than absl's own hash of the
// bytes. HashText and TextHash hash a std::string_view as absl hashes an
// absl::string_view.
#ifndef KEFU_SRC_CORE_ABSL_COMPAT_H_
#define KEFU_SRC_CORE_ABSL_COMPAT_H_

#include <cstddef>
#include <string_view>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace kefu::internal {

inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view FromAbsl(absl::string_view s) { return std::string_view(s.data(), s.size()); }

inline size_t HashText(std::string_view s) { return absl::Hash<absl::string_view>{}(ToAbsl(s)); }

// The hasher of absl containers keyed by std::string_view.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return HashText(s); }
};

}  // namespace kefu::internal

#endif  // KEFU_SRC_CORE_ABSL_COMPAT_H_
