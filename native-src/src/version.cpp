#include "lkmedia/status.h"
#include "lkmedia/version.h"

#include <opus.h>
#include <vpx/vpx_codec.h>
#include <libyuv/version.h>

#include <cstdio>
#include <mutex>

#ifndef LKMEDIA_VERSION
#define LKMEDIA_VERSION "0.0.0-dev"
#endif
#ifndef LKMEDIA_PLATFORM
#define LKMEDIA_PLATFORM "unknown"
#endif

#define LK_STR2(x) #x
#define LK_STR(x) LK_STR2(x)

namespace lkmedia {

const char* statusName(int status) {
  switch (status) {
    case kOk: return "ok";
    case kBadArgument: return "bad argument";
    case kBufferTooSmall: return "buffer too small";
    case kInvalidData: return "invalid data";
    case kNeedKeyFrame: return "key frame needed";
    case kUnsupported: return "unsupported";
    case kInternalError: return "internal error";
    case kWouldBlock: return "would block";
    case kClosed: return "closed";
    default: return "unknown status";
  }
}

const char* libraryVersion() { return LKMEDIA_VERSION; }

const char* buildInfo() {
  static char info[256];
  static std::once_flag once;
  std::call_once(once, [] {
#if defined(__clang__)
    const char* compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
    const char* compiler = "gcc " LK_STR(__GNUC__) "." LK_STR(__GNUC_MINOR__) "." LK_STR(__GNUC_PATCHLEVEL__);
#elif defined(_MSC_VER)
    const char* compiler = "msvc " LK_STR(_MSC_VER);
#else
    const char* compiler = "unknown compiler";
#endif
    std::snprintf(info, sizeof info, "%s; %s; libvpx %s; libyuv %d; speexdsp 1.2.1; %s",
                  LKMEDIA_PLATFORM, opus_get_version_string(), vpx_codec_version_str(),
                  LIBYUV_VERSION, compiler);
  });
  return info;
}

}  // namespace lkmedia
