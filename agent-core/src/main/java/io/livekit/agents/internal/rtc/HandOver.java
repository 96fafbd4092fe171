package io.livekit.agents.internal.rtc;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the receive-side hand-overs ({@link FrameQueue} for video, {@link PcmRing} for audio) share: a producer on a
 * WebRTC thread that never blocks and drops the oldest when full, readers that wait until something is there or the
 * stream has ended, and an end after which what is queued can still be read.
 */
abstract class HandOver {
  final ReentrantLock lock = new ReentrantLock();
  final Condition notEmpty = lock.newCondition();
  boolean ended; // guarded by lock
  long dropped;  // guarded by lock

  /** Whether a reader would get something now. Called with the lock held. */
  abstract boolean readableLocked();

  /**
   * Waits, with the lock held, until something is readable or the stream ended; {@code timeout} null waits without
   * limit.
   *
   * @return false on timeout
   */
  final boolean awaitReadableLocked(Duration timeout) throws InterruptedException {
    long nanos = timeout == null ? 0 : timeout.toNanos();
    while (!readableLocked() && !ended) {
      if (timeout == null) {
        notEmpty.await();
      } else if (nanos <= 0) {
        return false;
      } else {
        nanos = notEmpty.awaitNanos(nanos);
      }
    }
    return true;
  }

  /** Ends the stream: queued items can still be read. Returns false if it had ended already. */
  final boolean end() {
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

  /** Whether the stream has ended and nothing readable is left. */
  final boolean isEndedAndEmpty() {
    lock.lock();
    try {
      return ended && !readableLocked();
    } finally {
      lock.unlock();
    }
  }

  /** Items (frames) dropped because the reader fell behind. */
  final long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }
}
