// libFuzzer target: untrusted Opus packets into lkmedia::OpusAudioDecoder (decode, FEC decode,
// concealment) and the packet inspection functions, at every rate and channel count.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "lkmedia/opus_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const int rates[] = {8000, 12000, 16000, 24000, 48000};
  const int rate = in.PickValueInArray(rates);
  const int channels = in.ConsumeBool() ? 2 : 1;
  lkmedia::OpusAudioDecoder dec(rate, channels);
  std::vector<int16_t> pcm(static_cast<size_t>(rate / 1000 * 120) * channels);
  const int maxFrames = rate / 1000 * 120;
  while (in.remaining_bytes() > 0) {
    const int op = in.ConsumeIntegralInRange(0, 9);
    if (op <= 1) {  // PLC: lost packet, or an explicit duration (any value, valid or not)
      if (op == 0) {
        dec.decode(nullptr, 0, pcm.data(), in.ConsumeIntegralInRange(1, maxFrames));
      } else {
        dec.conceal(pcm.data(), in.ConsumeIntegralInRange(-10, maxFrames + 10));
      }
      continue;
    }
    const size_t len = in.ConsumeIntegralInRange<size_t>(0, 1500);
    std::vector<uint8_t> packet = in.ConsumeBytes<uint8_t>(len);
    const uint8_t* p = packet.empty() ? nullptr : packet.data();
    const int n = static_cast<int>(packet.size());
    switch (op) {
      case 2:
        dec.decodeFec(p, n, pcm.data(), in.ConsumeIntegralInRange(-10, maxFrames + 10));
        break;
      case 3: {
        std::vector<float> f(pcm.size());
        dec.decodeFloat(p, n, f.data(), in.ConsumeIntegralInRange(1, maxFrames));
        break;
      }
      case 4:
        lkmedia::opusPacketSamples(p, n, rate);
        lkmedia::opusPacketFrames(p, n);
        lkmedia::opusPacketChannels(p, n);
        lkmedia::opusPacketBandwidth(p, n);
        lkmedia::opusPacketHasFec(p, n);
        break;
      default: {
        const int r = dec.decode(p, n, pcm.data(), in.ConsumeIntegralInRange(1, maxFrames));
        if (r > maxFrames) std::abort();  // more samples than the room given: a wrapper bug
        break;
      }
    }
  }
  return 0;
}
