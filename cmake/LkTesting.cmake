# Test and fuzz target helpers for every CMakeLists.txt under native-src (see native-src/README.md).
#
#   lk_add_test(NAME <name> SOURCES <files...> [LIBS <targets...>] [TIMEOUT <s>] [ARGS <args...>])
#       An executable built with native-src/tests/lk_test.h and its main(), registered with ctest
#       (label "unit").
#   lk_add_fuzzer(NAME <name> SOURCES <files...> [LIBS <targets...>] [CORPUS <dir>])
#       A libFuzzer target (only with -DLK_FUZZ=ON). In every other build the same source is linked
#       with a small replay driver and registered with ctest as <name>_replay: it runs the corpus
#       files plus a fixed set of pseudo-random inputs, so crashes found once stay fixed.
#       sanitize-and-fuzz.sh runs each registered fuzzer for a bounded time (see fuzzers.txt).
include_guard(GLOBAL)

option(LK_BUILD_TESTS "Build the native unit tests" ON)
set(LK_TEST_SUPPORT_DIR "${CMAKE_CURRENT_LIST_DIR}/../native-src/tests" CACHE INTERNAL "")

if(LK_BUILD_TESTS)
  enable_testing()
endif()

function(lk_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;ARGS" ${ARGN})
  if(NOT LK_BUILD_TESTS)
    return()
  endif()
  if(NOT T_NAME OR NOT T_SOURCES)
    message(FATAL_ERROR "lk_add_test needs NAME and SOURCES")
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${T_NAME} ${T_SOURCES} ${LK_TEST_SUPPORT_DIR}/lk_test_main.cpp)
  target_include_directories(${T_NAME} PRIVATE ${LK_TEST_SUPPORT_DIR})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS})
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS unit)
endfunction()

function(lk_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SOURCES;LIBS" ${ARGN})
  if(NOT F_NAME OR NOT F_SOURCES)
    message(FATAL_ERROR "lk_add_fuzzer needs NAME and SOURCES")
  endif()
  if(F_CORPUS AND NOT IS_ABSOLUTE "${F_CORPUS}")
    set(F_CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/${F_CORPUS}")
  endif()
  if(LK_FUZZ)
    add_executable(${F_NAME} ${F_SOURCES})
    target_link_libraries(${F_NAME} PRIVATE ${F_LIBS})
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
    set_property(GLOBAL APPEND PROPERTY LK_FUZZERS "${F_NAME}|$<TARGET_FILE:${F_NAME}>|${F_CORPUS}")
  elseif(LK_BUILD_TESTS)
    add_executable(${F_NAME}_replay ${F_SOURCES} ${LK_TEST_SUPPORT_DIR}/lk_fuzz_replay_main.cpp)
    target_link_libraries(${F_NAME}_replay PRIVATE ${F_LIBS})
    if(F_CORPUS)
      add_test(NAME ${F_NAME}_replay COMMAND ${F_NAME}_replay ${F_CORPUS})
    else()
      add_test(NAME ${F_NAME}_replay COMMAND ${F_NAME}_replay)
    endif()
    set_tests_properties(${F_NAME}_replay PROPERTIES TIMEOUT 300 LABELS fuzz-replay)
  endif()
endfunction()

# Called once at the end of the top-level CMakeLists.txt: writes <build>/fuzzers.txt, one
# "name|executable|corpus-dir" line per fuzzer, for sanitize-and-fuzz.sh.
function(lk_write_fuzzer_list)
  get_property(_fuzzers GLOBAL PROPERTY LK_FUZZERS)
  string(REPLACE ";" "\n" _content "${_fuzzers}")
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/fuzzers.txt" CONTENT "${_content}\n")
endfunction()
