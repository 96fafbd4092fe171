package io.livekit.agents.devserver;

import io.livekit.agents.internal.auth.LiveKitTokens;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.RegisterWorkerRequest;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.UpdateWorkerStatus;
import livekit.LivekitAgent.WorkerMessage;
import livekit.LivekitAgent.WorkerPing;
import livekit.LivekitAgent.WorkerStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.livekit.agents.devserver.TestSupport.WAIT;
import static io.livekit.agents.devserver.TestSupport.agentUrl;
import static io.livekit.agents.devserver.TestSupport.nextOffer;
import static io.livekit.agents.devserver.TestSupport.raw;
import static io.livekit.agents.devserver.TestSupport.rawJwt;
import static io.livekit.agents.devserver.TestSupport.registered;
import static io.livekit.agents.devserver.TestSupport.upgrade;
import static io.livekit.agents.devserver.TestSupport.workerToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code /agent} endpoint at the wire level: upgrade checks, handshake, framing and bad input. */
class AgentSocketTest {

    private DevServer server;
    private final List<String> rejected = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = TestSupport.quickServer()
                .registerTimeout(Duration.ofSeconds(2))   // a loaded machine still registers in time
                .listener(new DevServerListener() {
                    @Override
                    public void onConnectionRejected(String remoteAddress, String reason) {
                        rejected.add(reason);
                    }
                })
                .build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- upgrade and tokens ----

