# Runs one consumer test (see CMakeLists.txt beside this file). Arguments:
# MODE (find_package | add_subdirectory), KEFU_BINARY_DIR, KEFU_SOURCE_DIR,
# WORK_DIR, GENERATOR, CXX_COMPILER, BUILD_TYPE.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "consumer test step failed (${rc}): ${cmd}")
  endif()
endfunction()

set(dir ${WORK_DIR}/${MODE})
file(REMOVE_RECURSE ${dir})
set(configure_args -S ${KEFU_SOURCE_DIR}/tests/consumer/${MODE} -B ${dir}/build
    -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} --install ${KEFU_BINARY_DIR} --prefix ${dir}/prefix)
  run(${CMAKE_COMMAND} ${configure_args} -DCMAKE_PREFIX_PATH=${dir}/prefix)
else()
  run(${CMAKE_COMMAND} ${configure_args} -DKEFU_SOURCE_DIR=${KEFU_SOURCE_DIR})
endif()
run(${CMAKE_COMMAND} --build ${dir}/build -j 2)
run(${dir}/build/consumer)
