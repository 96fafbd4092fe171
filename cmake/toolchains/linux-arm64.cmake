# Cross build of liblkmedia.so for linux-arm64 (aarch64, glibc) on a Debian/Ubuntu x86_64 host.
# Written and reviewed; not built on the project's CI (only linux-x86_64 is).
#
#   apt-get install crossbuild-essential-arm64 cmake ninja-build
#   native-src/scripts/build-native.sh --build-dir build/arm64 --jni-sources <jni-src> --version <v> \
#       --output <dir> -- -DCMAKE_TOOLCHAIN_FILE=$PWD/cmake/toolchains/linux-arm64.cmake
#
# libvpx is built from Debian's source (VP8 only, NEON) because the host's libvpx.a is x86_64. The
# JNI headers of any Linux JDK work (jni_md.h is the same on every Linux architecture).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LKMEDIA_PLATFORM linux-arm64 CACHE STRING "")

set(_triple aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${_triple}-gcc)
set(CMAKE_CXX_COMPILER ${_triple}-g++)
set(CMAKE_FIND_ROOT_PATH /usr/${_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(LK_VPX_FROM_SOURCE ON CACHE BOOL "")
set(LK_VPX_TARGET arm64-linux-gcc CACHE STRING "")
set(LK_VPX_CROSS ${_triple}- CACHE STRING "")
set(LK_JNI_MD_SUBDIR linux CACHE STRING "")
# Tests and benchmarks are arm64 programs: run them on an arm64 machine (or under qemu-user).
set(LK_BUILD_BENCH OFF CACHE BOOL "")
