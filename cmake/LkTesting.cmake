# Test and fuzz target helpers for every CMakeLists.txt under native-src (see native-src/README.md).
#
#   lk_add_test(NAME <name> SOURCES <files...> [LIBS <targets...>] [TIMEOUT <s>] [ARGS <args...>])
#       An executable built with native-src/tests/lk_test.h and its main(), registered with ctest
#       (label "unit").
#   lk_add_fuzzer(NAME <name> SOURCES <files...> [LIBS <targets...>] [CORPUS <dir>]
#                 [SEEDS <generator-target> <args...>])
#       A libFuzzer target (only with -DLK_FUZZ=ON). In every other build the same source is linked
#       with a small replay driver and registered with ctest as <name>_replay: it runs the corpus
#       files, the generated seeds, plus a fixed set of pseudo-random inputs, so crashes found once
#       stay fixed. SEEDS names a program (a target of this build) that creates <dir> and writes seed
#       files into it when run as `<generator> <args...> <dir>`: seeds made by our own code instead of committed binaries.
#       sanitize-and-fuzz.sh runs each registered fuzzer for a bounded time (see fuzzers.txt).
include_guard(GLOBAL)

option(LK_BUILD_TESTS "Build the native unit tests" ON)
set(LK_TEST_SUPPORT_DIR "${CMAKE_CURRENT_LIST_DIR}/../native-src/tests" CACHE INTERNAL "")

if(LK_BUILD_TESTS)
  enable_testing()
endif()

# Fuzz targets use LLVM's header-only FuzzedDataProvider. clang finds it by itself; for the replay
# builds with another compiler, look for it in the installed clang resource directories.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  file(GLOB _lk_fdp_candidates /usr/lib/llvm-*/lib/clang/*/include /usr/lib/clang/*/include
       /usr/local/lib/clang/*/include /opt/homebrew/opt/llvm/lib/clang/*/include)
  find_path(LK_FUZZED_DATA_PROVIDER_SOURCE fuzzer/FuzzedDataProvider.h PATHS ${_lk_fdp_candidates})
  if(LK_FUZZED_DATA_PROVIDER_SOURCE)
    # Only that header: clang's other headers (stddef.h, ...) must not shadow the compiler's own.
    configure_file("${LK_FUZZED_DATA_PROVIDER_SOURCE}/fuzzer/FuzzedDataProvider.h"
                   "${CMAKE_BINARY_DIR}/lk-fuzz-include/fuzzer/FuzzedDataProvider.h" COPYONLY)
    set(LK_FUZZED_DATA_PROVIDER_DIR "${CMAKE_BINARY_DIR}/lk-fuzz-include")
  endif()
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
  cmake_parse_arguments(F "" "NAME;CORPUS" "SOURCES;LIBS;SEEDS" ${ARGN})
  if(NOT F_NAME OR NOT F_SOURCES)
    message(FATAL_ERROR "lk_add_fuzzer needs NAME and SOURCES")
  endif()
  if(F_CORPUS AND NOT IS_ABSOLUTE "${F_CORPUS}")
    set(F_CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/${F_CORPUS}")
  endif()
  set(_seed_dir "")
  set(_seed_cmd "")
  if(F_SEEDS)
    list(POP_FRONT F_SEEDS _gen)
    set(_seed_dir "${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}_seeds")
    string(REPLACE ";" " " _seed_args "${F_SEEDS}")
    set(_seed_cmd "$<TARGET_FILE:${_gen}> ${_seed_args}")
  endif()
  if(LK_FUZZ)
    add_executable(${F_NAME} ${F_SOURCES})
    target_link_libraries(${F_NAME} PRIVATE ${F_LIBS})
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
    if(F_SEEDS)
      add_dependencies(${F_NAME} ${_gen})
    endif()
    set_property(GLOBAL APPEND PROPERTY LK_FUZZERS
                 "${F_NAME}|$<TARGET_FILE:${F_NAME}>|${F_CORPUS}|${_seed_dir}|${_seed_cmd}")
  elseif(LK_BUILD_TESTS)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND NOT LK_FUZZED_DATA_PROVIDER_DIR)
      message(STATUS "lkmedia: ${F_NAME}_replay not built: fuzzer/FuzzedDataProvider.h not found (install clang)")
      return()
    endif()
    add_executable(${F_NAME}_replay ${F_SOURCES} ${LK_TEST_SUPPORT_DIR}/lk_fuzz_replay_main.cpp)
    target_link_libraries(${F_NAME}_replay PRIVATE ${F_LIBS})
    if(LK_FUZZED_DATA_PROVIDER_DIR)
      target_include_directories(${F_NAME}_replay SYSTEM PRIVATE ${LK_FUZZED_DATA_PROVIDER_DIR})
    endif()
    set(_inputs ${F_CORPUS})
    if(F_SEEDS)
      add_test(NAME ${F_NAME}_seeds COMMAND ${_gen} ${F_SEEDS} ${_seed_dir})
      set_tests_properties(${F_NAME}_seeds PROPERTIES FIXTURES_SETUP ${F_NAME}_seeds LABELS fuzz-replay)
      list(APPEND _inputs ${_seed_dir})
    endif()
    add_test(NAME ${F_NAME}_replay COMMAND ${F_NAME}_replay ${_inputs})
    set_tests_properties(${F_NAME}_replay PROPERTIES TIMEOUT 300 LABELS fuzz-replay)
    if(F_SEEDS)
      set_tests_properties(${F_NAME}_replay PROPERTIES FIXTURES_REQUIRED ${F_NAME}_seeds)
    endif()
  endif()
endfunction()

# Called once at the end of the top-level CMakeLists.txt: writes <build>/fuzzers.txt, one
# "name|executable|corpus-dir" line per fuzzer, for sanitize-and-fuzz.sh.
function(lk_write_fuzzer_list)
  get_property(_fuzzers GLOBAL PROPERTY LK_FUZZERS)
  string(REPLACE ";" "\n" _content "${_fuzzers}")
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/fuzzers.txt" CONTENT "${_content}\n")
endfunction()
