// Packet mode: releases RTP packets in sequence order, undecoded, for paths that store or forward
// media (recording to Ogg/Opus or IVF, test taps). A missing packet is waited for up to maxWaitMs
// after a later one arrived, then reported lost; with latencyMs > 0 every packet is also held until
// it is that old (a fixed-latency buffer, like LiveKit's Go jitter buffer for SIP).
//
// Threads: not thread-safe; one thread at a time. No allocation after construction.
#ifndef LKMEDIA_RTP_JITTER_BUFFER_H
#define LKMEDIA_RTP_JITTER_BUFFER_H

#include <cstdint>

#include "lkmedia/packet_buffer.h"

namespace lkmedia {

struct RtpJitterBufferConfig {
  uint32_t capacity = 256;
  uint32_t maxPayloadBytes = 1500;
  uint32_t clockRate = 48000;
  int maxWaitMs = 60;     // wait for a missing packet at most this long after a later one arrived
  int latencyMs = 0;      // hold every packet this long after its arrival (0: release when in order)
};

// What popPacket() wrote.
struct RtpPacketInfo {
  int64_t sequence = 0;     // unwrapped
  int64_t timestamp = 0;    // unwrapped
  uint16_t sequenceNumber = 0;
  uint32_t rtpTimestamp = 0;
  int32_t size = 0;         // payload bytes written (or needed, with kBufferTooSmall)
  int32_t lostBefore = 0;   // sequence numbers given up on right before this packet
  bool marker = false;
  uint8_t payloadType = 0;
  int64_t arrivalNs = 0;
};

class RtpJitterBuffer {
 public:
  explicit RtpJitterBuffer(const RtpJitterBufferConfig& config);
  // The same with plain arguments (for bindings).
  RtpJitterBuffer(int capacity, int maxPayloadBytes, int clockRate, int maxWaitMs, int latencyMs);

  // Inserts a whole RTP packet: the InsertOutcome (>= 0) or kInvalidData.
  int pushRtp(const uint8_t* packet, int length, int64_t arrivalNs);
  // Inserts a packet given its fields.
  int push(uint16_t sequenceNumber, uint32_t timestamp, uint32_t ssrc, uint8_t payloadType, bool marker,
           const uint8_t* payload, int length, int64_t arrivalNs);
  // Writes the next packet's payload into `out`: its size (>= 0), kWouldBlock when none is due,
  // kBufferTooSmall (info->size = bytes needed; nothing consumed).
  int popPacket(int64_t nowNs, uint8_t* out, int capacity, RtpPacketInfo* info);
  void reset() { packets_.reset(); pendingLost_ = 0; }
  const PacketBufferCounters& counters() const { return packets_.counters(); }
  int64_t packetsLost() const { return packets_.packetsLost(); }
  double jitterMs() const { return packets_.jitterMs(); }
  uint32_t heldCount() const { return packets_.heldCount(); }
  int64_t invalidPackets() const { return invalid_; }

  // For bindings: popPacket() writing the packet info as kPacketInfoFields int64 values (sequence,
  // timestamp, sequenceNumber, rtpTimestamp, size, lostBefore, marker, payloadType, arrivalNs), and
  // the statistics as kStatsFields doubles (packetsReceived, packetsLost, packetsDuplicated,
  // packetsLate, packetsReordered, maxReorderDistance, packetsInvalid, resets, bufferFlushes,
  // packetsSkipped, jitterMs, held).
  static constexpr int kPacketInfoFields = 9;
  static constexpr int kStatsFields = 12;
  int popPacket(int64_t nowNs, uint8_t* out, int capacity, int64_t* info);
  int getStats(double* out, int capacity) const;

 private:
  RtpJitterBufferConfig config_;
  PacketBuffer packets_;
  int32_t pendingLost_ = 0;
  int64_t invalid_ = 0;
};

}  // namespace lkmedia

#endif  // LKMEDIA_RTP_JITTER_BUFFER_H
