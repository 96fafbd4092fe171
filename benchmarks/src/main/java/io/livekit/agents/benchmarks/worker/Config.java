package io.livekit.agents.benchmarks.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The worker benchmark's settings, from {@code --name value} arguments. */
final class Config {

    List<Path> javaHomes = new ArrayList<>();
    List<String> javaWorkerOpts = new ArrayList<>();
    String node = "node";
    Path nodeDir;
    Path out = Path.of("benchmarks/target/worker-bench");
    int rounds = 3;
    int latencyJava = 200;
    int latencyJs = 40;
    int warmupLatency = 300;
    int warmupLatencyJs = 5;
    int warmupJobs = 3000;
    int warmupJobsJs = 10;
    int jobsJava = 1000;
    int jobsJs = 15;
    int window = 8;
    int jsCapacity = 16;
    int memJava = 500;
    int memJs = 16;
    long gapMillis = 20;
    long settleMillis = 2000;
    Set<String> phases = new LinkedHashSet<>(List.of("latency", "throughput", "memory"));

    static String usage() {
        return """
                WorkerBench: the Java worker vs LiveKit's agents-js worker on one embedded dev server.
                Run it through benchmarks/run-worker-bench.sh (builds the jar, installs the npm packages).

                  --node-dir DIR         the installed npm project (benchmarks/src/main/node/worker-bench after npm ci); required
                  --java-home DIR        a JDK to run a Java worker on; repeat for several (default: the harness's own)
                  --java-worker-opt OPT  an option for the Java worker JVMs; repeat for several
                  --node PATH            the node binary (default: node)
                  --out DIR              results.md, run.log and the workers' logs (default: benchmarks/target/worker-bench)
                  --rounds N             latency and throughput rounds (default 3)
                  --latency-java N       latency samples per round, Java (default 200)
                  --latency-js N         latency samples per round, agents-js (default 40)
                  --warmup-latency N     uncounted latency jobs first, Java (default 300)
                  --warmup-latency-js N  same, agents-js (default 5)
                  --warmup-jobs N        uncounted throughput jobs first, Java (default 3000)
                  --warmup-jobs-js N     same, agents-js (default 10)
                  --jobs-java N          throughput jobs per round, Java (default 1000)
                  --jobs-js N            throughput jobs per round, agents-js (default 15)
                  --window N             throughput: dispatched jobs not yet finished, at most (default 8)
                  --js-capacity N        agents-js load = active jobs / N, as the Java worker's default (default 16)
                  --mem-java N           idle jobs for the memory figure, Java (default 500)
                  --mem-js N             same, agents-js (default 16: one process each)
                  --gap-ms N             pause before each latency sample (default 20)
                  --settle-ms N          pause before each memory reading (default 2000)
                  --phases LIST          which figures, comma-separated (default latency,throughput,memory)
                """;
    }

    /** Parses the arguments; {@code null} for {@code --help}. */
    static Config parse(String[] args) {
        Config c = new Config();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value; see --help");
            }
            String v = args[++i];
            switch (a) {
                case "--node-dir" -> c.nodeDir = Path.of(v).toAbsolutePath();
                case "--java-home" -> c.javaHomes.add(Path.of(v).toAbsolutePath());
                case "--java-worker-opt" -> c.javaWorkerOpts.add(v);
                case "--node" -> c.node = v;
                case "--out" -> c.out = Path.of(v).toAbsolutePath();
                case "--rounds" -> c.rounds = positive(a, v);
                case "--latency-java" -> c.latencyJava = positive(a, v);
                case "--latency-js" -> c.latencyJs = positive(a, v);
                case "--warmup-latency" -> c.warmupLatency = count(a, v);
                case "--warmup-latency-js" -> c.warmupLatencyJs = count(a, v);
                case "--warmup-jobs" -> c.warmupJobs = count(a, v);
                case "--warmup-jobs-js" -> c.warmupJobsJs = count(a, v);
                case "--jobs-java" -> c.jobsJava = positive(a, v);
                case "--jobs-js" -> c.jobsJs = positive(a, v);
                case "--window" -> c.window = positive(a, v);
                case "--js-capacity" -> c.jsCapacity = positive(a, v);
                case "--mem-java" -> c.memJava = positive(a, v);
                case "--mem-js" -> c.memJs = positive(a, v);
                case "--gap-ms" -> c.gapMillis = count(a, v);
                case "--settle-ms" -> c.settleMillis = count(a, v);
                case "--phases" -> {
                    c.phases = new LinkedHashSet<>(List.of(v.split(",")));
                    if (c.phases.isEmpty() || !Set.of("latency", "throughput", "memory").containsAll(c.phases)) {
                        throw new IllegalArgumentException("--phases takes latency, throughput and/or memory, got " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a + "; see --help");
            }
        }
        if (c.nodeDir == null || !Files.isDirectory(c.nodeDir.resolve("node_modules/@livekit/agents"))) {
            throw new IllegalArgumentException("--node-dir must name the npm project with its packages installed"
                    + " (run benchmarks/run-worker-bench.sh, which runs npm ci); got " + c.nodeDir);
        }
        if (c.javaHomes.isEmpty()) {
            c.javaHomes.add(Path.of(System.getProperty("java.home")));
        }
        for (Path home : c.javaHomes) {
            if (!Files.isExecutable(home.resolve("bin/java")) || !Files.exists(home.resolve("release"))) {
                throw new IllegalArgumentException("--java-home " + home + " is not a JDK (no bin/java or release file)");
            }
        }
        return c;
    }

    private static int positive(String name, String v) {
        int n = count(name, v);
        if (n == 0) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return n;
    }

    private static int count(String name, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new IllegalArgumentException(name + " must not be negative, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes a whole number, got '" + v + "'");
        }
    }

    @Override
    public String toString() {
        return "rounds " + rounds + "; latency samples per round " + latencyJava + " (Java), " + latencyJs
                + " (agents-js), gap " + gapMillis + " ms; warm-up " + warmupLatency + "+" + warmupJobs + " (Java), "
                + warmupLatencyJs + "+" + warmupJobsJs + " (agents-js) jobs; throughput " + jobsJava + " (Java), "
                + jobsJs + " (agents-js) jobs per round, window " + window + "; Java job cap 16 (default),"
                + " agents-js load active/" + jsCapacity + "; memory " + memJava + " (Java), " + memJs
                + " (agents-js) idle jobs; Java worker JVM options " + javaWorkerOpts;
    }
}
