# Build of liblkmedia.dylib for macosx-arm64 (Apple silicon), on a Mac with Xcode's command line tools
# and a JDK. Written and reviewed; not built on the project's CI (only linux-x86_64 is).
#
#   brew install cmake ninja
#   JAVA_HOME=$(/usr/libexec/java_home) native-src/scripts/build-native.sh --build-dir build/mac-arm64 \
#       --jni-sources <jni-src> --version <v> --output <dir> \
#       -- -DCMAKE_TOOLCHAIN_FILE=$PWD/cmake/toolchains/macosx-arm64.cmake
#
# The library links libc++ and libSystem, which every macOS has; libvpx is built from Debian's source
# (VP8 only, NEON). Gatekeeper: the extracted library is not quarantined because the JVM writes it.
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR arm64)
set(CMAKE_OSX_ARCHITECTURES arm64 CACHE STRING "")
set(CMAKE_OSX_DEPLOYMENT_TARGET 11.0 CACHE STRING "")
set(LKMEDIA_PLATFORM macosx-arm64 CACHE STRING "")

set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)

set(LK_VPX_FROM_SOURCE ON CACHE BOOL "")
set(LK_VPX_TARGET arm64-darwin20-gcc CACHE STRING "")
set(LK_VPX_EXTRA_CFLAGS "-mmacosx-version-min=11.0" CACHE STRING "")
set(LK_JNI_MD_SUBDIR darwin CACHE STRING "")
