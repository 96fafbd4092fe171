// The VP8 jitter buffer: frame assembly and descriptor stripping, reordering, duplicates, wrap,
// loss -> freeze until a key frame with PLI at once and every 200 ms, PictureID continuity across
// lost padding, non-reference frames, decode-through-loss, the one-frame-interval PLI bar.
#include <algorithm>
#include <functional>
#include <random>
#include <vector>

#include "buffers_test_util.h"
#include "lk_test.h"
#include "lkmedia/video_jitter_buffer.h"

using namespace lkmedia;
using lkbt::kMs;

namespace {

struct VPacket {
  uint16_t seq;
  uint32_t ts;
  bool marker;
  std::vector<uint8_t> payload;  // descriptor + VP8 bytes
  int64_t arrivalNs;
  int frame;
};

// Frame f of `packets` packets, key or delta, PictureID `pid` (15-bit), VP8 bytes that say which
// frame and packet they came from. Returns the packets and appends the expected frame bytes.
std::vector<VPacket> packetize(int f, int packets, bool key, int pid, uint16_t seq0, uint32_t ts, int64_t t0,
                               std::vector<uint8_t>* expected, bool nonReference = false) {
  std::vector<VPacket> out;
  expected->clear();
  for (int p = 0; p < packets; ++p) {
    std::vector<uint8_t> pl;
    pl.push_back(static_cast<uint8_t>(0x80 | (nonReference ? 0x20 : 0) | (p == 0 ? 0x10 : 0)));  // X, N, S, PID 0
    pl.push_back(0x80);                                                                            // I
    pl.push_back(static_cast<uint8_t>(0x80 | ((pid >> 8) & 0x7f)));
    pl.push_back(static_cast<uint8_t>(pid));
    std::vector<uint8_t> vp8;
    if (p == 0) {
      if (key) {
        vp8 = {0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};  // 640x480
      } else {
        vp8 = {0x51, 0x02, 0x00};
      }
    }
    for (int i = 0; i < 20 + p; ++i) vp8.push_back(static_cast<uint8_t>(f * 7 + p * 3 + i));
    expected->insert(expected->end(), vp8.begin(), vp8.end());
    pl.insert(pl.end(), vp8.begin(), vp8.end());
    out.push_back({static_cast<uint16_t>(seq0 + p), ts, p == packets - 1, pl, t0 + p * kMs, f});
  }
  return out;
}

struct Stream {
  std::vector<VPacket> packets;
  std::vector<std::vector<uint8_t>> frames;  // expected bytes per frame
};

// 30 fps, `count` frames of 3 packets; key frames where `isKey(f)`; packets 1 ms apart.
Stream makeStream(int count, uint16_t seq0, uint32_t ts0, const std::function<bool(int)>& isKey, int packets = 3) {
  Stream s;
  uint16_t seq = seq0;
  for (int f = 0; f < count; ++f) {
    std::vector<uint8_t> bytes;
    auto p = packetize(f, packets, isKey(f), f & 0x7fff, seq, ts0 + static_cast<uint32_t>(f) * 3000u,
                       static_cast<int64_t>(f) * 100 * kMs / 3, &bytes);
    seq = static_cast<uint16_t>(seq + packets);
    s.packets.insert(s.packets.end(), p.begin(), p.end());
    s.frames.push_back(bytes);
  }
  return s;
}

struct Released {
  std::vector<VideoFrameInfo> infos;
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<int64_t> pliTimes;
};

// Pushes in arrival order; after every push and every 1 ms polls frames and key frame requests.
Released play(VideoJitterBuffer& jb, std::vector<VPacket> packets, int64_t endNs) {
  std::stable_sort(packets.begin(), packets.end(),
                   [](const VPacket& a, const VPacket& b) { return a.arrivalNs < b.arrivalNs; });
  Released r;
  std::vector<uint8_t> buf(1 << 16);
  size_t next = 0;
  for (int64_t t = 0; t <= endNs; t += kMs) {
    while (next < packets.size() && packets[next].arrivalNs <= t) {
      const VPacket& p = packets[next++];
      jb.push(p.seq, p.ts, 1234, p.marker, p.payload.data(), static_cast<int>(p.payload.size()), p.arrivalNs);
    }
    VideoFrameInfo info;
    int n;
    while ((n = jb.popFrame(t, buf.data(), static_cast<int>(buf.size()), &info)) > 0) {
      r.infos.push_back(info);
      r.bytes.emplace_back(buf.begin(), buf.begin() + n);
    }
    if (jb.pollKeyFrameRequest(t)) r.pliTimes.push_back(t);
  }
  return r;
}

int frameIndex(const Stream& s, const std::vector<uint8_t>& bytes) {
  for (size_t f = 0; f < s.frames.size(); ++f) {
    if (s.frames[f] == bytes) return static_cast<int>(f);
  }
  return -1;
}

}  // namespace

