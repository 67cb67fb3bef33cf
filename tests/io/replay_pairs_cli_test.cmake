# Runs scripts/replay_pairs.sh (cmake -P). Arguments: KEFU (the program),
# SCRIPT, EVENTS (a week), WORK_DIR. Two pairs of the same program: every
# run and pair is printed, the summary gives both builds' medians, events
# a second from the report's line count, and the ratios; no arguments, a
# program that is not one and a bad pair count exit with 2.
function(fail msg)
  message(FATAL_ERROR "replay_pairs_cli_test: ${msg}")
endfunction()

file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND bash "${SCRIPT}" "${KEFU}" "${KEFU}" "${EVENTS}" 2 0
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  fail("exit code ${rc}: ${err}")
endif()
foreach(want "pair 1: A [0-9]+ ms, B [0-9]+ ms, B/A [0-9.]+"
             "pair 2: A [0-9]+ ms, B [0-9]+ ms, B/A [0-9.]+"
             "A [^\n]*: median [0-9]+ ms, best [0-9]+ ms \\([0-9]+ events a second at the median, [0-9]+ at best\\)"
             "B [^\n]*: median [0-9]+ ms, best [0-9]+ ms \\([0-9]+ events a second"
             "B/A: median [0-9.]+, pairs [0-9.]+ to [0-9.]+")
  if(NOT out MATCHES "${want}")
    fail("no line like \"${want}\" in:\n${out}")
  endif()
endforeach()
if(out MATCHES "pair 3")
  fail("more than the two pairs asked for:\n${out}")
endif()

foreach(args "" "${KEFU};${WORK_DIR};${EVENTS}" "${KEFU};${KEFU};${EVENTS};0")
  execute_process(COMMAND bash "${SCRIPT}" ${args}
    OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 2 OR err STREQUAL "")
    fail("arguments \"${args}\": exit code ${rc}, want 2 and a message (${err})")
  endif()
endforeach()
