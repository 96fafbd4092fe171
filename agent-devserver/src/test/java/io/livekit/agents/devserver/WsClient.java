package io.livekit.agents.devserver;

import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.WorkerMessage;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw WebSocket client for tests (the JDK's own client, an implementation independent of the server): sends
 * whatever bytes a test wants and records every message, ping and the close.
 */
public final class WsClient implements WebSocket.Listener, AutoCloseable {

    /** How the connection ended. */
    public record Closed(int code, String reason, Throwable error) {
    }

    /** A refused upgrade. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String body;

        Refused(int status, String body) {
            super("HTTP " + status + ": " + body);
            this.status = status;
            this.body = body;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    public final CompletableFuture<Closed> closed = new CompletableFuture<>();
    public final AtomicInteger pings = new AtomicInteger();
    private final ByteArrayOutputStream partialBinary = new ByteArrayOutputStream();
    private final StringBuilder partialText = new StringBuilder();
    private WebSocket ws;

    private WsClient() {
    }

    /** Connects with an {@code Authorization: Bearer} header ({@code token == null}: none). */
    public static WsClient connect(String url, String token) throws Refused, Exception {
        WsClient c = new WsClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            c.ws = b.buildAsync(URI.create(url), c).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ce && ce.getCause() != null
                    ? ce.getCause() : e.getCause();
            if (cause instanceof WebSocketHandshakeException h) {
                Object body = h.getResponse().body();
                throw new Refused(h.getResponse().statusCode(), body == null ? "" : body.toString());
            }
            throw e;
        }
        return c;
    }

    public void send(WorkerMessage m) {
        sendBytes(m.toByteArray());
    }

    public void sendBytes(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    public void sendText(String text) {
        ws.sendText(text, true).join();
    }

    /** The next protobuf server message; fails on timeout or anything else. */
    public ServerMessage next(Duration timeout) throws Exception {
        Object o = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new TimeoutException("no message within " + timeout + (closed.isDone() ? "; closed: " + closed.get() : ""));
        }
        if (o instanceof byte[] b) {
            return ServerMessage.parseFrom(b);
        }
        throw new AssertionError("expected a binary message, got " + o);
    }

    /** The next text message. */
    public String nextText(Duration timeout) throws Exception {
        Object o = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o instanceof String s) {
            return s;
        }
        throw new AssertionError("expected a text message, got " + o);
    }

    /** Nothing arrives for {@code d}. */
    public void expectSilence(Duration d) throws Exception {
        Object o = received.poll(d.toMillis(), TimeUnit.MILLISECONDS);
        if (o != null) {
            throw new AssertionError("expected no message, got " + (o instanceof byte[] b ? ServerMessage.parseFrom(b) : o));
        }
    }

    public Closed awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partialBinary.writeBytes(b);
        if (last) {
            received.add(partialBinary.toByteArray());
            partialBinary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partialText.append(data);
        if (last) {
            received.add(partialText.toString());
            partialText.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.incrementAndGet();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason, null));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(-1, "", error));
    }

    @Override
    public void close() {
        if (ws != null && !ws.isOutputClosed()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // already gone
            }
        }
        if (ws != null) {
            ws.abort();
        }
    }
}
