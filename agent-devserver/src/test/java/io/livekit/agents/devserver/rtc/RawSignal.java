package io.livekit.agents.devserver.rtc;

import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.devserver.WsClient;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A raw signalling client for the dev server's {@code /rtc} (the JDK's WebSocket, no WebRTC): sends any request or
 * bytes, and reads responses, skipping the ones a test does not ask for (trickles, offers, speaker updates).
 */
final class RawSignal implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    final WsClient ws;
    /** Responses read so far, in order (including skipped ones). */
    final List<SignalResponse> seen = new ArrayList<>();

    private RawSignal(WsClient ws) {
        this.ws = ws;
    }

    /** Connects to {@code /rtc?<query>} with the token in the Authorization header. */
    static RawSignal connect(DevServer server, String token, String query) throws Exception {
        return new RawSignal(WsClient.connect(server.url() + "/rtc?" + query, token));
    }

    /** Connects with the token as the access_token query parameter only. */
    static RawSignal connectWithQueryToken(DevServer server, String token, String query) throws Exception {
        return new RawSignal(WsClient.connect(server.url() + "/rtc?access_token=" + token + "&" + query, null));
    }

    void send(SignalRequest r) {
        ws.sendBytes(r.toByteArray());
    }

    /** The next response of any kind. */
    SignalResponse next(Duration timeout) throws Exception {
        Object o = ws.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new TimeoutException("no signal response within " + timeout
                    + (ws.closed.isDone() ? "; closed: " + ws.closed.get() : "") + "; seen " + kinds());
        }
        if (!(o instanceof byte[] b)) {
            throw new AssertionError("expected a binary signal response, got " + o);
        }
        SignalResponse r = SignalResponse.parseFrom(b);
        seen.add(r);
        return r;
    }

    /** The next response of {@code kind}, skipping others. */
    SignalResponse next(SignalResponse.MessageCase kind) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("no " + kind + " within " + WAIT + "; seen " + kinds());
            }
            SignalResponse r = next(Duration.ofNanos(left));
            if (r.getMessageCase() == kind) {
                return r;
            }
        }
    }

    List<SignalResponse.MessageCase> kinds() {
        return seen.stream().map(SignalResponse::getMessageCase).toList();
    }

    WsClient.Closed awaitClose() throws Exception {
        return ws.awaitClose(WAIT);
    }

    @Override
    public void close() {
        ws.close();
    }
}
