// libFuzzer target: the byte parsers (RTP header, VP8 descriptor and payload header, Opus TOC and
// LBRR flag) and the packet-mode jitter buffer on raw bytes.
#include <vector>

#include "fuzz_input.h"
#include "lkmedia/rtp_jitter_buffer.h"
#include "lkmedia/rtp_packet.h"
#include "lkmedia/status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lkmedia::RtpHeader h;
  if (lkmedia::parseRtpHeader(data, size, &h) == lkmedia::RtpParseResult::kOk) {
    lkfuzz::require(static_cast<size_t>(h.payloadOffset) + h.payloadLength + h.paddingLength == size);
  }
  lkmedia::Vp8Descriptor d;
  if (lkmedia::parseVp8Descriptor(data, size, &d)) {
    lkfuzz::require(d.descriptorSize >= 1 && d.descriptorSize < size);
    bool key = false;
    int w = 0, hh = 0;
    lkmedia::parseVp8PayloadHeader(data + d.descriptorSize, size - d.descriptorSize, &key, &w, &hh);
    lkfuzz::require(w >= 0 && w < 16384 && hh >= 0 && hh < 16384);
  }
  for (int rate : {8000, 12000, 16000, 24000, 48000}) {
    const int n = lkmedia::opusPacketSamples(data, size, rate);
    lkfuzz::require(n == -1 || (n > 0 && n <= rate * 120 / 1000));
  }
  (void)lkmedia::opusPacketHasFec(data, size);

  // The same bytes as a stream of RTP packets: [len][bytes]...
  lkmedia::RtpJitterBufferConfig c;
  c.capacity = 32;
  c.maxPayloadBytes = 200;
  lkmedia::RtpJitterBuffer jb(c);
  lkfuzz::Input in{data, size};
  std::vector<uint8_t> out(200);
  int64_t now = 0;
  while (in.more()) {
    size_t n = 0;
    const uint8_t* p = in.bytes(in.u8(), &n);
    jb.pushRtp(p, static_cast<int>(n), now);
    now += 7000000;
    lkmedia::RtpPacketInfo info;
    int r;
    while ((r = jb.popPacket(now, out.data(), static_cast<int>(out.size()), &info)) >= 0) {
      lkfuzz::require(r <= 200 && info.lostBefore >= 0);
    }
    lkfuzz::require(r == lkmedia::kWouldBlock);
  }
  return 0;
}
