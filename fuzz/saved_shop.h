// What shop_load_fuzzer and make_section_seeds take a seed for: the body of
// a saved shop, between the mark "KEFUSHOP" with its format and the CRC-32
// at its end. SavedShopOf(body) puts those around it; BodyOf(saved) takes
// them off again.
#ifndef KEFU_FUZZ_SAVED_SHOP_H_
#define KEFU_FUZZ_SAVED_SHOP_H_

#include <string>
#include <string_view>

#include "core/codec.h"
#include "kefu/engine/shop.h"

namespace kefu::fuzz {

// The mark and a one-byte format (kSaveFormat is under 128, one varint byte).
inline constexpr size_t kHeadBytes = 9;
inline constexpr size_t kCrcBytes = 4;

inline std::string SavedShopOf(std::string_view body) {
  std::string saved = "KEFUSHOP";
  saved.push_back(static_cast<char>(Shop::kSaveFormat));
  saved.append(body);
  internal::ByteWriter w(&saved);
  w.Fixed32(internal::Crc32(saved));
  return saved;
}

inline std::string_view BodyOf(std::string_view saved) {
  return saved.substr(kHeadBytes, saved.size() - kHeadBytes - kCrcBytes);
}

}  // namespace kefu::fuzz

#endif  // KEFU_FUZZ_SAVED_SHOP_H_
