// Helpers of the PostgreSQL store tests: the fixture's server (ctest
// fixture kefu_postgres, tests/store/pg_fixture.sh), a fresh database per
// test, SQL through libpq.
#ifndef KEFU_TESTS_STORE_PG_TEST_UTIL_H_
#define KEFU_TESTS_STORE_PG_TEST_UTIL_H_

#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace kefu::test {

// The server's URI (postgresql://kefu@/postgres?host=DIR), or "" after
// failing the test: the fixture did not start PostgreSQL.
inline std::string PgServerUri() {
  const char* dir = std::getenv("KEFU_TEST_PG_DIR");
  std::string uri;
  if (dir != nullptr) {
    std::ifstream in(std::string(dir) + "/uri");
    std::getline(in, uri);
  }
  if (uri.empty()) {
    ADD_FAILURE() << "PostgreSQL is not running: the ctest fixture kefu_postgres "
                     "(tests/store/pg_fixture.sh) could not start it, or the test ran "
                     "outside ctest (set KEFU_TEST_PG_DIR to a directory holding `uri`)";
  }
  return uri;
}

// One statement; its rows as text (row by row, column by column). Fails the
// test on an error.
inline std::vector<std::vector<std::string>> Sql(const std::string& uri, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  PGconn* c = PQconnectdb(uri.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << uri << ": " << PQerrorMessage(c);
    PQfinish(c);
    return rows;
  }
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    ADD_FAILURE() << sql << ": " << PQerrorMessage(c);
  } else {
    for (int i = 0; i < PQntuples(r); ++i) {
      rows.emplace_back();
      for (int j = 0; j < PQnfields(r); ++j) rows.back().emplace_back(PQgetvalue(r, i, j));
    }
  }
  PQclear(r);
  PQfinish(c);
  return rows;
}

// A new, empty database `name` (dropped first when it exists); its URI.
inline std::string FreshDatabase(const std::string& name) {
  const std::string server = PgServerUri();
  if (server.empty()) return "";
  Sql(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  Sql(server, "CREATE DATABASE " + name);
  std::string uri = server;
  uri.replace(uri.find("/postgres?"), 10, "/" + name + "?");
  return uri;
}

}  // namespace kefu::test

#endif  // KEFU_TESTS_STORE_PG_TEST_UTIL_H_
