// Colour conversion and scaling tests: each packed format maps to the right libyuv function (checked
// against libyuv's reference functions bit for bit, and against known BT.601 values so the byte-order
// naming cannot be mixed up), odd sizes and padded strides, round trips, scaling and bounds checks.
#include <libyuv/convert.h>
#include <libyuv/convert_argb.h>
#include <libyuv/scale.h>

#include <cstring>
#include <random>

#include "lk_test.h"
#include "lkmedia/video_convert.h"
#include "test_video.h"

using namespace lkmedia;
using lktest::I420;

namespace {

std::vector<uint8_t> randomPixels(int stride, int height, uint32_t seed) {
  std::vector<uint8_t> p(static_cast<size_t>(stride) * height);
  std::mt19937 rng(seed);
  for (auto& b : p) b = static_cast<uint8_t>(rng());
  return p;
}

int toI420(int fmt, const std::vector<uint8_t>& src, int stride, int w, int h, I420& f) {
  return convertToI420(fmt, src.data(), stride, static_cast<int>(src.size()), w, h, f.y.data(), f.strideY,
                       static_cast<int>(f.y.size()), f.u.data(), f.strideUV, static_cast<int>(f.u.size()), f.v.data(),
                       f.strideUV, static_cast<int>(f.v.size()));
}

int fromI420(const I420& f, int fmt, std::vector<uint8_t>& dst, int stride) {
  return convertFromI420(f.y.data(), f.strideY, static_cast<int>(f.y.size()), f.u.data(), f.strideUV,
                         static_cast<int>(f.u.size()), f.v.data(), f.strideUV, static_cast<int>(f.v.size()), f.width,
                         f.height, fmt, dst.data(), stride, static_cast<int>(dst.size()));
}

bool samePlanes(const I420& a, const I420& b) {
  for (int y = 0; y < a.height; y++)
    if (std::memcmp(&a.y[static_cast<size_t>(y) * a.strideY], &b.y[static_cast<size_t>(y) * b.strideY], a.width)) return false;
  for (int y = 0; y < a.chromaHeight(); y++) {
    if (std::memcmp(&a.u[static_cast<size_t>(y) * a.strideUV], &b.u[static_cast<size_t>(y) * b.strideUV], a.chromaWidth())) return false;
    if (std::memcmp(&a.v[static_cast<size_t>(y) * a.strideUV], &b.v[static_cast<size_t>(y) * b.strideUV], a.chromaWidth())) return false;
  }
  return true;
}

}  // namespace

LK_TEST(convert_to_i420_bit_exact_with_libyuv_reference) {
  using Ref = int (*)(const uint8_t*, int, uint8_t*, int, uint8_t*, int, uint8_t*, int, int, int);
  const struct { int fmt; Ref ref; const char* name; } cases[] = {
      {kPixelRGBA, libyuv::ABGRToI420, "RGBA/ABGRToI420"},
      {kPixelBGRA, libyuv::ARGBToI420, "BGRA/ARGBToI420"},
      {kPixelARGB, libyuv::BGRAToI420, "ARGB/BGRAToI420"},
      {kPixelABGR, libyuv::RGBAToI420, "ABGR/RGBAToI420"}};
  const int sizes[][2] = {{1280, 720}, {641, 479}, {1, 1}, {3, 5}, {17, 2}};
  for (const auto& c : cases) {
    for (const auto& s : sizes) {
      const int w = s[0], h = s[1], stride = w * 4 + 12;
      const auto src = randomPixels(stride, h, static_cast<uint32_t>(w * 31 + h));
      I420 ours(w, h, 7), ref(w, h, 7);
      LK_REQUIRE(toI420(c.fmt, src, stride, w, h, ours) == kOk);
      LK_REQUIRE(c.ref(src.data(), stride, ref.y.data(), ref.strideY, ref.u.data(), ref.strideUV, ref.v.data(),
                       ref.strideUV, w, h) == 0);
      LK_CHECK_MSG(samePlanes(ours, ref), "%s %dx%d", c.name, w, h);
    }
  }
}

