package io.livekit.agents.internal.rtc;

import io.livekit.agents.internal.TestThreads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import io.livekit.agents.AgentException;
import io.livekit.agents.media.MediaNatives;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.PixelFormat;
import io.livekit.agents.room.VideoSourceOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The send side of local tracks inside one JVM, without the network: sinks on webrtc-java's local tracks see exactly
 * what the sources push. Checks the colour conversion into I420, frame order, A/V pacing by the audio clock (a video
 * frame goes out after the audio it belongs to), and that clearing the audio flushes the queued video with it.
 */
class LocalMediaPathTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static WebRtcRuntime rt;
  private final List<Runnable> cleanup = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void natives() {
    MediaNatives.ensureAvailability();
    rt = WebRtcRuntime.get();
  }

  @AfterEach
  void close() {
    cleanup.forEach(Runnable::run);
  }

  /** What the local tracks' sinks saw, in the order the pacer thread pushed it. */
  private static final class Log implements AudioTrackSink, VideoTrackSink {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<int[]> yuv = new CopyOnWriteArrayList<>();

    @Override
    public void onData(byte[] data, int bits, int rate, int channels, int frames) {
      ShortBuffer s = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()).asShortBuffer();
      events.add("a" + s.get(0));
    }

    @Override
    public void onVideoFrame(dev.onvoid.webrtc.media.video.VideoFrame frame) {
      try {
        I420Buffer b = frame.buffer.toI420();
        int y = b.getDataY().get(0) & 0xff;
        yuv.add(new int[] {y, b.getDataU().get(0) & 0xff, b.getDataV().get(0) & 0xff, b.getWidth(), b.getHeight()});
        events.add("v" + y);
      } finally {
        frame.release();
      }
    }
  }

  private AudioSourceImpl audio(Log log, AudioSourceOptions options) {
    CustomAudioSource source = new CustomAudioSource();
    AudioTrack track = rt.factory.createAudioTrack("a" + System.nanoTime(), source);
    track.addSink(log);
    AudioSourceImpl impl = new AudioSourceImpl(source, options, "test");
    cleanup.add(() -> {
      impl.close();
      track.removeSink(log);
      track.dispose();
    });
    return impl;
  }

  private VideoSourceImpl video(Log log, VideoSourceOptions options, AudioSourceImpl clock) {
    return video(log, options, clock, true);
  }

  private VideoSourceImpl video(Log log, VideoSourceOptions options, AudioSourceImpl clock, boolean nativeConversion) {
    CustomVideoSource source = new CustomVideoSource();
    VideoTrack track = rt.factory.createVideoTrack("v" + System.nanoTime(), source);
    track.addSink(log);
    VideoSourceImpl impl = new VideoSourceImpl(source, options, "test", clock, nativeConversion);
    cleanup.add(0, () -> {
      impl.close();
      track.removeSink(log);
      track.dispose();
    });
    return impl;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(end);
      Thread.sleep(5);
    }
  }

  /** A solid picture in a packed format, {@code pad} extra bytes per row, heap or direct. */
  private static ByteBuffer solid(int w, int h, int pad, byte[] pixel, boolean direct) {
    int stride = w * 4 + pad;
    ByteBuffer b = direct ? ByteBuffer.allocateDirect(stride * h) : ByteBuffer.allocate(stride * h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        b.put(y * stride + x * 4, pixel);
      }
    }
    return b;
  }

  @ParameterizedTest(name = "native conversion: {0}")
  @ValueSource(booleans = {true, false})
  void packedFramesArriveAsI420InOrder(boolean nativeConversion) throws Exception {
    Log log = new Log();
    VideoSourceImpl v = video(log, VideoSourceOptions.of(64, 48), null, nativeConversion);
    byte r = (byte) 255;
    byte z = 0;
    // BT.601 limited range: red (81, 90, 240), blue (41, 240, 110), white (235, 128, 128)
    v.capture(solid(64, 48, 0, new byte[] {r, z, z, r}, false), PixelFormat.RGBA, 256, 0);
    v.capture(solid(64, 48, 16, new byte[] {r, z, z, r}, true), PixelFormat.BGRA, 272, 33_333);
    v.capture(solid(64, 48, 0, new byte[] {r, r, r, r}, true), PixelFormat.ARGB, 256, 66_666);
    await("three frames pushed", () -> log.yuv.size() == 3);
    assertThat(v.framesPushed()).isEqualTo(3);
    int[][] expected = {{81, 90, 240}, {41, 240, 110}, {235, 128, 128}};
    for (int i = 0; i < 3; i++) {
      int[] got = log.yuv.get(i);
      assertThat(got[3]).isEqualTo(64);
      assertThat(got[4]).isEqualTo(48);
      for (int c = 0; c < 3; c++) {
        assertThat(got[c]).as("frame %d plane %d", i, c).isCloseTo(expected[i][c],
            org.assertj.core.data.Offset.offset(2));
      }
    }
    assertThatThrownBy(() -> v.capture(ByteBuffer.allocate(10), PixelFormat.RGBA, 256, 100_000))
        .isInstanceOf(AgentException.class).hasMessageContaining("needs");
    assertThatThrownBy(() -> v.capture(solid(64, 48, 0, new byte[4], true), PixelFormat.RGBA, 256, 1))
        .isInstanceOf(AgentException.class).hasMessageContaining("backwards");
  }

  @Test
  void videoPacedByAudioGoesOutWithTheAudioItBelongsTo() throws Exception {
    Log log = new Log();
    AudioSourceImpl a = audio(log, AudioSourceOptions.of(48_000, 1));
    VideoSourceImpl v = video(log, new VideoSourceOptions(32, 32, 8), a);
    // 1.2 s of audio; every sample of 10 ms frame f is f + 1, so the sink sees which frame went out
    CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
      short[] pcm = new short[480 * 120];
      for (int i = 0; i < pcm.length; i++) {
        pcm[i] = (short) (i / 480 + 1);
      }
      try {
        return a.write(pcm, 0, pcm.length);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, TestThreads.PER_TASK);
    // 25 frames, one per 40 ms: frame k belongs to audio frame 4k (value 4k + 1); its Y value is 20 + 8k
    for (int k = 0; k < 25; k++) {
      byte y = (byte) (20 + 8 * k);
      ByteBuffer i420 = ByteBuffer.allocateDirect(32 * 32 * 3 / 2);
      for (int i = 0; i < 32 * 32; i++) {
        i420.put(i, y);
      }
      v.capture(i420, PixelFormat.I420, 32, k * 40_000L);
    }
    assertThat(writer.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(480 * 120);
    assertThat(a.waitForPlayout(WAIT)).isTrue();
    await("the last frame's turn passed", () -> log.events.contains("a100"));

    int lastAudio = 0;
    int lastVideo = -1;
    int videos = 0;
    for (String e : log.events) {
      int value = Integer.parseInt(e.substring(1));
      if (e.startsWith("a")) {
        lastAudio = value;
        continue;
      }
      int k = (value - 20) / 8;
      assertThat(k).as("video frames go out in order").isGreaterThan(lastVideo);
      assertThat(lastAudio).as("frame %d goes out after the audio frame it belongs to (value %d)", k, 4 * k + 1)
          .isGreaterThanOrEqualTo(4 * k + 1);
      lastVideo = k;
      videos++;
    }
    assertThat(videos).as("video frames pushed").isPositive();
    assertThat(v.framesPushed()).isEqualTo(videos);
    assertThat(a.emittedSamples()).isGreaterThanOrEqualTo(480 * 120);
  }

  @Test
  void clearingTheAudioFlushesTheQueuedVideoToo() throws Exception {
    Log log = new Log();
    AudioSourceImpl a = audio(log, new AudioSourceOptions(48_000, 1, 5_000));
    VideoSourceImpl v = video(log, new VideoSourceOptions(32, 32, 8), a);
    short[] pcm = new short[48_000 * 3];
    java.util.Arrays.fill(pcm, (short) 500);
    assertThat(a.write(pcm, 0, pcm.length)).isEqualTo(pcm.length); // 3 s, all queued at once
    for (int k = 0; k < 5; k++) { // frames for 2.0 .. 2.16 s into the audio
      ByteBuffer i420 = ByteBuffer.allocateDirect(32 * 32 * 3 / 2);
      v.capture(i420, PixelFormat.I420, 32, 2_000_000L + k * 40_000L);
    }
    assertThat(a.queuedMillis()).isGreaterThan(1_000);
    a.clear();
    assertThat(a.queuedMillis()).isZero();
    int mark = log.events.size();
    await("silence after the clear", () -> log.events.subList(mark, log.events.size()).stream()
        .filter(e -> e.equals("a0")).count() >= 30);
    assertThat(log.events).noneMatch(e -> e.startsWith("v"));
    assertThat(v.framesPushed()).isZero();
    // writes and frames go on after the clear, on a fresh timeline position
    assertThat(a.write(pcm, 0, 4_800)).isEqualTo(4_800);
    assertThat(a.waitForPlayout(WAIT)).isTrue();
  }

  @Test
  void oneVideoPerAudioClock() {
    Log log = new Log();
    AudioSourceImpl a = audio(log, AudioSourceOptions.of(16_000, 1));
    video(log, VideoSourceOptions.of(32, 32), a);
    assertThatThrownBy(() -> video(log, VideoSourceOptions.of(32, 32), a)).isInstanceOf(AgentException.class)
        .hasMessageContaining("paces another video track");
  }
}
