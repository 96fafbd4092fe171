package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ShortBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java face of the playout buffer: simulated ticks, a real emitter, clear, exact playout. */
class AudioPlayoutBufferTest {
  private static final long MS = 1_000_000L;

  @BeforeAll
  static void natives() {
    MediaNatives.ensureAvailability();
  }

  static short value(long n) {
    return (short) (1 + n % 30000);
  }

  static ShortBuffer content(long start, int samples) {
    ShortBuffer b = TestMedia.shorts(samples);
    for (int i = 0; i < samples; i++) {
      b.put(i, value(start + i));
    }
    return b;
  }

  @Test
  void everySampleOnceAndInOrderAt441Hz() {
    try (AudioPlayoutBuffer b = AudioPlayoutBuffer.builder(44100, 1).build()) {
      assertThat(b.frameSamples()).isEqualTo(441);
      ShortBuffer out = TestMedia.shorts(441);
      long written = 0, checked = 0;
      ShortBuffer chunk = content(0, 0);
      long total = 44100 * 5;
      for (long t = 0; checked < total; t += 10 * MS) {
        while (written < total) {
          if (!chunk.hasRemaining()) {
            chunk = content(written, (int) Math.min(1 + (written * 7919) % 3000, total - written));
          }
          int before = chunk.position();
          b.tryWrite(chunk);
          written += chunk.position() - before;
          if (chunk.hasRemaining()) {
            break;
          }
        }
        out.clear();
        assertThat(b.tick(t, out)).isEqualTo(441);
        for (int i = 0; i < 441 && checked < total; i++) {
          assertThat(out.get(i)).isEqualTo(value(checked));
          checked++;
        }
      }
      assertThat(b.stats().underrunSamples()).isZero();
      assertThat(b.playedPosition()).isEqualTo(total);
    }
  }

  @Test
  void blockingWriterAndRealTimeEmitterDeliverEverything() throws Exception {
    try (AudioPlayoutBuffer b = AudioPlayoutBuffer.builder(48000, 1).capacityMs(100).build()) {
      ShortBuffer received = TestMedia.shorts(48000);
      AtomicInteger frames = new AtomicInteger();
      b.start((frame, now) -> {
        frames.incrementAndGet();
        while (frame.hasRemaining() && received.hasRemaining()) {
          short v = frame.get();
          if (v != 0) {
            received.put(v);
          }
        }
      });
      AtomicInteger accepted = new AtomicInteger();
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < 4 && b.write(content(i * 12000L, 12000)); i++) {
            accepted.incrementAndGet();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      writer.start();
      // one second of audio in real time: a loaded machine may take longer, only a failure waits this out
      writer.join(60_000);
      assertThat(writer.isAlive()).as("the writer finished").isFalse();
      assertThat(accepted.get()).as("writes accepted whole").isEqualTo(4);
      AudioPlayoutBuffer.Playout p = b.playout().get(60, TimeUnit.SECONDS);
      assertThat(p.interrupted()).isFalse();
      assertThat(p.playedPosition()).isEqualTo(48000);
      assertThat(received.position()).isEqualTo(48000);
      for (int i = 0; i < 48000; i++) {
        assertThat(received.get(i)).isEqualTo(value(i));
      }
      assertThat(b.stats().get("writerBlockedNanos")).isGreaterThan(0);
      assertThat(frames.get()).isGreaterThanOrEqualTo(100);
    }
  }

