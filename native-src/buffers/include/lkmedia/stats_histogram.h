// A fixed-bucket histogram for percentile statistics (p50/p95/p99) that never allocates after
// construction. Values below `min` or above the last bucket land in the first/last bucket.
#ifndef LKMEDIA_STATS_HISTOGRAM_H
#define LKMEDIA_STATS_HISTOGRAM_H

#include <cstdint>
#include <memory>

namespace lkmedia {

class StatsHistogram {
 public:
  // Buckets of `width` from `min`: [min, min + width), ... `buckets` of them.
  StatsHistogram(double min, double width, int buckets)
      : min_(min), width_(width), buckets_(buckets), counts_(new int64_t[buckets]()) {}

  void add(double value) {
    int i = static_cast<int>((value - min_) / width_);
    if (value < min_) i = 0;
    if (i < 0) i = 0;
    if (i >= buckets_) i = buckets_ - 1;
    ++counts_[i];
    ++total_;
  }

  // The value at quantile q in [0, 1] (the middle of its bucket), or 0 when empty.
  double quantile(double q) const {
    if (total_ == 0) return 0;
    const double want = q * static_cast<double>(total_);
    int64_t cumulative = 0;
    for (int i = 0; i < buckets_; ++i) {
      cumulative += counts_[i];
      if (static_cast<double>(cumulative) >= want && counts_[i] > 0) return min_ + (i + 0.5) * width_;
    }
    return min_ + (buckets_ - 0.5) * width_;
  }

  int64_t count() const { return total_; }
  void clear() {
    for (int i = 0; i < buckets_; ++i) counts_[i] = 0;
    total_ = 0;
  }

 private:
  double min_;
  double width_;
  int buckets_;
  std::unique_ptr<int64_t[]> counts_;
  int64_t total_ = 0;
};

}  // namespace lkmedia

#endif  // LKMEDIA_STATS_HISTOGRAM_H
