# Runs `kefu test` end to end (cmake -P): the example's scenarios pass; a
# deliberately wrong scenario fails with the expected diff naming its step,
# the closing count and exit 1; a malformed file is an error naming its
# line; --coverage and --policy; usage errors. Arguments: KEFU (the
# program), EXAMPLE (examples/shop-policy-tests), WORK_DIR (issue 23).
cmake_minimum_required(VERSION 3.25)
function(fail msg)
  message(FATAL_ERROR "test_cli_test: ${msg}")
endfunction()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# The example's scenarios, as a directory (its pack is not a scenario).
execute_process(COMMAND "${KEFU}" test "${EXAMPLE}"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\n5 passed, 0 failed\n$" OR NOT err STREQUAL "")
  fail("the example's scenarios: exit code ${rc}: ${out} ${err}")
endif()
if(NOT out MATCHES "^ok    [^\n]*/scenarios/contact_limits.toml: [^\n]+ \\(11 steps\\)\n")
  fail("one line per scenario: ${out}")
endif()

# A scenario that expects the wrong figure: exit 1 and the diff of the step.
file(WRITE "${WORK_DIR}/wrong.toml" [=[
[scenario]
name = "wrong cap"
policy = "PACK"
start = "2026-11-02"
agent = "小王"

[[step]]
at = "day 1 10:00"
ticket = "K1"
event = "registered"
fields = { order_id = "T1", kind = "return_refund", category = "质量问题", details = "屏幕坏", lines = [{ product = "屏", quantity = 1 }], customer_province = "北京", alipay_account = "b@example.com", return_postage = "shop", repayment = "alipay_refund" }

[[step]]
at = "day 1 10:30"
ticket = "K1"
event = "return_agreed"

[[step]]
say = "申报邮费12元，以为全报"
at = "day 2 15:00"
ticket = "K1"
event = "return_shipped"
fields = { declared_postage = "12.00" }
expect.decisions = [{ rule = "AS-POSTAGE-CAP", verdict = "adjusted", figures = { reimbursed = "12.00" } }]
expect.state = "received"
]=])
file(READ "${WORK_DIR}/wrong.toml" wrong)
string(REPLACE "PACK" "${EXAMPLE}/pack.toml" wrong "${wrong}")
file(WRITE "${WORK_DIR}/wrong.toml" "${wrong}")
execute_process(COMMAND "${KEFU}" test "${WORK_DIR}/wrong.toml"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(expected "FAIL  ${WORK_DIR}/wrong.toml: wrong cap
  step 3 (line 18) 申报邮费12元，以为全报
    - decision AS-POSTAGE-CAP adjusted {reimbursed=12.00}
    + decision AS-POSTAGE-CAP adjusted {claimed=12.00, cap=10.00, reimbursed=10.00}
    - state received
    + state in_transit
0 passed, 1 failed
")
if(NOT rc EQUAL 1 OR NOT out STREQUAL expected)
  fail("the wrong scenario: exit code ${rc}:\n${out}\nexpected:\n${expected}")
endif()

# With a passing one: both counted, still exit 1.
execute_process(COMMAND "${KEFU}" test "${EXAMPLE}/scenarios/postage_caps.toml" "${WORK_DIR}/wrong.toml"
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT out MATCHES "\n1 passed, 1 failed\n$")
  fail("one passing, one failing: exit code ${rc}: ${out}")
endif()

# A malformed file: its line, exit 1.
file(WRITE "${WORK_DIR}/bad.toml" "[scenario]\nname = \"bad\"\n\n[[step]]\nat = \"day 1 09:00\"\n")
execute_process(COMMAND "${KEFU}" test "${WORK_DIR}/bad.toml"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT err MATCHES "bad.toml:5:6: step\\[1\\].at: " OR NOT out MATCHES "0 passed, 1 failed")
  fail("a malformed scenario: exit code ${rc}: ${out} ${err}")
endif()

# --coverage: rows and rules, exercised and never.
execute_process(COMMAND "${KEFU}" test "${EXAMPLE}/scenarios" --coverage
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\ncoverage:\norder: [0-9]+ of [0-9]+ transitions exercised\n"
   OR NOT out MATCHES "  \\+ ticket|  \\+ new --registered--> registered \\[[^]]*\\] \\(4x\\)\n"
   OR NOT out MATCHES "\nrules: [0-9]+ of 52 exercised\n"
   OR NOT out MATCHES "  \\+ AS-POSTAGE-CAP \\([0-9]+x\\)\n" OR NOT out MATCHES "  - ORD-VERIFY\n")
  fail("--coverage: exit code ${rc}: ${out}")
endif()

# --policy applies to scenarios that name no pack: a 12-yuan cap makes the
# 12 yuan of the wrong scenario right once it names none.
string(REPLACE "policy = \"${EXAMPLE}/pack.toml\"\n" "" nopack "${wrong}")
string(REPLACE "expect.state = \"received\"\n" "" nopack "${nopack}")
string(REPLACE "verdict = \"adjusted\", " "" nopack "${nopack}")
file(WRITE "${WORK_DIR}/nopack.toml" "${nopack}")
file(WRITE "${WORK_DIR}/generous.toml" "[AS-POSTAGE-CAP]\nin_province = \"12.00\"\nout_of_province = \"12.00\"\n")
execute_process(COMMAND "${KEFU}" test "${WORK_DIR}/nopack.toml"
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 1)
  fail("without --policy the defaults cap at 10: exit code ${rc}: ${out}")
endif()
execute_process(COMMAND "${KEFU}" test "${WORK_DIR}/nopack.toml" --policy "${WORK_DIR}/generous.toml"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "1 passed, 0 failed")
  fail("--policy: exit code ${rc}: ${out} ${err}")
endif()

# Usage: no file is a usage error; an empty directory finds nothing.
execute_process(COMMAND "${KEFU}" test OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 2)
  fail("no FILE: exit code ${rc}: ${err}")
endif()
file(MAKE_DIRECTORY "${WORK_DIR}/empty")
execute_process(COMMAND "${KEFU}" test "${WORK_DIR}/empty" OUTPUT_VARIABLE out ERROR_VARIABLE err
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT err MATCHES "no scenario files found")
  fail("an empty directory: exit code ${rc}: ${err}")
endif()
execute_process(COMMAND "${KEFU}" test --help OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "--coverage" OR NOT out MATCHES "docs/testing.md")
  fail("test --help: exit code ${rc}: ${out}")
endif()
message(STATUS "kefu test: ok")
