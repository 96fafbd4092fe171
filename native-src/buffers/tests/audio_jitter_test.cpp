// The audio jitter buffer's packet handling, checked sample by sample with a synthetic decoder
// whose output says which content it carries: reordering, duplicates, loss (PLC for exactly the
// lost duration), FEC, DTX, late packets after an underrun, bursts, wrap, resets, overflow; the
// delay bounds (minDelayMs, maxDelayMs, setMinimumDelay) and the currentDelayMs statistic.
#include <algorithm>
#include <functional>
#include <random>
#include <vector>

#include "buffers_test_util.h"
#include "lk_test.h"
#include "lkmedia/audio_jitter_buffer.h"

using namespace lkmedia;
using lkbt::kMs;

namespace {

struct SimPacket {
  uint16_t seq;
  uint32_t ts;
  uint32_t ssrc;
  std::vector<uint8_t> payload;
  int64_t arrivalNs;
};

// 20 ms synthetic packets k = 0..count-1 sent at k * 20 ms, arriving `baseMs` later.
std::vector<SimPacket> stream(int count, uint16_t seq0 = 1000, uint32_t ts0 = 5000, bool fec = false,
                              int baseMs = 5, uint32_t ssrc = 42) {
  std::vector<SimPacket> v;
  for (int k = 0; k < count; ++k) {
    v.push_back({static_cast<uint16_t>(seq0 + k), ts0 + static_cast<uint32_t>(k) * 960u, ssrc,
                 lkbt::synthPayload(static_cast<int64_t>(k) * 960, 960, fec && k > 0),
                 (k * 20 + baseMs) * kMs});
  }
  return v;
}

struct Output {
  std::vector<int16_t> pcm;
  std::vector<int> flags;
};

// Pushes packets at their arrival times and pulls every 10 ms from 0 until endMs.
Output run(AudioJitterBuffer& jb, std::vector<SimPacket> packets, int endMs) {
  std::stable_sort(packets.begin(), packets.end(),
                   [](const SimPacket& a, const SimPacket& b) { return a.arrivalNs < b.arrivalNs; });
  Output out;
  size_t next = 0;
  std::vector<int16_t> frame(static_cast<size_t>(jb.frameSamples() * jb.channels()));
  for (int64_t t = 0; t <= static_cast<int64_t>(endMs) * kMs; t += 10 * kMs) {
    while (next < packets.size() && packets[next].arrivalNs <= t) {
      const SimPacket& p = packets[next++];
      jb.push(p.seq, p.ts, p.ssrc, p.payload.data(), static_cast<int>(p.payload.size()), p.arrivalNs);
    }
    const int f = jb.pull(t, frame.data(), static_cast<int>(frame.size()));
    out.flags.push_back(f);
    out.pcm.insert(out.pcm.end(), frame.begin(), frame.end());
  }
  return out;
}

// Splits the output (after leading silence) into runs; returns the content index sequence
// continuity breaks and the number of concealed samples.
struct Analysis {
  int64_t firstContent = -1;   // value of the first content sample
  int64_t contentSamples = 0;
  int64_t concealed = 0;       // between the first and the last content sample
  int64_t trailing = 0;        // after the last content sample (the stream ended)
  int64_t zeros = 0;
  int breaks = 0;              // content that does not follow the previous content sample
  std::vector<int64_t> jumps;  // content index jumps at breaks (new - expected)
};

Analysis analyse(const std::vector<int16_t>& pcm) {
  Analysis a;
  int64_t prev = -1;
  int64_t run = 0;
  for (int16_t v : pcm) {
    if (v == lkbt::kConcealValue) {
      ++run;
      continue;
    }
    if (v == 0) {
      ++a.zeros;
      continue;
    }
    ++a.contentSamples;
    if (prev >= 0) a.concealed += run;
    run = 0;
    const int64_t idx = v - 1;
    if (a.firstContent < 0) a.firstContent = idx;
    if (prev >= 0 && idx != (prev + 1) % 20000) {
      ++a.breaks;
      a.jumps.push_back(((idx - prev - 1) % 20000 + 20000) % 20000);
    }
    prev = idx;
  }
  a.trailing = run;
  return a;
}

AudioJitterBufferConfig exactConfig() {
  AudioJitterBufferConfig c;
  c.startDelayMs = 40;
  c.timeStretch = false;  // sample-exact content checks
  c.fecHeadroom = false;
  return c;
}

}  // namespace

