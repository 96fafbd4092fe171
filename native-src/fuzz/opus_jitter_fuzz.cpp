// libFuzzer target: the shipped Opus jitter buffer (lkmedia::OpusJitterBuffer: AudioJitterBuffer
// driving the core's OpusAudioDecoder, real libopus) fed hostile RTP: sequence and timestamp wrap,
// duplicates, reordering, 3000+ sequence jumps, timestamp jumps, SSRC changes, real Opus packets
// (20 ms with LBRR, 10 ms stereo, 60 ms), real packets with corrupted bytes, garbage payloads and raw
// garbage RTP, pulls at odd times (also backwards) and too-small output buffers, resets and minimum
// delays. Real packets make libopus decode, FEC-decode, conceal and time-stretch real audio, which a
// synthetic decoder (buffers_audio_jitter_fuzz) cannot.
//
// Input: a little program read front to back (lkfuzz::Input): a setup block, then operations.
// Seeds: media_fuzz_seeds opus_jitter <dir> (programs around real packets from our own encoder).
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "../buffers/fuzz/fuzz_input.h"
#include "lkmedia/opus_codec.h"
#include "lkmedia/opus_jitter_buffer.h"

namespace {

struct Dictionary {
  std::vector<std::vector<uint8_t>> packets;
  std::vector<uint32_t> durations;  // 48 kHz RTP units
};

// Real Opus packets from our encoder on a voiced, gliding test tone: 50 x 20 ms mono with in-band FEC,
// 12 x 10 ms stereo, 5 x 60 ms mono. Made once per process.
const Dictionary& dictionary() {
  static const Dictionary d = [] {
    Dictionary r;
    auto add = [&r](int channels, int application, int frame, int count, bool fec) {
      lkmedia::OpusAudioEncoder enc(48000, channels, application);
      enc.setBitrate(channels == 2 ? 48000 : 24000);
      enc.setInbandFec(fec ? 1 : 0);
      enc.setPacketLossPercent(fec ? 10 : 0);
      std::vector<int16_t> pcm(static_cast<size_t>(frame) * channels);
      uint8_t out[1500];
      double phase = 0;
      for (int k = 0; k < count; ++k) {
        for (int i = 0; i < frame; ++i) {
          const double t = static_cast<double>(k * frame + i) / 48000.0;
          phase += 2 * M_PI * (120.0 + 60.0 * std::sin(2 * M_PI * 0.7 * t)) / 48000.0;
          const double env = 0.5 + 0.5 * std::sin(2 * M_PI * 3.0 * t);
          const double v = 9000.0 * env * (std::sin(phase) + 0.5 * std::sin(2 * phase) + 0.25 * std::sin(3 * phase));
          for (int c = 0; c < channels; ++c) pcm[static_cast<size_t>(i) * channels + c] = static_cast<int16_t>(v);
        }
        const int n = enc.encode(pcm.data(), frame, out, sizeof out);
        if (n > 0) {
          r.packets.emplace_back(out, out + n);
          r.durations.push_back(static_cast<uint32_t>(frame));
        }
      }
    };
    add(1, lkmedia::kOpusVoip, 960, 50, true);
    add(2, lkmedia::kOpusAudio, 480, 12, false);
    add(1, lkmedia::kOpusVoip, 2880, 5, true);
    return r;
  }();
  return d;
}

// An RTP packet around `payload` with optional CSRCs, header extension and padding.
void buildRtp(std::vector<uint8_t>& p, uint16_t seq, uint32_t ts, uint32_t ssrc, const uint8_t* payload, size_t n,
              uint8_t shape) {
  const int csrcs = shape & 3;
  const bool extension = (shape & 4) != 0;
  const int padding = (shape & 8) ? 1 + (shape >> 4) : 0;
  p.clear();
  p.push_back(static_cast<uint8_t>(0x80 | (padding ? 0x20 : 0) | (extension ? 0x10 : 0) | csrcs));
  p.push_back(111);
  p.push_back(static_cast<uint8_t>(seq >> 8));
  p.push_back(static_cast<uint8_t>(seq));
  for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<uint8_t>(ts >> s));
  for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<uint8_t>(ssrc >> s));
  for (int c = 0; c < csrcs * 4; ++c) p.push_back(0x11);
  if (extension) {
    const uint8_t ext[8] = {0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00};
    p.insert(p.end(), ext, ext + 8);
  }
  p.insert(p.end(), payload, payload + n);
  for (int i = 1; i < padding; ++i) p.push_back(0);
  if (padding) p.push_back(static_cast<uint8_t>(padding));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Dictionary& dict = dictionary();
  lkfuzz::Input in{data, size};
  static const int kRates[5] = {8000, 12000, 16000, 24000, 48000};
  const uint8_t setup = in.u8();
  const int rate = kRates[(setup & 7) % 5];
  const int channels = 1 + ((setup >> 3) & 1);
  const int preset = (setup >> 4) & 1;
  const bool useFec = (setup & 0x20) == 0;
  const bool timeStretch = (setup & 0x40) == 0;
  const int startDelayMs = in.u8() * 4;
  const int minDelayMs = in.u8();
  const int maxDelayMs = 20 + in.u8() * 8;
  const int capacity = 8 << (in.u8() % 7);
  std::unique_ptr<lkmedia::OpusJitterBuffer> jb;
  try {
    jb.reset(new lkmedia::OpusJitterBuffer(rate, channels, preset, startDelayMs, minDelayMs, maxDelayMs, capacity,
                                           useFec, timeStretch));
  } catch (const std::invalid_argument&) {
    return 0;  // a configuration the buffer refuses with a clear error
  }
  const int frameValues = jb->frameSamples() * channels;
  lkfuzz::require(jb->frameSamples() == rate / 100);
  std::vector<int16_t> pcm(static_cast<size_t>(frameValues));
  std::vector<uint8_t> rtp, last, payload;
  uint16_t seq = in.u16();
  uint32_t ts = in.u32();
  uint32_t ssrc = 0x1234;
  uint32_t lastDuration = 960;
  size_t cursor = 0;  // next dictionary packet
  int64_t now = 0;
  double stats[lkmedia::AudioJitterBuffer::kStatsFields];
  while (in.more()) {
    const uint8_t op = in.u8();
    switch (op % 10) {
      case 0:
      case 1:
      case 2: {  // the next packet: a real one (maybe corrupted), or payload bytes from the input
        seq = static_cast<uint16_t>(seq + static_cast<int>(in.u8() % 7) - 1);  // -1..5: reorder, dup, gaps
        ts += lastDuration * (in.u8() % 4);
        const uint8_t kind = in.u8();
        if (kind < 160) {
          cursor = (kind & 0x80) ? (cursor + 1) % dict.packets.size() : (cursor + kind) % dict.packets.size();
          payload = dict.packets[cursor];
          lastDuration = dict.durations[cursor];
          if (kind % 5 == 0 && !payload.empty()) {  // corrupt one byte (TOC included)
            const uint8_t at = in.u8();
            payload[at % payload.size()] ^= static_cast<uint8_t>(1 + in.u8());
          }
        } else {
          size_t n = 0;
          const uint8_t* p = in.bytes(kind - 160, &n);  // 0..95 bytes, empty and 1-2 byte "DTX" included
          payload.assign(p, p + n);
        }
        last = payload;
        const int64_t arrival = now + static_cast<int64_t>(in.u8() % 120) * 1000000;
        if (op & 0x80) {
          buildRtp(rtp, seq, ts, ssrc, payload.data(), payload.size(), in.u8());
          jb->pushRtp(rtp.data(), static_cast<int>(rtp.size()), arrival);
        } else {
          jb->push(seq, ts, ssrc, payload.empty() ? nullptr : payload.data(), static_cast<int>(payload.size()),
                   arrival);
        }
        break;
      }
      case 3: {  // jumps: sequence (3000+ restarts the stream), timestamp
        seq = static_cast<uint16_t>(seq + in.u16());
        ts += (op & 0x80) ? in.u32() : lastDuration * in.u8();
        jb->push(seq, ts, ssrc, last.empty() ? nullptr : last.data(), static_cast<int>(last.size()), now);
        break;
      }
      case 4:  // duplicate of the last packet
        jb->push(seq, ts, ssrc, last.empty() ? nullptr : last.data(), static_cast<int>(last.size()), now);
        break;
      case 5:  // SSRC change
        ssrc = 0x1234 + in.u8() % 3;
        break;
      case 6: {  // raw garbage RTP
        size_t n = 0;
        const uint8_t* p = in.bytes(in.u16() % 400, &n);
        const int r = jb->pushRtp(n ? p : nullptr, static_cast<int>(n), now);
        lkfuzz::require(r >= 0 || r == lkmedia::kInvalidData || r == lkmedia::kBadArgument);
        break;
      }
      case 7:
      case 8: {  // pull; time moves by 0..255 ms, sometimes backwards; sometimes a too-small buffer
        const lkfuzz::PullStep pull = lkfuzz::pullStep(in, op, now);
        now = pull.now;
        const int r = jb->pull(now, pcm.data(), pull.small ? frameValues - 1 : frameValues);
        lkfuzz::require(pull.small ? r == lkmedia::kBufferTooSmall : r > 0);
        break;
      }
      default: {
        const uint8_t what = in.u8();
        if (what < 16) {
          jb->reset();
        } else if (what < 128) {
          jb->setMinimumDelay(static_cast<int>(in.u16()) - 100);
        }
        lkfuzz::require(jb->getStats(stats, lkmedia::AudioJitterBuffer::kStatsFields) ==
                        lkmedia::AudioJitterBuffer::kStatsFields);
        for (double v : stats) lkfuzz::require(std::isfinite(v));
        lkfuzz::require(stats[24] >= 0 && stats[2] >= 0);  // concealedSamples, packetsDiscarded
        lkfuzz::require(jb->targetDelayMs() >= 1 && jb->targetDelayMs() <= maxDelayMs);
        break;
      }
    }
  }
  return 0;
}
