package io.livekit.agents.devserver.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code node} script of the conformance npm project (src/test/node, installed by the build into target/node),
 * with its JSON output lines collected. {@link #close()} ends it and every process it forked (agents-js starts a
 * process per job): SIGTERM first, then SIGKILL for whatever is left.
 */
final class NodeProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String name;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private final Thread reader;

    private NodeProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        reader = new Thread(this::readOutput, "node-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
        shutdownHook = new Thread(this::kill, "node-" + name + "-kill");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The installed npm project; fails with the fix when the build did not install it. */
    static Path projectDir() {
        String dir = System.getProperty("devserver.conformance.node.dir");
        Path p = dir == null ? Paths.get("target", "node") : Paths.get(dir);
        if (!Files.isDirectory(p.resolve("node_modules").resolve("@livekit").resolve("agents"))
                || !Files.isDirectory(p.resolve("node_modules").resolve("livekit-server-sdk"))) {
            throw new IllegalStateException("the conformance npm packages are not installed in " + p.toAbsolutePath()
                    + "; run the tests through Maven (mvn -pl agent-devserver verify), which runs npm ci there,"
                    + " and make sure node and npm (Node 20+) are installed");
        }
        return p;
    }

    static NodeProcess start(String script, Map<String, String> env) throws IOException {
        Path dir = projectDir();
        ProcessBuilder pb = new ProcessBuilder("node", dir.resolve(script).toAbsolutePath().toString())
                .directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        return new NodeProcess(script, pb.start());
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
                if (line.startsWith("{")) {
                    try {
                        JsonNode n = JSON.readTree(line);
                        if (n.has("event") || n.has("step")) {
                            events.add(n);
                        }
                    } catch (IOException notJson) {
                        // a log line
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** Writes a line to the script's stdin. */
    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits for an output event matching {@code condition}. */
    JsonNode await(Predicate<JsonNode> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode n : events) {
                if (condition.test(n)) {
                    return n;
                }
            }
            if (!process.isAlive() && events.stream().noneMatch(condition)) {
                awaitOutputRead(); // the last lines may still be in the pipe
                for (JsonNode n : events) {
                    if (condition.test(n)) {
                        return n;
                    }
                }
                throw new AssertionError(name + " exited with " + process.exitValue() + " before the expected output:\n"
                        + String.join("\n", output));
            }
            Thread.sleep(20);
        }
        throw new AssertionError(name + ": expected output not seen within " + timeout + ":\n" + String.join("\n", output));
    }

    /** Waits for the script to exit on its own. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout + ":\n" + String.join("\n", output));
        }
        // so that events() and output() hold everything the script printed
        if (!awaitOutputRead()) {
            throw new AssertionError(name + " exited but its output did not end within 30 s (a forked process "
                    + "keeps it open?):\n" + String.join("\n", output));
        }
        return process.exitValue();
    }

    /**
     * Once the process has exited: waits until the reader has taken in its last output (it ends at end of file,
     * unless a process the script forked still holds the pipe); whether it did.
     */
    private boolean awaitOutputRead() throws InterruptedException {
        reader.join(TimeUnit.SECONDS.toMillis(30));
        return !reader.isAlive();
    }

    List<JsonNode> events() {
        return new ArrayList<>(events);
    }

    String output() {
        return String.join("\n", output);
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running
        }
    }

    private void kill() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle h : all) {
            h.destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception stillAlive) {
                // forced below
            }
        }
        // job processes may have been forked after the first listing
        List<ProcessHandle> left = new ArrayList<>(process.descendants().toList());
        left.addAll(all);
        for (ProcessHandle h : left) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }
}
