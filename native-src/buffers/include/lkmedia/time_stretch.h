// Time-scale modification of decoded PCM without changing pitch, used by the audio jitter buffer to
// shrink (accelerate) or grow (preemptive expand) its delay by one pitch period at a time
// (WSOLA-style: find the period with the best normalised correlation, overlap-add across it).
// Only applied where it is inaudible: voiced audio with a strong period match, or low-energy audio.
#ifndef LKMEDIA_TIME_STRETCH_H
#define LKMEDIA_TIME_STRETCH_H

#include <cstdint>

namespace lkmedia {

struct PeriodMatch {
  int period = 0;           // in frames (samples per channel); 0 when none was searched
  float correlation = 0.f;  // normalised, in [-1, 1]
};

// Searches periods in [minPeriod, maxPeriod] frames comparing x[0, p) with x[p, 2p) on the channel
// mix (a coarse search on a decimated copy, then a fine search around the best). Needs
// frames >= 2 * minPeriod; maxPeriod is clamped to frames / 2. `scratch` needs frames floats.
PeriodMatch findPitchPeriod(const int16_t* x, int frames, int channels, int minPeriod, int maxPeriod,
                            int decimation, float* scratch);

// Removes `period` frames from x (length `frames`) by overlap-adding x[0, p) with x[p, 2p);
// needs frames >= 2 * period. Returns the new length.
int removePeriod(int16_t* x, int frames, int channels, int period);

// Inserts `period` frames into x: x[0, p), then x[p, 2p) cross-faded into x[0, p), then x[p, ...).
// Needs frames >= 2 * period and room for frames + period. Returns the new length.
int insertPeriod(int16_t* x, int frames, int channels, int period);

// Energy of the samples in dB relative to full scale (a full-scale square wave is 0 dBFS);
// -200 for silence.
double energyDbfs(const int16_t* x, int samples);

}  // namespace lkmedia

#endif  // LKMEDIA_TIME_STRETCH_H
