// Status codes shared by every class of the media core (lkmedia and lkbuffers).
//
// Per-frame methods return an int: a count (bytes, samples, frames) when >= 0, or one of these
// negative codes. The Java side maps them to io.livekit.agents.media.MediaException.Code.
// Keep the numbers stable: they cross the JNI boundary.
#ifndef LKMEDIA_STATUS_H
#define LKMEDIA_STATUS_H

namespace lkmedia {

enum Status : int {
  kOk = 0,
  kBadArgument = -1,      // an argument is out of range (size, rate, stride, null pointer)
  kBufferTooSmall = -2,   // the output buffer cannot hold the result; nothing was written
  kInvalidData = -3,      // input bytes are malformed (corrupt packet or bitstream)
  kNeedKeyFrame = -4,     // video decoder waits for a key frame; request one (PLI)
  kUnsupported = -5,      // valid request that this build or library cannot do
  kInternalError = -6,    // the wrapped library failed in an unexpected way
  kWouldBlock = -7,       // non-blocking call found no room/data (buffers)
  kClosed = -8,           // the object was closed or cleared while the call waited (buffers)
};

// A short constant English name for a status ("ok", "bad argument", ...); "unknown status" otherwise.
const char* statusName(int status);

}  // namespace lkmedia

#endif  // LKMEDIA_STATUS_H
