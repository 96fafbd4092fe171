// VP8 wrapper tests: bit-exactness against raw libvpx with libwebrtc's settings, rate and PSNR at
// LiveKit's presets, key frames on demand (rate-limited), size changes, decoder key-frame logic,
// scaling on output, header parsing and hostile bytes.
#include <cstring>
#include <stdexcept>

#include "lk_test.h"
#include "lkmedia/vp8_codec.h"
#include "raw_libvpx.h"
#include "test_video.h"

using namespace lkmedia;
using lktest::I420;

namespace {

#if defined(LK_SANITIZED_BUILD)
constexpr bool kSanitized = true;   // instrumented generic-C libvpx: far slower, so fewer frames
#else
constexpr bool kSanitized = false;
#endif

int encodeFrame(Vp8Encoder& enc, const I420& f, int64_t tsUs, std::vector<uint8_t>& out) {
  out.resize(static_cast<size_t>(vp8MaxEncodedSize(f.width, f.height)));
  return enc.encode(f.y.data(), f.strideY, static_cast<int>(f.y.size()), f.u.data(), f.strideUV,
                    static_cast<int>(f.u.size()), f.v.data(), f.strideUV, static_cast<int>(f.v.size()), f.width,
                    f.height, tsUs, out.data(), static_cast<int>(out.size()));
}

int copyOut(Vp8Decoder& dec, I420& f) {
  return dec.copyTo(f.y.data(), f.strideY, static_cast<int>(f.y.size()), f.u.data(), f.strideUV,
                    static_cast<int>(f.u.size()), f.v.data(), f.strideUV, static_cast<int>(f.v.size()), f.width,
                    f.height);
}

struct PresetResult {
  double kbps = 0, psnr = 0;
  int64_t drops = 0;
};

PresetResult runPreset(int w, int h, int kbps, int frames, int noise, int options) {
  Vp8Encoder enc(w, h, kbps, 30, kVp8CpuUsedAuto, 1, options);
  Vp8Decoder dec(1, 0, 1 << 24);
  I420 src(w, h), dst(w, h);
  std::vector<uint8_t> buf;
  size_t bytes = 0;
  double psnrSum = 0;
  int decoded = 0;
  for (int i = 0; i < frames; i++) {
    lktest::talkingHead(src, i, noise);
    const int n = encodeFrame(enc, src, i * 1000000LL / 30, buf);
    LK_REQUIRE(n >= 0);
    if (n == 0) continue;
    bytes += static_cast<size_t>(n);
    LK_REQUIRE(dec.decode(buf.data(), n) == 1);
    LK_REQUIRE(copyOut(dec, dst) == kOk);
    psnrSum += lktest::psnrY(src.y.data(), src.strideY, dst.y.data(), dst.strideY, w, h);
    decoded++;
  }
  PresetResult r;
  r.kbps = bytes * 8.0 / (frames / 30.0) / 1000.0;
  r.psnr = decoded ? psnrSum / decoded : 0;
  r.drops = enc.framesDropped();
  return r;
}

}  // namespace

LK_TEST(vp8_encoder_bytes_identical_to_raw_libvpx) {
  const int w = 320, h = 240, fps = 30, kbps = 300, frames = kSanitized ? 20 : 60;
  // The default options (denoiser off) and the denoiser on (libwebrtc's adaptive level 4 on x86).
  for (int options : {0, static_cast<int>(kVp8Denoising)}) {
    Vp8Encoder ours(w, h, kbps, fps, kVp8CpuUsedAuto, 1, options);
    LK_CHECK_EQ(ours.cpuUsed(), -4);  // below CIF on x86
    LK_CHECK_EQ(ours.threads(), 1);

    vpx_codec_ctx_t raw;
    LK_REQUIRE(lktest::rawVp8EncoderInit(&raw, w, h, kbps, fps, -4, options == 0 ? 0u : 4u));

    I420 f(w, h);
    std::vector<uint8_t> a;
    int mismatches = 0;
    for (int i = 0; i < frames; i++) {
      lktest::talkingHead(f, i, 3);
      const int64_t ts = i * 1000000LL / fps;
      const int na = encodeFrame(ours, f, ts, a);
      std::vector<uint8_t> b;
      LK_REQUIRE(lktest::rawVp8Encode(&raw, f.y.data(), f.strideY, f.u.data(), f.strideUV, f.v.data(), f.strideUV, w,
                                      h, ts, fps, i == 0, b));
      if (na != static_cast<int>(b.size()) || std::memcmp(a.data(), b.data(), b.size()) != 0) mismatches++;
    }
    vpx_codec_destroy(&raw);
    LK_CHECK_MSG(mismatches == 0, "options %d: %d of %d frames differ from raw libvpx", options, mismatches, frames);
  }
}

