// Reads fuzzer bytes as a little program of operations; runs out gracefully (zeros).
#ifndef LKBUFFERS_FUZZ_INPUT_H
#define LKBUFFERS_FUZZ_INPUT_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace lkfuzz {

struct Input {
  const uint8_t* data;
  size_t size;
  size_t at = 0;
  bool more() const { return at < size; }
  uint8_t u8() { return at < size ? data[at++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return static_cast<uint32_t>(u16()) | (static_cast<uint32_t>(u16()) << 16); }
  // Up to `max` bytes taken from the input (fewer near the end).
  const uint8_t* bytes(size_t want, size_t* got) {
    const size_t left = size - at;
    *got = want < left ? want : left;
    const uint8_t* p = data + at;
    at += *got;
    return p;
  }
};

// A pull operation read from the input: the clock moves by 0..255 ms, or back by 0..25.5 ms when bit 7
// of `op` is set (callers' clocks are not always monotonic); bit 6 asks for an output buffer one
// value too small.
struct PullStep {
  int64_t now;
  bool small;
};
inline PullStep pullStep(Input& in, uint8_t op, int64_t now) {
  const int64_t step = in.u8();
  return {now + ((op & 0x80) ? -step * 100000 : step * 1000000), (op & 0x40) != 0};
}

// Aborts (a finding) when an invariant does not hold.
inline void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace lkfuzz

#endif  // LKBUFFERS_FUZZ_INPUT_H