LK_TEST(convert_byte_order_names_match_bt601_values) {
  // Pure red in each byte order must give BT.601 limited-range red: Y 82, U 90, V 240 (+-1).
  const uint8_t red[4][4] = {{255, 0, 0, 255},    // RGBA
                             {0, 0, 255, 255},    // BGRA
                             {255, 255, 0, 0},    // ARGB
                             {255, 0, 0, 255}};   // ABGR: A,B,G,R
  const int fmts[4] = {kPixelRGBA, kPixelBGRA, kPixelARGB, kPixelABGR};
  for (int k = 0; k < 4; k++) {
    std::vector<uint8_t> src(4 * 4 * 4);
    for (int i = 0; i < 16; i++) std::memcpy(&src[static_cast<size_t>(i) * 4], red[k], 4);
    I420 f(4, 4);
    LK_REQUIRE(toI420(fmts[k], src, 16, 4, 4, f) == kOk);
    LK_CHECK_MSG(std::abs(f.y[0] - 82) <= 1 && std::abs(f.u[0] - 90) <= 1 && std::abs(f.v[0] - 240) <= 1,
                 "format %d: Y %d U %d V %d", fmts[k], f.y[0], f.u[0], f.v[0]);
    // And back: red again, alpha opaque, in the same byte order.
    std::vector<uint8_t> back(64);
    LK_REQUIRE(fromI420(f, fmts[k], back, 16) == kOk);
    for (int b = 0; b < 4; b++) LK_CHECK_MSG(std::abs(back[b] - red[k][b]) <= 3, "format %d byte %d: %d", fmts[k], b, back[b]);
  }
}

LK_TEST(convert_round_trip_and_from_i420_reference) {
  I420 f(640, 360, 16);
  lktest::talkingHead(f, 3);
  for (int fmt : {kPixelRGBA, kPixelBGRA, kPixelARGB, kPixelABGR}) {
    std::vector<uint8_t> packed(640 * 4 * 360);
    LK_REQUIRE(fromI420(f, fmt, packed, 640 * 4) == kOk);
    I420 back(640, 360);
    LK_REQUIRE(toI420(fmt, packed, 640 * 4, 640, 360, back) == kOk);
    const double p = lktest::psnrY(f.y.data(), f.strideY, back.y.data(), back.strideY, 640, 360);
    LK_CHECK_MSG(p >= 40.0, "format %d: round-trip Y-PSNR %.1f dB", fmt, p);
  }
  std::vector<uint8_t> ours(640 * 4 * 360), ref(640 * 4 * 360);
  LK_REQUIRE(fromI420(f, kPixelRGBA, ours, 640 * 4) == kOk);
  libyuv::I420ToABGR(f.y.data(), f.strideY, f.u.data(), f.strideUV, f.v.data(), f.strideUV, ref.data(), 640 * 4, 640, 360);
  LK_CHECK(ours == ref);
}

