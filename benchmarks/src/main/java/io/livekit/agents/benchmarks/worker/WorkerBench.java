package io.livekit.agents.benchmarks.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.devserver.DevServerListener;
import io.livekit.agents.devserver.WorkerInfo;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobStatus;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker benchmark of issue 2: this SDK's Java worker against LiveKit's agents-js worker
 * ({@code @livekit/agents}), both registered with one embedded {@link DevServer} in the same run, each in a
 * process of its own. Run it with {@code benchmarks/run-worker-bench.sh}, which builds the jar and installs the
 * npm packages first; {@code --help} lists the options. Figures and their meaning: {@code benchmarks/README.md}.
 *
 * <ol>
 *   <li><b>Offer answer latency</b>: the dev server sent {@code AvailabilityRequest} → it received the
 *       {@code AvailabilityResponse}, both read on the server's dispatch thread (listener callbacks).</li>
 *   <li><b>Assignment to handler</b>: the server sent {@code JobAssignment} → the handler (Java) or entry
 *       function (agents-js) started, read in the worker's process. Both sides read CLOCK_MONOTONIC (Java's
 *       {@code System.nanoTime}, node's {@code process.hrtime}); the harness checks that the clocks agree. The
 *       listener hears of the assignment just after it was queued for sending, so this can come out too small
 *       (even negative); the same measured from the server's record of the answer, which precedes minting the
 *       job token and sending the assignment, is reported as an upper bound.</li>
 *   <li><b>Jobs per second</b>: N dispatches, at most {@code --window} unfinished at once, of jobs that end at
 *       once. Finished means: Java, the server received {@code UpdateJobStatus(JS_SUCCESS)}; agents-js, which
 *       never reports job status, the job's process reported that its shutdown callbacks ran.</li>
 *   <li><b>Memory per idle job</b>: N jobs that stay running; Java, heap in use after full GC and the JVM's RSS,
 *       before and after, divided by N; agents-js (a process per job), RSS and PSS of the worker's whole process
 *       tree, before and after, divided by N.</li>
 * </ol>
 * Latency samples are taken one job at a time, a short gap apart; for agents-js, each after its warm pool is
 * full again (production mode keeps {@code min(cpus, 4)} processes warm), so that it is measured in its best
 * case.
 */
public final class WorkerBench implements DevServerListener {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Config cfg;
    private final Path out;
    private final Map<String, JobTrack> jobs = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JobTrack>> byDispatch = new ConcurrentHashMap<>();
    private final Map<String, ChildWorker> byAgent = new ConcurrentHashMap<>();
    private final Map<ChildWorker, Set<Long>> warmPids = new ConcurrentHashMap<>();
    private final AtomicInteger clockViolations = new AtomicInteger();
    private final AtomicInteger workerCounter = new AtomicInteger();
    private final AtomicInteger roomCounter = new AtomicInteger();
    private final StringBuilder log = new StringBuilder();
    private DevServer server;
    private String loadBefore = "";

    private WorkerBench(Config cfg) {
        this.cfg = cfg;
        this.out = cfg.out;
    }

