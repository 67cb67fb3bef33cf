# Runs one consumer test (see CMakeLists.txt beside this file). Arguments:
# MODE (find_package | add_subdirectory), KEFU_BINARY_DIR, KEFU_SOURCE_DIR,
# WORK_DIR, GENERATOR, CXX_COMPILER, CXX_COMPILER_LAUNCHER (the build's
# launcher, "|"-separated; may be empty), BUILD_TYPE.
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
