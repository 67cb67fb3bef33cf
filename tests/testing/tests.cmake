# Tests of the testing kit (kefu/testing/, issue 23): its matchers' passing
# and failing messages, its printers and builders.
kefu_add_test(kit_matchers_test ${CMAKE_CURRENT_LIST_DIR}/matchers_test.cc)
