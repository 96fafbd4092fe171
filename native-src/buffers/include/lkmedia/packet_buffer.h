// The core shared by the audio and video jitter buffers: a ring of packet slots indexed by the
// 64-bit unwrapped sequence number modulo the capacity, with the payload bytes copied into an arena
// allocated once at construction. Insert and release are O(1); nothing allocates after construction.
//
// Packet policy (media-core.md section 1.6):
//  - sequence numbers and timestamps are unwrapped to 64 bits (half-range rule);
//  - a packet already held                       -> duplicate, dropped;
//  - a packet older than the release point       -> late (or duplicate, if it had been released), dropped;
//  - a jump of more than `resetThreshold` sequence numbers from the highest one, or a new SSRC
//    -> stream reset: everything held is flushed and the new packet starts a new stream;
//  - a packet `capacity` or more ahead of the release point -> the oldest packets are dropped to make
//    room (overflow), never the newest.
//
// Not thread-safe: one thread at a time (the jitter buffers that own it say the same).
#ifndef LKMEDIA_PACKET_BUFFER_H
#define LKMEDIA_PACKET_BUFFER_H

#include <cstddef>
#include <cstdint>
#include <memory>

#include "lkmedia/sequence_unwrapper.h"

namespace lkmedia {

struct PacketBufferConfig {
  uint32_t capacity = 256;         // slots; a power of two in [16, 16384]
  uint32_t maxPayloadBytes = 1500; // larger payloads are rejected
  uint32_t resetThreshold = 3000;  // sequence jump treated as a stream restart (LiveKit's value)
  uint32_t clockRate = 48000;      // RTP clock, for the RFC 3550 jitter figure
  // A timestamp jump (either way) larger than this many seconds between neighbouring packets is
  // also a stream restart; it keeps hostile timestamps from growing without bound.
  uint32_t resetTimestampJumpSeconds = 600;
};

// One stored packet. Fields after `padding` are free for the owning buffer (codec data).
struct PacketSlot {
  int64_t sequence = 0;    // unwrapped
  int64_t timestamp = 0;   // unwrapped
  int64_t arrivalNs = 0;
  const uint8_t* payload = nullptr;  // inside the arena; valid until the slot is reused
  uint32_t length = 0;
  uint32_t epoch = 0;
  uint8_t state = 0;       // internal
  uint8_t payloadType = 0;
  bool marker = false;
  bool padding = false;    // padding-only packet: holds a sequence number, no media
  // Codec data written by the owning buffer after insert.
  bool frameStart = false;
  bool keyFrame = false;
  bool fec = false;
  bool dtx = false;
  bool nonReference = false;
  uint8_t pictureIdBits = 0;
  int32_t pictureId = -1;
  int32_t samples = 0;     // decoded duration, or frame width/height packed by the video buffer
  int32_t aux = 0;
};

enum class InsertOutcome : int {
  kInserted = 0,
  kDuplicate = 1,
  kLate = 2,
  kTooLarge = 3,
};

struct InsertResult {
  InsertOutcome outcome = InsertOutcome::kInserted;
  bool streamReset = false;     // the stream was reset before this packet was inserted
  uint32_t overflowDropped = 0; // held packets dropped to make room
  PacketSlot* slot = nullptr;   // the stored packet when outcome == kInserted
  int64_t sequence = 0;         // unwrapped sequence number and timestamp of the packet
  int64_t timestamp = 0;        // (also for duplicates and late packets)
};

// Counters, named as the WebRTC inbound-rtp statistics where one exists.
struct PacketBufferCounters {
  int64_t packetsReceived = 0;      // every packet handed to insert (valid RTP), duplicates and late ones included
  int64_t packetsDuplicated = 0;
  int64_t packetsLate = 0;          // arrived after their release point had passed
  int64_t packetsOverflowDropped = 0;
  int64_t packetsTooLarge = 0;
  int64_t packetsReordered = 0;     // arrived after a packet with a higher sequence number
  int64_t maxReorderDistance = 0;
  int64_t packetsSkipped = 0;       // sequence numbers never received by the time they were due
  int64_t packetsDropped = 0;       // held packets thrown away by the owner's policy (e.g. undecodable video)
  int64_t paddingPackets = 0;
  int64_t resets = 0;
  int64_t bufferFlushes = 0;        // overflow events (each drops one or more of the oldest packets)
};

class PacketBuffer {
 public:
  explicit PacketBuffer(const PacketBufferConfig& config);
  PacketBuffer(const PacketBuffer&) = delete;
  PacketBuffer& operator=(const PacketBuffer&) = delete;