LK_TEST(frames_are_assembled_in_order_without_descriptors) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  const Stream s = makeStream(60, 100, 9000, [](int f) { return f % 30 == 0; });
  const Released r = play(jb, s.packets, 2100 * kMs);
  LK_REQUIRE(r.infos.size() == 60);
  for (int f = 0; f < 60; ++f) {
    LK_CHECK(r.bytes[f] == s.frames[f]);
    LK_CHECK_EQ(r.infos[f].keyFrame, f % 30 == 0);
    LK_CHECK_EQ(r.infos[f].packets, 3);
    LK_CHECK_EQ(r.infos[f].pictureId, f);
    LK_CHECK_EQ(r.infos[f].rtpTimestamp, 9000u + f * 3000u);
  }
  LK_CHECK_EQ(r.infos[0].width, 640);
  LK_CHECK_EQ(r.infos[0].height, 480);
  LK_CHECK(r.pliTimes.empty());
  VideoJitterBufferStats st;
  jb.getStats(&st);
  LK_CHECK_EQ(st.framesReceived, 60);
  LK_CHECK_EQ(st.framesDecoded, 60);
  LK_CHECK_EQ(st.keyFramesReceived, 2);
  LK_CHECK_EQ(st.framesDropped, 0);
  LK_CHECK_EQ(st.pliSent, 0);
}

LK_TEST(reordered_and_duplicated_packets_still_make_whole_frames) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  Stream s = makeStream(40, 65500, 0xffff0000u, [](int f) { return f == 0; }, 5);  // wraps both counters
  std::mt19937 rng(5);
  for (size_t i = 0; i + 5 <= s.packets.size(); i += 5) {
    std::vector<int64_t> times;
    for (size_t j = i; j < i + 5; ++j) times.push_back(s.packets[j].arrivalNs);
    std::shuffle(times.begin(), times.end(), rng);
    for (size_t j = i; j < i + 5; ++j) s.packets[j].arrivalNs = times[j - i];
  }
  auto dups = s.packets;
  for (auto& p : dups) p.arrivalNs += 2 * kMs;
  std::vector<VPacket> all = s.packets;
  all.insert(all.end(), dups.begin(), dups.end());
  const Released r = play(jb, all, 1500 * kMs);
  LK_REQUIRE(r.infos.size() == 40);
  for (int f = 0; f < 40; ++f) LK_CHECK(r.bytes[f] == s.frames[f]);
  VideoJitterBufferStats st;
  jb.getStats(&st);
  LK_CHECK_GT(st.packetsReordered, 0);
  LK_CHECK_GT(st.packetsDuplicated + st.packetsLate, 190);
  LK_CHECK_EQ(st.framesDropped, 0);
  LK_CHECK_EQ(st.resets, 0);
}

LK_TEST(a_delta_first_frame_is_dropped_and_a_key_frame_requested) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  const Stream s = makeStream(30, 10, 0, [](int f) { return f == 20; });
  const Released r = play(jb, s.packets, 1000 * kMs);
  LK_REQUIRE(!r.infos.empty());
  LK_CHECK(r.infos[0].keyFrame);
  LK_CHECK_EQ(frameIndex(s, r.bytes[0]), 20);
  LK_CHECK_EQ(r.infos.size(), 10u);
  LK_REQUIRE(!r.pliTimes.empty());
  LK_CHECK_EQ(r.pliTimes[0], 2 * kMs);  // the first frame was complete at 2 ms: request at once
  // Repeated every 200 ms until the key frame (frame 20 at 667 ms): 2, 202, 402, 602 ms.
  LK_CHECK_EQ(r.pliTimes.size(), 4u);
  for (size_t i = 1; i < r.pliTimes.size(); ++i) LK_CHECK_EQ(r.pliTimes[i] - r.pliTimes[i - 1], 200 * kMs);
}

