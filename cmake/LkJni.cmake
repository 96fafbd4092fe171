# lk_add_jni_library(<target> OUTPUT_NAME <name> SOURCES <jni sources...> LIBS <static libs...>)
#
# Builds the one shared library the Java side loads: the JavaCPP-generated JNI sources plus our static
# libraries. It must depend on the C runtime only, so the C++ runtime is linked statically, symbols of
# the static archives stay hidden (only Java_* and JNI_OnLoad* are exported), and a ctest
# (lkmedia_jni_dependencies) checks the result with readelf on Linux.
include_guard(GLOBAL)

# JNI headers: JAVA_HOME (or -DLK_JNI_INCLUDE_DIR=<jdk>/include for cross builds). The platform
# subdirectory with jni_md.h is linux / darwin / win32; toolchain files set LK_JNI_MD_SUBDIR.
if(NOT LK_JNI_INCLUDE_DIR)
  find_path(LK_JNI_INCLUDE_DIR jni.h
    HINTS "$ENV{JAVA_HOME}/include" "${JAVA_HOME}/include"
    PATHS /usr/lib/jvm/default-java/include /usr/lib/jvm/java-17-openjdk-amd64/include
    NO_CMAKE_FIND_ROOT_PATH)
endif()
if(NOT LK_JNI_INCLUDE_DIR)
  message(FATAL_ERROR "jni.h not found: set JAVA_HOME to a JDK or pass -DLK_JNI_INCLUDE_DIR=<jdk>/include")
endif()
if(NOT LK_JNI_MD_SUBDIR)
  if(WIN32)
    set(LK_JNI_MD_SUBDIR win32)
  elseif(APPLE)
    set(LK_JNI_MD_SUBDIR darwin)
  else()
    set(LK_JNI_MD_SUBDIR linux)
  endif()
endif()

function(lk_add_jni_library target)
  cmake_parse_arguments(J "" "OUTPUT_NAME" "SOURCES;LIBS" ${ARGN})
  foreach(_src IN LISTS J_SOURCES)
    if(NOT EXISTS "${_src}")
      message(FATAL_ERROR "JNI source ${_src} is missing: run the javacpp plugin first "
                          "(mvn -pl agent-media-native process-classes)")
    endif()
  endforeach()
  add_library(${target} SHARED ${J_SOURCES})
  # System.mapLibraryName: liblkmedia.so, liblkmedia.dylib, lkmedia.dll (no "lib" prefix on Windows).
  if(WIN32)
    set_target_properties(${target} PROPERTIES PREFIX "")
  endif()
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${J_OUTPUT_NAME}
                        LIBRARY_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/lib"
                        RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/lib")
  target_include_directories(${target} SYSTEM PRIVATE "${LK_JNI_INCLUDE_DIR}" "${LK_JNI_INCLUDE_DIR}/${LK_JNI_MD_SUBDIR}")
  target_link_libraries(${target} PRIVATE ${J_LIBS})
  # JavaCPP's generated code is not warning-clean; it is not ours to fix.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU,Clang>:-w>)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE
      -static-libstdc++ -static-libgcc
      -Wl,--exclude-libs,ALL -Wl,-z,defs -Wl,-z,noexecstack -Wl,-z,relro -Wl,-z,now -Wl,--as-needed
      $<$<CONFIG:Release,MinSizeRel>:-s>)
  elseif(APPLE)
    # libc++ and libSystem are part of macOS; keep only the JNI symbols exported.
    target_link_options(${target} PRIVATE -Wl,-dead_strip $<$<CONFIG:Release,MinSizeRel>:-Wl,-x>)
  elseif(MINGW)
    target_link_options(${target} PRIVATE -static -static-libstdc++ -static-libgcc -Wl,--exclude-all-symbols)
  elseif(MSVC)
    set_property(TARGET ${target} PROPERTY MSVC_RUNTIME_LIBRARY "MultiThreaded$<$<CONFIG:Debug>:Debug>")
  endif()

  # Packaging metadata read by the Java loader before it extracts the library (version check).
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/lib/lkmedia.properties"
       CONTENT "version=${LKMEDIA_VERSION}\nplatform=${LKMEDIA_PLATFORM}\nlibrary=$<TARGET_FILE_NAME:${target}>\n")

  if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND NOT CMAKE_CROSSCOMPILING AND LK_BUILD_TESTS)
    add_test(NAME lkmedia_jni_dependencies
             COMMAND ${CMAKE_COMMAND} -DLIB=$<TARGET_FILE:${target}>
                     -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/LkCheckDependencies.cmake")
    set_tests_properties(lkmedia_jni_dependencies PROPERTIES LABELS unit)
  endif()
endfunction()