LK_TEST(in_order_stream_plays_every_sample_once) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  LK_CHECK_EQ(jb.frameSamples(), 480);
  const Output out = run(jb, stream(200), 4200);
  const Analysis a = analyse(out.pcm);
  LK_CHECK_EQ(a.breaks, 0);
  LK_CHECK_EQ(a.concealed, 0);
  LK_CHECK_EQ(a.firstContent, 0);
  LK_CHECK_EQ(a.contentSamples, 200 * 960);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.packetsReceived, 200);
  LK_CHECK_EQ(s.packetsLost, 0);
  LK_CHECK_EQ(s.packetsDecoded, 200);
  LK_CHECK_EQ(s.concealedSamples, a.trailing);  // only after the stream ended
  LK_CHECK_EQ(s.jitterBufferEmittedCount, 200 * 960);
  LK_CHECK_NEAR(s.jitterBufferDelaySeconds / s.jitterBufferEmittedCount * 1000.0, 40.0, 12.0);
}

LK_TEST(reordering_within_the_delay_is_invisible) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  auto packets = stream(200);
  for (size_t k = 10; k + 1 < packets.size(); k += 7) {
    std::swap(packets[k].arrivalNs, packets[k + 1].arrivalNs);  // k+1 arrives first
    packets[k].arrivalNs += 3 * kMs;
  }
  const Analysis a = analyse(run(jb, packets, 4200).pcm);
  LK_CHECK_EQ(a.breaks, 0);
  LK_CHECK_EQ(a.concealed, 0);
  LK_CHECK_EQ(a.contentSamples, 200 * 960);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_GE(s.packetsReordered, 25);
  LK_CHECK_EQ(s.maxReorderDistance, 1);
}

LK_TEST(duplicates_are_dropped) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  auto packets = stream(100);
  auto copies = packets;
  for (auto& p : copies) p.arrivalNs += 2 * kMs;
  packets.insert(packets.end(), copies.begin(), copies.end());
  const Analysis a = analyse(run(jb, packets, 2200).pcm);
  LK_CHECK_EQ(a.breaks, 0);
  LK_CHECK_EQ(a.contentSamples, 100 * 960);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.packetsDuplicated, 100);
  LK_CHECK_EQ(s.packetsDiscarded, 100);
  LK_CHECK_EQ(dec.decoded, 100);
}

LK_TEST(loss_is_concealed_for_exactly_the_lost_duration) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  auto packets = stream(200);
  std::vector<SimPacket> kept;
  for (auto& p : packets) {
    const int k = p.seq - 1000;
    if (k == 50 || k == 51 || k == 100) continue;
    kept.push_back(p);
  }
  const Analysis a = analyse(run(jb, kept, 4200).pcm);
  LK_CHECK_EQ(a.concealed, 3 * 960);
  LK_CHECK_EQ(a.breaks, 2);
  LK_REQUIRE(a.jumps.size() == 2);
  LK_CHECK_EQ(a.jumps[0], 2 * 960);  // content resumes exactly after the lost packets
  LK_CHECK_EQ(a.jumps[1], 960);
  LK_CHECK_EQ(a.contentSamples, 197 * 960);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.concealedSamples, 3 * 960 + a.trailing);
  LK_CHECK_EQ(s.lossConcealedSamples, 3 * 960);
  LK_CHECK_EQ(s.delayedPacketOutageSamples, 0);
  LK_CHECK_EQ(s.concealmentEvents, 2 + (a.trailing > 0));
  LK_CHECK_EQ(s.packetsLost, 3);
}

LK_TEST(fec_recovers_isolated_losses_and_plc_covers_the_rest) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  std::vector<SimPacket> kept;
  for (auto& p : stream(200, 1000, 5000, true)) {
    const int k = p.seq - 1000;
    if (k == 50 || k == 80 || k == 81) continue;
    kept.push_back(p);
  }
  const Analysis a = analyse(run(jb, kept, 4200).pcm);
  // 50 comes back through the FEC of 51; of the burst, 80 is concealed and 81 recovered from 82.
  LK_CHECK_EQ(a.concealed, 960);
  LK_CHECK_EQ(a.breaks, 1);
  LK_CHECK_EQ(a.contentSamples, 199 * 960);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.fecRecovered, 2);
  LK_CHECK_EQ(s.fecRecoveredSamples, 2 * 960);
  LK_CHECK_EQ(s.concealedSamples, 960 + a.trailing);
  LK_CHECK_EQ(s.fecPacketsReceived, 196);
  LK_CHECK_EQ(dec.fecDecoded, 2);
}

