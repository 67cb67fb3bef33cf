# Tests of the io layer (kefu/io/). One kefu_add_test() per file.
kefu_add_test(events_test ${CMAKE_CURRENT_LIST_DIR}/events_test.cc)
