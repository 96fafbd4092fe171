#include "lkmedia/opus_codec.h"

#include <opus.h>

#include <stdexcept>
#include <string>

namespace lkmedia {
namespace {

int mapOpusError(int err) {
  switch (err) {
    case OPUS_BAD_ARG: return kBadArgument;
    case OPUS_BUFFER_TOO_SMALL: return kBufferTooSmall;
    case OPUS_INVALID_PACKET: return kInvalidData;
    case OPUS_UNIMPLEMENTED: return kUnsupported;
    default: return kInternalError;
  }
}

int ctlResult(int err) { return err == OPUS_OK ? kOk : mapOpusError(err); }

// Largest frame libopus decodes: 120 ms.
int maxFrameSize(int sampleRate) { return sampleRate / 1000 * 120; }

bool validChannels(int channels) { return channels == 1 || channels == 2; }

}  // namespace

bool opusValidSampleRate(int sampleRate) {
  return sampleRate == 8000 || sampleRate == 12000 || sampleRate == 16000 || sampleRate == 24000 ||
         sampleRate == 48000;
}

bool opusValidFrameSize(int sampleRate, int frameSize) {
  if (!opusValidSampleRate(sampleRate) || frameSize <= 0) return false;
  // frameSize * 400 / sampleRate = duration in units of 2.5 ms; must be exact and one of the allowed.
  const long long units400 = static_cast<long long>(frameSize) * 400;
  if (units400 % sampleRate != 0) return false;
  switch (units400 / sampleRate) {
    case 1: case 2: case 4: case 8: case 16: case 24: case 32: case 40: case 48: return true;
    default: return false;
  }
}

// ---------------------------------------------------------------------------------------------
OpusAudioEncoder::OpusAudioEncoder(int sampleRate, int channels, int application)
    : sampleRate_(sampleRate), channels_(channels) {
  if (!opusValidSampleRate(sampleRate)) {
    throw std::invalid_argument("Opus sample rate must be 8000, 12000, 16000, 24000 or 48000 Hz, got " +
                                std::to_string(sampleRate));
  }
  if (!validChannels(channels)) {
    throw std::invalid_argument("Opus channels must be 1 or 2, got " + std::to_string(channels));
  }
  if (application != kOpusVoip && application != kOpusAudio && application != kOpusRestrictedLowDelay) {
    throw std::invalid_argument("Opus application must be VOIP (2048), AUDIO (2049) or RESTRICTED_LOWDELAY (2051), got " +
                                std::to_string(application));
  }
  int err = OPUS_OK;
  enc_ = opus_encoder_create(sampleRate, channels, application, &err);
  if (err != OPUS_OK || enc_ == nullptr) {
    throw std::runtime_error(std::string("opus_encoder_create failed: ") + opus_strerror(err));
  }
}

OpusAudioEncoder::~OpusAudioEncoder() { opus_encoder_destroy(enc_); }

int OpusAudioEncoder::encode(const int16_t* pcm, int frameSize, uint8_t* out, int capacity) {
  if (pcm == nullptr || out == nullptr || capacity <= 0 || !opusValidFrameSize(sampleRate_, frameSize)) {
    return kBadArgument;
  }
  const int n = opus_encode(enc_, pcm, frameSize, out, capacity);
  return n >= 0 ? n : mapOpusError(n);
}

int OpusAudioEncoder::encodeFloat(const float* pcm, int frameSize, uint8_t* out, int capacity) {
  if (pcm == nullptr || out == nullptr || capacity <= 0 || !opusValidFrameSize(sampleRate_, frameSize)) {
    return kBadArgument;
  }
  const int n = opus_encode_float(enc_, pcm, frameSize, out, capacity);
  return n >= 0 ? n : mapOpusError(n);
}

int OpusAudioEncoder::setBitrate(int bps) {
  if (bps != kOpusBitrateAuto && bps != kOpusBitrateMax && (bps < 500 || bps > 512000)) return kBadArgument;
  return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_BITRATE(bps)));
}
int OpusAudioEncoder::setComplexity(int c) {
  if (c < 0 || c > 10) return kBadArgument;
  return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_COMPLEXITY(c)));
}
int OpusAudioEncoder::setInbandFec(int mode) {
  if (mode < 0 || mode > 2) return kBadArgument;
  return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_INBAND_FEC(mode)));
}
int OpusAudioEncoder::setPacketLossPercent(int pct) {
  if (pct < 0 || pct > 100) return kBadArgument;
  return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_PACKET_LOSS_PERC(pct)));
}
int OpusAudioEncoder::setDtx(bool on) { return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_DTX(on ? 1 : 0))); }
int OpusAudioEncoder::setVbr(bool on) { return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_VBR(on ? 1 : 0))); }
int OpusAudioEncoder::setVbrConstraint(bool on) {
  return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_VBR_CONSTRAINT(on ? 1 : 0)));
}
int OpusAudioEncoder::setSignal(int signal) {
  if (signal != kOpusSignalAuto && signal != kOpusSignalVoice && signal != kOpusSignalMusic) return kBadArgument;
  return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_SIGNAL(signal)));
}
int OpusAudioEncoder::setMaxBandwidth(int bw) {
  if (bw < kOpusNarrowband || bw > kOpusFullband) return kBadArgument;
  return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_MAX_BANDWIDTH(bw)));
}
int OpusAudioEncoder::setBandwidth(int bw) {
  if (bw != kOpusBandwidthAuto && (bw < kOpusNarrowband || bw > kOpusFullband)) return kBadArgument;
  return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_BANDWIDTH(bw)));
}
int OpusAudioEncoder::setForceChannels(int ch) {
  if (ch != OPUS_AUTO && ch != 1 && ch != 2) return kBadArgument;
  if (ch == 2 && channels_ == 1) return kBadArgument;
  return ctlResult(opus_encoder_ctl(enc_, OPUS_SET_FORCE_CHANNELS(ch)));
}
int OpusAudioEncoder::resetState() { return ctlResult(opus_encoder_ctl(enc_, OPUS_RESET_STATE)); }

