# Runs `kefu replay` and `kefu check-replies` on every kind of input (cmake
# -P). Arguments: KEFU (the program), EVENTS (a small event file of 12
# lines), WORK_DIR.
#
# The defect: `kefu replay` on a pipe, a FIFO, /dev/stdin or <(...) read 0
# lines and exited 0, every line silently lost, and a closed standard input
# read as empty. Any readable stream is read to its end; what cannot be
# opened or read exits 1 with the system's reason. Also: a line longer than
# --max-line-bytes is a bad line and the lines after it apply, and --lang
# picks the language of the report's descriptions.
cmake_minimum_required(VERSION 3.25)
function(fail msg)
  message(FATAL_ERROR "input_cli_test: ${msg}")
endfunction()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
find_program(SH sh REQUIRED)
find_program(BASH bash)
find_program(MKFIFO mkfifo)

# Runs the shell command `script`; sets rc, out and err in the caller.
function(run script)
  execute_process(COMMAND "${SH}" -c "${script}"
    OUTPUT_VARIABLE o ERROR_VARIABLE e RESULT_VARIABLE r)
  set(rc "${r}" PARENT_SCOPE)
  set(out "${o}" PARENT_SCOPE)
  set(err "${e}" PARENT_SCOPE)
endfunction()

# Every line of EVENTS read: exit 0 and the summary of all 12 lines.
set(all_lines "12 lines, 6 applied, 2 refused, 1 duplicates, 1 rejected, 1 bad, 1 blank")
function(expect_all_read what)
  if(NOT rc EQUAL 0 OR NOT err MATCHES "${all_lines}")
    fail("${what}: exit ${rc}, want every line read:\n${err}")
  endif()
endfunction()

set(K "'${KEFU}'")
set(E "'${EVENTS}'")

