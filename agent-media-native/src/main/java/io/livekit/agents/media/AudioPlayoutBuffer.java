package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.NativeHandle;
import io.livekit.agents.media.internal.jni.AudioPlayoutBufferBinding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playout buffer for outgoing PCM: the agent writes any amount, as fast as it likes; a 10 ms tick
 * against absolute deadlines takes exactly one frame out ({@code sampleRate / 100} samples per channel:
 * 480 at 48 kHz, 441 at 44.1 kHz) for webrtc-java's {@code CustomAudioSource.pushAudio}, silent when
 * nothing is queued. The buffer is the pacer of that source, which has none of its own.
 *
 * <ul>
 *   <li><b>Back-pressure:</b> {@link #write} blocks while the buffer (capacity, 200 ms by default) is
 *       full; {@link #tryWrite} takes what fits.</li>
 *   <li><b>Barge-in:</b> {@link #clear()} drops everything queued at once; the next tick is silent (after
 *       a 5 ms fade-out of what was dropped), blocked writers return {@code false}, pending
 *       {@link #playout()}/{@link #mark} futures complete as interrupted. Audio libwebrtc already encoded
 *       (one 20 ms frame at most) and audio in flight on the network cannot be recalled.</li>
 *   <li><b>Exact playout:</b> positions are sample indices (per channel) of the written content;
 *       {@link #playout()} completes when the output has passed everything written so far, measured on
 *       the native emission position, never estimated from wall-clock time.</li>
 * </ul>
 *
 * <p>The tick is driven either by {@link #start(FrameSink)} (a real-time platform thread named
 * {@code lk-audio-playout}, parked until each 10 ms deadline), by an {@link AvPacer}, or by the caller
 * through {@link #tick} (for instance with a simulated clock in tests).
 *
 * <p>Threads: {@link #write}, {@link #tryWrite}, {@link #clear()}, {@link #playout()}, {@link #mark},
 * {@link #endSegment()} and the getters may be called from any thread; writes are never interleaved with
 * each other (one writer at a time, first come first served). {@link #tick} belongs to one driver
 * thread. Futures complete on the driver thread (or on the thread calling {@link #clear()} /
 * {@link #close()}); do not block in their callbacks. Buffers: direct, native byte order. Steady state
 * (write, tick) allocates nothing.
 */
public final class AudioPlayoutBuffer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AudioPlayoutBuffer.class);
  private static final int CLOSED = MediaException.Code.CLOSED.status();
  private static final int WOULD_BLOCK = MediaException.Code.WOULD_BLOCK.status();

  /** Receives each emitted frame on the emitter thread. */
  @FunctionalInterface
  public interface FrameSink {
    /**
     * One 10 ms frame ({@code frame.remaining()} = frame samples x channels, interleaved), emitted at
     * {@code nowNanos}. Called on the {@code lk-audio-playout} thread, in order, never concurrently; the
     * buffer is reused for the next frame. Must not block (push it to the audio source and return).
     */
    void onFrame(ShortBuffer frame, long nowNanos);
  }

  /** What a {@link #playout()} or {@link #mark} future completes with. Immutable. */
  public static final class Playout {
    private final long position;
    private final long playedPosition;
    private final boolean interrupted;

    Playout(long position, long playedPosition, boolean interrupted) {
      this.position = position;
      this.playedPosition = playedPosition;
      this.interrupted = interrupted;
    }

    /** The position waited for. */
    public long position() {
      return position;
    }

    /** The content position played when it completed: {@link #position()} unless interrupted. */
    public long playedPosition() {
      return playedPosition;
    }

    /** True when {@link AudioPlayoutBuffer#clear()} or {@link AudioPlayoutBuffer#close()} came first. */
    public boolean interrupted() {
      return interrupted;
    }

    @Override
    public String toString() {
      return "Playout{position=" + position + ", played=" + playedPosition + (interrupted ? ", interrupted" : "") + "}";
    }
  }

  /** Settings; {@link AudioPlayoutBuffer#builder(int, int)}. */
  public static final class Builder {
    private final int sampleRate;
    private final int channels;
    private int capacityMs = 200;
    private int fadeOutMs = 5;
    private int maxMarks = 64;

    private Builder(int sampleRate, int channels) {
      this.sampleRate = sampleRate;
      this.channels = channels;
    }

    /** Capacity in ms (20..60000): 200 for voice agents (the default), seconds for file playback. */
    public Builder capacityMs(int ms) {
      this.capacityMs = ms;
      return this;
    }

    /** Fade-out applied to dropped audio on the tick after {@link AudioPlayoutBuffer#clear()} (0..10 ms; 0 off). */
    public Builder fadeOutMs(int ms) {
      this.fadeOutMs = ms;
      return this;
    }

    /** Pending marks and playout futures at a time (1..4096, default 64). */
    public Builder maxMarks(int n) {
      this.maxMarks = n;
      return this;
    }

    /**
     * The buffer.
     *
     * @throws IllegalArgumentException for a setting out of range
     * @throws UnsatisfiedLinkError when the natives are not available
     */
    public AudioPlayoutBuffer build() {
      return new AudioPlayoutBuffer(this);
    }
  }

  private final NativeHandle<AudioPlayoutBufferBinding> handle;
  private final AudioPlayoutBufferBinding binding;
  private final int sampleRate;
  private final int channels;
  private final int frameSamples;
  private final int maxMarks;
  private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
  private final ReentrantLock writeTurn = new ReentrantLock(true);
  private final Object space = new Object();
  /**
   * Held around a blocking writer's generation check and its native write (and an {@link AvPacer} producer's
   * check and video push), and around every native clear (here and in {@link AvPacer#clear()}): a producer that
   * saw no clear cannot put audio or video into the buffers after one. Never held while waiting.
   */
  final Object clearGate = new Object();
  private final Map<Long, CompletableFuture<Playout>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextMarkId = new AtomicLong(1);
  private final LongBuffer marks;
  private final DoubleBuffer statsBuffer;
  private final AtomicLong javaBlockedNanos = new AtomicLong();
  private volatile boolean closed;
  private volatile Thread emitter;
  volatile boolean drivenByPacer;
  volatile AvPacer<?> pacer;

  private AudioPlayoutBuffer(Builder b) {
    MediaNatives.ensureAvailability();
    if (b.sampleRate < 8000 || b.sampleRate > 192000 || b.sampleRate % 100 != 0) {
      throw new IllegalArgumentException("sampleRate must be 8000..192000 Hz and a multiple of 100, got " + b.sampleRate);
    }
    Buffers.range(b.channels, 1, 8, "channels");
    Buffers.range(b.capacityMs, 20, 60000, "capacityMs");
    Buffers.range(b.fadeOutMs, 0, 10, "fadeOutMs");
    Buffers.range(b.maxMarks, 1, 4096, "maxMarks");
    this.sampleRate = b.sampleRate;
    this.channels = b.channels;
    this.frameSamples = b.sampleRate / 100;
    this.maxMarks = b.maxMarks;
    this.binding = new AudioPlayoutBufferBinding(b.sampleRate, b.channels, b.capacityMs, b.fadeOutMs, b.maxMarks);
    this.handle = new NativeHandle<>("AudioPlayoutBuffer", binding);
    this.marks = ByteBuffer.allocateDirect(4 * 2 * b.maxMarks * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    this.statsBuffer = ByteBuffer.allocateDirect(32 * Double.BYTES).order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }

  /** Settings for a buffer of {@code channels} (1..8) interleaved channels at {@code sampleRate} Hz. */
  public static Builder builder(int sampleRate, int channels) {
    return new Builder(sampleRate, channels);
  }

  /** Samples per channel of one 10 ms frame. */
  public int frameSamples() {
    return frameSamples;
  }

  /** Sample rate in Hz. */
  public int sampleRate() {
    return sampleRate;
  }

  /** Interleaved channels. */
  public int channels() {
    return channels;
  }

  AudioPlayoutBufferBinding binding() {
    return handle.get();
  }

  private void checkPcm(ShortBuffer pcm) {
    Buffers.samples(pcm, "pcm");
    if (pcm.remaining() % channels != 0) {
      throw new IllegalArgumentException("pcm holds " + pcm.remaining() + " samples, not a whole number of "
          + channels + "-channel frames");
    }
  }

  private int nativeTryWrite(ShortBuffer pcm) {
    life.readLock().lock();
    try {
      if (closed) {
        return CLOSED;
      }
      return binding.tryWrite(pcm, pcm.remaining() / channels);
    } finally {
      life.readLock().unlock();
    }
  }

  /**
   * Writes all of {@code pcm} (interleaved, {@code position()} to {@code limit()}), blocking while the
   * buffer is full. {@code pcm.position()} advances over what was accepted.
   *
   * @return true when everything was accepted; false when {@link #clear()} or {@link #close()} ran first
   *     (the rest is discarded, as is what was accepted before the clear)
   * @throws InterruptedException if the thread is interrupted while waiting (what was accepted stays)
   */
  public boolean write(ShortBuffer pcm) throws InterruptedException {
    return write(pcm, Long.MAX_VALUE, TimeUnit.NANOSECONDS) && !pcm.hasRemaining();
  }

  /**
   * Like {@link #write(ShortBuffer)}, waiting at most {@code timeout}: returns false with
   * {@code pcm.hasRemaining()} when the time ran out (or on clear/close).
   */
  public boolean write(ShortBuffer pcm, long timeout, TimeUnit unit) throws InterruptedException {
    handle.get();
    checkPcm(pcm);
    final long deadline = timeout == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + unit.toNanos(timeout);
    final long gen = generation();
    if (!writeTurn.tryLock(timeout, unit)) {
      return false;
    }
    try {
      for (;;) {
        int n;
        synchronized (clearGate) {
          if (generation() != gen) {
            return false;
          }
          n = nativeTryWrite(pcm);
        }
        if (n < 0) {
          return false;
        }
        pcm.position(pcm.position() + n * channels);
        if (!pcm.hasRemaining()) {
          return true;
        }
        long now = System.nanoTime();
        if (now >= deadline) {
          return false;
        }
        long from = now;
        synchronized (space) {
          // Woken by every tick, clear and close; the slice bounds a wait nobody ends.
          long wait = Math.min(deadline - now, TimeUnit.MILLISECONDS.toNanos(50));
          if (!closed && generation() == gen) {
            TimeUnit.NANOSECONDS.timedWait(space, wait);
          }
        }
        javaBlockedNanos.addAndGet(System.nanoTime() - from);
      }
    } finally {
      writeTurn.unlock();
    }
  }

  /**
   * Accepts what fits now without blocking; {@code pcm.position()} advances over it.
   *
   * @return samples per channel accepted (0 while full or while another writer is busy)
   * @throws IllegalStateException after {@link #close()}
   */
  public int tryWrite(ShortBuffer pcm) {
    handle.get();
    checkPcm(pcm);
    if (!writeTurn.tryLock()) {
      return 0;
    }
    try {
      int n = nativeTryWrite(pcm);
      if (n < 0) {
        throw new IllegalStateException("AudioPlayoutBuffer is closed");
      }
      pcm.position(pcm.position() + n * channels);
      return n;
    } finally {
      writeTurn.unlock();
    }
  }

  /** Content samples per channel ever accepted: the position right after the last write. */
  public long writePosition() {
    life.readLock().lock();
    try {
      handle.get();
      return binding.writePosition();
    } finally {
      life.readLock().unlock();
    }
  }

  /** The content position the output has passed (emitted, or discarded by {@link #clear()}). */
  public long playedPosition() {
    life.readLock().lock();
    try {
      handle.get();
      return binding.playedPosition();
    } finally {
      life.readLock().unlock();
    }
  }

  /** Samples per channel queued now. */
  public long queuedSamples() {
    life.readLock().lock();
    try {
      handle.get();
      return binding.queuedSamples();
    } finally {
      life.readLock().unlock();
    }
  }

  /** How many times {@link #clear()} ran. */
  public long generation() {
    life.readLock().lock();
    try {
      handle.get();
      return binding.generation();
    } finally {
      life.readLock().unlock();
    }
  }

  /** Says that the utterance written so far is complete: silence after it is not counted as underrun. */
  public void endSegment() {
    life.readLock().lock();
    try {
      if (!closed) {
        binding.endSegment();
      }
    } finally {
      life.readLock().unlock();
    }
  }

  /**
   * Drops everything queued (barge-in). The next tick is silent; blocked writers return false; pending
   * futures complete as interrupted.
   *
   * @return the content position played so far (the interrupted position)
   */
  public long clear() {
    long at;
    synchronized (clearGate) {
      life.readLock().lock();
      try {
        if (closed) {
          throw new IllegalStateException("AudioPlayoutBuffer is closed");
        }
        at = binding.clear();
      } finally {
        life.readLock().unlock();
      }
    }
    drainMarks();
    wakeWriters();
    return at;
  }

  /** A future completed when the output has passed everything written so far (or interrupted). */
  public CompletableFuture<Playout> playout() {
    return mark(writePosition());
  }

  /** A future completed when the output passes content position {@code position} (or interrupted). */
  public CompletableFuture<Playout> mark(long position) {
    CompletableFuture<Playout> f = new CompletableFuture<>();
    long id = nextMarkId.getAndIncrement();
    pending.put(id, f);
    int r;
    life.readLock().lock();
    try {
      r = closed ? CLOSED : binding.addMark(position, id);
    } finally {
      life.readLock().unlock();
    }
    if (r < 0) {
      pending.remove(id);
      if (r == CLOSED) {
        f.complete(new Playout(position, position, true));
        return f;
      }
      throw new IllegalStateException("more than " + maxMarks + " marks pending; raise Builder.maxMarks or wait for some");
    }
    drainMarks();
    return f;
  }

  /**
   * Emits one frame into {@code out} if {@code nowNanos} has reached the next 10 ms deadline (the first
   * call anchors the schedule).
   *
   * @return samples per channel written ({@link #frameSamples()}), or 0 when the deadline has not come
   * @throws IllegalStateException after {@link #close()}, or while an {@link AvPacer} drives this buffer
   */
  public int tick(long nowNanos, ShortBuffer out) {
    int r = tickOnly(nowNanos, out);
    if (r > 0) {
      afterTick();
    }
    return r;
  }

  private int tickOnly(long nowNanos, ShortBuffer out) {
    if (drivenByPacer) {
      throw new IllegalStateException("an AvPacer drives this AudioPlayoutBuffer; use AvPacer.step");
    }
    Buffers.samplesOut(out, "out");
    int r;
    life.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("AudioPlayoutBuffer is closed");
      }
      r = binding.tick(nowNanos, out, out.remaining());
    } finally {
      life.readLock().unlock();
    }
    if (r == WOULD_BLOCK) {
      return 0;
    }
    if (r < 0) {
      throw new MediaException(MediaException.Code.fromStatus(r), "AudioPlayoutBuffer tick failed: out needs "
          + frameSamples * channels + " samples, has " + out.remaining());
    }
    return r;
  }

  /** The next 10 ms deadline ({@link Long#MIN_VALUE} before the first tick). */
  public long nextDeadlineNanos() {
    life.readLock().lock();
    try {
      handle.get();
      return binding.nextDeadlineNs();
    } finally {
      life.readLock().unlock();
    }
  }

  /**
   * Starts the emitter: a platform thread {@code lk-audio-playout} that ticks at each 10 ms deadline of
   * {@link System#nanoTime()} and hands every frame to {@code sink}. A tick more than 5 periods late (a
   * GC pause) re-anchors the schedule instead of bursting.
   */
  public synchronized void start(FrameSink sink) {
    handle.get();
    if (sink == null) {
      throw new NullPointerException("sink is null");
    }
    if (emitter != null || drivenByPacer) {
      throw new IllegalStateException("already driven by an emitter or an AvPacer");
    }
    Thread t = new Thread(() -> runEmitter(sink), "lk-audio-playout");
    t.setDaemon(true);
    emitter = t;
    t.start();
  }

  private void runEmitter(FrameSink sink) {
    ShortBuffer frame = ByteBuffer.allocateDirect(frameSamples * channels * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
    while (!closed && emitter == Thread.currentThread()) {
      long deadline = nextDeadlineNanos();
      long now = System.nanoTime();
      if (deadline != Long.MIN_VALUE && now < deadline) {
        LockSupport.parkNanos(this, deadline - now);
        continue;
      }
      frame.clear();
      int n;
      try {
        n = tickOnly(now, frame);
      } catch (IllegalStateException e) {
        return;  // closed
      }
      if (n > 0) {
        frame.limit(n * channels);
        try {
          sink.onFrame(frame, now);
        } catch (RuntimeException e) {
          LOG.warn("audio frame sink failed; the emitter goes on", e);
        }
        // Playout futures complete once the sink has the frame.
        afterTick();
      }
    }
  }

  /** Called after every native tick (by {@link #tick} or the pacer): completes marks, wakes writers. */
  void afterTick() {
    drainMarks();
    wakeWriters();
  }

  private void wakeWriters() {
    synchronized (space) {
      space.notifyAll();
    }
  }

  private synchronized void drainMarks() {
    if (pending.isEmpty()) {
      return;
    }
    int n;
    life.readLock().lock();
    try {
      if (handle.isClosed()) {
        return;
      }
      n = binding.pollMarks(marks, marks.capacity() / 4);
    } finally {
      life.readLock().unlock();
    }
    for (int i = 0; i < n; i++) {
      CompletableFuture<Playout> f = pending.remove(marks.get(4 * i));
      if (f != null) {
        f.complete(new Playout(marks.get(4 * i + 1), marks.get(4 * i + 2), marks.get(4 * i + 3) != 0));
      }
    }
  }

  /** A snapshot of the statistics (allocates; not for every frame). */
  public AudioPlayoutBufferStats stats() {
    double[] raw = new double[AudioPlayoutBufferStats.NAMES.length];
    synchronized (statsBuffer) {
      life.readLock().lock();
      try {
        handle.get();
        binding.getStats(statsBuffer, statsBuffer.capacity());
      } finally {
        life.readLock().unlock();
      }
      statsBuffer.get(0, raw);
    }
    return new AudioPlayoutBufferStats(raw, javaBlockedNanos.get());
  }

  /**
   * Stops the emitter, releases blocked writers (false) and completes pending futures as interrupted,
   * then frees the native buffer. Safe to call more than once; later writes and ticks throw.
   */
  @Override
  public void close() {
    AvPacer<?> p = pacer;
    if (p != null) {
      p.close();
    }
    Thread t;
    synchronized (this) {
      t = emitter;
      emitter = null;
    }
    stopDriver(t);
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
    wakeWriters();
    drainMarks();
    for (Map.Entry<Long, CompletableFuture<Playout>> e : pending.entrySet()) {
      e.getValue().complete(new Playout(-1, -1, true));
    }
    pending.clear();
    life.writeLock().lock();
    try {
      handle.close();
    } finally {
      life.writeLock().unlock();
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Wakes a driver thread that has been told to stop and waits (1 s at most) for it to end. */
  static void stopDriver(Thread t) {
    if (t == null) {
      return;
    }
    LockSupport.unpark(t);
    if (t != Thread.currentThread()) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

}
