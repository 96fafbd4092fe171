// The audio jitter buffer's packet handling, checked sample by sample with a synthetic decoder
// whose output says which content it carries: reordering, duplicates, loss (PLC for exactly the
// lost duration), FEC, DTX, late packets after an underrun, bursts, wrap, resets, overflow.
#include <algorithm>
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
