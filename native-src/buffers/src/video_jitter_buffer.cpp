#include "lkmedia/video_jitter_buffer.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "lkmedia/rtp_packet.h"
#include "lkmedia/status.h"

namespace lkmedia {

namespace {
constexpr int64_t kNsPerMs = 1000000;

PacketBufferConfig packetConfig(const VideoJitterBufferConfig& c) {
  if (c.maxWaitMs < 0 || c.maxWaitMs > 5000) {
    throw std::invalid_argument("maxWaitMs must be in [0, 5000], got " + std::to_string(c.maxWaitMs));
  }
  if (c.reorderWaitMs < 0 || c.reorderWaitMs > c.maxWaitMs) {
    throw std::invalid_argument("reorderWaitMs must be in [0, maxWaitMs], got " + std::to_string(c.reorderWaitMs));
  }
  if (c.pliIntervalMs < 10 || c.pliIntervalMs > 10000) {
    throw std::invalid_argument("pliIntervalMs must be in [10, 10000], got " + std::to_string(c.pliIntervalMs));
  }
  if (c.noFrameRequestMs < 100 || c.noFrameRequestMs > 60000) {
    throw std::invalid_argument("noFrameRequestMs must be in [100, 60000], got " +
                                std::to_string(c.noFrameRequestMs));
  }
  if (c.decodeThroughLossFrames < 1 || c.decodeThroughLossFrames > 10000) {
    throw std::invalid_argument("decodeThroughLossFrames must be in [1, 10000], got " +
                                std::to_string(c.decodeThroughLossFrames));
  }
  if (c.policy != VideoLossPolicy::kFreezeUntilKeyFrame && c.policy != VideoLossPolicy::kDecodeThroughLoss) {
    throw std::invalid_argument("policy must be kFreezeUntilKeyFrame (0) or kDecodeThroughLoss (1)");
  }
  PacketBufferConfig p;
  p.capacity = c.capacity;
  p.maxPayloadBytes = c.maxPayloadBytes;
  p.clockRate = c.clockRate;
  p.resetThreshold = c.capacity > 3000 ? c.capacity : 3000;
  return p;
}
}  // namespace

VideoJitterBuffer::VideoJitterBuffer(const VideoJitterBufferConfig& config)
    : config_(config), packets_(packetConfig(config)) {}

namespace {
VideoJitterBufferConfig flatConfig(int capacity, int maxPayloadBytes, int maxWaitMs, int reorderWaitMs,
                                   int pliIntervalMs, int policy) {
  if (capacity < 0 || maxPayloadBytes < 0) throw std::invalid_argument("capacity and maxPayloadBytes must be positive");
  VideoJitterBufferConfig c;
  c.capacity = static_cast<uint32_t>(capacity);
  c.maxPayloadBytes = static_cast<uint32_t>(maxPayloadBytes);
  c.maxWaitMs = maxWaitMs;
  c.reorderWaitMs = reorderWaitMs;
  c.pliIntervalMs = pliIntervalMs;
  c.policy = static_cast<VideoLossPolicy>(policy);
  return c;
}
}  // namespace

VideoJitterBuffer::VideoJitterBuffer(int capacity, int maxPayloadBytes, int maxWaitMs, int reorderWaitMs,
                                     int pliIntervalMs, int policy)
    : VideoJitterBuffer(flatConfig(capacity, maxPayloadBytes, maxWaitMs, reorderWaitMs, pliIntervalMs, policy)) {}

int VideoJitterBuffer::popFrame(int64_t nowNs, uint8_t* out, int capacity, int64_t* info) {
  if (info == nullptr) return kBadArgument;
  VideoFrameInfo i;
  const int r = popFrame(nowNs, out, capacity, &i);
  if (r >= 0 || r == kBufferTooSmall) {
    const int64_t v[kFrameInfoFields] = {i.timestamp, i.rtpTimestamp, i.firstSequence, i.lastSequence, i.size,
                                         i.packets,   i.keyFrame,     i.afterLoss,     i.width,        i.height,
                                         i.pictureId, i.arrivalNs};
    for (int k = 0; k < kFrameInfoFields; ++k) info[k] = v[k];
  }
  return r;
}

int VideoJitterBuffer::getStats(double* out, int capacity) const {
  if (out == nullptr || capacity < kStatsFields) return kBufferTooSmall;
  VideoJitterBufferStats s;
  getStats(&s);
  const double v[kStatsFields] = {
      static_cast<double>(s.packetsReceived), static_cast<double>(s.packetsLost), static_cast<double>(s.packetsDiscarded),
      static_cast<double>(s.packetsDuplicated), static_cast<double>(s.packetsLate), static_cast<double>(s.packetsReordered),
      static_cast<double>(s.maxReorderDistance), static_cast<double>(s.packetsInvalid), static_cast<double>(s.resets),
      static_cast<double>(s.bufferFlushes), s.jitterMs, static_cast<double>(s.framesReceived),
      static_cast<double>(s.framesDecoded), static_cast<double>(s.framesDropped), static_cast<double>(s.keyFramesReceived),
      static_cast<double>(s.pliSent), static_cast<double>(s.waitingForKeyFrameMs), static_cast<double>(s.freezeCount),
      static_cast<double>(s.totalFreezesDurationMs)};
  for (int k = 0; k < kStatsFields; ++k) out[k] = v[k];
  return kStatsFields;
}

int VideoJitterBuffer::pushRtp(const uint8_t* packet, int length, int64_t arrivalNs) {
  if (packet == nullptr || length < 0) return kBadArgument;
  RtpHeader h;
  if (parseRtpHeader(packet, static_cast<size_t>(length), &h) != RtpParseResult::kOk) {
    ++invalid_;
    return kInvalidData;
  }
  return push(h.sequenceNumber, h.timestamp, h.ssrc, h.marker, packet + h.payloadOffset,
              static_cast<int>(h.payloadLength), arrivalNs);
}

int VideoJitterBuffer::push(uint16_t sequenceNumber, uint32_t timestamp, uint32_t ssrc, bool marker,
                            const uint8_t* payload, int length, int64_t arrivalNs) {
  if (length < 0 || (length > 0 && payload == nullptr)) return kBadArgument;
  if (firstPacketNs_ == INT64_MIN) {
    firstPacketNs_ = arrivalNs;
    safetyDueNs_ = arrivalNs + static_cast<int64_t>(config_.noFrameRequestMs) * kNsPerMs;
  }
  InsertResult r;
  Vp8Descriptor d;
  bool key = false;
  int width = 0, height = 0;
  if (length == 0) {
    r = packets_.insert(sequenceNumber, timestamp, ssrc, 0, marker, nullptr, 0, true, arrivalNs);
  } else {
    if (!parseVp8Descriptor(payload, static_cast<size_t>(length), &d)) {
      ++invalid_;
      return kInvalidData;
    }
    const uint8_t* vp8 = payload + d.descriptorSize;
    const uint32_t vp8Length = static_cast<uint32_t>(length) - d.descriptorSize;
    if (d.isFrameStart() && !parseVp8PayloadHeader(vp8, vp8Length, &key, &width, &height)) {
      // A truncated key frame header cannot be decoded: keep the packet as a delta frame start.
      key = false;
    }
    r = packets_.insert(sequenceNumber, timestamp, ssrc, 0, marker, vp8, vp8Length, false, arrivalNs);
  }
  if (r.streamReset) onStreamReset();
  if (r.outcome == InsertOutcome::kInserted && length > 0) {
    PacketSlot* s = r.slot;
    s->frameStart = d.isFrameStart();
    s->keyFrame = s->frameStart && key;
    s->nonReference = d.nonReference;
    s->pictureId = d.pictureId;
    s->pictureIdBits = d.pictureIdBits;
    s->samples = width;
    s->aux = height;
  }
  return static_cast<int>(r.outcome);
}

void VideoJitterBuffer::onStreamReset() {
  // A new stream must start with a key frame; the chain of the old one means nothing.
  if (!waitingKeyFrame_) {
    waitingKeyFrame_ = true;
    waitActive_ = false;
  }
  chainBroken_ = true;
  lastPictureId_ = -1;
}

void VideoJitterBuffer::reset() {
  packets_.reset();
  onStreamReset();
}

void VideoJitterBuffer::enterWaitKeyFrame(int64_t nowNs) {
  if (!waitingKeyFrame_) {
    waitingKeyFrame_ = true;
    waitActive_ = false;
    if (everReleased_) ++stats_.freezeCount;
  }
  if (!waitActive_) {
    waitActive_ = true;
    waitStartNs_ = nowNs;
  }
  if (pliDueNs_ == INT64_MAX) pliDueNs_ = nowNs;
}

void VideoJitterBuffer::noteLoss(int64_t nowNs, bool frameLost) {
  chainBroken_ = true;
  lossSinceRelease_ = true;
  if (config_.policy == VideoLossPolicy::kFreezeUntilKeyFrame) {
    // A lost frame breaks the chain for sure; lost packets between frames may have been padding
    // (the next frame's PictureID decides).
    if (frameLost) enterWaitKeyFrame(nowNs);
  } else if (framesSinceLoss_ < 0) {
    framesSinceLoss_ = 0;
  }
}

bool VideoJitterBuffer::holeExpired(int64_t nowNs, const PacketSlot* next) const {
  const int64_t waited = nowNs - next->arrivalNs;
  if (waited >= static_cast<int64_t>(config_.maxWaitMs) * kNsPerMs) return true;
  if (waited < static_cast<int64_t>(config_.reorderWaitMs) * kNsPerMs) return false;
  // Has a later frame begun? Then the missing packets are most likely lost, not reordered.
  const PacketSlot* head = packets_.front();
  if (head == nullptr && next->frameStart) return true;
  const int64_t refTs = head != nullptr ? head->timestamp : next->timestamp;
  for (const PacketSlot* p = next; p != nullptr; p = packets_.nextHeld(p->sequence + 1)) {
    if (!p->padding && p->timestamp != refTs) return true;
  }
  return false;
}

int64_t VideoJitterBuffer::nextDeadlineNs() const {
  int64_t t = INT64_MAX;
  if ((waitingKeyFrame_ || keyFrameRequested_) && pliDueNs_ < t) t = pliDueNs_;
  if (!waitingKeyFrame_ && firstPacketNs_ != INT64_MIN && safetyDueNs_ < t) t = safetyDueNs_;
  if (packets_.front() == nullptr) {
    const PacketSlot* next = packets_.nextHeld(packets_.head());
    if (next != nullptr) {
      int64_t hole = next->arrivalNs + static_cast<int64_t>(config_.reorderWaitMs) * kNsPerMs;
      if (hole <= lastNowNs_) hole = next->arrivalNs + static_cast<int64_t>(config_.maxWaitMs) * kNsPerMs;
      if (hole < t) t = hole;
    }
  }
  return t;
}

bool VideoJitterBuffer::pollKeyFrameRequest(int64_t nowNs) {
  bool want = false;
  if (waitingKeyFrame_ || keyFrameRequested_) {
    want = nowNs >= pliDueNs_;
  } else if (firstPacketNs_ != INT64_MIN && nowNs >= safetyDueNs_) {
    want = true;
  }
  if (!want) return false;
  ++stats_.pliSent;
  pliDueNs_ = nowNs + static_cast<int64_t>(config_.pliIntervalMs) * kNsPerMs;
  safetyDueNs_ = nowNs + static_cast<int64_t>(config_.noFrameRequestMs) * kNsPerMs;
  return true;
}

int VideoJitterBuffer::popFrame(int64_t nowNs, uint8_t* out, int capacity, VideoFrameInfo* info) {
  if (info == nullptr || capacity < 0 || (out == nullptr && capacity > 0)) return kBadArgument;
  if (nowNs < lastNowNs_) nowNs = lastNowNs_;
  lastNowNs_ = nowNs;
  const int64_t cap = packets_.capacity();
  for (int guard = 0; guard < 4 * cap; ++guard) {
    const PacketSlot* head = packets_.front();
    if (head == nullptr) {
      const PacketSlot* next = packets_.nextHeld(packets_.head() + 1);
      if (next == nullptr) return kWouldBlock;
      if (!holeExpired(nowNs, next)) return kWouldBlock;
      packets_.skipTo(next->sequence);
      noteLoss(nowNs, false);
      continue;
    }
    if (head->padding) {
      packets_.releaseFront();
      continue;
    }
    if (!head->frameStart) {
      // At the very start of a stream the first packet of the frame may still come (reordered):
      // wait for it as for any other missing packet.
      if (!packets_.headFixed() && !holeExpired(nowNs, head)) return kWouldBlock;
      // The start of this frame never came (or the stream was joined mid-frame): drop the rest of it.
      const int64_t ts = head->timestamp;
      int64_t s = head->sequence;
      for (const PacketSlot* p = head; p != nullptr && p->timestamp == ts && !p->frameStart && !p->padding;
           p = packets_.find(s)) {
        ++s;
      }
      packets_.skipTo(s);
      ++stats_.framesDropped;
      noteLoss(nowNs, true);
      continue;
    }
    // Look for the end of the frame.
    bool complete = false;
    int64_t end = head->sequence;
    int64_t missing = -1;
    int64_t bytes = 0;
    int packets = 0;
    for (int64_t s = head->sequence; packets <= cap; ++s) {
      const PacketSlot* p = packets_.find(s);
      if (p == nullptr) {
        missing = s;
        break;
      }
      if (s != head->sequence && (p->padding || p->timestamp != head->timestamp || p->frameStart)) {
        // The next frame began without a marker bit on this one: take what we have as the frame.
        complete = true;
        end = s - 1;
        break;
      }
      bytes += p->length;
      ++packets;
      if (p->marker) {
        complete = true;
        end = s;
        break;
      }
    }
    if (!complete) {
      if (missing < 0) {
        // More packets than the buffer can hold for one frame: drop it.
        packets_.skipTo(head->sequence + packets);
        ++stats_.framesDropped;
        noteLoss(nowNs, true);
        continue;
      }
      const PacketSlot* next = packets_.nextHeld(missing);
      if (next == nullptr || !holeExpired(nowNs, next)) return kWouldBlock;
      const bool nonReference = head->nonReference;
      const int32_t pid = head->pictureId;
      const uint8_t bits = head->pictureIdBits;
      const int64_t frameTs = head->timestamp;
      // Past the hole and the rest of this frame's packets.
      int64_t resume = next->sequence;
      for (const PacketSlot* p = next; p != nullptr && p->timestamp == frameTs && !p->frameStart && !p->padding;
           p = packets_.nextHeld(resume)) {
        resume = p->sequence + 1;
      }
      packets_.skipTo(missing);  // the frame's packets: dropped
      packets_.skipTo(resume);   // the hole (lost) and the frame's later packets (dropped)
      ++stats_.framesDropped;
      if (nonReference && pid >= 0 && !chainBroken_) {
        // A non-reference frame: nothing depends on it, the chain holds.
        lastPictureId_ = pid;
        lastPictureIdBits_ = bits;
      } else {
        noteLoss(nowNs, true);
      }
      continue;
    }
    ++stats_.framesReceived;
    const bool key = head->keyFrame;
    if (key) ++stats_.keyFramesReceived;
    bool pidContinuous = false;
    if (lastPictureId_ >= 0 && head->pictureId >= 0 && head->pictureIdBits == lastPictureIdBits_) {
      const int32_t mod = 1 << head->pictureIdBits;
      pidContinuous = ((lastPictureId_ + 1) % mod) == head->pictureId;
    }
    bool decodable;
    if (key) {
      decodable = true;
    } else if (config_.policy == VideoLossPolicy::kDecodeThroughLoss) {
      decodable = everReleased_ && !waitingKeyFrame_;
    } else {
      decodable = !waitingKeyFrame_ && (!chainBroken_ || pidContinuous);
    }
    if (!decodable) {
      packets_.skipTo(end + 1);
      ++stats_.framesDropped;
      chainBroken_ = true;
      enterWaitKeyFrame(nowNs);
      continue;
    }
    if (bytes > capacity) {
      info->size = static_cast<int32_t>(bytes);
      return kBufferTooSmall;
    }
    info->timestamp = head->timestamp;
    info->rtpTimestamp = static_cast<uint32_t>(head->timestamp);
    info->firstSequence = head->sequence;
    info->lastSequence = end;
    info->size = static_cast<int32_t>(bytes);
    info->packets = static_cast<int32_t>(end - head->sequence + 1);
    info->keyFrame = key;
    info->afterLoss = lossSinceRelease_;
    info->width = key ? head->samples : 0;
    info->height = key ? head->aux : 0;
    info->pictureId = head->pictureId;
    const int32_t pid = head->pictureId;
    const uint8_t bits = head->pictureIdBits;
    int64_t offset = 0;
    for (int64_t s = info->firstSequence; s <= end; ++s) {
      const PacketSlot* p = packets_.front();
      if (p->length > 0) std::memcpy(out + offset, p->payload, p->length);
      offset += p->length;
      info->arrivalNs = p->arrivalNs;
      packets_.releaseFront();
    }
    lastPictureId_ = pid;
    lastPictureIdBits_ = bits;
    chainBroken_ = false;
    lossSinceRelease_ = false;
    if (key) {
      if (waitingKeyFrame_ && waitActive_) {
        stats_.waitingForKeyFrameMs += (nowNs - waitStartNs_) / kNsPerMs;
        if (everReleased_) stats_.totalFreezesDurationMs += (nowNs - lastReleaseNs_) / kNsPerMs;
      }
      waitingKeyFrame_ = false;
      waitActive_ = false;
      keyFrameRequested_ = false;
      framesSinceLoss_ = -1;
      pliDueNs_ = INT64_MAX;
    } else if (framesSinceLoss_ >= 0) {
      if (++framesSinceLoss_ >= config_.decodeThroughLossFrames && !keyFrameRequested_) {
        keyFrameRequested_ = true;
        pliDueNs_ = nowNs;
      }
    }
    everReleased_ = true;
    lastReleaseNs_ = nowNs;
    lastDecodableNs_ = nowNs;
    safetyDueNs_ = nowNs + static_cast<int64_t>(config_.noFrameRequestMs) * kNsPerMs;
    ++stats_.framesDecoded;
    return static_cast<int>(bytes);
  }
  return kWouldBlock;
}

void VideoJitterBuffer::getStats(VideoJitterBufferStats* out) const {
  *out = stats_;
  fillPacketStats(packets_, invalid_, out);
  if (waitingKeyFrame_ && waitActive_ && lastNowNs_ > waitStartNs_) {
    out->waitingForKeyFrameMs += (lastNowNs_ - waitStartNs_) / kNsPerMs;
  }
}

}  // namespace lkmedia
