// The A/V pacer on a simulated clock: the offset at emission between each video frame and the
// audio sample it belongs to stays inside ATSC IS-191 (audio leads <= 15 ms, lags <= 45 ms) with
// zero drift over 10 simulated minutes and no dropped frames at 30 fps; video waits for audio that
// underruns; late frames are dropped but never frozen; early frames back-pressure the producer;
// clear() flushes both; idle frames on the emission timeline; repeats.
#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <random>
#include <vector>

#include "lk_test.h"
#include "lkmedia/av_pacer.h"

using namespace lkmedia;

namespace {
constexpr int64_t kMs = 1000000;

// Drives a pacer the way the real driver thread does, on a simulated clock that wakes up late by
// a random 0..maxLateNs, with a producer that keeps `leadMs` of audio and video queued.
struct Harness {
  AudioPlayoutBuffer audio;
  AvPacer pacer;
  std::vector<PlayoutTick> ticks;
  std::vector<PacerEvent> pushes, drops, repeats, releases;
  std::vector<int64_t> pushTimes;
  std::vector<int16_t> frame;
  int64_t now = 0;

  Harness(const AudioPlayoutConfig& a, const AvPacerConfig& p)
      : audio(a), pacer(p, &audio), frame(static_cast<size_t>(a.sampleRate / 100 * a.channels)) {}

  void stepTo(int64_t t) {
    now = t;
    if (pacer.step(t, frame.data(), static_cast<int>(frame.size())) == 1) ticks.push_back(audio.lastTick());
    PacerEvent e[64];
    int n;
    while ((n = pacer.pollEvents(e, 64)) > 0) {
      for (int i = 0; i < n; ++i) {
        switch (e[i].kind) {
          case kPacerPush:
            pushes.push_back(e[i]);
            pushTimes.push_back(t);
            break;
          case kPacerDrop: drops.push_back(e[i]); break;
          case kPacerRepeat: repeats.push_back(e[i]); break;
          default: releases.push_back(e[i]); break;
        }
      }
    }
  }

  // The emission time of content sample c, from the ticks that emitted it.
  double audioTimeNs(int64_t c) const {
    auto it = std::upper_bound(ticks.begin(), ticks.end(), c,
                               [](int64_t v, const PlayoutTick& t) { return v < t.contentPosition; });
    if (it == ticks.begin()) return NAN;
    const PlayoutTick& t = *(it - 1);
    if (c >= t.contentPosition + t.contentSamples) return NAN;
    return static_cast<double>(t.timeNs) +
           static_cast<double>(t.contentOffset + (c - t.contentPosition)) * 1e9 / audio.sampleRate();
  }
};

AudioPlayoutConfig audioCfg() {
  AudioPlayoutConfig a;
  a.sampleRate = 48000;
  a.capacityMs = 200;
  return a;
}
}  // namespace

LK_TEST(av_offset_inside_atsc_and_zero_drift_over_ten_minutes) {
  AvPacerConfig p;
  p.fps = 30;
  Harness h(audioCfg(), p);
  std::mt19937 rng(9);
  std::vector<int16_t> chunk(960, 1000);  // 20 ms of audio per write
  int64_t audioWritten = 0;
  int64_t nextFrame = 0;
  const int64_t minutes10 = 600LL * 1000 * kMs;
  while (h.now < minutes10) {
    // Producer: faster than real time, 100 ms ahead; a frame for every 1600 samples of audio.
    while (audioWritten < h.audio.playedPosition() + 4800 && h.audio.tryWrite(chunk.data(), 960) == 960) {
      audioWritten += 960;
    }
    while (nextFrame * 1600 < audioWritten && nextFrame * 1600 < 600LL * 48000 &&
           h.pacer.tryPushVideo(static_cast<uint64_t>(nextFrame), nextFrame * 1600, kContentTimeline) == kOk) {
      ++nextFrame;
    }
    const int64_t wake = h.pacer.nextWakeNs();
    const int64_t late = static_cast<int64_t>(rng() % 2000000);  // the driver thread wakes 0..2 ms late
    h.stepTo(std::max(h.now, (wake == INT64_MIN ? 0 : wake) + late));
  }
  LK_REQUIRE(h.pushes.size() > 17900);
  double minOff = 1e18, maxOff = -1e18, firstMinute = 0, lastMinute = 0;
  int firstN = 0, lastN = 0;
  for (size_t i = 0; i < h.pushes.size(); ++i) {
    const double at = h.audioTimeNs(h.pushes[i].pts);
    LK_REQUIRE(!std::isnan(at));
    const double off = (static_cast<double>(h.pushTimes[i]) - at) / 1e6;  // > 0: video after audio
    minOff = std::min(minOff, off);
    maxOff = std::max(maxOff, off);
    if (h.pushTimes[i] < 60000 * kMs) {
      firstMinute += off;
      ++firstN;
    } else if (h.pushTimes[i] >= 540000 * kMs) {
      lastMinute += off;
      ++lastN;
    }
  }
  firstMinute /= firstN;
  lastMinute /= lastN;
  AvPacerStats s;
  h.pacer.getStats(&s);
  LK_NOTE("%zu frames; offset min %.3f ms, max %.3f ms, p50 %.2f, p99 %.2f; mean first minute %.3f, last minute %.3f",
          h.pushes.size(), minOff, maxOff, s.avOffsetP50Ms, s.avOffsetP99Ms, firstMinute, lastMinute);
  LK_CHECK_GE(minOff, -45.0);  // audio lags by at most 45 ms
  LK_CHECK_LE(maxOff, 15.0);   // audio leads by at most 15 ms
  LK_CHECK_LE(std::fabs(lastMinute - firstMinute), 0.5);  // no drift
  LK_CHECK_EQ(s.videoLate, 0);
  LK_CHECK_EQ(s.videoDropped, 0);
  LK_CHECK(h.drops.empty());
  LK_CHECK_EQ(static_cast<int64_t>(h.pushes.size()), static_cast<int64_t>(nextFrame));
  for (size_t i = 1; i < h.pushes.size(); ++i) LK_REQUIRE(h.pushes[i].token == h.pushes[i - 1].token + 1);
  LK_CHECK_LE(s.avOffsetP99Ms, 15.0);
  LK_CHECK_GE(s.avOffsetP50Ms, -45.0);
  // The audio clock itself: 60000 frames of exactly 10 ms.
  AudioPlayoutStats a;
  h.audio.getStats(&a);
  LK_CHECK_EQ(a.framesEmitted, static_cast<int64_t>(h.ticks.size()));
  LK_CHECK_GE(a.framesEmitted, 60000);
  LK_CHECK_LE(a.framesEmitted, 60001);
  LK_CHECK_EQ(a.clockSlips, 0);
}

