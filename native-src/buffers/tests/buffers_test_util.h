// Helpers shared by the lkbuffers tests: an RTP packet builder, a synthetic decoder whose output
// samples tell which content they carry, a libopus decoder behind the AudioDecoder interface, a
// speech-like test signal and a libopus encoder for it.
#ifndef LKBUFFERS_TEST_UTIL_H
#define LKBUFFERS_TEST_UTIL_H

#include <opus.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

#include "lkmedia/audio_decoder.h"
#include "lkmedia/rtp_packet.h"

namespace lkbt {

constexpr int64_t kMs = 1000000;

// A whole RTP packet (fixed header, optional CSRCs/extension/padding) around `payload`.
inline std::vector<uint8_t> rtp(uint16_t seq, uint32_t ts, uint32_t ssrc, bool marker, const uint8_t* payload,
                                size_t length, uint8_t pt = 111, int csrcs = 0, int extensionWords = -1,
                                int padding = 0) {
  std::vector<uint8_t> p;
  p.push_back(static_cast<uint8_t>(0x80 | (padding > 0 ? 0x20 : 0) | (extensionWords >= 0 ? 0x10 : 0) | csrcs));
  p.push_back(static_cast<uint8_t>((marker ? 0x80 : 0) | pt));
  p.push_back(static_cast<uint8_t>(seq >> 8));
  p.push_back(static_cast<uint8_t>(seq));
  for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<uint8_t>(ts >> s));
  for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<uint8_t>(ssrc >> s));
  for (int c = 0; c < csrcs; ++c) {
    for (int b = 0; b < 4; ++b) p.push_back(static_cast<uint8_t>(0x10 + c));
  }
  if (extensionWords >= 0) {
    p.push_back(0xbe);
    p.push_back(0xde);
    p.push_back(static_cast<uint8_t>(extensionWords >> 8));
    p.push_back(static_cast<uint8_t>(extensionWords));
    for (int w = 0; w < extensionWords * 4; ++w) p.push_back(0xaa);
  }
  p.insert(p.end(), payload, payload + length);
  if (padding > 0) {
    for (int i = 0; i < padding - 1; ++i) p.push_back(0);
    p.push_back(static_cast<uint8_t>(padding));
  }
  return p;
}

// Synthetic codec. A payload is [flags, index (4 bytes), samples (2 bytes)]: content samples
// [index, index + samples) of a stream whose sample n decodes to contentValue(n). Flag bit 0: the
// packet carries FEC for the previous packet (its samples are [index - samples, index)). A payload
// of 1 byte is DTX. Concealment writes kConcealValue, so tests can see exactly what was concealed.
constexpr int16_t kConcealValue = -7;
inline int16_t contentValue(int64_t n) { return static_cast<int16_t>(1 + (n % 20000)); }

inline std::vector<uint8_t> synthPayload(int64_t index, int samples, bool fec) {
  std::vector<uint8_t> p(7);
  p[0] = fec ? 1 : 0;
  for (int b = 0; b < 4; ++b) p[1 + b] = static_cast<uint8_t>(index >> (8 * b));
  p[5] = static_cast<uint8_t>(samples);
  p[6] = static_cast<uint8_t>(samples >> 8);
  return p;
}

class SynthDecoder : public lkmedia::AudioDecoder {
 public:
  explicit SynthDecoder(int rate = 48000, int channels = 1) : rate_(rate), channels_(channels) {}
  int sampleRate() const override { return rate_; }
  int channels() const override { return channels_; }
  int packetSamples(const uint8_t* p, int length) const override {
    if (length == 1) return rate_ / 50;  // DTX: 20 ms
    if (length != 7) return lkmedia::kInvalidData;
    return p[5] | (p[6] << 8);
  }
  bool hasFec(const uint8_t* p, int length) const override { return length == 7 && (p[0] & 1); }
  int decode(const uint8_t* p, int length, int16_t* pcm, int maxSamples) override {
    const int n = packetSamples(p, length);
    if (n <= 0 || n > maxSamples) return lkmedia::kInvalidData;
    ++decoded;
    if (length == 1) {
      std::fill(pcm, pcm + n * channels_, static_cast<int16_t>(0));
      return n;
    }
    int64_t index = 0;
    for (int b = 0; b < 4; ++b) index |= static_cast<int64_t>(p[1 + b]) << (8 * b);
    fill(pcm, index, n);
    return n;
  }
  int decodeFec(const uint8_t* p, int length, int16_t* pcm, int samples) override {
    if (!hasFec(p, length)) return lkmedia::kUnsupported;
    int64_t index = 0;
    for (int b = 0; b < 4; ++b) index |= static_cast<int64_t>(p[1 + b]) << (8 * b);
    ++fecDecoded;
    fill(pcm, index - samples, samples);
    return samples;
  }
  int conceal(int16_t* pcm, int samples) override {
    concealCalls++;
    std::fill(pcm, pcm + samples * channels_, kConcealValue);
    return samples;
  }
  void reset() override { ++resets; }

