// Runs a step function on its own thread against absolute deadlines of the monotonic clock
// (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) on Linux): the real-time driver of an
// AudioPlayoutBuffer's tick or an AvPacer's step. Tests drive the same step functions with a
// simulated clock instead.
#ifndef LKMEDIA_REALTIME_RUNNER_H
#define LKMEDIA_REALTIME_RUNNER_H

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

namespace lkmedia {

// Nanoseconds of the monotonic clock (the same clock as Java's System.nanoTime on Linux).
int64_t monotonicNowNs();
// Sleeps until the monotonic clock reaches `deadlineNs`.
void sleepUntilNs(int64_t deadlineNs);

class RealtimeRunner {
 public:
  // `step(now)` does the work due at `now` and returns when it next has something to do
  // (a monotonic time); it is called again at that time (or after at most maxSleepNs).
  explicit RealtimeRunner(std::function<int64_t(int64_t)> step, int64_t maxSleepNs = 20000000);
  ~RealtimeRunner();
  RealtimeRunner(const RealtimeRunner&) = delete;
  RealtimeRunner& operator=(const RealtimeRunner&) = delete;

  void start();
  // Stops and joins (within one sleep).
  void stop();

 private:
  void run();
  std::function<int64_t(int64_t)> step_;
  int64_t maxSleepNs_;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace lkmedia

#endif  // LKMEDIA_REALTIME_RUNNER_H
