# The `kefu` program links neither libpq (the PostgreSQL store loads it when
# it connects) nor cpp-httplib (`kefu serve --http` runs kefu-http): a
# replay loads neither they nor OpenSSL, Kerberos and the rest behind them.
# And kefu without kefu-http beside it says so for --http.
#   cmake -DKEFU=<kefu> -DWORK_DIR=<dir> -P tool_links_test.cmake
execute_process(COMMAND readelf -d ${KEFU} OUTPUT_VARIABLE dynamic RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf -d ${KEFU} failed (${rc})")
endif()
string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*" needed "${dynamic}")
if(NOT needed)
  message(FATAL_ERROR "no NEEDED entries read from ${KEFU}:\n${dynamic}")
endif()
foreach(library libpq libcpp-httplib libssl libcrypto)
  if(needed MATCHES "\\[${library}[.]")
    message(FATAL_ERROR "kefu links ${library}:\n${needed}")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
file(COPY ${KEFU} DESTINATION ${WORK_DIR})
get_filename_component(name ${KEFU} NAME)
execute_process(
  COMMAND ${WORK_DIR}/${name} serve --db ${WORK_DIR}/shop.db --http 127.0.0.1:0
  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out TIMEOUT 60)
if(NOT rc EQUAL 1 OR NOT err MATCHES "served by kefu-http" OR EXISTS ${WORK_DIR}/shop.db)
  message(FATAL_ERROR "kefu --http without kefu-http: exit ${rc}, no store expected\n"
                      "stderr: ${err}\nstdout: ${out}")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
