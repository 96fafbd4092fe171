#include "lkmedia/packet_buffer.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace lkmedia {

namespace {
enum SlotState : uint8_t { kEmpty = 0, kHeld = 1, kReleased = 2 };
}

PacketBuffer::PacketBuffer(const PacketBufferConfig& config) : config_(config) {
  const uint32_t c = config.capacity;
  if (c < 16 || c > 16384 || (c & (c - 1)) != 0) {
    throw std::invalid_argument("capacity must be a power of two in [16, 16384], got " + std::to_string(c));
  }
  if (config.maxPayloadBytes < 1 || config.maxPayloadBytes > 65536) {
    throw std::invalid_argument("maxPayloadBytes must be in [1, 65536], got " +
                                std::to_string(config.maxPayloadBytes));
  }
  if (config.resetThreshold < c) {
    throw std::invalid_argument("resetThreshold must be >= capacity (" + std::to_string(c) + "), got " +
                                std::to_string(config.resetThreshold));
  }
  if (config.resetThreshold >= 32768) {
    throw std::invalid_argument("resetThreshold must be < 32768, got " + std::to_string(config.resetThreshold));
  }
  if (config.clockRate < 1000 || config.clockRate > 1000000) {
    throw std::invalid_argument("clockRate must be in [1000, 1000000] Hz, got " + std::to_string(config.clockRate));
  }
  if (config.resetTimestampJumpSeconds < 1 || config.resetTimestampJumpSeconds > 3600) {
    throw std::invalid_argument("resetTimestampJumpSeconds must be in [1, 3600], got " +
                                std::to_string(config.resetTimestampJumpSeconds));
  }
  mask_ = c - 1;
  slots_.reset(new PacketSlot[c]);
  arena_.reset(new uint8_t[static_cast<size_t>(c) * config.maxPayloadBytes]);
  for (uint32_t i = 0; i < c; ++i) slots_[i].payload = arena_.get() + static_cast<size_t>(i) * config.maxPayloadBytes;
  maxTimestampJump_ = static_cast<int64_t>(config.resetTimestampJumpSeconds) * config.clockRate;
}

const PacketSlot* PacketBuffer::find(int64_t sequence) const {
  const PacketSlot& s = slots_[static_cast<uint64_t>(sequence) & mask_];
  return (s.state == kHeld && s.sequence == sequence && s.epoch == epoch_) ? &s : nullptr;
}

PacketSlot* PacketBuffer::findMutable(int64_t sequence) {
  PacketSlot& s = slots_[static_cast<uint64_t>(sequence) & mask_];
  return (s.state == kHeld && s.sequence == sequence && s.epoch == epoch_) ? &s : nullptr;
}

const PacketSlot* PacketBuffer::nextHeld(int64_t from) const {
  if (held_ == 0 || !started_) return nullptr;
  if (from < head_) from = head_;
  const int64_t end = head_ + static_cast<int64_t>(config_.capacity);
  const int64_t last = highest_ < end - 1 ? highest_ : end - 1;
  for (int64_t s = from; s <= last; ++s) {
    const PacketSlot* p = find(s);
    if (p != nullptr) return p;
  }
  return nullptr;
}

void PacketBuffer::flushHeld() {
  if (held_ > 0) {
    const int64_t end = head_ + static_cast<int64_t>(config_.capacity);
    for (int64_t s = head_; s < end && held_ > 0; ++s) {
      PacketSlot& slot = slots_[static_cast<uint64_t>(s) & mask_];
      if (slot.state == kHeld && slot.epoch == epoch_) {
        slot.state = kEmpty;
        --held_;
      }
    }
  }
  held_ = 0;
  ++epoch_;  // every older slot (held or released) now belongs to a previous stream
}

void PacketBuffer::startStream(int64_t sequence) {
  started_ = true;
  headFixed_ = false;
  head_ = sequence;
  highest_ = sequence;
  baseSeq_ = sequence;
  receivedStream_ = 0;
  jitterValid_ = false;
}

void PacketBuffer::reset() {
  if (started_) {
    expectedPrior_ += highest_ - baseSeq_ + 1;
    receivedPrior_ += receivedStream_;
  }
  flushHeld();
  started_ = false;
  headFixed_ = false;
  hasSsrc_ = false;
  seqUnwrapper_.reset();
  tsUnwrapper_.reset();
  receivedStream_ = 0;
}

