# The store layer: the shop kept in a database (kefu/store/). The SQLite
# store is the embedded default (Debian: libsqlite3-dev); the PostgreSQL
# store talks to its database through libpq (Debian: libpq-dev). Both are
# linked privately.
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
target_link_libraries(kefu PRIVATE SQLite::SQLite3 PostgreSQL::PostgreSQL)
# Append-only list.
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/sqlite_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/store_core.cc
  ${CMAKE_CURRENT_LIST_DIR}/pg_conn.cc
  ${CMAKE_CURRENT_LIST_DIR}/pg_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/open.cc
  ${CMAKE_CURRENT_LIST_DIR}/pg_worker.cc
)
