// The slot ring under reordering, duplicates, late packets, overflow, wrap and stream resets.
#include "lk_test.h"
#include "lkmedia/packet_buffer.h"

using namespace lkmedia;

namespace {
const uint8_t kPayload[4] = {1, 2, 3, 4};
InsertResult put(PacketBuffer& b, uint16_t seq, uint32_t ssrc = 1, uint32_t ts = 0) {
  return b.insert(seq, ts ? ts : seq * 960u, ssrc, 111, false, kPayload, 4, false, 0);
}
PacketBufferConfig cfg(uint32_t capacity = 64) {
  PacketBufferConfig c;
  c.capacity = capacity;
  return c;
}
}  // namespace

LK_TEST(release_in_order_after_reordering) {
  PacketBuffer b(cfg());
  const uint16_t order[] = {10, 12, 11, 14, 13};
  for (uint16_t s : order) LK_CHECK(put(b, s).outcome == InsertOutcome::kInserted);
  LK_CHECK_EQ(b.counters().packetsReordered, 2);
  LK_CHECK_EQ(b.counters().maxReorderDistance, 1);
  for (int s = 10; s <= 14; ++s) {
    const PacketSlot* f = b.front();
    LK_REQUIRE(f != nullptr);
    LK_CHECK_EQ(f->sequence, s);
    LK_CHECK_EQ(f->length, 4u);
    b.releaseFront();
  }
  LK_CHECK(b.front() == nullptr);
  LK_CHECK_EQ(b.heldCount(), 0u);
}

LK_TEST(reordered_before_the_first_release_moves_the_start_back) {
  PacketBuffer b(cfg());
  put(b, 100);
  LK_CHECK(put(b, 98).outcome == InsertOutcome::kInserted);
  LK_CHECK_EQ(b.head(), 98);
  LK_CHECK(b.front() != nullptr);
  b.releaseFront();  // 98
  b.releaseFront();  // 99 (missing)
  LK_CHECK(put(b, 97).outcome == InsertOutcome::kLate);
}

LK_TEST(duplicates_held_and_released_are_told_apart_from_late) {
  PacketBuffer b(cfg());
  put(b, 1);
  LK_CHECK(put(b, 1).outcome == InsertOutcome::kDuplicate);
  put(b, 3);
  b.releaseFront();  // 1
  LK_CHECK(put(b, 1).outcome == InsertOutcome::kDuplicate);  // released already
  b.skipTo(3);                                                // 2 never came
  LK_CHECK(put(b, 2).outcome == InsertOutcome::kLate);
  LK_CHECK_EQ(b.counters().packetsDuplicated, 2);
  LK_CHECK_EQ(b.counters().packetsLate, 1);
  LK_CHECK_EQ(b.counters().packetsSkipped, 1);
}

LK_TEST(sequence_wrap_keeps_order) {
  PacketBuffer b(cfg());
  const uint32_t order[] = {65533, 65535, 65536, 65534, 65538, 65537};
  for (uint32_t s : order) {
    LK_CHECK(put(b, static_cast<uint16_t>(s), 1, s * 960u).outcome == InsertOutcome::kInserted);
  }
  int64_t prev = 0;
  for (int i = 0; i < 6; ++i) {
    const PacketSlot* f = b.front();
    LK_REQUIRE(f != nullptr);
    if (i > 0) LK_CHECK_EQ(f->sequence, prev + 1);
    prev = f->sequence;
    b.releaseFront();
  }
  LK_CHECK_EQ(prev, 65538);
  LK_CHECK_EQ(b.packetsLost(), 0);
}

LK_TEST(overflow_drops_the_oldest_never_the_newest) {
  PacketBuffer b(cfg(16));
  for (int s = 0; s < 16; ++s) put(b, static_cast<uint16_t>(s));
  const InsertResult r = put(b, 20);  // 20 - 0 >= 16: drop 0..4
  LK_CHECK(r.outcome == InsertOutcome::kInserted);
  LK_CHECK_EQ(r.overflowDropped, 5u);
  LK_CHECK_EQ(b.head(), 5);
  LK_CHECK(b.find(20) != nullptr);
  LK_CHECK_EQ(b.counters().bufferFlushes, 1);
  LK_CHECK_EQ(b.counters().packetsOverflowDropped, 5);
  LK_CHECK_EQ(b.heldCount(), 12u);  // 5..15 and 20
}

LK_TEST(jump_beyond_3000_resets_the_stream) {
  PacketBuffer b(cfg());
  for (int s = 0; s < 10; ++s) put(b, static_cast<uint16_t>(s));
  b.releaseFront();
  const InsertResult r = put(b, 5000);
  LK_CHECK(r.streamReset);
  LK_CHECK(r.outcome == InsertOutcome::kInserted);
  LK_CHECK_EQ(b.heldCount(), 1u);
  LK_CHECK_EQ(b.head(), 5000);
  LK_CHECK_EQ(b.counters().resets, 1);
  // Backwards by more than 3000 is a restart too.
  const InsertResult back = put(b, 1000);
  LK_CHECK(back.streamReset);
  LK_CHECK_EQ(b.head(), 1000);
  // Within 3000 (and within capacity) is ordinary.
  LK_CHECK(!put(b, 1010).streamReset);
}

LK_TEST(ssrc_change_resets_the_stream) {
  PacketBuffer b(cfg());
  put(b, 10, 1);
  put(b, 11, 1);
  const InsertResult r = put(b, 11, 2);  // same number, new source: not a duplicate
  LK_CHECK(r.streamReset);
  LK_CHECK(r.outcome == InsertOutcome::kInserted);
  LK_CHECK_EQ(b.heldCount(), 1u);
}

LK_TEST(timestamp_jump_beyond_limit_resets_the_stream) {
  PacketBufferConfig c = cfg();
  c.resetTimestampJumpSeconds = 60;
  PacketBuffer b(c);
  put(b, 1, 1, 1000);
  LK_CHECK(!put(b, 2, 1, 1000 + 48000 * 59).streamReset);
  LK_CHECK(put(b, 3, 1, 1000 + 48000 * 59 + 48000 * 61).streamReset);
}

LK_TEST(rfc3550_lost_counts_expected_minus_received) {
  PacketBuffer b(cfg());
  for (int s = 0; s < 20; ++s) {
    if (s % 5 != 2) put(b, static_cast<uint16_t>(s));
  }
  LK_CHECK_EQ(b.packetsLost(), 4);
  put(b, 7);  // 7 arrives late, still inside the window: received after all
  LK_CHECK_EQ(b.packetsLost(), 3);
}

LK_TEST(oversized_payload_is_rejected) {
  PacketBufferConfig c = cfg();
  c.maxPayloadBytes = 3;
  PacketBuffer b(c);
  LK_CHECK(put(b, 1).outcome == InsertOutcome::kTooLarge);
  LK_CHECK_EQ(b.heldCount(), 0u);
}

LK_TEST(bad_configuration_throws) {
  bool threw = false;
  try {
    PacketBuffer b(cfg(100));
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  LK_CHECK(threw);
}
