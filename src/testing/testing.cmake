# The testing kit (include/kefu/testing/, docs/testing.md): a static library
# on top of kefu with GoogleTest printers, gMock matchers, event builders and
# a Shop fixture, for hosts' and shops' own tests. Target kefu::testing; it
# links GoogleTest and gMock publicly. It is a separate export set
# (kefuTestingTargets) so that a host using only kefu::kefu never needs
# GoogleTest: find_package(kefu COMPONENTS testing) loads it.
find_package(GTest REQUIRED CONFIG)
add_library(kefu_testing STATIC
  ${CMAKE_CURRENT_LIST_DIR}/builders.cc
  ${CMAKE_CURRENT_LIST_DIR}/matchers.cc
  ${CMAKE_CURRENT_LIST_DIR}/print.cc
  ${CMAKE_CURRENT_LIST_DIR}/shop_test.cc)
add_library(kefu::testing ALIAS kefu_testing)
set_target_properties(kefu_testing PROPERTIES
  CXX_STANDARD 17
  CXX_STANDARD_REQUIRED ON
  CXX_EXTENSIONS OFF
  POSITION_INDEPENDENT_CODE ON
  EXPORT_NAME testing)
target_compile_features(kefu_testing PUBLIC cxx_std_17)
target_include_directories(kefu_testing PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_include_directories(kefu_testing PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(kefu_testing PUBLIC kefu::kefu GTest::gmock GTest::gtest)
kefu_set_warnings(kefu_testing)
