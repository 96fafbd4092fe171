package io.livekit.agents.internal.rtc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over queue behind the remote audio and video streams: the producer (a WebRTC thread) never
 * blocks, a full queue drops its oldest item (returned to the caller so it can be released), readers block until
 * an item arrives or the queue ends.
 */
final class FrameQueue<T> {
  private final int capacity;
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private boolean ended;
  private long dropped;
  private long received;

  FrameQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Outcome of {@link #offer}: whether the item was taken, and the item dropped to make room (or null). */
  record Offer<T>(boolean accepted, T dropped) {
  }

  Offer<T> offer(T item) {
    lock.lock();
    try {
      if (ended) {
        return new Offer<>(false, null);
      }
      received++;
      T drop = null;
      if (queue.size() >= capacity) {
        drop = queue.poll();
        dropped++;
      }
      queue.add(item);
      notEmpty.signal();
      return new Offer<>(true, drop);
    } finally {
      lock.unlock();
    }
  }

  T read() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !ended) {
        notEmpty.await();
      }
      return queue.poll();
    } finally {
      lock.unlock();
    }
  }

  T poll(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (queue.isEmpty() && !ended) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return queue.poll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the queue: queued items can still be read; returns false if it had already ended. */
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

  /** Ends the queue and returns what was still queued. */
  List<T> endAndDrain() {
    lock.lock();
    try {
      ended = true;
      List<T> rest = List.copyOf(queue);
      queue.clear();
      notEmpty.signalAll();
      return rest;
    } finally {
      lock.unlock();
    }
  }

  boolean isEndedAndEmpty() {
    lock.lock();
    try {
      return ended && queue.isEmpty();
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

  long received() {
    lock.lock();
    try {
      return received;
    } finally {
      lock.unlock();
    }
  }
}
