#include "lkmedia/delay_estimator.h"

#include <stdexcept>
#include <string>

namespace lkmedia {

DelayEstimator::DelayEstimator(const DelayEstimatorConfig& config)
    : config_(config),
      minQueue_(new Entry[kWindowCapacity]),
      maxQueue_(new Entry[kWindowCapacity]) {
  if (!(config.quantile > 0.5 && config.quantile < 1.0)) {
    throw std::invalid_argument("quantile must be in (0.5, 1), got " + std::to_string(config.quantile));
  }
  if (!(config.forgetFactor > 0.0 && config.forgetFactor < 1.0)) {
    throw std::invalid_argument("forgetFactor must be in (0, 1), got " + std::to_string(config.forgetFactor));
  }
  if (!(config.startForgetWeight >= 0.0 && config.startForgetWeight <= 100.0)) {
    throw std::invalid_argument("startForgetWeight must be in [0, 100]");
  }
  if (config.bucketMs < 1 || config.bucketMs > 1000 || config.buckets < 2 || config.buckets > 1000) {
    throw std::invalid_argument("histogram must have 2..1000 buckets of 1..1000 ms");
  }
  if (config.intervalMs < 10 || config.intervalMs > 10000 || config.windowMs < 100 || config.windowMs > 60000) {
    throw std::invalid_argument("intervalMs must be in [10, 10000] and windowMs in [100, 60000]");
  }
  histogram_.reset(new double[config.buckets]());
}

void DelayEstimator::reset() {
  minHead_ = minCount_ = maxHead_ = maxCount_ = 0;
  for (int i = 0; i < config_.buckets; ++i) histogram_[i] = 0;
  updates_ = 0;
  quantileMs_ = 0;
  intervalActive_ = false;
}

void DelayEstimator::expire(int64_t nowNs) {
  const int64_t cutoff = nowNs - static_cast<int64_t>(config_.windowMs) * 1000000;
  // Keep at least the newest entry so the reference stays defined.
  while (minCount_ > 1 && minQueue_[minHead_].arrivalNs < cutoff) {
    minHead_ = (minHead_ + 1) % kWindowCapacity;
    --minCount_;
  }
  while (maxCount_ > 1 && maxQueue_[maxHead_].arrivalNs < cutoff) {
    maxHead_ = (maxHead_ + 1) % kWindowCapacity;
    --maxCount_;
  }
}

int64_t DelayEstimator::onPacket(int64_t arrivalNs, int64_t contentNs, bool feedHistogram) {
  const int64_t value = arrivalNs - contentNs;
  // Monotonic queues: the min queue holds increasing values, the max queue decreasing ones.
  while (minCount_ > 0) {
    const int back = (minHead_ + minCount_ - 1) % kWindowCapacity;
    if (minQueue_[back].value < value) break;
    --minCount_;
  }
  if (minCount_ == kWindowCapacity) {
    minHead_ = (minHead_ + 1) % kWindowCapacity;
    --minCount_;
  }
  minQueue_[(minHead_ + minCount_) % kWindowCapacity] = {arrivalNs, value};
  ++minCount_;
  while (maxCount_ > 0) {
    const int back = (maxHead_ + maxCount_ - 1) % kWindowCapacity;
    if (maxQueue_[back].value > value) break;
    --maxCount_;
  }
  if (maxCount_ == kWindowCapacity) {
    maxHead_ = (maxHead_ + 1) % kWindowCapacity;
    --maxCount_;
  }
  maxQueue_[(maxHead_ + maxCount_) % kWindowCapacity] = {arrivalNs, value};
  ++maxCount_;
  expire(arrivalNs);

  int64_t relative = value - referenceNs();
  if (relative < 0) relative = 0;
  if (feedHistogram) {
    if (!intervalActive_) {
      intervalActive_ = true;
      intervalStartNs_ = arrivalNs;
      intervalMaxNs_ = relative;
    } else {
      if (arrivalNs - intervalStartNs_ >= static_cast<int64_t>(config_.intervalMs) * 1000000) {
        updateHistogram(intervalMaxNs_);
        intervalStartNs_ = arrivalNs;
        intervalMaxNs_ = relative;
      } else if (relative > intervalMaxNs_) {
        intervalMaxNs_ = relative;
      }
    }
  }
  return relative;
}

int64_t DelayEstimator::referenceNs() const { return minCount_ > 0 ? minQueue_[minHead_].value : 0; }

int64_t DelayEstimator::maxRelativeDelayNs() const {
  if (maxCount_ == 0 || minCount_ == 0) return 0;
  const int64_t d = maxQueue_[maxHead_].value - minQueue_[minHead_].value;
  return d > 0 ? d : 0;
}

void DelayEstimator::updateHistogram(int64_t delayNs) {
  ++updates_;
  double f = 1.0 - config_.startForgetWeight / static_cast<double>(updates_ + 1);
  if (f < 0) f = 0;
  if (f > config_.forgetFactor) f = config_.forgetFactor;
  int64_t bucket = delayNs / (static_cast<int64_t>(config_.bucketMs) * 1000000);
  if (bucket >= config_.buckets) bucket = config_.buckets - 1;
  if (bucket < 0) bucket = 0;
  for (int i = 0; i < config_.buckets; ++i) histogram_[i] *= f;
  histogram_[bucket] += 1.0 - f;
  double cumulative = 0;
  int index = config_.buckets - 1;
  for (int i = 0; i < config_.buckets; ++i) {
    cumulative += histogram_[i];
    if (cumulative >= config_.quantile - 1e-12) {
      index = i;
      break;
    }
  }
  quantileMs_ = (index + 1) * config_.bucketMs;
}

}  // namespace lkmedia
