# The machines layer's tests.
kefu_add_test(transition_table_test ${CMAKE_CURRENT_LIST_DIR}/transition_table_test.cc)
