package io.livekit.agents.internal.rtc;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor (which may be multi-threaded). A task that
 * throws is logged and does not stop later tasks. Remembers the thread currently running a task so callers can
 * detect re-entrant blocking calls.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;
  private volatile Thread current;

  SerialExecutor(Executor delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    delegate.execute(this::drain);
  }

  /** Whether the calling thread is running one of this executor's tasks right now. */
  boolean inExecutor() {
    return current == Thread.currentThread();
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      current = Thread.currentThread();
      try {
        next.run();
      } catch (Throwable t) {
        LOG.warn("room task failed: {}", t.toString(), t);
      } finally {
        current = null;
      }
    }
  }
}
