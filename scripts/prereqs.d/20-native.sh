# What the native media core (native-src, agent-media-native) needs to build and test:
# - cmake, ninja-build, make, g++: the release build of liblkmedia.so (libopus, libyuv and the speexdsp
#   resampler are fetched as pinned Debian source tarballs and built by CMake itself);
# - libvpx-dev: Debian's position-independent static libvpx.a, linked into the JNI library;
# - binutils: readelf, which checks that the library needs the C runtime only;
# - clang, libclang-rt-14-dev: the ASan+UBSan build and the libFuzzer targets (sanitize-and-fuzz.sh),
#   and FuzzedDataProvider.h for the fuzz replay tests of the release build.
ensure_packages cmake ninja-build make g++ libvpx-dev binutils clang libclang-rt-14-dev
