package io.livekit.agents.devserver;

import io.livekit.agents.internal.auth.LiveKitTokens;
import livekit.LivekitAgent.AvailabilityRequest;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.JobAssignment;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.RegisterWorkerRequest;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.WorkerMessage;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers shared by the dev server's tests. */
public final class TestSupport {

    /** How long any single expectation may take before a test fails (generous: the machine is shared). */
    public static final Duration WAIT = Duration.ofSeconds(15);

    private TestSupport() {
    }

    public static DevServer.Builder quickServer() {
        return DevServer.builder().port(0).pingInterval(Duration.ZERO);
    }

    public static String workerToken(DevServer s) {
        return LiveKitTokens.workerToken(s.apiKey(), s.apiSecret(), Duration.ofMinutes(5));
    }

    public static String token(DevServer s, Map<String, ?> video) {
        return LiveKitTokens.sign(s.apiKey(), s.apiSecret(), null, Map.of("video", video), Duration.ofMinutes(5));
    }

    public static String agentUrl(DevServer s) {
        return s.url() + "/agent";
    }

    /** Connects a raw worker and registers it; returns the connection after the register response. */
    public static WsClient registered(DevServer s, JobType type, String agentName) throws Exception {
        WsClient c = WsClient.connect(agentUrl(s), workerToken(s));
        c.send(WorkerMessage.newBuilder().setRegister(RegisterWorkerRequest.newBuilder()
                .setType(type).setAgentName(agentName).setVersion("test")).build());
        ServerMessage m = c.next(WAIT);
        assertThat(m.getMessageCase()).isEqualTo(ServerMessage.MessageCase.REGISTER);
        assertThat(m.getRegister().getWorkerId()).startsWith("AW_");
        return c;
    }

    public static AvailabilityRequest nextOffer(WsClient c) throws Exception {
        ServerMessage m = c.next(WAIT);
        assertThat(m.getMessageCase()).as("expected an AvailabilityRequest, got %s", m).isEqualTo(ServerMessage.MessageCase.AVAILABILITY);
        return m.getAvailability();
    }

    public static JobAssignment accept(WsClient c, AvailabilityRequest offer, String identity) throws Exception {
        c.send(WorkerMessage.newBuilder().setAvailability(AvailabilityResponse.newBuilder()
                .setJobId(offer.getJob().getId()).setAvailable(true).setParticipantIdentity(identity)).build());
        ServerMessage m = c.next(WAIT);
        assertThat(m.getMessageCase()).as("expected a JobAssignment, got %s", m).isEqualTo(ServerMessage.MessageCase.ASSIGNMENT);
        return m.getAssignment();
    }

    public static void answer(WsClient c, AvailabilityRequest offer, boolean available, boolean terminate) {
        c.send(WorkerMessage.newBuilder().setAvailability(AvailabilityResponse.newBuilder()
                .setJobId(offer.getJob().getId()).setAvailable(available).setTerminate(terminate)).build());
    }

    /** A hand-made HS256 JWT (for tokens our signer refuses to make: no exp, alg none, ...). */
    public static String rawJwt(String headerJson, String payloadJson, String secret) throws Exception {
        java.util.Base64.Encoder e = java.util.Base64.getUrlEncoder().withoutPadding();
        String signingInput = e.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + e.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return signingInput + "." + e.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
    }

    /** A raw HTTP request (for headers the JDK client will not send, like a refused WebSocket upgrade). */
    public record RawResponse(int status, String head, String body) {
    }

    public static RawResponse raw(DevServer s, String requestHead) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", s.port())) {
            sock.setSoTimeout(5000);
            OutputStream out = sock.getOutputStream();
            out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = sock.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            int n;
            while (true) {
                String text = buf.toString(StandardCharsets.UTF_8);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd >= 0) {
                    String headText = text.substring(0, headEnd);
                    int len = 0;
                    boolean head = requestHead.startsWith("HEAD ");
                    for (String line : headText.split("\r\n")) {
                        if (!head && line.toLowerCase().startsWith("content-length:")) {
                            len = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    if (buf.size() >= headEnd + 4 + len) {
                        int status = Integer.parseInt(headText.split(" ")[1]);
                        return new RawResponse(status, headText, text.substring(headEnd + 4, headEnd + 4 + len));
                    }
                }
                n = in.read(b);
                if (n < 0) {
                    throw new AssertionError("connection closed before a full response: " + text);
                }
                buf.write(b, 0, n);
            }
        }
    }

    /** A WebSocket upgrade request for {@code /agent} with extra header lines. */
    public static String upgrade(String path, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + extraHeaders + "\r\n";
    }
}