// media-core.md §7: at h480 (500 kb/s) and h720 (1.7 Mb/s), Y-PSNR >= 43 dB on clean synthetic content
// and >= 38 dB on noisy (+-4) content, rate within 5 %, 0 encoder drops in 60 s.
//  - Clean content (what a rendered avatar is) with the default options: denoiser off.
//  - Noisy content (what a camera gives) with the denoiser on, as a camera source should set it.
//  - The denoiser's cost on clean content (why it is off by default) is printed, not checked.
// h480 runs 60 s (1800 frames) so that "0 drops in 60 s" is what is checked; h720 runs 10 s.
//
// Switch: in the sanitizer build (LK_SANITIZED_BUILD, set by tests/CMakeLists.txt when LK_SANITIZE is
// on) libvpx is generic C at -O1 under ASan, about 110 ms per 640x480 frame: 1800 frames would take
// 3.5 min per case. There every case runs 30 frames, h720 and the printed-only case are left out, and
// the PSNR bar is loosened by 3 dB: that build checks memory safety, the bars belong to the release
// build. The test says so in its output.
LK_TEST(vp8_livekit_presets_rate_and_psnr) {
  struct Case { int w, h, kbps, noise, options, seconds; double minPsnr; };
  const Case cases[] = {{640, 480, 500, 0, 0, 60, 43.0},
                        {640, 480, 500, 4, kVp8Denoising, 60, 38.0},
                        {1280, 720, 1700, 0, 0, 10, 43.0},
                        {1280, 720, 1700, 4, kVp8Denoising, 10, 38.0},
                        {640, 480, 500, 0, kVp8Denoising, 10, 0.0}};
  if (kSanitized) {
    LK_NOTE("sanitizer build (LK_SANITIZED_BUILD): 30 frames per case, h480 only, PSNR bar - 3 dB; the 60 s "
            "no-drop runs and the h720 cases run in the release build only");
  }
  for (const auto& c : cases) {
    if (kSanitized && (c.w > 640 || c.minPsnr == 0.0)) continue;
    const int frames = kSanitized ? 30 : c.seconds * 30;
    const auto r = runPreset(c.w, c.h, c.kbps, frames, c.noise, c.options);
    LK_NOTE("%dx%d %d kb/s %s, denoiser %s, %d frames: %.1f kb/s, Y-PSNR %.2f dB, %lld dropped", c.w, c.h, c.kbps,
            c.noise ? "noisy" : "clean", (c.options & kVp8Denoising) ? "on" : "off (default)", frames, r.kbps, r.psnr,
            static_cast<long long>(r.drops));
    LK_CHECK_GE(r.psnr, kSanitized ? c.minPsnr - 3.0 : c.minPsnr);
    LK_CHECK_EQ(r.drops, 0);
    if (!kSanitized) LK_CHECK_NEAR(r.kbps, c.kbps, c.kbps * 0.05);
  }
}

