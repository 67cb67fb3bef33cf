# Tests of the store layer (kefu/store/). One kefu_add_test() per file.
# The SQLite store (issue 18).
kefu_add_test(sqlite_store_test ${CMAKE_CURRENT_LIST_DIR}/sqlite_store_test.cc
  LIBS kefu_sample SQLite::SQLite3)
# Several threads into one store: labelled `threads`, the tests the `tsan`
# preset is for (ctest -L threads).
kefu_add_test(sqlite_store_threads_test ${CMAKE_CURRENT_LIST_DIR}/sqlite_store_threads_test.cc
  LIBS kefu_sample LABELS threads)
# Damaged store files: truncated at every page, bytes overwritten.
kefu_add_test(sqlite_store_corruption_test ${CMAKE_CURRENT_LIST_DIR}/sqlite_store_corruption_test.cc
  LIBS kefu_sample)
# The kill -9 harness: `kefu serve --db` killed at random moments
# (KEFU_KILL_TRIALS kills, 1000 by default).
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  kefu_add_test(serve_kill_test ${CMAKE_CURRENT_LIST_DIR}/serve_kill_test.cc LIBS kefu_sample)
  target_compile_definitions(serve_kill_test PRIVATE KEFU_TOOL="$<TARGET_FILE:kefu_tool>")
  add_dependencies(serve_kill_test kefu_tool)
endif()
# `kefu serve`, `kefu report`, `kefu replay --db`, end to end.
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME kefu_store_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DEVENTS=${PROJECT_SOURCE_DIR}/tests/io/data/replay_small.jsonl
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/store_cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/store_cli_test.cmake)
endif()
# `kefu serve --http`, end to end (when built with cpp-httplib).
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  find_package(Python3 COMPONENTS Interpreter)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(KEFU_HTTPLIB_FOR_TESTS QUIET cpp-httplib)
  endif()
  if(Python3_FOUND AND KEFU_HTTPLIB_FOR_TESTS_FOUND)
    add_test(NAME kefu_serve_http
      COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/serve_http_test.py
              $<TARGET_FILE:kefu_tool> ${PROJECT_SOURCE_DIR}/tests/io/data/replay_small.jsonl
              ${CMAKE_CURRENT_BINARY_DIR}/serve_http_test)
    # kefu links neither libpq nor cpp-httplib; --http without kefu-http.
    add_test(NAME kefu_tool_links
      COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
              -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/tool_links_test
              -P ${CMAKE_CURRENT_LIST_DIR}/tool_links_test.cmake)
  endif()
endif()

# The PostgreSQL store (issue 24) on a real PostgreSQL 15: the fixture
# kefu_postgres starts one (initdb into a directory under /tmp, a Unix socket
# there: its path must stay short) before the tests that need it and stops it
# after them, also when they fail. When it cannot start, it fails and says
# why, and so do the tests (they find no server). Labelled `postgres`.
# Its directory, KEFU_TEST_PG_DIR, is set by the top CMakeLists.txt (the
# Python module's tests use the server too).
add_test(NAME kefu_postgres_start
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/pg_fixture.sh start ${KEFU_TEST_PG_DIR})
set_tests_properties(kefu_postgres_start PROPERTIES FIXTURES_SETUP kefu_postgres
  LABELS postgres)
add_test(NAME kefu_postgres_stop
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/pg_fixture.sh stop ${KEFU_TEST_PG_DIR})
set_tests_properties(kefu_postgres_stop PROPERTIES FIXTURES_CLEANUP kefu_postgres
  LABELS postgres)
find_package(PostgreSQL REQUIRED)
set(KEFU_PG_TEST_PROPERTIES FIXTURES_REQUIRED kefu_postgres
  ENVIRONMENT KEFU_TEST_PG_DIR=${KEFU_TEST_PG_DIR})
kefu_add_test(pg_store_test ${CMAKE_CURRENT_LIST_DIR}/pg_store_test.cc
  LIBS kefu_sample PostgreSQL::PostgreSQL LABELS postgres
  PROPERTIES ${KEFU_PG_TEST_PROPERTIES})
# `kefu worker`: two workers, 50 shops, one killed and restarted; a worker
# cut off from the database.
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  kefu_add_test(pg_worker_test ${CMAKE_CURRENT_LIST_DIR}/pg_worker_test.cc
    LIBS kefu_sample PostgreSQL::PostgreSQL LABELS postgres
    PROPERTIES ${KEFU_PG_TEST_PROPERTIES})
  target_compile_definitions(pg_worker_test PRIVATE KEFU_TOOL="$<TARGET_FILE:kefu_tool>")
  add_dependencies(pg_worker_test kefu_tool)
endif()
