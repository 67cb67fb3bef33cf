# `kefu replay --state-out / --state-in` end to end (cmake -P). Arguments:
# KEFU, EVENTS (a small event file), WORK_DIR. A file split at every line
# and replayed in two runs ends with the same entities by state and the same
# pending deadlines as one run, and writes the same state; a state file that
# is not one, or is cut short, exits 1 naming the problem.
cmake_minimum_required(VERSION 3.25)
function(fail msg)
  message(FATAL_ERROR "replay_state_cli_test: ${msg}")
endfunction()
file(MAKE_DIRECTORY "${WORK_DIR}")
# Lines counted and cut with head/tail: JSON's brackets upset CMake lists.
execute_process(COMMAND wc -l "${EVENTS}" OUTPUT_VARIABLE wc)
string(REGEX MATCH "^[ ]*[0-9]+" n "${wc}")
string(STRIP "${n}" n)

function(replay out_var file)
  execute_process(COMMAND "${KEFU}" replay "${file}" --json --no-progress ${ARGN}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    fail("replay ${file} ${ARGN}: exit code ${rc}: ${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

replay(whole "${EVENTS}" --state-out "${WORK_DIR}/whole.state")
string(JSON whole_states GET "${whole}" states)
string(JSON whole_pending GET "${whole}" pending_after_until)
file(READ "${WORK_DIR}/whole.state" whole_state HEX)

foreach(split RANGE 0 ${n})
  execute_process(COMMAND head -n ${split} "${EVENTS}" OUTPUT_FILE "${WORK_DIR}/first.jsonl")
  math(EXPR from "${split} + 1")
  execute_process(COMMAND tail -n +${from} "${EVENTS}" OUTPUT_FILE "${WORK_DIR}/second.jsonl")
  replay(r1 "${WORK_DIR}/first.jsonl" --state-out "${WORK_DIR}/split.state")
  replay(r2 "${WORK_DIR}/second.jsonl" --state-in "${WORK_DIR}/split.state"
         --state-out "${WORK_DIR}/after.state")
  string(JSON states GET "${r2}" states)
  string(JSON pending GET "${r2}" pending_after_until)
  if(NOT states STREQUAL whole_states OR NOT pending EQUAL whole_pending)
    fail("split at line ${split}: states ${states}, pending ${pending}; one run: ${whole_states}, ${whole_pending}")
  endif()
  file(READ "${WORK_DIR}/after.state" after_state HEX)
  if(NOT after_state STREQUAL whole_state)
    fail("split at line ${split}: the final state differs from one run's")
  endif()
endforeach()

# Not a state; a state cut short.
execute_process(COMMAND "${KEFU}" replay "${EVENTS}" --state-in "${EVENTS}"
  OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT err MATCHES "not a replay's state")
  fail("--state-in of an event file: exit code ${rc}: ${err}")
endif()
file(SIZE "${WORK_DIR}/whole.state" size)
math(EXPR keep "${size} / 2")
execute_process(COMMAND head -c ${keep} "${WORK_DIR}/whole.state"
  OUTPUT_FILE "${WORK_DIR}/cut.state" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  fail("cannot cut the state file")
endif()
execute_process(COMMAND "${KEFU}" replay "${EVENTS}" --state-in "${WORK_DIR}/cut.state"
  OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT err MATCHES "corrupted")
  fail("--state-in of a cut state: exit code ${rc}: ${err}")
endif()
execute_process(COMMAND "${KEFU}" replay "${EVENTS}" --state-in "${WORK_DIR}/no-such.state"
  OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT err MATCHES "cannot open")
  fail("--state-in of a missing file: exit code ${rc}: ${err}")
endif()
