# The machines layer: shared machine support; each Boost.MSM machine is one
# translation unit (see docs/machines.md).
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/event_schema.cc
  ${CMAKE_CURRENT_LIST_DIR}/machine.cc
  ${CMAKE_CURRENT_LIST_DIR}/machine_core.cc
  ${CMAKE_CURRENT_LIST_DIR}/transition_table.cc)
# Orders (issue 3).
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/order.cc
  ${CMAKE_CURRENT_LIST_DIR}/packed_order.cc
  ${CMAKE_CURRENT_LIST_DIR}/live_orders.cc)
# Reviews (issue 5).
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/review.cc
  ${CMAKE_CURRENT_LIST_DIR}/review_register.cc)
# After-sales tickets (issue 4).
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ticket.cc
  ${CMAKE_CURRENT_LIST_DIR}/ticket_defects.cc
  ${CMAKE_CURRENT_LIST_DIR}/open_tickets.cc
  ${CMAKE_CURRENT_LIST_DIR}/ticket_report.cc)