    @Test
    void refusesUpgradesWithoutAValidAgentToken() throws Exception {
        String key = server.apiKey();
        String secret = server.apiSecret();
        long now = Instant.now().getEpochSecond();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("", "no access token");
        cases.put("Authorization: Basic abc\r\n", "must start with 'Bearer '");
        cases.put("Authorization: Bearer " + LiveKitTokens.workerToken(key, "wrong-secret", Duration.ofMinutes(5))
                + "\r\n", "signature does not match");
        cases.put("Authorization: Bearer " + LiveKitTokens.workerToken("nokey", secret, Duration.ofMinutes(5))
                + "\r\n", "invalid API key 'nokey'");
        cases.put("Authorization: Bearer " + LiveKitTokens.sign(key, secret, null, Map.of("video", Map.of("agent", true)),
                Duration.ofMinutes(1), Clock.fixed(Instant.now().minusSeconds(3600), ZoneOffset.UTC)) + "\r\n", "expired");
        cases.put("Authorization: Bearer " + TestSupport.token(server, Map.of("roomJoin", true, "room", "x"))
                + "\r\n", "no video.agent grant");
        cases.put("Authorization: Bearer " + rawJwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"iss\":\"" + key + "\",\"nbf\":" + now + ",\"video\":{\"agent\":true}}", secret) + "\r\n", "no 'exp'");
        cases.put("Authorization: Bearer " + rawJwt("{\"alg\":\"none\"}",
                "{\"iss\":\"" + key + "\",\"exp\":" + (now + 600) + ",\"video\":{\"agent\":true}}", secret) + "\r\n",
                "'none' is not accepted");
        cases.put("Authorization: Bearer garbage\r\n", "not a signed JWT");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            TestSupport.RawResponse r = raw(server, upgrade("/agent", c.getKey()));
            assertThat(r.status()).as("headers %s", c.getKey()).isEqualTo(401);
            assertThat(r.body()).as("headers %s", c.getKey()).contains(c.getValue());
        }
        // through the JDK client as well: the upgrade fails with 401
        assertThatThrownBy(() -> WsClient.connect(agentUrl(server),
                LiveKitTokens.workerToken(key, "wrong-secret", Duration.ofMinutes(5))))
                .isInstanceOfSatisfying(WsClient.Refused.class, e -> assertThat(e.status).isEqualTo(401));
        assertThat(server.workers()).isEmpty();
    }

    @Test
    void acceptsTheTokenAsQueryParameterAndRefusesPlainRequests() throws Exception {
        try (WsClient c = WsClient.connect(agentUrl(server) + "?access_token=" + workerToken(server) + "&protocol=1",
                null)) {
            c.send(register(JobType.JT_ROOM, ""));
            assertThat(c.next(WAIT).getMessageCase()).isEqualTo(ServerMessage.MessageCase.REGISTER);
        }
        TestSupport.RawResponse plain = raw(server, "GET /agent HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(plain.status()).isEqualTo(404);
        TestSupport.RawResponse root = raw(server, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.body()).isEqualTo("OK");
        TestSupport.RawResponse head = raw(server, "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(head.status()).isEqualTo(200);
        assertThat(raw(server, "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status()).isEqualTo(404);
    }

    // ---- handshake ----

    @Test
    void answersPingBeforeAndAfterRegisterAndReportsServerInfo() throws Exception {
        try (WsClient c = WsClient.connect(agentUrl(server), workerToken(server))) {
            c.send(WorkerMessage.newBuilder().setPing(WorkerPing.newBuilder().setTimestamp(1234)).build());
            ServerMessage pong = c.next(WAIT);
            assertThat(pong.getPong().getLastTimestamp()).isEqualTo(1234);
            assertThat(pong.getPong().getTimestamp()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));

            c.send(register(JobType.JT_PUBLISHER, "named"));
            ServerMessage reg = c.next(WAIT);
            assertThat(reg.getRegister().getWorkerId()).matches("AW_[2-9A-Za-z]{12}");
            assertThat(reg.getRegister().getServerInfo().getAgentProtocol()).isEqualTo(1);
            assertThat(reg.getRegister().getServerInfo().getVersion()).isEqualTo(DevServer.COMPATIBLE_SERVER_VERSION);

            c.send(WorkerMessage.newBuilder().setPing(WorkerPing.newBuilder().setTimestamp(99)).build());
            assertThat(c.next(WAIT).getPong().getLastTimestamp()).isEqualTo(99);

            WorkerInfo w = server.awaitWorker(x -> true, WAIT);
            assertThat(w.id()).isEqualTo(reg.getRegister().getWorkerId());
            assertThat(w.agentName()).isEqualTo("named");
            assertThat(w.jobType()).isEqualTo(JobType.JT_PUBLISHER);
            assertThat(w.version()).isEqualTo("test");
            // no allowed_permissions sent: LiveKit's defaults
            assertThat(w.permissions().getCanPublish()).isTrue();
            assertThat(w.permissions().getCanSubscribe()).isTrue();
            assertThat(w.permissions().getCanPublishData()).isTrue();
            assertThat(w.permissions().getCanUpdateMetadata()).isTrue();
            assertThat(w.permissions().getHidden()).isFalse();

            c.send(WorkerMessage.newBuilder().setUpdateWorker(UpdateWorkerStatus.newBuilder()
                    .setStatus(WorkerStatus.WS_FULL).setLoad(0.4f).setJobCount(3)).build());
            WorkerInfo full = server.awaitWorker(x -> x.status() == WorkerStatus.WS_FULL, WAIT);
            assertThat(full.load()).isEqualTo(0.4f);
            assertThat(full.reportedJobCount()).isEqualTo(3);
            // an update without status keeps it; without load sets the load to 0 (as LiveKit)
            c.send(WorkerMessage.newBuilder().setUpdateWorker(UpdateWorkerStatus.newBuilder().setJobCount(1)).build());
            WorkerInfo after = server.awaitWorker(x -> x.reportedJobCount() == 1, WAIT);
            assertThat(after.status()).isEqualTo(WorkerStatus.WS_FULL);
            assertThat(after.load()).isZero();
        }
    }

    @Test
    void speaksProtojsonToAWorkerThatSendsText() throws Exception {
        try (WsClient c = WsClient.connect(agentUrl(server), workerToken(server))) {
            c.sendText("{\"register\":{\"type\":\"JT_ROOM\",\"agentName\":\"json-agent\",\"version\":\"1\"}}");
            String reply = c.nextText(WAIT);
            assertThat(reply).contains("\"register\"").contains("\"workerId\":\"AW_");
            c.sendText("{\"ping\":{\"timestamp\":\"42\"}}");
            assertThat(c.nextText(WAIT)).contains("\"lastTimestamp\":\"42\"");
            // a binary frame switches the connection back to protobuf
            c.send(WorkerMessage.newBuilder().setPing(WorkerPing.newBuilder().setTimestamp(7)).build());
            assertThat(c.next(WAIT).getPong().getLastTimestamp()).isEqualTo(7);
            assertThat(server.workers()).singleElement().extracting(WorkerInfo::agentName).isEqualTo("json-agent");
        }
    }

    @Test
    void sendsWebSocketPings() throws Exception {
        try (DevServer pinging = DevServer.builder().port(0).pingInterval(Duration.ofMillis(50)).build().start();
             WsClient c = WsClient.connect(agentUrl(pinging), workerToken(pinging))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (c.pings.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(c.pings.get()).isGreaterThanOrEqualTo(3);
        }
    }

    // ---- bad input: each closes that connection with a reason, the others carry on ----

    @Test
    void closesConnectionsThatBreakTheProtocolAndKeepsServingOthers() throws Exception {
        try (WsClient good = registered(server, JobType.JT_ROOM, "")) {
            byte[] threeMiB = new byte[3 * 1024 * 1024];
            Map<String, java.util.function.Consumer<WsClient>> attacks = new java.util.LinkedHashMap<>();
            attacks.put("cannot parse invalid wire-format data",
                    c -> c.sendBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x01}));
            attacks.put("unimplemented worker signal: UpdateWorker before register", c -> c.send(WorkerMessage.newBuilder()
                    .setUpdateWorker(UpdateWorkerStatus.newBuilder().setLoad(0.1f)).build()));
            attacks.put("unknown worker signal", c -> c.sendBytes(new byte[0]));
            attacks.put("unknown worker signal ", c -> c.sendBytes(new byte[] {(byte) 0xa2, 0x06, 0x00}));
            attacks.put("already registered", c -> {
                c.send(register(JobType.JT_ROOM, "x"));
                c.send(register(JobType.JT_ROOM, "x"));
            });
            attacks.put("unknown job type 7", c -> c.send(WorkerMessage.newBuilder().setRegister(
                    RegisterWorkerRequest.newBuilder().setTypeValue(7)).build()));
            attacks.put("invalid deployment", c -> {
                RegisterWorkerRequest.Builder r = RegisterWorkerRequest.newBuilder();
                io.livekit.agents.devserver.internal.proto.NewerFields.setString(r, 9, "bad_deployment");
                c.send(WorkerMessage.newBuilder().setRegister(r).build());
            });
            attacks.put("invalid protojson", c -> c.sendText("{not json"));
            attacks.put("larger than the 2097152-byte limit", c -> {
                try {
                    c.sendBytes(threeMiB);
                } catch (RuntimeException sendFailedBecauseTheServerClosed) {
                    // fine: the close is what is checked
                }
            });
            attacks.put("no register message within", c -> { });
            for (Map.Entry<String, java.util.function.Consumer<WsClient>> a : attacks.entrySet()) {
                try (WsClient bad = WsClient.connect(agentUrl(server), workerToken(server))) {
                    a.getValue().accept(bad);
                    WsClient.Closed closed = bad.awaitClose(WAIT);
                    String expected = a.getKey().trim();
                    if (a.getKey().startsWith("larger")) {
                        assertThat(closed.code()).isEqualTo(1009);
                    } else {
                        assertThat(closed.code()).as(expected).isBetween(1000, 1015);
                        assertThat(closed.reason()).as("close reason").contains(expected);
                    }
                }
                // the registered worker is unaffected: it still answers and still gets jobs
                good.send(WorkerMessage.newBuilder().setPing(WorkerPing.newBuilder().setTimestamp(5)).build());
                ServerMessage m = good.next(WAIT);
                while (m.getMessageCase() == ServerMessage.MessageCase.AVAILABILITY) {
                    m = good.next(WAIT);
                }
                assertThat(m.getPong().getLastTimestamp()).isEqualTo(5);
            }
            assertThat(rejected).anyMatch(r -> r.contains("no register message within"));
            server.createRoom("still-works");
            assertThat(nextOffer(good).getJob().getRoom().getName()).isEqualTo("still-works");
            assertThat(server.workers()).hasSize(1);
            assertThat(good.closed).isNotDone();
        }
    }

    static WorkerMessage register(JobType type, String agentName) {
        return WorkerMessage.newBuilder().setRegister(RegisterWorkerRequest.newBuilder()
                .setType(type).setAgentName(agentName).setVersion("test")).build();
    }
}
