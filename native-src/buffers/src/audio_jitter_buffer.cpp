#include "lkmedia/audio_jitter_buffer.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "lkmedia/rtp_packet.h"
#include "lkmedia/time_stretch.h"

namespace lkmedia {

namespace {
constexpr int64_t kNsPerMs = 1000000;
constexpr int kMaxPacketMs = 120;
constexpr double kLowEnergyDbfs = -50.0;
constexpr float kMinPeriodCorrelation = 0.9f;

PacketBufferConfig packetConfig(const AudioJitterBufferConfig& c) {
  PacketBufferConfig p;
  p.capacity = c.capacity;
  p.maxPayloadBytes = c.maxPayloadBytes;
  p.clockRate = c.clockRate;
  return p;
}

void check(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

const AudioJitterBufferConfig& validated(const AudioJitterBufferConfig& c, AudioDecoder* decoder) {
  check(decoder != nullptr, "decoder must not be null");
  check(c.clockRate >= 8000 && c.clockRate <= 192000,
        "clockRate must be in [8000, 192000] Hz, got " + std::to_string(c.clockRate));
  check(c.startDelayMs >= 0 && c.startDelayMs <= 2000, "startDelayMs must be in [0, 2000], got " +
                                                           std::to_string(c.startDelayMs));
  check(c.maxDelayMs >= 20 && c.maxDelayMs <= 2000, "maxDelayMs must be in [20, 2000], got " +
                                                        std::to_string(c.maxDelayMs));
  check(c.minDelayMs >= 0 && c.minDelayMs <= c.maxDelayMs,
        "minDelayMs must be in [0, maxDelayMs], got " + std::to_string(c.minDelayMs));
  check(c.lateWaitMs >= 0 && c.lateWaitMs <= 1000, "lateWaitMs must be in [0, 1000], got " +
                                                       std::to_string(c.lateWaitMs));
  check(c.muteAfterMs >= 100 && c.muteAfterMs <= 60000, "muteAfterMs must be in [100, 60000], got " +
                                                            std::to_string(c.muteAfterMs));
  const int rate = decoder->sampleRate();
  check(rate >= 8000 && rate <= 48000 && rate % 400 == 0,
        "decoder sampleRate must be 8000..48000 and a multiple of 400 Hz, got " + std::to_string(rate));
  const int ch = decoder->channels();
  check(ch == 1 || ch == 2, "decoder channels must be 1 or 2, got " + std::to_string(ch));
  return c;
}

DelayEstimatorConfig estimatorConfig(const AudioJitterBufferConfig& c) {
  return DelayEstimatorConfig::forPreset(c.preset);
}
}  // namespace

AudioJitterBuffer::AudioJitterBuffer(const AudioJitterBufferConfig& config, AudioDecoder* decoder)
    : config_(validated(config, decoder)),
      decoder_(decoder),
      packets_(packetConfig(config)),
      estimator_(estimatorConfig(config)),
      relativeDelays_(0.0, 1.0, 2000),
      rate_(decoder->sampleRate()),
      channels_(decoder->channels()) {
  frame_ = rate_ / 100;
  unit_ = rate_ / 400;
  syncCapacity_ = rate_ / 4;  // 250 ms
  sync_.reset(new int16_t[static_cast<size_t>(syncCapacity_) * channels_]());
  scratch_.reset(new float[static_cast<size_t>(syncCapacity_)]());
  packetSamples_ = rate_ / 50;
}

AudioJitterBuffer::~AudioJitterBuffer() = default;

int64_t AudioJitterBuffer::contentNs(int64_t ts) const {
  const int64_t r = config_.clockRate;
  return (ts / r) * 1000000000LL + (ts % r) * 1000000000LL / r;
}

int64_t AudioJitterBuffer::tsToOut(int64_t ts) const { return ts * rate_ / static_cast<int64_t>(config_.clockRate); }

int64_t AudioJitterBuffer::outToTs(int64_t samples) const {
  return samples * static_cast<int64_t>(config_.clockRate) / rate_;
}

int64_t AudioJitterBuffer::delayIfPlayedNs(int64_t nowNs, int64_t ts) const {
  const int64_t bufferedNs = static_cast<int64_t>(syncLen_) * 1000000000LL / rate_;
  return nowNs + bufferedNs - contentNs(ts) - estimator_.referenceNs();
}

int64_t AudioJitterBuffer::targetNs() const { return static_cast<int64_t>(targetDelayMs()) * kNsPerMs; }

int AudioJitterBuffer::targetDelayMs() const {
  const int packetMs = std::max(1, static_cast<int>(static_cast<int64_t>(packetSamples_) * 1000 / rate_));
  int ms = config_.startDelayMs;
  if (estimator_.hasEstimate()) {
    ms = estimator_.quantileDelayMs();
    if (config_.fecHeadroom && config_.useFec && fecActive_) ms += packetMs;
  }
  const int floor = std::max(std::max(config_.minDelayMs, minDelayOverrideMs_), packetMs);
  ms = std::max(ms, floor);
  const int bufferCap = static_cast<int>(static_cast<int64_t>(config_.capacity) * packetMs * 3 / 4);
  ms = std::min(ms, std::min(config_.maxDelayMs, std::max(bufferCap, packetMs)));
  return ms;
}

void AudioJitterBuffer::setMinimumDelay(int ms) {
  if (ms < 0) ms = 0;
  if (ms > config_.maxDelayMs) ms = config_.maxDelayMs;
  minDelayOverrideMs_ = ms;
}

int AudioJitterBuffer::pushRtp(const uint8_t* packet, int length, int64_t arrivalNs) {
  if (packet == nullptr || length < 0) return kBadArgument;
  RtpHeader h;
  if (parseRtpHeader(packet, static_cast<size_t>(length), &h) != RtpParseResult::kOk) {
    ++invalid_;
    return kInvalidData;
  }
  return push(h.sequenceNumber, h.timestamp, h.ssrc, packet + h.payloadOffset, static_cast<int>(h.payloadLength),
              arrivalNs);
}

int AudioJitterBuffer::push(uint16_t sequenceNumber, uint32_t timestamp, uint32_t ssrc, const uint8_t* payload,
                            int length, int64_t arrivalNs) {
  if (length < 0 || (length > 0 && payload == nullptr)) return kBadArgument;
  // Arrival times feed monotonic windows: never let them go backwards.
  if (arrivalNs < lastArrivalNs_) arrivalNs = lastArrivalNs_;
  lastArrivalNs_ = arrivalNs;
  const bool padding = length == 0;
  InsertResult r = packets_.insert(sequenceNumber, timestamp, ssrc, 0, false, payload,
                                   static_cast<uint32_t>(length), padding, arrivalNs);
  if (r.streamReset) onStreamReset();
  bool dtx = false;
  if (r.outcome == InsertOutcome::kInserted && !padding) {
    PacketSlot* slot = r.slot;
    const int n = decoder_->packetSamples(payload, length);
    if (n <= 0 || n > rate_ * kMaxPacketMs / 1000) {
      ++invalid_;
      slot->samples = 0;
    } else {
      slot->samples = n;
      packetSamples_ = n;
    }
    slot->dtx = dtx = decoder_->isDtx(payload, length);
    slot->fec = decoder_->hasFec(payload, length);
    if (slot->fec) {
      ++stats_.fecPacketsReceived;
      lastFecNs_ = arrivalNs;
    }
  }
  if ((r.outcome == InsertOutcome::kInserted || r.outcome == InsertOutcome::kLate) && !padding) {
    if (r.outcome == InsertOutcome::kLate) dtx = decoder_->isDtx(payload, length);
    const int64_t relative = estimator_.onPacket(arrivalNs, contentNs(r.timestamp), !dtx);
    relativeDelays_.add(static_cast<double>(relative) / kNsPerMs);
  }
  fecActive_ = arrivalNs - lastFecNs_ < 5000 * kNsPerMs;
  return static_cast<int>(r.outcome);
}

void AudioJitterBuffer::onStreamReset() {
  playing_ = false;
  pending_ = 0;
  lastDtx_ = false;
  filterValid_ = false;
  endConcealment();
  estimator_.reset();
  decoder_->reset();
}

void AudioJitterBuffer::reset() {
  packets_.reset();
  onStreamReset();
  syncLen_ = 0;
}

bool AudioJitterBuffer::tryStart(int64_t nowNs) {
  const PacketSlot* p = packets_.nextHeld(packets_.head());
  while (p != nullptr && p->padding) p = packets_.nextHeld(p->sequence + 1);
  if (p == nullptr || !estimator_.hasPackets()) return false;
  if (delayIfPlayedNs(nowNs, p->timestamp) < targetNs()) return false;
  packets_.skipTo(p->sequence, false);
  expectedTs_ = p->timestamp;
  playing_ = true;
  pending_ = 0;
  lastDtx_ = false;
  filterValid_ = false;
  sinceStretch_ = 0;
  lastStretch_ = 0;
  return true;
}

void AudioJitterBuffer::endConcealment() {
  if (!concealing_) return;
  const int64_t ms = concealRun_ * 1000 / rate_;
  if (ms >= 150) {
    ++stats_.interruptionCount;
    stats_.totalInterruptionDurationMs += ms;
  }
  concealing_ = false;
  concealRun_ = 0;
}

int AudioJitterBuffer::concealInto(int samples) {
  if (samples > syncCapacity_ - syncLen_) samples = syncCapacity_ - syncLen_;
  if (samples <= 0) return 0;
  int16_t* dst = sync_.get() + static_cast<size_t>(syncLen_) * channels_;
  if (!concealing_) {
    concealing_ = true;
    concealRun_ = 0;
    ++stats_.concealmentEvents;
  }
  int flags = kAudioConcealed;
  if (concealRun_ >= static_cast<int64_t>(config_.muteAfterMs) * rate_ / 1000) {
    std::memset(dst, 0, static_cast<size_t>(samples) * channels_ * sizeof(int16_t));
    stats_.silentConcealedSamples += samples;
    flags |= kAudioMuted;
  } else if (decoder_->conceal(dst, samples) != samples) {
    std::memset(dst, 0, static_cast<size_t>(samples) * channels_ * sizeof(int16_t));
  }
  concealRun_ += samples;
  syncLen_ += samples;
  stats_.concealedSamples += samples;
  return flags;
}

void AudioJitterBuffer::comfortNoise(int samples) {
  if (samples > syncCapacity_ - syncLen_) samples = syncCapacity_ - syncLen_;
  if (samples <= 0) return;
  endConcealment();
  int16_t* dst = sync_.get() + static_cast<size_t>(syncLen_) * channels_;
  if (decoder_->conceal(dst, samples) != samples) {
    std::memset(dst, 0, static_cast<size_t>(samples) * channels_ * sizeof(int16_t));
  }
  syncLen_ += samples;
  stats_.dtxSamples += samples;
}

int AudioJitterBuffer::roundToUnit(int64_t samples) const {
  if (samples <= 0) return unit_;
  const int64_t r = (samples + unit_ - 1) / unit_ * unit_;
  return static_cast<int>(std::min<int64_t>(r, frame_));
}

int AudioJitterBuffer::decodeFront(int64_t nowNs) {
  const PacketSlot* f = packets_.front();
  expectedTs_ = f->timestamp;
  const int room = std::min(syncCapacity_ - syncLen_, rate_ * kMaxPacketMs / 1000);
  int flags = 0;
  int n = -1;
  if (f->samples > 0 && f->samples <= room) {
    n = decoder_->decode(f->payload, static_cast<int>(f->length),
                         sync_.get() + static_cast<size_t>(syncLen_) * channels_, room);
  }
  if (n <= 0 || n > room) {
    ++stats_.decodeErrors;
    int duration = f->samples > 0 ? f->samples : packetSamples_;
    duration = static_cast<int>((duration + unit_ - 1) / unit_ * unit_);
    if (duration > room) duration = room / unit_ * unit_;
    flags |= concealInto(duration);
    stats_.lossConcealedSamples += duration;
    expectedTs_ = f->timestamp + outToTs(duration);
  } else {
    const int64_t delayNs = nowNs - f->arrivalNs + static_cast<int64_t>(syncLen_) * 1000000000LL / rate_;
    stats_.jitterBufferDelaySeconds += static_cast<double>(delayNs) / 1e9 * n;
    stats_.jitterBufferEmittedCount += n;
    syncLen_ += n;
    ++stats_.packetsDecoded;
    expectedTs_ = f->timestamp + outToTs(n);
    endConcealment();
    if (f->dtx) {
      stats_.dtxSamples += n;
      flags |= kAudioComfortNoise;
    } else {
      flags |= kAudioNormal;
    }
  }
  lastDtx_ = f->dtx;
  packets_.releaseFront();
  return flags;
}

int AudioJitterBuffer::fillOnce(int64_t nowNs) {
  // Padding-only packets at the release point hold a sequence number and no media.
  for (const PacketSlot* f = packets_.front(); f != nullptr && f->padding; f = packets_.front()) {
    packets_.releaseFront();
  }
  const PacketSlot* f = packets_.front();
  if (f != nullptr) {
    if (pending_ > 0) {
      // The packet we concealed for came after all: the concealment only delayed the stream.
      stats_.delayedPacketOutageSamples += pending_;
      pending_ = 0;
    }
    const int64_t gap = f->timestamp - expectedTs_;
    if (gap > 0 && delayIfPlayedNs(nowNs, f->timestamp) < targetNs()) {
      // Consecutive sequence numbers with a later timestamp: the sender skipped time (DTX, pause).
      // Comfort noise until the packet is due; not loss, not concealment.
      const int chunk = roundToUnit(tsToOut(gap));
      comfortNoise(chunk);
      expectedTs_ += outToTs(chunk);
      return kAudioComfortNoise;
    }
    return decodeFront(nowNs);
  }

  const PacketSlot* next = packets_.nextHeld(packets_.head() + 1);
  while (next != nullptr && next->padding) next = packets_.nextHeld(next->sequence + 1);
  if (next == nullptr) {
    if (lastDtx_) {
      // DTX: the sender sends nothing during silence.
      comfortNoise(frame_);
      expectedTs_ += outToTs(frame_);
      return kAudioComfortNoise;
    }
    // Underrun: conceal without moving the content position and wait for the packet.
    const int flags = concealInto(frame_);
    pending_ += frame_;
    return flags;
  }

  const int64_t gapOut = tsToOut(next->timestamp - expectedTs_);
  if (gapOut <= 0) {
    // The missing sequence numbers carried no content we still need.
    stats_.lossConcealedSamples += pending_;
    pending_ = 0;
    packets_.skipTo(next->sequence);
    return 0;
  }
  // In-band FEC in `next` carries the packet right before it: conceal what lies before that one
  // (if more than one packet is missing), then decode the FEC copy for exactly its duration.
  const int64_t fecSamples = next->samples;
  if (config_.useFec && next->fec && fecSamples > 0 && gapOut >= fecSamples && fecSamples % unit_ == 0 &&
      fecSamples <= rate_ * kMaxPacketMs / 1000) {
    const int64_t beforeFec = gapOut - fecSamples;
    if (pending_ < beforeFec) {
      const int chunk = roundToUnit(beforeFec - pending_);
      const int flags = concealInto(chunk);
      pending_ += chunk;
      return flags;
    }
    if (pending_ < gapOut && syncLen_ + fecSamples <= syncCapacity_) {
      const int n = decoder_->decodeFec(next->payload, static_cast<int>(next->length),
                                        sync_.get() + static_cast<size_t>(syncLen_) * channels_,
                                        static_cast<int>(fecSamples));
      if (n == fecSamples) {
        syncLen_ += n;
        ++stats_.fecRecovered;
        stats_.fecRecoveredSamples += n;
        // Concealment up to the FEC-covered packet replaced lost packets; beyond it, it only
        // delayed the stream.
        stats_.lossConcealedSamples += std::min(pending_, beforeFec);
        if (pending_ > beforeFec) stats_.delayedPacketOutageSamples += pending_ - beforeFec;
        pending_ = 0;
        endConcealment();
        packets_.skipTo(next->sequence);
        expectedTs_ = next->timestamp;
        lastDtx_ = false;
        return kAudioFec;
      }
    }
  }
  if (pending_ >= gapOut ||
      (pending_ > 0 && delayIfPlayedNs(nowNs, next->timestamp) >
                           targetNs() + static_cast<int64_t>(config_.lateWaitMs) * kNsPerMs)) {
    // The concealment has covered the gap (or waiting longer would only add delay): the missing
    // packets are lost; go on with the next one.
    stats_.lossConcealedSamples += pending_;
    pending_ = 0;
    packets_.skipTo(next->sequence);
    expectedTs_ = next->timestamp;
    return 0;
  }
  const int chunk = roundToUnit(gapOut - pending_);
  const int flags = concealInto(chunk);
  pending_ += chunk;
  return flags;
}

int AudioJitterBuffer::maybeStretch(int64_t nowNs) {
  const int64_t minGap = std::max<int64_t>(rate_ / 20, 10 * lastStretch_);
  if (sinceStretch_ < minGap) return 0;
  const int64_t target = targetNs();
  const bool shrink = filteredDelayNs_ > static_cast<double>(target + 20 * kNsPerMs);
  const bool grow = filteredDelayNs_ < static_cast<double>(target);
  if (!shrink && !grow) return 0;
  const int maxPeriod = rate_ * 15 / 1000;
  const int minPeriod = unit_;
  const int want = frame_ + 2 * maxPeriod;
  // Top up with the next in-order packets so there is material to work on.
  while (syncLen_ < want) {
    const PacketSlot* f = packets_.front();
    if (f == nullptr || f->padding || f->dtx || f->timestamp != expectedTs_ || f->samples <= 0 ||
        syncLen_ + f->samples > syncCapacity_) {
      break;
    }
    if ((decodeFront(nowNs) & kAudioNormal) == 0) break;
  }
  const double energy = energyDbfs(sync_.get(), frame_ * channels_);
  int period = 0;
  if (energy < kLowEnergyDbfs && syncLen_ >= 2 * frame_) {
    period = frame_;
  } else {
    const int frames = std::min(syncLen_, 2 * maxPeriod);
    const PeriodMatch m = findPitchPeriod(sync_.get(), frames, channels_, minPeriod, maxPeriod,
                                          std::max(1, rate_ / 8000), scratch_.get());
    if (m.period <= 0 || m.correlation < kMinPeriodCorrelation) return 0;
    period = m.period;
  }
  const double periodNs = static_cast<double>(period) * 1e9 / rate_;
  if (shrink) {
    if (syncLen_ < 2 * period || syncLen_ - period < frame_) return 0;
    syncLen_ = removePeriod(sync_.get(), syncLen_, channels_, period);
    stats_.removedSamplesForAcceleration += period;
    filteredDelayNs_ -= periodNs;
    lastStretch_ = period;
    sinceStretch_ = 0;
    return kAudioAccelerated;
  }
  if (syncLen_ < 2 * period || syncLen_ + period > syncCapacity_) return 0;
  syncLen_ = insertPeriod(sync_.get(), syncLen_, channels_, period);
  stats_.insertedSamplesForDeceleration += period;
  filteredDelayNs_ += periodNs;
  lastStretch_ = period;
  sinceStretch_ = 0;
  return kAudioExpanded;
}

int AudioJitterBuffer::pull(int64_t nowNs, int16_t* pcm, int capacitySamples) {
  if (pcm == nullptr) return kBadArgument;
  if (capacitySamples < frame_ * channels_) return kBufferTooSmall;
  if (nowNs < lastNowNs_) nowNs = lastNowNs_;
  lastNowNs_ = nowNs;
  const size_t frameValues = static_cast<size_t>(frame_) * channels_;
  int flags = 0;
  if (!playing_ && syncLen_ < frame_ && !tryStart(nowNs)) {
    // Buffering (or emptied after a reset): play out what is left, then zeros.
    const size_t have = static_cast<size_t>(syncLen_) * channels_;
    if (have > 0) std::memcpy(pcm, sync_.get(), have * sizeof(int16_t));
    std::memset(pcm + have, 0, (frameValues - have) * sizeof(int16_t));
    stats_.silentSamples += frame_ - syncLen_;
    syncLen_ = 0;
    return kAudioSilence;
  }
  if (playing_) {
    for (int guard = 0; syncLen_ < frame_ && guard < 256; ++guard) flags |= fillOnce(nowNs);
    if (syncLen_ < frame_) {  // cannot happen with a well-behaved decoder; keep the contract anyway
      std::memset(sync_.get() + static_cast<size_t>(syncLen_) * channels_, 0,
                  static_cast<size_t>(frame_ - syncLen_) * channels_ * sizeof(int16_t));
      stats_.silentSamples += frame_ - syncLen_;
      syncLen_ = frame_;
    }
    const bool steady = (flags & (kAudioConcealed | kAudioComfortNoise | kAudioFec)) == 0;
    if (steady) {
      const double current = static_cast<double>(delayIfPlayedNs(nowNs, expectedTs_));
      if (!filterValid_) {
        filteredDelayNs_ = current;
        filterValid_ = true;
      } else {
        filteredDelayNs_ += (current - filteredDelayNs_) / 64.0;
      }
      if (config_.timeStretch) flags |= maybeStretch(nowNs);
    }
    const double targetS = static_cast<double>(targetDelayMs()) / 1000.0;
    stats_.jitterBufferTargetDelaySeconds += targetS * frame_;
    stats_.jitterBufferMinimumDelaySeconds +=
        static_cast<double>(std::max(config_.minDelayMs, minDelayOverrideMs_)) / 1000.0 * frame_;
    stats_.totalSamplesReceived += frame_;
    stats_.currentDelayMs = static_cast<double>(delayIfPlayedNs(nowNs, expectedTs_)) / kNsPerMs;
  }
  std::memcpy(pcm, sync_.get(), frameValues * sizeof(int16_t));
  syncLen_ -= frame_;
  if (syncLen_ > 0) {
    std::memmove(sync_.get(), sync_.get() + frameValues, static_cast<size_t>(syncLen_) * channels_ * sizeof(int16_t));
  }
  sinceStretch_ += frame_;
  return flags == 0 ? kAudioNormal : flags;
}

void AudioJitterBuffer::getStats(AudioJitterBufferStats* out) const {
  *out = stats_;
  fillPacketStats(packets_, invalid_, out);
  out->targetDelayMs = targetDelayMs();
  out->minimumDelayMs = std::max(config_.minDelayMs, minDelayOverrideMs_);
  out->maxRelativeDelayMs = static_cast<double>(estimator_.maxRelativeDelayNs()) / kNsPerMs;
  out->relativeArrivalDelayP50Ms = relativeDelays_.quantile(0.50);
  out->relativeArrivalDelayP95Ms = relativeDelays_.quantile(0.95);
  out->relativeArrivalDelayP99Ms = relativeDelays_.quantile(0.99);
  out->fecDiscarded = std::max<int64_t>(0, stats_.fecPacketsReceived - stats_.fecRecovered);
  int64_t buffered = syncLen_;
  const PacketSlot* last = packets_.find(packets_.highest());
  if (playing_ && last != nullptr && last->timestamp >= expectedTs_) {
    buffered += tsToOut(last->timestamp - expectedTs_) + last->samples;
  }
  out->currentBufferMs = buffered * 1000 / rate_;
}

}  // namespace lkmedia

namespace lkmedia {

int AudioJitterBuffer::getStats(double* out, int capacity) const {
  if (out == nullptr || capacity < kStatsFields) return kBufferTooSmall;
  AudioJitterBufferStats s;
  getStats(&s);
  const double v[kStatsFields] = {
      static_cast<double>(s.packetsReceived),
      static_cast<double>(s.packetsLost),
      static_cast<double>(s.packetsDiscarded),
      static_cast<double>(s.packetsDuplicated),
      static_cast<double>(s.packetsLate),
      static_cast<double>(s.packetsReordered),
      static_cast<double>(s.maxReorderDistance),
      static_cast<double>(s.packetsInvalid),
      static_cast<double>(s.resets),
      static_cast<double>(s.bufferFlushes),
      s.jitterMs,
      s.currentDelayMs,
      s.targetDelayMs,
      s.minimumDelayMs,
      s.maxRelativeDelayMs,
      s.relativeArrivalDelayP50Ms,
      s.relativeArrivalDelayP95Ms,
      s.relativeArrivalDelayP99Ms,
      s.jitterBufferDelaySeconds,
      static_cast<double>(s.jitterBufferEmittedCount),
      s.jitterBufferTargetDelaySeconds,
      s.jitterBufferMinimumDelaySeconds,
      static_cast<double>(s.currentBufferMs),
      static_cast<double>(s.totalSamplesReceived),
      static_cast<double>(s.concealedSamples),
      static_cast<double>(s.silentConcealedSamples),
      static_cast<double>(s.concealmentEvents),
      static_cast<double>(s.delayedPacketOutageSamples),
      static_cast<double>(s.lossConcealedSamples),
      static_cast<double>(s.fecPacketsReceived),
      static_cast<double>(s.fecRecovered),
      static_cast<double>(s.fecRecoveredSamples),
      static_cast<double>(s.fecDiscarded),
      static_cast<double>(s.insertedSamplesForDeceleration),
      static_cast<double>(s.removedSamplesForAcceleration),
      static_cast<double>(s.interruptionCount),
      static_cast<double>(s.totalInterruptionDurationMs),
      static_cast<double>(s.dtxSamples),
      static_cast<double>(s.silentSamples),
      static_cast<double>(s.packetsDecoded),
      static_cast<double>(s.decodeErrors)};
  for (int k = 0; k < kStatsFields; ++k) out[k] = v[k];
  return kStatsFields;
}

}  // namespace lkmedia
