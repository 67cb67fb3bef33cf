# Runs `kefu sample` end to end (cmake -P). Arguments: KEFU (the program),
# WORK_DIR. Two runs with the same options give identical bytes, a file
# written with -o matches standard output, every line is one JSON event in
# time order, another seed differs, and bad options exit with 2.
function(fail msg)
  message(FATAL_ERROR "sample_cli_test: ${msg}")
endfunction()

file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${KEFU}" sample --days 1
  OUTPUT_VARIABLE first ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  fail("exit code ${rc}: ${err}")
endif()
execute_process(COMMAND "${KEFU}" sample --days 1
  OUTPUT_VARIABLE second ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT first STREQUAL second)
  fail("two runs of `kefu sample --days 1` differ (rc=${rc})")
endif()
string(LENGTH "${first}" size)
if(size LESS 100000)
  fail("output is only ${size} bytes")
endif()
if(NOT err MATCHES "kefu sample: ([0-9]+) events")
  fail("summary: ${err}")
endif()
set(events ${CMAKE_MATCH_1})
string(REGEX MATCHALL "\n" newlines "${first}")
list(LENGTH newlines n)
if(NOT n EQUAL events)
  fail("${n} lines for ${events} events")
endif()

# -o FILE writes the same bytes.
execute_process(COMMAND "${KEFU}" sample --days 1 -o "${WORK_DIR}/week.jsonl"
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
file(READ "${WORK_DIR}/week.jsonl" from_file)
if(NOT rc EQUAL 0 OR NOT from_file STREQUAL first)
  fail("-o FILE differs from standard output (rc=${rc})")
endif()

# The first lines are events in time order (the offset is always +08:00).
string(REGEX MATCHALL "[^\n]+" lines "${first}")
list(SUBLIST lines 0 200 head)
set(last "")
foreach(l IN LISTS head)
  string(JSON id GET "${l}" id)
  string(JSON at GET "${l}" at)
  string(JSON entity GET "${l}" entity)
  string(JSON type GET "${l}" type)
  if(id STREQUAL "" OR NOT entity MATCHES "^(order|ticket|review|reply|team)$")
    fail("bad event: ${l}")
  endif()
  if(at STRLESS last)
    fail("not in time order: ${at} after ${last}")
  endif()
  set(last "${at}")
endforeach()

# Another seed, another week.
execute_process(COMMAND "${KEFU}" sample --days 1 --seed 2
  OUTPUT_VARIABLE other ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR other STREQUAL first)
  fail("--seed 2 gave the same week (rc=${rc})")
endif()

# Usage errors exit with 2.
foreach(bad "--days;0" "--days;x" "--orders-per-day;-1" "--seed;-3" "--start;2026-11-02"
            "--bogus" "--days")
  execute_process(COMMAND "${KEFU}" sample ${bad} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 2)
    fail("`kefu sample ${bad}` exited with ${rc}, not 2")
  endif()
endforeach()
# An unwritable output is 1.
execute_process(COMMAND "${KEFU}" sample --days 1 -o "${WORK_DIR}/no/such/dir/x.jsonl"
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 1)
  fail("unwritable output gave ${rc}")
endif()