LK_TEST(dtx_gap_is_comfort_noise_not_loss) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  std::vector<SimPacket> v;
  uint16_t seq = 300;
  for (int k = 0; k < 20; ++k) {
    v.push_back({seq++, static_cast<uint32_t>(k * 960), 7, lkbt::synthPayload(k * 960, 960, false), (k * 20 + 5) * kMs});
  }
  // Packet 20 is a DTX packet; then the sender is silent for 500 ms (no packets, no sequence numbers).
  v.push_back({seq++, 20 * 960u, 7, std::vector<uint8_t>{0x08}, (20 * 20 + 5) * kMs});
  for (int k = 46; k < 80; ++k) {
    v.push_back({seq++, static_cast<uint32_t>(k * 960), 7, lkbt::synthPayload(k * 960, 960, false), (k * 20 + 5) * kMs});
  }
  const Analysis a = analyse(run(jb, v, 1800).pcm);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.concealedSamples, a.trailing);  // comfort noise is not concealment
  LK_CHECK_EQ(s.packetsLost, 0);
  // 20 ms DTX packet plus the 500 ms gap: 520 ms of comfort noise (the gap is 25 packets = 500 ms).
  LK_NOTE("comfort noise: %lld samples", static_cast<long long>(s.dtxSamples));
  LK_CHECK_GE(s.dtxSamples, 24 * 960);
  LK_CHECK_LE(s.dtxSamples, 26 * 960);
  LK_CHECK_EQ(a.contentSamples, (20 + 34) * 960);
  LK_CHECK_EQ(a.breaks, 1);
}

LK_TEST(late_packets_after_a_stall_are_played_not_dropped) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  auto packets = stream(150);
  for (auto& p : packets) {
    const int k = p.seq - 1000;
    // A network stall: nothing from packet 30 on arrives before 785 ms, then a burst.
    if (k >= 30) p.arrivalNs = std::max<int64_t>(p.arrivalNs, 785 * kMs);
  }
  const Analysis a = analyse(run(jb, packets, 3500).pcm);
  LK_CHECK_EQ(a.contentSamples, 150 * 960);  // nothing lost
  LK_CHECK_EQ(a.breaks, 0);
  LK_CHECK_GT(a.concealed, 0);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.delayedPacketOutageSamples, s.concealedSamples - a.trailing);
  LK_CHECK_EQ(s.lossConcealedSamples, 0);
  LK_CHECK_EQ(s.packetsLate, 0);
}

LK_TEST(sequence_and_timestamp_wrap_are_seamless) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  auto packets = stream(300, 65400, 0xffffffffu - 100 * 960u);
  const Analysis a = analyse(run(jb, packets, 6200).pcm);
  LK_CHECK_EQ(a.breaks, 0);
  LK_CHECK_EQ(a.concealed, 0);
  LK_CHECK_EQ(a.contentSamples, 300 * 960);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.resets, 0);
  LK_CHECK_EQ(s.packetsLost, 0);
}

LK_TEST(ssrc_change_restarts_the_stream) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  auto a = stream(100, 100, 0, false, 5, 1);
  auto b = stream(100, 40000, 123456, false, 5, 2);
  for (auto& p : b) p.arrivalNs += 2100 * kMs;  // the first stream has played out
  a.insert(a.end(), b.begin(), b.end());
  const Analysis r = analyse(run(jb, a, 4200).pcm);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.resets, 1);
  LK_CHECK_EQ(dec.resets, 1);
  LK_CHECK_EQ(r.contentSamples, 200 * 960);
  LK_CHECK_EQ(s.packetsLost, 0);
}

LK_TEST(sequence_jump_beyond_3000_restarts_the_stream) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  auto a = stream(100, 100, 0);
  auto b = stream(100, 100 + 100 + 5000, 100 * 960);
  for (auto& p : b) p.arrivalNs += 2100 * kMs;
  a.insert(a.end(), b.begin(), b.end());
  const Analysis r = analyse(run(jb, a, 4200).pcm);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.resets, 1);
  LK_CHECK_EQ(r.contentSamples, 200 * 960);
}

