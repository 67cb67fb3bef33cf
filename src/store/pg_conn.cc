// The PostgreSQL store's connection and schema (pg_conn.h). docs/store.md
// ("PostgreSQL") describes the tables.
#include "store/pg_conn.h"

#include <dlfcn.h>
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "core/absl_compat.h"

namespace kefu::internal {
namespace {

uint64_t BigEndian(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// The tables of schema version 1; PARTS is replaced by the partitions'
// statements. Every table a shop's rows live in starts its key with
// shop_id and is partitioned by its hash.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE kefu_shop (
  shop_id text PRIMARY KEY,
  owner text,
  epoch bigint NOT NULL DEFAULT 0,
  lease_until timestamptz,
  last_seq bigint NOT NULL DEFAULT 0,
  next_due bigint NOT NULL DEFAULT 1);
CREATE TABLE kefu_worker (
  name text PRIMARY KEY,
  alive_until timestamptz NOT NULL);
CREATE TABLE kefu_journal (
  shop_id text NOT NULL, seq bigint NOT NULL, kind smallint NOT NULL,
  body bytea NOT NULL, result smallint NOT NULL, outcome bytea NOT NULL,
  crc bigint NOT NULL, epoch bigint NOT NULL,
  PRIMARY KEY (shop_id, seq)) PARTITION BY HASH (shop_id);
CREATE TABLE kefu_event (
  shop_id text NOT NULL, event_id text NOT NULL, seq bigint NOT NULL,
  result smallint NOT NULL, outcome bytea NOT NULL,
  PRIMARY KEY (shop_id, event_id)) PARTITION BY HASH (shop_id);
CREATE TABLE kefu_snapshot (
  shop_id text NOT NULL, seq bigint NOT NULL, part int NOT NULL, body bytea NOT NULL,
  PRIMARY KEY (shop_id, seq, part)) PARTITION BY HASH (shop_id);
CREATE TABLE kefu_due (
  shop_id text NOT NULL, id bigint NOT NULL, at timestamptz NOT NULL,
  item bytea NOT NULL, crc bigint NOT NULL,
  PRIMARY KEY (shop_id, id)) PARTITION BY HASH (shop_id);
CREATE INDEX kefu_due_at ON kefu_due (at, shop_id, id);
CREATE SEQUENCE kefu_inbox_id;
CREATE TABLE kefu_inbox (
  shop_id text NOT NULL, id bigint NOT NULL DEFAULT nextval('kefu_inbox_id'),
  line text NOT NULL, received timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, id)) PARTITION BY HASH (shop_id);
CREATE TABLE kefu_inbox_bad (
  shop_id text NOT NULL, inbox_id bigint NOT NULL, line text NOT NULL, error text NOT NULL,
  PRIMARY KEY (shop_id, inbox_id));
PARTS
CREATE FUNCTION kefu_inbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO kefu_shop (shop_id) SELECT DISTINCT shop_id FROM kefu_new_rows
    ON CONFLICT DO NOTHING;
  PERFORM pg_notify('kefu_inbox', s) FROM (SELECT DISTINCT shop_id AS s FROM kefu_new_rows) d;
  RETURN NULL;
END $$;
CREATE TRIGGER kefu_inbox_notify AFTER INSERT ON kefu_inbox
  REFERENCING NEW TABLE AS kefu_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kefu_inbox_notify();
)sql";

std::string SchemaV1(int partitions) {
  std::string parts;
  for (const char* table : {"kefu_journal", "kefu_event", "kefu_snapshot", "kefu_due",
                            "kefu_inbox"}) {
    for (int i = 0; i < partitions; ++i) {
      absl::StrAppend(&parts, "CREATE TABLE ", table, "_p", i, " PARTITION OF ", table,
                      " FOR VALUES WITH (MODULUS ", partitions, ", REMAINDER ", i, ");\n");
    }
  }
  return absl::StrReplaceAll(kSchemaV1, {{"PARTS", parts}});
}

// The lock every migration holds (a constant key: "kefu" in ASCII).
constexpr char kMigrationLock[] = "SELECT pg_advisory_xact_lock(1801807221)";

// libpq's functions, loaded once; the library stays loaded for the
// process's life (its functions are called until the end).
struct LoadedPq {
  PgApi api;
  std::string error;  // empty when loaded
};

const LoadedPq& Loaded() {
  static const LoadedPq loaded = [] {
    LoadedPq l;
    void* lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* why = dlerror();
      l.error = why != nullptr ? why : "libpq.so.5: cannot load";
      return l;
    }
#define KEFU_PQ_LOAD(name)                                             \
  l.api.name = reinterpret_cast<decltype(&::name)>(dlsym(lib, #name)); \
  if (l.api.name == nullptr && l.error.empty()) l.error = "libpq.so.5 has no " #name;
    KEFU_PQ_FUNCTIONS(KEFU_PQ_LOAD)
#undef KEFU_PQ_LOAD
    return l;
  }();
  return loaded;
}

}  // namespace

