// Writes seed inputs for the media fuzzers, made with our own encoders (nothing binary is committed):
//   media_fuzz_seeds opus|vp8 <dir>
// Each seed is laid out the way the fuzz target reads its input (FuzzedDataProvider: operation bytes
// from the front, integers from the back), with real packets/frames inside.
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

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "opus" && std::string(argv[1]) != "vp8")) {
    std::fprintf(stderr, "usage: %s opus|vp8 <seed-dir>\n", argv[0]);
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
  return 0;
}
