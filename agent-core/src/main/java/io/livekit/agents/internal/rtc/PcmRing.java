package io.livekit.agents.internal.rtc;

import java.nio.ShortBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over of one remote audio stream: converted PCM goes in from WebRTC's audio thread (never
 * blocking: when full, the oldest whole frames are dropped and counted), and comes out as exact 10 ms frames for the
 * reader, who blocks until a frame is there or the stream ends. No allocation after construction.
 */
final class PcmRing {
  private final short[] ring;
  private final int frame; // interleaved samples of one 10 ms frame
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private int head;
  private int size;
  private boolean ended;
  private long dropped;

  /**
   * @param frameSamples   interleaved samples of one 10 ms frame
   * @param capacityFrames frames held before the oldest are dropped
   */
  PcmRing(int frameSamples, int capacityFrames) {
    this.frame = frameSamples;
    this.ring = new short[frameSamples * (capacityFrames + 1)]; // + 1: input blocks need not align with frames
  }

  /** Appends everything from {@code src}'s position to its limit; drops the oldest frames to make room. */
  void offer(ShortBuffer src) {
    lock.lock();
    try {
      if (ended) {
        return;
      }
      int n = Math.min(src.remaining(), ring.length);
      src.position(src.limit() - n); // a block larger than the whole ring keeps only its newest samples
      while (ring.length - size < n) {
        int drop = Math.min(frame, size);
        head = (head + drop) % ring.length;
        size -= drop;
        dropped++;
      }
      int tail = (head + size) % ring.length;
      int first = Math.min(n, ring.length - tail);
      src.get(ring, tail, first);
      src.get(ring, 0, n - first);
      size += n;
      if (size >= frame) {
        notEmpty.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the next 10 ms frame into {@code into}, waiting at most {@code timeoutNanos} (negative: no limit).
   *
   * @return the interleaved samples copied (one frame); 0 on timeout; -1 once the stream has ended and less than a
   *     frame is left
   */
  int read(short[] into, long timeoutNanos) throws InterruptedException {
    if (into.length < frame) {
      throw new IllegalArgumentException("the array holds " + into.length + " samples; a 10 ms frame needs " + frame);
    }
    lock.lockInterruptibly();
    try {
      long nanos = timeoutNanos;
      while (size < frame && !ended) {
        if (timeoutNanos < 0) {
          notEmpty.await();
        } else if (nanos <= 0) {
          return 0;
        } else {
          nanos = notEmpty.awaitNanos(nanos);
        }
      }
      if (size < frame) {
        return -1;
      }
      int first = Math.min(frame, ring.length - head);
      System.arraycopy(ring, head, into, 0, first);
      System.arraycopy(ring, 0, into, first, frame - first);
      head = (head + frame) % ring.length;
      size -= frame;
      return frame;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream: queued frames can still be read. Returns false if it had ended already. */
  boolean end() {
    lock.lock();
    try {
      boolean was = ended;
      ended = true;
      notEmpty.signalAll();
      return !was;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream and forgets what was queued. */
  void endAndClear() {
    lock.lock();
    try {
      ended = true;
      size = 0;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean isEndedAndEmpty() {
    lock.lock();
    try {
      return ended && size < frame;
    } finally {
      lock.unlock();
    }
  }

  long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }
}