LK_TEST(video_waits_for_audio_that_underruns) {
  Harness h(audioCfg(), AvPacerConfig{});
  std::vector<int16_t> audio(4800, 500);  // 100 ms
  h.audio.tryWrite(audio.data(), 4800);
  for (int f = 0; f < 6; ++f) h.pacer.tryPushVideo(static_cast<uint64_t>(f), f * 1600, kContentTimeline);
  // Frames 0..2 belong to the first 100 ms; 3..5 to audio that comes only 300 ms later.
  for (int64_t t = 0; t <= 400 * kMs; t += kMs) {
    if (t == 300 * kMs) h.audio.tryWrite(audio.data(), 4800);
    h.stepTo(t);
  }
  LK_REQUIRE(h.pushes.size() == 6u);
  for (size_t i = 0; i < 6; ++i) {
    const double at = h.audioTimeNs(h.pushes[i].pts);
    LK_CHECK_LE(std::fabs(static_cast<double>(h.pushTimes[i]) - at), 1.0 * kMs);
  }
  LK_CHECK_GE(h.pushTimes[3], 300 * kMs);  // waited for its audio
  AvPacerStats s;
  h.pacer.getStats(&s);
  LK_CHECK_EQ(s.videoLate, 0);
  LK_CHECK_GT(s.audioUnderrunMs, 100.0);
}

LK_TEST(late_frames_are_dropped_but_the_picture_never_freezes) {
  Harness h(audioCfg(), AvPacerConfig{});
  std::vector<int16_t> audio(48000, 500);
  h.audio.tryWrite(audio.data(), 9600);
  for (int64_t t = 0; t <= 150 * kMs; t += kMs) h.stepTo(t);
  // 150 ms of audio played; frames for content 0..133 ms arrive only now: all late.
  for (int f = 0; f < 4; ++f) LK_CHECK_EQ(h.pacer.tryPushVideo(static_cast<uint64_t>(f), f * 1600, kContentTimeline), kOk);
  h.stepTo(151 * kMs);
  // Nothing was pushed for more than two frame intervals: the newest due frame goes out, the rest drop.
  LK_REQUIRE(h.pushes.size() == 1u);
  LK_CHECK_EQ(h.pushes[0].token, 3u);
  LK_CHECK_EQ(h.drops.size(), 3u);
  AvPacerStats s;
  h.pacer.getStats(&s);
  LK_CHECK_EQ(s.videoLate, 3);
  // A frame more than one interval late right after a push is dropped (100 ms content at 152 ms).
  LK_CHECK_EQ(h.pacer.tryPushVideo(9, 3 * 1600, kContentTimeline), kOk);
  h.stepTo(152 * kMs);
  LK_CHECK_EQ(h.drops.size(), 4u);
}

LK_TEST(early_frames_back_pressure_the_producer) {
  AvPacerConfig p;
  p.fps = 30;
  Harness h(audioCfg(), p);
  LK_CHECK_EQ(h.pacer.queueCapacity(), 15);
  for (int f = 0; f < 15; ++f) LK_CHECK_EQ(h.pacer.tryPushVideo(static_cast<uint64_t>(f), f * 1600, kContentTimeline), kOk);
  LK_CHECK_EQ(h.pacer.tryPushVideo(15, 15 * 1600, kContentTimeline), kWouldBlock);
  LK_CHECK_EQ(h.pacer.pushVideo(15, 15 * 1600, kContentTimeline, 1 * kMs), kWouldBlock);
  std::vector<int16_t> audio(4800, 500);
  h.audio.tryWrite(audio.data(), 4800);
  for (int64_t t = 0; t <= 50 * kMs; t += kMs) h.stepTo(t);
  LK_CHECK_EQ(h.pacer.tryPushVideo(15, 15 * 1600, kContentTimeline), kOk);
  LK_CHECK(h.drops.empty());
}