LK_TEST(loss_freezes_until_a_key_frame_with_repeated_pli) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  Stream s = makeStream(90, 1000, 0, [](int f) { return f == 0 || f == 60; });
  // Lose the middle packet of frame 10.
  s.packets.erase(std::remove_if(s.packets.begin(), s.packets.end(),
                                 [](const VPacket& p) { return p.frame == 10 && !p.marker && p.payload[0] != 0x90; }),
                  s.packets.end());
  const Released r = play(jb, s.packets, 3100 * kMs);
  std::vector<int> got;
  for (const auto& b : r.bytes) got.push_back(frameIndex(s, b));
  // Frames 0..9, then nothing until the key frame 60, then 60..89.
  LK_REQUIRE(got.size() == 40u);
  for (int f = 0; f < 10; ++f) LK_CHECK_EQ(got[f], f);
  for (int f = 60; f < 90; ++f) LK_CHECK_EQ(got[f - 50], f);
  for (const auto& i : r.infos) LK_CHECK(!i.afterLoss || i.keyFrame);
  // A PLI as soon as the loss is known (frame 11 begins at 366.7 ms; + reorderWait), then every 200 ms
  // until the key frame at 2000 ms.
  LK_REQUIRE(!r.pliTimes.empty());
  const int64_t lossVisible = 10 * 100 * kMs / 3 + 2 * kMs;  // the packet after the hole arrived
  LK_NOTE("first PLI %.1f ms after the loss became visible; %zu PLIs", (r.pliTimes[0] - lossVisible) / 1e6,
          r.pliTimes.size());
  LK_CHECK_LE(r.pliTimes[0] - lossVisible, 100 * kMs / 3);  // within one frame interval
  for (size_t i = 1; i < r.pliTimes.size(); ++i) LK_CHECK_EQ(r.pliTimes[i] - r.pliTimes[i - 1], 200 * kMs);
  LK_CHECK_LE(r.pliTimes.back(), 2000 * kMs);
  LK_CHECK_GE(r.pliTimes.size(), 8u);
  VideoJitterBufferStats st;
  jb.getStats(&st);
  LK_CHECK_EQ(st.freezeCount, 1);
  LK_CHECK_EQ(st.framesDropped, 50);
  LK_CHECK_NEAR(static_cast<double>(st.totalFreezesDurationMs), 2000.0 - 300.0, 40.0);
  LK_CHECK_EQ(st.pliSent, static_cast<int64_t>(r.pliTimes.size()));
}

LK_TEST(losing_the_marker_packet_is_detected_within_a_frame_interval) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  Stream s = makeStream(20, 1, 0, [](int f) { return f == 0; });
  s.packets.erase(std::remove_if(s.packets.begin(), s.packets.end(),
                                 [](const VPacket& p) { return p.frame == 5 && p.marker; }),
                  s.packets.end());
  const Released r = play(jb, s.packets, 800 * kMs);
  LK_REQUIRE(!r.pliTimes.empty());
  const int64_t lossVisible = 6 * 100 * kMs / 3;  // frame 6's first packet shows the hole
  LK_NOTE("PLI %.1f ms after the loss became visible", (r.pliTimes[0] - lossVisible) / 1e6);
  LK_CHECK_GE(r.pliTimes[0], lossVisible);
  LK_CHECK_LE(r.pliTimes[0] - lossVisible, 100 * kMs / 3);
  LK_CHECK_EQ(r.infos.size(), 5u);
}

LK_TEST(picture_id_continuity_survives_lost_padding) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  Stream s = makeStream(30, 500, 0, [](int f) { return f == 0; });
  // Renumber: after frame 9 there were two padding packets; the first is lost, the second arrives.
  for (auto& p : s.packets) {
    if (p.frame >= 10) p.seq = static_cast<uint16_t>(p.seq + 2);
  }
  s.packets.push_back({static_cast<uint16_t>(500 + 30 + 1), 9 * 3000u, false, {}, 10 * 100 * kMs / 3 - kMs, -1});
  const Released r = play(jb, s.packets, 1200 * kMs);
  LK_CHECK_EQ(r.infos.size(), 30u);
  LK_CHECK(r.pliTimes.empty());
  VideoJitterBufferStats st;
  jb.getStats(&st);
  LK_CHECK_EQ(st.freezeCount, 0);
  LK_CHECK_EQ(st.framesDropped, 0);
}

LK_TEST(lost_non_reference_frame_does_not_freeze) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  Stream s;
  uint16_t seq = 0;
  for (int f = 0; f < 20; ++f) {
    std::vector<uint8_t> bytes;
    auto p = packetize(f, 3, f == 0, f, seq, f * 3000u, f * 100 * kMs / 3, &bytes, f == 7);
    seq = static_cast<uint16_t>(seq + 3);
    s.packets.insert(s.packets.end(), p.begin(), p.end());
    s.frames.push_back(bytes);
  }
  // Lose the last packet of the non-reference frame 7.
  s.packets.erase(std::remove_if(s.packets.begin(), s.packets.end(),
                                 [](const VPacket& p) { return p.frame == 7 && p.marker; }),
                  s.packets.end());
  const Released r = play(jb, s.packets, 800 * kMs);
  LK_CHECK_EQ(r.infos.size(), 19u);
  LK_CHECK(r.pliTimes.empty());
}

