// The audio jitter buffer driving the core's Opus decoder (lkmedia::OpusAudioDecoder, opus_codec.h):
// RTP Opus packets in, 10 ms of PCM out, with FEC, concealment, DTX and delay adaptation (see
// audio_jitter_buffer.h). Header-only because it joins the two libraries of the JNI library
// (lkmedia_core and lkbuffers); the Java class io.livekit.agents.media.JitterBuffer uses it.
//
// Threads: not thread-safe; one thread at a time. No allocation after construction.
#ifndef LKMEDIA_OPUS_JITTER_BUFFER_H
#define LKMEDIA_OPUS_JITTER_BUFFER_H

#include <cstdint>
#include <stdexcept>
#include <string>

#include "lkmedia/audio_decoder.h"
#include "lkmedia/audio_jitter_buffer.h"
#include "lkmedia/opus_codec.h"
#include "lkmedia/rtp_packet.h"

namespace lkmedia {

// OpusAudioDecoder behind the AudioDecoder interface.
class OpusJitterDecoder : public AudioDecoder {
 public:
  OpusJitterDecoder(int sampleRate, int channels) : decoder_(sampleRate, channels) {}
  int sampleRate() const override { return decoder_.sampleRate(); }
  int channels() const override { return decoder_.channels(); }
  int packetSamples(const uint8_t* payload, int length) const override {
    const int n = opusPacketSamples(payload, static_cast<size_t>(length), decoder_.sampleRate());
    return n > 0 ? n : kInvalidData;
  }
  bool hasFec(const uint8_t* payload, int length) const override {
    return opusPacketHasFec(payload, static_cast<size_t>(length));
  }
  int decode(const uint8_t* payload, int length, int16_t* pcm, int maxSamples) override {
    if (length <= 0) return kInvalidData;  // an empty packet would mean "lost" to the decoder
    return decoder_.decode(payload, length, pcm, maxSamples);
  }
  int decodeFec(const uint8_t* payload, int length, int16_t* pcm, int samples) override {
    return decoder_.decodeFec(payload, length, pcm, samples);
  }
  int conceal(int16_t* pcm, int samples) override { return decoder_.conceal(pcm, samples); }
  void reset() override { decoder_.resetState(); }

 private:
  OpusAudioDecoder decoder_;
};

class OpusJitterBuffer {
 public:
  // preset: 0 NetEq, 1 low latency. Throws std::invalid_argument naming a bad argument.
  OpusJitterBuffer(int sampleRate, int channels, int preset, int startDelayMs, int minDelayMs, int maxDelayMs,
                   int capacity, bool useFec, bool timeStretch)
      : decoder_(sampleRate, channels),
        buffer_(config(preset, startDelayMs, minDelayMs, maxDelayMs, capacity, useFec, timeStretch), &decoder_) {}

  int pushRtp(const uint8_t* packet, int length, int64_t arrivalNs) { return buffer_.pushRtp(packet, length, arrivalNs); }
  int push(int sequenceNumber, int64_t timestamp, int64_t ssrc, const uint8_t* payload, int length, int64_t arrivalNs) {
    return buffer_.push(static_cast<uint16_t>(sequenceNumber), static_cast<uint32_t>(timestamp),
                        static_cast<uint32_t>(ssrc), payload, length, arrivalNs);
  }
  int pull(int64_t nowNs, int16_t* pcm, int capacitySamples) { return buffer_.pull(nowNs, pcm, capacitySamples); }
  int frameSamples() const { return buffer_.frameSamples(); }
  int targetDelayMs() const { return buffer_.targetDelayMs(); }
  void setMinimumDelay(int ms) { buffer_.setMinimumDelay(ms); }
  void reset() { buffer_.reset(); }
  int getStats(double* out, int capacity) const { return buffer_.getStats(out, capacity); }

 private:
  static AudioJitterBufferConfig config(int preset, int startDelayMs, int minDelayMs, int maxDelayMs, int capacity,
                                        bool useFec, bool timeStretch) {
    if (preset != 0 && preset != 1) throw std::invalid_argument("preset must be 0 (NetEq) or 1 (low latency)");
    if (capacity < 0) throw std::invalid_argument("capacity must be positive, got " + std::to_string(capacity));
    AudioJitterBufferConfig c;
    c.preset = static_cast<DelayPreset>(preset);
    c.startDelayMs = startDelayMs;
    c.minDelayMs = minDelayMs;
    c.maxDelayMs = maxDelayMs;
    c.capacity = static_cast<uint32_t>(capacity);
    c.useFec = useFec;
    c.timeStretch = timeStretch;
    return c;
  }
  OpusJitterDecoder decoder_;
  AudioJitterBuffer buffer_;
};

}  // namespace lkmedia

#endif  // LKMEDIA_OPUS_JITTER_BUFFER_H
