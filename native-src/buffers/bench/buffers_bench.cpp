// The native baseline of the JMH jitter buffer benchmark: push + pop of one packet at a time
// through the packet-mode buffer (and a VP8 one-packet frame through the video buffer), the same
// work the Java benchmark does across JNI. Prints millions of push+pop pairs per second.
//
//   lkbuffers_bench [seconds]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "lkmedia/rtp_jitter_buffer.h"
#include "lkmedia/video_jitter_buffer.h"

namespace {
double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}
}  // namespace

int main(int argc, char** argv) {
  const double budget = argc > 1 ? std::atof(argv[1]) : 2.0;
  std::vector<uint8_t> payload(100, 0x5a), out(1500);
  {
    lkmedia::RtpJitterBuffer jb(lkmedia::RtpJitterBufferConfig{});
    lkmedia::RtpPacketInfo info;
    uint16_t seq = 0;
    uint32_t ts = 0;
    long long n = 0, sink = 0;
    const auto start = std::chrono::steady_clock::now();
    auto now = start;
    while (seconds(start, now) < budget) {
      for (int i = 0; i < 100000; ++i) {
        jb.push(seq++, ts += 960, 1, 111, false, payload.data(), 100, n);
        sink += jb.popPacket(n, out.data(), 1500, &info);
        ++n;
      }
      now = std::chrono::steady_clock::now();
    }
    std::printf("packet mode: %.1f M push+pop/s (100-byte payloads, sink %lld)\n", n / seconds(start, now) / 1e6, sink);
  }
  {
    lkmedia::VideoJitterBuffer jb(lkmedia::VideoJitterBufferConfig{});
    std::vector<uint8_t> vp8 = {0x90, 0x80, 0x80, 0x00, 0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};
    vp8.resize(100, 0x11);
    lkmedia::VideoFrameInfo info;
    uint16_t seq = 0;
    uint32_t ts = 0;
    long long n = 0, sink = 0;
    const auto start = std::chrono::steady_clock::now();
    auto now = start;
    while (seconds(start, now) < budget) {
      for (int i = 0; i < 100000; ++i) {
        vp8[2] = static_cast<uint8_t>(0x80 | ((seq >> 8) & 0x7f));
        vp8[3] = static_cast<uint8_t>(seq);
        jb.push(seq++, ts += 3000, 1, true, vp8.data(), 100, n);
        sink += jb.popFrame(n, out.data(), 1500, &info);
        ++n;
      }
      now = std::chrono::steady_clock::now();
    }
    std::printf("video mode (one-packet key frames): %.1f M push+pop/s (sink %lld)\n", n / seconds(start, now) / 1e6,
                sink);
  }
  return 0;
}
