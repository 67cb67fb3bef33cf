// The entity maps' key (src/core/entity_key.h): text kept in place up to
// 23 bytes and on the heap past that, copies and moves of both, and maps
// searched with any text and visited in the order a std::string key gives.
#include "core/entity_key.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace kefu::internal {
namespace {

TEST(EntityKey, KeepsUpTo23BytesInPlaceAndLongerOnTheHeap) {
  for (size_t n : {0, 1, 15, 16, 22, 23, 24, 25, 100}) {
    std::string text;
    for (size_t i = 0; i < n; ++i) text.push_back(static_cast<char>('a' + i % 26));
    const EntityKey key(text);
    EXPECT_EQ(key.view(), text) << n;
    EXPECT_EQ(key.is_inline(), n <= EntityKey::kInline) << n;
    if (key.is_inline() && n > 0) {
      const char* begin = reinterpret_cast<const char*>(&key);
      EXPECT_GE(key.view().data(), begin) << n;
      EXPECT_LE(key.view().data() + n, begin + sizeof(EntityKey)) << n;
    }
  }
}

TEST(EntityKey, HoldsAnyBytes) {
  const std::string text("a\0b\xff", 4);
  EXPECT_EQ(EntityKey(text).view(), text);
  const std::string long_text = std::string(30, '\0') + "x";
  EXPECT_EQ(EntityKey(long_text).view(), long_text);
}

TEST(EntityKey, CopiesAndMovesOfShortAndLongKeys) {
  for (const std::string& text : {std::string("TB20261102005990"), std::string(40, 'k')}) {
    EntityKey a(text);
    EntityKey b(a);  // a copy owns its own block
    EXPECT_EQ(b.view(), text);
    if (!a.is_inline()) {
      EXPECT_NE(a.view().data(), b.view().data());
    }
    EntityKey c(std::move(a));
    EXPECT_EQ(c.view(), text);
    EntityKey d("x");
    d = c;
    EXPECT_EQ(d.view(), text);
    EntityKey e(std::string(50, 'e'));
    e = std::move(d);  // frees e's own long block (ASan sees a leak otherwise)
    EXPECT_EQ(e.view(), text);
    e = e;  // NOLINT: self-assignment keeps the key
    EXPECT_EQ(e.view(), text);
    EXPECT_EQ(b, c);
    EXPECT_NE(b, EntityKey("other"));
    EXPECT_LT(EntityKey("TB1"), EntityKey(text));  // by text, as std::string
    EXPECT_FALSE(EntityKey(text) < EntityKey(text));
  }
}

// Set gives a key a new text as assigning a new key would: short over
// long and long over short, its number reset.
TEST(EntityKey, SetReplacesTheTextAndResetsTheNumber) {
  const std::string long_text(40, 'L');
  const std::string_view texts[] = {"TB20261102000740", long_text, "", "木子1344", long_text};
  EntityKey key("first");
  for (std::string_view text : texts) {
    key.set_number(7);
    key.Set(text);
    EXPECT_EQ(key.view(), text);
    EXPECT_EQ(key.is_inline(), text.size() <= EntityKey::kInline);
    EXPECT_EQ(key.number(), EntityKey::kNoNumber);
    EXPECT_EQ(key, EntityKey(text));
  }
}

TEST(EntityKey, KeepsANumberOutsideItsIdentity) {
  EntityKey a("TB20261102005990");
  EXPECT_EQ(a.number(), EntityKey::kNoNumber);
  EntityMap<int> map;
  auto it = map.try_emplace(EntityKey("TB20261102005990"), 1).first;
  it->first.set_number(42);  // on a key in a map
  EXPECT_EQ(map.find(a.view())->first.number(), 42u);
  EXPECT_EQ(it->first, a);  // the number is not compared
  EntityKey b(it->first);
  EXPECT_EQ(b.number(), 42u);
  EntityKey c(std::string(30, 'c'));
  c.set_number(7);
  EntityKey d(std::move(c));
  EXPECT_EQ(d.number(), 7u);
  a = d;
  EXPECT_EQ(a.number(), 7u);
}

TEST(EntityKey, MapIsSearchedWithAnyText) {
  EntityMap<int> map;
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) {
    keys.push_back(i % 3 == 0 ? "TB2026110200" + std::to_string(4000 + i)
                              : std::string(static_cast<size_t>(i % 40), 'q') + std::to_string(i));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    map.try_emplace(EntityKey(keys[i]), static_cast<int>(i));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string& k = keys[i];
    ASSERT_NE(map.find(k), map.end());
    EXPECT_EQ(map.find(std::string_view(k))->second, static_cast<int>(i));
    EXPECT_EQ(map.find(absl::string_view(k.data(), k.size()))->second, static_cast<int>(i));
    EXPECT_EQ(map.find(EntityKey(k))->first.view(), k);
  }
  EXPECT_EQ(map.find(std::string_view("absent")), map.end());
  // Every key visited once.
  std::vector<std::string> visited;
  for (const auto& [key, value] : map) visited.emplace_back(key.view());
  std::sort(visited.begin(), visited.end());
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(visited, sorted);
  // A node never moves: the key's address stays as the map grows.
  const EntityKey* first = &map.find(keys[0])->first;
  for (int i = 0; i < 5000; ++i) map.try_emplace(EntityKey("more" + std::to_string(i)), i);
  EXPECT_EQ(&map.find(keys[0])->first, first);
}

}  // namespace
}  // namespace kefu::internal
