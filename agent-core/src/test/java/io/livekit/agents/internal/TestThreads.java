package io.livekit.agents.internal;

import java.util.concurrent.Executor;

/** Executors for tests. */
public final class TestThreads {
  private TestThreads() {}

  /**
   * Runs each task on a daemon thread of its own. Use it for tasks that block: the common pool has a single
   * worker on a 2-core machine (and JDK 25's {@code CompletableFuture} uses it even then), so two blocking
   * tasks there would wait for each other.
   */
  public static final Executor PER_TASK = r -> {
    Thread t = new Thread(r, "test-async");
    t.setDaemon(true);
    t.start();
  };
}
