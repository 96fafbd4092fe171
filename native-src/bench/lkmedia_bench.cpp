// lkmedia_bench: the raw-C baselines of the media benchmarks. It runs libopus, libvpx, libyuv and the
// speexdsp resampler directly (no wrapper) on the same inputs as the JMH benchmarks in
// benchmarks/src/main/java/io/livekit/agents/benchmarks/media (bench_inputs.h / BenchInputs.java) and
// with the same settings, single-threaded, and prints the mean time per operation (median of rounds).
//
//   lkmedia_bench [--filter <substring>] [--rounds N] [--round-ms MS]
#include <libyuv/convert.h>
#include <libyuv/version.h>
#include <opus.h>
#include <speex/speex_resampler.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench_inputs.h"
#include "raw_libopus.h"
#include "raw_libvpx.h"

namespace {

struct Options {
  std::string filter;
  int rounds = 5;
  int roundMs = 1000;
};

// Mean time per call of `op` in microseconds: warm-up, then `rounds` rounds of at least roundMs each;
// returns the median round.
double measure(const Options& o, const std::function<void()>& op, std::vector<double>& roundsOut) {
  using clock = std::chrono::steady_clock;
  const auto warmEnd = clock::now() + std::chrono::milliseconds(o.roundMs);
  while (clock::now() < warmEnd) op();
  roundsOut.clear();
  for (int r = 0; r < o.rounds; r++) {
    const auto start = clock::now();
    const auto end = start + std::chrono::milliseconds(o.roundMs);
    long ops = 0;
    auto now = start;
    while (now < end) {
      for (int k = 0; k < 8; k++) op();
      ops += 8;
      now = clock::now();
    }
    roundsOut.push_back(std::chrono::duration<double, std::micro>(now - start).count() / ops);
  }
  std::vector<double> sorted = roundsOut;
  std::sort(sorted.begin(), sorted.end());
  return sorted[sorted.size() / 2];
}

void report(const Options& o, const char* name, const std::function<void()>& op) {
  if (!o.filter.empty() && std::string(name).find(o.filter) == std::string::npos) return;
  std::vector<double> rounds;
  const double us = measure(o, op, rounds);
  std::printf("%-34s %10.3f us/op   rounds:", name, us);
  for (double r : rounds) std::printf(" %.3f", r);
  std::printf("\n");
  std::fflush(stdout);
}

void die(const char* what) {
  std::fprintf(stderr, "lkmedia_bench: %s\n", what);
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    if (a == "--filter" && i + 1 < argc) o.filter = argv[++i];
    else if (a == "--rounds" && i + 1 < argc) o.rounds = std::max(1, std::atoi(argv[++i]));
    else if (a == "--round-ms" && i + 1 < argc) o.roundMs = std::max(10, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: %s [--filter <substring>] [--rounds N] [--round-ms MS]\n", argv[0]);
      return 2;
    }
  }
  std::printf("lkmedia_bench: %s, libvpx %s, libyuv %d; single thread\n", opus_get_version_string(),
              vpx_codec_version_str(), LIBYUV_VERSION);

  // ---- inputs (identical to BenchInputs.java; compare the checksums) ----
  const int kFrames = 48000 * 10;
  const std::vector<int16_t> mono = lkbench::voice(1, kFrames);
  const std::vector<int16_t> stereo = lkbench::voice(2, kFrames);
  std::printf("input voice mono   fnv1a %016llx\n", static_cast<unsigned long long>(lkbench::fnv1a(
      reinterpret_cast<const uint8_t*>(mono.data()), mono.size() * 2)));
  std::printf("input voice stereo fnv1a %016llx\n", static_cast<unsigned long long>(lkbench::fnv1a(
      reinterpret_cast<const uint8_t*>(stereo.data()), stereo.size() * 2)));
  const int vw = 640, vh = 480, kPictures = 60;
  const size_t ySize = static_cast<size_t>(vw) * vh, cSize = static_cast<size_t>(vw / 2) * (vh / 2);
  std::vector<std::vector<uint8_t>> pics(kPictures, std::vector<uint8_t>(ySize + 2 * cSize));
  uint64_t picSum = 0xcbf29ce484222325ull;
  for (int k = 0; k < kPictures; k++) {
    uint8_t* p = pics[k].data();
    lkbench::picture(k, vw, vh, p, p + ySize, p + ySize + cSize);
    picSum = lkbench::fnv1a(p, pics[k].size(), picSum);
  }
  std::printf("input pictures     fnv1a %016llx\n", static_cast<unsigned long long>(picSum));
  const int rw = 1280, rh = 720;
  std::vector<uint8_t> rgba(static_cast<size_t>(rw) * rh * 4);
  lkbench::rgba(0, rw, rh, rgba.data());
  std::printf("input rgba 720p    fnv1a %016llx\n", static_cast<unsigned long long>(lkbench::fnv1a(rgba.data(), rgba.size())));

  // ---- Opus ----
  int err = 0;
  // The Java builder's defaults (media-core.md §2): the wrapper sets exactly these.
  OpusEncoder* voiceEnc = lktest::rawOpusVoiceEncoder(32000);
  if (voiceEnc == nullptr) die("opus_encoder_create");
  uint8_t packet[1500];
  size_t idx = 0;
  report(o, "opus_encode_voice_mono_32k", [&] {
    if (opus_encode(voiceEnc, mono.data() + (idx % 500) * 960, 960, packet, sizeof packet) <= 0) die("opus_encode");
    idx++;
  });
  opus_encoder_destroy(voiceEnc);

