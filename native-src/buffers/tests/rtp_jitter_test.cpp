// Packet mode: ordered release, waits for a missing packet, reports what it gave up on, latency.
#include <vector>

#include "buffers_test_util.h"
#include "lk_test.h"
#include "lkmedia/rtp_jitter_buffer.h"

using namespace lkmedia;
using lkbt::kMs;

LK_TEST(packets_come_out_in_order_and_gaps_are_reported) {
  RtpJitterBuffer jb(RtpJitterBufferConfig{});
  std::vector<uint8_t> out(1500);
  RtpPacketInfo info;
  auto push = [&](int64_t n, int64_t t) {  // n: the unwrapped sequence number
    const uint16_t seq = static_cast<uint16_t>(n);
    const uint8_t payload[3] = {static_cast<uint8_t>(seq), 2, 3};
    const auto p = lkbt::rtp(seq, static_cast<uint32_t>(n * 960), 1, seq % 2 == 0, payload, 3, 111);
    return jb.pushRtp(p.data(), static_cast<int>(p.size()), t);
  };
  LK_CHECK_EQ(push(65534, 0), 0);
  LK_CHECK_EQ(jb.popPacket(0, out.data(), 1500, &info), 3);
  LK_CHECK_EQ(info.sequenceNumber, 65534);
  LK_CHECK_EQ(out[0], static_cast<uint8_t>(65534 & 0xff));
  push(65537, 10 * kMs);  // 65535 and 0 (65536) are missing
  push(65535, 12 * kMs);
  LK_CHECK_EQ(jb.popPacket(12 * kMs, out.data(), 1500, &info), 3);
  LK_CHECK_EQ(info.sequenceNumber, 65535);
  LK_CHECK_EQ(jb.popPacket(20 * kMs, out.data(), 1500, &info), kWouldBlock);  // waits for 0
  LK_CHECK_EQ(jb.popPacket(70 * kMs, out.data(), 1500, &info), 3);            // gave up after 60 ms
  LK_CHECK_EQ(info.sequenceNumber, 1);
  LK_CHECK_EQ(info.lostBefore, 1);
  LK_CHECK_EQ(info.sequence, 65537);
  LK_CHECK_EQ(jb.popPacket(70 * kMs, out.data(), 1, &info), kWouldBlock);
  push(65538, 80 * kMs);
  LK_CHECK_EQ(jb.popPacket(80 * kMs, out.data(), 1, &info), kBufferTooSmall);
  LK_CHECK_EQ(info.size, 3);
  LK_CHECK_EQ(jb.popPacket(80 * kMs, out.data(), 1500, &info), 3);
  LK_CHECK(info.marker);
}

LK_TEST(fixed_latency_holds_packets) {
  RtpJitterBufferConfig c;
  c.latencyMs = 60;
  RtpJitterBuffer jb(c);
  const uint8_t payload[1] = {9};
  jb.push(5, 0, 1, 111, false, payload, 1, 100 * kMs);
  std::vector<uint8_t> out(10);
  RtpPacketInfo info;
  LK_CHECK_EQ(jb.popPacket(159 * kMs, out.data(), 10, &info), kWouldBlock);
  LK_CHECK_EQ(jb.popPacket(160 * kMs, out.data(), 10, &info), 1);
}
