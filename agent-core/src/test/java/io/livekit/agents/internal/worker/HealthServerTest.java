package io.livekit.agents.internal.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.agents.AgentException;
import io.livekit.agents.AgentsVersion;
import io.livekit.agents.JobType;
import io.livekit.agents.WorkerStatus;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The health server alone: answers per snapshot, HTTP details, bad input, a stuck worker thread, the port. */
class HealthServerTest {

    /** How long a request waits for the worker thread: long enough that a loaded machine's idle one answers. */
    private static final Duration ANSWER = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventLoopGroup group;
    private ExecutorService workerThread;
    private HealthServer server;
    private final AtomicReference<HealthServer.Snapshot> state = new AtomicReference<>(
            snapshot(WorkerStatus.INITIALIZING, null, null, 0));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workerThread = Executors.newSingleThreadExecutor();
        server = HealthServer.start(group, "127.0.0.1", 0, workerThread, state::get, ANSWER);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        workerThread.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private static HealthServer.Snapshot snapshot(WorkerStatus status, String id, String failure, int jobs) {
        return new HealthServer.Snapshot(status, id, failure, "agent-x", JobType.PUBLISHER, jobs, 0.25);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void livenessAndReadinessFollowTheSnapshot() throws Exception {
        // initializing: alive, not ready
        assertThat(send("GET", "/").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = send("GET", "/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).startsWith("initializing: ");
        assertThat(ready.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));

        for (WorkerStatus s : List.of(WorkerStatus.IDLE, WorkerStatus.BUSY, WorkerStatus.FULL)) {
            state.set(snapshot(s, "AW_1", null, 1));
            assertThat(send("GET", "/").body()).isEqualTo("OK\n");
            assertThat(send("GET", "/ready").statusCode()).as("ready when %s", s).isEqualTo(200);
        }
        for (WorkerStatus s : List.of(WorkerStatus.DISCONNECTED, WorkerStatus.DRAINING)) {
            state.set(snapshot(s, null, null, 1));
            assertThat(send("GET", "/").statusCode()).as("alive when %s", s).isEqualTo(200);
            HttpResponse<String> r = send("GET", "/ready");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).startsWith(s.name().toLowerCase() + ": ");
        }
        state.set(snapshot(WorkerStatus.DISCONNECTED, null, "gave up connecting after 3 attempt(s)", 1));
        HttpResponse<String> live = send("GET", "/");
        assertThat(live.statusCode()).isEqualTo(503);
        assertThat(live.body()).isEqualTo("failed: gave up connecting after 3 attempt(s)\n");
        assertThat(send("GET", "/ready").body()).startsWith("failed: gave up");

        state.set(snapshot(WorkerStatus.STOPPED, null, null, 0));
        assertThat(send("GET", "/").statusCode()).isEqualTo(503);
        assertThat(send("GET", "/ready").body()).startsWith("stopped: ");
    }

    @Test
    void workerInfoHasLiveKitsKeys() throws Exception {
        state.set(snapshot(WorkerStatus.BUSY, "AW_abc", null, 2));
        HttpResponse<String> r = send("GET", "/worker?verbose=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertThat(r.headers().firstValue("cache-control")).contains("no-store");
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.get("agent_name").asText()).isEqualTo("agent-x");
        assertThat(j.get("worker_type").asText()).isEqualTo("JT_PUBLISHER");
        assertThat(j.get("active_jobs").asInt()).isEqualTo(2);
        assertThat(j.get("sdk_version").asText()).isEqualTo(AgentsVersion.get());
        assertThat(j.get("worker_load").asDouble()).isEqualTo(0.25);
        assertThat(j.get("protocol_version").asInt()).isEqualTo(1);
        assertThat(j.get("worker_id").asText()).isEqualTo("AW_abc");
        assertThat(j.get("status").asText()).isEqualTo("BUSY");

        state.set(snapshot(WorkerStatus.INITIALIZING, null, null, 0));
        assertThat(JSON.readTree(send("GET", "/worker").body()).get("worker_id").isNull()).isTrue();
    }

    @Test
    void headAnswersLikeGetWithoutTheBody() throws Exception {
        state.set(snapshot(WorkerStatus.IDLE, "AW_1", null, 0));
        HttpResponse<String> get = send("GET", "/worker");
        HttpResponse<String> head = send("HEAD", "/worker");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-length"))
                .contains(String.valueOf(get.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(send("HEAD", "/ready").statusCode()).isEqualTo(200);
        assertThat(send("HEAD", "/nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        for (String p : List.of("/health", "/worker/", "/ready/x", "/metrics", "//")) {
            assertThat(send("GET", p).statusCode()).as(p).isEqualTo(404);
        }
        HttpResponse<String> post = send("POST", "/");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).contains("GET, HEAD");
        assertThat(send("DELETE", "/worker").statusCode()).isEqualTo(405);
        assertThat(send("POST", "/elsewhere").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        state.set(snapshot(WorkerStatus.IDLE, "AW_1", null, 0));
        try (Socket s = socket()) {
            // the 404 is answered at once, the others after a trip to the worker's thread: order must hold anyway
            write(s, "GET /worker HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String all = readAll(s.getInputStream());
            int a = all.indexOf("HTTP/1.1 200 OK\r\n");
            int b = all.indexOf("HTTP/1.1 404 Not Found\r\n");
            int c = all.indexOf("HTTP/1.1 200 OK\r\n", b);
            int d = all.indexOf("HTTP/1.1 200 OK\r\n", c + 1);
            assertThat(all).contains("\"worker_id\":\"AW_1\"");
            assertThat(a).isEqualTo(0);
            assertThat(b).isGreaterThan(a);
            assertThat(c).isGreaterThan(b);
            assertThat(d).isGreaterThan(c);
            assertThat(all).endsWith("OK\n");   // closed after the last, as asked
        }
    }

    @Test
    void aStuckWorkerThreadGives503AndTheServerRecovers() throws Exception {
        state.set(snapshot(WorkerStatus.IDLE, "AW_1", null, 0));
        CountDownLatch release = blockWorkerThread();
        HttpResponse<String> r = send("GET", "/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("did not answer within " + ANSWER.toMillis() + " ms");
        assertThat(send("GET", "/worker").statusCode()).isEqualTo(503);
        release.countDown();   // the late snapshots are dropped; later requests are answered normally
        assertThat(send("GET", "/").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aStoppedWorkerThreadGives503() throws Exception {
        workerThread.shutdown();
        HttpResponse<String> r = send("GET", "/worker");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).startsWith("stopped");
    }

    @Test
    void badRequestsGetAnErrorAndTheServerCarriesOn() throws Exception {
        try (Socket s = socket()) {
            write(s, "\u0001\u0002 not http at all\r\n\r\n");
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 400 Bad Request");
        }
        try (Socket s = socket()) {
            write(s, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(HealthServer.MAX_HEADERS + 10) + "\r\n\r\n");
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 431 ");
        }
        try (Socket s = socket()) {
            write(s, "GET /" + "a".repeat(HealthServer.MAX_REQUEST_LINE + 10) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 414 ");
        }
        try (Socket s = socket()) {
            write(s, "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + (HealthServer.MAX_BODY + 1) + "\r\n\r\n"
                    + "b".repeat(HealthServer.MAX_BODY + 1));
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 413 ");
        }
        try (Socket s = socket()) {
            // half a request, then the client goes away
            write(s, "GET /wor");
        }
        try (Socket s = socket()) {
            // more pipelined requests than the server keeps waiting: the connection is closed, nothing else
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                many.append("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            CountDownLatch release = blockWorkerThread();
            write(s, many.toString());
            readAll(s.getInputStream());   // returns once the server closed
            release.countDown();
        }
        assertThat(send("GET", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void closeReleasesThePortAndEndsOpenConnections() throws Exception {
        int port = server.address().getPort();
        try (Socket kept = socket()) {
            write(kept, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = kept.getInputStream();
            byte[] head = new byte[12];
            assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
            assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 404");
            server.close();
            server = null;
            assertThat(readAll(in)).as("the kept-alive connection ends after its answer").endsWith("\n");
        }
        // the selector frees the socket at the latest when the group ends (as the worker waits for)
        assertThat(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS)).isTrue();
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aTakenPortFailsWithTheFix() throws Exception {
        int port = server.address().getPort();
        assertThatThrownBy(() -> HealthServer.start(group, "127.0.0.1", port, workerThread, state::get, ANSWER))
                .isInstanceOf(AgentException.class)
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.INVALID_CONFIGURATION))
                .hasMessageContaining("127.0.0.1 port " + port)
                .hasMessageContaining("healthPort(...)");
        assertThatThrownBy(() -> HealthServer.start(group, "no-such-host.invalid", 0, workerThread, state::get, ANSWER))
                .isInstanceOf(AgentException.class)
                .hasMessageContaining("no-such-host.invalid")
                .hasMessageContaining("healthHost(...)");
    }

    @Test
    void requestTargetsAreParsedToPaths() {
        assertThat(HealthServer.path("/")).isEqualTo("/");
        assertThat(HealthServer.path("/ready?x=1")).isEqualTo("/ready");
        assertThat(HealthServer.path("/worker#f")).isEqualTo("/worker");
        assertThat(HealthServer.path("http://pod:8081/worker?a")).isEqualTo("/worker");
        assertThat(HealthServer.path("http://pod:8081")).isEqualTo("/");
        assertThat(HealthServer.path("*")).isNull();
        assertThat(HealthServer.path("not a target")).isNull();
    }

    /** Keeps the worker thread busy until the returned latch is counted down. */
    private CountDownLatch blockWorkerThread() {
        CountDownLatch release = new CountDownLatch(1);
        workerThread.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release;
    }

    private Socket socket() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        try {
            for (int n; (n = in.read(b)) >= 0; ) {
                buf.write(b, 0, n);
            }
        } catch (java.net.SocketException e) {
            // reset by the server after it answered: what was read counts
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }
}
