#include "lkmedia/vp8_codec.h"

#include <libyuv/planar_functions.h>
#include <libyuv/scale.h>
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vpx_encoder.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>

namespace lkmedia {
int vp8MaxEncodedSize(int width, int height) {
  if (width <= 0 || height <= 0) return 0;
  const int64_t n = static_cast<int64_t>(width) * height * 2 + 4096;
  return n > 0x7fffffff ? 0x7fffffff : static_cast<int>(n);
}

int vp8ParseFrameHeader(const uint8_t* data, int length, int* width, int* height) {
  if (data == nullptr || length < 3) return kInvalidData;
  const uint32_t tag = data[0] | (data[1] << 8) | (static_cast<uint32_t>(data[2]) << 16);
  const bool key = (tag & 1) == 0;
  const int version = (tag >> 1) & 7;
  const int64_t firstPartition = tag >> 5;
  if (version > 3) return kInvalidData;
  const int header = key ? 10 : 3;
  if (length < header || firstPartition > length - header) return kInvalidData;
  if (!key) return 0;
  if (data[3] != 0x9d || data[4] != 0x01 || data[5] != 0x2a) return kInvalidData;
  const int w = (data[6] | (data[7] << 8)) & 0x3fff;
  const int h = (data[8] | (data[9] << 8)) & 0x3fff;
  if (w == 0 || h == 0) return kInvalidData;
  if (width) *width = w;
  if (height) *height = h;
  return 1;
}

// ---------------------------------------------------------------------------------------------
Vp8Encoder::Vp8Encoder(int width, int height, int bitrateKbps, int maxFramerate, int cpuUsed, int threads,
                       int options)
    : width_(width), height_(height), bitrateKbps_(bitrateKbps), maxFramerate_(maxFramerate),
      cpuUsed_(cpuUsed), threads_(threads), options_(options) {
  if (width < 1 || height < 1 || width > kVp8MaxDimension || height > kVp8MaxDimension) {
    throw std::invalid_argument("VP8 picture size must be 1..16383 x 1..16383, got " + std::to_string(width) +
                                "x" + std::to_string(height));
  }
  if (bitrateKbps < 10 || bitrateKbps > 100000) {
    throw std::invalid_argument("VP8 bitrate must be 10..100000 kb/s, got " + std::to_string(bitrateKbps));
  }
  if (maxFramerate < 1 || maxFramerate > 240) {
    throw std::invalid_argument("VP8 frame rate must be 1..240, got " + std::to_string(maxFramerate));
  }
  if (cpuUsed != kVp8CpuUsedAuto && (cpuUsed < -16 || cpuUsed > 16)) {
    throw std::invalid_argument("VP8 cpuUsed must be -16..16, got " + std::to_string(cpuUsed));
  }
  if (threads < 0 || threads > 16) {
    throw std::invalid_argument("VP8 encoder threads must be 0 (auto)..16, got " + std::to_string(threads));
  }
  if (options & ~31) throw std::invalid_argument("unknown VP8 encoder option bits " + std::to_string(options));
  if ((options & kVp8Denoising) && (options & kVp8NoDenoising)) {
    throw std::invalid_argument("VP8 encoder options kVp8Denoising (16) and kVp8NoDenoising (4) contradict each "
                                "other: pass one of them");
  }
  cfg_ = new vpx_codec_enc_cfg_t();
  const int err = init(width, height);
  if (err != kOk) {
    delete cfg_;
    throw std::runtime_error("vpx_codec_enc_init failed for " + std::to_string(width) + "x" + std::to_string(height));
  }
}

Vp8Encoder::~Vp8Encoder() {
  destroy();
  delete cfg_;
}

void Vp8Encoder::destroy() {
  if (ctx_) {
    vpx_codec_destroy(ctx_);
    delete ctx_;
    ctx_ = nullptr;
  }
}

int Vp8Encoder::chooseCpuUsed(int width, int height) const {
  if (cpuUsed_ != kVp8CpuUsedAuto) return cpuUsed_;
  const int64_t pixels = static_cast<int64_t>(width) * height;
#if defined(__aarch64__) || defined(__arm__) || defined(_M_ARM64)
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (cores <= 3) return -12;
  if (pixels <= 352 * 288) return -8;
  if (pixels <= 640 * 480) return -10;
  return -12;
#else
  return pixels < 352 * 288 ? -4 : -6;
#endif
}

int Vp8Encoder::chooseThreads(int width, int height) const {
  if (threads_ > 0) return threads_;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const int64_t pixels = static_cast<int64_t>(width) * height;
  if (pixels >= 1920 * 1080 && cores > 8) return 8;
  if (pixels > 1280 * 960 && cores >= 6) return 3;
  if (pixels > 640 * 480 && cores >= 3) return cores >= 6 ? 3 : 2;
  return 1;
}

int Vp8Encoder::init(int width, int height) {
  destroy();
  if (vpx_codec_enc_config_default(vpx_codec_vp8_cx(), cfg_, 0) != VPX_CODEC_OK) return kInternalError;
  const bool screenshare = options_ & kVp8Screenshare;
  threadsApplied_ = chooseThreads(width, height);
  cpuUsedApplied_ = chooseCpuUsed(width, height);
  cfg_->g_w = static_cast<unsigned>(width);
  cfg_->g_h = static_cast<unsigned>(height);
  cfg_->g_threads = static_cast<unsigned>(threadsApplied_);
  cfg_->g_timebase.num = 1;
  cfg_->g_timebase.den = 90000;
  cfg_->g_lag_in_frames = 0;
  cfg_->g_pass = VPX_RC_ONE_PASS;
  cfg_->g_error_resilient = (options_ & kVp8ErrorResilient) ? VPX_ERROR_RESILIENT_DEFAULT : 0;
  cfg_->rc_end_usage = VPX_CBR;
  cfg_->rc_target_bitrate = static_cast<unsigned>(bitrateKbps_);
  cfg_->rc_dropframe_thresh = (options_ & kVp8NoFrameDropping) ? 0 : 30;
  cfg_->rc_resize_allowed = 0;
  cfg_->rc_min_quantizer = screenshare ? 12 : 2;
  cfg_->rc_max_quantizer = 56;
  cfg_->rc_undershoot_pct = 100;
  cfg_->rc_overshoot_pct = 15;
  cfg_->rc_buf_initial_sz = 500;
  cfg_->rc_buf_optimal_sz = 600;
  cfg_->rc_buf_sz = 1000;
  cfg_->kf_mode = VPX_KF_AUTO;
  cfg_->kf_max_dist = 3000;

  ctx_ = new vpx_codec_ctx_t();
  if (vpx_codec_enc_init(ctx_, vpx_codec_vp8_cx(), cfg_, 0) != VPX_CODEC_OK) {
    delete ctx_;
    ctx_ = nullptr;
    return kInternalError;
  }
  // Off unless asked for (see Vp8EncoderOption); when on, libwebrtc's level: adaptive on x86, Y-only on ARM.
#if defined(__aarch64__) || defined(__arm__) || defined(_M_ARM64)
  const unsigned denoise = (options_ & kVp8Denoising) ? 1u : 0u;
#else
  const unsigned denoise = (options_ & kVp8Denoising) ? 4u : 0u;
#endif
  // Key frames may use at most 0.5 x optimal buffer x fps / 10 percent of a frame's budget (>= 300).
  const unsigned maxIntra = std::max(300u, static_cast<unsigned>(600 * 0.5 * maxFramerate_ / 10));
  bool ok = vpx_codec_control(ctx_, VP8E_SET_CPUUSED, cpuUsedApplied_) == VPX_CODEC_OK;
  ok &= vpx_codec_control(ctx_, VP8E_SET_NOISE_SENSITIVITY, denoise) == VPX_CODEC_OK;
  ok &= vpx_codec_control(ctx_, VP8E_SET_STATIC_THRESHOLD, screenshare ? 100u : 1u) == VPX_CODEC_OK;
  ok &= vpx_codec_control(ctx_, VP8E_SET_TOKEN_PARTITIONS, static_cast<int>(VP8_ONE_TOKENPARTITION)) == VPX_CODEC_OK;
  ok &= vpx_codec_control(ctx_, VP8E_SET_MAX_INTRA_BITRATE_PCT, maxIntra) == VPX_CODEC_OK;
  ok &= vpx_codec_control(ctx_, VP8E_SET_SCREEN_CONTENT_MODE, screenshare ? 2u : 0u) == VPX_CODEC_OK;
  if (!ok) {
    destroy();
    return kInternalError;
  }
  width_ = width;
  height_ = height;
  forceKey_ = true;
  return kOk;
}

void Vp8Encoder::requestKeyFrame() { keyRequested_ = true; }

int Vp8Encoder::setKeyFrameMinIntervalMs(int ms) {
  if (ms < 0 || ms > 10000) return kBadArgument;
  keyFrameMinIntervalMs_ = ms;
  return kOk;
}

int Vp8Encoder::setRates(int bitrateKbps, int maxFramerate) {
  if (bitrateKbps < 10 || bitrateKbps > 100000 || maxFramerate < 1 || maxFramerate > 240) return kBadArgument;
  if (!ctx_) return kInternalError;
  bitrateKbps_ = bitrateKbps;
  maxFramerate_ = maxFramerate;
  cfg_->rc_target_bitrate = static_cast<unsigned>(bitrateKbps);
  if (vpx_codec_enc_config_set(ctx_, cfg_) != VPX_CODEC_OK) return kInternalError;
  const unsigned maxIntra = std::max(300u, static_cast<unsigned>(600 * 0.5 * maxFramerate / 10));
  return vpx_codec_control(ctx_, VP8E_SET_MAX_INTRA_BITRATE_PCT, maxIntra) == VPX_CODEC_OK ? kOk : kInternalError;
}

int Vp8Encoder::encode(const uint8_t* y, int strideY, int sizeY, const uint8_t* u, int strideU, int sizeU,
                       const uint8_t* v, int strideV, int sizeV, int width, int height, int64_t timestampUs,
                       uint8_t* out, int capacity) {
  if (out == nullptr || capacity <= 0) return kBadArgument;
  if (width > kVp8MaxDimension || height > kVp8MaxDimension) return kBadArgument;
  const int check = checkI420(width, height, y, strideY, sizeY, u, strideU, sizeU, v, strideV, sizeV);
  if (check != kOk) return check;
  if (width != width_ || height != height_ || ctx_ == nullptr) {
    if (init(width, height) != kOk) return kInternalError;
  }

  vpx_image_t img;
  // Wrap the caller's planes: vpx_img_wrap fills the format fields, then the planes and strides are
  // pointed at the caller's memory. Nothing is copied.
  vpx_img_wrap(&img, VPX_IMG_FMT_I420, static_cast<unsigned>(width), static_cast<unsigned>(height), 1,
               const_cast<uint8_t*>(y));
  img.planes[VPX_PLANE_Y] = const_cast<uint8_t*>(y);
  img.planes[VPX_PLANE_U] = const_cast<uint8_t*>(u);
  img.planes[VPX_PLANE_V] = const_cast<uint8_t*>(v);
  img.stride[VPX_PLANE_Y] = strideY;
  img.stride[VPX_PLANE_U] = strideU;
  img.stride[VPX_PLANE_V] = strideV;

  int64_t pts = timestampUs * 9 / 100;  // 90 kHz
  if (pts <= lastPts_) pts = lastPts_ + 1;
  lastPts_ = pts;
  const unsigned long duration = 90000ul / static_cast<unsigned long>(maxFramerate_);

  bool key = forceKey_;
  if (!key && keyRequested_) {
    key = !haveKeyTime_ || timestampUs - lastKeyUs_ >= static_cast<int64_t>(keyFrameMinIntervalMs_) * 1000;
  }
  const vpx_enc_frame_flags_t flags = key ? VPX_EFLAG_FORCE_KF : 0;
  if (vpx_codec_encode(ctx_, &img, pts, duration, flags, VPX_DL_REALTIME) != VPX_CODEC_OK) {
    return kInternalError;
  }

  int written = 0;
  bool overflow = false, gotFrame = false, isKey = false;
  vpx_codec_iter_t iter = nullptr;
  while (const vpx_codec_cx_pkt_t* pkt = vpx_codec_get_cx_data(ctx_, &iter)) {
    if (pkt->kind != VPX_CODEC_CX_FRAME_PKT) continue;
    gotFrame = true;
    isKey |= (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0;
    const size_t n = pkt->data.frame.sz;
    if (overflow || n > static_cast<size_t>(capacity - written)) {
      overflow = true;
      continue;
    }
    std::copy_n(static_cast<const uint8_t*>(pkt->data.frame.buf), n, out + written);
    written += static_cast<int>(n);
  }
  lastKey_ = gotFrame && isKey;
  if (overflow) {
    forceKey_ = true;  // the receiver will miss this frame: restart the reference chain
    return kBufferTooSmall;
  }
  if (!gotFrame) {
    framesDropped_++;
    return 0;
  }
  framesEncoded_++;
  if (isKey) {
    keyFrames_++;
    haveKeyTime_ = true;
    lastKeyUs_ = timestampUs;
    keyRequested_ = false;
    forceKey_ = false;
  }
  return written;
}

// ---------------------------------------------------------------------------------------------
Vp8Decoder::Vp8Decoder(int threads, int options, int maxPixels) : options_(options), maxPixels_(maxPixels) {
  if (threads < 1 || threads > 8) {
    throw std::invalid_argument("VP8 decoder threads must be 1..8, got " + std::to_string(threads));
  }
  if (options & ~3) throw std::invalid_argument("unknown VP8 decoder option bits " + std::to_string(options));
  if (maxPixels < 1) throw std::invalid_argument("VP8 decoder maxPixels must be positive");
  vpx_codec_dec_cfg_t cfg = {};
  cfg.threads = static_cast<unsigned>(threads);
  vpx_codec_flags_t flags = 0;
  if ((options & kVp8Postprocess) && (vpx_codec_get_caps(vpx_codec_vp8_dx()) & VPX_CODEC_CAP_POSTPROC)) {
    flags |= VPX_CODEC_USE_POSTPROC;
  }
  ctx_ = new vpx_codec_ctx_t();
  if (vpx_codec_dec_init(ctx_, vpx_codec_vp8_dx(), &cfg, flags) != VPX_CODEC_OK) {
    delete ctx_;
    throw std::runtime_error("vpx_codec_dec_init failed");
  }
  if (flags & VPX_CODEC_USE_POSTPROC) {
    vp8_postproc_cfg_t pp = {VP8_DEBLOCK | VP8_DEMACROBLOCK, 3, 0};
    vpx_codec_control(ctx_, VP8_SET_POSTPROC, &pp);
  }
}

Vp8Decoder::~Vp8Decoder() {
  vpx_codec_destroy(ctx_);
  delete ctx_;
}

int Vp8Decoder::decode(const uint8_t* data, int length) {
  if (data == nullptr || length <= 0) return kBadArgument;
  int w = 0, h = 0;
  const int header = vp8ParseFrameHeader(data, length, &w, &h);
  if (header < 0) {
    framesDropped_++;
    keyFrameRequired_ = true;
    image_ = nullptr;
    return kInvalidData;
  }
  const bool key = header == 1;
  if (key && static_cast<int64_t>(w) * h > maxPixels_) {
    framesDropped_++;
    keyFrameRequired_ = true;
    image_ = nullptr;
    return kUnsupported;
  }
  if (!key && keyFrameRequired_) {
    framesDropped_++;
    return kNeedKeyFrame;
  }
  image_ = nullptr;
  if (vpx_codec_decode(ctx_, data, static_cast<unsigned>(length), nullptr, 0) != VPX_CODEC_OK) {
    framesDropped_++;
    keyFrameRequired_ = true;
    return kInvalidData;
  }
  if (key) {
    keyFrameRequired_ = false;
    propagation_ = -1;
  } else if (propagation_ >= 0 && ++propagation_ > 30) {
    // Decode-through-loss mode: 30 frames without a key frame since the loss (libwebrtc's
    // kVp8ErrorPropagationTh). Stop here and wait for a key frame.
    keyFrameRequired_ = true;
    propagation_ = -1;
    framesDropped_++;
    return kNeedKeyFrame;
  }
  vpx_codec_iter_t iter = nullptr;
  const vpx_image_t* img = vpx_codec_get_frame(ctx_, &iter);
  if (img == nullptr) return 0;
  if (img->fmt != VPX_IMG_FMT_I420) {
    keyFrameRequired_ = true;
    return kUnsupported;
  }
  image_ = img;
  width_ = static_cast<int>(img->d_w);
  height_ = static_cast<int>(img->d_h);
  framesDecoded_++;
  return 1;
}

int Vp8Decoder::frameLost() {
  image_ = nullptr;
  if (!(options_ & kVp8DecodeThroughLoss) || keyFrameRequired_) {
    keyFrameRequired_ = true;
    return kNeedKeyFrame;
  }
  // libwebrtc tells libvpx about the gap with an empty decode call; libvpx's VP8 decoder treats it as a
  // flush, and the next delta frame is predicted from the last references (artifacts until a key frame).
  vpx_codec_decode(ctx_, nullptr, 0, nullptr, 0);
  if (propagation_ < 0) propagation_ = 0;
  return kOk;
}

int Vp8Decoder::copyTo(uint8_t* y, int strideY, int sizeY, uint8_t* u, int strideU, int sizeU, uint8_t* v,
                       int strideV, int sizeV, int dstWidth, int dstHeight) {
  if (image_ == nullptr) return kBadArgument;
  const int check = checkI420(dstWidth, dstHeight, y, strideY, sizeY, u, strideU, sizeU, v, strideV, sizeV);
  if (check != kOk) return check;
  const auto* img = static_cast<const vpx_image_t*>(image_);
  int r;
  if (dstWidth == width_ && dstHeight == height_) {
    r = libyuv::I420Copy(img->planes[VPX_PLANE_Y], img->stride[VPX_PLANE_Y], img->planes[VPX_PLANE_U],
                         img->stride[VPX_PLANE_U], img->planes[VPX_PLANE_V], img->stride[VPX_PLANE_V], y, strideY,
                         u, strideU, v, strideV, width_, height_);
  } else {
    r = libyuv::I420Scale(img->planes[VPX_PLANE_Y], img->stride[VPX_PLANE_Y], img->planes[VPX_PLANE_U],
                          img->stride[VPX_PLANE_U], img->planes[VPX_PLANE_V], img->stride[VPX_PLANE_V], width_,
                          height_, y, strideY, u, strideU, v, strideV, dstWidth, dstHeight, libyuv::kFilterBox);
  }
  return r == 0 ? kOk : kInternalError;
}

}  // namespace lkmedia
