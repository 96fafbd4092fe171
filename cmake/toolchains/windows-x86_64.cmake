# Cross build of lkmedia.dll for windows-x86_64 with MinGW-w64 on a Debian/Ubuntu host.
# Written and reviewed; not built on the project's CI (only linux-x86_64 is).
#
#   apt-get install g++-mingw-w64-x86-64-posix cmake ninja-build nasm
#   native-src/scripts/build-native.sh --build-dir build/win64 --jni-sources <jni-src> --version <v> \
#       --output <dir> -- -DCMAKE_TOOLCHAIN_FILE=$PWD/cmake/toolchains/windows-x86_64.cmake \
#       -DLK_JNI_INCLUDE_DIR=<a Windows JDK>/include
#
# A Windows JDK's include directory is needed (include/win32/jni_md.h declares JNIEXPORT as
# __declspec(dllexport); the Linux JDK's jni_md.h would export nothing). The DLL links libstdc++,
# libgcc and winpthread statically (see cmake/LkJni.cmake), so it needs only the Windows C runtime.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(LKMEDIA_PLATFORM windows-x86_64 CACHE STRING "")

set(_triple x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${_triple}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(LK_VPX_FROM_SOURCE ON CACHE BOOL "")
set(LK_VPX_TARGET x86_64-win64-gcc CACHE STRING "")
set(LK_VPX_CROSS ${_triple}- CACHE STRING "")
set(LK_JNI_MD_SUBDIR win32 CACHE STRING "")
set(LK_BUILD_BENCH OFF CACHE BOOL "")
