// Resampler tests: every rate pair of 8/16/24/32/44.1/48 kHz, mono and stereo; passband flatness,
// alias rejection and latency against media-core.md §7; streaming in odd chunks; bad arguments.
#include <cstring>
#include <stdexcept>

#include "lk_test.h"
#include "lkmedia/resampler.h"
#include "test_signals.h"

using namespace lkmedia;

namespace {

// Runs `in` (interleaved) through the resampler in chunks of `chunk` frames; returns all output.
std::vector<int16_t> runChunks(Resampler& r, const std::vector<int16_t>& in, int chunk) {
  const int ch = r.channels();
  std::vector<int16_t> out, buf;
  const size_t frames = in.size() / ch;
  for (size_t off = 0; off < frames; off += chunk) {
    const int n = static_cast<int>(std::min<size_t>(chunk, frames - off));
    buf.resize(static_cast<size_t>(r.maxOutputFrames(n)) * ch);
    const int got = r.process(in.data() + off * ch, n, buf.data(), r.maxOutputFrames(n));
    LK_REQUIRE(got >= 0);
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<size_t>(got) * ch);
  }
  return out;
}

double gainDb(double outAmp, double inAmp) { return 20 * std::log10(outAmp / inAmp); }

}  // namespace

LK_TEST(resampler_every_rate_pair_keeps_a_1khz_tone) {
  const int rates[] = {8000, 16000, 24000, 32000, 44100, 48000};
  for (int in : rates) {
    for (int out : rates) {
      for (int ch = 1; ch <= 2; ch++) {
        Resampler r(ch, in, out, 5);
        const auto x = lktest::sine(in, ch, 1000.0, 1.0, 16000);
        const auto y = runChunks(r, x, in / 100);  // 10 ms chunks
        const int64_t expected = out;               // 1 s in -> 1 s out (minus what is still in the filter)
        const int64_t got = static_cast<int64_t>(y.size() / ch);
        LK_CHECK_MSG(std::llabs(got - expected) <= r.latencyFrames() + 2, "%d->%d ch %d: %lld frames, latency %d",
                     in, out, ch, static_cast<long long>(got), r.latencyFrames());
        const size_t skip = static_cast<size_t>(out / 10);
        const size_t n = y.size() / ch - skip - static_cast<size_t>(out / 10);
        for (int c = 0; c < ch; c++) {
          const double amp = lktest::toneAmplitude(y.data() + skip * ch, n, ch, c, 1000.0, out);
          const double g = gainDb(amp, 16000.0 / 32768.0);
          LK_CHECK_MSG(std::fabs(g) <= 0.1, "%d->%d ch %d/%d: 1 kHz gain %.3f dB", in, out, c, ch, g);
        }
      }
    }
  }
}

LK_TEST(resampler_passband_alias_and_latency_48k_16k) {
  // Passband: a tone at 0.4 x 16 kHz = 6.4 kHz within +-0.1 dB, both directions.
  {
    Resampler down(1, 48000, 16000, 5);
    const auto x = lktest::sine(48000, 1, 6400.0, 1.0, 16000);
    const auto y = runChunks(down, x, 480);
    const double g = gainDb(lktest::toneAmplitude(y.data() + 1600, y.size() - 3200, 1, 0, 6400.0, 16000), 16000.0 / 32768);
    LK_NOTE("48->16 kHz gain at 6.4 kHz: %.3f dB", g);
    LK_CHECK_LE(std::fabs(g), 0.1);
  }
  {
    Resampler up(1, 16000, 48000, 5);
    const auto x = lktest::sine(16000, 1, 6400.0, 1.0, 16000);
    const auto y = runChunks(up, x, 160);
    const double g = gainDb(lktest::toneAmplitude(y.data() + 4800, y.size() - 9600, 1, 0, 6400.0, 48000), 16000.0 / 32768);
    LK_NOTE("16->48 kHz gain at 6.4 kHz: %.3f dB", g);
    LK_CHECK_LE(std::fabs(g), 0.1);
  }
  // Alias rejection: an 11 kHz tone cannot exist at 16 kHz; whatever comes out is aliasing.
  {
    Resampler down(1, 48000, 16000, 5);
    const auto x = lktest::sine(48000, 1, 11000.0, 1.0, 16000);
    const auto y = runChunks(down, x, 480);
    const double outRms = lktest::rms(y.data() + 1600, y.size() - 1600);
    const double inRms = lktest::rms(x.data(), x.size());
    const double rejection = outRms > 0 ? 20 * std::log10(outRms / inRms) : -200.0;
    LK_NOTE("48->16 kHz residual of an 11 kHz tone: %.1f dB", rejection);
    LK_CHECK_LE(rejection, -80.0);
  }
  // Latency <= 3 ms at the default quality.
  Resampler down(1, 48000, 16000, 5);
  Resampler up(1, 24000, 48000, 5);
  LK_NOTE("latency 48->16: %d frames, 24->48: %d frames", down.latencyFrames(), up.latencyFrames());
  LK_CHECK_LE(down.latencyFrames(), 16000 * 3 / 1000);
  LK_CHECK_LE(up.latencyFrames(), 48000 * 3 / 1000);
}

