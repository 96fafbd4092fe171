package io.livekit.agents.internal.rtc;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/** Named daemon threads that carry the creator's logging context (MDC). */
final class NamedThreads {
  private NamedThreads() {
  }

  /** A factory of daemon threads named {@code name}, {@code name-2}, ... that start with the given MDC. */
  static ThreadFactory factory(String name, Map<String, String> mdc) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      int i = n.incrementAndGet();
      Thread t = new Thread(() -> {
        if (mdc != null) {
          MDC.setContextMap(mdc);
        }
        try {
          r.run();
        } finally {
          MDC.clear();
        }
      }, i == 1 ? name : name + "-" + i);
      t.setDaemon(true);
      return t;
    };
  }

  static ExecutorService single(String name) {
    return Executors.newSingleThreadExecutor(factory(name, MDC.getCopyOfContextMap()));
  }

  /** Starts a daemon thread with the caller's MDC. */
  static Thread start(String name, Runnable r) {
    Thread t = factory(name, MDC.getCopyOfContextMap()).newThread(r);
    t.start();
    return t;
  }
}
