# The policies layer's tests.
# Orders (issue 3).
kefu_add_test(order_policies_test ${CMAKE_CURRENT_LIST_DIR}/order_policies_test.cc)
kefu_add_test(province_test ${CMAKE_CURRENT_LIST_DIR}/province_test.cc)
# Tickets (issue 4).
kefu_add_test(ticket_policies_test ${CMAKE_CURRENT_LIST_DIR}/ticket_policies_test.cc)
# Reviews (issue 5).
kefu_add_test(review_policies_test ${CMAKE_CURRENT_LIST_DIR}/review_policies_test.cc)
# The team's rules (issue 20): KPI, SH and FB.
kefu_add_test(team_policies_test ${CMAKE_CURRENT_LIST_DIR}/team_policies_test.cc)