LK_TEST(resampler_streaming_is_chunk_independent) {
  const auto x = lktest::speechLike(44100, 1.0, 4);
  Resampler a(1, 44100, 48000, 5), b(1, 44100, 48000, 5);
  const auto ya = runChunks(a, x, 441);
  const auto yb = runChunks(b, x, 37);
  const size_t n = std::min(ya.size(), yb.size());
  LK_CHECK_GE(n, static_cast<size_t>(47000));
  int diff = 0;
  for (size_t i = 0; i < n; i++) diff = std::max(diff, std::abs(ya[i] - yb[i]));
  LK_CHECK_LE(diff, 1);
}

LK_TEST(resampler_stereo_channels_stay_apart) {
  std::vector<int16_t> x(48000 * 2);
  for (size_t i = 0; i < 48000; i++) {
    x[2 * i] = lktest::clip16(12000 * std::sin(2 * lktest::kPi * 1000.0 * i / 48000));
    x[2 * i + 1] = lktest::clip16(12000 * std::sin(2 * lktest::kPi * 2500.0 * i / 48000));
  }
  Resampler r(2, 48000, 16000, 5);
  const auto y = runChunks(r, x, 480);
  const size_t n = y.size() / 2 - 1600;
  const double l1 = lktest::toneAmplitude(y.data() + 1600, n - 1600, 2, 0, 1000.0, 16000);
  const double l2 = lktest::toneAmplitude(y.data() + 1600, n - 1600, 2, 0, 2500.0, 16000);
  const double r1 = lktest::toneAmplitude(y.data() + 1600, n - 1600, 2, 1, 1000.0, 16000);
  const double r2 = lktest::toneAmplitude(y.data() + 1600, n - 1600, 2, 1, 2500.0, 16000);
  LK_CHECK_GT(l1, 100 * l2);
  LK_CHECK_GT(r2, 100 * r1);
}

LK_TEST(resampler_float_and_passthrough) {
  Resampler r(1, 16000, 48000, 3);
  std::vector<float> in(160), out(static_cast<size_t>(r.maxOutputFrames(160)));
  double sumSq = 0;
  for (int k = 0; k < 50; k++) {
    for (int i = 0; i < 160; i++) in[i] = 0.5f * static_cast<float>(std::sin(2 * lktest::kPi * 440.0 * (k * 160 + i) / 16000));
    const int n = r.processFloat(in.data(), 160, out.data(), static_cast<int>(out.size()));
    LK_REQUIRE(n >= 0);
    if (k > 5) for (int i = 0; i < n; i++) sumSq += out[i] * out[i];
  }
  LK_CHECK_NEAR(std::sqrt(sumSq / (44 * 480)), 0.5 / std::sqrt(2.0), 0.01);

  Resampler same(2, 48000, 48000, 5);
  std::vector<int16_t> a = {1, 2, 3, 4, 5, 6}, b(6);
  LK_CHECK_EQ(same.process(a.data(), 3, b.data(), 3), 3);
  LK_CHECK(a == b);
  LK_CHECK_EQ(same.latencyFrames(), 0);
}

LK_TEST(resampler_rejects_bad_arguments) {
  bool threw = false;
  try { Resampler r(0, 48000, 16000, 5); } catch (const std::invalid_argument&) { threw = true; }
  LK_CHECK(threw);
  threw = false;
  try { Resampler r(1, 48000, 16000, 11); } catch (const std::invalid_argument&) { threw = true; }
  LK_CHECK(threw);
  threw = false;
  try { Resampler r(1, 500, 16000, 5); } catch (const std::invalid_argument& e) { threw = std::strstr(e.what(), "500") != nullptr; }
  LK_CHECK(threw);
  Resampler r(1, 48000, 16000, 5);
  std::vector<int16_t> in(480), out(200);
  LK_CHECK_EQ(r.process(in.data(), 480, out.data(), 100), kBufferTooSmall);
  LK_CHECK_EQ(r.process(nullptr, 480, out.data(), 200), kBadArgument);
  LK_CHECK_EQ(r.process(in.data(), -1, out.data(), 200), kBadArgument);
  LK_CHECK_EQ(r.process(in.data(), 0, out.data(), 200), 0);
  LK_CHECK_GE(r.process(in.data(), 480, out.data(), 200), 158);
}
