# Build of liblkmedia.dylib for macosx-x86_64 (Intel Macs), on a Mac with Xcode's command line tools, a
# JDK and nasm (libvpx's x86 assembly). Works on an Apple-silicon Mac too (cross to x86_64).
# Written and reviewed; not built on the project's CI (only linux-x86_64 is).
#
#   brew install cmake ninja nasm
#   JAVA_HOME=$(/usr/libexec/java_home) native-src/scripts/build-native.sh --build-dir build/mac-x64 \
#       --jni-sources <jni-src> --version <v> --output <dir> \
#       -- -DCMAKE_TOOLCHAIN_FILE=$PWD/cmake/toolchains/macosx-x86_64.cmake
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_OSX_ARCHITECTURES x86_64 CACHE STRING "")
set(CMAKE_OSX_DEPLOYMENT_TARGET 10.15 CACHE STRING "")
set(LKMEDIA_PLATFORM macosx-x86_64 CACHE STRING "")

set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)

set(LK_VPX_FROM_SOURCE ON CACHE BOOL "")
set(LK_VPX_TARGET x86_64-darwin19-gcc CACHE STRING "")
set(LK_VPX_EXTRA_CFLAGS "-arch x86_64 -mmacosx-version-min=10.15" CACHE STRING "")
set(LK_JNI_MD_SUBDIR darwin CACHE STRING "")
