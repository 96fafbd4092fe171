// Opus encoder and decoder (libopus), plus inspection of untrusted Opus packets.
//
// Thin, allocation-free wrappers: the settings an agent should use (media-core.md §2) are applied by
// the Java builder through the setters, so that the C++ classes stay one-to-one with libopus and can
// be compared byte for byte against direct libopus calls.
//
// Threads: an instance is not thread-safe; use it from one thread at a time. Distinct instances are
// independent. The packet functions are thread-safe.
#ifndef LKMEDIA_OPUS_CODEC_H
#define LKMEDIA_OPUS_CODEC_H

#include <cstdint>

#include "lkmedia/status.h"

struct OpusEncoder;  // libopus
struct OpusDecoder;  // libopus

namespace lkmedia {

// Values are libopus's own constants, so they can be passed straight through.
enum OpusApplication : int { kOpusVoip = 2048, kOpusAudio = 2049, kOpusRestrictedLowDelay = 2051 };
enum OpusSignal : int { kOpusSignalAuto = -1000, kOpusSignalVoice = 3001, kOpusSignalMusic = 3002 };
enum OpusBandwidth : int {
  kOpusBandwidthAuto = -1000,
  kOpusNarrowband = 1101,      // 4 kHz
  kOpusMediumband = 1102,      // 6 kHz
  kOpusWideband = 1103,        // 8 kHz
  kOpusSuperwideband = 1104,   // 12 kHz
  kOpusFullband = 1105,        // 20 kHz
};
constexpr int kOpusBitrateAuto = -1000;
constexpr int kOpusBitrateMax = -1;
// Largest packet libopus produces for one frame (RFC 6716 limit per frame is 1275 bytes; a 120 ms
// packet of six 20 ms frames needs at most 6 * 1275 + 7 header bytes).
constexpr int kOpusMaxPacketBytes = 7657;

// True when the sample rate is one libopus accepts: 8, 12, 16, 24 or 48 kHz.
bool opusValidSampleRate(int sampleRate);
// True when frameSize (samples per channel) is 2.5, 5, 10, 20, 40, 60, 80, 100 or 120 ms at sampleRate.
bool opusValidFrameSize(int sampleRate, int frameSize);

class OpusAudioEncoder {
 public:
  // Throws std::invalid_argument for an unsupported rate, channel count (1 or 2) or application,
  // std::runtime_error if libopus fails.
  OpusAudioEncoder(int sampleRate, int channels, int application);
  ~OpusAudioEncoder();
  OpusAudioEncoder(const OpusAudioEncoder&) = delete;
  OpusAudioEncoder& operator=(const OpusAudioEncoder&) = delete;

  // Encodes one frame of interleaved PCM (frameSize samples per channel, a valid Opus frame size)
  // into out. Returns the packet length in bytes (1..capacity), or kBadArgument / kBufferTooSmall /
  // kInternalError. A packet of 1-2 bytes is a DTX frame (see inDtx()).
  int encode(const int16_t* pcm, int frameSize, uint8_t* out, int capacity);
  int encodeFloat(const float* pcm, int frameSize, uint8_t* out, int capacity);

  // Settings; each returns kOk or kBadArgument. Ranges as in libopus.
  int setBitrate(int bitsPerSecond);        // 500..512000, kOpusBitrateAuto or kOpusBitrateMax
  int setComplexity(int complexity);        // 0..10
  int setInbandFec(int mode);               // 0 off, 1 on (may force SILK), 2 on without forcing SILK
  int setPacketLossPercent(int percent);    // 0..100, the expected loss the FEC is sized for
  int setDtx(bool enabled);
  int setVbr(bool enabled);
  int setVbrConstraint(bool constrained);
  int setSignal(int signal);                // OpusSignal
  int setMaxBandwidth(int bandwidth);       // kOpusNarrowband..kOpusFullband
  int setBandwidth(int bandwidth);          // OpusBandwidth, kOpusBandwidthAuto to let libopus choose
  int setForceChannels(int channels);       // -1000 (auto), 1 or 2
  int resetState();

  int bitrate() const;
  int complexity() const;
  int lookahead() const;                    // samples per channel at the encoder's rate
  bool inDtx() const;                       // the last frame was encoded as DTX
  uint32_t finalRange() const;              // range coder state after the last frame (bit-exactness checks)
  int sampleRate() const { return sampleRate_; }
  int channels() const { return channels_; }

 private:
  ::OpusEncoder* enc_ = nullptr;
  int sampleRate_;
  int channels_;
};

class OpusAudioDecoder {
 public:
  // Throws std::invalid_argument for an unsupported rate or channel count, std::runtime_error if
  // libopus fails.
  OpusAudioDecoder(int sampleRate, int channels);
  ~OpusAudioDecoder();
  OpusAudioDecoder(const OpusAudioDecoder&) = delete;
  OpusAudioDecoder& operator=(const OpusAudioDecoder&) = delete;

  // Decodes one packet into pcm (interleaved, room for capacityFrames samples per channel).
  // Returns the samples per channel written, kInvalidData for a corrupt packet, kBufferTooSmall when
  // the packet holds more audio than capacityFrames, kBadArgument.
  // packet == nullptr or length 0 means "this packet was lost": the decoder conceals (PLC) one
  // packet's worth of audio (the duration of the last packet, 20 ms before the first one).
  int decode(const uint8_t* packet, int length, int16_t* pcm, int capacityFrames);
  int decodeFloat(const uint8_t* packet, int length, float* pcm, int capacityFrames);

  // Recovers the packet *before* this one from its in-band FEC (LBRR) copy: frameSize must be exactly
  // the missing duration (a multiple of 2.5 ms). Without LBRR data libopus conceals instead.
  // Returns frameSize or a negative status. Decode the packet itself normally afterwards.
  int decodeFec(const uint8_t* packet, int length, int16_t* pcm, int frameSize);

  // Packet-loss concealment of exactly frameSize samples per channel (a multiple of 2.5 ms).
  int conceal(int16_t* pcm, int frameSize);

  int lastPacketDuration() const;           // samples per channel of the last packet (or concealment)
  int setGain(int q8dB);                    // output gain in 1/256 dB, -32768..32767
  int resetState();
  uint32_t finalRange() const;
  int sampleRate() const { return sampleRate_; }
  int channels() const { return channels_; }

 private:
  int plcSize(int capacityFrames) const;
  ::OpusDecoder* dec_ = nullptr;
  int sampleRate_;
  int channels_;
};

// ---- inspection of untrusted packets (no decoder state needed) ----
// Samples per channel the packet decodes to at sampleRate, or kInvalidData / kBadArgument.
int opusPacketSamples(const uint8_t* packet, int length, int sampleRate);
// Number of frames in the packet (1..48), or kInvalidData.
int opusPacketFrames(const uint8_t* packet, int length);
// Channels coded in the packet (1 or 2), or kInvalidData.
int opusPacketChannels(const uint8_t* packet, int length);
// OpusBandwidth of the packet, or kInvalidData.
int opusPacketBandwidth(const uint8_t* packet, int length);
// 1 when the packet carries in-band FEC (LBRR) for the previous frame, 0 when not, or kInvalidData.
int opusPacketHasFec(const uint8_t* packet, int length);

}  // namespace lkmedia

#endif  // LKMEDIA_OPUS_CODEC_H
