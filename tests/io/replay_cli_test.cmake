# Runs `kefu replay` and `kefu diagram` end to end (cmake -P). Arguments:
# KEFU (the program), EVENTS (a small event file), WORK_DIR. Checks the
# --json report field by field, the text report's headings, --strict and
# the exit codes.
cmake_minimum_required(VERSION 3.25)
function(fail msg)
  message(FATAL_ERROR "replay_cli_test: ${msg}")
endfunction()
file(MAKE_DIRECTORY "${WORK_DIR}")

# --json: one document; every line accounted for.
execute_process(COMMAND "${KEFU}" replay "${EVENTS}" --json --until 2026-11-20T18:00:00+08:00
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  fail("replay --json exit code ${rc}: ${err}")
endif()
# The program asks for huge pages on its heap (kefu/core/heap.h);
# KEFU_HUGE_HEAP=0 turns that off and must not change a byte of the report.
execute_process(COMMAND "${CMAKE_COMMAND}" -E env KEFU_HUGE_HEAP=0
                        "${KEFU}" replay "${EVENTS}" --json --until 2026-11-20T18:00:00+08:00
  OUTPUT_VARIABLE out_plain RESULT_VARIABLE rc_plain)
if(NOT rc_plain EQUAL 0 OR NOT out_plain STREQUAL out)
  fail("KEFU_HUGE_HEAP=0 changed the report (exit code ${rc_plain})")
endif()
# --parse-ahead reads on a second thread: the same report, byte for byte,
# as JSON and as text, here and on a generated week of about 24,000 events.
execute_process(COMMAND "${KEFU}" replay "${EVENTS}" --json --until 2026-11-20T18:00:00+08:00
                        --parse-ahead
  OUTPUT_VARIABLE out_ahead RESULT_VARIABLE rc_ahead)
if(NOT rc_ahead EQUAL 0 OR NOT out_ahead STREQUAL out)
  fail("--parse-ahead changed the JSON report (exit code ${rc_ahead})")
endif()
execute_process(COMMAND "${KEFU}" sample --orders-per-day 300 --output "${WORK_DIR}/week.jsonl"
  RESULT_VARIABLE rc_sample ERROR_QUIET)
if(NOT rc_sample EQUAL 0)
  fail("kefu sample: exit code ${rc_sample}")
endif()
foreach(format text json)
  set(format_args --limit 0)
  if(format STREQUAL "json")
    set(format_args --json --keep 0)
  endif()
  execute_process(COMMAND "${KEFU}" replay "${WORK_DIR}/week.jsonl" ${format_args}
    OUTPUT_VARIABLE week_inline RESULT_VARIABLE rc_inline)
  execute_process(COMMAND "${KEFU}" replay "${WORK_DIR}/week.jsonl" ${format_args} --parse-ahead
    OUTPUT_VARIABLE week_ahead RESULT_VARIABLE rc_week_ahead)
  if(NOT rc_inline EQUAL 0 OR NOT rc_week_ahead EQUAL 0 OR NOT week_ahead STREQUAL week_inline)
    fail("--parse-ahead changed the ${format} report of a sample week (exit codes ${rc_inline}, ${rc_week_ahead})")
  endif()
endforeach()
foreach(field total applied refused duplicates rejected bad blank)
  string(JSON v_${field} GET "${out}" lines ${field})
endforeach()
math(EXPR sum "${v_applied} + ${v_refused} + ${v_duplicates} + ${v_rejected} + ${v_bad} + ${v_blank}")
if(NOT sum EQUAL v_total)
  fail("lines do not add up: ${sum} != ${v_total}")
endif()
if(NOT v_total EQUAL 12 OR NOT v_bad EQUAL 1 OR NOT v_rejected EQUAL 1 OR NOT v_blank EQUAL 1
   OR NOT v_duplicates EQUAL 1 OR NOT v_refused EQUAL 2)
  fail("line totals: total ${v_total} bad ${v_bad} rejected ${v_rejected} blank ${v_blank} duplicates ${v_duplicates} refused ${v_refused}")
endif()
string(JSON line GET "${out}" errors 0 line)
if(NOT line EQUAL 10)
  fail("first error on line ${line}, want 10")
endif()
string(JSON until GET "${out}" until)
if(NOT until STREQUAL "2026-11-20T18:00:00+08:00")
  fail("until ${until}")
endif()
string(JSON orders GET "${out}" states order total)
string(JSON tickets GET "${out}" states ticket total)
if(NOT orders EQUAL 1 OR NOT tickets EQUAL 1)
  fail("states: ${orders} orders, ${tickets} tickets")
endif()
string(JSON adjusted GET "${out}" decisions_by_rule AS-POSTAGE-CAP adjusted)
string(JSON claimed GET "${out}" decisions_by_rule AS-POSTAGE-CAP adjusted_money claimed)
if(NOT adjusted EQUAL 1 OR NOT claimed STREQUAL "12.00")
  fail("AS-POSTAGE-CAP adjusted ${adjusted}, claimed ${claimed}")
endif()
string(JSON negation GET "${out}" replies_by_agent 小李 by_rule PH-NEGATION)
if(NOT negation EQUAL 1)
  fail("PH-NEGATION for 小李: ${negation}")
endif()
string(JSON breaches LENGTH "${out}" breaches)
if(breaches LESS 1)
  fail("no breach by 2026-11-20")
endif()
# T1 was never shipped (ORD-UNSHIPPED) and S1 never resolved (AS-RESOLVE).
set(found "")
math(EXPR last "${breaches} - 1")
foreach(i RANGE ${last})
  string(JSON rule GET "${out}" breaches ${i} rule)
  string(JSON entity GET "${out}" breaches ${i} entity)
  list(APPEND found "${entity}:${rule}")
  # Each names the event that set it.
  string(JSON event_id GET "${out}" breaches ${i} event_id)
  if(event_id STREQUAL "")
    fail("breach ${entity}:${rule} without its event id")
  endif()
endforeach()
if(NOT "S1:AS-RESOLVE" IN_LIST found OR NOT "T1:ORD-UNSHIPPED" IN_LIST found)
  fail("breaches: ${found}")
endif()
# The last report day (Saturday) within the 7 days ending on --until's day.
string(JSON first_day GET "${out}" ticket_week first_day)
string(JSON last_day GET "${out}" ticket_week last_day)
string(JSON week_tickets GET "${out}" ticket_week tickets)
if(NOT first_day STREQUAL "2026-11-08" OR NOT last_day STREQUAL "2026-11-14"
   OR NOT week_tickets EQUAL 0)
  fail("after-sales week ${first_day} to ${last_day}: ${week_tickets} tickets")
endif()

# Text: the sections are there, the summary goes to standard error.
execute_process(COMMAND "${KEFU}" replay "${EVENTS}"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  fail("replay exit code ${rc}: ${err}")
endif()
foreach(heading "Entities by state" "Decisions by rule" "Actions due, by agent"
                "Deadline warnings" "Deadline breaches" "Reply findings by agent"
                "Team targets" "Team response times" "Team inquiry conversion"
                "Team score cards" "Team shifts" "Team reports upward")
  string(FIND "${out}" "${heading}" at)
  if(at EQUAL -1)
    fail("text report lacks \"${heading}\":\n${out}")
  endif()
endforeach()
if(NOT err MATCHES "12 lines, 6 applied, 2 refused, 1 duplicates, 1 rejected, 1 bad, 1 blank")
  fail("summary: ${err}")
endif()

# --strict stops at the first bad line and exits 1; usage errors exit 2;
# an unreadable file exits 1.
execute_process(COMMAND "${KEFU}" replay "${EVENTS}" --strict --json
  OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_QUIET)
string(JSON total GET "${out}" lines total)
if(NOT rc EQUAL 1 OR NOT total EQUAL 10)
  fail("--strict: exit ${rc}, ${total} lines read")
endif()
execute_process(COMMAND "${KEFU}" replay "${EVENTS}" --until yesterday
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 2)
  fail("bad --until gave ${rc}")
endif()
execute_process(COMMAND "${KEFU}" replay "${WORK_DIR}/missing.jsonl"
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 1)
  fail("missing file gave ${rc}")
endif()
execute_process(COMMAND "${KEFU}" replay - --json INPUT_FILE "${EVENTS}"
  OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_QUIET)
string(JSON total GET "${out}" lines total)
if(NOT rc EQUAL 0 OR NOT total EQUAL 12)
  fail("standard input: exit ${rc}, ${total} lines")
endif()

# kefu diagram: Mermaid by default, DOT on request, errors are usage errors.
execute_process(COMMAND "${KEFU}" diagram review OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^stateDiagram-v2\n    \\[\\*\\] --> blank")
  fail("diagram review: ${rc}\n${out}")
endif()
execute_process(COMMAND "${KEFU}" diagram ticket --format dot OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^digraph \"ticket\" {" OR NOT out MATCHES "\"registered\"")
  fail("diagram ticket --format dot: ${rc}\n${out}")
endif()
execute_process(COMMAND "${KEFU}" diagram basket RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 2)
  fail("diagram basket gave ${rc}")
endif()
execute_process(COMMAND "${KEFU}" diagram order --format svg RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 2)
  fail("diagram --format svg gave ${rc}")
endif()
