# install(EXPORT) with a package config and version file, so that a host can
# say find_package(kefu) and link kefu::kefu.
install(TARGETS kefu EXPORT kefuTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
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