LK_TEST(vp8_key_frame_on_demand_is_rate_limited) {
  const int w = 320, h = 180;
  Vp8Encoder enc(w, h, 400, 30, kVp8CpuUsedAuto, 1, kVp8NoFrameDropping);
  I420 f(w, h);
  std::vector<uint8_t> buf;
  std::vector<int> keys;
  for (int i = 0; i < 60; i++) {
    if (i == 10 || i == 11 || i == 12) enc.requestKeyFrame();  // a PLI storm
    if (i == 40) enc.requestKeyFrame();
    lktest::talkingHead(f, i);
    LK_REQUIRE(encodeFrame(enc, f, i * 1000000LL / 30, buf) > 0);
    int kw = 0, kh = 0;
    const int hdr = vp8ParseFrameHeader(buf.data(), static_cast<int>(buf.size()), &kw, &kh);
    LK_CHECK_EQ(hdr == 1, enc.lastFrameKey());
    if (enc.lastFrameKey()) keys.push_back(i);
  }
  // Frame 0, frame 10; the requests at 11 and 12 are merged into frame 16 (200 ms after 10); frame 40.
  const std::vector<int> expected = {0, 10, 16, 40};
  std::string got;
  for (int k : keys) got += std::to_string(k) + " ";
  LK_CHECK_MSG(keys == expected, "key frames at %s", got.c_str());
  LK_CHECK_EQ(enc.keyFramesEncoded(), 4);
  LK_CHECK_EQ(enc.setKeyFrameMinIntervalMs(-1), kBadArgument);
}

LK_TEST(vp8_any_size_and_size_changes) {
  Vp8Encoder enc(64, 64, 300, 30, kVp8CpuUsedAuto, 0, 0);
  Vp8Decoder dec(1, 0, 1 << 24);
  std::vector<uint8_t> buf;
  const int sizes[][2] = {{64, 64}, {321, 181}, {1, 1}, {17, 3}, {640, 360}, {33, 47}};
  int64_t ts = 0;
  for (const auto& s : sizes) {
    I420 f(s[0], s[1], 5);  // padded strides
    for (int i = 0; i < 3; i++) {
      lktest::talkingHead(f, i);
      const int n = encodeFrame(enc, f, ts, buf);
      ts += 33333;
      LK_REQUIRE(n > 0);
      LK_CHECK_EQ(enc.lastFrameKey(), i == 0);  // a new size starts with a key frame
      LK_REQUIRE(dec.decode(buf.data(), n) == 1);
      LK_CHECK_EQ(dec.width(), s[0]);
      LK_CHECK_EQ(dec.height(), s[1]);
      I420 out(s[0], s[1], 3);
      LK_CHECK_EQ(copyOut(dec, out), kOk);
      if (s[0] >= 64) {
        LK_CHECK_GE(lktest::psnrY(f.y.data(), f.strideY, out.y.data(), out.strideY, s[0], s[1]), 25.0);
      }
    }
  }
  LK_CHECK_EQ(enc.width(), 33);
  LK_CHECK_EQ(enc.height(), 47);
}

