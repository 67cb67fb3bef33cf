# The C API (kefu/c.h): a thin layer over the store and io layers, inside
# libkefu itself (no second library to link or version). memory_store.cc is
# the store of a shop opened in memory. The layer above every other one.
# Append-only list.
target_sources(kefu PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/capi.cc
  ${CMAKE_CURRENT_LIST_DIR}/memory_store.cc
)

# Hosts that load a library at run time (Python's ctypes, PHP's FFI, Java's
# JNA, Go's cgo) need a shared object. A shared libkefu is one (the C API is
# in it). A static libkefu is wrapped here into libkefu_c.so: all of libkefu
# inside, only the kefu_* functions of kefu/c.h exported (kefu_c.map), the
# same SONAME rule as libkefu (docs/bindings.md). KEFU_C_LIBRARY names
# whichever of the two a host loads. A host that pulls kefu in with
# add_subdirectory() gets neither (KEFU_BUILD_C_LIBRARY is off there).
if(BUILD_SHARED_LIBS)
  set(KEFU_C_LIBRARY kefu)
elseif(KEFU_BUILD_C_LIBRARY)
  add_library(kefu_c SHARED ${CMAKE_CURRENT_LIST_DIR}/kefu_c_library.cc)
  target_link_libraries(kefu_c PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,kefu>")
  set_target_properties(kefu_c PROPERTIES
    VERSION ${PROJECT_VERSION}
    SOVERSION ${KEFU_SOVERSION}
    CXX_VISIBILITY_PRESET hidden
    LINK_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/kefu_c.map)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_link_options(kefu_c PRIVATE
      "LINKER:--version-script=${CMAKE_CURRENT_LIST_DIR}/kefu_c.map")
  endif()
  set(KEFU_C_LIBRARY kefu_c)
endif()
