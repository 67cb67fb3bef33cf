# Tests of the C API (kefu/c.h).
# c_api_test is C, compiled as C11 (not C++): what a C host sees. It links
# libkefu like any host (a C++ library: the C++ runtime comes with it).
enable_language(C)
add_executable(c_api_test ${CMAKE_CURRENT_LIST_DIR}/c_api_test.c)
set_target_properties(c_api_test PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON
  C_EXTENSIONS OFF LINKER_LANGUAGE CXX)
target_link_libraries(c_api_test PRIVATE kefu::kefu)
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(c_api_test PRIVATE -Wall -Wextra -pedantic -Werror)
endif()
set(c_api_test_dir ${CMAKE_CURRENT_BINARY_DIR}/c_api_test.d)
add_test(NAME c_api_test COMMAND c_api_test ${c_api_test_dir})
# One command a test: a fixture makes the directory.
add_test(NAME c_api_test_dir COMMAND ${CMAKE_COMMAND} -E make_directory ${c_api_test_dir})
set_tests_properties(c_api_test_dir PROPERTIES FIXTURES_SETUP c_api_dir)
set_tests_properties(c_api_test PROPERTIES FIXTURES_REQUIRED c_api_dir)
# The same on PostgreSQL, with the server of the kefu_postgres fixture
# (tests/store/tests.cmake): the shop's tests and the store's on two
# databases of its own.
if(KEFU_TEST_PG_DIR)
  add_test(NAME c_api_test_postgres
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/c_api_pg.sh $<TARGET_FILE:c_api_test>
            ${CMAKE_CURRENT_BINARY_DIR}/c_api_test_pg.d)
  set_tests_properties(c_api_test_postgres PROPERTIES
    FIXTURES_REQUIRED kefu_postgres LABELS postgres TIMEOUT 120
    ENVIRONMENT KEFU_TEST_PG_DIR=${KEFU_TEST_PG_DIR})
endif()
