// pg_store_internal.h: the PostgreSQL store's parts (kefu/store/pg_store.h)
// that kefu's worker (pg_worker.cc) drives: a store on a connection the
// worker shares among its shops, under a lease the worker took and renews,
// and the core whose commits also delete the inbox rows they consumed.
// Private.
#ifndef KEFU_STORE_PG_STORE_INTERNAL_H_
#define KEFU_STORE_PG_STORE_INTERNAL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kefu/store/pg_store.h"
#include "store/pg_conn.h"
#include "store/store_core.h"

namespace kefu {

struct PgStore::Impl final : internal::StoreBackend {
  PgStoreOptions options;
  std::shared_ptr<internal::PgSession> session;
  int64_t epoch = 0;  // the lease held (0: read-only)
  std::unique_ptr<internal::StoreCore> core;
  // Set once the lease is known lost: the store writes nothing more.
  std::atomic<bool> lost{false};

  // PgStore::Open's store: the connection is its own, and it reconnects
  // when the connection is lost (a worker's stores share the worker's,
  // which reconnects itself).
  bool own_connection = false;

  // The renewal thread of a store with its own connection.
  std::thread renewer;
  std::mutex renew_mu;
  std::condition_variable renew_cv;
  bool stopping = false;

  ~Impl() override;

  absl::Status Write(std::vector<internal::StoreOp>& ops,
                     const internal::CommitMark& mark) override;
  absl::Status Load(internal::StoreCore& c) override;

  // The session's connection, with session->mu held: a store with its own
  // connection that finds it lost connects again first (kUnavailable when
  // it cannot). Nothing lost: what was not committed was not acknowledged,
  // and the core reloads what is durable after a failed commit.
  absl::StatusOr<internal::PgConn*> Conn();

  // Renews the lease now: false when it is lost (another process took it).
  absl::StatusOr<bool> Renew();
  void RenewLoop();
  // Stops writing: every later write fails with `why`.
  void Lose(const std::string& why);
  std::string Where() const;
};

namespace internal {

// The lease time as an SQL interval parameter (microseconds).
std::string PgMicros(absl::Duration d);

// A store on `session` (whose mutex every statement takes) for a shop whose
// lease the caller holds at `epoch`: loads it. No renewal thread: the
// caller renews.
absl::StatusOr<std::unique_ptr<PgStore>> OpenPgStoreLeased(std::shared_ptr<PgSession> session,
                                                           PgStoreOptions options, int64_t epoch);

}  // namespace internal
}  // namespace kefu

#endif  // KEFU_STORE_PG_STORE_INTERNAL_H_
