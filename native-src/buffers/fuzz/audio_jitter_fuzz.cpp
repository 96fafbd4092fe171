// libFuzzer target: the audio jitter buffer fed hostile RTP (raw packets and fields) with sequence
// wrap, duplicates, reordering, 3000+ jumps, timestamp jumps, SSRC changes, resets, pulls at odd
// times (also backwards) and too-small output buffers. The decoder reads durations and FEC flags
// from the Opus TOC parser, so those parse hostile bytes too.
#include <cstring>
#include <stdexcept>
#include <vector>

#include "fuzz_input.h"
#include "lkmedia/audio_jitter_buffer.h"
#include "lkmedia/rtp_packet.h"

namespace {
class TocDecoder : public lkmedia::AudioDecoder {
 public:
  TocDecoder(int rate, int channels) : rate_(rate), channels_(channels) {}
  int sampleRate() const override { return rate_; }
  int channels() const override { return channels_; }
  int packetSamples(const uint8_t* p, int length) const override {
    const int n = lkmedia::opusPacketSamples(p, static_cast<size_t>(length), rate_);
    return n > 0 ? n : lkmedia::kInvalidData;
  }
  bool hasFec(const uint8_t* p, int length) const override {
    return lkmedia::opusPacketHasFec(p, static_cast<size_t>(length));
  }
  int decode(const uint8_t* p, int length, int16_t* pcm, int maxSamples) override {
    const int n = packetSamples(p, length);
    if (n <= 0 || n > maxSamples || (length > 3 && p[1] == 0xee)) return lkmedia::kInvalidData;  // "corrupt"
    for (int i = 0; i < n * channels_; ++i) pcm[i] = static_cast<int16_t>(p[i % length] * 64);
    return n;
  }
  int decodeFec(const uint8_t* p, int length, int16_t* pcm, int samples) override {
    if (!hasFec(p, length)) return lkmedia::kUnsupported;
    std::memset(pcm, 0, static_cast<size_t>(samples) * channels_ * sizeof(int16_t));
    return samples;
  }
  int conceal(int16_t* pcm, int samples) override {
    std::memset(pcm, 1, static_cast<size_t>(samples) * channels_ * sizeof(int16_t));
    return samples;
  }

 private:
  int rate_, channels_;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lkfuzz::Input in{data, size};
  static const int kRates[3] = {8000, 16000, 48000};
  const uint8_t setup = in.u8();
  TocDecoder decoder(kRates[setup % 3], 1 + ((setup >> 2) & 1));
  lkmedia::AudioJitterBufferConfig c;
  c.capacity = 16u << (in.u8() % 5);
  c.maxPayloadBytes = 16 + in.u8() * 6;
  c.preset = (setup & 8) ? lkmedia::DelayPreset::kLowLatency : lkmedia::DelayPreset::kNetEq;
  c.timeStretch = (setup & 16) != 0;
  c.useFec = (setup & 32) != 0;
  c.startDelayMs = in.u8();
  c.maxDelayMs = 20 + in.u8() * 7;
  std::unique_ptr<lkmedia::AudioJitterBuffer> jb;
  try {
    jb.reset(new lkmedia::AudioJitterBuffer(c, &decoder));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const int frameValues = jb->frameSamples() * jb->channels();
  std::vector<int16_t> pcm(static_cast<size_t>(frameValues) + 8);
  std::vector<uint8_t> packet;
  uint16_t seq = in.u16();
  uint32_t ts = in.u32();
  uint32_t ssrc = 1;
  int64_t now = 0;
  std::vector<uint8_t> last;
  while (in.more()) {
    const uint8_t op = in.u8();
    switch (op % 9) {
      case 0:
      case 1: {  // next packet, maybe reordered or skipping a few
        seq = static_cast<uint16_t>(seq + static_cast<int8_t>(in.u8() % 7) - 1);
        ts += static_cast<uint32_t>(960 * (in.u8() % 4));
        size_t n = 0;
        const uint8_t* p = in.bytes(in.u8() % 48, &n);
        last.assign(p, p + n);
        jb->push(seq, ts, ssrc, n ? p : nullptr, static_cast<int>(n), now + (in.u8() % 50) * 1000000);
        break;
      }
      case 2: {  // big jumps: sequence (3000+), timestamp
        seq = static_cast<uint16_t>(seq + in.u16());
        ts += in.u32();
        jb->push(seq, ts, ssrc, last.empty() ? nullptr : last.data(), static_cast<int>(last.size()), now);
        break;
      }
      case 3:  // duplicate
        jb->push(seq, ts, ssrc, last.empty() ? nullptr : last.data(), static_cast<int>(last.size()), now);
        break;
      case 4:
        ssrc = 1 + in.u8() % 3;
        break;
      case 5: {  // raw RTP bytes
        size_t n = 0;
        const uint8_t* p = in.bytes(in.u16() % 320, &n);
        jb->pushRtp(p, static_cast<int>(n), now);
        break;
      }
      case 6:
      case 7: {  // pull, time moves by 0..255 ms, sometimes backwards
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
        } else {
          jb->setMinimumDelay(static_cast<int>(in.u16()) - 100);
        }
        lkmedia::AudioJitterBufferStats s;
        jb->getStats(&s);
        lkfuzz::require(s.concealedSamples >= 0 && s.packetsDiscarded >= 0);
        lkfuzz::require(jb->targetDelayMs() >= 1 && jb->targetDelayMs() <= c.maxDelayMs);
        break;
      }
    }
  }
  return 0;
}
