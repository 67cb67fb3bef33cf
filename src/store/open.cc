// Opening a store by name (kefu/store/open.h).
#include "kefu/store/open.h"

#include <string>
#include <utility>

#include "kefu/store/pg_store.h"
#include "kefu/store/sqlite_store.h"

namespace kefu {

bool IsPostgresUri(std::string_view db) {
  return db.substr(0, 13) == "postgresql://" || db.substr(0, 11) == "postgres://";
}

absl::StatusOr<std::unique_ptr<ReportingStore>> OpenStore(std::string_view db,
                                                          const StoreOptions& options) {
  if (IsPostgresUri(db)) {
    PgStoreOptions o;
    o.shop = options.shop;
    o.shop_id = options.shop_id;
    o.durability = options.durability;
    o.snapshot_every = options.snapshot_every;
    o.read_only = options.read_only;
    o.lease = options.lease;
    o.max_items_kept = options.max_items_kept;
    o.partitions = options.partitions;
    absl::StatusOr<std::unique_ptr<PgStore>> s = PgStore::Open(std::string(db), std::move(o));
    if (!s.ok()) return s.status();
    return std::unique_ptr<ReportingStore>(*std::move(s));
  }
  SqliteStoreOptions o;
  o.shop = options.shop;
  o.durability = options.durability;
  o.snapshot_every = options.snapshot_every;
  o.snapshot_part_bytes = options.snapshot_part_bytes;
  o.read_only = options.read_only;
  o.max_items_kept = options.max_items_kept;
  absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(std::string(db), std::move(o));
  if (!s.ok()) return s.status();
  return std::unique_ptr<ReportingStore>(*std::move(s));
}

}  // namespace kefu