LK_TEST(bursty_arrival_raises_the_target_and_stops_concealing) {
  lkbt::SynthDecoder dec;
  AudioJitterBufferConfig c = exactConfig();
  AudioJitterBuffer jb(c, &dec);
  auto packets = stream(1000);
  for (auto& p : packets) {
    const int k = p.seq - 1000;
    p.arrivalNs = ((k / 5) * 100 + 80 + 5) * kMs;  // five packets at once every 100 ms
  }
  const Output out = run(jb, packets, 20500);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_GE(s.targetDelayMs, 80);
  const std::vector<int16_t> tail(out.pcm.begin() + 48000 * 5, out.pcm.end());  // after 5 s
  const Analysis a = analyse(tail);
  LK_NOTE("target %.0f ms, concealed after 5 s: %lld samples", s.targetDelayMs, static_cast<long long>(a.concealed));
  LK_CHECK_EQ(a.concealed, 0);
  LK_CHECK_EQ(analyse(out.pcm).contentSamples, 1000 * 960);
}

LK_TEST(overflow_keeps_the_newest_packets) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  for (int k = 0; k < 300; ++k) {
    const auto p = lkbt::synthPayload(k * 960, 960, false);
    jb.push(static_cast<uint16_t>(k), static_cast<uint32_t>(k * 960), 9, p.data(), static_cast<int>(p.size()), 0);
  }
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_GE(s.bufferFlushes, 1);
  std::vector<int16_t> frame(480);
  int64_t t = 0;
  int16_t first = 0;
  for (int i = 0; i < 40 && first == 0; ++i, t += 10 * kMs) {
    jb.pull(t, frame.data(), 480);
    if (frame[0] > 0) first = frame[0];
  }
  LK_CHECK_EQ(first, lkbt::contentValue(44 * 960));  // 0..43 were dropped to make room for 256 newer
}

LK_TEST(malformed_payload_is_concealed_not_crashed) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  auto packets = stream(100);
  packets[40].payload = {0xff, 0xff, 0xff};  // the decoder rejects it
  const Analysis a = analyse(run(jb, packets, 2200).pcm);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.decodeErrors, 1);
  LK_CHECK_EQ(a.concealed, 960);
  LK_CHECK_EQ(a.contentSamples, 99 * 960);
  LK_CHECK_EQ(jb.pushRtp(reinterpret_cast<const uint8_t*>("bad"), 3, 0), kInvalidData);
}

LK_TEST(pull_contract) {
  lkbt::SynthDecoder dec(16000, 2);
  AudioJitterBuffer jb(exactConfig(), &dec);
  LK_CHECK_EQ(jb.frameSamples(), 160);
  std::vector<int16_t> small(100), frame(320, 123);
  LK_CHECK_EQ(jb.pull(0, small.data(), 100), kBufferTooSmall);
  LK_CHECK_EQ(jb.pull(0, nullptr, 320), kBadArgument);
  LK_CHECK_EQ(jb.pull(0, frame.data(), 320), kAudioSilence);
  LK_CHECK(std::all_of(frame.begin(), frame.end(), [](int16_t v) { return v == 0; }));
  bool threw = false;
  try {
    AudioJitterBuffer bad(exactConfig(), nullptr);
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  LK_CHECK(threw);
}

LK_TEST(rtp_input_path_matches_field_input) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  std::vector<int16_t> frame(480);
  int64_t content = 0;
  for (int k = 0; k < 100; ++k) {
    const auto payload = lkbt::synthPayload(k * 960, 960, false);
    const auto packet = lkbt::rtp(static_cast<uint16_t>(k), static_cast<uint32_t>(k * 960), 5, false,
                                  payload.data(), payload.size(), 111, 1, 1, k % 3);
    LK_CHECK_EQ(jb.pushRtp(packet.data(), static_cast<int>(packet.size()), k * 20 * kMs), 0);
    for (int j = 0; j < 2; ++j) {
      jb.pull((k * 20 + j * 10) * kMs, frame.data(), 480);
      content += std::count_if(frame.begin(), frame.end(), [](int16_t v) { return v > 0; });
    }
  }
  LK_CHECK_GE(content, 97 * 960);
}