    /**
     * Runs the benchmark and prints the figures.
     *
     * @param args see {@link Config#usage()}
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Config cfg;
        try {
            cfg = Config.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("[worker-bench] " + e.getMessage());
            System.exit(2);
            return;
        }
        if (cfg == null) {
            System.out.println(Config.usage());
            return;
        }
        Files.createDirectories(cfg.out);
        try {
            new WorkerBench(cfg).run();
        } catch (Exception e) {
            System.err.println("[worker-bench] failed; the workers' logs are in " + cfg.out);
            e.printStackTrace();
            System.exit(1);
        }
    }

    // =====================================================================================================
    // The run
    // =====================================================================================================

    /** The figures of one worker implementation. */
    private static final class Result {
        final String label;
        final Samples offer = new Samples();
        /** Handler start minus the server's record of the assignment (may be negative: see awaitAssignedRecorded). */
        final Samples assign = new Samples();
        /** Handler start minus the server's record of the answer: an upper bound of assignment → handler. */
        final Samples answerToHandler = new Samples();
        final List<Samples> offerRounds = new ArrayList<>();
        final List<Samples> assignRounds = new ArrayList<>();
        final List<Double> jobsPerSecond = new ArrayList<>();
        int coldStarts;
        int handlerBeforeAssignedRecorded;
        String memory = "";
        /** Bytes per idle job: Java, heap after GC; agents-js, the V8 heap after GC of the job's own process. */
        double heapPerJob = Double.NaN;
        /** Bytes per idle job: the growth of the JVM's RSS, or of the agents-js process tree's RSS. */
        double rssPerJob = Double.NaN;
        double pssPerJob = Double.NaN;
        /** PSS in bytes of the worker at rest with no job: the JVM; the agents-js process tree. */
        double idlePss = Double.NaN;
        String runtime = "";

        Result(String label) {
            this.label = label;
        }
    }

    private void run() throws Exception {
        server = DevServer.builder().port(0).listener(this).build().start();
        say("dev server at " + server.url() + " (" + server.dispatchMode() + "); load average " + Machine.loadAverage());
        loadBefore = Machine.loadAverage();
        Map<String, Result> results = new LinkedHashMap<>();
        List<ChildWorker> all = new ArrayList<>();
        try {
            if (cfg.phases.contains("latency") || cfg.phases.contains("throughput")) {
                List<ChildWorker> workers = new ArrayList<>();
                for (Path home : cfg.javaHomes) {
                    workers.add(startJava(home, io.livekit.agents.WorkerOptions.DEFAULT_MAX_CONCURRENT_JOBS));
                }
                workers.add(startNode(cfg.jsCapacity));
                all.addAll(workers);
                timed(workers, results);
            }
            if (cfg.phases.contains("memory")) {
                say("memory: fresh workers, " + cfg.memJava + " idle jobs (Java), " + cfg.memJs + " (agents-js)");
                for (Path home : cfg.javaHomes) {
                    all.add(memoryJava(home, results));
                }
                all.add(memoryNode(results));
            }
        } finally {
            for (ChildWorker w : all) {
                w.close();
            }
            server.close();
        }
        for (ChildWorker w : all) {
            if (w.unparsedLines() > 0) {
                say("WARNING: " + w.unparsedLines() + " lines from " + w + " were not JSON");
            }
        }
        report(results);
    }

    /** Latency and throughput: warm-up, then rounds, each worker in turn. */
    private void timed(List<ChildWorker> workers, Map<String, Result> results) throws Exception {
        for (ChildWorker w : workers) {
            result(results, w);
            checkClock(w);
        }
        say("warm-up: " + cfg.warmupJobs + " throughput jobs and " + cfg.warmupLatency + " latency jobs per worker"
                + " (Java), " + cfg.warmupJobsJs + " and " + cfg.warmupLatencyJs + " (agents-js), not counted");
        for (ChildWorker w : workers) {
            boolean js = w.kind == ChildWorker.Kind.AGENTS_JS;
            throughput(w, js ? cfg.warmupJobsJs : cfg.warmupJobs);
            latency(w, js ? cfg.warmupLatencyJs : cfg.warmupLatency, new Result(w.label), -1);
        }
        for (int round = 1; round <= cfg.rounds; round++) {
            if (cfg.phases.contains("latency")) {
                for (ChildWorker w : workers) {
                    boolean js = w.kind == ChildWorker.Kind.AGENTS_JS;
                    latency(w, js ? cfg.latencyJs : cfg.latencyJava, results.get(w.label), round);
                }
            }
            if (cfg.phases.contains("throughput")) {
                for (ChildWorker w : workers) {
                    boolean js = w.kind == ChildWorker.Kind.AGENTS_JS;
                    double rate = throughput(w, js ? cfg.jobsJs : cfg.jobsJava);
                    results.get(w.label).jobsPerSecond.add(rate);
                    say(String.format("round %d %-10s throughput %.1f jobs/s", round, w.label, rate));
                }
            }
        }
    }

