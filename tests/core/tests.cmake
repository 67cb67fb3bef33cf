kefu_add_test(money_test ${CMAKE_CURRENT_LIST_DIR}/money_test.cc)
kefu_add_test(time_test ${CMAKE_CURRENT_LIST_DIR}/time_test.cc)
kefu_add_test(calendar_test ${CMAKE_CURRENT_LIST_DIR}/calendar_test.cc)
kefu_add_test(outcome_test ${CMAKE_CURRENT_LIST_DIR}/outcome_test.cc)
kefu_add_test(status_test ${CMAKE_CURRENT_LIST_DIR}/status_test.cc)
kefu_add_test(ahead_test ${CMAKE_CURRENT_LIST_DIR}/ahead_test.cc)
kefu_add_test(codec_test ${CMAKE_CURRENT_LIST_DIR}/codec_test.cc)
kefu_add_test(optional_time_test ${CMAKE_CURRENT_LIST_DIR}/optional_time_test.cc)
# The thread's spare outcome blocks (src/core/outcome_spare.h).
kefu_add_test(outcome_spare_test ${CMAKE_CURRENT_LIST_DIR}/outcome_spare_test.cc LIBS kefu_sample)
# A day as absl::FormatCivilTime writes it (src/core/day_text.h).
kefu_add_test(day_text_test ${CMAKE_CURRENT_LIST_DIR}/day_text_test.cc)
# The in-memory word-at-a-time hash (src/core/word_hash.h).
kefu_add_test(word_hash_test ${CMAKE_CURRENT_LIST_DIR}/word_hash_test.cc)
# Names packed into words for the event reader's look-ups (src/core/schema.h).
kefu_add_test(packed_name_test ${CMAKE_CURRENT_LIST_DIR}/packed_name_test.cc)
# A program of its own: what it tests changes malloc's settings for good.
kefu_add_test(heap_test ${CMAKE_CURRENT_LIST_DIR}/heap_test.cc)
kefu_add_test(version_test ${CMAKE_CURRENT_LIST_DIR}/version_test.cc)
target_compile_definitions(version_test PRIVATE KEFU_PROJECT_VERSION="${PROJECT_VERSION}")

# Every public header compiles as C++17 (the library's standard) and C++20.
kefu_add_test(headers_cxx20_test ${CMAKE_CURRENT_LIST_DIR}/headers_test.cc)
set_target_properties(headers_cxx20_test PROPERTIES CXX_STANDARD 20)
kefu_add_test(headers_cxx17_test ${CMAKE_CURRENT_LIST_DIR}/headers_test.cc)
set_target_properties(headers_cxx17_test PROPERTIES CXX_STANDARD 17)

if(KEFU_HEADER_CHECKS)
  # Every public header must also stand alone: one generated translation unit
  # per header, compiled as C++17 and as C++20 (a failure fails the build).
  file(GLOB_RECURSE KEFU_PUBLIC_HEADERS CONFIGURE_DEPENDS
       RELATIVE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/include/kefu/*.h)
  set(kefu_header_sources "")
  foreach(header ${KEFU_PUBLIC_HEADERS})
    string(MAKE_C_IDENTIFIER "${header}" header_id)
    set(source ${CMAKE_CURRENT_BINARY_DIR}/header_check/${header_id}.cc)
    file(CONFIGURE OUTPUT ${source} CONTENT "#include \"${header}\"\n#include \"${header}\"\n")
    list(APPEND kefu_header_sources ${source})
  endforeach()
  foreach(std 17 20)
    add_library(kefu_header_check_cxx${std} OBJECT ${kefu_header_sources})
    target_link_libraries(kefu_header_check_cxx${std} PRIVATE kefu::kefu)
    set_target_properties(kefu_header_check_cxx${std} PROPERTIES CXX_STANDARD ${std})
    kefu_set_warnings(kefu_header_check_cxx${std})
  endforeach()
endif()
# Text copies and comparisons on hot paths (src/core/hot_text.h).
kefu_add_test(hot_text_test ${CMAKE_CURRENT_LIST_DIR}/hot_text_test.cc)
