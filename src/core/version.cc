#include "kefu/core/version.h"

#include "absl/strings/string_view.h"

namespace kefu {

#define KEFU_STR2_(x) #x
#define KEFU_STR_(x) KEFU_STR2_(x)

std::string_view Version() {
  return KEFU_STR_(KEFU_VERSION_MAJOR) "." KEFU_STR_(KEFU_VERSION_MINOR) "." KEFU_STR_(
      KEFU_VERSION_PATCH);
}

}  // namespace kefu
