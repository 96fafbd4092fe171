// VP8 encoder and decoder (libvpx) with libwebrtc's real-time settings (media-core.md §3).
//
// Pictures are I420 planes owned by the caller (pointer, stride, and the bytes available from the
// pointer, so that every access is bounds-checked before libvpx sees it). Chroma planes are
// (width+1)/2 x (height+1)/2.
//
// Threads: an instance is not thread-safe; use it from one thread at a time. vp8ParseFrameHeader is
// thread-safe.
#ifndef LKMEDIA_VP8_CODEC_H
#define LKMEDIA_VP8_CODEC_H

#include <cstdint>

#include "lkmedia/status.h"
#include "lkmedia/video_convert.h"  // checkI420

struct vpx_codec_ctx;
struct vpx_codec_enc_cfg;

namespace lkmedia {

// Encoder options (bit flags).
//
// The denoiser is off by default, unlike libwebrtc (which turns it on for camera capture): agents
// publish rendered content (avatars, visualisations, screens) that has no sensor noise, and on such
// content libvpx's adaptive denoiser only costs quality at the same rate (640x480 at 500 kb/s on clean
// synthetic content: 42.6 dB with it, 49.0 dB without; media-core.md §7 asks for >= 43 dB). Turn it on
// with kVp8Denoising for camera content, where it keeps sensor noise from eating the rate (noisy
// 640x480 at 500 kb/s: 38.1 dB with it, 37.7 dB without; at 1280x720 and 1.7 Mb/s the rate is enough
// and it measured 38.4 vs 39.2 dB, PSNR being taken against the noisy source).
enum Vp8EncoderOption : int {
  kVp8Screenshare = 1,        // screen content: min quantizer 12, static threshold 100, content mode 2
  kVp8NoFrameDropping = 2,    // never drop a frame to hold the rate (rc_dropframe_thresh 0)
  kVp8NoDenoising = 4,        // noise sensitivity 0: the default; kept so that callers may say so
  kVp8ErrorResilient = 8,     // VPX_ERROR_RESILIENT_DEFAULT
  kVp8Denoising = 16,         // libvpx's adaptive denoiser (noise sensitivity 4 on x86, 1 elsewhere);
                              // not together with kVp8NoDenoising
};

// Decoder options (bit flags).
enum Vp8DecoderOption : int {
  kVp8DecodeThroughLoss = 1,  // libwebrtc's default: after a loss keep decoding (with artifacts) and
                              // ask for a key frame after 30 frames; without it: freeze until a key frame
  kVp8Postprocess = 2,        // deblocking/demacroblocking post-processing, if libvpx has it
};

// Largest largest-dimension libvpx VP8 supports (14-bit size fields).
constexpr int kVp8MaxDimension = 16383;
// Conservative output capacity for one encoded frame of the given size.
int vp8MaxEncodedSize(int width, int height);

// Reads the uncompressed header of a VP8 frame (RFC 6386 §9.1). Returns 1 for a key frame (and fills
// width/height), 0 for an inter frame, kInvalidData if the bytes are not a plausible VP8 frame.
int vp8ParseFrameHeader(const uint8_t* data, int length, int* width, int* height);

class Vp8Encoder {
 public:
  // width/height: the first picture size (any size 1..16383; a frame of another size re-initialises the
  // encoder and starts with a key frame). bitrateKbps 10..100000, maxFramerate 1..240.
  // cpuUsed: -16..16, or 0x7fffffff (kVp8CpuUsedAuto) for libwebrtc's choice (-6 from CIF up, -4
  // below on x86). threads: 0 for libwebrtc's choice by size and cores.
  // Throws std::invalid_argument / std::runtime_error.
  Vp8Encoder(int width, int height, int bitrateKbps, int maxFramerate, int cpuUsed, int threads, int options);
  ~Vp8Encoder();
  Vp8Encoder(const Vp8Encoder&) = delete;
  Vp8Encoder& operator=(const Vp8Encoder&) = delete;

  // Encodes one picture taken at timestampUs (microseconds, increasing). Returns the frame's size in
  // bytes (written to out), 0 when the rate controller dropped the frame, or kBadArgument /
  // kBufferTooSmall (the frame is lost; the next one is forced to be a key frame) / kInternalError.
  int encode(const uint8_t* y, int strideY, int sizeY, const uint8_t* u, int strideU, int sizeU,
             const uint8_t* v, int strideV, int sizeV, int width, int height, int64_t timestampUs,
             uint8_t* out, int capacity);

