#include "lkmedia/time_stretch.h"

#include <cmath>
#include <cstring>

namespace lkmedia {

namespace {
inline int16_t clamp16(float v) {
  if (v > 32767.f) return 32767;
  if (v < -32768.f) return -32768;
  return static_cast<int16_t>(std::lrint(v));
}

// Normalised correlation of a[0, n) and b[0, n), with stride.
float correlate(const float* a, const float* b, int n) {
  double ab = 0, aa = 0, bb = 0;
  for (int i = 0; i < n; ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  if (aa <= 0 || bb <= 0) return 0.f;
  return static_cast<float>(ab / std::sqrt(aa * bb));
}
}  // namespace

PeriodMatch findPitchPeriod(const int16_t* x, int frames, int channels, int minPeriod, int maxPeriod,
                            int decimation, float* scratch) {
  PeriodMatch best;
  if (x == nullptr || scratch == nullptr || channels < 1 || minPeriod < 1) return best;
  if (maxPeriod > frames / 2) maxPeriod = frames / 2;
  if (maxPeriod < minPeriod) return best;
  if (decimation < 1) decimation = 1;
  // Channel mix, full rate.
  for (int i = 0; i < frames; ++i) {
    float s = 0;
    for (int c = 0; c < channels; ++c) s += x[i * channels + c];
    scratch[i] = s / static_cast<float>(channels);
  }
  // Coarse search on a decimated copy (box-filtered), stored after the full-rate mix would need
  // more scratch; instead the coarse search reads every `decimation`-th averaged sample in place.
  int coarseBest = minPeriod;
  float coarseCorr = -2.f;
  if (decimation > 1) {
    const int df = frames / decimation;
    // Average into the front of scratch in place: scratch[k] = mean(scratch[k*d .. k*d+d)).
    // Safe because k <= k*d.
    for (int k = 0; k < df; ++k) {
      float s = 0;
      for (int j = 0; j < decimation; ++j) s += scratch[k * decimation + j];
      scratch[k] = s / static_cast<float>(decimation);
    }
    const int minP = (minPeriod + decimation - 1) / decimation;
    const int maxP = maxPeriod / decimation;
    for (int p = minP; p <= maxP; ++p) {
      if (2 * p > df) break;
      const float c = correlate(scratch, scratch + p, p);
      if (c > coarseCorr) {
        coarseCorr = c;
        coarseBest = p * decimation;
      }
    }
    // Rebuild the full-rate mix for the fine search.
    for (int i = 0; i < frames; ++i) {
      float s = 0;
      for (int c = 0; c < channels; ++c) s += x[i * channels + c];
      scratch[i] = s / static_cast<float>(channels);
    }
  }
  int lo = minPeriod, hi = maxPeriod;
  if (decimation > 1) {
    lo = coarseBest - decimation;
    hi = coarseBest + decimation;
    if (lo < minPeriod) lo = minPeriod;
    if (hi > maxPeriod) hi = maxPeriod;
  }
  best.correlation = -2.f;
  for (int p = lo; p <= hi; ++p) {
    const float c = correlate(scratch, scratch + p, p);
    if (c > best.correlation) {
      best.correlation = c;
      best.period = p;
    }
  }
  if (best.period == 0) best.correlation = 0.f;
  return best;
}

int removePeriod(int16_t* x, int frames, int channels, int period) {
  if (period <= 0 || frames < 2 * period) return frames;
  for (int i = 0; i < period; ++i) {
    const float w = (static_cast<float>(i) + 0.5f) / static_cast<float>(period);  // fade-in weight of x[p + i]
    for (int c = 0; c < channels; ++c) {
      const float a = x[i * channels + c];
      const float b = x[(period + i) * channels + c];
      x[i * channels + c] = clamp16(a * (1.f - w) + b * w);
    }
  }
  std::memmove(x + period * channels, x + 2 * period * channels,
               static_cast<size_t>(frames - 2 * period) * channels * sizeof(int16_t));
  return frames - period;
}

int insertPeriod(int16_t* x, int frames, int channels, int period) {
  if (period <= 0 || frames < 2 * period) return frames;
  // Make room: x[p, frames) moves to x[2p, frames + p).
  std::memmove(x + 2 * period * channels, x + period * channels,
               static_cast<size_t>(frames - period) * channels * sizeof(int16_t));
  // Now x[2p, 3p) holds the original x[p, 2p). Fill x[p, 2p) with original x[p, 2p) (fading out)
  // cross-faded into x[0, p) (fading in).
  for (int i = 0; i < period; ++i) {
    const float w = (static_cast<float>(i) + 0.5f) / static_cast<float>(period);
    for (int c = 0; c < channels; ++c) {
      const float orig = x[(2 * period + i) * channels + c];
      const float head = x[i * channels + c];
      x[(period + i) * channels + c] = clamp16(orig * (1.f - w) + head * w);
    }
  }
  return frames + period;
}

double energyDbfs(const int16_t* x, int samples) {
  if (x == nullptr || samples <= 0) return -200.0;
  double sum = 0;
  for (int i = 0; i < samples; ++i) sum += static_cast<double>(x[i]) * x[i];
  const double mean = sum / samples;
  if (mean <= 0) return -200.0;
  return 10.0 * std::log10(mean / (32768.0 * 32768.0));
}

}  // namespace lkmedia