LK_TEST(convert_scaling) {
  I420 src(1280, 720, 32);
  lktest::talkingHead(src, 1);
  I420 half(640, 360), ref(640, 360);
  LK_REQUIRE(scaleI420(src.y.data(), src.strideY, static_cast<int>(src.y.size()), src.u.data(), src.strideUV,
                       static_cast<int>(src.u.size()), src.v.data(), src.strideUV, static_cast<int>(src.v.size()), 1280,
                       720, half.y.data(), half.strideY, static_cast<int>(half.y.size()), half.u.data(), half.strideUV,
                       static_cast<int>(half.u.size()), half.v.data(), half.strideUV, static_cast<int>(half.v.size()),
                       640, 360, kScaleBox) == kOk);
  libyuv::I420Scale(src.y.data(), src.strideY, src.u.data(), src.strideUV, src.v.data(), src.strideUV, 1280, 720,
                    ref.y.data(), ref.strideY, ref.u.data(), ref.strideUV, ref.v.data(), ref.strideUV, 640, 360,
                    libyuv::kFilterBox);
  LK_CHECK(samePlanes(half, ref));
  // Same size is a plain copy.
  I420 copy(1280, 720, 3);
  LK_REQUIRE(scaleI420(src.y.data(), src.strideY, static_cast<int>(src.y.size()), src.u.data(), src.strideUV,
                       static_cast<int>(src.u.size()), src.v.data(), src.strideUV, static_cast<int>(src.v.size()), 1280,
                       720, copy.y.data(), copy.strideY, static_cast<int>(copy.y.size()), copy.u.data(), copy.strideUV,
                       static_cast<int>(copy.u.size()), copy.v.data(), copy.strideUV, static_cast<int>(copy.v.size()),
                       1280, 720, kScaleBilinear) == kOk);
  LK_CHECK(samePlanes(copy, src));
  // Packed scaling keeps the channels in place.
  std::vector<uint8_t> rgba(8 * 8 * 4), small(4 * 4 * 4);
  for (size_t i = 0; i < rgba.size(); i += 4) { rgba[i] = 200; rgba[i + 1] = 100; rgba[i + 2] = 50; rgba[i + 3] = 255; }
  LK_REQUIRE(scalePacked(rgba.data(), 32, static_cast<int>(rgba.size()), 8, 8, small.data(), 16,
                         static_cast<int>(small.size()), 4, 4, kScaleBox) == kOk);
  LK_CHECK(small[0] == 200 && small[1] == 100 && small[2] == 50 && small[3] == 255);
}

LK_TEST(convert_rejects_bad_sizes_and_strides) {
  const int w = 64, h = 48;
  std::vector<uint8_t> src(static_cast<size_t>(w) * 4 * h);
  I420 f(w, h);
  LK_CHECK_EQ(toI420(kPixelRGBA, src, w * 4 - 1, w, h, f), kBadArgument);      // stride shorter than a row
  std::vector<uint8_t> shortSrc(src.size() - 1);
  LK_CHECK_EQ(toI420(kPixelRGBA, shortSrc, w * 4, w, h, f), kBufferTooSmall);  // one byte missing
  LK_CHECK_EQ(toI420(7, src, w * 4, w, h, f), kBadArgument);                   // unknown format
  LK_CHECK_EQ(toI420(kPixelRGBA, src, w * 4, 0, h, f), kBadArgument);
  LK_CHECK_EQ(convertToI420(kPixelRGBA, src.data(), w * 4, static_cast<int>(src.size()), w, h, f.y.data(), f.strideY,
                            static_cast<int>(f.y.size()), f.u.data(), f.strideUV, static_cast<int>(f.u.size()) - 1,
                            f.v.data(), f.strideUV, static_cast<int>(f.v.size())),
              kBufferTooSmall);
  LK_CHECK_EQ(convertToI420(kPixelRGBA, src.data(), w * 4, static_cast<int>(src.size()), w, h, f.y.data(), f.strideY,
                            static_cast<int>(f.y.size()), nullptr, f.strideUV, static_cast<int>(f.u.size()),
                            f.v.data(), f.strideUV, static_cast<int>(f.v.size())),
              kBadArgument);
  LK_CHECK_EQ(checkI420(w, h, f.y.data(), f.strideY, static_cast<int>(f.y.size()), f.u.data(), f.strideUV,
                        static_cast<int>(f.u.size()), f.v.data(), f.strideUV, static_cast<int>(f.v.size())),
              kOk);
  LK_CHECK_EQ(checkI420(70000, 1, f.y.data(), 70000, 70000, f.u.data(), 35000, 35000, f.v.data(), 35000, 35000),
              kBadArgument);
}