namespace {

// `count` packets of `stream()` with uniform jitter in [0, maxJitterMs) on top of the 5 ms path; every
// 10th packet has none, so the arrival reference (the smallest arrival - content time in 2 s) stays
// exactly the 5 ms path.
std::vector<SimPacket> jittered(int count, int maxJitterMs, uint32_t seed) {
  auto packets = stream(count);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> jitterUs(0, maxJitterMs * 1000 - 1);
  for (size_t k = 0; k < packets.size(); ++k) {
    if (k % 10 != 0) packets[k].arrivalNs += static_cast<int64_t>(jitterUs(rng)) * 1000;
  }
  return packets;
}

// Pushes and pulls like run(), and after every pull records the target, the statistics and, when the
// frame starts with content, the delay of that content measured from the output itself: pull time
// minus the content's send time minus the 5 ms path (the content index is known modulo 20000 samples,
// unambiguous for delays below 416 ms).
struct DelayTrace {
  std::vector<int> targetMs;
  std::vector<double> currentDelayMs;
  std::vector<double> measuredDelayMs;  // < 0: the frame does not start with content
  AudioJitterBufferStats end;
};

DelayTrace runDelays(AudioJitterBuffer& jb, std::vector<SimPacket> packets, int endMs,
                     const std::function<void(int64_t tMs, AudioJitterBuffer&)>& atPull = nullptr) {
  std::stable_sort(packets.begin(), packets.end(),
                   [](const SimPacket& a, const SimPacket& b) { return a.arrivalNs < b.arrivalNs; });
  DelayTrace d;
  size_t next = 0;
  std::vector<int16_t> frame(static_cast<size_t>(jb.frameSamples() * jb.channels()));
  for (int64_t tMs = 0; tMs <= endMs; tMs += 10) {
    const int64_t t = tMs * kMs;
    while (next < packets.size() && packets[next].arrivalNs <= t) {
      const SimPacket& p = packets[next++];
      jb.push(p.seq, p.ts, p.ssrc, p.payload.data(), static_cast<int>(p.payload.size()), p.arrivalNs);
    }
    if (atPull) atPull(tMs, jb);
    jb.pull(t, frame.data(), static_cast<int>(frame.size()));
    AudioJitterBufferStats s;
    jb.getStats(&s);
    d.targetMs.push_back(jb.targetDelayMs());
    d.currentDelayMs.push_back(s.currentDelayMs);
    double measured = -1;
    if (frame[0] > 0) {
      const int64_t index = frame[0] - 1;                   // content sample index modulo 20000
      const int64_t latest = (tMs - 5) * 48;                // no content can be played before it arrived
      const int64_t n = latest - ((latest - index) % 20000 + 20000) % 20000;
      measured = static_cast<double>(tMs - 5) - static_cast<double>(n) / 48.0;
    }
    d.measuredDelayMs.push_back(measured);
  }
  jb.getStats(&d.end);
  return d;
}

}  // namespace

// currentDelayMs is the delay of the sample leaving the buffer now (after the arrival reference):
// checked against the delay read from the output content itself, frame by frame, on a jittered
// stream with reordering, underruns and late packets.
LK_TEST(current_delay_stat_is_the_delay_of_the_sample_being_played) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  const DelayTrace d = runDelays(jb, jittered(1500, 80, 31), 30000);
  int compared = 0, off = 0;
  double worst = 0;
  for (size_t i = 100; i < d.measuredDelayMs.size(); ++i) {  // after the first second
    if (d.measuredDelayMs[i] < 0) continue;
    ++compared;
    const double e = std::fabs(d.currentDelayMs[i] - d.measuredDelayMs[i]);
    worst = std::max(worst, e);
    if (e > 0.05) ++off;
  }
  LK_NOTE("%d frames compared, worst |currentDelayMs - measured| %.3f ms; target %.0f ms, packetsLate %lld",
          compared, worst, d.end.targetDelayMs, static_cast<long long>(d.end.packetsLate));
  LK_CHECK_GE(compared, 2500);
  LK_CHECK_EQ(off, 0);
  LK_CHECK_GT(d.end.packetsReordered, 0);
}

