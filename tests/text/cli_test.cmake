# Runs `kefu check-replies` end to end (cmake -P). Arguments: KEFU (the
# program), WORK_DIR. Checks the JSON Lines output, the summary on standard
# error and the exit codes.
function(fail msg)
  message(FATAL_ERROR "cli_test: ${msg}")
endfunction()

file(MAKE_DIRECTORY "${WORK_DIR}")
set(input "${WORK_DIR}/replies.txt")
# Line 1: PH-NEGATION + PH-APOLOGY + PH-INTERJECTION; 2: clean; 3: 感恩 (clean);
# 4: PH-PRIVACY; 5: PH-ADLAW only with the advertising-law pack.
file(WRITE "${input}" "您好,这个不行哦\n非常抱歉,无法再低了\n感恩\n电话138 1234 5678\n国家级品质\n")

execute_process(COMMAND "${KEFU}" check-replies "${input}"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  fail("exit code ${rc}: ${err}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${out}")
list(LENGTH lines n)
if(NOT n EQUAL 4)
  fail("expected 4 findings, got ${n}:\n${out}")
endif()
set(rules "")
foreach(l IN LISTS lines)
  string(JSON rule GET "${l}" rule)
  string(JSON line GET "${l}" line)
  string(JSON start GET "${l}" start)
  string(JSON end GET "${l}" end)
  string(JSON text GET "${l}" text)
  string(JSON severity GET "${l}" severity)
  string(JSON suggestion GET "${l}" suggestion)
  list(APPEND rules "${line}:${rule}:${start}-${end}:${text}")
endforeach()
set(want "1:PH-APOLOGY:13-19:不行;1:PH-NEGATION:13-19:不行;1:PH-INTERJECTION:19-22:哦;4:PH-PRIVACY:6-19:138****5678")
if(NOT rules STREQUAL want)
  fail("findings\n  ${rules}\nwant\n  ${want}")
endif()
if(NOT err MATCHES "5 replies, 2 with findings, 4 findings")
  fail("summary: ${err}")
endif()

# Standard input, and --pack.
execute_process(COMMAND "${KEFU}" check-replies --pack seed,advertising-law
  INPUT_FILE "${input}" OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\"line\":5,\"rule\":\"PH-ADLAW\"")
  fail("--pack from stdin: rc=${rc}\n${out}")
endif()

# Errors: an unreadable file is 1, a bad option or pack is 2.
execute_process(COMMAND "${KEFU}" check-replies "${WORK_DIR}/missing.txt"
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 1)
  fail("missing file gave ${rc}")
endif()
execute_process(COMMAND "${KEFU}" check-replies --pack nope INPUT_FILE "${input}"
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 2)
  fail("bad pack gave ${rc}")
endif()
execute_process(COMMAND "${KEFU}" no-such-command RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 2)
  fail("unknown command gave ${rc}")
endif()
