// libFuzzer target: the VP8 jitter buffer fed hostile RTP/VP8 (descriptors, key frame headers,
// markers, padding, wrap, duplicates, 3000+ jumps, SSRC changes) and popped with odd buffer sizes
// and times; key frame requests polled.
#include <stdexcept>
#include <vector>

#include "fuzz_input.h"
#include "lkmedia/status.h"
#include "lkmedia/video_jitter_buffer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lkfuzz::Input in{data, size};
  lkmedia::VideoJitterBufferConfig c;
  const uint8_t setup = in.u8();
  c.capacity = 16u << (setup % 8);
  c.maxPayloadBytes = 8 + in.u8() * 6;
  c.policy = (setup & 8) ? lkmedia::VideoLossPolicy::kDecodeThroughLoss : lkmedia::VideoLossPolicy::kFreezeUntilKeyFrame;
  c.maxWaitMs = in.u8();
  c.reorderWaitMs = c.maxWaitMs / 4;
  c.decodeThroughLossFrames = 1 + in.u8() % 40;
  std::unique_ptr<lkmedia::VideoJitterBuffer> jb;
  try {
    jb.reset(new lkmedia::VideoJitterBuffer(c));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  std::vector<uint8_t> out(1 << 16);
  uint16_t seq = in.u16();
  uint32_t ts = in.u32();
  uint32_t ssrc = 7;
  int64_t now = 0;
  while (in.more()) {
    const uint8_t op = in.u8();
    switch (op % 8) {
      case 0:
      case 1:
      case 2: {
        seq = static_cast<uint16_t>(seq + static_cast<int8_t>(in.u8() % 5) - 1);
        if (op & 0x10) ts += 3000;
        size_t n = 0;
        const uint8_t* p = in.bytes(in.u8() % 64, &n);
        jb->push(seq, ts, ssrc, (op & 0x20) != 0, n ? p : nullptr, static_cast<int>(n), now);
        break;
      }
      case 3:
        seq = static_cast<uint16_t>(seq + in.u16());
        ts += in.u32();
        break;
      case 4: {
        size_t n = 0;
        const uint8_t* p = in.bytes(in.u16() % 400, &n);
        jb->pushRtp(p, static_cast<int>(n), now);
        break;
      }
      case 5:
        ssrc = 7 + in.u8() % 2;
        break;
      default: {
        now += static_cast<int64_t>(in.u8()) * 1000000;
        const int cap = (op & 0x40) ? in.u8() : static_cast<int>(out.size());
        lkmedia::VideoFrameInfo info;
        for (int i = 0; i < 64; ++i) {
          const int r = jb->popFrame(now, out.data(), cap, &info);
          if (r < 0) {
            lkfuzz::require(r == lkmedia::kWouldBlock || r == lkmedia::kBufferTooSmall);
            if (r == lkmedia::kBufferTooSmall) lkfuzz::require(info.size > cap);
            break;
          }
          lkfuzz::require(r == info.size && r <= cap && info.packets >= 1);
        }
        jb->pollKeyFrameRequest(now);
        (void)jb->nextDeadlineNs();
        if (op & 0x80) {
          lkmedia::VideoJitterBufferStats s;
          jb->getStats(&s);
          lkfuzz::require(s.framesDecoded <= s.framesReceived);
        }
        break;
      }
    }
  }
  return 0;
}