LK_TEST(decode_through_loss_keeps_frames_coming_and_asks_for_a_key_frame_later) {
  VideoJitterBufferConfig c;
  c.policy = VideoLossPolicy::kDecodeThroughLoss;
  VideoJitterBuffer jb(c);
  Stream s = makeStream(80, 1, 0, [](int f) { return f == 0; });
  s.packets.erase(std::remove_if(s.packets.begin(), s.packets.end(), [](const VPacket& p) { return p.frame == 10; }),
                  s.packets.end());
  const Released r = play(jb, s.packets, 2800 * kMs);
  LK_CHECK_EQ(r.infos.size(), 79u);
  LK_REQUIRE(r.infos.size() > 10);
  LK_CHECK(r.infos[10].afterLoss);  // frame 11: the first one after the lost frame
  LK_CHECK(!r.infos[11].afterLoss);
  LK_REQUIRE(!r.pliTimes.empty());
  // The key frame request comes after 30 delivered frames without a key frame.
  LK_CHECK_GE(r.pliTimes[0], 40 * 100 * kMs / 3);
  LK_CHECK_LE(r.pliTimes[0], 42 * 100 * kMs / 3);
}

LK_TEST(a_late_last_packet_within_max_wait_completes_the_frame) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  Stream s = makeStream(3, 1, 0, [](int f) { return f == 0; });
  for (auto& p : s.packets) {
    if (p.frame == 2 && p.marker) p.arrivalNs += 60 * kMs;  // no later frame: wait up to 100 ms
  }
  const Released r = play(jb, s.packets, 300 * kMs);
  LK_CHECK_EQ(r.infos.size(), 3u);
  LK_CHECK(r.pliTimes.empty());
}

LK_TEST(small_output_buffer_reports_the_size_needed) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  std::vector<uint8_t> bytes;
  for (const auto& p : packetize(0, 4, true, 1, 7, 0, 0, &bytes)) {
    jb.push(p.seq, p.ts, 1, p.marker, p.payload.data(), static_cast<int>(p.payload.size()), 0);
  }
  std::vector<uint8_t> small(10), big(bytes.size());
  VideoFrameInfo info;
  LK_CHECK_EQ(jb.popFrame(0, small.data(), 10, &info), kBufferTooSmall);
  LK_CHECK_EQ(info.size, static_cast<int32_t>(bytes.size()));
  LK_CHECK_EQ(jb.popFrame(0, big.data(), static_cast<int>(big.size()), &info), static_cast<int>(bytes.size()));
  LK_CHECK(big == bytes);
  LK_CHECK_EQ(jb.popFrame(0, big.data(), static_cast<int>(big.size()), &info), kWouldBlock);
  LK_CHECK_EQ(jb.popFrame(0, big.data(), 1, static_cast<VideoFrameInfo*>(nullptr)), kBadArgument);
}

LK_TEST(malformed_descriptors_are_rejected_and_safety_pli_fires) {
  VideoJitterBuffer jb(VideoJitterBufferConfig{});
  const uint8_t truncated[] = {0x90, 0x80};  // X and I announced, no PictureID, no payload
  LK_CHECK_EQ(jb.push(1, 0, 1, true, truncated, 2, 0), kInvalidData);
  std::vector<uint8_t> bytes;
  for (const auto& p : packetize(0, 2, true, 1, 2, 0, 0, &bytes)) {
    jb.push(p.seq, p.ts, 1, p.marker, p.payload.data(), static_cast<int>(p.payload.size()), 0);
  }
  std::vector<uint8_t> out(4096);
  VideoFrameInfo info;
  LK_CHECK_GT(jb.popFrame(0, out.data(), 4096, &info), 0);
  LK_CHECK(!jb.pollKeyFrameRequest(2900 * kMs));
  LK_CHECK(jb.pollKeyFrameRequest(3000 * kMs));  // 3 s without a decodable frame
  VideoJitterBufferStats st;
  jb.getStats(&st);
  LK_CHECK_EQ(st.packetsInvalid, 1);
  LK_CHECK_EQ(st.pliSent, 1);
}