  // Asks for a key frame (PLI/FIR). Served on the next frame, but at most one requested key frame per
  // keyFrameMinIntervalMs of picture time (default 200 ms): repeated requests are merged.
  void requestKeyFrame();
  int setKeyFrameMinIntervalMs(int ms);     // 0..10000
  // New target rate and frame rate; takes effect on the next frame.
  int setRates(int bitrateKbps, int maxFramerate);

  bool lastFrameKey() const { return lastKey_; }
  int width() const { return width_; }
  int height() const { return height_; }
  int bitrateKbps() const { return bitrateKbps_; }
  int cpuUsed() const { return cpuUsedApplied_; }
  int threads() const { return threadsApplied_; }
  int64_t framesEncoded() const { return framesEncoded_; }
  int64_t framesDropped() const { return framesDropped_; }
  int64_t keyFramesEncoded() const { return keyFrames_; }

 private:
  int init(int width, int height);
  void destroy();
  int chooseCpuUsed(int width, int height) const;
  int chooseThreads(int width, int height) const;

  vpx_codec_ctx* ctx_ = nullptr;
  vpx_codec_enc_cfg* cfg_ = nullptr;
  int width_, height_, bitrateKbps_, maxFramerate_, cpuUsed_, threads_, options_;
  int cpuUsedApplied_ = 0, threadsApplied_ = 1;
  int keyFrameMinIntervalMs_ = 200;
  bool keyRequested_ = false, forceKey_ = true, lastKey_ = false;
  bool haveKeyTime_ = false;
  int64_t lastKeyUs_ = 0, lastPts_ = -1;
  int64_t framesEncoded_ = 0, framesDropped_ = 0, keyFrames_ = 0;
};

constexpr int kVp8CpuUsedAuto = 0x7fffffff;

class Vp8Decoder {
 public:
  // maxPixels bounds width*height of accepted key frames (memory guard against hostile streams);
  // threads 1..8. Throws std::invalid_argument / std::runtime_error.
  Vp8Decoder(int threads, int options, int maxPixels);
  ~Vp8Decoder();
  Vp8Decoder(const Vp8Decoder&) = delete;
  Vp8Decoder& operator=(const Vp8Decoder&) = delete;

  // Decodes one complete frame. Returns 1 when a picture is ready (width(), height(), copyTo), 0 when
  // the frame was decoded but is not for display, kNeedKeyFrame when a key frame is required first
  // (the frame was dropped: ask the sender for one), kInvalidData for corrupt bytes (a key frame is
  // then required), kUnsupported for a key frame larger than maxPixels.
  int decode(const uint8_t* data, int length);

  // Tells the decoder that one or more frames were lost before the next one. Freeze mode (default):
  // returns kNeedKeyFrame and drops delta frames until a key frame. Decode-through-loss mode: libvpx
  // is told about the gap and returns kOk; after 30 frames without a key frame it returns
  // kNeedKeyFrame.
  int frameLost();

  // Copies the last picture into caller planes of dstWidth x dstHeight: a copy at the same size, a
  // libyuv box/bilinear scale otherwise. Returns kOk, kBadArgument (no picture yet / bad planes) or
  // kBufferTooSmall.
  int copyTo(uint8_t* y, int strideY, int sizeY, uint8_t* u, int strideU, int sizeU, uint8_t* v,
             int strideV, int sizeV, int dstWidth, int dstHeight);

  int width() const { return width_; }
  int height() const { return height_; }
  bool keyFrameRequired() const { return keyFrameRequired_; }
  int64_t framesDecoded() const { return framesDecoded_; }
  int64_t framesDropped() const { return framesDropped_; }

 private:
  vpx_codec_ctx* ctx_ = nullptr;
  const void* image_ = nullptr;  // vpx_image_t of the last picture, owned by libvpx
  int options_, maxPixels_;
  int width_ = 0, height_ = 0;
  bool keyFrameRequired_ = true;
  int propagation_ = -1;  // frames decoded since a loss (decode-through mode), -1 when none
  int64_t framesDecoded_ = 0, framesDropped_ = 0;
};

}  // namespace lkmedia

#endif  // LKMEDIA_VP8_CODEC_H
