// Deterministic test signals and quality measures shared by the native tests and lkmedia_bench.
#ifndef LK_TEST_SIGNALS_H
#define LK_TEST_SIGNALS_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace lktest {

constexpr double kPi = 3.14159265358979323846;

inline int16_t clip16(double v) {
  return static_cast<int16_t>(std::lround(std::max(-32768.0, std::min(32767.0, v))));
}

// Speech-like mono signal: syllables of a glottal pulse train (Rosenberg pulses, pitch gliding
// 90-230 Hz) through three formant resonators, unvoiced noise bursts, and short pauses with faint
// background noise; each syllable is normalised to a speech-like level (RMS 1500-5000). Not speech,
// but it exercises SILK/hybrid modes, DTX and FEC the way speech does.
inline std::vector<int16_t> speechLike(int sampleRate, double seconds, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  const size_t total = static_cast<size_t>(seconds * sampleRate);
  std::vector<int16_t> out;
  out.reserve(total);
  struct Res { double b1 = 0, b2 = 0, y1 = 0, y2 = 0; };
  Res f[3];
  double phase = 0;
  std::vector<double> seg;
  while (out.size() < total) {
    const int kind = static_cast<int>(u(rng) * 10);  // 0-6 voiced, 7 unvoiced, 8-9 pause
    const size_t len = static_cast<size_t>((0.08 + 0.22 * u(rng)) * sampleRate);
    if (kind >= 8) {
      for (size_t i = 0; i < len && out.size() < total; i++) out.push_back(clip16(20 * noise(rng)));
      continue;
    }
    const double f0a = 90 + 140 * u(rng), f0b = 90 + 140 * u(rng);
    const double formants[3] = {300 + 600 * u(rng), 900 + 1400 * u(rng), 2200 + 1000 * u(rng)};
    for (int k = 0; k < 3; k++) {
      const double rr = std::exp(-kPi * (80 + 60 * k) / sampleRate);
      f[k].b1 = 2 * rr * std::cos(2 * kPi * formants[k] / sampleRate);
      f[k].b2 = -rr * rr;
    }
    seg.assign(len, 0.0);
    double energy = 0;
    for (size_t i = 0; i < len; i++) {
      const double t = static_cast<double>(i) / len;
      double x;
      if (kind <= 6) {
        phase += (f0a + (f0b - f0a) * t) / sampleRate;
        if (phase >= 1.0) phase -= 1.0;
        if (phase < 0.4) {
          x = 0.5 * (1 - std::cos(kPi * phase / 0.4));
        } else if (phase < 0.56) {
          x = std::cos(kPi * (phase - 0.4) / 0.32);
        } else {
          x = 0;
        }
        x = x - 0.3 + 0.01 * noise(rng);
      } else {
        x = noise(rng);
      }
      double y = x;
      for (auto& r : f) {
        const double v = y + r.b1 * r.y1 + r.b2 * r.y2;
        r.y2 = r.y1;
        r.y1 = v;
        y = v;
      }
      seg[i] = y * std::sin(kPi * t);
      energy += seg[i] * seg[i];
    }
    const double target = kind <= 6 ? 1500 + 3500 * u(rng) : 600 + 600 * u(rng);
    const double gain = energy > 0 ? target / std::sqrt(energy / len) : 0.0;
    for (size_t i = 0; i < len && out.size() < total; i++) out.push_back(clip16(gain * seg[i]));
  }
  return out;
}

// A chord of a few harmonic tones with slow vibrato (music-like), interleaved for `channels`.
inline std::vector<int16_t> musicLike(int sampleRate, int channels, double seconds) {
  const size_t frames = static_cast<size_t>(seconds * sampleRate);
  std::vector<int16_t> out(frames * channels);
  const double notes[3] = {220.0, 277.18, 329.63};
  for (size_t i = 0; i < frames; i++) {
    const double t = static_cast<double>(i) / sampleRate;
    for (int c = 0; c < channels; c++) {
      double v = 0;
      for (int n = 0; n < 3; n++) {
        const double f = notes[n] * (1 + 0.003 * std::sin(2 * kPi * 5 * t)) * (c == 1 ? 1.002 : 1.0);
        for (int h = 1; h <= 4; h++) v += std::sin(2 * kPi * f * h * t + n + c) / (h * 1.5);
      }
      out[i * channels + c] = clip16(3000 * v);
    }
  }
  return out;
}

inline std::vector<int16_t> sine(int sampleRate, int channels, double freq, double seconds, double amplitude) {
  const size_t frames = static_cast<size_t>(seconds * sampleRate);
  std::vector<int16_t> out(frames * channels);
  for (size_t i = 0; i < frames; i++) {
    const int16_t v = clip16(amplitude * std::sin(2 * kPi * freq * static_cast<double>(i) / sampleRate));
    for (int c = 0; c < channels; c++) out[i * channels + c] = v;
  }
  return out;
}

// Signal-to-noise ratio of `test` against `ref` in dB over n samples starting at the given offsets.
inline double snrDb(const int16_t* ref, const int16_t* test, size_t n) {
  double s = 0, e = 0;
  for (size_t i = 0; i < n; i++) {
    const double r = ref[i], d = static_cast<double>(test[i]) - r;
    s += r * r;
    e += d * d;
  }
  if (e == 0) return 200.0;
  return 10 * std::log10(s / e);
}

// Best SNR over delays 0..maxDelay samples (test delayed relative to ref), interleaved channels.
inline double alignedSnrDb(const std::vector<int16_t>& ref, const std::vector<int16_t>& test, int channels,
                           int maxDelay, int* bestDelay = nullptr) {
  double best = -1e9;
  for (int d = 0; d <= maxDelay; d++) {
    const size_t off = static_cast<size_t>(d) * channels;
    if (test.size() <= off) break;
    const size_t n = std::min(ref.size(), test.size() - off);
    const double snr = snrDb(ref.data(), test.data() + off, n);
    if (snr > best) {
      best = snr;
      if (bestDelay) *bestDelay = d;
    }
  }
  return best;
}

inline double rms(const int16_t* x, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += static_cast<double>(x[i]) * x[i];
  return n ? std::sqrt(s / n) : 0.0;
}

// Amplitude of frequency `freq` in x (single-bin DFT, Hann window), relative to full scale.
inline double toneAmplitude(const int16_t* x, size_t n, int channels, int channel, double freq, int sampleRate) {
  double re = 0, im = 0, wsum = 0;
  for (size_t i = 0; i < n; i++) {
    const double w = 0.5 - 0.5 * std::cos(2 * kPi * i / (n - 1));
    const double v = x[i * channels + channel];
    re += w * v * std::cos(2 * kPi * freq * i / sampleRate);
    im -= w * v * std::sin(2 * kPi * freq * i / sampleRate);
    wsum += w;
  }
  return 2 * std::sqrt(re * re + im * im) / wsum / 32768.0;
}

}  // namespace lktest

#endif  // LK_TEST_SIGNALS_H
