# The io layer: the JSON Lines event format, the replay, the line reader
# they read input with and the entities' snapshots as JSON. (The sample-shop
# generator is tool-side: tools/sample/.)
# Events are read with simdjson (a shared library: a static libkefu's
# hosts link it too, kefuConfig.cmake finds it); nlohmann-json, header-only
# and private, words the errors of lines simdjson does not take and writes
# the snapshots' JSON and the answers (answer_json.cc): hosts never need it.
find_package(simdjson 3 REQUIRED CONFIG)
find_package(nlohmann_json 3 REQUIRED CONFIG)
target_link_libraries(kefu PRIVATE simdjson::simdjson
  $<BUILD_INTERFACE:nlohmann_json::nlohmann_json>)
# Append-only list.
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/events.cc
  ${CMAKE_CURRENT_LIST_DIR}/replay.cc
  ${CMAKE_CURRENT_LIST_DIR}/line_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/state_json.cc
  ${CMAKE_CURRENT_LIST_DIR}/policy_pack.cc
  ${CMAKE_CURRENT_LIST_DIR}/scenario.cc
  ${CMAKE_CURRENT_LIST_DIR}/answer_json.cc
  ${CMAKE_CURRENT_LIST_DIR}/host_line.cc
)
# Policy packs and scenario files are TOML (kefu/io/policy_pack.h,
# kefu/io/scenario.h), read with toml++ used header-only in policy_pack.cc
# and scenario.cc alone: no library to link, nothing a host needs. Only the
# package's include directory is taken.
find_package(tomlplusplus 3 REQUIRED CONFIG)
get_target_property(KEFU_TOMLPP_INCLUDE tomlplusplus::tomlplusplus INTERFACE_INCLUDE_DIRECTORIES)
# /usr/include is searched already; naming it with -I breaks <cstdlib>.
list(REMOVE_ITEM KEFU_TOMLPP_INCLUDE /usr/include)
if(KEFU_TOMLPP_INCLUDE)
  set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/policy_pack.cc
    ${CMAKE_CURRENT_LIST_DIR}/scenario.cc PROPERTIES
    INCLUDE_DIRECTORIES "${KEFU_TOMLPP_INCLUDE}")
endif()
