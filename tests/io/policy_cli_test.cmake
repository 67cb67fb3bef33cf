# Runs `kefu policy` and --policy end to end, and checks every command's
# --help and short usage errors (cmake -P). Arguments: KEFU (the
# program), EVENTS (a small event file), WORK_DIR. Checks that the default
# pack checks (also through a pipe) and prints back the same, that errors
# name file, line and key with exit 1, diff, and that --policy changes what
# replay and check-replies decide (issue 19).
cmake_minimum_required(VERSION 3.25)
function(fail msg)
  message(FATAL_ERROR "policy_cli_test: ${msg}")
endfunction()
file(MAKE_DIRECTORY "${WORK_DIR}")

# defaults | check - passes.
execute_process(COMMAND "${KEFU}" policy defaults COMMAND "${KEFU}" policy check -
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULTS_VARIABLE rcs)
if(NOT rcs STREQUAL "0;0" OR NOT out MATCHES "<stdin>: valid, revision [0-9a-f]+, 0 keys changed")
  fail("defaults | check -: exit codes ${rcs}: ${out} ${err}")
endif()

# defaults -> file -> load -> print is the same text; its diff is empty.
execute_process(COMMAND "${KEFU}" policy defaults OUTPUT_VARIABLE defaults RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT defaults MATCHES "\\[AS-POSTAGE-CAP\\]\n# AS-POSTAGE-CAP: ")
  fail("policy defaults: exit code ${rc}")
endif()
# The response-time keys are among the defaults (issue 20).
if(NOT defaults MATCHES "\\[response\\]\n# [^\n]*\nwithin = \"3m\"\n")
  fail("policy defaults lacks [response] within = \"3m\":\n${defaults}")
endif()
file(WRITE "${WORK_DIR}/defaults.toml" "${defaults}")
execute_process(COMMAND "${KEFU}" policy print "${WORK_DIR}/defaults.toml"
  OUTPUT_VARIABLE printed RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT printed STREQUAL defaults)
  fail("policy print of the defaults differs from them (exit code ${rc})")
endif()
execute_process(COMMAND "${KEFU}" policy diff "${WORK_DIR}/defaults.toml"
  OUTPUT_VARIABLE diff RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT diff STREQUAL "")
  fail("policy diff of the defaults: exit code ${rc}: ${diff}")
endif()

# A misspelt key: exit 1, file:line:column: key: message, nothing else out.
file(WRITE "${WORK_DIR}/bad.toml" "[AS-POSTAGE-CAP]\nin_province = \"8.00\"\nout_of_provence = \"10.00\"\n")
execute_process(COMMAND "${KEFU}" policy check "${WORK_DIR}/bad.toml"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT err MATCHES "bad.toml:3:1: AS-POSTAGE-CAP.out_of_provence: unknown key"
   OR NOT out STREQUAL "")
  fail("check of a bad pack: exit code ${rc}: ${err}")
endif()

# diff names the key, the value and the default.
file(WRITE "${WORK_DIR}/ours.toml" "[AS-POSTAGE-CAP]\nin_province = \"12.00\"\nout_of_province = \"15.00\"\n")
execute_process(COMMAND "${KEFU}" policy diff "${WORK_DIR}/ours.toml"
  OUTPUT_VARIABLE diff RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT diff STREQUAL
   "AS-POSTAGE-CAP.in_province = \"12.00\" (was \"8.00\")\nAS-POSTAGE-CAP.out_of_province = \"15.00\" (was \"10.00\")\n")
  fail("policy diff: exit code ${rc}: ${diff}")
endif()

# A roster (FB-ROLES): diff names it, print -> print is stable, and the
# moved RV-CONTACT-LIMIT.override_roles is an error naming its new place.
file(WRITE "${WORK_DIR}/roster.toml"
  "[agents.\"王主管\"]\nrole = \"supervisor\"\nlevel = \"senior\"\n[agents.xiaowang]\nrole = \"agent\"\n")
execute_process(COMMAND "${KEFU}" policy diff "${WORK_DIR}/roster.toml"
  OUTPUT_VARIABLE diff RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT diff STREQUAL
   "agents = [xiaowang (agent, regular), 王主管 (supervisor, senior)] (was none: no roster)\n")
  fail("policy diff of a roster: exit code ${rc}: ${diff}")
endif()
execute_process(COMMAND "${KEFU}" policy print "${WORK_DIR}/roster.toml"
  OUTPUT_VARIABLE roster RESULT_VARIABLE rc)
file(WRITE "${WORK_DIR}/roster2.toml" "${roster}")
execute_process(COMMAND "${KEFU}" policy print "${WORK_DIR}/roster2.toml"
  OUTPUT_VARIABLE roster2 RESULT_VARIABLE rc2)
if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0 OR NOT roster STREQUAL roster2
   OR NOT roster MATCHES "\\[agents\\.\"王主管\"\\]\n")
  fail("policy print of a roster is not stable (exit codes ${rc} ${rc2})")
