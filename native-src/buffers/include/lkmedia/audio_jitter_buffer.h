// Jitter buffer for encoded audio (Opus over RTP), "NetEq-lite" (media-core.md section 1.6):
// packets go in as they arrive (any order, duplicated, late, lost), 10 ms of PCM comes out per
// pull, at the caller's clock.
//
//  - Target delay: the 0.95 quantile (NetEq preset) or 0.90 (low-latency preset) of the relative
//    arrival delay (DelayEstimator), plus one packet while the stream carries in-band FEC (so the
//    packet after a loss is there in time), clamped to [max(minimum delay, one packet), max delay].
//  - Loss: if the next packet carries FEC, the lost packet is decoded from it for exactly its
//    duration (fecRecovered, not concealment); otherwise the decoder conceals exactly the lost
//    duration. A timestamp gap between consecutive sequence numbers after a DTX packet is comfort
//    noise, not loss, and is kept out of the delay histogram.
//  - Lateness: when nothing is there to play, the decoder conceals 10 ms at a time without moving
//    the content position; if the missing packet then arrives it is played (the buffer grew), if a
//    later packet arrives first the concealment counts against the gap (NetEq's rule).
//  - Delay changes: one pitch period at a time (accelerate above target + 20 ms, preemptive expand
//    below target), only on low-energy or strongly periodic audio, at most 10 % of the output.
//
// Threads: not thread-safe. One thread at a time (typically push on the network thread and pull on
// the audio thread must be serialised by the caller). No allocation after construction.
#ifndef LKMEDIA_AUDIO_JITTER_BUFFER_H
#define LKMEDIA_AUDIO_JITTER_BUFFER_H

#include <cstdint>
#include <memory>

#include "lkmedia/audio_decoder.h"
#include "lkmedia/delay_estimator.h"
#include "lkmedia/packet_buffer.h"
#include "lkmedia/stats_histogram.h"

namespace lkmedia {

struct AudioJitterBufferConfig {
  uint32_t clockRate = 48000;       // RTP clock rate (48000 for Opus, RFC 7587)
  uint32_t capacity = 256;          // packets, power of two (5.1 s of 20 ms packets)
  uint32_t maxPayloadBytes = 1500;
  DelayPreset preset = DelayPreset::kNetEq;
  int startDelayMs = 80;            // target before the first histogram update (NetEq kStartDelayMs)
  int minDelayMs = 0;               // floor (also raised by setMinimumDelay); never below one packet
  int maxDelayMs = 500;             // ceiling; up to 2000
  bool useFec = true;               // decode in-band FEC of lost packets when present
  bool fecHeadroom = true;          // add one packet to the target while packets carry FEC
  bool timeStretch = true;          // accelerate / preemptive expand
  int lateWaitMs = 50;              // keep waiting for a late packet while delay <= target + this
  int muteAfterMs = 2000;           // consecutive concealment beyond this is silence
};

// Flags returned by pull(): what the 10 ms frame contains (several may be set).
enum AudioFrameFlags : int {
  kAudioNormal = 1,          // decoded packets
  kAudioFec = 2,             // a lost packet recovered from the next packet's FEC
  kAudioConcealed = 4,       // packet-loss concealment (loss or lateness)
  kAudioComfortNoise = 8,    // DTX gap
  kAudioSilence = 16,        // not started yet (buffering) or nothing to play
  kAudioAccelerated = 32,    // a period was removed (delay shrinks)
  kAudioExpanded = 64,       // a period was inserted (delay grows)
  kAudioMuted = 128,         // concealment ran longer than muteAfterMs: zeros
};

// Statistics, named as the WebRTC inbound-rtp / NetEq lifetime statistics where one exists.
// Sample counts are per channel.
struct AudioJitterBufferStats {
  // packets
  int64_t packetsReceived = 0;
  int64_t packetsLost = 0;            // RFC 3550 expected - received
  int64_t packetsDiscarded = 0;       // late + duplicate + overflow + too large
  int64_t packetsDuplicated = 0;
  int64_t packetsLate = 0;
  int64_t packetsReordered = 0;
  int64_t maxReorderDistance = 0;
  int64_t packetsInvalid = 0;         // malformed RTP or payload
  int64_t resets = 0;
  int64_t bufferFlushes = 0;
  // delay
  double jitterMs = 0;                // RFC 3550 interarrival jitter
  double currentDelayMs = 0;          // how late the sample now at the output is vs earliest arrival
  double targetDelayMs = 0;
  double minimumDelayMs = 0;
  double maxRelativeDelayMs = 0;      // largest relative arrival delay in the last 2 s
  double relativeArrivalDelayP50Ms = 0;
  double relativeArrivalDelayP95Ms = 0;
  double relativeArrivalDelayP99Ms = 0;
  double jitterBufferDelaySeconds = 0;  // sum over emitted samples of their time in the buffer
  int64_t jitterBufferEmittedCount = 0;
  double jitterBufferTargetDelaySeconds = 0;  // sum over emitted samples of the target
  double jitterBufferMinimumDelaySeconds = 0;
  int64_t currentBufferMs = 0;        // content held (packets + decoded)
  // audio
  int64_t totalSamplesReceived = 0;   // every sample pulled while playing
  int64_t concealedSamples = 0;       // PLC samples (loss and lateness), muted ones included
  int64_t silentConcealedSamples = 0;
  int64_t concealmentEvents = 0;
  int64_t delayedPacketOutageSamples = 0;  // concealed while waiting for a packet that then came
  int64_t lossConcealedSamples = 0;   // concealed in place of packets that never came in time
  int64_t fecPacketsReceived = 0;     // packets carrying FEC
  int64_t fecRecovered = 0;           // lost packets decoded from FEC
  int64_t fecRecoveredSamples = 0;
  int64_t fecDiscarded = 0;           // FEC packets whose FEC was not needed
  int64_t insertedSamplesForDeceleration = 0;
  int64_t removedSamplesForAcceleration = 0;
  int64_t interruptionCount = 0;      // concealment runs >= 150 ms
  int64_t totalInterruptionDurationMs = 0;
  int64_t dtxSamples = 0;             // comfort noise in DTX gaps
  int64_t silentSamples = 0;          // zeros before start / while empty and not playing
  int64_t packetsDecoded = 0;
  int64_t decodeErrors = 0;
};

class AudioJitterBuffer {
 public:
  // `decoder` must outlive the buffer. Throws std::invalid_argument on a bad configuration.
  AudioJitterBuffer(const AudioJitterBufferConfig& config, AudioDecoder* decoder);
  ~AudioJitterBuffer();
  AudioJitterBuffer(const AudioJitterBuffer&) = delete;
  AudioJitterBuffer& operator=(const AudioJitterBuffer&) = delete;

