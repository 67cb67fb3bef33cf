# The text layer's tests: the reply checker (PH-* rules).
#
# Hyperscan is optional: when its headers and library are found, the
# differential test also compares against it.
find_path(KEFU_HYPERSCAN_INCLUDE_DIR hs/hs.h)
find_library(KEFU_HYPERSCAN_LIBRARY hs)

kefu_add_test(phrase_matcher_test ${CMAKE_CURRENT_LIST_DIR}/phrase_matcher_test.cc)
kefu_add_test(reply_checker_test ${CMAKE_CURRENT_LIST_DIR}/reply_checker_test.cc)
kefu_add_test(privacy_test ${CMAKE_CURRENT_LIST_DIR}/privacy_test.cc)
kefu_add_test(meeting_test ${CMAKE_CURRENT_LIST_DIR}/meeting_test.cc)
kefu_add_test(phrase_differential_test ${CMAKE_CURRENT_LIST_DIR}/phrase_differential_test.cc)
kefu_add_test(phrase_normalized_differential_test
  ${CMAKE_CURRENT_LIST_DIR}/phrase_normalized_differential_test.cc)
if(KEFU_HYPERSCAN_INCLUDE_DIR AND KEFU_HYPERSCAN_LIBRARY)
  target_include_directories(phrase_differential_test PRIVATE ${KEFU_HYPERSCAN_INCLUDE_DIR})
  target_link_libraries(phrase_differential_test PRIVATE ${KEFU_HYPERSCAN_LIBRARY})
  target_compile_definitions(phrase_differential_test PRIVATE KEFU_HAVE_HYPERSCAN=1)
endif()

# The command-line program, end to end.
if(KEFU_BUILD_TOOLS AND EXISTS ${PROJECT_SOURCE_DIR}/tools/CMakeLists.txt)
  add_test(NAME kefu_check_replies_cli
    COMMAND ${CMAKE_COMMAND} -DKEFU=$<TARGET_FILE:kefu_tool>
            -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/cli_test
            -P ${CMAKE_CURRENT_LIST_DIR}/cli_test.cmake)
endif()

# Public headers of the text layer compile as C++17 and C++20.
kefu_add_test(text_headers_cxx17_test ${CMAKE_CURRENT_LIST_DIR}/headers_test.cc)
set_target_properties(text_headers_cxx17_test PROPERTIES CXX_STANDARD 17)
kefu_add_test(text_headers_cxx20_test ${CMAKE_CURRENT_LIST_DIR}/headers_test.cc)
set_target_properties(text_headers_cxx20_test PROPERTIES CXX_STANDARD 20)
kefu_add_test(callback_test ${CMAKE_CURRENT_LIST_DIR}/callback_test.cc)
kefu_add_test(linear_work_test ${CMAKE_CURRENT_LIST_DIR}/linear_work_test.cc)
