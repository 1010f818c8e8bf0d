# Run by waymark_gtest_suites() after a build: lists the suites of EXE and
# writes OUT, a CTest file with one add_test per suite. See GTestSuites.cmake.
execute_process(
  COMMAND "${EXE}" --gtest_list_tests "--gtest_filter=${SUITES}.${TESTS}"
  OUTPUT_VARIABLE listing
  ERROR_VARIABLE errors
  RESULT_VARIABLE rc
  TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} --gtest_list_tests failed (${rc}):\n${listing}\n${errors}")
endif()

string(REPLACE "|" ";" labels "${LABELS}")
string(REPLACE "|" ";" env "${ENV}")
string(REPLACE "\n" ";" lines "${listing}")
# A suite is skipped only when every test in it was skipped and the output
# ends there: a suite of one failing test also prints "[  PASSED  ] 0 tests",
# and a FAILED list (or a sanitizer report) after the skipped one must fail.
# COST is the suite's number of tests: in a fresh clone, where CTest has no
# timings yet, it starts the biggest suites first instead of leaving one for
# the end on an otherwise idle machine.
set(content "")
set(suite "")
set(count 0)
macro(wm_flush_suite)
  if(NOT suite STREQUAL "")
    set(name "${PREFIX}${suite}")
    string(APPEND content
      "add_test([=[${name}]=] [=[${EXE}]=] [=[--gtest_filter=${suite}.${TESTS}]=])\n"
      "set_tests_properties([=[${name}]=] PROPERTIES\n"
      "  LABELS [=[${labels}]=]\n"
      "  ENVIRONMENT [=[${env}]=]\n"
      "  TIMEOUT ${TIMEOUT}\n"
      "  COST ${count}\n"
      "  SKIP_REGULAR_EXPRESSION [=[\\[  PASSED  \\] 0 tests\\.\n\\[  SKIPPED \\] [0-9]+ tests?, listed below:(\n\\[  SKIPPED \\] [^\n]*)*\n*$]=])\n")
  endif()
endmacro()
foreach(line IN LISTS lines)
  # Suites are the unindented lines, "Suite." or "Prefix/Suite.  # TypeParam = ...";
  # their tests are the indented lines under them.
  if(line MATCHES "^([^ #][^ ]*)\\.( |$)")
    wm_flush_suite()
    set(suite "${CMAKE_MATCH_1}")
    set(count 0)
  elseif(line MATCHES "^  [^ ]")
    math(EXPR count "${count} + 1")
  endif()
endforeach()
wm_flush_suite()
file(WRITE "${OUT}" "${content}")