absl::Status LoadPq() {
  const LoadedPq& l = Loaded();
  if (l.error.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the PostgreSQL store needs libpq (Debian: libpq5), which could not be loaded: ",
      l.error));
}

const PgApi& Pq() { return Loaded().api; }

PgResult& PgResult::operator=(PgResult&& o) noexcept {
  if (this != &o) {
    if (r_ != nullptr) Pq().PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int64_t PgResult::integer(int row, int col) const {
  const std::string_view b = bytes(row, col);
  if (Pq().PQfformat(r_, col) == 1) {
    switch (b.size()) {
      case 2:
        return static_cast<int16_t>(BigEndian(b));
      case 4:
        return static_cast<int32_t>(BigEndian(b));
      default:
        return static_cast<int64_t>(BigEndian(b));
    }
  }
  int64_t v = 0;
  return absl::SimpleAtoi(ToAbsl(b), &v) ? v : 0;
}

int64_t PgResult::affected() const {
  int64_t v = 0;
  return absl::SimpleAtoi(Pq().PQcmdTuples(r_), &v) ? v : 0;
}

absl::StatusOr<std::unique_ptr<PgConn>> PgConn::Connect(const std::string& conninfo,
                                                        const std::string& application_name) {
  if (absl::Status s = LoadPq(); !s.ok()) return s;
  // application_name rides along as a second dbname-expanded setting.
  const char* keys[] = {"dbname", "application_name", "connect_timeout", nullptr};
  const char* values[] = {conninfo.c_str(), application_name.c_str(), "10", nullptr};
  PGconn* c = Pq().PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (c == nullptr) return absl::ResourceExhaustedError("cannot connect: out of memory");
  if (Pq().PQstatus(c) != CONNECTION_OK) {
    std::string reason = Pq().PQerrorMessage(c);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    Pq().PQfinish(c);
    return absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL: ", reason));
  }
  auto conn = std::unique_ptr<PgConn>(new PgConn(c));
  // Quiet: NOTICEs (e.g. "relation already exists") are not kefu's output.
  Pq().PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  return conn;
}

PgConn::~PgConn() { Pq().PQfinish(conn_); }

absl::Status PgConn::Error(PGresult* r, std::string_view what) const {
  const char* state = r ? Pq().PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = r ? Pq().PQresultErrorMessage(r) : Pq().PQerrorMessage(conn_);
  if (msg.empty()) msg = Pq().PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (!what.empty()) msg = absl::StrCat(ToAbsl(what), ": ", msg);
  const std::string_view code = state ? state : "";
  if (code == "40001" || code == "40P01" || code == "55P03") {
    return absl::FailedPreconditionError(msg);
  }
  if (code == "53100") return absl::ResourceExhaustedError(msg);
  if (code == "23505") return absl::AlreadyExistsError(msg);
  if (code == "42P01") return absl::NotFoundError(msg);  // undefined table
  return absl::UnavailableError(msg);
}

absl::StatusOr<PgResult> PgConn::Exec(std::string_view sql, const std::vector<PgParam>& params,
                                      bool binary_result, std::string_view what) {
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size()), formats(params.size());
  std::vector<std::string> terminated(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const PgParam& p = params[i];
    if (p.null) {
      values[i] = nullptr;
    } else if (p.binary) {
      values[i] = p.value.data() ? p.value.data() : "";
    } else {
      terminated[i] = std::string(p.value);  // text parameters end with NUL
      values[i] = terminated[i].c_str();
    }
    lengths[i] = static_cast<int>(p.value.size());
    formats[i] = p.binary ? 1 : 0;
  }
  const std::string query(sql);
  PGresult* r =
      Pq().PQexecParams(conn_, query.c_str(), static_cast<int>(params.size()), nullptr,
                        values.data(), lengths.data(), formats.data(), binary_result ? 1 : 0);
  const ExecStatusType st = r ? Pq().PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    absl::Status s = Error(r, what.empty() ? std::string_view(query).substr(0, 60) : what);
    Pq().PQclear(r);
    return s;
  }
  return PgResult(r);
}

absl::Status PgConn::Run(std::string_view sql, std::string_view what) {
  const std::string query(sql);
  PGresult* r = Pq().PQexec(conn_, query.c_str());
  const ExecStatusType st = r ? Pq().PQresultStatus(r) : PGRES_FATAL_ERROR;
  absl::Status s;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    s = Error(r, what.empty() ? std::string_view(query).substr(0, 60) : what);
  }
  Pq().PQclear(r);
  return s;
}

