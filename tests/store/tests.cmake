# Tests of the store layer (kefu/store/). One kefu_add_test() per file.
# The SQLite store (issue 18).
kefu_add_test(sqlite_store_test ${CMAKE_CURRENT_LIST_DIR}/sqlite_store_test.cc
  LIBS kefu_sample SQLite::SQLite3)
# Several threads into one store: labelled `threads`, the tests the `tsan`
# preset is for (ctest -L threads).
kefu_add_test(sqlite_store_threads_test ${CMAKE_CURRENT_LIST_DIR}/sqlite_store_threads_test.cc
  LIBS kefu_sample LABELS threads)
# `kefu serve`, `kefu report`, `kefu replay --db`, end to end.
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME kefu_store_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DEVENTS=${PROJECT_SOURCE_DIR}/tests/io/data/replay_small.jsonl
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/store_cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/store_cli_test.cmake)
endif()
