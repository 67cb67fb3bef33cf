// word_hash.h: a quick 64-bit hash of a short text, eight bytes a step.
// Private. For hashes kept in memory only (never saved: the function may
// change), where a byte at a time (FNV-1a) cost four instructions a byte:
// the idempotency log's id filter, the event-id index's second hash.
#ifndef KEFU_CORE_WORD_HASH_H_
#define KEFU_CORE_WORD_HASH_H_

#include <cstdint>
#include <cstring>
#include <string_view>

namespace kefu::internal {

// Eight bytes a step, the rest a byte at a time, each step and the end
// mixed with splitmix64's multipliers. `seed` picks one of a family of
// functions.
inline uint64_t WordHash(std::string_view text, uint64_t seed = 0) {
  uint64_t h = (seed ^ text.size()) * 0x9E3779B97F4A7C15ull;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  for (int shift = 0; i < text.size(); ++i, shift += 8) {
    tail |= uint64_t{static_cast<uint8_t>(text[i])} << shift;
  }
  h = (h ^ tail) * 0x94D049BB133111EBull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return h;
}

}  // namespace kefu::internal

#endif  // KEFU_CORE_WORD_HASH_H_
