# Runs one consumer test (see CMakeLists.txt beside this file). Arguments:
# MODE (find_package | add_subdirectory | shared | pkg_config),
# KEFU_BINARY_DIR, KEFU_SOURCE_DIR, WORK_DIR, GENERATOR, CXX_COMPILER,
# C_COMPILER, CXX_COMPILER_LAUNCHER (the build's launcher, "|"-separated;
# may be empty), BUILD_TYPE.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "consumer test step failed (${rc}): ${cmd}")
  endif()
endfunction()

set(dir ${WORK_DIR}/${MODE})
set(configure_args -S ${KEFU_SOURCE_DIR}/tests/consumer/${MODE} -B ${dir}/build
    -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
# The consumer compiles through the same launcher as this build (the
# environment variable initializes CMAKE_CXX_COMPILER_LAUNCHER, and may hold
# a list).
if(CXX_COMPILER_LAUNCHER)
  string(REPLACE "|" ";" launcher "${CXX_COMPILER_LAUNCHER}")
  set(ENV{CMAKE_CXX_COMPILER_LAUNCHER} "${launcher}")
endif()

if(MODE STREQUAL "pkg_config")
  # The installed tree and pkg-config, nothing else: no CMake on the host's
  # side. A C program on kefu/c.h, compiled and linked in one command.
  file(REMOVE_RECURSE ${dir})
  run(${CMAKE_COMMAND} --install ${KEFU_BINARY_DIR} --prefix ${dir}/prefix)
  file(GLOB_RECURSE pc ${dir}/prefix/kefu.pc)
  if(NOT pc)
    message(FATAL_ERROR "the install has no kefu.pc")
  endif()
  get_filename_component(pc_dir ${pc} DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} ${pc_dir})
  find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
  execute_process(COMMAND ${PKG_CONFIG} --cflags --libs kefu OUTPUT_VARIABLE flags
                  RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config --cflags --libs kefu failed (${rc})")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(${C_COMPILER} -std=c11 ${KEFU_SOURCE_DIR}/tests/consumer/pkg_config/main.c ${flags}
      -o ${dir}/consumer)
  run(${dir}/consumer)
  return()
endif()

if(MODE STREQUAL "shared")
  # kefu itself built shared (the library and the kefu program only), in a
  # build directory kept between runs, installed into a fresh prefix.
  set(kefu_dir ${dir}/kefu-build)
  run(${CMAKE_COMMAND} --fresh -S ${KEFU_SOURCE_DIR} -B ${kefu_dir} -G ${GENERATOR}
      -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
      -DBUILD_SHARED_LIBS=ON -DKEFU_BUILD_TESTS=OFF -DKEFU_BUILD_EXAMPLES=OFF
      -DKEFU_BUILD_BENCHMARKS=OFF -DKEFU_BUILD_TOOLS=ON -DKEFU_BUILD_PYTHON=OFF)
  run(${CMAKE_COMMAND} --build ${kefu_dir} -j 2)
  file(REMOVE_RECURSE ${dir}/prefix ${dir}/build)
  run(${CMAKE_COMMAND} --install ${kefu_dir} --prefix ${dir}/prefix)
  # The SONAME follows the version rule: libkefu.so.0.MINOR before 1.0.
  file(GLOB_RECURSE libs ${dir}/prefix/libkefu.so.*)
  list(GET libs 0 lib)
  execute_process(COMMAND readelf -d ${lib} OUTPUT_VARIABLE dynamic RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT dynamic MATCHES "Library soname: \\[libkefu\\.so\\.0\\.[0-9]+\\]")
    message(FATAL_ERROR "libkefu's SONAME is not libkefu.so.0.MINOR:\n${dynamic}")
  endif()
  # The installed program finds the library by its RPATH alone.
  unset(ENV{LD_LIBRARY_PATH})
  run(${dir}/prefix/bin/kefu --version)
  run(${CMAKE_COMMAND} ${configure_args} -DCMAKE_C_COMPILER=${C_COMPILER}
      -DCMAKE_PREFIX_PATH=${dir}/prefix)
  run(${CMAKE_COMMAND} --build ${dir}/build -j 2)
  run(${dir}/build/consumer)
  run(${dir}/build/c_consumer)
  return()
endif()

if(MODE STREQUAL "find_package")
  # A fresh prefix every time: a file the install no longer puts there must
  # not linger from an earlier run.
  file(REMOVE_RECURSE ${dir})
  run(${CMAKE_COMMAND} --install ${KEFU_BINARY_DIR} --prefix ${dir}/prefix)
  run(${CMAKE_COMMAND} ${configure_args} -DCMAKE_PREFIX_PATH=${dir}/prefix)
else()
  # The build directory stays between runs; --fresh configures from scratch
  # (a new cache), and the build recompiles only what changed since.
  run(${CMAKE_COMMAND} --fresh ${configure_args} -DKEFU_SOURCE_DIR=${KEFU_SOURCE_DIR})
endif()
run(${CMAKE_COMMAND} --build ${dir}/build --target consumer -j 2)
run(${dir}/build/consumer)
# The installed testing kit (find_package(kefu COMPONENTS testing)).
if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} --build ${dir}/build --target consumer_kit_test -j 2)
  run(${dir}/build/consumer_kit_test)
endif()
