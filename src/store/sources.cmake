# The store layer: the shop kept in a database (kefu/store/). The SQLite
# store is the embedded default (Debian: libsqlite3-dev), linked privately.
# The PostgreSQL store talks to its database through libpq, built against
# its headers (Debian: libpq-dev) and loaded when the first connection is
# made (pg_conn.h): libpq is not linked, so a host that never opens a
# PostgreSQL store does not load it and its dependencies.
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
target_include_directories(kefu PRIVATE ${PostgreSQL_INCLUDE_DIRS})
target_link_libraries(kefu PRIVATE SQLite::SQLite3 ${CMAKE_DL_LIBS})
# Append-only list.
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/sqlite_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/store_core.cc
  ${CMAKE_CURRENT_LIST_DIR}/pg_conn.cc
  ${CMAKE_CURRENT_LIST_DIR}/pg_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/open.cc
  ${CMAKE_CURRENT_LIST_DIR}/pg_worker.cc
)
