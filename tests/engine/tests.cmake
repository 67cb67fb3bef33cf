# Tests of the engine layer (kefu/engine/). One kefu_add_test() per file.
kefu_add_test(deadline_queue_test ${CMAKE_CURRENT_LIST_DIR}/deadline_queue_test.cc)