InsertResult PacketBuffer::insert(uint16_t sequenceNumber, uint32_t timestamp, uint32_t ssrc, uint8_t payloadType,
                                  bool marker, const uint8_t* payload, uint32_t length, bool padding,
                                  int64_t arrivalNs) {
  InsertResult r;
  ++counters_.packetsReceived;
  if (length > config_.maxPayloadBytes || (payload == nullptr && length > 0)) {
    ++counters_.packetsTooLarge;
    r.outcome = InsertOutcome::kTooLarge;
    return r;
  }
  bool reset = false;
  if (hasSsrc_ && ssrc != ssrc_) reset = true;
  int64_t seq = 0;
  int64_t ts = 0;
  if (!reset && started_) {
    const int64_t previousHighest = seqUnwrapper_.highest();
    const int64_t previousTs = tsUnwrapper_.highest();
    seq = seqUnwrapper_.unwrap(sequenceNumber);
    ts = tsUnwrapper_.unwrap(timestamp);
    const int64_t jump = seq - previousHighest;
    const int64_t tsJump = ts - previousTs;
    if (jump > static_cast<int64_t>(config_.resetThreshold) || -jump > static_cast<int64_t>(config_.resetThreshold) ||
        tsJump > maxTimestampJump_ || -tsJump > maxTimestampJump_) {
      reset = true;
    }
  }
  if (reset) {
    this->reset();
    ++counters_.resets;
    r.streamReset = true;
  }
  if (!started_) {
    seq = seqUnwrapper_.unwrap(sequenceNumber);
    ts = tsUnwrapper_.unwrap(timestamp);
    startStream(seq);
    hasSsrc_ = true;
    ssrc_ = ssrc;
  }
  ++receivedStream_;
  r.sequence = seq;
  r.timestamp = ts;

  // RFC 3550 interarrival jitter, in arrival order.
  {
    const int64_t tsNs = (ts / config_.clockRate) * 1000000000LL + (ts % config_.clockRate) * 1000000000LL / config_.clockRate;
    const int64_t transit = arrivalNs - tsNs;
    if (jitterValid_) {
      int64_t d = transit - lastTransitNs_;
      if (d < 0) d = -d;
      jitterNs_ += (static_cast<double>(d) - jitterNs_) / 16.0;
    }
    lastTransitNs_ = transit;
    jitterValid_ = true;
  }

  if (seq < head_) {
    if (!headFixed_ && highest_ - seq < static_cast<int64_t>(config_.capacity)) {
      head_ = seq;  // reordered before anything was released: extend the window backwards
      if (seq < baseSeq_) baseSeq_ = seq;
    } else {
      const PacketSlot& s = slots_[static_cast<uint64_t>(seq) & mask_];
      if (s.sequence == seq && s.epoch == epoch_ && s.state == kReleased) {
        ++counters_.packetsDuplicated;
        r.outcome = InsertOutcome::kDuplicate;
      } else {
        ++counters_.packetsLate;
        r.outcome = InsertOutcome::kLate;
      }
      return r;
    }
  }
  const int64_t cap = static_cast<int64_t>(config_.capacity);
  if (seq - head_ >= cap) {
    const uint32_t heldBefore = held_;
    const int64_t droppedBefore = counters_.packetsDropped;
    skipTo(seq - cap + 1, true);
    // Overflow drops count as overflow, not as the owner's policy drops.
    counters_.packetsDropped = droppedBefore;
    r.overflowDropped = static_cast<uint32_t>(heldBefore - held_);
    counters_.packetsOverflowDropped += r.overflowDropped;
    ++counters_.bufferFlushes;
  }
  PacketSlot& slot = slots_[static_cast<uint64_t>(seq) & mask_];
  if (slot.state == kHeld && slot.epoch == epoch_ && slot.sequence == seq) {
    ++counters_.packetsDuplicated;
    r.outcome = InsertOutcome::kDuplicate;
    return r;
  }
  if (seq < highest_) {
    ++counters_.packetsReordered;
    const int64_t distance = highest_ - seq;
    if (distance > counters_.maxReorderDistance) counters_.maxReorderDistance = distance;
  } else {
    highest_ = seq;
  }
  uint8_t* dst = const_cast<uint8_t*>(slot.payload);
  if (length > 0) std::memcpy(dst, payload, length);
  slot.sequence = seq;
  slot.timestamp = ts;
  slot.arrivalNs = arrivalNs;
  slot.length = length;
  slot.epoch = epoch_;
  slot.state = kHeld;
  slot.payloadType = payloadType;
  slot.marker = marker;
  slot.padding = padding;
  slot.frameStart = false;
  slot.keyFrame = false;
  slot.fec = false;
  slot.dtx = false;
  slot.nonReference = false;
  slot.pictureIdBits = 0;
  slot.pictureId = -1;
  slot.samples = 0;
  slot.aux = 0;
  ++held_;
  if (padding) ++counters_.paddingPackets;
  r.outcome = InsertOutcome::kInserted;
  r.slot = &slot;
  return r;
}

void PacketBuffer::releaseFront() {
  PacketSlot& slot = slots_[static_cast<uint64_t>(head_) & mask_];
  if (slot.state == kHeld && slot.epoch == epoch_ && slot.sequence == head_) {
    slot.state = kReleased;
    --held_;
  }
  ++head_;
  headFixed_ = true;
}

void PacketBuffer::skipTo(int64_t sequence, bool countSkipped) {
  if (!started_ || sequence <= head_) return;
  const int64_t cap = static_cast<int64_t>(config_.capacity);
  const int64_t scanEnd = sequence < head_ + cap ? sequence : head_ + cap;
  for (int64_t s = head_; s < scanEnd; ++s) {
    PacketSlot& slot = slots_[static_cast<uint64_t>(s) & mask_];
    if (slot.state == kHeld && slot.epoch == epoch_ && slot.sequence == s) {
      slot.state = kEmpty;
      --held_;
      ++counters_.packetsDropped;
    } else if (countSkipped && s <= highest_) {
      ++counters_.packetsSkipped;
    }
  }
  // Sequence numbers beyond anything received are not counted: nothing says they existed.
  if (sequence > scanEnd && countSkipped) {
    const int64_t upto = sequence - 1 < highest_ ? sequence - 1 : highest_;
    if (upto >= scanEnd) counters_.packetsSkipped += upto - scanEnd + 1;
  }
  head_ = sequence;
  headFixed_ = true;
  if (highest_ < head_ - 1) highest_ = head_ - 1;
}

int64_t PacketBuffer::packetsLost() const {
  int64_t expected = expectedPrior_;
  int64_t received = receivedPrior_;
  if (started_) {
    expected += highest_ - baseSeq_ + 1;
    received += receivedStream_;
  }
  return expected - received;
}

double PacketBuffer::jitterMs() const { return jitterNs_ / 1e6; }

}  // namespace lkmedia
