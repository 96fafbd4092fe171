// libwebrtc's real-time VP8 configuration written out against the raw libvpx API, independently of
// lkmedia::Vp8Encoder (media-core.md §3.1). The tests compare the wrapper's bytes with it; the benchmark
// program uses it as the raw-C baseline.
#ifndef LK_RAW_LIBVPX_H
#define LK_RAW_LIBVPX_H

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace lktest {

// Initialises `ctx` for width x height at kbps and fps, one thread, the given cpu_used and noise
// sensitivity. Returns false if libvpx refuses.
inline bool rawVp8EncoderInit(vpx_codec_ctx_t* ctx, int width, int height, int kbps, int fps, int cpuUsed,
                              unsigned noiseSensitivity) {
  vpx_codec_enc_cfg_t cfg;
  if (vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &cfg, 0) != VPX_CODEC_OK) return false;
  cfg.g_w = static_cast<unsigned>(width);
  cfg.g_h = static_cast<unsigned>(height);
  cfg.g_threads = 1;
  cfg.g_timebase.num = 1;
  cfg.g_timebase.den = 90000;
  cfg.g_lag_in_frames = 0;
  cfg.g_pass = VPX_RC_ONE_PASS;
  cfg.g_error_resilient = 0;
  cfg.rc_end_usage = VPX_CBR;
  cfg.rc_target_bitrate = static_cast<unsigned>(kbps);
  cfg.rc_dropframe_thresh = 30;
  cfg.rc_resize_allowed = 0;
  cfg.rc_min_quantizer = 2;
  cfg.rc_max_quantizer = 56;
  cfg.rc_undershoot_pct = 100;
  cfg.rc_overshoot_pct = 15;
  cfg.rc_buf_initial_sz = 500;
  cfg.rc_buf_optimal_sz = 600;
  cfg.rc_buf_sz = 1000;
  cfg.kf_mode = VPX_KF_AUTO;
  cfg.kf_max_dist = 3000;
  if (vpx_codec_enc_init(ctx, vpx_codec_vp8_cx(), &cfg, 0) != VPX_CODEC_OK) return false;
  const unsigned maxIntra = std::max(300u, static_cast<unsigned>(600 * 0.5 * fps / 10));
  vpx_codec_control(ctx, VP8E_SET_CPUUSED, cpuUsed);
  vpx_codec_control(ctx, VP8E_SET_NOISE_SENSITIVITY, noiseSensitivity);
  vpx_codec_control(ctx, VP8E_SET_STATIC_THRESHOLD, 1u);
  vpx_codec_control(ctx, VP8E_SET_TOKEN_PARTITIONS, static_cast<int>(VP8_ONE_TOKENPARTITION));
  vpx_codec_control(ctx, VP8E_SET_MAX_INTRA_BITRATE_PCT, maxIntra);
  vpx_codec_control(ctx, VP8E_SET_SCREEN_CONTENT_MODE, 0u);
  return true;
}

// Encodes one I420 picture (planes wrapped, not copied) and appends the frame's bytes to `out`.
inline bool rawVp8Encode(vpx_codec_ctx_t* ctx, const uint8_t* y, int strideY, const uint8_t* u, int strideU,
                         const uint8_t* v, int strideV, int width, int height, int64_t timestampUs, int fps,
                         bool forceKey, std::vector<uint8_t>& out) {
  vpx_image_t img;
  vpx_img_wrap(&img, VPX_IMG_FMT_I420, static_cast<unsigned>(width), static_cast<unsigned>(height), 1,
               const_cast<uint8_t*>(y));
  img.planes[0] = const_cast<uint8_t*>(y);
  img.planes[1] = const_cast<uint8_t*>(u);
  img.planes[2] = const_cast<uint8_t*>(v);
  img.stride[0] = strideY;
  img.stride[1] = strideU;
  img.stride[2] = strideV;
  if (vpx_codec_encode(ctx, &img, timestampUs * 9 / 100, 90000ul / static_cast<unsigned long>(fps),
                       forceKey ? VPX_EFLAG_FORCE_KF : 0, VPX_DL_REALTIME) != VPX_CODEC_OK) {
    return false;
  }
  vpx_codec_iter_t iter = nullptr;
  while (const vpx_codec_cx_pkt_t* p = vpx_codec_get_cx_data(ctx, &iter)) {
    if (p->kind == VPX_CODEC_CX_FRAME_PKT) {
      const auto* d = static_cast<const uint8_t*>(p->data.frame.buf);
      out.insert(out.end(), d, d + p->data.frame.sz);
    }
  }
  return true;
}

}  // namespace lktest

#endif  // LK_RAW_LIBVPX_H
