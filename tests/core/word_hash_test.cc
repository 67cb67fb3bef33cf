// internal::WordHash (src/core/word_hash.h): the in-memory hash of the id
// filter and the event-id index's second half.
#include "core/word_hash.h"

#include <array>
#include <cstdint>
#include <string>
#include <unordered_set>

#include "gtest/gtest.h"

namespace kefu::internal {
namespace {

// Ids as a shop writes them: an order key and its event number.
std::string IdOf(int order, int event) {
  return "TB202611" + std::to_string(1000000 + order) + "." + std::to_string(event);
}

TEST(WordHash, NoCollisionsOverAWeeksIds) {
  std::unordered_set<uint64_t> seen;
  int n = 0;
  for (int order = 0; order < 40000; ++order) {
    for (int event = 0; event < 6; ++event, ++n) seen.insert(WordHash(IdOf(order, event)));
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(n));
}

TEST(WordHash, EveryByteAndLengthCounts) {
  std::unordered_set<uint64_t> seen;
  std::string s;
  for (int len = 0; len <= 24; ++len) {
    EXPECT_TRUE(seen.insert(WordHash(s)).second) << len;  // "" , "x", "xx", ...
    for (int i = 0; i < len; ++i) {
      std::string t = s;
      t[static_cast<size_t>(i)] = 'y';
      EXPECT_NE(WordHash(t), WordHash(s)) << len << " " << i;
    }
    s += 'x';
  }
  // A zero byte at the end is not the same as a shorter text.
  EXPECT_NE(WordHash(std::string("ab\0", 3)), WordHash("ab"));
}

TEST(WordHash, SeedsGiveOtherFunctions) {
  int same = 0;
  for (int i = 0; i < 1000; ++i) same += WordHash(IdOf(i, 1), 0) == WordHash(IdOf(i, 1), 0x5EED);
  EXPECT_EQ(same, 0);
  EXPECT_EQ(WordHash("TB1.0", 7), WordHash("TB1.0", 7));
}

// The id filter takes two 6-bit fields of the low 32 bits: each of the
// 64 values comes about equally often.
TEST(WordHash, FilterBitsAreSpread) {
  std::array<int, 64> low{}, next{};
  const int n = 64000;
  for (int i = 0; i < n; ++i) {
    const auto h = static_cast<uint32_t>(WordHash(IdOf(i / 8, i % 8)));
    ++low[h & 63];
    ++next[(h >> 6) & 63];
  }
  for (int b = 0; b < 64; ++b) {
    EXPECT_GT(low[b], 800) << b;  // 1,000 expected
    EXPECT_LT(low[b], 1200) << b;
    EXPECT_GT(next[b], 800) << b;
    EXPECT_LT(next[b], 1200) << b;
  }
}

}  // namespace
}  // namespace kefu::internal
