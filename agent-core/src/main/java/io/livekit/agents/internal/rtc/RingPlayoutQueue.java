package io.livekit.agents.internal.rtc;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A fixed-capacity ring of 16-bit samples; see {@link PlayoutQueue}. No allocation after construction. */
final class RingPlayoutQueue implements PlayoutQueue {
  private final short[] ring;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Condition changed = lock.newCondition();
  private int head;
  private int size;
  private long written;  // samples accepted so far (write position)
  private long consumed; // samples read or cleared so far
  private long generation;
  private boolean closed;

  RingPlayoutQueue(int capacitySamples) {
    this.ring = new short[capacitySamples];
  }

  @Override
  public int write(short[] pcm, int offset, int length) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long gen = generation;
      int done = 0;
      while (done < length) {
        while (size == ring.length && gen == generation && !closed) {
          changed.await();
        }
        if (gen != generation || closed) {
          break;
        }
        int n = Math.min(length - done, ring.length - size);
        int tail = (head + size) % ring.length;
        int first = Math.min(n, ring.length - tail);
        System.arraycopy(pcm, offset + done, ring, tail, first);
        System.arraycopy(pcm, offset + done + first, ring, 0, n - first);
        size += n;
        written += n;
        done += n;
      }
      return done;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read(short[] out) {
    lock.lock();
    try {
      int n = Math.min(out.length, size);
      int first = Math.min(n, ring.length - head);
      System.arraycopy(ring, head, out, 0, first);
      System.arraycopy(ring, 0, out, first, n - first);
      java.util.Arrays.fill(out, n, out.length, (short) 0);
      head = (head + n) % ring.length;
      size -= n;
      consumed += n;
      if (n > 0) {
        changed.signalAll();
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void clear() {
    lock.lock();
    try {
      consumed += size;
      size = 0;
      head = 0;
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitDrained(long timeoutNanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
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
  public int queuedSamples() {
    lock.lock();
    try {
      return size;
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
