package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ShortBuffer;
import org.junit.jupiter.api.Test;

class AudioResamplerTest {
  @Test
  void resamplesBetweenTheUsualRatesKeepingATone() {
    int[] rates = {8000, 16000, 24000, 32000, 44100, 48000};
    for (int in : rates) {
      for (int out : rates) {
        try (AudioResampler r = AudioResampler.create(1, in, out)) {
          short[] tone = TestMedia.sine(in, 1000, 0.5, 16000);
          short[] result = new short[out];
          int produced = 0;
          ShortBuffer inBuf = TestMedia.shorts(in / 100);
          ShortBuffer outBuf = TestMedia.shorts(r.maxOutputFrames(in / 100));
          for (int off = 0; off + in / 100 <= tone.length; off += in / 100) {
            inBuf.clear();
            inBuf.put(tone, off, in / 100).flip();
            outBuf.clear();
            int n = r.process(inBuf, outBuf);
            outBuf.get(result, produced, n);
            produced += n;
          }
          assertThat(Math.abs(produced - out / 2)).as(in + " -> " + out).isLessThanOrEqualTo(r.latencyFrames() + 2);
          double amp = TestMedia.toneAmplitude(result, out / 10, out / 4, 1000, out);
          assertThat(20 * Math.log10(amp / (16000 / 32768.0))).as(in + " -> " + out).isBetween(-0.1, 0.1);
        }
      }
    }
  }

  @Test
  void floatStereoAndLatency() {
    try (AudioResampler r = AudioResampler.create(2, 48000, 16000)) {
      assertThat(r.latencyFrames() * 1000.0 / 16000).isLessThanOrEqualTo(3.0);
      java.nio.FloatBuffer in = TestMedia.floats(960);
      java.nio.FloatBuffer out = TestMedia.floats(r.maxOutputFrames(480) * 2);
      assertThat(r.process(in, out)).isBetween(150, 162);
    }
  }

  @Test
  void checksArguments() {
    try (AudioResampler r = AudioResampler.create(2, 48000, 16000, 3)) {
      assertThatThrownBy(() -> r.process(TestMedia.shorts(961), TestMedia.shorts(1000))).hasMessageContaining("whole number");
      assertThatThrownBy(() -> r.process(TestMedia.shorts(960), TestMedia.shorts(10))).hasMessageContaining("maxOutputFrames");
    }
    assertThatThrownBy(() -> AudioResampler.create(1, 48000, 16000, 11)).hasMessageContaining("quality");
    AudioResampler r = AudioResampler.create(1, 16000, 48000);
    r.close();
    r.close();
    assertThatThrownBy(r::latencyFrames).hasMessage("AudioResampler is closed");
  }
}
