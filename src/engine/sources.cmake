# The engine layer: the shop facade a host holds, its event envelope and the
# deadline queue. Append-only list.
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/shop_event.cc
)
