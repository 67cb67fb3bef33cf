# The policies layer: the catalogue's rules as small value types.
# Orders (issue 3).
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/courier_reach.cc
  ${CMAKE_CURRENT_LIST_DIR}/order_policies.cc
  ${CMAKE_CURRENT_LIST_DIR}/order_terms.cc
  ${CMAKE_CURRENT_LIST_DIR}/product_tests.cc
  ${CMAKE_CURRENT_LIST_DIR}/province.cc)
# Reviews (issue 5).
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/review_policies.cc
  ${CMAKE_CURRENT_LIST_DIR}/review_rotation.cc)
# Tickets (issue 4).
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ticket_policies.cc
  ${CMAKE_CURRENT_LIST_DIR}/ticket_terms.cc)
# The team (issue 20).
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/team_policies.cc)
