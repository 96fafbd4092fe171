// The playout buffer on a simulated clock (and once on the real-time runner): every sample once
// and in order, exact 10 ms frames (441 at 44.1 kHz), clear() on the next tick, blocked writers
// and waits released by clear/close, exact wait-for-playout and marks, underrun accounting,
// clock slips, zero drift over 10 simulated minutes.
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "lk_test.h"
#include "lkmedia/audio_playout_buffer.h"
#include "lkmedia/realtime_runner.h"

using namespace lkmedia;

namespace {
constexpr int64_t kMs = 1000000;
int16_t sampleValue(int64_t n, int c) { return static_cast<int16_t>(1 + (n * 7 + c) % 30000); }

std::vector<int16_t> content(int64_t start, int64_t samples, int channels) {
  std::vector<int16_t> v(static_cast<size_t>(samples * channels));
  for (int64_t i = 0; i < samples; ++i) {
    for (int c = 0; c < channels; ++c) v[i * channels + c] = sampleValue(start + i, c);
  }
  return v;
}

AudioPlayoutConfig cfg(int rate, int channels, int capacityMs = 200) {
  AudioPlayoutConfig c;
  c.sampleRate = rate;
  c.channels = channels;
  c.capacityMs = capacityMs;
  return c;
}
}  // namespace

LK_TEST(every_sample_once_in_order_with_random_write_sizes) {
  for (int rate : {48000, 44100, 16000}) {
    for (int channels : {1, 2}) {
      AudioPlayoutBuffer b(cfg(rate, channels));
      const int frame = rate / 100;
      LK_CHECK_EQ(b.frameSamples(), frame);
      std::mt19937 rng(static_cast<uint32_t>(rate + channels));
      const int64_t total = static_cast<int64_t>(rate) * 20;  // 20 s
      int64_t written = 0, checked = 0;
      std::vector<int16_t> out(static_cast<size_t>(frame * channels));
      int64_t t = 0;
      int64_t silentWhileData = 0;
      std::vector<int16_t> chunk;
      int64_t chunkStart = -1;
      while (checked < total) {
        // The writer is faster than real time: it fills the buffer with chunks of any size.
        for (;;) {
          if (chunkStart < 0 && written < total) {
            const int64_t n = std::min<int64_t>(1 + rng() % 5000, total - written);
            chunk = content(written, n, channels);
            chunkStart = 0;
          }
          if (chunkStart < 0) break;
          const int64_t left = static_cast<int64_t>(chunk.size()) / channels - chunkStart;
          const int k = b.tryWrite(chunk.data() + chunkStart * channels, static_cast<int>(left));
          LK_REQUIRE(k >= 0);
          chunkStart += k;
          written += k;
          if (chunkStart * channels == static_cast<int64_t>(chunk.size())) chunkStart = -1;
          if (k < left) break;
        }
        LK_REQUIRE(b.tick(t, out.data(), static_cast<int>(out.size())) == frame);
        t += 10 * kMs;
        for (int i = 0; i < frame; ++i) {
          if (out[i * channels] == 0) {
            if (checked < total) ++silentWhileData;
            continue;
          }
          for (int c = 0; c < channels; ++c) {
            LK_REQUIRE(out[i * channels + c] == sampleValue(checked, c));
          }
          ++checked;
        }
      }
      AudioPlayoutStats s;
      b.getStats(&s);
      LK_CHECK_EQ(silentWhileData, 0);
      LK_CHECK_EQ(s.underrunSamples, 0);
      LK_CHECK_EQ(s.playedPosition, total);
      LK_CHECK_EQ(s.writePosition, total);
      LK_CHECK_LE(s.maxQueuedMs, 200.0);
    }
  }
}

