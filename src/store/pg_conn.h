// pg_conn.h: a libpq connection as the PostgreSQL store uses it: statements
// with parameters (text, or binary for bytea), results read by column,
// errors as absl::Status with kefu's codes, notifications; and the schema's
// migrations. Private.
//
// libpq is loaded when the first connection is made (dlopen of libpq.so.5),
// not linked: a host that never opens a PostgreSQL store does not load it,
// nor Kerberos, LDAP, GnuTLS and the rest of its dependencies (about 4 MB
// of a process's resident pages). Its headers are used as they are: every
// call goes through Pq(), a table of the functions' addresses.
//
// Threading: a PgConn is used by one thread at a time; PgSession adds the
// mutex that the stores sharing one connection take.
#ifndef KEFU_STORE_PG_CONN_H_
#define KEFU_STORE_PG_CONN_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kefu/core/time.h"

namespace kefu::internal {

// The libpq functions the store calls.
#define KEFU_PQ_FUNCTIONS(X)                                                              \
  X(PQclear) X(PQcmdTuples) X(PQconnectdbParams) X(PQconsumeInput) X(PQerrorMessage)       \
  X(PQexec) X(PQexecParams) X(PQfformat) X(PQfinish) X(PQfreemem) X(PQgetisnull)           \
  X(PQgetlength) X(PQgetvalue) X(PQnotifies) X(PQntuples) X(PQresultErrorField)            \
  X(PQresultErrorMessage) X(PQresultStatus) X(PQsetNoticeProcessor) X(PQsocket) X(PQstatus) \
  X(PQtransactionStatus) X(PQbackendPID)

// Their addresses in the loaded libpq, each member named as its function.
struct PgApi {
#define KEFU_PQ_MEMBER(name) decltype(&::name) name = nullptr;
  KEFU_PQ_FUNCTIONS(KEFU_PQ_MEMBER)
#undef KEFU_PQ_MEMBER
};

// Loads libpq once per process (later calls return the first answer). The
// error is kFailedPrecondition naming the library and the loader's reason.
absl::Status LoadPq();
// REQUIRES: LoadPq() returned OK (every PgConn and PgResult comes after).
const PgApi& Pq();

// A statement's parameter: text, bytes (bytea, sent in binary) or null.
struct PgParam {
  std::string_view value;
  bool binary = false;
  bool null = false;

  static PgParam Text(std::string_view v) { return {v, false, false}; }
  static PgParam Bytes(std::string_view v) { return {v, true, false}; }
  static PgParam Null() { return {{}, false, true}; }
};

// A result, cleared when it goes. Values come in text form except bytea
// columns selected in binary mode (Exec's `binary_result`).
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* r) : r_(r) {}
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult() {
    if (r_ != nullptr) Pq().PQclear(r_);
  }

  int rows() const { return r_ ? Pq().PQntuples(r_) : 0; }
  bool null(int row, int col) const { return Pq().PQgetisnull(r_, row, col) != 0; }
  std::string_view bytes(int row, int col) const {
    return std::string_view(Pq().PQgetvalue(r_, row, col),
                            static_cast<size_t>(Pq().PQgetlength(r_, row, col)));
  }
  std::string text(int row, int col) const { return std::string(bytes(row, col)); }
  // An integer column: in text form, or int2/int4/int8 in binary form.
  int64_t integer(int row, int col) const;
  // Rows a command touched (UPDATE, DELETE, INSERT).
  int64_t affected() const;

 private:
  PGresult* r_ = nullptr;
};

class PgConn {
 public:
  // Connects with `conninfo` (a postgresql:// URI or key=value pairs). The
  // error is kUnavailable with libpq's reason, or LoadPq's.
  static absl::StatusOr<std::unique_ptr<PgConn>> Connect(const std::string& conninfo,
                                                         const std::string& application_name);
  ~PgConn();

  // Runs `sql` with `params`. `binary_result`: every column comes in binary
  // form (bytea as its bytes; integers through PgResult::integer). Errors:
  // kUnavailable for a lost connection (and most others), kFailedPrecondition
  // for a serialization failure or a lock not available, kResourceExhausted
  // for a full disk, kAlreadyExists for a unique violation; the message
  // names `what`.
  absl::StatusOr<PgResult> Exec(std::string_view sql, const std::vector<PgParam>& params = {},
                                bool binary_result = false, std::string_view what = {});
  // Several statements, no parameters, no rows.
  absl::Status Run(std::string_view sql, std::string_view what = {});
  // Rolls back whatever transaction is open (errors ignored).
  void Rollback();

  // Waits up to `timeout` for a notification (or until one is queued);
  // returns the payloads received. kUnavailable when the connection is lost.
  absl::StatusOr<std::vector<std::string>> WaitNotifications(absl::Duration timeout);

  bool ok() const { return Pq().PQstatus(conn_) == CONNECTION_OK; }
  int backend_pid() const { return Pq().PQbackendPID(conn_); }

 private:
  explicit PgConn(PGconn* c) : conn_(c) {}
  absl::Status Error(PGresult* r, std::string_view what) const;
  PGconn* conn_;
};

// A connection several stores share (a worker's shops), with the mutex that
// serializes its use, and the name the stores' leases are held under.
struct PgSession {
  std::mutex mu;
  std::unique_ptr<PgConn> conn;
  std::string conninfo;
  std::string owner;
};

// The schema version this build writes and reads (kefu_schema), and the
// migrations that lead to it, applied in order by PgMigrate.
inline constexpr int kPgSchemaVersion = 1;

// The schema's version in the database (0: none).
absl::StatusOr<int> PgSchemaVersionOf(PgConn& conn);
// Applies the migrations the database lacks, each in a transaction under an
// advisory lock (several processes may migrate at once). `partitions`: the
// hash partitions of each per-shop table, when they are created. Returns
// the versions applied. A database at a newer version: kFailedPrecondition.
absl::StatusOr<std::vector<int>> PgMigrate(PgConn& conn, int partitions);
// kOk when the database's schema is this build's; otherwise the clear error
// (none: run kefu db migrate; older: the same; newer: this kefu is too old),
// prefixed with `where` and ": " when it is not empty.
absl::Status PgCheckSchema(PgConn& conn, std::string_view where);

// A timestamp as PostgreSQL reads it (timestamptz, UTC, microseconds).
std::string PgTime(Timestamp t);

}  // namespace kefu::internal

#endif  // KEFU_STORE_PG_CONN_H_
