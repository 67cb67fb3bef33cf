// The reply checker's public headers compile on their own, as C++17 and as
// C++20 (this file is built twice, see tests.cmake).
#include "kefu/reply_check.h"
#include "kefu/text/callback.h"
#include "kefu/text/meeting.h"
#include "kefu/text/packs.h"
#include "kefu/text/phrase_matcher.h"
#include "kefu/text/privacy.h"
#include "kefu/text/reply_checker.h"

#include <string>

#include "gtest/gtest.h"

namespace kefu {
namespace {

TEST(TextHeaders, CompileAndWork) {
  auto checker = ReplyChecker::Default();
  ASSERT_TRUE(checker.ok());
  std::string suggestion;
  for (const Finding& f : checker->Check("不行")) {
    if (f.rule_id == "PH-NEGATION") suggestion = f.suggestion;
  }
  EXPECT_EQ(suggestion, "无法帮到您");
}

}  // namespace
}  // namespace kefu
