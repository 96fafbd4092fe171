package io.livekit.agents.benchmarks.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A worker process of the benchmark (the Java worker in its own JVM, or LiveKit's agents-js worker under node):
 * starts it, reads the JSON lines it and its job processes print, and sends it commands.
 *
 * <p>Every event line goes to the harness's handler on this worker's reader thread, stamped with the monotonic
 * time it was read; replies to commands ({@code clock}, {@code mem}) also go to a queue that
 * {@link #request(String, String, Duration)} waits on.
 */
final class ChildWorker implements AutoCloseable {

    /** Which implementation runs in the process. */
    enum Kind { JAVA, AGENTS_JS }

    private static final ObjectMapper JSON = new ObjectMapper();

    final String label;
    final Kind kind;
    final String agentName;
    private final Process process;
    private final Thread reader;
    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final AtomicInteger unparsed = new AtomicInteger();
    private volatile JsonNode registered;

    private ChildWorker(String label, Kind kind, String agentName, Process process, Path stdoutCopy,
                        BiConsumer<ChildWorker, Event> handler) {
        this.label = label;
        this.kind = kind;
        this.agentName = agentName;
        this.process = process;
        this.reader = new Thread(() -> readLoop(handler, stdoutCopy), "bench-reader-" + label);
        this.reader.setDaemon(true);
    }

    /** One line a worker process printed, and when the harness read it. */
    record Event(String type, JsonNode body, long readAt) {
        String text(String field) {
            return body.path(field).asText("");
        }

        /** A nanosecond time sent as a decimal string (node's bigint) or a number. */
        long nanos(String field) {
            JsonNode n = body.get(field);
            if (n == null) {
                throw new IllegalStateException("event " + body + " has no field " + field);
            }
            return n.isTextual() ? Long.parseLong(n.asText()) : n.asLong();
        }
    }

    /**
     * Starts a worker process; its stderr goes to {@code log}, a copy of its stdout to {@code log} + {@code .out}.
     *
     * @param command the command line
     * @param env     variables added to the environment
     * @param handler called on the reader thread for every event line
     */
    static ChildWorker start(String label, Kind kind, String agentName, List<String> command, Map<String, String> env,
                             Path dir, Path log, BiConsumer<ChildWorker, Event> handler) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        ChildWorker w = new ChildWorker(label, kind, agentName, pb.start(),
                log.resolveSibling(log.getFileName() + ".out"), handler);
        w.reader.start();
        return w;
    }

    private void readLoop(BiConsumer<ChildWorker, Event> handler, Path stdoutCopy) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             BufferedWriter copy = Files.newBufferedWriter(stdoutCopy, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                long readAt = System.nanoTime();
                copy.write(line);
                copy.newLine();
                if (!in.ready()) {
                    copy.flush();
                }
                JsonNode node;
                try {
                    node = line.startsWith("{") ? JSON.readTree(line) : null;
                } catch (IOException e) {
                    node = null;
                }
                if (node == null || !node.hasNonNull("event")) {
                    // agents-js logs (pino JSON without "event") and anything else
                    if (node == null) {
                        unparsed.incrementAndGet();
                    }
                    continue;
                }
                Event e = new Event(node.get("event").asText(), node, readAt);
                switch (e.type()) {
                    case "registered" -> registered = node;
                    case "clock", "mem", "closed", "failed" -> replies.add(node);
                    default -> { }
                }
                try {
                    handler.accept(this, e);
                } catch (RuntimeException ex) {
                    System.err.println("[" + label + "] event handler failed on " + line + ": " + ex);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits until the worker registered with the server. */
    JsonNode awaitRegistered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (registered == null) {
            if (!process.isAlive()) {
                throw new IllegalStateException(label + " exited with " + process.exitValue()
                        + " before registering; see its log in the output directory");
            }
            JsonNode failed = replies.stream().filter(n -> n.path("event").asText().equals("failed")).findFirst()
                    .orElse(null);
            if (failed != null) {
                throw new IllegalStateException(label + " failed: " + failed.path("message").asText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(label + " did not register within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
        return registered;
    }

    /** The registration event; the worker must have registered. */
    JsonNode awaitRegisteredNow() {
        JsonNode r = registered;
        if (r == null) {
            throw new IllegalStateException(label + " has not registered");
        }
        return r;
    }

    /** Sends a command and waits for the reply event of that type. */
    JsonNode request(String command, String replyEvent, Duration timeout) throws IOException, InterruptedException {
        replies.removeIf(n -> n.path("event").asText().equals(replyEvent));
        send(command);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode n = replies.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (n == null) {
                throw new IllegalStateException(label + " did not answer '" + command + "' within "
                        + timeout.toMillis() + " ms");
            }
            if (n.path("event").asText().equals(replyEvent)) {
                return n;
            }
        }
    }

    void send(String command) throws IOException {
        OutputStream out = process.getOutputStream();
        synchronized (out) {
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    long pid() {
        return process.pid();
    }

    /** Lines that were not JSON (should stay 0: a non-zero count means lines got mixed up). */
    int unparsedLines() {
        return unparsed.get();
    }

    /** Asks the worker to quit, then kills what is left of it and its children. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send("quit");
                process.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        ProcessHandle h = process.toHandle();
        h.descendants().forEach(ProcessHandle::destroyForcibly);
        h.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return label + " (pid " + process.pid() + ", agent name '" + agentName + "')";
    }
}