LK_TEST(blocking_writer_and_real_time_emitter_deliver_everything) {
  AudioPlayoutBuffer b(cfg(48000, 1, 100));
  std::vector<int16_t> received;
  received.reserve(48000 * 2);
  std::vector<int16_t> frame(480);
  RealtimeRunner runner([&](int64_t now) -> int64_t {
    if (b.tick(now, frame.data(), 480) > 0) {
      for (int16_t v : frame) {
        if (v != 0) received.push_back(v);
      }
    }
    return b.nextDeadlineNs();
  });
  runner.start();
  std::thread writer([&] {
    for (int i = 0; i < 4; ++i) {
      const auto pcm = content(i * 12000, 12000, 1);  // 250 ms per write, more than the capacity
      LK_CHECK_EQ(b.write(pcm.data(), 12000, -1), 12000);
    }
  });
  writer.join();
  LK_CHECK_EQ(b.waitForPlayout(48000, 5000 * kMs), kOk);
  runner.stop();
  LK_REQUIRE(received.size() == 48000u);
  for (int64_t i = 0; i < 48000; ++i) LK_REQUIRE(received[i] == sampleValue(i, 0));
  AudioPlayoutStats s;
  b.getStats(&s);
  LK_CHECK_GT(s.writerBlockedNanos, 0);
  LK_NOTE("tick lateness p50 %.0f us, p99 %.0f us, max %.0f us (real time, loaded machine)", s.tickLatenessP50Us,
          s.tickLatenessP99Us, s.tickLatenessMaxUs);
}

LK_TEST(concurrent_writers_never_fail_and_never_interleave) {
  // Four writers block on a 50 ms buffer at once; each write must come out whole and contiguous.
  AudioPlayoutBuffer b(cfg(48000, 1, 50));
  constexpr int kWriters = 4, kWrites = 5, kSamples = 3000;
  std::vector<int16_t> out(480);
  std::vector<int16_t> received;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int k = 0; k < kWrites; ++k) {
        std::vector<int16_t> pcm(kSamples);
        for (int i = 0; i < kSamples; ++i) pcm[i] = static_cast<int16_t>(1 + w * 8000 + k * kSamples / 2 + i / 2);
        if (b.write(pcm.data(), kSamples, -1) != kSamples) failures++;
      }
    });
  }
  std::thread ticker([&] {
    int64_t t = 0;
    while (!done.load()) {
      b.tick(t, out.data(), 480);
      t += 10 * kMs;
      for (int16_t v : out) {
        if (v != 0) received.push_back(v);
      }
      std::this_thread::yield();
    }
  });
  for (auto& w : writers) w.join();
  while (b.queuedSamples() > 0) std::this_thread::yield();
  done = true;
  ticker.join();
  LK_CHECK_EQ(failures.load(), 0);
  LK_REQUIRE(received.size() == static_cast<size_t>(kWriters * kWrites * kSamples));
  // Split into writes: within one, values step by 0 or 1; a write is kSamples long.
  for (size_t start = 0; start < received.size(); start += kSamples) {
    for (size_t i = start + 1; i < start + kSamples; ++i) {
      const int step = received[i] - received[i - 1];
      LK_REQUIRE(step == 0 || step == 1);
    }
  }
}

LK_TEST(clear_takes_effect_on_the_next_tick) {
  for (bool fade : {true, false}) {
    AudioPlayoutConfig c = cfg(48000, 1, 1000);
    c.fadeOutOnClear = fade;
    AudioPlayoutBuffer b(c);
    const auto pcm = content(0, 48000, 1);
    LK_CHECK_EQ(b.tryWrite(pcm.data(), 48000), 48000);
    std::vector<int16_t> out(480);
    for (int i = 0; i < 3; ++i) b.tick(i * 10 * kMs, out.data(), 480);
    LK_CHECK_EQ(b.addMark(2000, 7), kOk);
    LK_CHECK_EQ(b.clear(), 3 * 480);  // the interrupted position: exactly what was played
    LK_CHECK_EQ(b.tick(30 * kMs, out.data(), 480), 480);
    const int fadeSamples = fade ? 240 : 0;
    for (int i = 0; i < 480; ++i) {
      if (i < fadeSamples) {
        LK_CHECK_LE(std::abs(out[i]), std::abs(static_cast<int>(pcm[1440 + i])));
      } else {
        LK_REQUIRE(out[i] == 0);
      }
    }
    if (fade) LK_CHECK_LE(std::abs(out[239]), std::abs(static_cast<int>(pcm[1440 + 239])) / 200 + 1);
    PlayoutMark m[4];
    LK_REQUIRE(b.pollMarks(m, 4) == 1);
    LK_CHECK(m[0].interrupted);
    LK_CHECK_EQ(m[0].id, 7);
    LK_CHECK_EQ(m[0].playedPosition, 3 * 480);
    // New writes continue after the dropped range and play at once.
    LK_CHECK_EQ(b.writePosition(), 48000);
    LK_CHECK_EQ(b.tryWrite(pcm.data(), 480), 480);
    b.tick(40 * kMs, out.data(), 480);
    LK_CHECK(out[0] == pcm[0]);
    AudioPlayoutStats s;
    b.getStats(&s);
    LK_CHECK_EQ(s.clears, 1);
    LK_CHECK_EQ(s.discardedSamples, 48000 - 1440);
  }
}