  // Stores a packet. `payload` may be null when `length` is 0.
  InsertResult insert(uint16_t sequenceNumber, uint32_t timestamp, uint32_t ssrc, uint8_t payloadType,
                      bool marker, const uint8_t* payload, uint32_t length, bool padding, int64_t arrivalNs);

  // The held packet with this unwrapped sequence number, or null.
  const PacketSlot* find(int64_t sequence) const;
  PacketSlot* findMutable(int64_t sequence);
  // The packet at the release point, or null when it is missing.
  const PacketSlot* front() const { return find(head_); }
  // The first held packet at or after `from` (bounded by the capacity), or null.
  const PacketSlot* nextHeld(int64_t from) const;

  // Releases the packet at the release point (it must be held) and advances.
  void releaseFront();
  // Moves the release point to `sequence`. Missing sequence numbers passed over count as skipped
  // (`countSkipped`); held packets passed over count as dropped.
  void skipTo(int64_t sequence, bool countSkipped = true);
  // Flushes everything; the next packet starts a new stream.
  void reset();

  int64_t head() const { return head_; }           // next sequence number to release
  int64_t highest() const { return highest_; }     // highest sequence number received
  bool started() const { return started_; }
  // True once something was released or skipped: packets before head() are late from then on.
  bool headFixed() const { return headFixed_; }
  uint32_t heldCount() const { return held_; }
  uint32_t capacity() const { return config_.capacity; }
  uint32_t epoch() const { return epoch_; }
  const PacketBufferCounters& counters() const { return counters_; }
  PacketBufferCounters& counters() { return counters_; }
  // RFC 3550: expected (from the sequence numbers) minus received, summed over stream resets.
  int64_t packetsLost() const;
  // RFC 3550 interarrival jitter in milliseconds.
  double jitterMs() const;

 private:
  void flushHeld();
  void startStream(int64_t sequence);

  PacketBufferConfig config_;
  uint64_t mask_;
  std::unique_ptr<PacketSlot[]> slots_;
  std::unique_ptr<uint8_t[]> arena_;
  int64_t head_ = 0;
  int64_t highest_ = 0;
  bool started_ = false;
  bool headFixed_ = false;  // something was released: the release point no longer moves back
  uint32_t held_ = 0;
  uint32_t epoch_ = 1;
  bool hasSsrc_ = false;
  uint32_t ssrc_ = 0;
  SequenceUnwrapper seqUnwrapper_;
  TimestampUnwrapper tsUnwrapper_;
  int64_t maxTimestampJump_ = 0;
  // RFC 3550 bookkeeping
  int64_t baseSeq_ = 0;
  int64_t expectedPrior_ = 0;
  int64_t receivedPrior_ = 0;
  int64_t receivedStream_ = 0;
  bool jitterValid_ = false;
  int64_t lastTransitNs_ = 0;
  double jitterNs_ = 0;
  PacketBufferCounters counters_;
};

// Copies the packet-level statistics every jitter buffer reports (WebRTC names) from `packets` into `out`,
// a stats struct with those fields; `invalid` counts inputs that were not valid RTP.
template <typename Stats>
void fillPacketStats(const PacketBuffer& packets, int64_t invalid, Stats* out) {
  const PacketBufferCounters& c = packets.counters();
  out->packetsReceived = c.packetsReceived;
  out->packetsLost = packets.packetsLost();
  out->packetsDuplicated = c.packetsDuplicated;
  out->packetsLate = c.packetsLate;
  out->packetsDiscarded = c.packetsDuplicated + c.packetsLate + c.packetsOverflowDropped + c.packetsTooLarge;
  out->packetsReordered = c.packetsReordered;
  out->maxReorderDistance = c.maxReorderDistance;
  out->packetsInvalid = invalid;
  out->resets = c.resets;
  out->bufferFlushes = c.bufferFlushes;
  out->jitterMs = packets.jitterMs();
}

}  // namespace lkmedia

#endif  // LKMEDIA_PACKET_BUFFER_H
