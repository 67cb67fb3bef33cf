# `kefu serve`, `kefu report` and `kefu replay --db` end to end (cmake -P).
# Arguments: KEFU, EVENTS (a small event file), WORK_DIR. A file replayed
# into a store in two runs reports what one `kefu replay` reports; serve
# answers one line per line, ticks with ids, confirmations, work queries; a file that is
# not a store, a store of a newer format, a store another serve holds and a
# missing store exit 1 naming the problem; --policy loads a pack, and a
# bad pack is exit 1 naming its key.
cmake_minimum_required(VERSION 3.25)
function(fail msg)
  message(FATAL_ERROR "store_cli_test: ${msg}")
endfunction()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(db "${WORK_DIR}/shop.db")

function(run out_var)
  execute_process(COMMAND "${KEFU}" ${ARGN}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    fail("kefu ${ARGN}: exit code ${rc}: ${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
function(expect_failure needle)
  execute_process(COMMAND "${KEFU}" ${ARGN}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 1)
    fail("kefu ${ARGN}: exit code ${rc}, expected 1 (${err})")
  endif()
  string(FIND "${err}" "${needle}" at)
  if(at EQUAL -1)
    fail("kefu ${ARGN}: \"${err}\" does not say \"${needle}\"")
  endif()
endfunction()

# The reference: one replay.
run(whole replay "${EVENTS}" --json --no-progress)
string(JSON whole_states GET "${whole}" states)
string(JSON whole_rules GET "${whole}" decisions_by_rule)
string(JSON whole_pending GET "${whole}" pending_after_until)
string(JSON whole_breaches GET "${whole}" breaches_total)

# Into a store in two runs, split in the middle; then report.
execute_process(COMMAND wc -l "${EVENTS}" OUTPUT_VARIABLE wc)
string(REGEX MATCH "^[ ]*[0-9]+" n "${wc}")
string(STRIP "${n}" n)
math(EXPR half "${n} / 2")
math(EXPR from "${half} + 1")
execute_process(COMMAND head -n ${half} "${EVENTS}" OUTPUT_FILE "${WORK_DIR}/first.jsonl")
execute_process(COMMAND tail -n +${from} "${EVENTS}" OUTPUT_FILE "${WORK_DIR}/second.jsonl")
run(r1 replay "${WORK_DIR}/first.jsonl" --db "${db}" --json --durability normal)
run(r2 replay "${WORK_DIR}/second.jsonl" --db "${db}" --json --durability normal)
run(report report --db "${db}" --json)
foreach(r r2 report)
  string(JSON states GET "${${r}}" states)
  string(JSON rules GET "${${r}}" decisions_by_rule)
  string(JSON pending GET "${${r}}" pending_after_until)
  string(JSON breaches GET "${${r}}" breaches_total)
  if(NOT states STREQUAL whole_states OR NOT rules STREQUAL whole_rules
     OR NOT pending EQUAL whole_pending OR NOT breaches EQUAL whole_breaches)
    fail("${r}: the store's report differs from one replay's:\n${states}\n${whole_states}")
  endif()
endforeach()
run(text report --db "${db}" --lang en)
string(FIND "${text}" "Entities by state" at)
if(at EQUAL -1)
  fail("kefu report: no text report: ${text}")
endif()

# serve: work queries (FB-TRIAGE), before a tick takes every deadline: the
# list, highest priority first; an agent's next item; a bad query.
file(WRITE "${WORK_DIR}/work.jsonl" "{\"work\":true}\n{\"work\":\"nobody-here\"}\n{\"work\":7}\n")
execute_process(COMMAND "${KEFU}" serve --db "${db}" --durability normal
  INPUT_FILE "${WORK_DIR}/work.jsonl"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  fail("serve work: exit code ${rc}: ${err}")
endif()
string(FIND "${out}" "\n" nl)
string(SUBSTRING "${out}" 0 ${nl} w0)
string(JSON n_work LENGTH "${w0}" work)
if(n_work LESS 1)
  fail("serve work: an empty work list for a shop with open deadlines:\n${out}")
endif()
set(previous 1000000)
math(EXPR last "${n_work} - 1")
foreach(i RANGE ${last})
  string(JSON p GET "${w0}" work ${i} priority)
  if(p GREATER previous)
    fail("serve work: item ${i} has priority ${p} after ${previous}:\n${w0}")
  endif()
  set(previous ${p})
endforeach()
string(FIND "${out}" "{\"line\":2,\"agent\":\"nobody-here\",\"work\":[" at2)
string(FIND "${out}" "{\"line\":3,\"result\":\"bad\",\"error\":\"line 3: work:" at3)
if(at2 EQUAL -1 OR at3 EQUAL -1)
  fail("serve work: unexpected answers:\n${out}")
endif()

# serve: one answer a line, a tick with ids, a confirmation, a bad line.
file(WRITE "${WORK_DIR}/session.jsonl"
  "{\"tick\":\"2026-12-31T00:00:00+08:00\"}\n\n{\"done\":[1,2,3]}\nnot json\n{\"tick\":\"2026-12-31T00:00:00+08:00\"}\n")
execute_process(COMMAND "${KEFU}" serve --db "${db}" --durability normal
  INPUT_FILE "${WORK_DIR}/session.jsonl"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  fail("serve: exit code ${rc}: ${err}")
endif()
# Lines cut by hand: JSON's brackets upset CMake lists.
set(answers_left "${out}")
set(count 0)
while(NOT answers_left STREQUAL "")
  string(FIND "${answers_left}" "\n" nl)
  if(nl EQUAL -1)
    fail("serve: an answer without its newline:\n${out}")
  endif()
  string(SUBSTRING "${answers_left}" 0 ${nl} a${count})
  math(EXPR nl "${nl} + 1")
  string(SUBSTRING "${answers_left}" ${nl} -1 answers_left)
  math(EXPR count "${count} + 1")
endwhile()
if(NOT count EQUAL 4)
  fail("serve: ${count} answers to 4 lines (and a blank one):\n${out}")
endif()
string(JSON due0 LENGTH "${a0}" due)
string(JSON id0 GET "${a0}" due 0 id)
string(JSON confirmed GET "${a1}" confirmed)
string(JSON bad GET "${a2}" result)
string(JSON due3 LENGTH "${a3}" due)
if(NOT id0 EQUAL 1 OR NOT confirmed EQUAL 3 OR NOT bad STREQUAL "bad")
  fail("serve: unexpected answers:\n${out}")
endif()
math(EXPR left "${due0} - 3")
if(NOT due3 EQUAL left)
  fail("serve: the second tick returned ${due3} items, expected ${left}:\n${out}")
endif()

# Errors: exit 1 with the reason.
file(WRITE "${WORK_DIR}/not-a-store.db" "hello\n")
expect_failure("not a kefu store" report --db "${WORK_DIR}/not-a-store.db")
expect_failure("not a kefu store" serve --db "${WORK_DIR}/not-a-store.db")
expect_failure("no store at" report --db "${WORK_DIR}/absent.db")
file(COPY_FILE "${db}" "${WORK_DIR}/newer.db")
execute_process(COMMAND sqlite3 "${WORK_DIR}/newer.db" "UPDATE meta SET value = 9 WHERE key = 'format'"
  RESULT_VARIABLE rc)
if(rc EQUAL 0)
  expect_failure("has format 9; this build of kefu reads formats 2 to 3" report --db "${WORK_DIR}/newer.db")
endif()
# A store of an older format (1: a journal row per entry) is refused by name.
file(COPY_FILE "${db}" "${WORK_DIR}/older.db")
execute_process(COMMAND sqlite3 "${WORK_DIR}/older.db" "UPDATE meta SET value = 1 WHERE key = 'format'"
  RESULT_VARIABLE rc)
if(rc EQUAL 0)
  expect_failure("has format 1; this build of kefu reads formats 2 to 3 (it was written by an older kefu"
                 report --db "${WORK_DIR}/older.db")
endif()
# A second serve while one runs (its standard input held open by sleep).
execute_process(COMMAND sh -c "sleep 2 | '${KEFU}' serve --db '${db}' & sleep 1; '${KEFU}' serve --db '${db}' < /dev/null; echo rc=$?; wait"
  OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(FIND "${out}" "rc=1" at)
string(FIND "${err}" "open for writing by another process" said)
if(at EQUAL -1 OR said EQUAL -1)
  fail("a second serve on a held store: ${out} ${err}")
endif()
# --policy: a pack the store commands load like replay's; a bad one is exit
# 1 naming the key, nothing opened.
run(defaults policy defaults)
file(WRITE "${WORK_DIR}/defaults.toml" "${defaults}")
run(with_pack replay "${EVENTS}" --db "${WORK_DIR}/pack.db" --policy "${WORK_DIR}/defaults.toml"
    --json --no-progress)
string(JSON pack_states GET "${with_pack}" states)
if(NOT pack_states STREQUAL whole_states)
  fail("replay --db --policy (the defaults): states ${pack_states}, one replay: ${whole_states}")
endif()
file(WRITE "${WORK_DIR}/bad.toml" "[AS-POSTAGE-CAP]\nout_of_provence = \"10.00\"\n")
expect_failure("out_of_provence" serve --db "${WORK_DIR}/pack.db" --policy "${WORK_DIR}/bad.toml")
message(STATUS "store_cli_test: passed")