# ---------------------------------------------------------------- streams
run("cat ${E} | ${K} replay -")
expect_all_read("a pipe on -")
run("cat ${E} | ${K} replay /dev/stdin")
expect_all_read("a pipe as /dev/stdin")
run("${K} replay /dev/stdin < ${E}")
expect_all_read("a file as /dev/stdin")
if(BASH)
  execute_process(COMMAND "${BASH}" -c "${K} replay <(cat ${E})"
    OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
  expect_all_read("<(...)")
endif()
if(MKFIFO)
  set(fifo "${WORK_DIR}/events.fifo")
  run("mkfifo '${fifo}' && { cat ${E} > '${fifo}' & } && ${K} replay '${fifo}'; s=$?; wait; exit $s")
  expect_all_read("a FIFO")
endif()

# What cannot be opened or read: exit 1 with the system's reason.
run("${K} replay - <&-")
if(NOT rc EQUAL 1 OR NOT err MATCHES "kefu replay: cannot open standard input: Bad file descriptor")
  fail("a closed standard input: exit ${rc}:\n${err}")
endif()
run("${K} replay '${WORK_DIR}'")
if(NOT rc EQUAL 1 OR NOT err MATCHES "kefu replay: cannot open ${WORK_DIR}: Is a directory")
  fail("a directory: exit ${rc}:\n${err}")
endif()
run("${K} replay - < '${WORK_DIR}'")
if(NOT rc EQUAL 1 OR NOT err MATCHES "Is a directory")
  fail("a directory on standard input: exit ${rc}:\n${err}")
endif()
run("${K} replay '${WORK_DIR}/missing.jsonl'")
if(NOT rc EQUAL 1 OR NOT err MATCHES "cannot open ${WORK_DIR}/missing.jsonl: No such file or directory")
  fail("a missing file: exit ${rc}:\n${err}")
endif()

# check-replies reads the same way: standard input by default, a pipe,
# /dev/stdin; the same errors.
file(WRITE "${WORK_DIR}/replies.txt" "您好，请稍等\n这个不行\n亲，已经发货了\n")
set(R "'${WORK_DIR}/replies.txt'")
foreach(script "cat ${R} | ${K} check-replies" "cat ${R} | ${K} check-replies -"
               "cat ${R} | ${K} check-replies /dev/stdin")
  run("${script}")
  if(NOT rc EQUAL 0 OR NOT err MATCHES "kefu check-replies: 3 replies")
    fail("${script}: exit ${rc}:\n${err}")
  endif()
endforeach()
run("${K} check-replies <&-")
if(NOT rc EQUAL 1 OR NOT err MATCHES "kefu check-replies: cannot open standard input: Bad file descriptor")
  fail("check-replies, a closed standard input: exit ${rc}:\n${err}")
endif()
run("${K} check-replies '${WORK_DIR}'")
if(NOT rc EQUAL 1 OR NOT err MATCHES "Is a directory")
  fail("check-replies, a directory: exit ${rc}:\n${err}")
endif()
run("${K} check-replies '${WORK_DIR}/missing.txt'")
if(NOT rc EQUAL 1 OR NOT err MATCHES "No such file or directory")
  fail("check-replies, a missing file: exit ${rc}:\n${err}")
endif()

# ------------------------------------------------------------ long lines
# Line 2 is a reply of 3 MiB: past the default limit of 1 MiB it is a bad
# line naming its number, and the lines before and after it apply.
string(REPEAT "x" 3145728 long_text)
set(head "{\"id\":\"p1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"小王\",\"entity\":\"reply\",\"key\":\"买家甲\",\"type\":\"posted\",\"fields\":{\"text\":\"您好\"}}")
set(long "{\"id\":\"p2\",\"at\":\"2026-11-02T10:01:00+08:00\",\"agent\":\"小王\",\"entity\":\"reply\",\"key\":\"买家甲\",\"type\":\"posted\",\"fields\":{\"text\":\"${long_text}\"}}")
set(tail "{\"id\":\"p3\",\"at\":\"2026-11-02T10:02:00+08:00\",\"agent\":\"小王\",\"entity\":\"reply\",\"key\":\"买家甲\",\"type\":\"posted\",\"fields\":{\"text\":\"已经发货了\"}}")
file(WRITE "${WORK_DIR}/long.jsonl" "${head}\n${long}\n${tail}\n")
string(LENGTH "${long}" long_bytes)
set(L "'${WORK_DIR}/long.jsonl'")
run("${K} replay ${L} --json")
string(JSON bad GET "${out}" lines bad)
string(JSON applied GET "${out}" lines applied)
string(JSON line GET "${out}" errors 0 line)
string(JSON message GET "${out}" errors 0 message)
if(NOT rc EQUAL 0 OR NOT bad EQUAL 1 OR NOT applied EQUAL 2 OR NOT line EQUAL 2
   OR NOT message STREQUAL "line 2: ${long_bytes} bytes, longer than the limit of 1048576 bytes a line")
  fail("a 3 MiB line: exit ${rc}, ${bad} bad, ${applied} applied, line ${line}: ${message}")
endif()
# The same through a pipe.
run("cat ${L} | ${K} replay - --json")
string(JSON bad GET "${out}" lines bad)
if(NOT rc EQUAL 0 OR NOT bad EQUAL 1)
  fail("a 3 MiB line through a pipe: exit ${rc}, ${bad} bad")
endif()
# --max-line-bytes: a higher limit takes the line, a lower one refuses more.
run("${K} replay ${L} --json --max-line-bytes 4194304")
string(JSON bad GET "${out}" lines bad)
string(JSON applied GET "${out}" lines applied)
if(NOT rc EQUAL 0 OR NOT bad EQUAL 0 OR NOT applied EQUAL 3)
  fail("--max-line-bytes 4194304: exit ${rc}, ${bad} bad, ${applied} applied")
endif()
run("${K} replay ${L} --json --max-line-bytes 100")
string(JSON bad GET "${out}" lines bad)
if(NOT rc EQUAL 0 OR NOT bad EQUAL 3)
  fail("--max-line-bytes 100: exit ${rc}, ${bad} bad")
endif()
foreach(v 0 -1 ten "")
  run("${K} replay ${L} --max-line-bytes '${v}'")
  if(NOT rc EQUAL 2)
    fail("--max-line-bytes '${v}' gave ${rc}")
  endif()
endforeach()
# check-replies: the long reply is named and skipped, the others checked.
run("${K} check-replies ${R} --max-line-bytes 20")
if(NOT rc EQUAL 0 OR NOT err MATCHES "line 3: 21 bytes, longer than the limit of 20 bytes a line: not checked"
   OR NOT err MATCHES "3 replies")
  fail("check-replies --max-line-bytes 20: exit ${rc}:\n${err}")
endif()

# ------------------------------------------------------------------ --lang
# The descriptions are rendered in the language asked for (default zh).
foreach(lang zh en default)
  if(lang STREQUAL "default")
    run("${K} replay ${E} --json --until 2026-11-20T18:00:00+08:00")
  else()
    run("${K} replay ${E} --json --until 2026-11-20T18:00:00+08:00 --lang ${lang}")
  endif()
  if(NOT rc EQUAL 0)
    fail("--lang ${lang}: exit ${rc}:\n${err}")
  endif()
  string(JSON n LENGTH "${out}" breaches)
  math(EXPR last "${n} - 1")
  set(description_${lang} "")
  foreach(i RANGE ${last})
    string(JSON entity GET "${out}" breaches ${i} entity)
    string(JSON rule GET "${out}" breaches ${i} rule)
    if(entity STREQUAL "S1" AND rule STREQUAL "AS-RESOLVE")
      string(JSON description_${lang} GET "${out}" breaches ${i} description)
    endif()
  endforeach()
endforeach()
if(NOT description_en MATCHES "^[ -~]+$")
  fail("--lang en: S1's AS-RESOLVE breach is not in English: \"${description_en}\"")
endif()
if(NOT description_zh MATCHES "[^ -~]" OR description_zh STREQUAL description_en)
  fail("--lang zh: S1's AS-RESOLVE breach is not in Chinese: \"${description_zh}\"")
endif()
if(NOT description_default STREQUAL description_zh)
  fail("the default language is not zh: \"${description_default}\"")
endif()
run("${K} replay ${E} --lang fr")
if(NOT rc EQUAL 2 OR NOT err MATCHES "--lang takes zh or en")
  fail("--lang fr: exit ${rc}:\n${err}")
endif()
# The text report writes its amounts as the descriptions do.
run("${K} replay ${E} --until 2026-11-20T18:00:00+08:00 --lang en")
if(NOT out MATCHES "claimed 12.00 yuan")
  fail("--lang en text report: amounts not in English:\n${out}")
endif()
run("${K} replay ${E} --until 2026-11-20T18:00:00+08:00")
if(NOT out MATCHES "claimed 12.00元")
  fail("text report: amounts not in Chinese:\n${out}")
endif()
