# Tests of the io layer (kefu/io/). One kefu_add_test() per file.
kefu_add_test(replay_test ${CMAKE_CURRENT_LIST_DIR}/replay_test.cc LIBS kefu_sample)
# Every rendered message in one language (issue 16).
kefu_add_test(message_language_test ${CMAKE_CURRENT_LIST_DIR}/message_language_test.cc
  LIBS kefu_sample)
# `kefu replay` and `kefu diagram`, end to end.
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME kefu_replay_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DEVENTS=${CMAKE_CURRENT_LIST_DIR}/data/replay_small.jsonl
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/replay_cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/replay_cli_test.cmake)
endif()
kefu_add_test(events_test ${CMAKE_CURRENT_LIST_DIR}/events_test.cc LIBS kefu_sample)
kefu_add_test(line_reader_test ${CMAKE_CURRENT_LIST_DIR}/line_reader_test.cc)
# `kefu replay` and `kefu check-replies` on pipes, FIFOs, /dev/stdin, a
# closed standard input, directories, long lines; `kefu replay --lang`.
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME kefu_input_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DEVENTS=${CMAKE_CURRENT_LIST_DIR}/data/replay_small.jsonl
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/input_cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/input_cli_test.cmake)
endif()
# scripts/replay_pairs.sh, the alternated timing of two builds (benchmarks.md).
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME replay_pairs_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DSCRIPT=${PROJECT_SOURCE_DIR}/scripts/replay_pairs.sh
            -DEVENTS=${CMAKE_CURRENT_LIST_DIR}/data/replay_small.jsonl
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/replay_pairs_cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/replay_pairs_cli_test.cmake)
endif()
# The sample-week generator (tools/sample/, the tool-side kefu_sample library).
kefu_add_test(sample_test ${CMAKE_CURRENT_LIST_DIR}/sample_test.cc LIBS kefu_sample)
# `kefu sample`, end to end.
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME kefu_sample_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/sample_cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/sample_cli_test.cmake)
endif()
# Entities' snapshots as JSON (issue 17).
kefu_add_test(state_json_test ${CMAKE_CURRENT_LIST_DIR}/state_json_test.cc LIBS kefu_sample)
# A replay split in two runs through its saved state (issue 17).
kefu_add_test(replay_state_test ${CMAKE_CURRENT_LIST_DIR}/replay_state_test.cc LIBS kefu_sample)
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME kefu_replay_state_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DEVENTS=${CMAKE_CURRENT_LIST_DIR}/data/replay_small.jsonl
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/replay_state_cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/replay_state_cli_test.cmake)
endif()
# Policy packs: every key, the defaults, validation, round trips (issue 19).
kefu_add_test(policy_pack_test ${CMAKE_CURRENT_LIST_DIR}/policy_pack_test.cc)
# `kefu policy` and --policy on replay and check-replies, end to end (issue 19).
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME kefu_policy_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DEVENTS=${CMAKE_CURRENT_LIST_DIR}/data/replay_small.jsonl
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/policy_cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/policy_cli_test.cmake)
endif()
# ParseEvent (simdjson) against the nlohmann-json reference, line by line.
kefu_add_test(events_differential_test ${CMAKE_CURRENT_LIST_DIR}/events_differential_test.cc
  LIBS kefu_sample)
# Scenario files and their coverage (kefu/io/scenario.h, issue 23).
kefu_add_test(scenario_test ${CMAKE_CURRENT_LIST_DIR}/scenario_test.cc)
# `kefu test`: one line per scenario, a diff naming the failing step, the
# closing count and exit codes, errors naming their line, --coverage.
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME kefu_test_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DEXAMPLE=${PROJECT_SOURCE_DIR}/examples/shop-policy-tests
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/test_cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/test_cli_test.cmake)
endif()
# Serve's answers (kefu/io/answer_json.h) against the nlohmann-json
# documents they replaced, byte for byte.
kefu_add_test(answer_json_test ${CMAKE_CURRENT_LIST_DIR}/answer_json_test.cc
  LIBS kefu_sample nlohmann_json::nlohmann_json)
# The team fed through the Shop from JSON Lines, and its report sections
# (issue 20).
kefu_add_test(team_events_test ${CMAKE_CURRENT_LIST_DIR}/team_events_test.cc LIBS kefu_sample)
# The team entity's events ("entity":"team"): both readers, the Shop,
# FB-ROLES and SH-HANDOVER refusals, Save/Load, the sample's sections.
kefu_add_test(team_entity_test ${CMAKE_CURRENT_LIST_DIR}/team_entity_test.cc LIBS kefu_sample)
