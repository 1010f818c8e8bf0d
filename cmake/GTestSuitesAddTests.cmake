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
set(content "")
foreach(line IN LISTS lines)
  # Suites are the unindented lines, "Suite." or "Prefix/Suite.  # TypeParam = ...".
  if(line MATCHES "^([^ #][^ ]*)\\.( |$)")
    set(suite "${CMAKE_MATCH_1}")
    set(name "${PREFIX}${suite}")
    string(APPEND content
      "add_test([=[${name}]=] [=[${EXE}]=] [=[--gtest_filter=${suite}.${TESTS}]=])\n"
      "set_tests_properties([=[${name}]=] PROPERTIES\n"
      "  LABELS [=[${labels}]=]\n"
      "  ENVIRONMENT [=[${env}]=]\n"
      "  TIMEOUT ${TIMEOUT}\n"
      "  SKIP_REGULAR_EXPRESSION [=[\\[  PASSED  \\] 0 tests]=])\n")
  endif()
endforeach()
file(WRITE "${OUT}" "${content}")
