// Synthetic "talking head" I420 pictures and PSNR, shared by the native tests and lkmedia_bench.
#ifndef LK_TEST_VIDEO_H
#define LK_TEST_VIDEO_H

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace lktest {

struct I420 {
  int width = 0, height = 0, strideY = 0, strideUV = 0;
  std::vector<uint8_t> y, u, v;
  I420() = default;
  I420(int w, int h, int padding = 0)
      : width(w), height(h), strideY(w + padding), strideUV((w + 1) / 2 + padding),
        y(static_cast<size_t>(strideY) * h), u(static_cast<size_t>(strideUV) * ((h + 1) / 2)),
        v(static_cast<size_t>(strideUV) * ((h + 1) / 2)) {}
  int chromaWidth() const { return (width + 1) / 2; }
  int chromaHeight() const { return (height + 1) / 2; }
};

// Frame `index` of a talking-head clip: gradient + checker background, a textured ellipse (the head)
// drifting slowly, a mouth opening and closing at ~3 Hz, and optionally +-noise uniform sensor noise.
inline void talkingHead(I420& f, int index, int noise = 0, uint32_t seed = 9) {
  const int w = f.width, h = f.height;
  const double t = index / 30.0;
  const double cx = w * (0.5 + 0.05 * std::sin(t * 0.7)), cy = h * (0.45 + 0.03 * std::sin(t * 1.1));
  const double rx = w * 0.18, ry = h * 0.3;
  const double mouthOpen = 0.5 + 0.5 * std::sin(t * 2 * 3.14159265 * 3);
  std::mt19937 rng(seed + static_cast<uint32_t>(index) * 7919u);
  std::uniform_int_distribution<int> n(-noise, noise);
  std::vector<double> sx(static_cast<size_t>(w)), cy17(static_cast<size_t>(h));
  for (int xx = 0; xx < w; xx++) sx[static_cast<size_t>(xx)] = std::sin(xx * 0.21);
  for (int yy = 0; yy < h; yy++) cy17[static_cast<size_t>(yy)] = std::cos(yy * 0.17);
  for (int yy = 0; yy < h; yy++) {
    for (int xx = 0; xx < w; xx++) {
      double lum = 60 + 100.0 * xx / w + 30.0 * yy / h;
      if (((xx / 32) + (yy / 32)) % 2 == 0) lum += 12;
      const double dx = (xx - cx) / rx, dy = (yy - cy) / ry;
      const double d = dx * dx + dy * dy;
      if (d < 1.0) {
        lum = 150 + 25 * sx[static_cast<size_t>(xx)] * cy17[static_cast<size_t>(yy)] - 30 * d;
        const double mx = (xx - cx) / (rx * 0.4), my = (yy - (cy + ry * 0.45)) / (ry * 0.12 * (0.2 + mouthOpen));
        if (mx * mx + my * my < 1.0) lum = 40;
        const double ex = std::fabs(xx - cx) - rx * 0.4, ey = yy - (cy - ry * 0.25);
        if (ex * ex + ey * ey < (rx * 0.08) * (rx * 0.08)) lum = 30;
      }
      int v = static_cast<int>(lum) + (noise ? n(rng) : 0);
      f.y[static_cast<size_t>(yy) * f.strideY + xx] = static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }
  for (int yy = 0; yy < f.chromaHeight(); yy++) {
    for (int xx = 0; xx < f.chromaWidth(); xx++) {
      const double dx = (2 * xx - cx) / rx, dy = (2 * yy - cy) / ry;
      const bool head = dx * dx + dy * dy < 1.0;
      int uu = head ? 110 : 128 + static_cast<int>(20.0 * xx / f.chromaWidth());
      int vv = head ? 150 : 128 - static_cast<int>(15.0 * yy / f.chromaHeight());
      if (noise) {
        uu += n(rng) / 2;
        vv += n(rng) / 2;
      }
      f.u[static_cast<size_t>(yy) * f.strideUV + xx] = static_cast<uint8_t>(uu);
      f.v[static_cast<size_t>(yy) * f.strideUV + xx] = static_cast<uint8_t>(vv);
    }
  }
}

// Y-plane PSNR in dB.
inline double psnrY(const uint8_t* a, int strideA, const uint8_t* b, int strideB, int width, int height) {
  double se = 0;
  for (int y = 0; y < height; y++) {
    for (int x = 0; x < width; x++) {
      const double d = static_cast<double>(a[static_cast<size_t>(y) * strideA + x]) - b[static_cast<size_t>(y) * strideB + x];
      se += d * d;
    }
  }
  if (se == 0) return 99.0;
  const double mse = se / (static_cast<double>(width) * height);
  return 10 * std::log10(255.0 * 255.0 / mse);
}

}  // namespace lktest

#endif  // LK_TEST_VIDEO_H