    private Result result(Map<String, Result> results, ChildWorker w) throws IOException {
        Result r = results.get(w.label);
        if (r == null) {
            r = new Result(w.label);
            r.runtime = describe(w);
            results.put(w.label, r);
        }
        return r;
    }

    // =====================================================================================================
    // Workers
    // =====================================================================================================

    private ChildWorker startJava(Path javaHome, int maxJobs) throws Exception {
        String label = "java" + javaFeature(javaHome);
        String agent = "bench-" + label + "-" + workerCounter.incrementAndGet();
        List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        cmd.addAll(cfg.javaWorkerOpts);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), JavaWorkerMain.class.getName()));
        Map<String, String> env = serverEnv(agent);
        env.put("BENCH_MAX_JOBS", Integer.toString(maxJobs));
        ChildWorker w = ChildWorker.start(label, ChildWorker.Kind.JAVA, agent, cmd, env, Path.of("."),
                out.resolve(agent + ".log"), this::onWorkerEvent);
        return registered(w);
    }

    private ChildWorker startNode(int capacity) throws Exception {
        String agent = "bench-agents-js-" + workerCounter.incrementAndGet();
        Map<String, String> env = serverEnv(agent);
        env.put("BENCH_CAPACITY", Integer.toString(capacity));
        env.put("BENCH_HTTP_PORT", Integer.toString(freePort()));
        ChildWorker w = ChildWorker.start("agents-js", ChildWorker.Kind.AGENTS_JS, agent,
                List.of(cfg.node, cfg.nodeDir.resolve("worker.mjs").toString()), env, cfg.nodeDir,
                out.resolve(agent + ".log"), this::onWorkerEvent);
        warmPids.put(w, ConcurrentHashMap.newKeySet());
        return registered(w);
    }

    private ChildWorker registered(ChildWorker w) throws Exception {
        byAgent.put(w.agentName, w);
        try {
            JsonNode reg = w.awaitRegistered(Duration.ofSeconds(60));
            server.awaitWorker(i -> i.agentName().equals(w.agentName), Duration.ofSeconds(10));
            say("registered " + w + ": " + reg);
        } catch (Exception e) {
            w.close();
            throw e;
        }
        if (w.kind == ChildWorker.Kind.AGENTS_JS) {
            awaitWarm(w);
        }
        return w;
    }

    private Map<String, String> serverEnv(String agentName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIVEKIT_URL", server.url());
        env.put("LIVEKIT_API_KEY", server.apiKey());
        env.put("LIVEKIT_API_SECRET", server.apiSecret());
        env.put("AGENT_NAME", agentName);
        return env;
    }

    private String describe(ChildWorker w) throws IOException {
        if (w.kind == ChildWorker.Kind.JAVA) {
            JsonNode reg = w.awaitRegisteredNow();
            return "Java " + reg.path("java").asText() + ", " + reg.path("gc").asText() + ", job cap "
                    + reg.path("maxJobs").asText();
        }
        JsonNode pkg = JSON.readTree(cfg.nodeDir.resolve("node_modules/@livekit/agents/package.json").toFile());
        JsonNode reg = w.awaitRegisteredNow();
        return "@livekit/agents " + pkg.path("version").asText() + ", node " + reg.path("node").asText()
                + ", production mode, " + reg.path("numIdleProcesses").asText() + " warm processes";
    }

    /** The worker's clock must be the harness's: each reading lies between a read before and one after. */
    private void checkClock(ChildWorker w) throws Exception {
        long worst = 0;
        for (int i = 0; i < 20; i++) {
            long before = System.nanoTime();
            JsonNode reply = w.request("clock", "clock", Duration.ofSeconds(10));
            long after = System.nanoTime();
            long t = Long.parseLong(reply.path("t").asText());
            if (t < before || t > after) {
                throw new IllegalStateException(w.label + "'s monotonic clock (" + t + ") is not the harness's ("
                        + before + ".." + after + "): cross-process latencies would be meaningless");
            }
            worst = Math.max(worst, after - before);
        }
        say(w.label + ": monotonic clock agrees with the harness's (round trips up to " + Samples.ms(worst) + " ms)");
    }

    private void onWorkerEvent(ChildWorker w, ChildWorker.Event e) {
        if (e.body().has("t")) {
            if (e.nanos("t") > e.readAt()) {
                clockViolations.incrementAndGet();
            }
        }
        switch (e.type()) {
            case "prewarm" -> warmPids.get(w).add(e.body().path("pid").asLong());
            case "entry" -> {
                JobTrack t = track(e.text("jobId"));
                t.entry = e.nanos("t");
                t.pid = e.body().path("pid").asLong();
                if (e.body().has("procStart")) {
                    t.processStarted = e.nanos("procStart");
                }
                Set<Long> warm = warmPids.get(w);
                if (warm != null) {
                    warm.remove(t.pid);
                }
                t.entered.complete(t);
            }
            case "jobmem" -> {
                JobTrack t = track(e.text("jobId"));
                t.processHeapAfterGc = e.body().path("heapUsed").asLong();
                t.processRss = e.body().path("rss").asLong();
                t.memoryReported.complete(t);
            }
            case "done" -> {
                JobTrack t = track(e.text("jobId"));
                t.done = e.nanos("t");
                t.doneRead = e.readAt();
                if (w.kind == ChildWorker.Kind.AGENTS_JS) {
                    t.completed.complete(t);
                }
            }
            default -> { }
        }
    }

    /**
     * After a phase: agents-js refills its warm pool (node processes starting, CPU-heavy on this machine), which
     * would otherwise run during the next worker's phase.
     */
    private void quiesce(ChildWorker w) throws InterruptedException {
        if (w.kind == ChildWorker.Kind.AGENTS_JS) {
            awaitWarm(w);
            Thread.sleep(200);
        }
    }

    /** agents-js: waits until its warm pool is full (every warm process ran its prewarm). */
    private void awaitWarm(ChildWorker w) throws InterruptedException {
        int want = w.awaitRegisteredNow().path("numIdleProcesses").asInt(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (warmPids.get(w).size() < want) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(w.label + ": the warm pool did not refill within 60 s ("
                        + warmPids.get(w).size() + " of " + want + ")");
            }
            Thread.sleep(2);
        }
    }

    // =====================================================================================================
    // Dev server listener (dispatch thread: record and hand off, never block)
    // =====================================================================================================

    private JobTrack track(String jobId) {
        return jobs.computeIfAbsent(jobId, JobTrack::new);
    }

    @Override
    public void onJobOffered(Job job, WorkerInfo worker) {
        long now = System.nanoTime();
        JobTrack t = track(job.getId());
        t.offered = now;
        t.agentName = worker.agentName();
        byDispatch.computeIfAbsent(job.getDispatchId(), k -> new CompletableFuture<>()).complete(t);
    }

    @Override
    public void onAvailabilityAnswered(Job job, WorkerInfo worker, AvailabilityResponse answer) {
        long now = System.nanoTime();
        JobTrack t = track(job.getId());
        t.answered = now;
        if (!answer.getAvailable()) {
            t.fail(worker.agentName() + " refused the job (load " + worker.load() + ", status " + worker.status() + ")");
        }
    }

    @Override
    public void onJobAssigned(Job job, WorkerInfo worker, String token) {
        track(job.getId()).assigned = System.nanoTime();
    }

    @Override
    public void onJobStatus(Job job) {
        long now = System.nanoTime();
        JobTrack t = jobs.get(job.getId());
        if (t == null) {
            return;
        }
        ChildWorker w = byAgent.get(t.agentName);
        if (w == null || w.kind != ChildWorker.Kind.JAVA) {
            return;
        }
        if (job.getState().getStatus() == JobStatus.JS_SUCCESS) {
            t.serverSucceeded = now;
            t.completed.complete(t);
        } else if (job.getState().getStatus() == JobStatus.JS_FAILED && !t.completed.isDone()) {
            t.fail("failed: " + job.getState().getError());
        }
    }

    @Override
    public void onJobNotPlaced(Job job, String reason) {
        JobTrack t = track(job.getId());
        byDispatch.computeIfAbsent(job.getDispatchId(), k -> new CompletableFuture<>()).complete(t);
        t.fail("not placed: " + reason);
    }

    // =====================================================================================================
    // Phases
    // =====================================================================================================

    private String newRoom(String what, ChildWorker w) {
        String room = what + "-" + w.label + "-" + roomCounter.incrementAndGet();
        server.createRoom(room);
        return room;
    }

    /** Dispatches one job to {@code w}; completes when the server offered it. */
    private CompletableFuture<JobTrack> dispatch(ChildWorker w, String room, String metadata) {
        String dispatchId = server.createDispatch(room, w.agentName, metadata);
        return byDispatch.computeIfAbsent(dispatchId, k -> new CompletableFuture<>());
    }

    /** One job at a time: offer answer and assignment-to-handler latencies. */
    private void latency(ChildWorker w, int samples, Result r, int round) throws Exception {
        if (samples <= 0) {
            return;
        }
        boolean js = w.kind == ChildWorker.Kind.AGENTS_JS;
        String room = newRoom("lat", w);
        Samples offer = new Samples();
        Samples assign = new Samples();
        Samples upper = new Samples();
        int cold = 0;
        int early = 0;
        for (int i = 0; i < samples; i++) {
            if (js) {
                awaitWarm(w);
            }
            Thread.sleep(cfg.gapMillis);
            JobTrack t = dispatch(w, room, "finish").get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            t.completed.get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            awaitAssignedRecorded(t);
            offer.add(t.answered - t.offered);
            assign.add(t.entry - t.assigned);
            upper.add(t.entry - t.answered);
            if (t.entry < t.assigned) {
                early++;
            }
            if (js && t.processStarted > t.offered) {
                cold++;
            }
        }
        server.deleteRoom(room);
        quiesce(w);
        if (round > 0) {
            r.offer.addAll(offer);
            r.assign.addAll(assign);
            r.answerToHandler.addAll(upper);
            r.offerRounds.add(offer);
            r.assignRounds.add(assign);
            r.coldStarts += cold;
            r.handlerBeforeAssignedRecorded += early;
            say(String.format("round %d %-10s offer→answer %s; assignment→handler %s%s", round, w.label,
                    offer.summary(), assign.summary(), js ? "; cold processes " + cold : ""));
        }
    }

    /**
     * The listener records the assignment just after the server queued it for sending; when the dispatch thread
     * is descheduled right then (2 busy cores), a job can start, or even finish, before that record is written.
     */
    private static void awaitAssignedRecorded(JobTrack t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.assigned == 0 || t.answered == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the dev server never reported the assignment of job " + t.jobId);
            }
            Thread.sleep(1);
        }
    }

    /** {@code n} jobs that end at once, at most {@code window} unfinished: completed jobs per second. */
    private double throughput(ChildWorker w, int n) throws Exception {
        if (n <= 0) {
            return Double.NaN;
        }
        String room = newRoom("tput", w);
        Semaphore window = new Semaphore(cfg.window);
        AtomicLong last = new AtomicLong();
        List<CompletableFuture<JobTrack>> all = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (!window.tryAcquire(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(w.label + ": no job finished within " + JOB_TIMEOUT.toSeconds() + " s");
            }
            CompletableFuture<JobTrack> done = dispatch(w, room, "finish")
                    .thenCompose(t -> t.completed)
                    .whenComplete((t, ex) -> {
                        last.accumulateAndGet(System.nanoTime(), Math::max);
                        window.release();
                    });
            all.add(done);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(JOB_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
        double rate = n / ((last.get() - start) / 1e9);
        server.deleteRoom(room);
        quiesce(w);
        return rate;
    }

    private static int capFor(int idleJobs) {
        // the server places jobs only while the reported load (jobs / cap) is below its target_load 0.7
        return (int) Math.ceil(idleJobs / 0.6) + 1;
    }

    /** Starts {@code n} idle jobs on {@code w} and waits until every handler or entry runs. */
    private List<JobTrack> idleJobs(ChildWorker w, String room, int n) throws Exception {
        Semaphore window = new Semaphore(32);
        List<CompletableFuture<JobTrack>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!window.tryAcquire(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(w.label + ": idle jobs do not start");
            }
            all.add(dispatch(w, room, "idle").thenCompose(t -> t.entered).whenComplete((t, ex) -> window.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        List<JobTrack> tracks = new ArrayList<>();
        for (CompletableFuture<JobTrack> f : all) {
            tracks.add(f.get());
        }
        return tracks;
    }

    private void awaitNoJobs(ChildWorker w) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            boolean idle = server.workers().stream().filter(i -> i.agentName().equals(w.agentName))
                    .allMatch(i -> i.runningJobIds().isEmpty());
            long processes = ProcessHandle.of(w.pid()).map(h -> h.descendants().count()).orElse(0L);
            int warm = warmPids.containsKey(w) ? w.awaitRegisteredNow().path("numIdleProcesses").asInt() : 0;
            if (idle && processes <= warm) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(w.label + ": jobs still running 60 s after their room was deleted");
            }
            Thread.sleep(50);
        }
    }

    private ChildWorker memoryJava(Path home, Map<String, Result> results) throws Exception {
        int n = cfg.memJava;
        ChildWorker w = startJava(home, capFor(n));
        try {
            // a few jobs first, so that the classes of the job path are loaded before the baseline; few, so that
            // (on Java 17) few idle pool threads are left over in it
            String warmRoom = newRoom("memwarm", w);
            idleJobs(w, warmRoom, 4);
            server.deleteRoom(warmRoom);
            awaitNoJobs(w);
            Thread.sleep(cfg.settleMillis);
            JsonNode m0 = w.request("mem", "mem", Duration.ofSeconds(30));
            ProcMemory.Usage u0 = ProcMemory.of(w.pid());
            String room = newRoom("mem", w);
            idleJobs(w, room, n);
            Thread.sleep(cfg.settleMillis);
            JsonNode m1 = w.request("mem", "mem", Duration.ofSeconds(30));
            ProcMemory.Usage u1 = ProcMemory.of(w.pid());
            server.deleteRoom(room);
            Result r = result(results, w);
            r.heapPerJob = (m1.path("heapUsed").asLong() - m0.path("heapUsed").asLong()) / (double) n;
            r.rssPerJob = (u1.rss() - u0.rss()) / (double) n;
            r.pssPerJob = (u1.pss() - u0.pss()) / (double) n;
            r.idlePss = u0.pss();
            r.memory = String.format("%d idle jobs: heap after GC %s → %s (%s/job); JVM RSS %s → %s (%s/job),"
                            + " PSS %s → %s (%s/job); threads %d → %d", n, mib(m0.path("heapUsed").asLong()),
                    mib(m1.path("heapUsed").asLong()), kib(r.heapPerJob), mib(u0.rss()), mib(u1.rss()),
                    kib(r.rssPerJob), mib(u0.pss()), mib(u1.pss()), kib(r.pssPerJob), m0.path("threads").asInt(),
                    m1.path("threads").asInt());
            say("memory " + w.label + ": " + r.memory);
        } finally {
            w.close();
        }
        return w;
    }

    private ChildWorker memoryNode(Map<String, Result> results) throws Exception {
        int n = cfg.memJs;
        ChildWorker w = startNode(capFor(n));
        try {
            String warmRoom = newRoom("memwarm", w);
            idleJobs(w, warmRoom, Math.min(n, 2));
            server.deleteRoom(warmRoom);
            awaitNoJobs(w);
            awaitWarm(w);
            Thread.sleep(cfg.settleMillis);
            ProcMemory.Usage t0 = ProcMemory.tree(w.pid());
            ProcMemory.Usage p0 = ProcMemory.of(w.pid());
            String room = newRoom("mem", w);
            List<JobTrack> idle = idleJobs(w, room, n);
            for (JobTrack t : idle) {
                t.memoryReported.get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            awaitWarm(w);
            Thread.sleep(cfg.settleMillis);
            ProcMemory.Usage t1 = ProcMemory.tree(w.pid());
            ProcMemory.Usage p1 = ProcMemory.of(w.pid());
            long jobRss = 0;
            long jobPss = 0;
            long jobHeap = 0;
            for (JobTrack t : idle) {
                ProcMemory.Usage u = ProcMemory.of(t.pid);
                jobRss += u.rss();
                jobPss += u.pss();
                jobHeap += t.processHeapAfterGc;
            }
            server.deleteRoom(room);
            ProcMemory.Usage d = t1.minus(t0);
            Result r = result(results, w);
            r.heapPerJob = jobHeap / (double) n;
            r.rssPerJob = d.rss() / (double) n;
            r.pssPerJob = d.pss() / (double) n;
            r.idlePss = t0.pss();
            r.memory = String.format("%d idle jobs (%d processes → %d): process tree RSS %s → %s (%s/job), PSS %s → %s"
                            + " (%s/job); a job's process: V8 heap after GC %s, RSS %s, PSS %s on average; the"
                            + " worker process's RSS %s → %s", n, t0.processes(), t1.processes(), mib(t0.rss()),
                    mib(t1.rss()), mib(r.rssPerJob), mib(t0.pss()), mib(t1.pss()), mib(r.pssPerJob),
                    mib(r.heapPerJob), mib(jobRss / (double) n), mib(jobPss / (double) n), mib(p0.rss()),
                    mib(p1.rss()));
            say("memory agents-js: " + r.memory);
        } finally {
            w.close();
        }
        return w;
    }

    // =====================================================================================================
    // Report
    // =====================================================================================================

    private void report(Map<String, Result> results) throws IOException {
        Result js = results.get("agents-js");
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16))
                .append(" on ").append(Machine.describe()).append("; load average (1/5/15 min) ").append(loadBefore)
                .append(" at the start, ").append(Machine.loadAverage()).append(" at the end\n\n");
        md.append("| | ");
        results.values().forEach(r -> md.append(r.label).append(" | "));
        results.values().stream().filter(r -> r != js).forEach(r -> md.append(r.label).append(" : agents-js | "));
        md.append("\n|---|");
        results.values().forEach(r -> md.append("---:|"));
        results.values().stream().filter(r -> r != js).forEach(r -> md.append("---:|"));
        md.append("\n");
        row(md, results, js, "offer → answer p50 (ms)", r -> r.offer.percentileMillis(0.5));
        row(md, results, js, "offer → answer p99 (ms)", r -> r.offer.percentileMillis(0.99));
        row(md, results, js, "assignment → handler p50 (ms)", r -> r.assign.percentileMillis(0.5));
        row(md, results, js, "assignment → handler p99 (ms)", r -> r.assign.percentileMillis(0.99));
        row(md, results, js, "answer → handler p50 (ms, upper bound)", r -> r.answerToHandler.percentileMillis(0.5));
        row(md, results, js, "answer → handler p99 (ms, upper bound)", r -> r.answerToHandler.percentileMillis(0.99));
        row(md, results, js, "jobs per second (median of rounds)", r -> median(r.jobsPerSecond));
        row(md, results, js, "heap per idle job after GC (KiB)", r -> r.heapPerJob / 1024);
        row(md, results, js, "RSS per idle job (KiB)", r -> r.rssPerJob / 1024);
        row(md, results, js, "PSS per idle job (KiB)", r -> r.pssPerJob / 1024);
        row(md, results, js, "idle worker, no jobs: PSS (MiB)", r -> r.idlePss / 1024 / 1024);
        md.append("\nSamples: ");
        results.values().forEach(r -> md.append(r.label).append(" ").append(r.offer.size()).append(" latency, ")
                .append(r.jobsPerSecond.size()).append(" throughput rounds; "));
        md.append("agents-js latency samples started in a cold process: ").append(js.coldStarts).append(".");
        for (Result r : results.values()) {
            if (r.handlerBeforeAssignedRecorded > 0) {
                md.append(" ").append(r.label).append(": ").append(r.handlerBeforeAssignedRecorded)
                        .append(" samples had the handler start before the server's listener recorded the assignment"
                                + " (its dispatch thread was descheduled; kept as negative samples).");
            }
        }
        md.append("\n\n");
        for (Result r : results.values()) {
            md.append("- ").append(r.label).append(": ").append(r.runtime).append("\n");
            md.append("  - offer → answer per round (p50 / p99 / max): ");
            r.offerRounds.forEach(s -> md.append(s.summary()).append("; "));
            md.append("\n  - assignment → handler per round: ");
            r.assignRounds.forEach(s -> md.append(s.summary()).append("; "));
            md.append("\n  - jobs per second per round: ");
            r.jobsPerSecond.forEach(v -> md.append(String.format("%.1f; ", v)));
            md.append("\n  - memory: ").append(r.memory).append("\n");
        }
        md.append("\nSettings: ").append(cfg).append("\n");
        if (clockViolations.get() > 0) {
            md.append("\nWARNING: ").append(clockViolations.get())
                    .append(" worker events carried a time later than when the harness read them\n");
        }
        Path file = out.resolve("results.md");
        Files.writeString(file, md.toString());
        Files.writeString(out.resolve("run.log"), log.toString());
        System.out.println();
        System.out.println(md);
        System.out.println("written to " + file.toAbsolutePath());
    }

    private interface Figure {
        double of(Result r);
    }

    private static void row(StringBuilder md, Map<String, Result> results, Result js, String name, Figure f) {
        md.append("| ").append(name).append(" | ");
        results.values().forEach(r -> md.append(fmt(f.of(r))).append(" | "));
        results.values().stream().filter(r -> r != js)
                .forEach(r -> md.append(ratio(f.of(r) / f.of(js))).append(" | "));
        md.append("\n");
    }

    /** A ratio; tiny ones as a fraction ({@code 1/380}), which reads better than {@code 0.00263}. */
    private static String ratio(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        return v > 0 && v < 0.01 ? String.format("1/%.0f", 1 / v) : String.format("%.3g", v);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return Math.abs(v) >= 100 ? String.format("%.0f", v) : Math.abs(v) >= 10 ? String.format("%.1f", v)
                : String.format("%.3g", v);
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private static String mib(double bytes) {
        return String.format("%.1f MiB", bytes / (1024 * 1024));
    }

    private static String kib(double bytes) {
        return String.format("%.1f KiB", bytes / 1024);
    }

    private void say(String s) {
        System.out.println("[worker-bench] " + s);
        log.append(s).append('\n');
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String javaFeature(Path home) throws IOException {
        for (String line : Files.readAllLines(home.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                return v.startsWith("1.") ? v.substring(2, 3) : v.split("[.+-]")[0];
            }
        }
        throw new IllegalArgumentException(home + "/release names no JAVA_VERSION: is it a JDK?");
    }
}
