#include "lkmedia/resampler.h"

#include <speex/speex_resampler.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lkmedia {

Resampler::Resampler(int channels, int inputRate, int outputRate, int quality)
    : channels_(channels), inputRate_(inputRate), outputRate_(outputRate), quality_(quality) {
  if (channels < 1 || channels > 8) {
    throw std::invalid_argument("resampler channels must be 1..8, got " + std::to_string(channels));
  }
  if (inputRate < 1000 || inputRate > 384000 || outputRate < 1000 || outputRate > 384000) {
    throw std::invalid_argument("resampler rates must be 1000..384000 Hz, got " + std::to_string(inputRate) +
                                " -> " + std::to_string(outputRate));
  }
  if (quality < 0 || quality > 10) {
    throw std::invalid_argument("resampler quality must be 0..10, got " + std::to_string(quality));
  }
  if (inputRate != outputRate) {
    int err = 0;
    st_ = speex_resampler_init(static_cast<spx_uint32_t>(channels), static_cast<spx_uint32_t>(inputRate),
                               static_cast<spx_uint32_t>(outputRate), quality, &err);
    if (st_ == nullptr || err != RESAMPLER_ERR_SUCCESS) {
      throw std::runtime_error(std::string("speex_resampler_init failed: ") + speex_resampler_strerror(err));
    }
  }
}

Resampler::~Resampler() {
  if (st_) speex_resampler_destroy(st_);
}

int Resampler::maxOutputFrames(int inputFrames) const {
  if (inputFrames <= 0) return 0;
  if (st_ == nullptr) return inputFrames;
  const int64_t n = (static_cast<int64_t>(inputFrames) * outputRate_ + inputRate_ - 1) / inputRate_ + 2;
  return n > 0x7fffffff ? 0x7fffffff : static_cast<int>(n);
}

int Resampler::latencyFrames() const { return st_ ? speex_resampler_get_output_latency(st_) : 0; }

int Resampler::reset() {
  if (st_) speex_resampler_reset_mem(st_);
  return kOk;
}

namespace {

template <typename T, typename Fn>
int run(SpeexResamplerState_* st, int channels, const T* in, int inputFrames, T* out, int capacity, Fn fn) {
  int consumed = 0, produced = 0;
  // speexdsp consumes everything when the output has room; loop defensively in case it stops early.
  for (int guard = 0; consumed < inputFrames && guard < 64; guard++) {
    spx_uint32_t inLen = static_cast<spx_uint32_t>(inputFrames - consumed);
    spx_uint32_t outLen = static_cast<spx_uint32_t>(capacity - produced);
    if (outLen == 0) break;
    if (fn(st, in + static_cast<int64_t>(consumed) * channels, &inLen, out + static_cast<int64_t>(produced) * channels,
           &outLen) != RESAMPLER_ERR_SUCCESS) {
      return kInternalError;
    }
    consumed += static_cast<int>(inLen);
    produced += static_cast<int>(outLen);
    if (inLen == 0 && outLen == 0) break;
  }
  return consumed == inputFrames ? produced : kInternalError;
}

}  // namespace

template <typename T, typename Fn>
int Resampler::convert(const T* in, int inputFrames, T* out, int outCapacityFrames, Fn speexProcess) {
  if (inputFrames < 0 || outCapacityFrames < 0 || (inputFrames > 0 && (in == nullptr || out == nullptr))) {
    return kBadArgument;
  }
  if (inputFrames == 0) return 0;
  if (outCapacityFrames < maxOutputFrames(inputFrames)) return kBufferTooSmall;
  if (st_ == nullptr) {
    std::copy_n(in, static_cast<int64_t>(inputFrames) * channels_, out);
    return inputFrames;
  }
  return run(st_, channels_, in, inputFrames, out, outCapacityFrames, speexProcess);
}

int Resampler::process(const int16_t* in, int inputFrames, int16_t* out, int outCapacityFrames) {
  return convert(in, inputFrames, out, outCapacityFrames, speex_resampler_process_interleaved_int);
}

int Resampler::processFloat(const float* in, int inputFrames, float* out, int outCapacityFrames) {
  return convert(in, inputFrames, out, outCapacityFrames, speex_resampler_process_interleaved_float);
}

}  // namespace lkmedia
