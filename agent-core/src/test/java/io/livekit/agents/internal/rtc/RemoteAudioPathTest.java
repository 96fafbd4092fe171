package io.livekit.agents.internal.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livekit.agents.media.MediaNatives;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The receive side of a remote audio track without the network: 10 ms blocks as WebRTC's sink delivers them go
 * through {@link PcmConverter} (the native resampler, or libwebrtc's as the fallback) into a {@link PcmRing}, and come
 * out as exact 10 ms frames of the asked format carrying the same tone: pitch and level checked.
 */
class RemoteAudioPathTest {
  private static final double TONE_HZ = 440;
  private static final int AMPLITUDE = 10_000;

  @BeforeAll
  static void nativesLoad() {
    MediaNatives.ensureAvailability();
    WebRtcRuntime.get(); // webrtc-java's natives, for the fallback resampler (no peer connection, no network)
  }

  static Stream<Arguments> formats() {
    List<Arguments> out = new ArrayList<>();
    for (boolean nativeResampler : new boolean[] {true, false}) {
      out.add(Arguments.of(nativeResampler, 48_000, 1, 16_000, 1));
      out.add(Arguments.of(nativeResampler, 48_000, 2, 16_000, 1));
      out.add(Arguments.of(nativeResampler, 48_000, 1, 44_100, 2));
      out.add(Arguments.of(nativeResampler, 48_000, 1, 48_000, 1));
      out.add(Arguments.of(nativeResampler, 16_000, 1, 24_000, 1));
    }
    return out.stream();
  }

  /** 10 ms of a 440 Hz tone (the same on every channel), as WebRTC's sink hands it over. */
  private static byte[] block(int rate, int channels, int index) {
    int frames = rate / 100;
    ByteBuffer b = ByteBuffer.allocate(frames * channels * 2).order(ByteOrder.nativeOrder());
    for (int i = 0; i < frames; i++) {
      long n = (long) index * frames + i;
      short s = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * TONE_HZ * n / rate));
      for (int c = 0; c < channels; c++) {
        b.putShort(s);
      }
    }
    return b.array();
  }

  @ParameterizedTest(name = "native={0} {1} Hz x{2} -> {3} Hz x{4}")
  @MethodSource("formats")
  void toneKeepsItsPitchAndLevelInTheAskedFormat(boolean nativeResampler, int inRate, int inChannels, int outRate,
      int outChannels) throws Exception {
    int frame = outRate / 100 * outChannels;
    PcmRing ring = new PcmRing(frame, 200);
    try (PcmConverter converter = new PcmConverter(outRate, outChannels, nativeResampler)) {
      for (int i = 0; i < 100; i++) { // one second
        ShortBuffer out = converter.convert(block(inRate, inChannels, i), 16, inRate, inChannels, inRate / 100);
        assertThat(out).isNotNull();
        ring.offer(out);
      }
    }
    ring.end();
    List<Short> channel0 = new ArrayList<>();
    short[] f = new short[frame];
    int frames = 0;
    int n;
    while ((n = ring.read(f, null)) > 0) {
      assertThat(n).as("exact 10 ms frames").isEqualTo(frame);
      frames++;
      for (int i = 0; i < frame; i += outChannels) {
        if (outChannels == 2) {
          assertThat(f[i + 1]).as("both channels carry the tone").isEqualTo(f[i]);
        }
        channel0.add(f[i]);
      }
    }
    assertThat(frames).as("about one second came out").isBetween(95, 100);
    assertThat(ring.dropped()).isZero();
    // skip the resampler's start-up (its filter delay), then measure
    List<Short> steady = channel0.subList(outRate / 20, channel0.size());
    int crossings = 0;
    double energy = 0;
    for (int i = 1; i < steady.size(); i++) {
      if ((steady.get(i - 1) < 0) != (steady.get(i) < 0)) {
        crossings++;
      }
      energy += (double) steady.get(i) * steady.get(i);
    }
    double seconds = (double) steady.size() / outRate;
    assertThat(crossings / 2.0 / seconds).as("pitch").isCloseTo(TONE_HZ, org.assertj.core.data.Offset.offset(6.0));
    double rms = Math.sqrt(energy / steady.size());
    assertThat(rms).as("level").isCloseTo(AMPLITUDE / Math.sqrt(2), org.assertj.core.data.Percentage.withPercentage(8));
  }

  @Test
  void badBlocksAreRefusedNotCrashed() {
    try (PcmConverter c = new PcmConverter(16_000, 1)) {
      assertThat(c.convert(new byte[960], 8, 48_000, 1, 480)).as("8-bit").isNull();
      assertThat(c.convert(new byte[960], 16, 48_000, 3, 480)).as("3 channels").isNull();
      assertThat(c.convert(new byte[10], 16, 48_000, 1, 480)).as("short data").isNull();
      assertThat(c.convert(new byte[960], 16, 48_000, 1, 400)).as("not 10 ms").isNull();
      assertThat(c.convert(new byte[960], 16, 0, 1, 0)).as("no rate").isNull();
      assertThat(c.convert(new byte[960], 16, 48_000, 1, 480)).isNotNull();
      c.close();
      assertThat(c.convert(new byte[960], 16, 48_000, 1, 480)).as("closed").isNull();
    }
  }

  @Test
  void aSlowReaderLosesTheOldestFramesNotTheNewest() throws Exception {
    PcmRing ring = new PcmRing(4, 3);
    for (short v = 0; v < 10; v++) {
      ShortBuffer b = ShortBuffer.wrap(new short[] {v, v, v, v});
      ring.offer(b);
    }
    assertThat(ring.dropped()).isGreaterThan(0);
    short[] f = new short[4];
    List<Short> firsts = new ArrayList<>();
    while (ring.read(f, java.time.Duration.ZERO) > 0) {
      firsts.add(f[0]);
    }
    assertThat(firsts).isNotEmpty().isSorted().endsWith((short) 9);
    assertThat(ring.read(f, java.time.Duration.ofMillis(1))).as("timeout").isZero();
    ring.end();
    assertThat(ring.read(f, null)).as("ended").isEqualTo(-1);
    assertThat(ring.isEndedAndEmpty()).isTrue();
    assertThatThrownBy(() -> ring.read(new short[3], java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