  int decoded = 0, fecDecoded = 0, concealCalls = 0, resets = 0;

 private:
  void fill(int16_t* pcm, int64_t index, int n) const {
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < channels_; ++c) pcm[i * channels_ + c] = contentValue(index + i);
    }
  }
  int rate_, channels_;
};

// libopus behind the AudioDecoder interface (what the project's OpusDecoder adapter does).
class LibopusDecoder : public lkmedia::AudioDecoder {
 public:
  LibopusDecoder(int rate, int channels) : rate_(rate), channels_(channels) {
    int err = 0;
    dec_ = opus_decoder_create(rate, channels, &err);
    if (err != OPUS_OK) throw std::runtime_error("opus_decoder_create failed");
  }
  ~LibopusDecoder() override { opus_decoder_destroy(dec_); }
  int sampleRate() const override { return rate_; }
  int channels() const override { return channels_; }
  int packetSamples(const uint8_t* p, int length) const override {
    const int n = opus_packet_get_nb_samples(p, length, rate_);
    return n > 0 ? n : lkmedia::kInvalidData;
  }
  bool hasFec(const uint8_t* p, int length) const override {
    return lkmedia::opusPacketHasFec(p, static_cast<size_t>(length));
  }
  int decode(const uint8_t* p, int length, int16_t* pcm, int maxSamples) override {
    const int n = opus_decode(dec_, p, length, pcm, maxSamples, 0);
    return n > 0 ? n : lkmedia::kInvalidData;
  }
  int decodeFec(const uint8_t* p, int length, int16_t* pcm, int samples) override {
    lastFecPayload = p;
    lastFecLength = length;
    ++fecCalls;
    const int n = opus_decode(dec_, p, length, pcm, samples, 1);
    return n == samples ? n : lkmedia::kInvalidData;
  }
  int conceal(int16_t* pcm, int samples) override {
    const int n = opus_decode(dec_, nullptr, 0, pcm, samples, 0);
    return n == samples ? n : lkmedia::kInvalidData;
  }
  void reset() override { opus_decoder_ctl(dec_, OPUS_RESET_STATE); }

  const uint8_t* lastFecPayload = nullptr;
  int lastFecLength = 0;
  int fecCalls = 0;

 private:
  OpusDecoder* dec_ = nullptr;
  int rate_, channels_;
};