// maxDelayMs caps the adaptive target: 0..300 ms jitter pushes the unbounded target far above 120 ms;
// with maxDelayMs = 120 it never goes above. The played delay follows the cap, not the jitter: with
// most packets later than the cap allows, the buffer conceals, waits up to lateWaitMs (50 ms) past the
// target for the missing packet, plays it if it comes (the delay grows for a while) and gives it up
// (late) if not, so its median stays near target + lateWaitMs (measured 185 ms; 305 ms uncapped) with
// excursions up to the jitter's own spread (peak 255 ms). Time-stretching is off here (sample-exact
// content); with it on, accelerate pulls the played delay down between those episodes as well.
LK_TEST(max_delay_caps_the_target_under_large_jitter) {
  const auto packets = jittered(1500, 300, 32);
  int peak[2] = {0, 0};
  double medianPlayed[2] = {0, 0};
  int64_t late[2] = {0, 0};
  for (int capped = 0; capped < 2; ++capped) {
    lkbt::SynthDecoder dec;
    AudioJitterBufferConfig c = exactConfig();
    if (capped) c.maxDelayMs = 120;
    AudioJitterBuffer jb(c, &dec);
    const DelayTrace d = runDelays(jb, packets, 30000);
    peak[capped] = *std::max_element(d.targetMs.begin(), d.targetMs.end());
    std::vector<double> played;
    for (size_t i = 300; i < d.measuredDelayMs.size(); ++i) {
      if (d.measuredDelayMs[i] >= 0) played.push_back(d.measuredDelayMs[i]);
    }
    LK_REQUIRE(played.size() > 1000);
    std::sort(played.begin(), played.end());
    medianPlayed[capped] = played[played.size() / 2];
    late[capped] = d.end.packetsLate;
    LK_NOTE("maxDelayMs %d: peak target %d ms, final target %.0f ms, played delay after 3 s: median %.1f ms, peak "
            "%.1f ms; late packets %lld, concealed %.2f %%",
            c.maxDelayMs, peak[capped], d.end.targetDelayMs, medianPlayed[capped], played.back(),
            static_cast<long long>(d.end.packetsLate), 100.0 * d.end.concealedSamples / d.end.totalSamplesReceived);
    if (capped) LK_CHECK_EQ(d.end.targetDelayMs, 120.0);
  }
  LK_CHECK_GE(peak[0], 240);  // the jitter would push the target outside the bound...
  LK_CHECK_LE(peak[1], 120);  // ...and the bound holds
  LK_CHECK_GE(medianPlayed[0], 240.0);
  // target + lateWaitMs + one packet (the one played after giving up may be that much later) + one pull
  LK_CHECK_LE(medianPlayed[1], 120.0 + 50.0 + 20.0 + 10.0);
  LK_CHECK_GT(late[1], late[0]);  // what the cap costs: packets given up as late
}

// minDelayMs floors the target and the delay the stream starts playing at, where the jitter alone
// would give a small target.
LK_TEST(min_delay_floors_the_target_and_the_played_delay) {
  const auto packets = jittered(500, 20, 33);
  for (int floorMs : {0, 150}) {
    lkbt::SynthDecoder dec;
    AudioJitterBufferConfig c = exactConfig();
    c.minDelayMs = floorMs;
    AudioJitterBuffer jb(c, &dec);
    const DelayTrace d = runDelays(jb, packets, 10000);
    const int lowest = *std::min_element(d.targetMs.begin(), d.targetMs.end());
    const int highest = *std::max_element(d.targetMs.begin(), d.targetMs.end());
    double minPlayed = 1e9, maxPlayed = 0;
    for (size_t i = 0; i + 30 < d.measuredDelayMs.size(); ++i) {  // until the stream ends
      if (d.measuredDelayMs[i] < 0) continue;
      minPlayed = std::min(minPlayed, d.measuredDelayMs[i]);
      maxPlayed = std::max(maxPlayed, d.measuredDelayMs[i]);
    }
    LK_NOTE("minDelayMs %d: target %d..%d ms, played delay %.1f..%.1f ms, minimumDelayMs stat %.0f", floorMs, lowest,
            highest, minPlayed, maxPlayed, d.end.minimumDelayMs);
    LK_CHECK_EQ(d.end.minimumDelayMs, static_cast<double>(floorMs));
    if (floorMs == 0) {
      LK_CHECK_LE(highest, 60);  // the jitter alone keeps the target low...
    } else {
      LK_CHECK_EQ(lowest, floorMs);  // ...the floor holds from the first pull on
      LK_CHECK_GE(minPlayed, floorMs);
      LK_CHECK_LE(maxPlayed, floorMs + 10.0);  // playing starts at the first 10 ms pull at or past the target
    }
  }
}

