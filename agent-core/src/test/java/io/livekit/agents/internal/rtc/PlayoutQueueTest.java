package io.livekit.agents.internal.rtc;

import io.livekit.agents.internal.TestThreads;
import static org.assertj.core.api.Assertions.assertThat;

import io.livekit.agents.media.MediaNatives;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both playout queues behind the audio source (the native core's playout buffer and the Java fallback), driven on a
 * simulated clock: every sample once and in order, back-pressure, exact playout waits, clear, underrun accounting.
 */
class PlayoutQueueTest {
  private static final long TICK = 10_000_000L;
  private static final int FRAME = 480; // 10 ms mono at 48 kHz

  @BeforeAll
  static void nativesLoad() {
    MediaNatives.ensureAvailability(); // the build puts the classifier jar it just built on the class path
  }

  static Stream<String> kinds() {
    return Stream.of("native", "java");
  }

  private static PlayoutQueue create(String kind, int capacityMs) {
    return kind.equals("native") ? new NativePlayoutQueue(48_000, 1, capacityMs)
        : new RingPlayoutQueue(FRAME * capacityMs / 10, FRAME, 1);
  }

  private static ShortBuffer ramp(int from, int n) {
    ShortBuffer b = ByteBuffer.allocateDirect(n * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
    for (int i = 0; i < n; i++) {
      b.put((short) (from + i));
    }
    return b.flip();
  }

  /** Steps the queue on a simulated clock, one frame per 10 ms, collecting what it emits. */
  private static final class Driver {
    final PlayoutQueue q;
    final List<short[]> frames = new ArrayList<>();
    long now = 1_000_000_000L;

    Driver(PlayoutQueue q) {
      this.q = q;
    }

    short[] tick() {
      int before = frames.size();
      assertThat(q.step(now, f -> {
        short[] copy = new short[f.remaining()];
        f.get(copy);
        frames.add(copy);
      })).isTrue();
      assertThat(q.step(now, f -> frames.add(null))).as("one frame per deadline").isFalse();
      now += TICK;
      assertThat(frames).hasSize(before + 1);
      return frames.get(before);
    }
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  /** A blocking call of the queue on another thread. */
  private interface Blocking<T> {
    T call() throws InterruptedException;
  }

  private static <T> CompletableFuture<T> async(Blocking<T> call) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return call.call();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, TestThreads.PER_TASK);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void everySampleOnceInOrderWithBackPressure(String kind) throws Exception {
    try (PlayoutQueue q = create(kind, 30)) {
      Driver d = new Driver(q);
      ShortBuffer in = ramp(0, FRAME * 10);
      CompletableFuture<Boolean> writer = async(() -> q.write(in));
      int expected = 0;
      for (int f = 0; f < 10; f++) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (q.queuedSamples() < Math.min(3 * FRAME, FRAME * (10 - f)) && System.nanoTime() < end) {
          Thread.onSpinWait(); // the writer refills after each tick
        }
        assertThat(q.queuedSamples()).as("never more than the capacity").isLessThanOrEqualTo(3 * FRAME);
        for (short s : d.tick()) {
          assertThat(s).isEqualTo((short) expected++);
        }
      }
      assertThat(await(writer)).isTrue();
      assertThat(in.hasRemaining()).isFalse();
      assertThat(d.tick()).as("an empty queue emits silence").containsOnly((short) 0);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void playoutWaitsAreExactAndUnderrunsCountOnlyInsideASegment(String kind) throws Exception {
    try (PlayoutQueue q = create(kind, 200)) {
      Driver d = new Driver(q);
      assertThat(q.write(ramp(1, FRAME + FRAME / 2))).isTrue(); // 15 ms
      d.tick();
      d.tick(); // half a frame of content, then silence: the writer is late
      d.tick();
      assertThat(q.underrunSamples()).isEqualTo(FRAME / 2 + FRAME);

      assertThat(q.write(ramp(1, 2 * FRAME + 10))).isTrue(); // 20.2 ms, then the utterance ends
      CompletableFuture<Boolean> played = async(() -> q.awaitPlayout(TimeUnit.SECONDS.toNanos(10)));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!played.isDone() && System.nanoTime() < end && q.queuedSamples() > 0) {
        d.tick();
        if (q.queuedSamples() > 0) {
          Thread.sleep(20);
          assertThat(played).as("done only once the last sample went out").isNotDone();
        }
      }
      assertThat(await(played)).isTrue();
      long underrun = q.underrunSamples();
      d.tick();
      d.tick();
      assertThat(q.underrunSamples()).as("silence after the utterance is not an underrun").isEqualTo(underrun);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void clearDropsTheQueueReleasesTheWriterAndInterruptsTheWait(String kind) throws Exception {
    try (PlayoutQueue q = create(kind, 30)) {
      Driver d = new Driver(q);
      ShortBuffer in = ramp(1000, FRAME * 10);
      CompletableFuture<Boolean> writer = async(() -> q.write(in));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (q.queuedSamples() < 3 * FRAME && System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      AtomicReference<Thread> waiting = new AtomicReference<>();
      CompletableFuture<Boolean> waiter = async(() -> {
        waiting.set(Thread.currentThread());
        return q.awaitPlayout(TimeUnit.SECONDS.toNanos(10));
      });
      // the clear must find the wait begun (its only timed park), or a late wait would see an empty queue
      while (waiting.get() == null || waiting.get().getState() != Thread.State.TIMED_WAITING) {
        assertThat(System.nanoTime()).as("the playout wait began").isLessThan(end + TimeUnit.SECONDS.toNanos(10));
        Thread.sleep(1);
      }
      q.clear();
      assertThat(await(writer)).as("the blocked writer returns").isFalse();
      assertThat(in.hasRemaining()).isTrue();
      assertThat(await(waiter)).as("the wait reports the interruption").isFalse();
      assertThat(q.queuedSamples()).isZero();
      short[] first = d.tick();
      for (int i = FRAME / 2; i < FRAME; i++) {
        assertThat(first[i]).as("at most a short fade-out of the dropped audio, then silence").isZero();
      }
      assertThat(d.tick()).containsOnly((short) 0);
      assertThat(q.write(ramp(7, FRAME))).as("writes go on after a clear").isTrue();
      assertThat(d.tick()[0]).isEqualTo((short) 7);
    }
  }
}
