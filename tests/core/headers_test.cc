// Compiled twice, as C++17 and as C++20 (see tests/core/tests.cmake): every
// public header must compile in both. The umbrella includes them all.
#include "kefu/kefu.h"

#include "gtest/gtest.h"

namespace {

TEST(PublicHeaders, CompileAndWorkUnderThisStandard) {
#if __cplusplus >= 202002L
  SCOPED_TRACE("C++20");
#else
  SCOPED_TRACE("C++17");
#endif
  const kefu::Money m = kefu::Money::Yuan(30);
  EXPECT_EQ(m.ToString(), "30.00");
  EXPECT_FALSE(kefu::Version().empty());
}

}  // namespace
