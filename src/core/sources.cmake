# The core layer: money, time, business calendar, outcome vocabulary.
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/calendar.cc
  ${CMAKE_CURRENT_LIST_DIR}/codec.cc
  ${CMAKE_CURRENT_LIST_DIR}/heap.cc
  ${CMAKE_CURRENT_LIST_DIR}/money.cc
  ${CMAKE_CURRENT_LIST_DIR}/outcome.cc
  ${CMAKE_CURRENT_LIST_DIR}/schema.cc
  ${CMAKE_CURRENT_LIST_DIR}/time.cc
  ${CMAKE_CURRENT_LIST_DIR}/version.cc)
