// Deterministic benchmark inputs, computed with integer arithmetic only so that the JMH benchmarks
// (benchmarks/.../media/BenchInputs.java) produce the very same samples and pixels. Both print an
// FNV-1a checksum of what they generated; the figures are only comparable when the checksums match.
#ifndef LK_BENCH_INPUTS_H
#define LK_BENCH_INPUTS_H

#include <algorithm>
#include <cstdint>
#include <vector>

namespace lkbench {

inline uint32_t lcg(uint32_t& seed) {
  seed = seed * 1664525u + 1013904223u;
  return seed;
}

// Voice-like 48 kHz PCM, interleaved: triangle pulses of a pitch that changes per 250 ms syllable,
// a rise-and-fall envelope per syllable, and a little noise.
inline std::vector<int16_t> voice(int channels, int frames) {
  std::vector<int16_t> out(static_cast<size_t>(frames) * channels);
  uint32_t seed = 12345;
  for (int i = 0; i < frames; i++) {
    const int syl = i / 12000, pos = i % 12000;
    const int env = pos < 6000 ? pos * 1024 / 6000 : (12000 - pos) * 1024 / 6000;
    for (int c = 0; c < channels; c++) {
      const int period = 160 + (syl * 37 + c * 11) % 160;
      const int phase = (i + c * 13) % period;
      const int tri = (phase < period / 2 ? phase : period - phase) * 4096 / period - 1024;
      const int noise = static_cast<int>((lcg(seed) >> 16) & 0x3FF) - 512;
      const int v = tri * env / 128 + noise;
      out[static_cast<size_t>(i) * channels + c] = static_cast<int16_t>(std::max(-32768, std::min(32767, v)));
    }
  }
  return out;
}

// I420 picture `k` of a clip: gradient and checker background, a textured disc moving sideways, +-4 noise.
inline void picture(int k, int w, int h, uint8_t* y, uint8_t* u, uint8_t* v) {
  uint32_t seed = 777u + static_cast<uint32_t>(k);
  const int cx = w / 2 + (k * 3) % (w / 4) - w / 8, cy = h / 2, r = std::min(w, h) * 3 / 10;
  for (int row = 0; row < h; row++) {
    for (int col = 0; col < w; col++) {
      int lum = 60 + 100 * col / w + 30 * row / h + ((((col >> 5) + (row >> 5)) & 1) ? 12 : 0);
      const int dx = col - cx, dy = row - cy;
      if (dx * dx + dy * dy < r * r) lum = 150 + (col * 7 + row * 5 + k * 2) % 50;
      lum += static_cast<int>((lcg(seed) >> 16) % 9) - 4;
      y[row * w + col] = static_cast<uint8_t>(std::max(0, std::min(255, lum)));
    }
  }
  const int cw = (w + 1) / 2, ch = (h + 1) / 2;
  for (int row = 0; row < ch; row++) {
    for (int col = 0; col < cw; col++) {
      u[row * cw + col] = static_cast<uint8_t>(110 + 20 * col / cw);
      v[row * cw + col] = static_cast<uint8_t>(150 - 15 * row / ch);
    }
  }
}

// RGBA bytes (R, G, B, A) of picture `k`.
inline void rgba(int k, int w, int h, uint8_t* out) {
  for (int row = 0; row < h; row++) {
    for (int col = 0; col < w; col++) {
      uint8_t* p = out + (static_cast<size_t>(row) * w + col) * 4;
      p[0] = static_cast<uint8_t>(col * 255 / w);
      p[1] = static_cast<uint8_t>(row * 255 / h);
      p[2] = static_cast<uint8_t>((col + row + k) & 255);
      p[3] = 255;
    }
  }
}

inline uint64_t fnv1a(const uint8_t* p, size_t n, uint64_t h = 0xcbf29ce484222325ull) {
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace lkbench

#endif  // LK_BENCH_INPUTS_H
