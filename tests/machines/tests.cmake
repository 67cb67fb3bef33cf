# The machines layer's tests.
kefu_add_test(transition_table_test ${CMAKE_CURRENT_LIST_DIR}/transition_table_test.cc)
# Orders (issue 3).
kefu_add_test(order_test ${CMAKE_CURRENT_LIST_DIR}/order_test.cc)
kefu_add_test(order_table_test ${CMAKE_CURRENT_LIST_DIR}/order_table_test.cc)
kefu_add_test(order_property_test ${CMAKE_CURRENT_LIST_DIR}/order_property_test.cc)
kefu_add_test(order_province_test ${CMAKE_CURRENT_LIST_DIR}/order_province_test.cc)
kefu_add_test(packed_order_test ${CMAKE_CURRENT_LIST_DIR}/packed_order_test.cc)
# After-sales tickets (issue 4).
kefu_add_test(ticket_test ${CMAKE_CURRENT_LIST_DIR}/ticket_test.cc)
kefu_add_test(ticket_table_test ${CMAKE_CURRENT_LIST_DIR}/ticket_table_test.cc)
kefu_add_test(ticket_cross_test ${CMAKE_CURRENT_LIST_DIR}/ticket_cross_test.cc)
kefu_add_test(ticket_property_test ${CMAKE_CURRENT_LIST_DIR}/ticket_property_test.cc)
# Reviews (issue 5).
kefu_add_test(review_test ${CMAKE_CURRENT_LIST_DIR}/review_test.cc)
kefu_add_test(review_property_test ${CMAKE_CURRENT_LIST_DIR}/review_property_test.cc)
kefu_add_test(review_register_test ${CMAKE_CURRENT_LIST_DIR}/review_register_test.cc)
# AS-DEFECT across orders and tickets.
kefu_add_test(order_defect_test ${CMAKE_CURRENT_LIST_DIR}/order_defect_test.cc)
# The machines' shared idempotency log.
kefu_add_test(applied_events_test ${CMAKE_CURRENT_LIST_DIR}/applied_events_test.cc)
# The digest's values, which saved shops hold (machines/event_schema.h).
kefu_add_test(event_digest_test ${CMAKE_CURRENT_LIST_DIR}/event_digest_test.cc)
kefu_add_test(saved_log_test ${CMAKE_CURRENT_LIST_DIR}/saved_log_test.cc)
