package io.livekit.agents.internal.worker;

import io.livekit.agents.WorkerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where job handlers and request decisions run: a new virtual thread per task when the JVM has them (found
 * through method handles, since the code is compiled for Java 17), else a bounded pool of platform threads,
 * or the caller's executor ({@link WorkerOptions#jobExecutor()}).
 */
final class JobThreads {

    private static final Logger log = LoggerFactory.getLogger(JobThreads.class);
    private static final ThreadFactory VIRTUAL = virtualThreadFactory();

    private final ThreadFactory virtual;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final String description;

    private JobThreads(ThreadFactory virtual, ExecutorService executor, boolean ownsExecutor, String description) {
        this.virtual = virtual;
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
        this.description = description;
    }

    static JobThreads create(WorkerOptions options, int workerNumber) {
        if (options.jobExecutor().isPresent()) {
            return new JobThreads(null, options.jobExecutor().get(), options.shutdownJobExecutor(),
                    "the caller's executor");
        }
        if (VIRTUAL != null) {
            return new JobThreads(VIRTUAL, null, false, "virtual threads");
        }
        // room for every job, as many decisions, and some handlers that ignore cancellation
        int max = options.maxConcurrentJobs() * 2 + 8;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "lk-job-pool-" + workerNumber + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return new JobThreads(null, pool, true, "a pool of up to " + max + " platform threads");
    }

    /** Whether tasks run on virtual threads. */
    boolean isVirtual() {
        return virtual != null;
    }

    /** What runs the tasks, for logs. */
    String description() {
        return description;
    }

    /**
     * Runs a task on a thread of its own, named {@code name} while it runs (virtual and pool threads).
     *
     * @throws RejectedExecutionException if the pool or the caller's executor takes no more tasks
     */
    void start(String name, Runnable task) {
        if (virtual != null) {
            Thread t = virtual.newThread(task);
            t.setName(name);
            t.start();
            return;
        }
        boolean rename = ownsExecutor;
        executor.execute(() -> {
            Thread self = Thread.currentThread();
            String before = self.getName();
            if (rename) {
                self.setName(name);
            }
            try {
                task.run();
            } finally {
                if (rename) {
                    self.setName(before);
                }
            }
        });
    }

    /** Shuts the executor down if this worker owns it; running tasks carry on (they were cancelled before). */
    void shutdown() {
        if (executor != null && ownsExecutor) {
            executor.shutdown();
        }
    }

    /** {@code Thread.ofVirtual().factory()}, or null before Java 21 (or when virtual threads are a disabled preview). */
    private static ThreadFactory virtualThreadFactory() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builderClass = Class.forName("java.lang.Thread$Builder");
            Class<?> ofVirtualClass = Class.forName("java.lang.Thread$Builder$OfVirtual");
            MethodHandle ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualClass));
            MethodHandle factory = lookup.findVirtual(builderClass, "factory", MethodType.methodType(ThreadFactory.class));
            Object builder = ofVirtual.invoke();
            ThreadFactory f = (ThreadFactory) factory.invoke(builder);
            Thread probe = f.newThread(() -> { });   // throws on a JVM where virtual threads are a disabled preview
            probe.getName();
            return f;
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
            return null;
        } catch (Throwable t) {
            log.debug("virtual threads are unavailable ({}); jobs run on platform threads", t.toString());
            return null;
        }
    }
}
