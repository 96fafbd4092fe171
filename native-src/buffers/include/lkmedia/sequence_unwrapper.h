// Extends 16-bit RTP sequence numbers and 32-bit RTP timestamps to 64 bits across wrap-around,
// using the half-range rule: a new value is placed at the nearest 64-bit value congruent to it,
// measured from the highest value seen so far.
#ifndef LKMEDIA_SEQUENCE_UNWRAPPER_H
#define LKMEDIA_SEQUENCE_UNWRAPPER_H

#include <cstdint>

namespace lkmedia {

template <typename T>
class Unwrapper {
 public:
  // The unwrapped value of `value`. The first value maps to itself; later values may be negative
  // when they are older than the first.
  int64_t unwrap(T value) {
    if (!valid_) {
      valid_ = true;
      highest_ = static_cast<int64_t>(value);
      return highest_;
    }
    const T delta = static_cast<T>(value - static_cast<T>(highest_));
    constexpr T kHalf = static_cast<T>(T(1) << (sizeof(T) * 8 - 1));
    int64_t result;
    if (delta < kHalf) {
      result = highest_ + static_cast<int64_t>(delta);
    } else {
      // delta >= half range: the value is older than highest_.
      result = highest_ - static_cast<int64_t>(static_cast<T>(-delta));
    }
    if (result > highest_) highest_ = result;
    return result;
  }
  // Forgets the history: the next value maps to itself again.
  void reset() { valid_ = false; highest_ = 0; }
  bool valid() const { return valid_; }
  int64_t highest() const { return highest_; }

 private:
  int64_t highest_ = 0;
  bool valid_ = false;
};

using SequenceUnwrapper = Unwrapper<uint16_t>;
using TimestampUnwrapper = Unwrapper<uint32_t>;

}  // namespace lkmedia

#endif  // LKMEDIA_SEQUENCE_UNWRAPPER_H