LK_TEST(vp8_decoder_requires_key_frames) {
  const int w = 160, h = 120;
  Vp8Encoder enc(w, h, 200, 30, kVp8CpuUsedAuto, 1, kVp8NoFrameDropping);
  std::vector<std::vector<uint8_t>> frames;
  I420 f(w, h);
  std::vector<uint8_t> buf;
  for (int i = 0; i < 80; i++) {
    if (i == 50) enc.requestKeyFrame();
    lktest::talkingHead(f, i);
    const int n = encodeFrame(enc, f, i * 33333LL, buf);
    LK_REQUIRE(n > 0);
    frames.emplace_back(buf.begin(), buf.begin() + n);
  }
  auto dec = [&](Vp8Decoder& d, int i) { return d.decode(frames[i].data(), static_cast<int>(frames[i].size())); };

  // Freeze mode (default): a delta frame first is refused; after a loss, delta frames are refused until
  // the next key frame (frame 50).
  Vp8Decoder freeze(1, 0, 1 << 24);
  LK_CHECK(freeze.keyFrameRequired());
  LK_CHECK_EQ(dec(freeze, 1), kNeedKeyFrame);
  LK_CHECK_EQ(dec(freeze, 0), 1);
  LK_CHECK_EQ(dec(freeze, 1), 1);
  LK_CHECK_EQ(freeze.frameLost(), kNeedKeyFrame);
  for (int i = 3; i < 50; i++) LK_CHECK_EQ(dec(freeze, i), kNeedKeyFrame);
  LK_CHECK_EQ(dec(freeze, 50), 1);
  LK_CHECK_EQ(dec(freeze, 51), 1);
  LK_CHECK_EQ(freeze.framesDropped(), 48);

  // Decode-through-loss mode: keeps decoding after a loss, gives up after 30 frames without a key frame.
  Vp8Decoder through(1, kVp8DecodeThroughLoss, 1 << 24);
  LK_CHECK_EQ(dec(through, 0), 1);
  LK_CHECK_EQ(through.frameLost(), kOk);
  int decoded = 0, first = -1;
  for (int i = 2; i < 50; i++) {
    const int r = dec(through, i);
    if (r == 1) decoded++;
    if (r == kNeedKeyFrame && first < 0) first = i;
  }
  LK_CHECK_EQ(decoded, 30);
  LK_CHECK_EQ(first, 32);
  LK_CHECK_EQ(dec(through, 50), 1);

  // Corrupt bytes: rejected, and then a key frame is required.
  Vp8Decoder d3(1, 0, 1 << 24);
  LK_CHECK_EQ(dec(d3, 0), 1);
  std::vector<uint8_t> bad = frames[1];
  for (size_t i = 3; i < bad.size(); i++) bad[i] ^= 0xA5;
  const int r = d3.decode(bad.data(), static_cast<int>(bad.size()));
  LK_CHECK(r == kInvalidData || r == 1);  // libvpx may or may not notice; it must not crash
  const uint8_t truncatedKey[5] = {0x10, 0x02, 0x00, 0x9d, 0x01};
  LK_CHECK_EQ(d3.decode(truncatedKey, 5), kInvalidData);
  LK_CHECK(d3.keyFrameRequired());
  LK_CHECK_EQ(dec(d3, 2), kNeedKeyFrame);
  LK_CHECK_EQ(dec(d3, 0), 1);
}

LK_TEST(vp8_decoder_limits_picture_size) {
  Vp8Encoder enc(640, 480, 500, 30, kVp8CpuUsedAuto, 1, 0);
  I420 f(640, 480);
  std::vector<uint8_t> buf;
  lktest::talkingHead(f, 0);
  const int n = encodeFrame(enc, f, 0, buf);
  LK_REQUIRE(n > 0);
  Vp8Decoder small(1, 0, 320 * 240);
  LK_CHECK_EQ(small.decode(buf.data(), n), kUnsupported);
  Vp8Decoder big(1, 0, 640 * 480);
  LK_CHECK_EQ(big.decode(buf.data(), n), 1);
  // Scaled copy-out (box filter) to half size, and a size that does not fit its planes.
  I420 half(320, 240);
  LK_CHECK_EQ(copyOut(big, half), kOk);
  I420 ref(320, 240);
  I420 full(640, 480);
  LK_CHECK_EQ(copyOut(big, full), kOk);
  LK_CHECK_GE(lktest::psnrY(f.y.data(), f.strideY, full.y.data(), full.strideY, 640, 480), 30.0);
  LK_CHECK_EQ(big.copyTo(half.y.data(), half.strideY, static_cast<int>(half.y.size()) - 1, half.u.data(),
                         half.strideUV, static_cast<int>(half.u.size()), half.v.data(), half.strideUV,
                         static_cast<int>(half.v.size()), 320, 240),
              kBufferTooSmall);
  LK_CHECK_EQ(big.copyTo(half.y.data(), 100, static_cast<int>(half.y.size()), half.u.data(), half.strideUV,
                         static_cast<int>(half.u.size()), half.v.data(), half.strideUV,
                         static_cast<int>(half.v.size()), 320, 240),
              kBadArgument);
}

