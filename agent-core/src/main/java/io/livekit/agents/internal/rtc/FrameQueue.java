package io.livekit.agents.internal.rtc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The bounded hand-over queue behind the remote video streams: the producer (a WebRTC thread) never blocks, a full
 * queue drops its oldest item (returned to the caller so it can be released), readers block until an item arrives or
 * the queue ends.
 */
final class FrameQueue<T> extends HandOver {
  private final int capacity;
  private final ArrayDeque<T> queue = new ArrayDeque<>();
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

  @Override
  boolean readableLocked() {
    return !queue.isEmpty();
  }

  T read() throws InterruptedException {
    return poll(null);
  }

  /** The next item, waiting at most {@code timeout} (null: no limit); null on timeout or at the end. */
  T poll(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      awaitReadableLocked(timeout);
      return queue.poll();
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

  long received() {
    lock.lock();
    try {
      return received;
    } finally {
      lock.unlock();
    }
  }
}
