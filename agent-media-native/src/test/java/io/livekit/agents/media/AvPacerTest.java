package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java face of the A/V pacer: sync on a simulated clock, clear, a real-time run, no allocation. */
class AvPacerTest {
  private static final long MS = 1_000_000L;

  @BeforeAll
  static void natives() {
    MediaNatives.ensureAvailability();
  }

  /** Records what the pacer emits, and when. */
  static final class Recorder implements AvPacer.Sink<Long> {
    final List<long[]> audio = new ArrayList<>();  // time, unused
    final List<long[]> pushed = new CopyOnWriteArrayList<>();  // frame, time
    final List<Long> dropped = new CopyOnWriteArrayList<>();
    int audioFrames;

    @Override
    public void onAudioFrame(ShortBuffer frame, long nowNanos) {
      audioFrames++;
    }

    @Override
    public void onVideoFrame(Long frame, long nowNanos, boolean repeat) {
      pushed.add(new long[] {frame, nowNanos});
    }

    @Override
    public void onVideoDropped(Long frame) {
      dropped.add(frame);
    }
  }

  @Test
  void videoGoesOutWhenItsAudioDoesOverTwoSimulatedMinutes() {
    try (AudioPlayoutBuffer audio = AudioPlayoutBuffer.builder(48000, 1).build()) {
      Recorder rec = new Recorder();
      try (AvPacer<Long> pacer = AvPacer.builder(audio).fps(30).build(rec)) {
        assertThatThrownBy(() -> audio.tick(0, TestMedia.shorts(480))).isInstanceOf(IllegalStateException.class);
        ShortBuffer chunk = TestMedia.shorts(960);
        long written = 0;
        long next = 0;
        long now = 0;
        while (now < 120_000 * MS) {
          while (written < audio.playedPosition() + 4800) {
            chunk.clear();
            if (audio.tryWrite(chunk) == 0) {
              break;
            }
            written += 960;
          }
          while (next * 1600 < written && pacer.tryPushVideo(next, next * 1600)) {
            next++;
          }
          long wake = pacer.nextWakeNanos();
          now = Math.max(now, wake == Long.MIN_VALUE ? 0 : wake);
          pacer.step(now);
        }
        // Each frame i belongs to audio sample i * 1600, emitted at exactly i * 1600 / 48 kHz.
        assertThat(rec.pushed).hasSizeGreaterThan(3590);
        for (long[] p : rec.pushed) {
          double audioTime = p[0] * 1600 * 1e9 / 48000;
          double offsetMs = (p[1] - audioTime) / 1e6;
          assertThat(offsetMs).isBetween(-45.0, 15.0);
          assertThat(Math.abs(offsetMs)).isLessThan(0.01);
        }
        AvPacerStats s = pacer.stats();
        assertThat(s.videoLate()).isZero();
        assertThat(rec.dropped).isEmpty();
        assertThat(s.get("avOffsetP99Ms")).isLessThan(15.0);
        assertThat(rec.audioFrames).isEqualTo(12001);
      }
    }
  }

