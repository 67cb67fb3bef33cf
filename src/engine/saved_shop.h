// Internal: what a store may know of a saved shop's bytes (Shop::Save)
// without reading them all. Private.
#ifndef KEFU_ENGINE_SAVED_SHOP_H_
#define KEFU_ENGINE_SAVED_SHOP_H_

#include <cstdint>
#include <string_view>

namespace kefu::internal {

// The CRC-32 (Crc32) of all of `saved`'s bytes, taken from the checksum a
// saved shop ends with (the CRC-32 of every byte before it) and its last
// four bytes, without reading the rest. A store whose checksum covers a
// saved shop among other bytes combines it with theirs (Crc32Combine)
// instead of reading the shop's bytes twice; Shop::Load still reads them
// all against the checksum they carry. Bytes too short to end with one are
// read whole.
uint32_t SavedShopChecksum(std::string_view saved);

}  // namespace kefu::internal

#endif  // KEFU_ENGINE_SAVED_SHOP_H_
