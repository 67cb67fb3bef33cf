# The engine layer: the shop facade a host holds, its event envelope and the
# deadline queue. Append-only list.
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/shop_event.cc
  ${CMAKE_CURRENT_LIST_DIR}/shop.cc
  ${CMAKE_CURRENT_LIST_DIR}/deadline_queue.cc
  ${CMAKE_CURRENT_LIST_DIR}/reply_schema.cc
  ${CMAKE_CURRENT_LIST_DIR}/conversation.cc
  ${CMAKE_CURRENT_LIST_DIR}/state_codec.cc
  ${CMAKE_CURRENT_LIST_DIR}/store.cc
  ${CMAKE_CURRENT_LIST_DIR}/team_ledger.cc
  ${CMAKE_CURRENT_LIST_DIR}/team_member.cc
)
# The deadline queue and the shop index with Abseil hash containers (private).
target_link_libraries(kefu PRIVATE absl::flat_hash_map absl::flat_hash_set
  absl::node_hash_map absl::node_hash_set absl::hash)
