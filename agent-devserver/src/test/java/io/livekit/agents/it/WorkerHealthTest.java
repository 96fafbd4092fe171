package io.livekit.agents.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.agents.AgentException;
import io.livekit.agents.AgentsVersion;
import io.livekit.agents.JobHandler;
import io.livekit.agents.ReconnectPolicy;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.it.support.It;
import io.livekit.agents.it.support.Recorder;
import io.livekit.agents.it.support.WorkerTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worker's health server against the dev server: liveness ({@code /}, the Python worker's rule), readiness
 * ({@code /ready}), the info JSON ({@code /worker}), its life with the worker, and its port.
 */
class WorkerHealthTest extends WorkerTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Worker> others = new ArrayList<>();

    @AfterEach
    void closeOthers() {
        for (Worker w : others) {
            w.close();
        }
    }

    /** Test options with the health server on a free loopback port. */
    private static WorkerOptions.Builder withHealth(DevServer server) {
        return It.options(server).healthHost("127.0.0.1").healthPort(0);
    }

    /** Creates, starts and waits for the registration of the worker under test. */
    private void startReady(WorkerOptions.Builder options, JobHandler handler) throws InterruptedException {
        worker = Worker.create(options.build(), handler);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
    }

    /** Dispatches one job to the worker under test and waits until it runs. */
    private void runOneJob(DevServer server, String room) throws InterruptedException {
        server.createDispatch(room, worker.options().agentName(), "");
        await("the job runs", () -> worker.activeJobs().size() == 1);
    }

    private static int port(Worker w) {
        InetSocketAddress a = w.healthAddress().orElseThrow(() -> new AssertionError("no health server on " + w));
        assertThat(a.getAddress().isLoopbackAddress()).isTrue();
        return a.getPort();
    }

    private HttpResponse<String> get(Worker w, String path) throws Exception {
        return send(port(w), "GET", path);
    }

    private HttpResponse<String> send(int port, String method, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(It.WAIT).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode info(Worker w) throws Exception {
        HttpResponse<String> r = get(w, "/worker");
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Polls an endpoint until it answers {@code status} with a body starting with {@code prefix}. */
    private void awaitAnswer(Worker w, String path, int status, String prefix) throws Exception {
        String[] last = {""};
        try {
            await(path + " answering " + status + " " + prefix, () -> {
                try {
                    HttpResponse<String> r = get(w, path);
                    last[0] = r.statusCode() + " " + r.body();
                    return r.statusCode() == status && r.body().startsWith(prefix);
                } catch (Exception e) {
                    last[0] = e.toString();
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer: " + last[0], e);
        }
    }

    private static boolean refuses(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void offUnlessAsked(DevServer server) throws Exception {
        startReady(It.options(server), ctx -> { });
        assertThat(worker.healthAddress()).isEmpty();
    }

    @Test
    void notReadyBeforeRegistrationButAlive(DevServer server) throws Exception {
        server.stop();   // the worker keeps trying until the server is back
        worker = Worker.create(withHealth(server).build(), ctx -> { });
        worker.start();
        assertThat(worker.healthAddress()).as("listening once start() returned").isPresent();
        assertThat(worker.status()).isEqualTo(WorkerStatus.INITIALIZING);

        HttpResponse<String> ready = get(worker, "/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).startsWith("initializing: not registered");
        HttpResponse<String> live = get(worker, "/");
        assertThat(live.statusCode()).as("alive while trying to register, as the Python worker").isEqualTo(200);
        assertThat(live.body()).isEqualTo("OK\n");
        JsonNode before = info(worker);
        assertThat(before.get("worker_id").isNull()).isTrue();
        assertThat(before.get("status").asText()).isEqualTo("INITIALIZING");

        server.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        awaitAnswer(worker, "/ready", 200, "OK");
        assertThat(get(worker, "/").statusCode()).isEqualTo(200);
        assertThat(info(worker).get("worker_id").asText()).isEqualTo(worker.workerId().orElseThrow());
    }

    @Test
    void workerInfoCarriesLiveKitsKeysAndFollowsTheJobs(DevServer server) throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        startReady(withHealth(server).agentName("health-info").maxConcurrentJobs(2), ctx -> finish.await());
        JsonNode idle = info(worker);
        assertThat(idle.get("agent_name").asText()).isEqualTo("health-info");
        assertThat(idle.get("worker_type").asText()).isEqualTo("JT_ROOM");
        assertThat(idle.get("active_jobs").asInt()).isZero();
        assertThat(idle.get("sdk_version").asText()).isEqualTo(AgentsVersion.get());
        assertThat(idle.get("worker_load").asDouble()).isZero();
        assertThat(idle.get("protocol_version").asInt()).isEqualTo(1);
        assertThat(idle.get("worker_id").asText()).isEqualTo(worker.workerId().orElseThrow());
        assertThat(idle.get("status").asText()).isEqualTo("IDLE");

        runOneJob(server, "room-a");
        await("/worker shows the running job", () -> {
            JsonNode j = infoOrNull();
            return j != null && j.get("active_jobs").asInt() == 1 && j.get("status").asText().equals("BUSY")
                    && j.get("worker_load").asDouble() == 0.5;
        });
        assertThat(get(worker, "/ready").statusCode()).as("busy is ready").isEqualTo(200);

        finish.countDown();
        await("/worker shows the job ended", () -> {
            JsonNode j = infoOrNull();
            return j != null && j.get("active_jobs").asInt() == 0 && j.get("status").asText().equals("IDLE");
        });
    }

    private JsonNode infoOrNull() {
        try {
            return info(worker);
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void aWorkerThatLostTheServerIsAliveButNotReady(DevServer server) throws Exception {
        startReady(withHealth(server), ctx -> ctx.awaitCancellation());
        Recorder events = new Recorder();   // sees the registrations after the first
        worker.addListener(events);
        awaitAnswer(worker, "/ready", 200, "OK");

        server.stop();
        await("disconnected", () -> worker.status() == WorkerStatus.DISCONNECTED);
        awaitAnswer(worker, "/ready", 503, "disconnected: ");
        HttpResponse<String> live = get(worker, "/");
        assertThat(live.statusCode()).as("reconnecting is alive (the Python worker's rule)").isEqualTo(200);
        assertThat(info(worker).get("worker_id").isNull()).isTrue();

        server.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        awaitAnswer(worker, "/ready", 200, "OK");

        server.restart();
        await("registered again after the restart", () -> events.registrations.size() == 2);
        awaitAnswer(worker, "/ready", 200, "OK");
        assertThat(info(worker).get("worker_id").asText()).isEqualTo(events.registrations.get(1));
        assertThat(get(worker, "/").statusCode()).isEqualTo(200);
    }

    @Test
    void drainingIsAliveButNotReadyAndTheServerClosesWithTheWorker(DevServer server) throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        startReady(withHealth(server).agentName("drain"), ctx -> finish.await());
        int port = port(worker);
        runOneJob(server, "room-d");

        worker.stop();
        await("draining", () -> worker.status() == WorkerStatus.DRAINING);
        HttpResponse<String> ready = get(worker, "/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).startsWith("draining: ");
        assertThat(get(worker, "/").statusCode()).as("draining is alive").isEqualTo(200);
        JsonNode j = info(worker);
        assertThat(j.get("status").asText()).isEqualTo("DRAINING");
        assertThat(j.get("active_jobs").asInt()).isEqualTo(1);

        finish.countDown();
        assertThat(worker.awaitTermination(It.WAIT)).isTrue();
        assertThat(worker.healthAddress()).isEmpty();
        assertThat(refuses(port)).as("the port is closed once the worker stopped").isTrue();
    }

    @Test
    void aFailedWorkerIsNotAlive(DevServer server) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JobHandler stubborn = ctx -> {
            ctx.awaitCancellation();
            // ignores the interrupts of its cancellation: keeps the failed worker shutting down while the test looks
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // on purpose
                }
            }
        };
        startReady(withHealth(server).agentName("fails")
                .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50))
                        .maxDelay(Duration.ofMillis(100)).maxAttempts(2).build())
                .jobShutdownTimeout(It.WAIT), stubborn);
        int port = port(worker);
        runOneJob(server, "room-f");

        server.stop();
        await("the worker gives up", () -> worker.failure().isPresent());
        HttpResponse<String> live = get(worker, "/");
        assertThat(live.statusCode()).as("reconnect attempts used up: not alive").isEqualTo(503);
        assertThat(live.body()).startsWith("failed: gave up connecting");
        assertThat(get(worker, "/ready").body()).startsWith("failed: ");

        release.countDown();
        assertThat(worker.awaitTermination(It.WAIT)).isTrue();
        assertThat(worker.failure().orElseThrow().code()).isEqualTo(AgentException.Code.RECONNECT_EXHAUSTED);
        assertThat(refuses(port)).isTrue();
    }

    @Test
    void theFixedPortIsFreeAgainOnceTheWorkerStopped(DevServer server) throws Exception {
        Worker first = Worker.create(withHealth(server).build(), ctx -> { });
        others.add(first);
        first.start();
        int port = port(first);
        assertThat(first.awaitReady(It.WAIT)).isTrue();

        // while it runs, a second worker asking for the same port fails at start() and says how to fix it
        Worker clash = Worker.create(It.options(server).healthHost("127.0.0.1").healthPort(port).build(), ctx -> { });
        others.add(clash);
        assertThatThrownBy(clash::start).isInstanceOf(AgentException.class)
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.INVALID_CONFIGURATION))
                .hasMessageContaining("port " + port).hasMessageContaining("healthPort(...)");
        assertThat(clash.awaitTermination(It.WAIT)).isTrue();
        assertThat(clash.failure()).isPresent();
        assertThat(get(first, "/").statusCode()).as("the first worker is unharmed").isEqualTo(200);

        first.stopNow();
        assertThat(first.awaitTermination(It.WAIT)).isTrue();
        assertThat(first.healthAddress()).isEmpty();
        assertThat(refuses(port)).isTrue();

        startReady(It.options(server).healthHost("127.0.0.1").healthPort(port), ctx -> { });
        assertThat(port(worker)).isEqualTo(port);
        awaitAnswer(worker, "/ready", 200, "OK");
    }

    @Test
    void twoWorkersWithEphemeralPortsDoNotCollide(DevServer server) throws Exception {
        worker = Worker.create(withHealth(server).agentName("one").build(), ctx -> { });
        Worker second = Worker.create(withHealth(server).agentName("two").build(), ctx -> { });
        others.add(second);
        worker.start();
        second.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        assertThat(second.awaitReady(It.WAIT)).isTrue();
        assertThat(port(worker)).isNotEqualTo(port(second));
        JsonNode a = info(worker);
        JsonNode b = info(second);
        assertThat(a.get("agent_name").asText()).isEqualTo("one");
        assertThat(b.get("agent_name").asText()).isEqualTo("two");
        assertThat(a.get("worker_id").asText()).isEqualTo(worker.workerId().orElseThrow());
        assertThat(b.get("worker_id").asText()).isEqualTo(second.workerId().orElseThrow());

        second.stopNow();
        assertThat(second.awaitTermination(It.WAIT)).isTrue();
        assertThat(get(worker, "/ready").statusCode()).as("the other worker's server is untouched").isEqualTo(200);
    }

    @Test
    void unknownPathsAndBadRequestsDoNotHarmTheWorker(DevServer server) throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        startReady(withHealth(server).agentName("robust"), ctx -> finish.await());
        int port = port(worker);
        for (String p : List.of("/health", "/metrics", "/worker/", "/ready/now", "/worker%20")) {
            HttpResponse<String> r = get(worker, p);
            assertThat(r.statusCode()).as(p).isEqualTo(404);
        }
        assertThat(send(port, "POST", "/").statusCode()).isEqualTo(405);
        assertThat(send(port, "HEAD", "/worker").body()).isEmpty();

        assertThat(raw(port, "\u0000\u0001garbage\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(raw(port, "GET / HTTP/1.1\r\nX: " + "y".repeat(9_000) + "\r\n\r\n")).startsWith("HTTP/1.1 431 ");
        // many clients at once, some hanging up half-way
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int n = i;
                answers.add(pool.submit(() -> {
                    if (n % 4 == 0) {
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                            s.getOutputStream().write("GET /wor".getBytes(StandardCharsets.US_ASCII));
                        }
                        return 0;
                    }
                    return send(port, "GET", n % 2 == 0 ? "/worker" : "/ready").statusCode();
                }));
            }
            for (Future<Integer> f : answers) {
                assertThat(f.get()).isIn(0, 200);
            }
        } finally {
            pool.shutdownNow();
        }

        // the worker still takes and runs jobs
        runOneJob(server, "room-r");
        assertThat(info(worker).get("active_jobs").asInt()).isEqualTo(1);
        finish.countDown();
        await("idle", () -> worker.status() == WorkerStatus.IDLE);
    }

    /** Sends raw bytes and reads until the server closes. */
    private static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) It.WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
