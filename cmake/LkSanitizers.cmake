# Sanitizer and fuzzing instrumentation for the whole native tree (our code and every third-party
# library built from source). Included by native-src/CMakeLists.txt before any target is defined.
#
#   -DLK_SANITIZE=address,undefined   instrument with ASan + UBSan (clang or gcc)
#   -DLK_FUZZ=ON                       add libFuzzer coverage instrumentation (clang only); fuzz
#                                      targets (lk_add_fuzzer) are then linked with -fsanitize=fuzzer
include_guard(GLOBAL)

set(LK_SANITIZE "" CACHE STRING "Comma-separated sanitizers to build with, e.g. address,undefined")
option(LK_FUZZ "Build libFuzzer targets (needs clang)" OFF)

set(LK_SANITIZER_FLAGS "")
if(LK_SANITIZE)
  # -fno-sanitize-recover: a UBSan finding fails the test or the fuzz run instead of printing and going on.
  list(APPEND LK_SANITIZER_FLAGS -fsanitize=${LK_SANITIZE} -fno-sanitize-recover=all
       -fno-omit-frame-pointer -g)
endif()
if(LK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LK_FUZZ=ON needs clang (libFuzzer); configure with -DCMAKE_C_COMPILER=clang "
                        "-DCMAKE_CXX_COMPILER=clang++ (Debian: apt-get install clang libclang-rt-14-dev)")
  endif()
  list(APPEND LK_SANITIZER_FLAGS -fsanitize=fuzzer-no-link)
endif()

if(LK_SANITIZER_FLAGS)
  add_compile_options(${LK_SANITIZER_FLAGS})
  # fuzzer-no-link is a compile-time flag only; the runtime comes with -fsanitize=fuzzer on fuzz targets.
  set(_lk_link_flags ${LK_SANITIZER_FLAGS})
  list(REMOVE_ITEM _lk_link_flags -fsanitize=fuzzer-no-link)
  add_link_options(${_lk_link_flags})
  string(REPLACE ";" " " LK_SANITIZER_FLAGS_STRING "${LK_SANITIZER_FLAGS}")
  string(REPLACE ";" " " LK_SANITIZER_LINK_FLAGS_STRING "${_lk_link_flags}")
  message(STATUS "lkmedia: instrumenting with ${LK_SANITIZER_FLAGS_STRING}")
else()
  set(LK_SANITIZER_FLAGS_STRING "")
  set(LK_SANITIZER_LINK_FLAGS_STRING "")
endif()
