// internal::Pack and SamePacked (src/core/schema.h): the event reader's
// look-up of keys, types and enum values a word at a time.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "core/schema.h"
#include "gtest/gtest.h"

namespace kefu::internal {
namespace {

// What Pack must give: the first 16 bytes copied into zeroed words.
PackedName Reference(std::string_view text) {
  unsigned char bytes[16] = {};
  std::memcpy(bytes, text.data(), text.size() < 16 ? text.size() : 16);
  PackedName p;
  std::memcpy(&p.lo, bytes, 8);
  std::memcpy(&p.hi, bytes + 8, 8);
  p.size = text.size();
  return p;
}

// Bytes of every value, NUL and high bytes included.
std::string Bytes(size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((seed * 131 + i * 37 + (i >> 1)) & 0xFF);
  return s;
}

TEST(PackedName, EqualsTheBytesCopiedForEveryLength) {
  for (size_t n = 0; n <= 40; ++n) {
    for (unsigned seed = 0; seed < 64; ++seed) {
      const std::string s = Bytes(n, seed);
      const PackedName got = Pack(s);
      const PackedName want = Reference(s);
      EXPECT_EQ(got.lo, want.lo) << "n=" << n << " seed=" << seed;
      EXPECT_EQ(got.hi, want.hi) << "n=" << n << " seed=" << seed;
      EXPECT_EQ(got.size, n);
    }
  }
}

// Each length's text at the very end of a block of its own size: a read
// past it is caught by the address sanitizer build.
TEST(PackedName, ReadsOnlyTheTextsBytes) {
  for (size_t n = 1; n <= 24; ++n) {
    std::unique_ptr<char[]> block(new char[n]);
    const std::string s = Bytes(n, 7);
    std::memcpy(block.get(), s.data(), n);
    const PackedName got = Pack(std::string_view(block.get(), n));
    EXPECT_EQ(got.lo, Reference(s).lo);
    EXPECT_EQ(got.hi, Reference(s).hi);
  }
}

TEST(PackedName, SameOnlyForTheSameName) {
  const std::string base = "payment_received_at_the_counter";  // 31 bytes
  for (size_t n = 0; n <= base.size(); ++n) {
    const std::string a = base.substr(0, n);
    EXPECT_TRUE(SamePacked(Pack(a), a, Pack(a), a));
    // Each byte changed, and each shorter prefix, differ.
    for (size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = static_cast<char>(b[i] ^ 0x20);
      EXPECT_FALSE(SamePacked(Pack(a), a, Pack(b), b)) << a << " vs " << b;
    }
    for (size_t m = 0; m < n; ++m) {
      const std::string b = a.substr(0, m);
      EXPECT_FALSE(SamePacked(Pack(a), a, Pack(b), b)) << a << " vs " << b;
    }
  }
  // A NUL inside a name is a byte like any other, not its end.
  const std::string with_nul("ab\0", 3);
  EXPECT_FALSE(SamePacked(Pack(with_nul), with_nul, Pack("ab"), "ab"));
}

}  // namespace
}  // namespace kefu::internal