endif()
file(WRITE "${WORK_DIR}/moved.toml" "[RV-CONTACT-LIMIT]\noverride_roles = [\"manager\"]\n")
execute_process(COMMAND "${KEFU}" policy check "${WORK_DIR}/moved.toml"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT err MATCHES
   "moved.toml:2:1: RV-CONTACT-LIMIT.override_roles: override_roles has moved to \\[FB-ROLES\\] override_contact_limit")
  fail("check of the moved override_roles: exit code ${rc}: ${err}")
endif()

# An odd pack checks with a warning.
file(WRITE "${WORK_DIR}/odd.toml" "[AS-POSTAGE-CAP]\nin_province = \"12.00\"\n")
execute_process(COMMAND "${KEFU}" policy check "${WORK_DIR}/odd.toml"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT err MATCHES "odd.toml:2:1: AS-POSTAGE-CAP.in_province: warning: "
   OR NOT out MATCHES "1 warnings")
  fail("check of an odd pack: exit code ${rc}: ${out} ${err}")
endif()

# replay --policy: the 12-yuan return in province is capped at 8 by default,
# paid in full under the pack's caps.
foreach(run default ours)
  set(args)
  if(run STREQUAL "ours")
    set(args --policy "${WORK_DIR}/ours.toml")
  endif()
  execute_process(COMMAND "${KEFU}" replay "${EVENTS}" --json ${args}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    fail("replay ${run}: exit code ${rc}: ${err}")
  endif()
  string(JSON adjusted_${run} GET "${out}" decisions_by_rule AS-POSTAGE-CAP adjusted)
  string(JSON revision_${run} ERROR_VARIABLE no_revision GET "${out}" policy_revision)
endforeach()
# The report names the pack's revision, as `policy check` gives it.
execute_process(COMMAND "${KEFU}" policy check "${WORK_DIR}/ours.toml" OUTPUT_VARIABLE out)
if(NOT out MATCHES "revision ${revision_ours},")
  fail("replay --policy: revision \"${revision_ours}\", policy check says: ${out}")
endif()
if(NOT adjusted_default EQUAL 1 OR NOT adjusted_ours EQUAL 0)
  fail("replay --policy: AS-POSTAGE-CAP adjusted ${adjusted_default} by default, ${adjusted_ours} with the pack")
endif()
execute_process(COMMAND "${KEFU}" replay "${EVENTS}" --policy "${WORK_DIR}/bad.toml"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT err MATCHES "bad.toml:3:1: AS-POSTAGE-CAP.out_of_provence")
  fail("replay --policy with a bad pack: exit code ${rc}: ${err}")
endif()

# check-replies --policy: the shop's own phrase is found with its suggestion.
file(WRITE "${WORK_DIR}/phrases.toml"
  "[phrases]\nadd = [{ phrase = \"亲\", rule = \"PH-ADDRESS\", suggestion = \"您好\" }]\n")
file(WRITE "${WORK_DIR}/replies.txt" "亲，已为您发货\n")
execute_process(COMMAND "${KEFU}" check-replies --policy "${WORK_DIR}/phrases.toml" "${WORK_DIR}/replies.txt"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\"rule\":\"PH-ADDRESS\"" OR NOT out MATCHES "您好")
  fail("check-replies --policy: exit code ${rc}: ${out} ${err}")
endif()
execute_process(COMMAND "${KEFU}" check-replies --policy "${WORK_DIR}/phrases.toml" --pack seed
  "${WORK_DIR}/replies.txt" OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 2)
  fail("check-replies --policy with --pack: exit code ${rc}")
endif()

# Usage: a short message and exit 2; --help exits 0.
execute_process(COMMAND "${KEFU}" policy check OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 2 OR NOT err MATCHES "FILE is required" OR NOT out STREQUAL "")
  fail("policy check without FILE: exit code ${rc}: ${err}")
endif()
execute_process(COMMAND "${KEFU}" policy --help OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "defaults" OR NOT out MATCHES "check")
  fail("policy --help: exit code ${rc}: ${out}")
endif()
execute_process(COMMAND "${KEFU}" no-such-command OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 2 OR NOT err MATCHES "unknown command \"no-such-command\"")
  fail("an unknown command: exit code ${rc}: ${err}")
endif()

# Every command has --help (exit 0, its usage line) and answers an unknown
# option with a short message, not the whole help (exit 2).
foreach(cmd check-replies replay diagram sample policy)
  execute_process(COMMAND "${KEFU}" ${cmd} --help OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "Usage: kefu ${cmd} ")
    fail("${cmd} --help: exit code ${rc}: ${out}")
  endif()
  execute_process(COMMAND "${KEFU}" ${cmd} --no-such-option
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines lines)
  if(NOT rc EQUAL 2 OR lines GREATER 3 OR NOT out STREQUAL "")
    fail("${cmd} --no-such-option: exit code ${rc}, ${lines} lines on standard error: ${err}")
  endif()
endforeach()
execute_process(COMMAND "${KEFU}" OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 2 OR NOT err MATCHES "A subcommand is required")
  fail("no command: exit code ${rc}: ${err}")
endif()
execute_process(COMMAND "${KEFU}" help OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "policy" OR NOT out MATCHES "replay")
  fail("help: exit code ${rc}: ${out}")
endif()
