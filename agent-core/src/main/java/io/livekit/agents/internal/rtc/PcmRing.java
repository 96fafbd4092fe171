package io.livekit.agents.internal.rtc;

import java.nio.ShortBuffer;
import java.time.Duration;

/**
 * The bounded hand-over of one remote audio stream: converted PCM goes in from WebRTC's audio thread (never
 * blocking: when full, the oldest whole frames are dropped and counted), and comes out as exact 10 ms frames for the
 * reader, who blocks until a frame is there or the stream ends. No allocation after construction.
 */
final class PcmRing extends HandOver {
  private final short[] ring;
  private final int frame; // interleaved samples of one 10 ms frame
  private int head;
  private int size;

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

  @Override
  boolean readableLocked() {
    return size >= frame;
  }

  /**
   * Takes the next 10 ms frame into {@code into}, waiting at most {@code timeout} (null: no limit).
   *
   * @return the interleaved samples copied (one frame); 0 on timeout; -1 once the stream has ended and less than a
   *     frame is left
   */
  int read(short[] into, Duration timeout) throws InterruptedException {
    if (into.length < frame) {
      throw new IllegalArgumentException("the array holds " + into.length + " samples; a 10 ms frame needs " + frame);
    }
    lock.lockInterruptibly();
    try {
      if (!awaitReadableLocked(timeout)) {
        return 0;
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
}
