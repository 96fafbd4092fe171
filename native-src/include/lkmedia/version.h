// Build identity of the native library, checked by the Java loader against the Java jar's version.
#ifndef LKMEDIA_VERSION_H
#define LKMEDIA_VERSION_H

namespace lkmedia {

// The project version the library was built for (the Maven version, e.g. "0.1.0-SNAPSHOT").
const char* libraryVersion();

// One line naming the platform and the versions of the libraries linked in,
// e.g. "linux-x86_64; libopus 1.5.2; libvpx v1.12.0; libyuv 1857; speexdsp 1.2.1; gcc 12.2.0".
const char* buildInfo();

}  // namespace lkmedia

#endif  // LKMEDIA_VERSION_H
