// Chooses the audio jitter buffer's target delay the way NetEq does (media-core.md section 1.1):
//  - each packet's relative arrival delay is (arrival - content time) minus the smallest such value
//    in a sliding window (2 s), so clock skew cannot accumulate;
//  - once per interval (500 ms) the largest relative delay seen in the interval goes into a
//    histogram of 20 ms buckets with exponential forgetting (forget factor rising from 0 after a
//    reset as 1 - w/(n+1), capped);
//  - the target is (index + 1) x bucket width of the histogram's quantile (0.95 by default).
// Two presets: NetEq (0.95 / 0.983: up in about 1.5 s, down in about 87 s) and low latency
// (0.90 / 0.95: up in about 1 s, down in about 23 s).
#ifndef LKMEDIA_DELAY_ESTIMATOR_H
#define LKMEDIA_DELAY_ESTIMATOR_H

#include <cstdint>
#include <memory>

namespace lkmedia {

enum class DelayPreset : int { kNetEq = 0, kLowLatency = 1 };

struct DelayEstimatorConfig {
  double quantile = 0.95;
  double forgetFactor = 0.983;
  double startForgetWeight = 2.0;
  int bucketMs = 20;
  int buckets = 100;
  int intervalMs = 500;
  int windowMs = 2000;

  static DelayEstimatorConfig forPreset(DelayPreset preset) {
    DelayEstimatorConfig c;
    if (preset == DelayPreset::kLowLatency) {
      c.quantile = 0.90;
      c.forgetFactor = 0.95;
    }
    return c;
  }
};

class DelayEstimator {
 public:
  explicit DelayEstimator(const DelayEstimatorConfig& config);
  DelayEstimator(const DelayEstimator&) = delete;
  DelayEstimator& operator=(const DelayEstimator&) = delete;

  // Records a packet that arrived at `arrivalNs` carrying content time `contentNs` (its RTP
  // timestamp in ns). Arrival times must not go backwards. When `feedHistogram` is false the
  // packet still moves the reference (e.g. DTX packets). Returns its relative delay in ns (>= 0).
  int64_t onPacket(int64_t arrivalNs, int64_t contentNs, bool feedHistogram);

  // min(arrival - content) over the window: the arrival reference. Only valid after a packet.
  int64_t referenceNs() const;
  // Largest relative delay in the window.
  int64_t maxRelativeDelayNs() const;
  bool hasPackets() const { return minCount_ > 0; }
  // True once the histogram has had at least one update.
  bool hasEstimate() const { return updates_ > 0; }
  // The histogram's quantile as a delay in ms ((index + 1) x bucket width).
  int quantileDelayMs() const { return quantileMs_; }
  int64_t histogramUpdates() const { return updates_; }
  void reset();

 private:
  struct Entry {
    int64_t arrivalNs;
    int64_t value;
  };
  void expire(int64_t nowNs);
  void updateHistogram(int64_t delayNs);

  DelayEstimatorConfig config_;
  static constexpr int kWindowCapacity = 4096;
  std::unique_ptr<Entry[]> minQueue_;
  std::unique_ptr<Entry[]> maxQueue_;
  int minHead_ = 0, minCount_ = 0;
  int maxHead_ = 0, maxCount_ = 0;
  std::unique_ptr<double[]> histogram_;
  int64_t updates_ = 0;
  int quantileMs_ = 0;
  bool intervalActive_ = false;
  int64_t intervalStartNs_ = 0;
  int64_t intervalMaxNs_ = 0;
};

}  // namespace lkmedia

#endif  // LKMEDIA_DELAY_ESTIMATOR_H