  @Test
  void clearSilencesTheNextTickReleasesWritersAndInterruptsPlayout() throws Exception {
    try (AudioPlayoutBuffer b = AudioPlayoutBuffer.builder(48000, 1).capacityMs(100).fadeOutMs(0).build()) {
      ShortBuffer out = TestMedia.shorts(480);
      b.tryWrite(content(0, 2400));
      b.tick(0, out);
      CompletableFuture<AudioPlayoutBuffer.Playout> playout = b.playout();
      AtomicBoolean result = new AtomicBoolean(true);
      CountDownLatch started = new CountDownLatch(1);
      Thread writer = new Thread(() -> {
        started.countDown();
        try {
          result.set(b.write(content(2400, 48000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      writer.start();
      started.await();
      long deadline = System.nanoTime() + 30_000 * MS;
      while (b.queuedSamples() < 4800) {
        assertThat(System.nanoTime()).as("the writer filled the buffer").isLessThan(deadline);
        Thread.sleep(1);
      }
      assertThat(b.clear()).isEqualTo(480);
      writer.join(30_000);
      assertThat(writer.isAlive()).isFalse();
      assertThat(result.get()).isFalse();
      AudioPlayoutBuffer.Playout p = playout.get(1, TimeUnit.SECONDS);
      assertThat(p.interrupted()).isTrue();
      assertThat(p.playedPosition()).isEqualTo(480);
      out.clear();
      b.tick(10 * MS, out);
      for (int i = 0; i < 480; i++) {
        assertThat(out.get(i)).isZero();
      }
    }
  }

  /**
   * A blocked writer woken by a tick (room for one more frame) while another thread clears: whatever the clear
   * interrupted must never reach the buffer, however the writer's wake-up and the clear interleave. The clear
   * comes a varying few microseconds after the tick, to sweep the moment the writer checks and writes.
   */
  @Test
  void aClearRacingAWakingWriterLeavesNothingQueued() throws Exception {
    java.util.Random rnd = new java.util.Random(5);
    ShortBuffer out = TestMedia.shorts(480);
    for (int round = 0; round < 2500; round++) {
      try (AudioPlayoutBuffer b = AudioPlayoutBuffer.builder(48000, 1).capacityMs(20).fadeOutMs(0).build()) {
        AtomicInteger result = new AtomicInteger(-1);
        Thread writer = new Thread(() -> {
          try {
            result.set(b.write(content(0, 48000)) ? 1 : 0);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        writer.start();
        long deadline = System.nanoTime() + 30_000 * MS;
        while (b.queuedSamples() < 960) {  // full: the writer waits for room
          assertThat(System.nanoTime()).as("the writer filled the buffer").isLessThan(deadline);
          Thread.onSpinWait();
        }
        out.clear();
        b.tick(round * 10 * MS, out);  // room for 480 samples; wakes the writer
        long spinUntil = System.nanoTime() + rnd.nextInt(60_000);
        while (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        }
        b.clear();
        writer.join(30_000);
        assertThat(writer.isAlive()).as("the writer returned after the clear").isFalse();
        assertThat(result.get()).as("the interrupted write reports it").isZero();
        assertThat(b.queuedSamples()).as("samples queued after the clear, round %d", round).isZero();
      }
    }
  }

  @Test
  void playoutCompletesOnTheTickThatEmitsTheLastSample() throws Exception {
    try (AudioPlayoutBuffer b = AudioPlayoutBuffer.builder(48000, 2).build()) {
      ShortBuffer out = TestMedia.shorts(960);
      ShortBuffer pcm = TestMedia.shorts(2 * 1000);
      b.tryWrite(pcm);
      CompletableFuture<AudioPlayoutBuffer.Playout> done = b.playout();
      CompletableFuture<AudioPlayoutBuffer.Playout> half = b.mark(500);
      out.clear();
      b.tick(0, out);
      assertThat(done).isNotDone();
      assertThat(half).isNotDone();
      b.tick(10 * MS, out);
      assertThat(half).isDone();
      assertThat(done).isNotDone();
      b.tick(20 * MS, out);
      assertThat(done.get().playedPosition()).isEqualTo(1000);
      assertThat(b.mark(10).get().interrupted()).isFalse();  // already played: at once
    }
  }

  @Test
  void writesAndTicksAllocateNothing() {
    try (AudioPlayoutBuffer b = AudioPlayoutBuffer.builder(48000, 1).build()) {
      ShortBuffer pcm = TestMedia.shorts(480);
      ShortBuffer out = TestMedia.shorts(480);
      long allocated = TestMedia.allocatedInSteadyState(50_000, i -> {
        pcm.clear();
        b.tryWrite(pcm);
        out.clear();
        b.tick(i * 10 * MS, out);
      });
      assertThat(allocated).isLessThan(16 * 1024);
    }
  }

  @Test
  void closedAndBadArguments() throws Exception {
    AudioPlayoutBuffer b = AudioPlayoutBuffer.builder(48000, 2).build();
    CompletableFuture<AudioPlayoutBuffer.Playout> pending = b.mark(1_000_000);
    b.close();
    b.close();
    assertThat(pending.get(1, TimeUnit.SECONDS).interrupted()).isTrue();
    assertThatThrownBy(() -> b.tryWrite(TestMedia.shorts(2))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> AudioPlayoutBuffer.builder(44000 + 50, 1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sampleRate");
    try (AudioPlayoutBuffer s = AudioPlayoutBuffer.builder(48000, 2).build()) {
      assertThatThrownBy(() -> s.tryWrite(TestMedia.shorts(3))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2-channel");
      assertThatThrownBy(() -> s.tryWrite(ShortBuffer.allocate(4))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("direct");
    }
  }
}