void PgConn::Rollback() {
  if (Pq().PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    Pq().PQclear(Pq().PQexec(conn_, "ROLLBACK"));
  }
}

absl::StatusOr<std::vector<std::string>> PgConn::WaitNotifications(absl::Duration timeout) {
  std::vector<std::string> got;
  auto drain = [&] {
    while (PGnotify* n = Pq().PQnotifies(conn_)) {
      got.emplace_back(n->extra);
      Pq().PQfreemem(n);
    }
  };
  drain();
  if (!got.empty()) return got;
  pollfd p{Pq().PQsocket(conn_), POLLIN, 0};
  if (p.fd < 0) return absl::UnavailableError("the connection to PostgreSQL is lost");
  const int ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  const int rc = poll(&p, 1, ms < 0 ? 0 : ms);
  if (rc < 0 && errno != EINTR) {
    return absl::UnavailableError(absl::StrCat("poll: ", std::strerror(errno)));
  }
  if (rc > 0) {
    if (Pq().PQconsumeInput(conn_) == 0 || Pq().PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = Pq().PQerrorMessage(conn_);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return absl::UnavailableError(absl::StrCat("the connection to PostgreSQL is lost: ", msg));
    }
    drain();
  }
  return got;
}

absl::StatusOr<int> PgSchemaVersionOf(PgConn& conn) {
  absl::StatusOr<PgResult> r =
      conn.Exec("SELECT to_regclass('kefu_schema') IS NOT NULL", {}, false, "reading the schema");
  if (!r.ok()) return r.status();
  if (r->bytes(0, 0) != "t") return 0;
  r = conn.Exec("SELECT coalesce(max(version), 0) FROM kefu_schema", {}, false,
                "reading the schema version");
  if (!r.ok()) return r.status();
  return static_cast<int>(r->integer(0, 0));
}

absl::StatusOr<std::vector<int>> PgMigrate(PgConn& conn, int partitions) {
  if (partitions < 1 || partitions > 1024) {
    return absl::InvalidArgumentError("partitions must be in [1, 1024]");
  }
  std::vector<int> applied;
  for (int version = 1; version <= kPgSchemaVersion; ++version) {
    if (absl::Status s = conn.Run("BEGIN"); !s.ok()) return s;
    absl::Status s = conn.Run(kMigrationLock, "waiting for the migration lock");
    if (s.ok()) {
      s = conn.Run(
          "CREATE TABLE IF NOT EXISTS kefu_schema (version int PRIMARY KEY, "
          "applied_at timestamptz NOT NULL DEFAULT now(), kefu text NOT NULL)",
          "creating kefu_schema");
    }
    absl::StatusOr<int> have = s.ok() ? PgSchemaVersionOf(conn) : absl::StatusOr<int>(s);
    if (!have.ok()) {
      conn.Rollback();
      return have.status();
    }
    if (*have > kPgSchemaVersion) {
      conn.Rollback();
      return absl::FailedPreconditionError(absl::StrCat(
          "the database's kefu schema is version ", *have, "; this kefu knows versions up to ",
          kPgSchemaVersion, " (the database was migrated by a newer kefu: use that one)"));
    }
    if (*have >= version) {
      conn.Rollback();
      continue;
    }
    switch (version) {
      case 1:
        s = conn.Run(SchemaV1(partitions), "schema version 1");
        break;
    }
    if (s.ok()) {
      absl::StatusOr<PgResult> r =
          conn.Exec("INSERT INTO kefu_schema (version, kefu) VALUES ($1, $2)",
                    {PgParam::Text(absl::StrCat(version)), PgParam::Text("kefu")});
      if (!r.ok()) s = r.status();
    }
    if (s.ok()) s = conn.Run("COMMIT");
    if (!s.ok()) {
      conn.Rollback();
      return s;
    }
    applied.push_back(version);
  }
  return applied;
}

absl::Status PgCheckSchema(PgConn& conn, std::string_view where_) {
  const std::string where = where_.empty() ? std::string() : absl::StrCat(ToAbsl(where_), ": ");
  absl::StatusOr<int> v = PgSchemaVersionOf(conn);
  if (!v.ok()) return v.status();
  if (*v == kPgSchemaVersion) return absl::OkStatus();
  if (*v > kPgSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, "the database's kefu schema is version ", *v, "; this kefu knows versions up to ",
        kPgSchemaVersion, " (the database was migrated by a newer kefu: use that one)"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      where, "the database's kefu schema is version ", *v, ", this kefu needs version ",
      kPgSchemaVersion, ": run kefu db migrate --db URI"));
}

std::string PgTime(Timestamp t) {
  // timestamptz has infinities of its own (absl writes "infinite-future").
  if (t == absl::InfiniteFuture()) return "infinity";
  if (t == absl::InfinitePast()) return "-infinity";
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

}  // namespace kefu::internal
