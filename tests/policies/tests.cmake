# The policies layer's tests.
# Orders (issue 3).
kefu_add_test(order_policies_test ${CMAKE_CURRENT_LIST_DIR}/order_policies_test.cc)
