// core/hot_text.h: the hot paths' text copy and comparisons agree with the
// standard library's, empty views with no storage included.
#include "core/hot_text.h"

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace kefu::internal {
namespace {

std::vector<std::string_view> Texts() {
  static const std::string kStored = "TB20261102000740";
  return {std::string_view(),  // no storage: a null pointer
          std::string_view(kStored.data(), 0),
          "T",
          "TB",
          "TB2026110200074",
          kStored,
          "TB20261102000740.3",
          "TB20261102000741",
          std::string_view("a\0b", 3),
          std::string_view("a\0c", 3)};
}

TEST(HotText, SameTextIsEquality) {
  for (std::string_view a : Texts()) {
    for (std::string_view b : Texts()) {
      EXPECT_EQ(SameText(a, b), a == b) << '"' << a << "\" \"" << b << '"';
    }
  }
}

TEST(HotText, StartsWithTextIsAPrefixCheck) {
  for (std::string_view text : Texts()) {
    for (std::string_view prefix : Texts()) {
      const bool expected =
          text.size() >= prefix.size() && text.substr(0, prefix.size()) == prefix;
      EXPECT_EQ(StartsWithText(text, prefix), expected)
          << '"' << text << "\" \"" << prefix << '"';
    }
  }
}

TEST(HotText, AssignTextReplacesAndKeepsTheBlock) {
  std::string s(100, 'x');
  const size_t capacity = s.capacity();
  for (std::string_view text : Texts()) {
    AssignText(&s, text);
    EXPECT_EQ(s, text);
    EXPECT_EQ(s.capacity(), capacity);
  }
}

// Each way through AssignText: a text no longer than the string holds
// (copied over, the rest cut), a longer one within its block, one past its
// block, an empty one; each result a proper C string too.
TEST(HotText, AssignTextOverShorterEqualAndLongerTexts) {
  std::string s(32, 'x');  // on the heap: room for 32 bytes
  const char* block = s.data();
  const std::string_view steps[] = {
      "TB20261102000741.1-padded-to-32b",     // as long
      "TB20261102000741",                     // shorter
      "TB20261102000741.25",                  // longer, within the block
      "",                                     // empty
      "晴雨伞",                                // UTF-8
      std::string_view("a\0b", 3),            // an embedded NUL
  };
  for (std::string_view text : steps) {
    AssignText(&s, text);
    EXPECT_EQ(s, text);
    EXPECT_EQ(s.size(), text.size());
    EXPECT_EQ(s.c_str()[s.size()], '\0');
    EXPECT_EQ(s.data(), block);  // the same block throughout
  }
  const std::string longer(200, 'y');
  AssignText(&s, longer);  // past the block: the library grows it
  EXPECT_EQ(s, longer);
  AssignText(&s, "short again");
  EXPECT_EQ(s, "short again");
  EXPECT_EQ(s.c_str()[s.size()], '\0');
}

}  // namespace
}  // namespace kefu::internal
