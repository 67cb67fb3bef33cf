// The store interface's out-of-line parts (kefu/engine/store.h).
#include "kefu/engine/store.h"

namespace kefu {

ShopStore::~ShopStore() = default;

const char* StoredResultName(const StoredResult& r) {
  if (!r.outcome.ok()) return "rejected";
  if (r.outcome->audit.duplicate) return "duplicate";
  return r.outcome->refused() ? "refused" : "applied";
}

}  // namespace kefu