  // Inserts a whole RTP packet as received from the network. Returns the InsertOutcome (>= 0) or
  // kInvalidData for malformed RTP.
  int pushRtp(const uint8_t* packet, int length, int64_t arrivalNs);
  // Inserts a packet given its RTP fields and payload.
  int push(uint16_t sequenceNumber, uint32_t timestamp, uint32_t ssrc, const uint8_t* payload, int length,
           int64_t arrivalNs);

  // Writes exactly frameSamples() samples per channel (10 ms, interleaved) of audio due at
  // `nowNs` into `pcm` (room for `capacitySamples` int16 values in total). Returns the
  // AudioFrameFlags (> 0) or kBufferTooSmall. Call every 10 ms.
  int pull(int64_t nowNs, int16_t* pcm, int capacitySamples);

  int frameSamples() const { return frame_; }
  int sampleRate() const { return rate_; }
  int channels() const { return channels_; }

  // Raises the delay floor (A/V sync); 0 restores the configured minimum. Clamped to max delay.
  void setMinimumDelay(int ms);
  int targetDelayMs() const;
  // Flushes everything and starts over (as after an SSRC change).
  void reset();

  void getStats(AudioJitterBufferStats* out) const;
  // For bindings: the statistics as kStatsFields doubles in AudioJitterBufferStats order.
  static constexpr int kStatsFields = 41;
  int getStats(double* out, int capacity) const;

 private:
  int fillOnce(int64_t nowNs);
  bool tryStart(int64_t nowNs);
  int maybeStretch(int64_t nowNs);
  int concealInto(int samples);
  void comfortNoise(int samples);
  void endConcealment();
  int decodeFront(int64_t nowNs);
  int roundToUnit(int64_t samples) const;
  int64_t contentNs(int64_t ts) const;
  int64_t outToTs(int64_t samples) const;
  int64_t tsToOut(int64_t ts) const;
  int64_t delayIfPlayedNs(int64_t nowNs, int64_t ts) const;
  int64_t targetNs() const;
  void onStreamReset();

  AudioJitterBufferConfig config_;
  AudioDecoder* decoder_;
  PacketBuffer packets_;
  DelayEstimator estimator_;
  StatsHistogram relativeDelays_;
  int rate_;
  int channels_;
  int frame_;          // samples per channel per pull (10 ms)
  int unit_;           // 2.5 ms in samples per channel
  int syncCapacity_;   // frames
  std::unique_ptr<int16_t[]> sync_;
  std::unique_ptr<float[]> scratch_;
  int syncLen_ = 0;    // frames in sync_
  bool playing_ = false;
  int64_t expectedTs_ = 0;       // content timestamp right after the last decoded/concealed content
  int64_t pending_ = 0;          // frames concealed while waiting, not yet accounted as loss or lateness
  bool lastDtx_ = false;
  int packetSamples_ = 0;        // duration of the last packet, frames
  int64_t lastFecNs_ = INT64_MIN / 2;
  bool fecActive_ = false;
  int minDelayOverrideMs_ = 0;
  int64_t concealRun_ = 0;       // frames in the current concealment run
  bool concealing_ = false;
  double filteredDelayNs_ = 0;
  bool filterValid_ = false;
  int64_t sinceStretch_ = 0;     // frames output since the last stretch
  int64_t lastStretch_ = 0;
  int64_t lastNowNs_ = INT64_MIN;
  int64_t lastArrivalNs_ = INT64_MIN;
  int64_t invalid_ = 0;
  AudioJitterBufferStats stats_;
};

}  // namespace lkmedia

#endif  // LKMEDIA_AUDIO_JITTER_BUFFER_H
