# Tests of the engine layer (kefu/engine/). One kefu_add_test() per file.
kefu_add_test(shop_test ${CMAKE_CURRENT_LIST_DIR}/shop_test.cc)
# At-least-once delivery, ordering and time range (issue 16).
kefu_add_test(shop_redelivery_test ${CMAKE_CURRENT_LIST_DIR}/shop_redelivery_test.cc)
# Concurrent Apply/Due/queries: the test the `tsan` preset exists for.
kefu_add_test(shop_threads_test ${CMAKE_CURRENT_LIST_DIR}/shop_threads_test.cc)
kefu_add_test(deadline_queue_test ${CMAKE_CURRENT_LIST_DIR}/deadline_queue_test.cc)
# The entity maps' key (src/core/entity_key.h, issue 21).
kefu_add_test(entity_key_test ${CMAKE_CURRENT_LIST_DIR}/entity_key_test.cc)
# Shop::Save / Shop::Load (issue 17).
# The conversation machine's data, kept packed (issue 21).
kefu_add_test(conversation_test ${CMAKE_CURRENT_LIST_DIR}/conversation_test.cc)
kefu_add_test(shop_save_test ${CMAKE_CURRENT_LIST_DIR}/shop_save_test.cc LIBS kefu_sample)
# Shop::ReplacePolicies: new rules for later events, never a mix (issue 19;
# run it under the `tsan` preset too).
kefu_add_test(shop_policies_test ${CMAKE_CURRENT_LIST_DIR}/shop_policies_test.cc)
# The team ledger: targets, response times, conversion (issue 20).
kefu_add_test(team_ledger_test ${CMAKE_CURRENT_LIST_DIR}/team_ledger_test.cc)
# FB-ROLES from the roster and FB-TRIAGE's work list (issues 19 and 20).
kefu_add_test(shop_roles_test ${CMAKE_CURRENT_LIST_DIR}/shop_roles_test.cc)
