// Private: bridges std::string_view and absl::string_view.
//
// Debian 12's Abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW 0, so
// absl::string_view is its own type and absl::StrCat / absl::Status do not
// take a std::string_view directly. kefu's API uses std::string_view; call
// ToAbsl() where the two meet.
#ifndef KEFU_SRC_CORE_ABSL_COMPAT_H_
#define KEFU_SRC_CORE_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace kefu::internal {

inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view FromAbsl(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace kefu::internal

#endif  // KEFU_SRC_CORE_ABSL_COMPAT_H_