int OpusAudioEncoder::bitrate() const {
  opus_int32 v = 0;
  opus_encoder_ctl(enc_, OPUS_GET_BITRATE(&v));
  return v;
}
int OpusAudioEncoder::complexity() const {
  opus_int32 v = 0;
  opus_encoder_ctl(enc_, OPUS_GET_COMPLEXITY(&v));
  return v;
}
int OpusAudioEncoder::lookahead() const {
  opus_int32 v = 0;
  opus_encoder_ctl(enc_, OPUS_GET_LOOKAHEAD(&v));
  return v;
}
bool OpusAudioEncoder::inDtx() const {
  opus_int32 v = 0;
  opus_encoder_ctl(enc_, OPUS_GET_IN_DTX(&v));
  return v != 0;
}
uint32_t OpusAudioEncoder::finalRange() const {
  opus_uint32 v = 0;
  opus_encoder_ctl(enc_, OPUS_GET_FINAL_RANGE(&v));
  return v;
}

// ---------------------------------------------------------------------------------------------
OpusAudioDecoder::OpusAudioDecoder(int sampleRate, int channels) : sampleRate_(sampleRate), channels_(channels) {
  if (!opusValidSampleRate(sampleRate)) {
    throw std::invalid_argument("Opus sample rate must be 8000, 12000, 16000, 24000 or 48000 Hz, got " +
                                std::to_string(sampleRate));
  }
  if (!validChannels(channels)) {
    throw std::invalid_argument("Opus channels must be 1 or 2, got " + std::to_string(channels));
  }
  int err = OPUS_OK;
  dec_ = opus_decoder_create(sampleRate, channels, &err);
  if (err != OPUS_OK || dec_ == nullptr) {
    throw std::runtime_error(std::string("opus_decoder_create failed: ") + opus_strerror(err));
  }
}

OpusAudioDecoder::~OpusAudioDecoder() { opus_decoder_destroy(dec_); }

int OpusAudioDecoder::plcSize(int capacityFrames) const {
  int n = lastPacketDuration();
  if (n <= 0) n = sampleRate_ / 50;  // nothing decoded yet: 20 ms
  return n <= capacityFrames ? n : kBufferTooSmall;
}

int OpusAudioDecoder::decode(const uint8_t* packet, int length, int16_t* pcm, int capacityFrames) {
  if (pcm == nullptr || capacityFrames <= 0 || length < 0) return kBadArgument;
  if (packet == nullptr || length == 0) {
    const int n = plcSize(capacityFrames);
    return n < 0 ? n : conceal(pcm, n);
  }
  const int samples = opus_packet_get_nb_samples(packet, length, sampleRate_);
  if (samples < 0) return mapOpusError(samples);
  if (samples > capacityFrames) return kBufferTooSmall;
  const int cap = capacityFrames < maxFrameSize(sampleRate_) ? capacityFrames : maxFrameSize(sampleRate_);
  const int n = opus_decode(dec_, packet, length, pcm, cap, 0);
  return n >= 0 ? n : mapOpusError(n);
}