  @Test
  void clearFlushesQueuedFramesThroughTheSink() throws Exception {
    try (AudioPlayoutBuffer audio = AudioPlayoutBuffer.builder(48000, 1).build()) {
      Recorder rec = new Recorder();
      AvPacer<Long> pacer = AvPacer.builder(audio).build(rec);
      audio.tryWrite(TestMedia.shorts(9600));
      for (long f = 0; f < 6; f++) {
        assertThat(pacer.pushVideo(f, f * 1600)).isTrue();
      }
      for (long t = 0; t <= 45 * MS; t += MS) {
        pacer.step(t);
      }
      assertThat(rec.pushed).hasSize(2);
      assertThat(pacer.clear()).isEqualTo(5 * 480);
      pacer.step(46 * MS);
      assertThat(rec.dropped).containsExactly(2L, 3L, 4L, 5L);
      assertThat(audio.queuedSamples()).isZero();
      pacer.tryPushVideo(9L, 10_000);
      audio.close();  // closes the pacer first: every frame comes back
      assertThat(rec.dropped).contains(9L);
      assertThatThrownBy(() -> pacer.step(0)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aProducerBlockedOnAFullQueueIsRefusedByAClear() throws Exception {
    try (AudioPlayoutBuffer audio = AudioPlayoutBuffer.builder(48000, 1).build()) {
      Recorder rec = new Recorder();
      try (AvPacer<Long> pacer = AvPacer.builder(audio).fps(30).build(rec)) {
        audio.tryWrite(TestMedia.shorts(4800));
        long queued = 0;
        while (pacer.tryPushVideo(queued, queued * 1600)) {  // nothing is due before the first step
          queued++;
        }
        assertThat(queued).isEqualTo(pacer.queueCapacity());
        long pts = queued * 1600;
        AtomicInteger result = new AtomicInteger(-1);
        Thread producer = new Thread(() -> {
          try {
            result.set(pacer.pushVideo(99L, pts) ? 1 : 0);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        producer.start();
        long deadline = System.nanoTime() + 30_000 * MS;
        while (producer.getState() != Thread.State.TIMED_WAITING) {  // waiting for room in the queue
          assertThat(System.nanoTime()).as("the producer waits for room").isLessThan(deadline);
          Thread.sleep(1);
        }
        pacer.clear();
        producer.join(30_000);
        assertThat(producer.isAlive()).as("the producer returned after the clear").isFalse();
        assertThat(result.get()).as("pushVideo's answer once a clear came while it waited").isZero();
        for (long t = 0; t <= 200 * MS; t += MS) {
          pacer.step(t);
        }
        assertThat(rec.pushed).as("frames pushed after the clear").isEmpty();
        assertThat(rec.dropped).as("every frame comes back once, the refused one too").hasSize((int) queued + 1)
            .contains(99L).doesNotHaveDuplicates();
      }
    }
  }

  @Test
  void realTimeDriverPushesEveryFrame() throws Exception {
    try (AudioPlayoutBuffer audio = AudioPlayoutBuffer.builder(48000, 1).capacityMs(1000).build()) {
      AtomicInteger audioFrames = new AtomicInteger();
      List<Long> pushed = new CopyOnWriteArrayList<>();
      try (AvPacer<Long> pacer = AvPacer.builder(audio).fps(30).build(new AvPacer.Sink<Long>() {
        @Override
        public void onAudioFrame(ShortBuffer frame, long nowNanos) {
          audioFrames.incrementAndGet();
        }

        @Override
        public void onVideoFrame(Long frame, long nowNanos, boolean repeat) {
          pushed.add(frame);
        }
      })) {
        audio.tryWrite(TestMedia.shorts(24000));  // 500 ms
        for (long f = 0; f < 15; f++) {
          pacer.pushVideo(f, f * 1600);
        }
        pacer.start();
        // half a second of media in real time; only a failure waits out the rest of a loaded machine's minute
        long deadline = System.nanoTime() + 60_000 * MS;
        while (pushed.size() < 15 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(pushed).hasSize(15);
        assertThat(audioFrames.get()).isGreaterThanOrEqualTo(45);
      }
    }
  }

  @Test
  void stepsAllocateNothingInSteadyState() {
    try (AudioPlayoutBuffer audio = AudioPlayoutBuffer.builder(48000, 1).capacityMs(1000).build()) {
      Long frame = 7L;
      AvPacer<Long> pacer = AvPacer.builder(audio).build(new AvPacer.Sink<Long>() {
        @Override
        public void onAudioFrame(ShortBuffer f, long nowNanos) {}
      });
      ShortBuffer chunk = TestMedia.shorts(1600);
      long[] now = {0};
      long[] written = {0};
      long allocated = TestMedia.allocatedInSteadyState(20_000, i -> {
        chunk.clear();
        if (audio.tryWrite(chunk) > 0) {
          pacer.tryPushVideo(frame, written[0]);
          written[0] += 1600;
        }
        long wake = pacer.nextWakeNanos();
        now[0] = Math.max(now[0], wake == Long.MIN_VALUE ? 0 : wake);
        pacer.step(now[0]);
      });
      assertThat(allocated).isLessThan(16 * 1024);
      pacer.close();
    }
  }
}
