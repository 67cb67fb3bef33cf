// kefu/store/open.h: opens a store by name: a file path is a SQLite store
// (kefu/store/sqlite_store.h), a postgresql:// or postgres:// URI a shop in
// a PostgreSQL database (kefu/store/pg_store.h). What `kefu serve`,
// `kefu report` and `kefu replay --db` open, and the C API's
// kefu_store_open.
#ifndef KEFU_STORE_OPEN_H_
#define KEFU_STORE_OPEN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kefu/core/export.h"
#include "kefu/engine/shop.h"
#include "kefu/store/reporting_store.h"

namespace kefu {

// The options both stores take; each ignores what is not its own.
struct StoreOptions {
  ShopOptions shop;
  Durability durability = Durability::kFull;
  int64_t snapshot_every = 100000;
  // SQLite: the rows a snapshot is written in (SqliteStoreOptions).
  int64_t snapshot_part_bytes = 1 << 20;
  bool read_only = false;
  size_t max_items_kept = 1000;
  // PostgreSQL: the shop in the database, its lease, and the partitions of
  // a schema Open creates (PgStoreOptions).
  std::string shop_id = "default";
  absl::Duration lease = absl::Seconds(30);
  int partitions = 16;
};

// True for a postgresql:// or postgres:// URI.
KEFU_EXPORT bool IsPostgresUri(std::string_view db);

// SqliteStore::Open(db) for a path, PgStore::Open(db) for a PostgreSQL URI,
// with `options`; their errors as they document them.
KEFU_EXPORT absl::StatusOr<std::unique_ptr<ReportingStore>> OpenStore(std::string_view db,
                                                                      const StoreOptions& options);

}  // namespace kefu

#endif  // KEFU_STORE_OPEN_H_