  OpusEncoder* musicEnc = opus_encoder_create(48000, 2, OPUS_APPLICATION_AUDIO, &err);
  if (err != OPUS_OK) die("opus_encoder_create");
  opus_encoder_ctl(musicEnc, OPUS_SET_BITRATE(64000));
  opus_encoder_ctl(musicEnc, OPUS_SET_COMPLEXITY(10));
  idx = 0;
  report(o, "opus_encode_stereo_64k_c10", [&] {
    if (opus_encode(musicEnc, stereo.data() + (idx % 500) * 1920, 960, packet, sizeof packet) <= 0) die("opus_encode");
    idx++;
  });
  // The packets the decode benchmark cycles through: the first 500 frames from a fresh encoder.
  opus_encoder_ctl(musicEnc, OPUS_RESET_STATE);
  std::vector<std::vector<uint8_t>> packets;
  for (int f = 0; f < 500; f++) {
    const int n = opus_encode(musicEnc, stereo.data() + static_cast<size_t>(f) * 1920, 960, packet, sizeof packet);
    if (n <= 0) die("opus_encode");
    packets.emplace_back(packet, packet + n);
  }
  opus_encoder_destroy(musicEnc);
  OpusDecoder* dec = opus_decoder_create(48000, 2, &err);
  if (err != OPUS_OK) die("opus_decoder_create");
  std::vector<int16_t> pcm(5760 * 2);
  idx = 0;
  report(o, "opus_decode_stereo_64k", [&] {
    const auto& p = packets[idx % 500];
    if (opus_decode(dec, p.data(), static_cast<opus_int32>(p.size()), pcm.data(), 5760, 0) != 960) die("opus_decode");
    idx++;
  });
  opus_decoder_destroy(dec);

  // ---- VP8, LiveKit's h480 preset (640x480, 500 kb/s, 30 fps), libwebrtc settings with the denoiser off
  // (the Vp8Encoder default, see vp8_codec.h) ----
  vpx_codec_ctx_t enc;
  if (!lktest::rawVp8EncoderInit(&enc, vw, vh, 500, 30, -6, 0u)) die("vpx encoder init");
  std::vector<uint8_t> frame;
  idx = 0;
  report(o, "vp8_encode_640x480_500k", [&] {
    const uint8_t* p = pics[idx % kPictures].data();
    frame.clear();
    if (!lktest::rawVp8Encode(&enc, p, vw, p + ySize, vw / 2, p + ySize + cSize, vw / 2, vw, vh,
                              static_cast<int64_t>(idx) * 1000000 / 30, 30, false, frame)) {
      die("vpx encode");
    }
    idx++;
  });
  vpx_codec_destroy(&enc);
  // The frames the decode benchmark cycles through: 60 pictures from a fresh encoder (key frame first).
  if (!lktest::rawVp8EncoderInit(&enc, vw, vh, 500, 30, -6, 0u)) die("vpx encoder init");
  std::vector<std::vector<uint8_t>> frames;
  for (int k = 0; k < kPictures; k++) {
    const uint8_t* p = pics[k].data();
    frame.clear();
    if (!lktest::rawVp8Encode(&enc, p, vw, p + ySize, vw / 2, p + ySize + cSize, vw / 2, vw, vh,
                              static_cast<int64_t>(k) * 1000000 / 30, 30, k == 0, frame) || frame.empty()) {
      die("vpx encode");
    }
    frames.push_back(frame);
  }
  vpx_codec_destroy(&enc);
  vpx_codec_ctx_t vdec;
  vpx_codec_dec_cfg_t dcfg = {};
  dcfg.threads = 1;
  if (vpx_codec_dec_init(&vdec, vpx_codec_vp8_dx(), &dcfg, 0) != VPX_CODEC_OK) die("vpx decoder init");
  idx = 0;
  report(o, "vp8_decode_640x480_500k", [&] {
    const auto& f = frames[idx % kPictures];
    if (vpx_codec_decode(&vdec, f.data(), static_cast<unsigned>(f.size()), nullptr, 0) != VPX_CODEC_OK) die("vpx decode");
    vpx_codec_iter_t iter = nullptr;
    if (vpx_codec_get_frame(&vdec, &iter) == nullptr) die("vpx no picture");
    idx++;
  });
  vpx_codec_destroy(&vdec);

  // ---- RGBA (R,G,B,A bytes) -> I420 at 720p: libyuv ABGRToI420 ----
  std::vector<uint8_t> i420(static_cast<size_t>(rw) * rh * 3 / 2);
  uint8_t* yy = i420.data();
  uint8_t* uu = yy + static_cast<size_t>(rw) * rh;
  uint8_t* vv = uu + static_cast<size_t>(rw / 2) * (rh / 2);
  report(o, "rgba_to_i420_1280x720", [&] {
    if (libyuv::ABGRToI420(rgba.data(), rw * 4, yy, rw, uu, rw / 2, vv, rw / 2, rw, rh) != 0) die("ABGRToI420");
  });

  // ---- speexdsp resampler, 48 -> 16 kHz mono, 10 ms chunks, quality 5 ----
  SpeexResamplerState* rs = speex_resampler_init(1, 48000, 16000, 5, &err);
  if (rs == nullptr) die("speex_resampler_init");
  std::vector<int16_t> rout(200);
  idx = 0;
  report(o, "resample_48k_16k_mono_10ms", [&] {
    spx_uint32_t inLen = 480, outLen = 200;
    speex_resampler_process_interleaved_int(rs, mono.data() + (idx % 1000) * 480, &inLen, rout.data(), &outLen);
    idx++;
  });
  speex_resampler_destroy(rs);
  return 0;
}
