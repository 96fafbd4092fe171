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

// Aborts (a finding) when an invariant does not hold.
inline void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace lkfuzz

#endif  // LKBUFFERS_FUZZ_INPUT_H
