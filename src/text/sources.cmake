# The text layer: the reply checker (banned phrases, structural rules,
# privacy, the meeting auto-reply).
#
# The OpenCC traditional -> simplified character table the library needs at
# run time is kept in data/ and compiled into the library: configure time
# turns it into a C++ source in the build tree.
set(_kefu_t2s_table "${PROJECT_SOURCE_DIR}/data/opencc-TSCharacters.txt")
set(_kefu_t2s_source "${PROJECT_BINARY_DIR}/generated/kefu/t2s_data.cc")
file(READ "${_kefu_t2s_table}" KEFU_T2S_TEXT)
configure_file("${CMAKE_CURRENT_LIST_DIR}/t2s_data.cc.in" "${_kefu_t2s_source}" @ONLY)
unset(KEFU_T2S_TEXT)
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY
  CMAKE_CONFIGURE_DEPENDS "${_kefu_t2s_table}")

target_sources(kefu PRIVATE
  "${_kefu_t2s_source}"
  ${CMAKE_CURRENT_LIST_DIR}/callback.cc
  ${CMAKE_CURRENT_LIST_DIR}/fold.cc
  ${CMAKE_CURRENT_LIST_DIR}/meeting.cc
  ${CMAKE_CURRENT_LIST_DIR}/packs.cc
  ${CMAKE_CURRENT_LIST_DIR}/phrase_matcher.cc
  ${CMAKE_CURRENT_LIST_DIR}/privacy.cc
  ${CMAKE_CURRENT_LIST_DIR}/reply_checker.cc
  ${CMAKE_CURRENT_LIST_DIR}/work_count.cc)