LK_TEST(clear_releases_a_blocked_writer_and_waits) {
  AudioPlayoutBuffer b(cfg(48000, 1, 100));
  const auto pcm = content(0, 48000, 1);
  std::atomic<int> writeResult{1}, waitResult{1};
  std::thread writer([&] { writeResult = b.write(pcm.data(), 48000, -1); });
  while (b.queuedSamples() < 4800) std::this_thread::yield();
  std::thread waiter([&] { waitResult = b.waitForPlayout(4800, -1); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  LK_CHECK_EQ(writeResult.load(), 1);  // still blocked: nobody ticks
  LK_CHECK_EQ(waitResult.load(), 1);
  b.clear();
  writer.join();
  waiter.join();
  LK_CHECK_EQ(writeResult.load(), kClosed);
  LK_CHECK_EQ(waitResult.load(), kClosed);
  LK_CHECK_EQ(b.queuedSamples(), 0);
  // close() does the same for anyone waiting later, and rejects further calls.
  std::thread writer2([&] { writeResult = b.write(pcm.data(), 48000, -1); });
  while (b.queuedSamples() < 4800) std::this_thread::yield();
  b.close();
  writer2.join();
  LK_CHECK_EQ(writeResult.load(), kClosed);
  LK_CHECK_EQ(b.tryWrite(pcm.data(), 10), kClosed);
  std::vector<int16_t> out(480);
  LK_CHECK_EQ(b.tick(0, out.data(), 480), kClosed);
}

LK_TEST(wait_for_playout_and_marks_are_exact) {
  AudioPlayoutBuffer b(cfg(48000, 1, 500));
  const auto pcm = content(0, 1234, 1);
  LK_CHECK_EQ(b.tryWrite(pcm.data(), 1234), 1234);
  const int64_t w = b.writePosition();
  LK_CHECK_EQ(b.addMark(w, 1), kOk);
  LK_CHECK_EQ(b.addMark(500, 2), kOk);
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    LK_CHECK_EQ(b.waitForPlayout(w, -1), kOk);
    done = true;
  });
  std::vector<int16_t> out(480);
  PlayoutMark m[4];
  int64_t emitted = 0;
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    LK_CHECK(!done.load());
    b.tick(i * 10 * kMs, out.data(), 480);
    emitted += 480;
    const int n = b.pollMarks(m, 4);
    if (i == 0) {
      LK_CHECK_EQ(n, 0);
    } else if (i == 1) {
      LK_REQUIRE(n == 1);  // 500 was emitted by the second tick (samples 480..959)
      LK_CHECK_EQ(m[0].id, 2);
      LK_CHECK(!m[0].interrupted);
    } else {
      LK_REQUIRE(n == 1);  // the last real sample (1233) went out in the third tick
      LK_CHECK_EQ(m[0].id, 1);
      LK_CHECK_EQ(m[0].playedPosition, w);
    }
  }
  waiter.join();
  LK_CHECK(done.load());
  LK_CHECK_EQ(b.playedPosition(), 1234);
  LK_CHECK_EQ(b.waitForPlayout(1234, 0), kOk);
  LK_CHECK_EQ(b.waitForPlayout(5000, 1 * kMs), kWouldBlock);
  // A position passed before a clear stays "played".
  b.tryWrite(pcm.data(), 1000);
  b.clear();
  LK_CHECK_EQ(b.waitForPlayout(1234, 0), kOk);
}

LK_TEST(underruns_count_only_inside_a_segment) {
  AudioPlayoutBuffer b(cfg(48000, 1));
  const auto pcm = content(0, 1200, 1);  // 25 ms
  std::vector<int16_t> out(480);
  b.tryWrite(pcm.data(), 1200);
  for (int i = 0; i < 5; ++i) b.tick(i * 10 * kMs, out.data(), 480);
  AudioPlayoutStats s;
  b.getStats(&s);
  LK_CHECK_EQ(s.underrunSamples, 5 * 480 - 1200);  // the writer never said the segment ended
  b.tryWrite(pcm.data(), 1200);
  b.endSegment();
  for (int i = 5; i < 10; ++i) b.tick(i * 10 * kMs, out.data(), 480);
  AudioPlayoutStats s2;
  b.getStats(&s2);
  LK_CHECK_EQ(s2.underrunSamples, s.underrunSamples);
  LK_CHECK_EQ(s2.silentFrames, 2 + 2);
}

