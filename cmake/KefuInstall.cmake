# install(EXPORT) with a package config and version file, so that a host can
# say find_package(kefu) and link kefu::kefu.
install(TARGETS kefu EXPORT kefuTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The shared C API library of a static build (src/capi/sources.cmake).
if(TARGET kefu_c)
  install(TARGETS kefu_c LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/kefu
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
set(KEFU_CONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kefu)
install(EXPORT kefuTargets NAMESPACE kefu:: DESTINATION ${KEFU_CONFIG_DIR})
# The testing kit, its own export set: only find_package(kefu COMPONENTS
# testing) loads it, and only then is GoogleTest needed.
if(TARGET kefu_testing)
  install(TARGETS kefu_testing EXPORT kefuTestingTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(EXPORT kefuTestingTargets NAMESPACE kefu:: DESTINATION ${KEFU_CONFIG_DIR})
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/kefuConfig.cmake.in
  ${PROJECT_BINARY_DIR}/kefuConfig.cmake
  INSTALL_DESTINATION ${KEFU_CONFIG_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kefuConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kefuConfig.cmake
  ${PROJECT_BINARY_DIR}/kefuConfigVersion.cmake
  DESTINATION ${KEFU_CONFIG_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/kefu)

# kefu.pc beside the CMake package, for hosts that build with pkg-config
# (`pkg-config --cflags --libs kefu`). Relocatable: the prefix is found from
# the file's own place, so an install moved with --prefix works. A static
# libkefu needs its private dependencies and the C++ runtime on the link
# line of every host; a shared one carries them itself.
file(RELATIVE_PATH KEFU_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" KEFU_PC_TO_PREFIX "${KEFU_PC_TO_PREFIX}")
set(KEFU_PC_ABSL "absl_status absl_statusor absl_strings absl_str_format absl_time absl_civil_time")
# What libkefu links privately (src/*/sources.cmake). Not libpq: the
# PostgreSQL store loads it when it connects (-ldl for dlopen, a part of
# libc since glibc 2.34).
set(KEFU_PC_PRIVATE "absl_flat_hash_map absl_flat_hash_set absl_node_hash_map absl_node_hash_set absl_hash sqlite3 zlib simdjson")
if(BUILD_SHARED_LIBS)
  set(KEFU_PC_REQUIRES "${KEFU_PC_ABSL}")
  set(KEFU_PC_REQUIRES_PRIVATE "${KEFU_PC_PRIVATE}")
  set(KEFU_PC_LIBS_EXTRA "")
  set(KEFU_PC_CFLAGS_EXTRA " -DKEFU_SHARED")
else()
  set(KEFU_PC_REQUIRES "${KEFU_PC_ABSL} ${KEFU_PC_PRIVATE}")
  set(KEFU_PC_REQUIRES_PRIVATE "")
  set(KEFU_PC_LIBS_EXTRA " -lstdc++ -lm -pthread -ldl")
  set(KEFU_PC_CFLAGS_EXTRA "")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/kefu.pc.in ${PROJECT_BINARY_DIR}/kefu.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/kefu.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
