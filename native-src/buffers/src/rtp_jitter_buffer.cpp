#include "lkmedia/rtp_jitter_buffer.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "lkmedia/rtp_packet.h"
#include "lkmedia/status.h"

namespace lkmedia {

namespace {
constexpr int64_t kNsPerMs = 1000000;

PacketBufferConfig packetConfig(const RtpJitterBufferConfig& c) {
  if (c.maxWaitMs < 0 || c.maxWaitMs > 10000) {
    throw std::invalid_argument("maxWaitMs must be in [0, 10000], got " + std::to_string(c.maxWaitMs));
  }
  if (c.latencyMs < 0 || c.latencyMs > 10000) {
    throw std::invalid_argument("latencyMs must be in [0, 10000], got " + std::to_string(c.latencyMs));
  }
  PacketBufferConfig p;
  p.capacity = c.capacity;
  p.maxPayloadBytes = c.maxPayloadBytes;
  p.clockRate = c.clockRate;
  return p;
}
}  // namespace

RtpJitterBuffer::RtpJitterBuffer(const RtpJitterBufferConfig& config) : config_(config), packets_(packetConfig(config)) {}

namespace {
RtpJitterBufferConfig flatConfig(int capacity, int maxPayloadBytes, int clockRate, int maxWaitMs, int latencyMs) {
  if (capacity < 0 || maxPayloadBytes < 0 || clockRate < 0) {
    throw std::invalid_argument("capacity, maxPayloadBytes and clockRate must be positive");
  }
  RtpJitterBufferConfig c;
  c.capacity = static_cast<uint32_t>(capacity);
  c.maxPayloadBytes = static_cast<uint32_t>(maxPayloadBytes);
  c.clockRate = static_cast<uint32_t>(clockRate);
  c.maxWaitMs = maxWaitMs;
  c.latencyMs = latencyMs;
  return c;
}
}  // namespace

RtpJitterBuffer::RtpJitterBuffer(int capacity, int maxPayloadBytes, int clockRate, int maxWaitMs, int latencyMs)
    : RtpJitterBuffer(flatConfig(capacity, maxPayloadBytes, clockRate, maxWaitMs, latencyMs)) {}

int RtpJitterBuffer::popPacket(int64_t nowNs, uint8_t* out, int capacity, int64_t* info) {
  if (info == nullptr) return kBadArgument;
  RtpPacketInfo i;
  const int r = popPacket(nowNs, out, capacity, &i);
  if (r >= 0 || r == kBufferTooSmall) {
    info[0] = i.sequence;
    info[1] = i.timestamp;
    info[2] = i.sequenceNumber;
    info[3] = i.rtpTimestamp;
    info[4] = i.size;
    info[5] = i.lostBefore;
    info[6] = i.marker ? 1 : 0;
    info[7] = i.payloadType;
    info[8] = i.arrivalNs;
  }
  return r;
}

int RtpJitterBuffer::getStats(double* out, int capacity) const {
  if (out == nullptr || capacity < kStatsFields) return kBufferTooSmall;
  const PacketBufferCounters& c = packets_.counters();
  const double v[kStatsFields] = {static_cast<double>(c.packetsReceived), static_cast<double>(packets_.packetsLost()),
                                  static_cast<double>(c.packetsDuplicated), static_cast<double>(c.packetsLate),
                                  static_cast<double>(c.packetsReordered), static_cast<double>(c.maxReorderDistance),
                                  static_cast<double>(invalid_), static_cast<double>(c.resets),
                                  static_cast<double>(c.bufferFlushes), static_cast<double>(c.packetsSkipped),
                                  packets_.jitterMs(), static_cast<double>(packets_.heldCount())};
  for (int k = 0; k < kStatsFields; ++k) out[k] = v[k];
  return kStatsFields;
}

int RtpJitterBuffer::pushRtp(const uint8_t* packet, int length, int64_t arrivalNs) {
  if (packet == nullptr || length < 0) return kBadArgument;
  RtpHeader h;
  if (parseRtpHeader(packet, static_cast<size_t>(length), &h) != RtpParseResult::kOk) {
    ++invalid_;
    return kInvalidData;
  }
  return push(h.sequenceNumber, h.timestamp, h.ssrc, h.payloadType, h.marker, packet + h.payloadOffset,
              static_cast<int>(h.payloadLength), arrivalNs);
}

int RtpJitterBuffer::push(uint16_t sequenceNumber, uint32_t timestamp, uint32_t ssrc, uint8_t payloadType,
                          bool marker, const uint8_t* payload, int length, int64_t arrivalNs) {
  if (length < 0 || (length > 0 && payload == nullptr)) return kBadArgument;
  const InsertResult r = packets_.insert(sequenceNumber, timestamp, ssrc, payloadType, marker, payload,
                                         static_cast<uint32_t>(length), length == 0, arrivalNs);
  if (r.streamReset) pendingLost_ = 0;
  return static_cast<int>(r.outcome);
}

int RtpJitterBuffer::popPacket(int64_t nowNs, uint8_t* out, int capacity, RtpPacketInfo* info) {
  if (info == nullptr || capacity < 0 || (out == nullptr && capacity > 0)) return kBadArgument;
  for (;;) {
    const PacketSlot* p = packets_.front();
    if (p == nullptr) {
      const PacketSlot* next = packets_.nextHeld(packets_.head() + 1);
      if (next == nullptr) return kWouldBlock;
      if (nowNs - next->arrivalNs < static_cast<int64_t>(config_.maxWaitMs) * kNsPerMs) return kWouldBlock;
      pendingLost_ += static_cast<int32_t>(next->sequence - packets_.head());
      packets_.skipTo(next->sequence);
      continue;
    }
    if (p->padding) {
      packets_.releaseFront();
      continue;
    }
    if (nowNs - p->arrivalNs < static_cast<int64_t>(config_.latencyMs) * kNsPerMs) return kWouldBlock;
    if (static_cast<int64_t>(p->length) > capacity) {
      info->size = static_cast<int32_t>(p->length);
      return kBufferTooSmall;
    }
    if (p->length > 0) std::memcpy(out, p->payload, p->length);
    info->sequence = p->sequence;
    info->timestamp = p->timestamp;
    info->sequenceNumber = static_cast<uint16_t>(p->sequence);
    info->rtpTimestamp = static_cast<uint32_t>(p->timestamp);
    info->size = static_cast<int32_t>(p->length);
    info->lostBefore = pendingLost_;
    info->marker = p->marker;
    info->payloadType = p->payloadType;
    info->arrivalNs = p->arrivalNs;
    pendingLost_ = 0;
    const int size = static_cast<int>(p->length);
    packets_.releaseFront();
    return size;
  }
}

}  // namespace lkmedia
