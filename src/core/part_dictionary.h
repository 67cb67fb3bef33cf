// part_dictionary.h: byte strings that more than one record holds, kept
// once per process and numbered. Private.
#ifndef KEFU_CORE_PART_DICTIONARY_H_
#define KEFU_CORE_PART_DICTIONARY_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "core/absl_compat.h"
#include "core/hot_text.h"

namespace kefu::internal {

// Parts (byte strings of at most kMaxShared bytes) that more than one record
// had, kept once per process: a record whose part is here holds its number
// instead. The first time a thread offers a part (or the first time since
// the thread's direct-mapped caches forgot it) only its hash is remembered,
// without a lock, and the part stays in its record; the second time it is
// looked up, and copied in and numbered when it is new, so that parts seen
// once (an order's placement, with its buyer's digest) do not fill the
// dictionary. Append-only and bounded (kShards shards of at most
// kShardEntries parts and kShardBytes bytes, 32 MiB in all): when a shard is
// full, parts stay in their records. Safe from any thread; a thread's
// recent parts are found without a lock.
//
// Each Tag is a dictionary of its own, with its own numbers and its own
// thread caches: the idempotency logs' record parts (machine.cc) and the
// orders' place names and products (packed_order.cc) do not share numbers.
template <class Tag>
class PartDictionary {
 public:
  static constexpr size_t kMaxShared = 255;

  // The process's dictionary of this Tag. Never destroyed: what holds its
  // numbers may outlive statics.
  static PartDictionary& Get() {
    static PartDictionary* const d = new PartDictionary;
    return *d;
  }

  // What NumberOf answers for a part not (yet) in the dictionary: no
  // number is this large (at most kShardEntries << kShardBits).
  static constexpr uint32_t kNone = ~uint32_t{0};

  // The number of `part`, or kNone when it is not (yet) in the dictionary.
  // A plain word, not an optional: inlined into a caller that copies the
  // answer on, an optional<uint32_t> was built on the stack in two stores
  // and read back in one load that the CPU cannot forward from them (a
  // stall of a dozen cycles, an eighth of AppliedEvents::Record's own
  // samples under perf).
  uint32_t NumberOf(std::string_view part) {
    const uint64_t h = HashText(part);
    struct Cached {
      uint64_t hash;
      uint32_t number_plus_one;
    };
    thread_local Cached cache[kCached];
    Cached& c = cache[(h >> 7) & (kCached - 1)];
    if (c.number_plus_one != 0 && c.hash == h && SameText(Bytes(c.number_plus_one - 1), part)) {
      return c.number_plus_one - 1;
    }
    // The thread's candidates: a part this thread has not offered lately
    // (most parts seen once: an order's placement) costs no lock, and
    // stays in its record even when another thread kept the same bytes.
    thread_local uint64_t candidates[kCandidates];
    uint64_t& candidate = candidates[(h >> 17) & (kCandidates - 1)];
    if (candidate != h) {
      candidate = h;
      return kNone;
    }
    const uint32_t number = Keep(part, h);
    if (number != kNone) {
      c.hash = h;
      c.number_plus_one = number + 1;
    }
    return number;
  }

  // The number of `part`, kept now if it is new (a part a saved shop says
  // more than one record has): nullopt only when its shard is full.
  std::optional<uint32_t> Share(std::string_view part) {
    const uint32_t number = Keep(part, HashText(part));
    if (number == kNone) return std::nullopt;
    return number;
  }

  // The part numbered `number` (a number NumberOf returned).
  std::string_view Bytes(uint32_t number) const {
    const Shard& shard = shards_[number & (kShards - 1)];
    const uint32_t local = number >> kShardBits;
    const Entry& e = shard.chunks[local / kChunk].load(std::memory_order_acquire)[local % kChunk];
    return std::string_view(e.data, e.size);
  }

 private:
  // Finds or keeps `part`, whose hash is `h`, under its shard's lock;
  // kNone when its shard is full.
  uint32_t Keep(std::string_view part, uint64_t h) {
    const uint32_t shard_index = static_cast<uint32_t>(h & (kShards - 1));
    Shard& shard = shards_[shard_index];
    uint32_t number;
    {
      std::lock_guard lock(shard.mu);
      auto it = shard.numbers.find(part);
      if (it != shard.numbers.end()) {
        number = it->second;
      } else {
        if (shard.size == kShardEntries || shard.bytes + part.size() > kShardBytes) {
          return kNone;
        }
        if (shard.arena_left < part.size()) {
          shard.arena = new char[kArenaBlock];
          shard.arena_left = kArenaBlock;
        }
        char* to = shard.arena;
        std::memcpy(to, part.data(), part.size());
        shard.arena += part.size();
        shard.arena_left -= part.size();
        shard.bytes += part.size();
        const uint32_t local = shard.size++;
        Entry* chunk = shard.chunks[local / kChunk].load(std::memory_order_acquire);
        if (chunk == nullptr) {
          chunk = new Entry[kChunk];
          shard.chunks[local / kChunk].store(chunk, std::memory_order_release);
        }
        chunk[local % kChunk] = Entry{to, static_cast<uint32_t>(part.size())};
        number = local << kShardBits | shard_index;
        shard.numbers.emplace(std::string_view(to, part.size()), number);
      }
    }
    return number;
  }

  static constexpr int kShardBits = 4;
  static constexpr uint32_t kShards = 1u << kShardBits;
  // A small shop's dictionary takes 16 KiB a shard (a chunk of numbers and
  // a block of bytes), 256 KiB in all, and grows by as much.
  static constexpr uint32_t kChunk = 512;
  static constexpr uint32_t kShardEntries = 1u << 16;
  static_assert((uint64_t{kShardEntries} << kShardBits) <= kNone, "a number could be kNone");
  static constexpr size_t kShardBytes = size_t{2} << 20;
  static constexpr size_t kArenaBlock = 8 << 10;
  static constexpr size_t kCandidates = 4096;  // a thread's: 32 KiB
  static constexpr size_t kCached = 2048;      // a thread's: 32 KiB
  struct Entry {
    const char* data;
    uint32_t size;
  };
  struct Shard {
    std::mutex mu;
    absl::flat_hash_map<std::string_view, uint32_t, TextHash> numbers;  // views into the arena
    uint32_t size = 0;
    size_t bytes = 0;
    char* arena = nullptr;
    size_t arena_left = 0;
    std::array<std::atomic<Entry*>, kShardEntries / kChunk> chunks{};
  };
  std::array<Shard, kShards> shards_;
};

}  // namespace kefu::internal

#endif  // KEFU_CORE_PART_DICTIONARY_H_