LK_TEST(clear_flushes_audio_and_video_together) {
  Harness h(audioCfg(), AvPacerConfig{});
  std::vector<int16_t> audio(9600, 500);
  h.audio.tryWrite(audio.data(), 9600);
  for (int f = 0; f < 6; ++f) h.pacer.tryPushVideo(static_cast<uint64_t>(f), f * 1600, kContentTimeline);
  for (int64_t t = 0; t <= 45 * kMs; t += kMs) h.stepTo(t);
  const size_t pushedBefore = h.pushes.size();
  LK_CHECK_EQ(pushedBefore, 2u);  // content 0 and 1600 (33.3 ms)
  const int64_t at = h.pacer.clear();
  LK_CHECK_EQ(at, 5 * 480);
  h.stepTo(46 * kMs);
  LK_CHECK_EQ(h.drops.size(), 4u);
  for (int64_t t = 47 * kMs; t <= 60 * kMs; t += kMs) h.stepTo(t);
  LK_CHECK(h.ticks.back().contentSamples == 0);  // the next tick is silent
  LK_CHECK_EQ(h.pushes.size(), pushedBefore);
  // A clear of the audio buffer alone flushes the video too (at the next tick).
  h.audio.tryWrite(audio.data(), 4800);
  h.pacer.tryPushVideo(50, h.audio.writePosition() - 100, kContentTimeline);
  h.audio.clear();
  for (int64_t t = 61 * kMs; t <= 80 * kMs; t += kMs) h.stepTo(t);
  LK_CHECK_EQ(h.drops.size(), 5u);
  LK_CHECK_EQ(h.drops.back().token, 50u);
}

LK_TEST(idle_frames_follow_the_emission_clock) {
  Harness h(audioCfg(), AvPacerConfig{});
  for (int64_t t = 0; t <= 20 * kMs; t += kMs) h.stepTo(t);
  // No audio at all: schedule idle frames 40 ms ahead on the emission timeline.
  const int64_t e0 = h.pacer.emissionPosition(h.now);
  LK_CHECK_EQ(e0, 2 * 480);  // the third frame (emission 960..1439) started at 20 ms
  for (int f = 0; f < 3; ++f) {
    LK_CHECK_EQ(h.pacer.tryPushVideo(static_cast<uint64_t>(f), e0 + 1920 + f * 1600, kEmissionTimeline), kOk);
  }
  for (int64_t t = 21 * kMs; t <= 200 * kMs; t += 100000) h.stepTo(t);
  LK_REQUIRE(h.pushes.size() == 3u);
  for (int f = 0; f < 3; ++f) {
    const double expected = (static_cast<double>(e0 + 1920 + f * 1600)) / 48000.0 * 1e9;
    LK_CHECK_LE(std::fabs(static_cast<double>(h.pushTimes[f]) - expected), 0.2 * kMs);
  }
}

LK_TEST(last_frame_is_repeated_when_none_comes) {
  AvPacerConfig p;
  p.repeatAfterMs = 100;
  Harness h(audioCfg(), p);
  std::vector<int16_t> audio(4800, 500);
  h.audio.tryWrite(audio.data(), 4800);
  h.pacer.tryPushVideo(1, 0, kContentTimeline);
  h.pacer.tryPushVideo(2, 1600, kContentTimeline);
  for (int64_t t = 0; t <= 350 * kMs; t += kMs) h.stepTo(t);
  LK_CHECK_EQ(h.pushes.size(), 2u);
  LK_REQUIRE(h.releases.size() >= 1u);
  LK_CHECK_EQ(h.releases[0].token, 1u);  // replaced by 2
  LK_CHECK_GE(h.repeats.size(), 2u);
  for (const auto& r : h.repeats) LK_CHECK_EQ(r.token, 2u);
  h.pacer.close();
  PacerEvent e[8];
  const int n = h.pacer.pollEvents(e, 8);
  LK_REQUIRE(n == 1);
  LK_CHECK_EQ(e[0].kind, kPacerRelease);
  LK_CHECK_EQ(e[0].token, 2u);
}

LK_TEST(bad_configuration_is_rejected) {
  AudioPlayoutBuffer audio(audioCfg());
  AvPacerConfig p;
  p.fps = 0.5;
  bool threw = false;
  try {
    AvPacer pacer(p, &audio);
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  LK_CHECK(threw);
  AvPacer pacer(AvPacerConfig{}, &audio);
  LK_CHECK_EQ(pacer.tryPushVideo(1, 0, 7), kBadArgument);
}
