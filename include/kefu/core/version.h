// kefu/core/version.h: the library's version, as compiled and as linked.
// The macros are C as well: kefu/c.h includes this header.
// Thread safety: constants and a pure function.
#ifndef KEFU_CORE_VERSION_H_
#define KEFU_CORE_VERSION_H_

#define KEFU_VERSION_MAJOR 0
#define KEFU_VERSION_MINOR 1
#define KEFU_VERSION_PATCH 0

#ifdef __cplusplus
#include <string_view>

#include "kefu/core/export.h"

namespace kefu {
// The version of the linked library, "0.1.0"; compare with the macros above
// to detect a header/library mismatch.
KEFU_EXPORT std::string_view Version();
}  // namespace kefu
#endif  // __cplusplus

#endif  // KEFU_CORE_VERSION_H_
