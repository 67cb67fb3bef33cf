// The shop's entity maps (src/core/entity_key.h): looking an entity up by
// its id in a map keyed by EntityKey, against the same map keyed by
// std::string (what the shop used before), with the same ids, the same
// lookup order and the same pointer-sized value (an entity is a handle to
// its heap block, as Order is).
//
// The ids are 16-digit order numbers, as in `kefu sample` ("TB" and 14
// digits: one byte over std::string's inline room). Lookups go in a
// shuffled order: with 10,000 entries the map stays in the cache (warm);
// with 1,000,000 nearly every lookup misses it (cold), as in a large shop.
// The counter heap_bytes_per_entry is malloc's growth for building the map,
// over its entries. The map is built in one go, so a std::string key's heap
// block lies right after its node, as in a shop that creates its entities
// one at a time: the baseline's extra block is often on the node's next
// cache line, which the hardware fetches with it.
//
//   taskset -c 1 build/default/bench/entity_key_bench
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "core/entity_key.h"

namespace {

struct Entity {
  void* handle = nullptr;
};

std::vector<std::string> Ids(size_t n) {
  std::vector<std::string> ids;
  ids.reserve(n);
  char buf[32];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "TB2026%010zu", 1102000000 + i * 7);
    ids.emplace_back(buf);
  }
  return ids;
}

// The ids in the order they are looked up.
std::vector<std::string> Shuffled(std::vector<std::string> ids) {
  std::mt19937_64 rng(21);
  std::shuffle(ids.begin(), ids.end(), rng);
  return ids;
}

size_t HeapInUse() { return mallinfo2().uordblks; }

template <class Map, class MakeKey>
void RunFind(benchmark::State& state, MakeKey make_key) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::vector<std::string> ids = Ids(n);
  const std::vector<std::string> order = Shuffled(ids);
  const size_t before = HeapInUse();
  Map map;
  for (const std::string& id : ids) map.try_emplace(make_key(id), Entity{});
  const size_t heap = HeapInUse() - before;
  size_t i = 0;
  for (auto _ : state) {
    // As the shop searches: with an absl::string_view of the event's key.
    auto it = map.find(absl::string_view(order[i].data(), order[i].size()));
    benchmark::DoNotOptimize(it->second.handle);
    if (++i == order.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["heap_bytes_per_entry"] = static_cast<double>(heap) / static_cast<double>(n);
}

void BM_EntityMapFind(benchmark::State& state) {
  RunFind<kefu::internal::EntityMap<Entity>>(
      state, [](const std::string& id) { return kefu::internal::EntityKey(id); });
}
BENCHMARK(BM_EntityMapFind)->Arg(10000)->Arg(1000000);

// The baseline: absl's node map keyed by std::string, with absl's
// transparent string hash (the same hash EntityKey's map uses).
void BM_BaselineStringKeyFind(benchmark::State& state) {
  RunFind<absl::node_hash_map<std::string, Entity>>(state,
                                                    [](const std::string& id) { return id; });
}
BENCHMARK(BM_BaselineStringKeyFind)->Arg(10000)->Arg(1000000);

}  // namespace

BENCHMARK_MAIN();
