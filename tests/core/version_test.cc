#include "kefu/core/version.h"

#include "gtest/gtest.h"

namespace kefu {
namespace {

TEST(Version, LibraryHeadersAndProjectAgree) {
  EXPECT_EQ(Version(), KEFU_PROJECT_VERSION);
}

}  // namespace
}  // namespace kefu