// setMinimumDelay raises the floor at once (A/V sync), is clamped to maxDelayMs, and 0 gives the
// adaptive target back.
LK_TEST(set_minimum_delay_raises_the_floor_and_zero_restores_it) {
  const auto packets = jittered(1500, 60, 34);
  lkbt::SynthDecoder refDec;
  AudioJitterBuffer reference(exactConfig(), &refDec);
  const DelayTrace free = runDelays(reference, packets, 30000);
  lkbt::SynthDecoder dec;
  AudioJitterBufferConfig c = exactConfig();
  c.maxDelayMs = 400;
  AudioJitterBuffer jb(c, &dec);
  AudioJitterBufferStats atClamp;
  const DelayTrace d = runDelays(jb, packets, 30000, [&](int64_t tMs, AudioJitterBuffer& b) {
    if (tMs == 10000) b.setMinimumDelay(250);
    if (tMs == 15000) {
      b.setMinimumDelay(5000);  // clamped to maxDelayMs
      b.getStats(&atClamp);
    }
    if (tMs == 20000) b.setMinimumDelay(0);
  });
  int beforeMax = 0, duringMin = 1000, clampedMin = 1000, clampedMax = 0, afterDiffers = 0;
  for (size_t i = 0; i < d.targetMs.size(); ++i) {
    const int64_t tMs = static_cast<int64_t>(i) * 10;
    if (tMs < 10000) beforeMax = std::max(beforeMax, d.targetMs[i]);
    if (tMs >= 10000 && tMs < 15000) duringMin = std::min(duringMin, d.targetMs[i]);
    if (tMs >= 15000 && tMs < 20000) {
      clampedMin = std::min(clampedMin, d.targetMs[i]);
      clampedMax = std::max(clampedMax, d.targetMs[i]);
    }
    if (tMs >= 20000 && d.targetMs[i] != free.targetMs[i]) ++afterDiffers;
  }
  LK_NOTE("adaptive target up to %d ms before; %d ms minimum while setMinimumDelay(250); %d..%d ms while "
          "setMinimumDelay(5000); after setMinimumDelay(0) %d pulls differ from the buffer without override",
          beforeMax, duringMin, clampedMin, clampedMax, afterDiffers);
  LK_CHECK_LE(beforeMax, 100);
  LK_CHECK_EQ(duringMin, 250);
  LK_CHECK_EQ(clampedMin, 400);
  LK_CHECK_EQ(clampedMax, 400);
  LK_CHECK_EQ(atClamp.minimumDelayMs, 400.0);
  LK_CHECK_EQ(afterDiffers, 0);
  LK_CHECK_EQ(d.end.minimumDelayMs, 0.0);
}

// A packet that arrives after the buffer gave it up (concealed it as lost and moved on) is counted
// in packetsLate and discarded; it is not played out of order.
LK_TEST(a_packet_after_its_release_point_counts_as_late) {
  lkbt::SynthDecoder dec;
  AudioJitterBuffer jb(exactConfig(), &dec);
  auto packets = stream(100);
  packets[40].arrivalNs += 400 * kMs;  // target 40 ms + lateWaitMs 50 ms: given up long before
  const Analysis a = analyse(run(jb, packets, 2200).pcm);
  AudioJitterBufferStats s;
  jb.getStats(&s);
  LK_CHECK_EQ(s.packetsLate, 1);
  LK_CHECK_EQ(s.packetsReceived, 100);
  LK_CHECK_EQ(s.packetsDiscarded, 1);
  LK_CHECK_EQ(s.packetsDuplicated, 0);
  LK_CHECK_EQ(s.lossConcealedSamples, 960);
  LK_CHECK_EQ(a.concealed, 960);
  LK_CHECK_EQ(a.breaks, 1);
  LK_REQUIRE(a.jumps.size() == 1);
  LK_CHECK_EQ(a.jumps[0], 960);  // the content goes on after packet 40, and 40 never plays
  LK_CHECK_EQ(a.contentSamples, 99 * 960);
  LK_CHECK_EQ(dec.decoded, 99);
}
