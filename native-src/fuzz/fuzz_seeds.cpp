// Writes seed inputs for the media fuzzers, made with our own encoders (nothing binary is committed):
//   media_fuzz_seeds opus|vp8|opus_jitter <dir>
// Each seed is laid out the way the fuzz target reads its input (FuzzedDataProvider: operation bytes
// from the front, integers from the back; opus_jitter_fuzz: a program read front to back), with real
// packets/frames inside.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "lkmedia/opus_codec.h"
#include "lkmedia/vp8_codec.h"
#include "test_signals.h"
#include "test_video.h"

namespace {

void write(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// FuzzedDataProvider takes integral values from the end of the input, bytes from the front.
struct Seed {
  std::vector<uint8_t> front, back;
  // ConsumeIntegralInRange reads bytes from the end, most significant first.
  void integral(uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) back.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t> bytes() const {
    std::vector<uint8_t> all = front;
    all.insert(all.end(), back.rbegin(), back.rend());
    return all;
  }
};


// opus_jitter_fuzz programs (see that file for the byte layout): a setup block, then operations.
struct Program {
  std::vector<uint8_t> b;
  void u8(int v) { b.push_back(static_cast<uint8_t>(v)); }
  void u16(uint16_t v) { u8(v & 0xff); u8(v >> 8); }
  void u32(uint32_t v) { u16(static_cast<uint16_t>(v)); u16(static_cast<uint16_t>(v >> 16)); }
  // setup: rate index (4 = 48 kHz), stereo, preset, FEC off, stretch off; start/min/max delay; capacity.
  Program(int rateIndex, bool stereo, int preset, bool fecOff, bool stretchOff, uint16_t seq, uint32_t ts) {
    u8(rateIndex | (stereo ? 8 : 0) | (preset << 4) | (fecOff ? 0x20 : 0) | (stretchOff ? 0x40 : 0));
    u8(20);  // start delay 80 ms
    u8(0);   // min delay
    u8(60);  // max delay 500 ms
    u8(5);   // capacity 256
    u16(seq);
    u32(ts);
  }
  // A packet with its payload in the program (<= 95 bytes), sequence delta - 1 and timestamp steps.
  void packet(const std::vector<uint8_t>& payload, int seqDelta, int tsSteps, int jitterMs, int rtpShape = -1) {
    u8(rtpShape >= 0 ? 0x82 : 0);  // 0x82 % 10 == 0: a packet; bit 7: through pushRtp
    u8(seqDelta + 1);
    u8(tsSteps);
    u8(160 + static_cast<int>(payload.size()));
    b.insert(b.end(), payload.begin(), payload.end());
    u8(jitterMs);
    if (rtpShape >= 0) u8(rtpShape);
  }
  // The next packet of the fuzzer's own dictionary of real packets.
  void dictionaryPacket(int seqDelta, int jitterMs) {
    u8(1);
    u8(seqDelta + 1);
    u8(1);
    u8(0x81);  // 0x81 % 5 != 0: not corrupted
    u8(jitterMs);
  }
  void pull(int stepMs) { u8(7); u8(stepMs); }
  void op(std::initializer_list<int> bytes) { for (int v : bytes) u8(v); }
};

void writeOpusJitterSeeds(const std::string& dir) {
  lkmedia::OpusAudioEncoder enc(48000, 1, lkmedia::kOpusVoip);
  enc.setBitrate(20000);
  enc.setInbandFec(1);
  enc.setPacketLossPercent(10);
  const auto pcm = lktest::speechLike(48000, 2.0, 5);
  std::vector<std::vector<uint8_t>> packets;
  uint8_t pkt[1500];
  for (size_t off = 0; off + 960 <= pcm.size(); off += 960) {
    const int n = enc.encode(pcm.data() + off, 960, pkt, sizeof pkt);
    if (n > 0 && n <= 95) packets.emplace_back(pkt, pkt + n);
  }
  {  // in order, 48 kHz mono, FEC and stretching on
    Program p(4, false, 0, false, false, 1000, 5000);
    for (const auto& k : packets) {
      p.packet(k, 1, 1, 5);
      p.pull(10);
      p.pull(10);
    }
    write(dir + "/in_order", p.b);
  }
  {  // losses (FEC), reordering, duplicates, jitter
    Program p(4, false, 0, false, false, 20, 0);
    for (size_t k = 0; k < packets.size(); ++k) {
      if (k % 9 == 4) continue;                                  // lost: the next one carries its FEC
      p.packet(packets[k], k % 9 == 5 ? 2 : 1, k % 9 == 5 ? 2 : 1, static_cast<int>((k * 37) % 60));
      if (k % 11 == 0) p.op({4});                                // duplicate
      p.pull(10);
      p.pull(k % 7 == 0 ? 30 : 10);
    }
    write(dir + "/loss_reorder_dup", p.b);
  }
  {  // sequence and timestamp wrap, through the RTP path with CSRCs, extension and padding
    Program p(4, false, 1, false, false, 65500, 0xffffffffu - 40 * 960u);
    for (size_t k = 0; k < packets.size(); ++k) {
      p.packet(packets[k], 1, 1, 3, static_cast<int>(k % 32));
      p.pull(10);
      p.pull(10);
    }
    write(dir + "/wrap_rtp", p.b);
  }
  {  // SSRC change, a 3000+ jump, garbage, reset, minimum delay, stats
    Program p(2, false, 0, false, false, 7, 7);
    for (int k = 0; k < 30; ++k) {
      p.dictionaryPacket(1, 2);
      p.pull(10);
      p.pull(10);
    }
    p.op({5, 1});                        // SSRC change
    for (int k = 0; k < 10; ++k) {
      p.dictionaryPacket(1, 0);
      p.pull(20);
    }
    p.op({3, 0xb8, 0x0b, 3});           // sequence + 3000, timestamp + 3 packets
    p.op({6, 40, 0});                   // 40 bytes of raw garbage RTP
    for (int k = 0; k < 40; ++k) p.u8(0xa5 ^ k);
    p.op({9, 100, 0x2c, 0x01});         // setMinimumDelay(300 - 100), stats
    for (int k = 0; k < 20; ++k) {
      p.dictionaryPacket(1, 1);
      p.pull(20);
    }
    p.op({9, 3});                        // reset, stats
    for (int k = 0; k < 10; ++k) {
      p.dictionaryPacket(1, 1);
      p.pull(10);
    }
    write(dir + "/ssrc_jump_garbage", p.b);
  }
  {  // 16 kHz stereo output, low-latency preset, FEC and stretching off, mixed packet kinds
    Program p(2, true, 1, true, true, 300, 1);
    for (int k = 0; k < 60; ++k) {
      p.dictionaryPacket(k % 13 == 0 ? 2 : 1, (k * 17) % 40);
      p.pull(10);
      if (k % 3 == 0) p.pull(10);
    }
    write(dir + "/stereo_16k_low_latency", p.b);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "opus" && std::string(argv[1]) != "vp8" &&
                    std::string(argv[1]) != "opus_jitter")) {
    std::fprintf(stderr, "usage: %s opus|vp8|opus_jitter <seed-dir>\n", argv[0]);
    return 2;
  }
  const std::string kind = argv[1], dir = argv[2];
  std::filesystem::create_directories(dir);
  // Opus: 48 kHz mono (rate index 4, channels false), then "decode" (op 9) of real packets.
  if (kind == "opus") {
    lkmedia::OpusAudioEncoder enc(48000, 1, lkmedia::kOpusVoip);
    enc.setBitrate(32000);
    enc.setInbandFec(1);
    enc.setPacketLossPercent(10);
    const auto pcm = lktest::speechLike(48000, 0.4, 2);
    Seed s;
    s.integral(4, 1);  // PickValueInArray(5 rates): index 4 -> 48000
    s.integral(0, 1);  // ConsumeBool -> mono
    uint8_t pkt[1500];
    for (size_t off = 0; off + 960 <= pcm.size(); off += 960) {
      const int n = enc.encode(pcm.data() + off, 960, pkt, sizeof pkt);
      if (n <= 0) continue;
      s.integral(9, 1);                           // op: decode
      s.integral(static_cast<uint64_t>(n), 2);    // length
      s.front.insert(s.front.end(), pkt, pkt + n);
      s.integral(959, 2);                         // capacity: 1 + 959 = 960
    }
    write(dir + "/speech_48k_mono", s.bytes());
  }
  // VP8: a key frame and delta frames of a 96x64 picture, decoded in order (op 7).
  if (kind == "vp8") {
    lkmedia::Vp8Encoder enc(96, 64, 200, 30, lkmedia::kVp8CpuUsedAuto, 1, lkmedia::kVp8NoFrameDropping);
    lktest::I420 f(96, 64);
    std::vector<uint8_t> out(static_cast<size_t>(lkmedia::vp8MaxEncodedSize(96, 64)));
    Seed s;
    s.integral(0, 1);  // freeze mode
    for (int i = 0; i < 6; i++) {
      lktest::talkingHead(f, i, 2);
      const int n = enc.encode(f.y.data(), f.strideY, static_cast<int>(f.y.size()), f.u.data(), f.strideUV,
                               static_cast<int>(f.u.size()), f.v.data(), f.strideUV, static_cast<int>(f.v.size()), 96,
                               64, i * 33333, out.data(), static_cast<int>(out.size()));
      if (n <= 0) continue;
      s.integral(7, 1);
      s.integral(static_cast<uint64_t>(n), 2);
      s.front.insert(s.front.end(), out.begin(), out.begin() + n);
    }
    write(dir + "/talking_head_96x64", s.bytes());
  }
  if (kind == "opus_jitter") writeOpusJitterSeeds(dir);
  return 0;
}
