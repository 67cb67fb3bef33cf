# The store layer: the shop kept in a database (kefu/store/). The SQLite
# store is the embedded default (Debian: libsqlite3-dev), linked privately.
find_package(SQLite3 REQUIRED)
target_link_libraries(kefu PRIVATE SQLite::SQLite3)
# Append-only list.
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/sqlite_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/store_core.cc
)
