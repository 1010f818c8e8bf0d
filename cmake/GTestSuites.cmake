# waymark_gtest_suites(TARGET t [PREFIX p] [SUITES pattern] [TESTS pattern] [LABELS l...]
#                      [ENVIRONMENT VAR=value...] [TIMEOUT seconds])
#
# Registers one CTest test per GoogleTest suite of `t` (not one per test, as
# gtest_discover_tests does): the tests of a suite then run in one process,
# so a suite's fixture (a database, a running server) is set up once, and the
# process start and sanitizer start-up are paid once per suite. The suites
# are listed after each build (POST_BUILD, --gtest_list_tests), so new suites
# appear without re-running CMake.
#
# SUITES (a gtest pattern on suite names, e.g. "*/ConcurrencyTest") keeps
# only the matching suites.
# TESTS narrows each suite to the tests whose name (the part after the
# suite's '.') matches the gtest pattern, e.g. "*/postgres"; a suite with
# no such test is not registered. A target may be registered several times
# with different PREFIX/TESTS/ENVIRONMENT (one binary, two backends). A
# suite whose tests were all skipped is reported as skipped, not passed.
set(WM_GTEST_SUITES_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/GTestSuitesAddTests.cmake)

function(waymark_gtest_suites)
  cmake_parse_arguments(A "" "TARGET;PREFIX;SUITES;TESTS;TIMEOUT" "LABELS;ENVIRONMENT" ${ARGN})
  if(NOT A_TESTS)
    set(A_TESTS "*")
  endif()
  if(NOT A_SUITES)
    set(A_SUITES "*")
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 600)
  endif()
  get_property(count GLOBAL PROPERTY WM_GTEST_SUITES_COUNT_${A_TARGET})
  if(NOT count)
    set(count 0)
  endif()
  math(EXPR count "${count} + 1")
  set_property(GLOBAL PROPERTY WM_GTEST_SUITES_COUNT_${A_TARGET} ${count})

  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/${A_TARGET}_suites_${count}.cmake")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${A_TARGET}_suites_${count}_include.cmake")
  # Lists travel through the custom command joined with '|' (';' would split them).
  string(REPLACE ";" "|" labels "${A_LABELS}")
  string(REPLACE ";" "|" env "${A_ENVIRONMENT}")
  add_custom_command(TARGET ${A_TARGET} POST_BUILD
    COMMAND ${CMAKE_COMMAND}
      -D "EXE=$<TARGET_FILE:${A_TARGET}>"
      -D "OUT=${list_file}"
      -D "PREFIX=${A_PREFIX}"
      -D "SUITES=${A_SUITES}"
      -D "TESTS=${A_TESTS}"
      -D "LABELS=${labels}"
      -D "ENV=${env}"
      -D "TIMEOUT=${A_TIMEOUT}"
      -P ${WM_GTEST_SUITES_SCRIPT}
    BYPRODUCTS ${list_file}
    VERBATIM)
  # A change to the listing script relinks the target, so the lists are redone.
  set_property(TARGET ${A_TARGET} APPEND PROPERTY LINK_DEPENDS ${WM_GTEST_SUITES_SCRIPT})
  file(WRITE ${include_file}
    "if(EXISTS \"${list_file}\")\n"
    "  include(\"${list_file}\")\n"
    "else()\n"
    "  add_test(${A_PREFIX}${A_TARGET}_NOT_BUILT ${A_TARGET}_NOT_BUILT)\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