LK_TEST(vp8_header_parsing_and_bad_arguments) {
  int w = 0, h = 0;
  const uint8_t key[10] = {0x10, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};
  LK_CHECK_EQ(vp8ParseFrameHeader(key, 10, &w, &h), 1);
  LK_CHECK_EQ(w, 640);
  LK_CHECK_EQ(h, 480);
  const uint8_t inter[3] = {0x11, 0x00, 0x00};
  LK_CHECK_EQ(vp8ParseFrameHeader(inter, 3, &w, &h), 0);
  const uint8_t badStart[10] = {0x10, 0x00, 0x00, 0x9d, 0x01, 0x2b, 0x80, 0x02, 0xe0, 0x01};
  LK_CHECK_EQ(vp8ParseFrameHeader(badStart, 10, &w, &h), kInvalidData);
  const uint8_t badVersion[3] = {0x0f, 0x00, 0x00};
  LK_CHECK_EQ(vp8ParseFrameHeader(badVersion, 3, &w, &h), kInvalidData);
  const uint8_t partitionTooLong[3] = {0xe1, 0xff, 0xff};
  LK_CHECK_EQ(vp8ParseFrameHeader(partitionTooLong, 3, &w, &h), kInvalidData);
  LK_CHECK_EQ(vp8ParseFrameHeader(nullptr, 10, &w, &h), kInvalidData);

  bool threw = false;
  try { Vp8Encoder e(0, 10, 300, 30, kVp8CpuUsedAuto, 0, 0); } catch (const std::invalid_argument&) { threw = true; }
  LK_CHECK(threw);
  threw = false;
  try { Vp8Encoder e(10, 10, 5, 30, kVp8CpuUsedAuto, 0, 0); } catch (const std::invalid_argument&) { threw = true; }
  LK_CHECK(threw);
  threw = false;
  try {
    Vp8Encoder e(64, 48, 200, 30, kVp8CpuUsedAuto, 0, kVp8Denoising | kVp8NoDenoising);
  } catch (const std::invalid_argument& ex) {
    threw = std::strstr(ex.what(), "contradict") != nullptr;
  }
  LK_CHECK(threw);
  threw = false;
  try { Vp8Encoder e(64, 48, 200, 30, kVp8CpuUsedAuto, 0, 32); } catch (const std::invalid_argument&) { threw = true; }
  LK_CHECK(threw);
  threw = false;
  try { Vp8Decoder d(0, 0, 100); } catch (const std::invalid_argument&) { threw = true; }
  LK_CHECK(threw);

  Vp8Encoder enc(64, 48, 200, 30, kVp8CpuUsedAuto, 0, 0);
  I420 f(64, 48);
  uint8_t out[16];
  LK_CHECK_EQ(enc.encode(f.y.data(), 63, static_cast<int>(f.y.size()), f.u.data(), f.strideUV,
                         static_cast<int>(f.u.size()), f.v.data(), f.strideUV, static_cast<int>(f.v.size()), 64, 48,
                         0, out, sizeof out),
              kBadArgument);
  // A 16-byte buffer cannot hold a key frame: the frame is lost and the next one is a key frame again.
  lktest::talkingHead(f, 0);
  LK_CHECK_EQ(enc.encode(f.y.data(), f.strideY, static_cast<int>(f.y.size()), f.u.data(), f.strideUV,
                         static_cast<int>(f.u.size()), f.v.data(), f.strideUV, static_cast<int>(f.v.size()), 64, 48,
                         0, out, sizeof out),
              kBufferTooSmall);
  std::vector<uint8_t> buf;
  LK_CHECK_GT(encodeFrame(enc, f, 33333, buf), 0);
  LK_CHECK(enc.lastFrameKey());
  LK_CHECK_EQ(enc.setRates(5, 30), kBadArgument);
  LK_CHECK_EQ(enc.setRates(300, 15), kOk);

  Vp8Decoder dec(1, 0, 1 << 20);
  LK_CHECK_EQ(dec.decode(nullptr, 5), kBadArgument);
  I420 o(64, 48);
  LK_CHECK_EQ(copyOut(dec, o), kBadArgument);  // no picture yet
}