int OpusAudioDecoder::decodeFloat(const uint8_t* packet, int length, float* pcm, int capacityFrames) {
  if (pcm == nullptr || capacityFrames <= 0 || length < 0) return kBadArgument;
  if (packet == nullptr || length == 0) {
    const int n = plcSize(capacityFrames);
    if (n < 0) return n;
    const int r = opus_decode_float(dec_, nullptr, 0, pcm, n, 0);
    return r >= 0 ? r : mapOpusError(r);
  }
  const int samples = opus_packet_get_nb_samples(packet, length, sampleRate_);
  if (samples < 0) return mapOpusError(samples);
  if (samples > capacityFrames) return kBufferTooSmall;
  const int cap = capacityFrames < maxFrameSize(sampleRate_) ? capacityFrames : maxFrameSize(sampleRate_);
  const int n = opus_decode_float(dec_, packet, length, pcm, cap, 0);
  return n >= 0 ? n : mapOpusError(n);
}

int OpusAudioDecoder::decodeFec(const uint8_t* packet, int length, int16_t* pcm, int frameSize) {
  if (pcm == nullptr || packet == nullptr || length <= 0) return kBadArgument;
  // libopus requires the exact missing duration in multiples of 2.5 ms, at most 120 ms.
  if (frameSize <= 0 || frameSize > maxFrameSize(sampleRate_) || (frameSize * 400) % sampleRate_ != 0) {
    return kBadArgument;
  }
  if (opus_packet_get_nb_samples(packet, length, sampleRate_) < 0) return kInvalidData;
  const int n = opus_decode(dec_, packet, length, pcm, frameSize, 1);
  return n >= 0 ? n : mapOpusError(n);
}

int OpusAudioDecoder::conceal(int16_t* pcm, int frameSize) {
  if (pcm == nullptr || frameSize <= 0 || frameSize > maxFrameSize(sampleRate_) ||
      (frameSize * 400) % sampleRate_ != 0) {
    return kBadArgument;
  }
  const int n = opus_decode(dec_, nullptr, 0, pcm, frameSize, 0);
  return n >= 0 ? n : mapOpusError(n);
}

int OpusAudioDecoder::lastPacketDuration() const {
  opus_int32 v = 0;
  opus_decoder_ctl(dec_, OPUS_GET_LAST_PACKET_DURATION(&v));
  return v;
}
int OpusAudioDecoder::setGain(int q8) {
  if (q8 < -32768 || q8 > 32767) return kBadArgument;
  return ctlResult(opus_decoder_ctl(dec_, OPUS_SET_GAIN(q8)));
}
int OpusAudioDecoder::resetState() { return ctlResult(opus_decoder_ctl(dec_, OPUS_RESET_STATE)); }
uint32_t OpusAudioDecoder::finalRange() const {
  opus_uint32 v = 0;
  opus_decoder_ctl(dec_, OPUS_GET_FINAL_RANGE(&v));
  return v;
}

// ---------------------------------------------------------------------------------------------
namespace {
// Full structural validation of an untrusted packet (TOC, frame count, frame lengths, padding).
// Returns the frame count (>= 1) or a negative status; fills the first frame's size.
int parsePacket(const uint8_t* packet, int length, int* firstFrameSize) {
  if (packet == nullptr || length <= 0) return kInvalidData;
  const unsigned char* frames[48];
  opus_int16 sizes[48];
  const int count = opus_packet_parse(packet, length, nullptr, frames, sizes, nullptr);
  if (count < 0) return mapOpusError(count);
  if (count == 0) return kInvalidData;
  if (firstFrameSize) *firstFrameSize = sizes[0];
  return count;
}
}  // namespace

int opusPacketSamples(const uint8_t* packet, int length, int sampleRate) {
  if (!opusValidSampleRate(sampleRate)) return kBadArgument;
  const int frames = parsePacket(packet, length, nullptr);
  if (frames < 0) return frames;
  const int n = opus_packet_get_nb_samples(packet, length, sampleRate);
  return n >= 0 ? n : mapOpusError(n);
}

int opusPacketFrames(const uint8_t* packet, int length) { return parsePacket(packet, length, nullptr); }

int opusPacketChannels(const uint8_t* packet, int length) {
  const int frames = parsePacket(packet, length, nullptr);
  return frames < 0 ? frames : opus_packet_get_nb_channels(packet);
}

int opusPacketBandwidth(const uint8_t* packet, int length) {
  const int frames = parsePacket(packet, length, nullptr);
  return frames < 0 ? frames : opus_packet_get_bandwidth(packet);
}

int opusPacketHasFec(const uint8_t* packet, int length) {
  // Parse first: opus_packet_has_lbrr reads the first byte of frame 0 without checking that the frame
  // is non-empty (a TOC-only DTX packet would make it read past the end).
  int firstSize = 0;
  const int frames = parsePacket(packet, length, &firstSize);
  if (frames < 0) return frames;
  if (firstSize <= 0) return 0;
  const int r = opus_packet_has_lbrr(packet, length);
  return r >= 0 ? (r ? 1 : 0) : mapOpusError(r);
}

}  // namespace lkmedia
