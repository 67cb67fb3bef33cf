# Tests of the store layer (kefu/store/). One kefu_add_test() per file.
# The SQLite store (issue 18).
kefu_add_test(sqlite_store_test ${CMAKE_CURRENT_LIST_DIR}/sqlite_store_test.cc
  LIBS kefu_sample SQLite::SQLite3)
# Several threads into one store: labelled `threads`, the tests the `tsan`
# preset is for (ctest -L threads).
kefu_add_test(sqlite_store_threads_test ${CMAKE_CURRENT_LIST_DIR}/sqlite_store_threads_test.cc
  LIBS kefu_sample LABELS threads)
