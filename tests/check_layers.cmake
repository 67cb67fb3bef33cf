# Fails when a lower layer includes a higher one (docs/architecture.md):
# core < policies < machines < text < engine < io < store < capi, testing, for the public headers in
# include/kefu/<layer>/ and the sources in src/<layer>/. Library code never
# includes the tool-side code in tools/ (sample/: the sample-week generator).
# Usage: cmake -DROOT=<project dir> -P check_layers.cmake
set(layers core policies machines text engine io store capi testing)
set(tool_side sample)
set(bad "")
foreach(layer ${layers})
  list(FIND layers ${layer} rank)
  file(GLOB_RECURSE files ${ROOT}/include/kefu/${layer}/*.h ${ROOT}/src/${layer}/*.h
       ${ROOT}/src/${layer}/*.cc)
  foreach(f ${files})
    file(STRINGS ${f} includes REGEX "^#include \"(kefu/)?[a-z_]+/")
    foreach(line ${includes})
      string(REGEX REPLACE "^#include \"(kefu/)?([a-z_]+)/.*" "\\2" target "${line}")
      list(FIND layers ${target} target_rank)
      list(FIND tool_side ${target} tool_index)
      if(target_rank GREATER rank)
        list(APPEND bad "${f}: ${line} (${layer} must not include ${target})")
      elseif(tool_index GREATER -1)
        list(APPEND bad "${f}: ${line} (library code must not include tool-side ${target})")
      endif()
    endforeach()
  endforeach()
endforeach()
if(bad)
  string(REPLACE ";" "\n" bad "${bad}")
  message(FATAL_ERROR "layering violations:\n${bad}")
endif()
message(STATUS "layers respected")
