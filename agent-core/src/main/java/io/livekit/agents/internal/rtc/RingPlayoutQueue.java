package io.livekit.agents.internal.rtc;

import java.nio.ShortBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Java fallback of {@link PlayoutQueue}, used only when the native media core cannot be loaded: a fixed ring of
 * 16-bit samples with its own 10 ms schedule against absolute deadlines (re-anchored after a stall of more than 5
 * ticks). No allocation after construction.
 */
final class RingPlayoutQueue implements PlayoutQueue {
  private static final long TICK_NANOS = 10_000_000L;

  private final short[] ring;
  private final int channels;
  private final ShortBuffer frame;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Condition changed = lock.newCondition();
  private int head;
  private int size;
  private long written;  // samples accepted so far (write position)
  private long consumed; // samples emitted or cleared so far
  private long generation;
  private boolean closed;
  private boolean segmentActive;
  private boolean segmentEnding;
  private long underrun;
  private long nextDeadline = Long.MIN_VALUE;
  private long slips;

  /**
   * @param capacitySamples interleaved samples the ring holds
   * @param frameSamples    interleaved samples of one 10 ms frame
   */
  RingPlayoutQueue(int capacitySamples, int frameSamples, int channels) {
    this.ring = new short[capacitySamples];
    this.channels = channels;
    this.frame = ShortBuffer.allocate(frameSamples);
  }

  @Override
  public boolean write(ShortBuffer pcm) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long gen = generation;
      while (pcm.hasRemaining()) {
        while (size == ring.length && gen == generation && !closed) {
          changed.await();
        }
        if (gen != generation || closed) {
          return false;
        }
        int n = Math.min(pcm.remaining(), ring.length - size);
        int tail = (head + size) % ring.length;
        int first = Math.min(n, ring.length - tail);
        pcm.get(ring, tail, first);
        pcm.get(ring, 0, n - first);
        size += n;
        written += n;
        segmentActive = true;
        segmentEnding = false;
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long nextWakeNanos() {
    lock.lock();
    try {
      return nextDeadline;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean step(long nowNanos, AudioOut out) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      if (nextDeadline == Long.MIN_VALUE) {
        nextDeadline = nowNanos;
      }
      if (nowNanos < nextDeadline) {
        return false;
      }
      if (nowNanos - nextDeadline > 5 * TICK_NANOS) {
        slips++;
        nextDeadline = nowNanos;
      }
      nextDeadline += TICK_NANOS;
      short[] f = frame.array();
      int n = Math.min(f.length, size);
      int first = Math.min(n, ring.length - head);
      System.arraycopy(ring, head, f, 0, first);
      System.arraycopy(ring, 0, f, first, n - first);
      java.util.Arrays.fill(f, n, f.length, (short) 0);
      head = (head + n) % ring.length;
      size -= n;
      consumed += n;
      if (segmentActive && n < f.length) {
        if (segmentEnding && size == 0) {
          segmentActive = false;
          segmentEnding = false;
        } else if (!segmentEnding) {
          underrun += (f.length - n) / channels;
        }
      } else if (segmentEnding && size == 0) {
        segmentActive = false;
        segmentEnding = false;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    frame.clear();
    out.onAudioFrame(frame);
    return true;
  }

  @Override
  public void clear() {
    lock.lock();
    try {
      consumed += size;
      size = 0;
      head = 0;
      generation++;
      segmentActive = false;
      segmentEnding = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitPlayout(long timeoutNanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      if (size == 0) {
        segmentActive = false;
      } else {
        segmentEnding = true;
      }
      long target = written;
      long gen = generation;
      long nanos = timeoutNanos;
      while (consumed < target && gen == generation && !closed) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return gen == generation && !closed && consumed >= target;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long queuedSamples() {
    lock.lock();
    try {
      return size / channels;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long underrunSamples() {
    lock.lock();
    try {
      return underrun;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long clockSlips() {
    lock.lock();
    try {
      return slips;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
