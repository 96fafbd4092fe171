// libFuzzer target: untrusted VP8 frames into lkmedia::Vp8Decoder (freeze and decode-through-loss
// modes, loss reports, scaled copy-out) and vp8ParseFrameHeader. Key frames are limited to 640x480 so
// that the fuzzer measures robustness, not memory.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <vector>

#include "lkmedia/vp8_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const int options = in.ConsumeIntegralInRange(0, 1);  // decode-through-loss or freeze
  lkmedia::Vp8Decoder dec(1, options, 640 * 480);
  std::vector<uint8_t> y(96 * 64), u(48 * 32), v(48 * 32);
  while (in.remaining_bytes() > 0) {
    const int op = in.ConsumeIntegralInRange(0, 7);
    if (op == 0) {
      dec.frameLost();
      continue;
    }
    if (op == 1) {
      const int w = in.ConsumeIntegralInRange(1, 96), h = in.ConsumeIntegralInRange(1, 64);
      dec.copyTo(y.data(), 96, static_cast<int>(y.size()), u.data(), 48, static_cast<int>(u.size()), v.data(), 48,
                 static_cast<int>(v.size()), w, h);
      continue;
    }
    const size_t len = in.ConsumeIntegralInRange<size_t>(0, 4096);
    std::vector<uint8_t> frame = in.ConsumeBytes<uint8_t>(len);
    int w = 0, h = 0;
    lkmedia::vp8ParseFrameHeader(frame.data(), static_cast<int>(frame.size()), &w, &h);
    dec.decode(frame.empty() ? nullptr : frame.data(), static_cast<int>(frame.size()));
  }
  return 0;
}
