// Streaming PCM sample-rate converter (the speexdsp resampler), interleaved int16 or float.
//
// Threads: an instance is not thread-safe; use it from one thread at a time.
#ifndef LKMEDIA_RESAMPLER_H
#define LKMEDIA_RESAMPLER_H

#include <cstdint>

#include "lkmedia/status.h"

struct SpeexResamplerState_;

namespace lkmedia {

class Resampler {
 public:
  // channels 1..8, rates 1000..384000 Hz, quality 0..10 (speexdsp: 3 = VoIP, 5 = desktop, the default
  // recommended by media-core.md §6.2). Equal rates pass samples through unchanged.
  // Throws std::invalid_argument / std::runtime_error.
  Resampler(int channels, int inputRate, int outputRate, int quality);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Converts all inputFrames frames (samples per channel) of `in`. Returns the frames written to `out`,
  // kBufferTooSmall (nothing consumed) if outCapacityFrames < maxOutputFrames(inputFrames), or
  // kBadArgument.
  int process(const int16_t* in, int inputFrames, int16_t* out, int outCapacityFrames);
  int processFloat(const float* in, int inputFrames, float* out, int outCapacityFrames);

  // Upper bound of the frames one process() call can return for inputFrames frames.
  int maxOutputFrames(int inputFrames) const;
  // Delay through the filter, in output frames.
  int latencyFrames() const;
  // Forgets buffered samples (start of a new stream).
  int reset();

  int channels() const { return channels_; }
  int inputRate() const { return inputRate_; }
  int outputRate() const { return outputRate_; }
  int quality() const { return quality_; }

 private:
  template <typename T, typename Fn>
  int convert(const T* in, int inputFrames, T* out, int outCapacityFrames, Fn speexProcess);

  SpeexResamplerState_* st_ = nullptr;
  int channels_, inputRate_, outputRate_, quality_;
};

}  // namespace lkmedia

#endif  // LKMEDIA_RESAMPLER_H