LK_TEST(late_ticks_catch_up_but_long_stalls_reanchor) {
  AudioPlayoutBuffer b(cfg(48000, 1));
  std::vector<int16_t> out(480);
  b.start(0);
  LK_CHECK_EQ(b.tick(0, out.data(), 480), 480);
  LK_CHECK_EQ(b.tick(5 * kMs, out.data(), 480), kWouldBlock);
  // 30 ms late: schedule-anchored, the missed ticks are due at once (no drift).
  LK_CHECK_EQ(b.tick(40 * kMs, out.data(), 480), 480);
  LK_CHECK_EQ(b.nextDeadlineNs(), 20 * kMs);
  LK_CHECK_EQ(b.tick(40 * kMs, out.data(), 480), 480);
  LK_CHECK_EQ(b.tick(40 * kMs, out.data(), 480), 480);
  LK_CHECK_EQ(b.tick(40 * kMs, out.data(), 480), 480);
  LK_CHECK_EQ(b.tick(40 * kMs, out.data(), 480), kWouldBlock);
  // A 500 ms stall (GC, suspend): re-anchor instead of bursting 50 frames.
  LK_CHECK_EQ(b.tick(540 * kMs, out.data(), 480), 480);
  LK_CHECK_EQ(b.nextDeadlineNs(), 550 * kMs);
  AudioPlayoutStats s;
  b.getStats(&s);
  LK_CHECK_EQ(s.clockSlips, 1);
  LK_CHECK_EQ(s.framesEmitted, 6);
  LK_CHECK_GT(s.tickLatenessP99Us, 0.0);
}

LK_TEST(zero_drift_over_ten_simulated_minutes) {
  for (int rate : {48000, 44100}) {
    AudioPlayoutBuffer b(cfg(rate, 1, 1000));
    std::vector<int16_t> out(static_cast<size_t>(rate / 100));
    const auto pcm = content(0, rate / 10, 1);
    std::mt19937 rng(3);
    b.start(0);
    for (int i = 0; i < 60000; ++i) {
      if (b.queuedSamples() < rate / 20) b.tryWrite(pcm.data(), rate / 10);
      const int64_t jitter = static_cast<int64_t>(rng() % 2000000);  // woken up to 2 ms late
      LK_REQUIRE(b.tick(b.nextDeadlineNs() + jitter, out.data(), static_cast<int>(out.size())) > 0);
    }
    AudioPlayoutStats s;
    b.getStats(&s);
    LK_CHECK_EQ(s.emitPosition, static_cast<int64_t>(rate) * 600);
    LK_CHECK_EQ(b.nextDeadlineNs(), 600000 * kMs);  // 60000 deadlines of exactly 10 ms
    LK_CHECK_EQ(s.clockSlips, 0);
    LK_CHECK_EQ(s.underrunSamples, 0);
    LK_CHECK_LE(s.tickLatenessP99Us, 2000.0);
  }
}

LK_TEST(bad_arguments_are_rejected) {
  bool threw = false;
  try {
    AudioPlayoutBuffer b(cfg(44000 + 50, 1));
  } catch (const std::invalid_argument& e) {
    threw = std::string(e.what()).find("sampleRate") != std::string::npos;
  }
  LK_CHECK(threw);
  AudioPlayoutBuffer b(cfg(48000, 2));
  std::vector<int16_t> small(500);
  LK_CHECK_EQ(b.tick(0, small.data(), 500), kBufferTooSmall);
  LK_CHECK_EQ(b.tryWrite(nullptr, 10), kBadArgument);
  LK_CHECK_EQ(b.write(small.data(), -1, 0), kBadArgument);
  AudioPlayoutConfig c = cfg(48000, 1);
  c.maxMarks = 2;
  AudioPlayoutBuffer m(c);
  LK_CHECK_EQ(m.addMark(100, 1), kOk);
  LK_CHECK_EQ(m.addMark(200, 2), kOk);
  LK_CHECK_EQ(m.addMark(300, 3), kBufferTooSmall);
}
