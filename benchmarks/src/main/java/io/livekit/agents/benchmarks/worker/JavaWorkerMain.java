package io.livekit.agents.benchmarks.worker;

import io.livekit.agents.JobContext;
import io.livekit.agents.JobHandler;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The Java side of the worker benchmark, run by {@link WorkerBench} in a JVM of its own (as the agents-js worker
 * runs in a process of its own): this SDK's {@link Worker} with its default options except the agent name and
 * the job cap, registered with the harness's dev server.
 *
 * <p>Environment: {@code LIVEKIT_URL}, {@code LIVEKIT_API_KEY}, {@code LIVEKIT_API_SECRET}, {@code AGENT_NAME},
 * {@code BENCH_MAX_JOBS} (the job cap, default {@value WorkerOptions#DEFAULT_MAX_CONCURRENT_JOBS}).
 *
 * <p>It prints the same JSON lines as the agents-js side ({@code worker.mjs} and {@code agent.mjs}), with
 * {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux, the clock of node's {@code process.hrtime}):
 * {@code registered}, {@code entry} (the job's handler started), {@code done} (the handler is about to return),
 * {@code clock}, {@code mem}. The job's metadata says what the handler does: {@code finish} returns at once,
 * {@code idle} waits for cancellation. Commands on stdin: {@code clock}, {@code mem} (full GC, then the heap in
 * use), {@code quit}.
 */
public final class JavaWorkerMain {

    private JavaWorkerMain() {
    }

    /**
     * Runs the worker until {@code quit} or the end of stdin.
     *
     * @param args unused
     * @throws Exception if the worker does not come up
     */
    public static void main(String[] args) throws Exception {
        String agentName = require("AGENT_NAME");
        int maxJobs = Integer.parseInt(System.getenv().getOrDefault("BENCH_MAX_JOBS",
                Integer.toString(WorkerOptions.DEFAULT_MAX_CONCURRENT_JOBS)));
        JobHandler handler = JavaWorkerMain::runJob;
        Worker worker = Worker.create(WorkerOptions.builder()
                .url(require("LIVEKIT_URL"))
                .apiKey(require("LIVEKIT_API_KEY"))
                .apiSecret(require("LIVEKIT_API_SECRET"))
                .agentName(agentName)
                .maxConcurrentJobs(maxJobs)
                .build(), handler);
        worker.start();
        if (!worker.awaitReady(Duration.ofSeconds(30))) {
            Lines.print("{\"event\":\"failed\",\"message\":\"not registered within 30 s\"}");
            System.exit(1);
        }
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining("+"));
        Lines.print("{\"event\":\"registered\",\"workerId\":\"" + worker.workerId().orElse("")
                + "\",\"pid\":" + ProcessHandle.current().pid()
                + ",\"java\":\"" + Runtime.version() + "\",\"gc\":\"" + gcs + "\",\"maxJobs\":" + maxJobs + "}");

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "clock" -> Lines.print("{\"event\":\"clock\",\"t\":\"" + System.nanoTime() + "\"}");
                case "mem" -> Lines.print(memory());
                case "quit" -> {
                    worker.close();
                    Lines.print("{\"event\":\"closed\"}");
                    System.exit(0);
                }
                default -> { }
            }
        }
        worker.close();
        System.exit(0);
    }

    private static void runJob(JobContext ctx) throws InterruptedException {
        long t = System.nanoTime();
        String id = ctx.job().id();
        Lines.print("{\"event\":\"entry\",\"jobId\":\"" + id + "\",\"t\":\"" + t + "\"}");
        if ("idle".equals(ctx.job().metadata())) {
            ctx.awaitCancellation();
        } else {
            Lines.print("{\"event\":\"done\",\"jobId\":\"" + id + "\",\"t\":\"" + System.nanoTime() + "\"}");
        }
    }

    /** The heap in use after full collections, the heap committed, and the live threads. */
    private static String memory() {
        try {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        var nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        return "{\"event\":\"mem\",\"heapUsed\":" + heap.getUsed() + ",\"heapCommitted\":" + heap.getCommitted()
                + ",\"nonHeapUsed\":" + nonHeap.getUsed()
                + ",\"threads\":" + ManagementFactory.getThreadMXBean().getThreadCount() + "}";
    }

    private static String require(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException("environment variable " + name + " is required (WorkerBench sets it)");
        }
        return v;
    }

    /** One JSON line per write, flushed, never interleaved with another. */
    private static final class Lines {
        private static synchronized void print(String json) {
            System.out.println(json);
            System.out.flush();
        }
    }
}