// Speech-like test signal at `rate`: a glottal pulse train (pitch gliding 95..230 Hz with jitter)
// through three formant resonators that glide to a new vowel every syllable (120..260 ms), shaped
// by a syllabic envelope that dips by about 9 dB between syllables, with a 60 ms breath pause every
// 3 s, plus a little aspiration noise. Deterministic for a seed. With `withPauses`, about 15 % of
// the syllables are silent as well.
inline std::vector<int16_t> speechLike(int rate, double seconds, uint32_t seed, bool withPauses = false) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const size_t n = static_cast<size_t>(rate * seconds);
  std::vector<int16_t> out(n);
  static const double kVowels[6][3] = {{730, 1090, 2440}, {270, 2290, 3010}, {530, 1840, 2480},
                                       {570, 840, 2410},  {300, 870, 2240},  {660, 1720, 2410}};
  double phase = 0;
  double y1[3] = {0, 0, 0}, y2[3] = {0, 0, 0};
  int vowel = 0, previousVowel = 0;
  size_t syllableLength = 1, syllablePos = 1;
  double f0 = 140, f0Target = 140, peak = 0.8;
  bool pause = false;
  for (size_t i = 0; i < n; ++i) {
    if (syllablePos >= syllableLength) {
      syllableLength = static_cast<size_t>(rate * (0.12 + 0.14 * u(rng)));
      syllablePos = 0;
      previousVowel = vowel;
      vowel = static_cast<int>(u(rng) * 6) % 6;
      f0Target = 95 + 135 * u(rng);
      peak = 0.4 + 0.6 * u(rng);
      pause = withPauses && u(rng) < 0.15;
    }
    const double x = static_cast<double>(syllablePos++) / static_cast<double>(syllableLength);
    // Syllable: 15 % attack, sustain, 15 % release, down to -9 dB between syllables; a 60 ms
    // breath pause every 3 s (speech pauses keep an encoder's voice activity detector calibrated).
    const double edge = x < 0.15 ? x / 0.15 : (x > 0.85 ? (1.0 - x) / 0.15 : 1.0);
    const double shape = 0.5 - 0.5 * std::cos(M_PI * edge);
    const bool breath = (i % static_cast<size_t>(rate * 3)) < static_cast<size_t>(rate * 0.06);
    const double env = (pause || breath) ? 0.0 : 0.35 * peak + 0.65 * peak * shape;
    f0 += (f0Target - f0) * (30.0 / rate);
    phase += f0 * (1.0 + 0.01 * (u(rng) - 0.5)) / rate;
    double excitation = 0;
    if (phase >= 1.0) {
      phase -= 1.0;
      excitation = 1.0;
    }
    excitation += 0.02 * (u(rng) - 0.5);
    double sample = 0;
    // Formants glide from the previous vowel over the syllable, with a slow wobble: speech is
    // never stationary for long.
    const double glide = x < 0.6 ? x / 0.6 : 1.0;
    const double wobble = 1.0 + 0.04 * std::sin(2 * M_PI * 5.0 * static_cast<double>(i) / rate);
    for (int f = 0; f < 3; ++f) {
      const double freq =
          (kVowels[previousVowel][f] + (kVowels[vowel][f] - kVowels[previousVowel][f]) * glide) * wobble;
      const double bw = 60.0 + 40.0 * f;
      const double r = std::exp(-M_PI * bw / rate);
      const double a1 = 2 * r * std::cos(2 * M_PI * freq / rate);
      const double a2 = -r * r;
      const double y = excitation * (1 - r) * 4 + a1 * y1[f] + a2 * y2[f];
      y2[f] = y1[f];
      y1[f] = y;
      sample += y / (f + 1);
    }
    double v = sample * env * 40000.0;
    if (v > 32000) v = 32000;
    if (v < -32000) v = -32000;
    out[i] = static_cast<int16_t>(v);
  }
  return out;
}

struct EncodedPacket {
  std::vector<uint8_t> data;
  uint32_t timestamp;  // 48 kHz RTP units
};

// Encodes `pcm` (mono, 48 kHz) in 20 ms packets like libwebrtc's voice settings.
inline std::vector<EncodedPacket> opusEncode(const std::vector<int16_t>& pcm, int bitrate, bool fec, int lossPercent,
                                             bool dtx = false) {
  int err = 0;
  OpusEncoder* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK) throw std::runtime_error("opus_encoder_create failed");
  opus_encoder_ctl(enc, OPUS_SET_BITRATE(bitrate));
  opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(9));
  opus_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(fec ? 1 : 0));
  opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(lossPercent));
  opus_encoder_ctl(enc, OPUS_SET_DTX(dtx ? 1 : 0));
  std::vector<EncodedPacket> out;
  uint8_t buf[1500];
  for (size_t i = 0; i + 960 <= pcm.size(); i += 960) {
    const int n = opus_encode(enc, pcm.data() + i, 960, buf, sizeof buf);
    if (n < 0) throw std::runtime_error("opus_encode failed");
    out.push_back({std::vector<uint8_t>(buf, buf + n), static_cast<uint32_t>(i)});
  }
  opus_encoder_destroy(enc);
  return out;
}

}  // namespace lkbt

#endif  // LKBUFFERS_TEST_UTIL_H
