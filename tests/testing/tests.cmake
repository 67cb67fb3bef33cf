# Tests of the testing kit (kefu/testing/, issue 23): its matchers' passing
# and failing messages, its printers and builders.
kefu_add_test(kit_matchers_test ${CMAKE_CURRENT_LIST_DIR}/matchers_test.cc)
# The kit's rapidcheck generators: valid streams per machine and the
# invariants a shop checks with them (Debian: librapidcheck-dev).
find_package(rapidcheck REQUIRED CONFIG)
kefu_add_test(kit_generators_test ${CMAKE_CURRENT_LIST_DIR}/generators_test.cc
  LIBS rapidcheck rapidcheck_gtest)
