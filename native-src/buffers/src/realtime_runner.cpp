#include "lkmedia/realtime_runner.h"

#include <chrono>
#include <stdexcept>
#include <utility>

#if defined(__linux__)
#include <cerrno>
#include <ctime>
#endif

namespace lkmedia {

int64_t monotonicNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void sleepUntilNs(int64_t deadlineNs) {
#if defined(__linux__)
  timespec ts;
  ts.tv_sec = static_cast<time_t>(deadlineNs / 1000000000LL);
  ts.tv_nsec = static_cast<long>(deadlineNs % 1000000000LL);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
#else
  std::this_thread::sleep_until(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadlineNs)));
#endif
}

RealtimeRunner::RealtimeRunner(std::function<int64_t(int64_t)> step, int64_t maxSleepNs)
    : step_(std::move(step)), maxSleepNs_(maxSleepNs) {
  if (!step_) throw std::invalid_argument("step must not be empty");
  if (maxSleepNs_ < 1000000) maxSleepNs_ = 1000000;
}

RealtimeRunner::~RealtimeRunner() { stop(); }

void RealtimeRunner::start() {
  bool expected = false;
  if (!running_.compare_exchange_strong(expected, true)) return;
  thread_ = std::thread([this] { run(); });
}

void RealtimeRunner::stop() {
  running_.store(false);
  if (thread_.joinable()) thread_.join();
}

void RealtimeRunner::run() {
  while (running_.load(std::memory_order_relaxed)) {
    const int64_t now = monotonicNowNs();
    int64_t next = step_(now);
    if (next > now + maxSleepNs_ || next == INT64_MIN) next = now + maxSleepNs_;
    if (next > now) sleepUntilNs(next);
  }
}

}  // namespace lkmedia
