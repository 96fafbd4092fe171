package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.NativeHandle;
import io.livekit.agents.media.internal.jni.AvPacerBinding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes audio and video in sync for avatar-style jobs. Audio is the master clock: the pacer
 * drives an {@link AudioPlayoutBuffer}'s 10 ms tick and releases each video frame when the audio
 * sample it belongs to is emitted (timed between ticks, not rounded to them). webrtc-java stamps a
 * frame when it is pushed, so pushing at the right moment is what keeps a receiver in sync; measured
 * at emission the offset stays inside ATSC IS-191 (audio leads by at most 15 ms, lags by at most 45 ms)
 * with no drift, since there is one clock.
 *
 * <ul>
 *   <li>{@link #pushVideo}: a frame with a PTS in the content timeline, i.e. the
 *       {@link AudioPlayoutBuffer#writePosition()} of the audio it goes with. If audio underruns, video
 *       waits with it. {@link #pushIdleVideo}: a frame on the emission timeline (no audio playing), e.g.
 *       {@code emissionPosition(now) + lead}.</li>
 *   <li>Late frames (more than one frame interval behind) are dropped, except that the newest due frame
 *       always goes out when nothing was pushed for two intervals. Early frames wait in a bounded queue
 *       (half a second of frames by default); when it is full {@link #pushVideo} blocks.</li>
 *   <li>{@link #clear()} flushes audio and video together (barge-in).</li>
 *   <li>With {@code repeatAfterMs > 0} the last frame is pushed again when no new one came for that long.</li>
 * </ul>
 *
 * <p>Frames are any object {@code V} (typically webrtc-java's {@code VideoFrame}); the pacer hands each
 * one back exactly once through the {@link Sink}: pushed, dropped, or (with repeats) released.
 *
 * <p>Threads: {@link #pushVideo}, {@link #tryPushVideo}, {@link #clear()}, {@link #stats()} from any
 * thread. The sink is called on the driver thread (the {@code lk-av-pacer} thread of {@link #start()},
 * or the caller of {@link #step}), in order, never concurrently; it must not block. Steady state
 * allocates nothing. Close the pacer before its audio buffer (closing the buffer closes the pacer).
 *
 * @param <V> the video frame type
 */
public final class AvPacer<V> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AvPacer.class);
  private static final int PUSH = 1;
  private static final int DROP = 2;
  private static final int REPEAT = 3;

  /** Receives what the pacer emits, on the driver thread. Methods other than the audio one default to no-ops. */
  public interface Sink<V> {
    /** One 10 ms audio frame (interleaved; the buffer is reused): push it to the audio source now. */
    void onAudioFrame(ShortBuffer frame, long nowNanos);

    /** Push this frame to the video source now ({@code repeat}: the same frame again). */
    default void onVideoFrame(V frame, long nowNanos, boolean repeat) {}

    /** This frame will never be pushed (late, or flushed by clear/close): release it. */
    default void onVideoDropped(V frame) {}

    /** With repeats on: the pacer no longer needs this pushed frame; release it. */
    default void onVideoReleased(V frame) {}
  }

  /** Settings; {@link AvPacer#builder(AudioPlayoutBuffer)}. */
  public static final class Builder {
    private final AudioPlayoutBuffer audio;
    private double fps = 30;
    private int queueFrames;
    private int videoOffsetMs;
    private int repeatAfterMs;

    private Builder(AudioPlayoutBuffer audio) {
      this.audio = audio;
    }

    /** Nominal frame rate (1..240): the frame interval of the late and freeze rules. */
    public Builder fps(double fps) {
      this.fps = fps;
      return this;
    }

    /** Early frames held (0..4096); 0 means half a second of frames. */
    public Builder queueFrames(int frames) {
      this.queueFrames = frames;
      return this;
    }

    /** Push video this much later (negative: earlier), -100..100 ms, for odd sinks. */
    public Builder videoOffsetMs(int ms) {
      this.videoOffsetMs = ms;
      return this;
    }

    /** Re-push the last frame after this long without a new one (0..60000 ms; 0 never, the default). */
    public Builder repeatAfterMs(int ms) {
      this.repeatAfterMs = ms;
      return this;
    }

    /**
     * The pacer; it takes over the audio buffer's tick.
     *
     * @throws IllegalArgumentException for a setting out of range
     * @throws IllegalStateException when the audio buffer is closed or already driven
     */
    public <V> AvPacer<V> build(Sink<V> sink) {
      return new AvPacer<>(this, sink);
    }
  }

  private final AudioPlayoutBuffer audio;
  private final Sink<V> sink;
  private final NativeHandle<AvPacerBinding> handle;
  private final AvPacerBinding binding;
  private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
  private final Object[] frames;
  private final long[] tokens;
  private final Object space = new Object();
  private final LongBuffer events;
  private final int maxEvents;
  private final ShortBuffer audioFrame;
  private final DoubleBuffer statsBuffer;
  private final int queueCapacity;
  private final boolean repeats;
  private long nextToken;
  private volatile boolean closed;
  private volatile Thread driver;

  private AvPacer(Builder b, Sink<V> sink) {
    if (b.audio == null || sink == null) {
      throw new NullPointerException(b.audio == null ? "audio is null" : "sink is null");
    }
    if (!(b.fps >= 1 && b.fps <= 240)) {
      throw new IllegalArgumentException("fps must be 1..240, got " + b.fps);
    }
    Buffers.range(b.queueFrames, 0, 4096, "queueFrames");
    Buffers.range(b.videoOffsetMs, -100, 100, "videoOffsetMs");
    Buffers.range(b.repeatAfterMs, 0, 60000, "repeatAfterMs");
    synchronized (b.audio) {
      if (b.audio.drivenByPacer) {
        throw new IllegalStateException("this AudioPlayoutBuffer is already driven by an AvPacer");
      }
      this.audio = b.audio;
      this.sink = sink;
      this.binding = new AvPacerBinding(b.audio.binding(), b.fps, b.queueFrames, b.videoOffsetMs, b.repeatAfterMs);
      b.audio.drivenByPacer = true;
      b.audio.pacer = this;
    }
    this.handle = new NativeHandle<>("AvPacer", binding);
    this.queueCapacity = binding.queueCapacity();
    this.repeats = b.repeatAfterMs > 0;
    // Tokens outstanding at most: the queue, the native event ring (3 x queue + 16) and the last frame.
    this.frames = new Object[4 * queueCapacity + 20];
    this.tokens = new long[frames.length];
    this.maxEvents = 3 * queueCapacity + 16;
    this.events = ByteBuffer.allocateDirect(4 * maxEvents * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    int frameValues = audio.frameSamples() * audio.channels();
    this.audioFrame = ByteBuffer.allocateDirect(frameValues * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
    this.statsBuffer = ByteBuffer.allocateDirect(16 * Double.BYTES).order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }

  /** Settings for a pacer driving {@code audio}. */
  public static Builder builder(AudioPlayoutBuffer audio) {
    return new Builder(audio);
  }

  /** Early frames the queue holds. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /**
   * Queues a frame for content position {@code pts} (the audio write position it goes with), blocking
   * while the queue is full.
   *
   * @return true when queued; false when {@link #clear()} or {@link #close()} ran while waiting (the frame
   *     is handed back through {@link Sink#onVideoDropped} right away)
   */
  public boolean pushVideo(V frame, long pts) throws InterruptedException {
    return push(frame, pts, 0, true);
  }

  /** Queues a frame on the emission timeline ({@link #emissionPosition}), blocking while the queue is full. */
  public boolean pushIdleVideo(V frame, long emissionPts) throws InterruptedException {
    return push(frame, emissionPts, 1, true);
  }

  /** Queues a frame for content position {@code pts} if there is room; false (frame not taken) when full. */
  public boolean tryPushVideo(V frame, long pts) {
    try {
      return push(frame, pts, 0, false);
    } catch (InterruptedException e) {
      throw new AssertionError(e);  // cannot happen without waiting
    }
  }

  private boolean push(V frame, long pts, int timeline, boolean block) throws InterruptedException {
    if (frame == null) {
      throw new NullPointerException("frame is null");
    }
    final long gen = generation();
    for (;;) {
      int r;
      // the gate: a clear comes either before the generation check (the frame is refused) or after the push
      synchronized (audio.clearGate) {
        life.readLock().lock();
        try {
          if (closed || binding.generation() != gen) {
            r = MediaException.Code.CLOSED.status();
          } else {
            synchronized (frames) {
              long token = nextToken;
              int slot = (int) (token % frames.length);
              // Stored before the native queue can release it: the driver may step at once.
              frames[slot] = frame;
              tokens[slot] = token;
              r = binding.tryPushVideo(token, pts, timeline);
              if (r == 0) {
                nextToken++;
              } else {
                frames[slot] = null;
              }
            }
          }
        } finally {
          life.readLock().unlock();
        }
      }
      if (r == 0) {
        return true;
      }
      if (r != MediaException.Code.WOULD_BLOCK.status() || !block || closed || generation() != gen) {
        if (block) {
          sink.onVideoDropped(frame);
        }
        return false;
      }
      synchronized (space) {
        if (!closed && generation() == gen) {
          TimeUnit.MILLISECONDS.timedWait(space, 50);
        }
      }
    }
  }

  /** The emission position (every sample ever emitted, silence included) at {@code nowNanos}. */
  public long emissionPosition(long nowNanos) {
    life.readLock().lock();
    try {
      return handle.get().emissionPosition(nowNanos);
    } finally {
      life.readLock().unlock();
    }
  }

  /** How many times the pacer (or its audio buffer) was cleared. */
  public long generation() {
    life.readLock().lock();
    try {
      return closed ? -1 : binding.generation();
    } finally {
      life.readLock().unlock();
    }
  }

  /**
   * Does what is due at {@code nowNanos}: emits the audio frame if its deadline has come and hands
   * video frames to the sink. Use this to drive the pacer yourself (e.g. on a simulated clock); with
   * {@link #start()} the pacer's own thread does it.
   *
   * @return 1 when an audio frame was emitted, else 0
   */
  public int step(long nowNanos) {
    int r;
    life.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("AvPacer is closed");
      }
      audioFrame.clear();
      r = binding.step(nowNanos, audioFrame, audioFrame.capacity());
    } finally {
      life.readLock().unlock();
    }
    if (r < 0) {
      throw new MediaException(MediaException.Code.fromStatus(r), "AvPacer step failed");
    }
    if (r == 1) {
      sink.onAudioFrame(audioFrame, nowNanos);
      audio.afterTick();  // playout futures complete once the sink has the frame
    }
    dispatch(nowNanos);
    return r;
  }

  /** When {@link #step} has something to do next ({@link Long#MIN_VALUE}: now, before the first step). */
  public long nextWakeNanos() {
    life.readLock().lock();
    try {
      return handle.get().nextWakeNs();
    } finally {
      life.readLock().unlock();
    }
  }

  private void dispatch(long nowNanos) {
    for (;;) {
      int n;
      life.readLock().lock();
      try {
        if (handle.isClosed()) {
          return;
        }
        n = binding.pollEvents(events, maxEvents);
      } finally {
        life.readLock().unlock();
      }
      if (n == 0) {
        return;
      }
      for (int i = 0; i < n; i++) {
        int kind = (int) events.get(4 * i);
        long token = events.get(4 * i + 1);
        int slot = (int) (token % frames.length);
        V frame;
        synchronized (frames) {
          @SuppressWarnings("unchecked")
          V f = tokens[slot] == token ? (V) frames[slot] : null;
          frame = f;
          boolean keep = kind == REPEAT || (kind == PUSH && repeats);
          if (!keep) {
            frames[slot] = null;
          }
        }
        if (frame == null) {
          continue;
        }
        try {
          if (kind == PUSH) {
            sink.onVideoFrame(frame, nowNanos, false);
          } else if (kind == REPEAT) {
            sink.onVideoFrame(frame, nowNanos, true);
          } else if (kind == DROP) {
            sink.onVideoDropped(frame);
          } else {
            sink.onVideoReleased(frame);
          }
        } catch (RuntimeException e) {
          LOG.warn("video sink failed; the pacer goes on", e);
        }
      }
      synchronized (space) {
        space.notifyAll();
      }
    }
  }

  /**
   * Starts the driver: a platform thread {@code lk-av-pacer} that sleeps until {@link #nextWakeNanos()}
   * of {@link System#nanoTime()} and steps.
   */
  public synchronized void start() {
    handle.get();
    if (driver != null) {
      throw new IllegalStateException("already started");
    }
    Thread t = new Thread(this::runDriver, "lk-av-pacer");
    t.setDaemon(true);
    driver = t;
    t.start();
  }

  private void runDriver() {
    while (!closed && driver == Thread.currentThread()) {
      long wake;
      try {
        wake = nextWakeNanos();
      } catch (IllegalStateException e) {
        return;
      }
      long now = System.nanoTime();
      if (wake != Long.MIN_VALUE && now < wake) {
        LockSupport.parkNanos(this, Math.min(wake - now, 20_000_000L));
        continue;
      }
      try {
        step(now);
      } catch (IllegalStateException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("A/V pacer step failed; it goes on", e);
      }
    }
  }

  /**
   * Flushes audio and video together (barge-in). Queued frames come back through
   * {@link Sink#onVideoDropped} on the driver thread; blocked producers return false.
   *
   * @return the content position played so far (the interrupted position)
   */
  public long clear() {
    long at;
    synchronized (audio.clearGate) {
      life.readLock().lock();
      try {
        at = handle.get().clear();
      } finally {
        life.readLock().unlock();
      }
    }
    audio.afterTick();
    synchronized (space) {
      space.notifyAll();
    }
    return at;
  }

  /** A snapshot of the statistics (allocates; not for every frame). */
  public AvPacerStats stats() {
    double[] raw = new double[AvPacerStats.NAMES.length];
    synchronized (statsBuffer) {
      life.readLock().lock();
      try {
        handle.get().getStats(statsBuffer, statsBuffer.capacity());
      } finally {
        life.readLock().unlock();
      }
      statsBuffer.get(0, raw);
    }
    return new AvPacerStats(raw);
  }

  /**
   * Stops the driver, hands every frame still held back through the sink (dropped or released), frees
   * the native pacer and gives the audio buffer its tick back. Safe to call more than once.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = driver;
      driver = null;
    }
    AudioPlayoutBuffer.stopDriver(t);
    life.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      binding.close();
    } finally {
      life.writeLock().unlock();
    }
    dispatch(System.nanoTime());
    synchronized (space) {
      space.notifyAll();
    }
    life.writeLock().lock();
    try {
      handle.close();
    } finally {
      life.writeLock().unlock();
    }
    synchronized (audio) {
      audio.drivenByPacer = false;
      audio.pacer = null;
    }
  }
}
