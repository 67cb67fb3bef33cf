// kefu/store/pg_worker.h: a worker that runs the shops of a PostgreSQL
// database (kefu/store/pg_store.h) from their inbox: what `kefu worker`
// runs. Any number of workers, on any machines, share a database; each shop
// is run by one of them at a time, under a lease each worker renews.
//
// The inbox: the host (an ERP) inserts lines into kefu_inbox(shop_id, line):
// events (docs/events.md), ticks {"tick":TIME} and confirmations
// {"done":[ids]}, as `kefu serve` reads them. A trigger wakes the workers
// (NOTIFY kefu_inbox). A worker applies a shop's lines in the order of their
// ids and deletes them in the transaction that stores what they did: the
// journal rows, the events' outcomes (kefu_event, by event id), the due
// items taken (kefu_due), lines that are not understood (kefu_inbox_bad).
// docs/worker.md describes it.
#ifndef KEFU_STORE_PG_WORKER_H_
#define KEFU_STORE_PG_WORKER_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kefu/core/export.h"
#include "kefu/store/pg_store.h"

namespace kefu {

struct PgWorkerOptions {
  // The database (a postgresql:// URI or libpq's key=value form).
  std::string conninfo;
  // The shops this worker may run: their ids match this SQL LIKE pattern.
  std::string shops = "%";
  // The worker's name in kefu_shop.owner (empty: host:pid:n).
  std::string name;
  // The shops' options (shop, durability, snapshot_every, max_items_kept,
  // lease); shop_id and read_only are the worker's own.
  PgStoreOptions store;
  // Inbox lines a commit at most.
  size_t batch = 1000;
  // Where the worker says what it does, one line a call ("took shop S
  // epoch E", "lost shop S", ...). Null: quiet.
  std::function<void(std::string_view)> log;
};

// Runs until `stop` becomes true (checked at least every lease/4), then
// releases its leases and returns OK. Takes free shops (no owner, or a
// lease run out) that match, at most its fair share of them (the shops
// divided by the workers alive) while other workers are alive, all of them
// otherwise. Renews its leases every lease/4; when it cannot (the database
// unreachable, its connection cut), it stops applying a fifth of the lease
// before the lease can run out, and drops the shops another worker took in
// the meantime. Reconnects when the connection is lost. Returns an error
// only for what retrying cannot mend: a schema this build does not know,
// invalid options.
KEFU_EXPORT absl::Status RunPgWorker(const PgWorkerOptions& options,
                                     const std::atomic<bool>& stop);

}  // namespace kefu

#endif  // KEFU_STORE_PG_WORKER_H_
