package io.livekit.agents.internal.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import io.livekit.agents.AgentException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import livekit.LivekitAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection to a LiveKit server's {@code /agent} endpoint: binary protobuf frames,
 * {@code WorkerMessage} out and {@code ServerMessage} in. Netty answers the server's pings; silence longer than
 * the ping timeout closes the connection, and the worker also watches for answers to its own pings
 * ({@link #sinceLastPong()}), which catches a path that still delivers the server's traffic but loses ours.
 * Listener calls happen on the Netty event loop.
 */
final class AgentConnection {

    /** LiveKit's limit for one agent protocol message. */
    static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(AgentConnection.class);

    /** Receives what the connection sees, on its event loop. */
    interface Listener {
        /** A message arrived. */
        void onMessage(AgentConnection connection, LivekitAgent.ServerMessage message);

        /** The connection closed (called once, after {@link #open} completed successfully). */
        void onClosed(AgentConnection connection, AgentException cause);
    }

    private final Channel channel;
    private final Handler handler;

    private AgentConnection(Channel channel, Handler handler) {
        this.channel = channel;
        this.handler = handler;
    }

    /** {@code <url>/agent} with {@code http(s)} turned into {@code ws(s)}; a base path is kept. */
    static URI agentUri(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("http")) {
                scheme = "ws";
            } else if (scheme.equals("https")) {
                scheme = "wss";
            }
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            if (!path.endsWith("/")) {
                path = path + "/";
            }
            return new URI(scheme + "://" + u.getRawAuthority() + path + "agent");
        } catch (URISyntaxException | RuntimeException e) {
            throw new AgentException(AgentException.Code.INVALID_CONFIGURATION,
                    "cannot build the /agent URL from '" + url + "': " + e.getMessage(), e);
        }
    }

    /**
     * Connects, upgrades with {@code Authorization: Bearer <token>}, and completes when the WebSocket is open,
     * or exceptionally with an {@link AgentException} naming the cause.
     */
    static CompletableFuture<AgentConnection> open(EventLoopGroup group, URI uri, String token,
                                                   Duration connectTimeout, Duration pingTimeout, Listener listener) {
        CompletableFuture<AgentConnection> result = new CompletableFuture<>();
        boolean tls = uri.getScheme().equals("wss");
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
        SslContext ssl;
        try {
            ssl = tls ? SslContextBuilder.forClient().build() : null;
        } catch (SSLException e) {
            result.completeExceptionally(new AgentException(AgentException.Code.CONNECTION_FAILED,
                    "cannot set up TLS for " + uri + ": " + e.getMessage(), e));
            return result;
        }
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(headers)
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                .handshakeTimeoutMillis(connectTimeout.toMillis())
                .dropPongFrames(false)
                .handleCloseFrames(true)
                .build();
        Handler handler = new Handler(uri, listener, result);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        // first, so that every byte read counts as a sign of life
                        p.addLast("idle", new IdleStateHandler(pingTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                        if (ssl != null) {
                            p.addLast("tls", ssl.newHandler(ch.alloc(), host, port));
                        }
                        p.addLast("http", new HttpClientCodec());
                        p.addLast("aggregate", new HttpObjectAggregator(64 * 1024));
                        p.addLast("upgrade-response", new UpgradeResponseRecorder(handler));
                        p.addLast("ws", new WebSocketClientProtocolHandler(config));
                        p.addLast("ws-aggregate", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
                        p.addLast("agent", handler);
                    }
                });
        ChannelFuture connect = b.connect(host, port);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(connectError(uri, f.cause()));
            }
        });
        handler.channelFuture = connect;
        return result;
    }

    private static AgentException connectError(URI uri, Throwable cause) {
        String where = uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : ("wss".equals(uri.getScheme()) ? 443 : 80));
        if (cause instanceof ConnectException) {
            return new AgentException(AgentException.Code.CONNECTION_FAILED, "cannot connect to " + where + " ("
                    + cause.getMessage() + "); is the LiveKit server running and LIVEKIT_URL right?", cause);
        }
        if (cause instanceof UnresolvedAddressException) {
            return new AgentException(AgentException.Code.CONNECTION_FAILED,
                    "cannot resolve the host of " + uri + "; check LIVEKIT_URL", cause);
        }
        return new AgentException(AgentException.Code.CONNECTION_FAILED,
                "cannot connect to " + where + ": " + cause, cause);
    }

    /**
     * Sends a message; failures close the connection (the listener then hears of it).
     *
     * @return completes (never exceptionally) once the message was written to the socket, or failed to be
     */
    CompletableFuture<Void> send(LivekitAgent.WorkerMessage message) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        if (!channel.isActive()) {
            written.complete(null);
            return written;
        }
        ByteBuf buf = Unpooled.wrappedBuffer(message.toByteArray());
        channel.writeAndFlush(new BinaryWebSocketFrame(buf)).addListener(f -> {
            written.complete(null);
            if (!f.isSuccess() && channel.isActive()) {
                handler.fail(new AgentException(AgentException.Code.CONNECTION_FAILED,
                        "cannot send to the server: " + f.cause(), f.cause()));
                channel.close();
            }
        });
        return written;
    }

    /** Notes an answer to a ping (a WebSocket pong, or a {@code WorkerPong} message). */
    void markPong() {
        handler.lastPongNanos = System.nanoTime();
    }

    /** How long since the last answer to a ping (or since the connection opened). */
    Duration sinceLastPong() {
        return Duration.ofNanos(System.nanoTime() - handler.lastPongNanos);
    }

    /** Sends a WebSocket ping frame. */
    void sendPing() {
        if (channel.isActive()) {
            channel.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[]{'l', 'k'})));
        }
    }

    /** Closes with a close frame (1000 and the reason) and then the socket; the listener hears of it. */
    void close(String reason) {
        handler.closeReason(new AgentException(AgentException.Code.CONNECTION_FAILED, "closed by the worker: " + reason));
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, reason))
                    .addListener(f -> channel.close());
            channel.eventLoop().schedule(() -> channel.close(), 2, TimeUnit.SECONDS);
        } else {
            channel.close();
        }
    }

    /** Drops the socket at once, without a close frame. */
    void abort(AgentException cause) {
        handler.closeReason(cause);
        channel.close();
    }

    /** Completes when the socket is closed. */
    CompletableFuture<Void> closeFuture() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        channel.closeFuture().addListener(x -> f.complete(null));
        return f;
    }

    @Override
    public String toString() {
        return "AgentConnection{" + handler.uri + ", " + channel.localAddress() + '}';
    }

    /** Records a non-101 answer to the upgrade, with its body, for the error message. */
    private static final class UpgradeResponseRecorder extends ChannelInboundHandlerAdapter {
        private final Handler handler;

        UpgradeResponseRecorder(Handler handler) {
            this.handler = handler;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof FullHttpResponse) {
                FullHttpResponse r = (FullHttpResponse) msg;
                if (!r.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                    String body = r.content().toString(StandardCharsets.UTF_8).trim();
                    handler.upgradeStatus = r.status();
                    handler.upgradeBody = body.length() > 300 ? body.substring(0, 300) + "…" : body;
                }
            }
            super.channelRead(ctx, msg);
        }
    }

    /** The last handler: frames to messages, handshake and close events to the listener. */
    private static final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        final URI uri;
        final Listener listener;
        final CompletableFuture<AgentConnection> opened;
        final AtomicBoolean closedReported = new AtomicBoolean();
        volatile ChannelFuture channelFuture;
        volatile HttpResponseStatus upgradeStatus;
        volatile String upgradeBody;
        volatile AgentException closeCause;
        volatile AgentConnection connection;
        volatile long lastPongNanos = System.nanoTime();

        Handler(URI uri, Listener listener, CompletableFuture<AgentConnection> opened) {
            this.uri = uri;
            this.listener = listener;
            this.opened = opened;
        }

        void closeReason(AgentException cause) {
            if (closeCause == null) {
                closeCause = cause;
            }
        }

        void fail(AgentException cause) {
            closeReason(cause);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                lastPongNanos = System.nanoTime();
                connection = new AgentConnection(ctx.channel(), this);
                if (!opened.complete(connection)) {
                    ctx.close();
                }
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                opened.completeExceptionally(new AgentException(AgentException.Code.TIMEOUT,
                        "the server did not answer the WebSocket upgrade to " + uri + " in time"));
                ctx.close();
            } else if (evt instanceof IdleStateEvent && ((IdleStateEvent) evt).state() == IdleState.READER_IDLE) {
                AgentException e = new AgentException(AgentException.Code.CONNECTION_FAILED,
                        "no data from the server within the ping timeout; the connection is considered dead");
                if (opened.completeExceptionally(e)) {
                    log.debug("silent server during the upgrade to {}", uri);
                }
                closeReason(e);
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame) {
                LivekitAgent.ServerMessage message;
                try {
                    message = LivekitAgent.ServerMessage.parseFrom(ByteBufUtil.getBytes(frame.content()));
                } catch (InvalidProtocolBufferException e) {
                    closeReason(new AgentException(AgentException.Code.PROTOCOL_ERROR,
                            "the server sent a frame that is not a ServerMessage (" + e.getMessage() + ")", e));
                    ctx.close();
                    return;
                }
                AgentConnection c = connection;
                if (c != null) {
                    listener.onMessage(c, message);
                }
            } else if (frame instanceof PongWebSocketFrame) {
                lastPongNanos = System.nanoTime();
            } else if (frame instanceof TextWebSocketFrame) {
                log.warn("ignoring a text frame from {}; the agent protocol is spoken in binary frames", uri);
            } else if (frame instanceof CloseWebSocketFrame) {
                CloseWebSocketFrame close = (CloseWebSocketFrame) frame;
                closeReason(new AgentException(AgentException.Code.CONNECTION_FAILED, "the server closed the connection ("
                        + close.statusCode() + (close.reasonText().isEmpty() ? "" : " " + close.reasonText()) + ")"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            AgentException e = classify(cause);
            if (!opened.completeExceptionally(e)) {
                closeReason(e);
            }
            ctx.close();
        }

        private AgentException classify(Throwable cause) {
            if (cause instanceof WebSocketClientHandshakeException) {
                HttpResponseStatus status = upgradeStatus;
                if (status == null && ((WebSocketClientHandshakeException) cause).response() != null) {
                    status = ((WebSocketClientHandshakeException) cause).response().status();
                }
                String body = upgradeBody == null || upgradeBody.isEmpty() ? "" : ": " + upgradeBody;
                if (status != null && (status.code() == 401 || status.code() == 403)) {
                    return new AgentException(AgentException.Code.UNAUTHENTICATED, "the server refused the worker's token ("
                            + status + body + "); check LIVEKIT_API_KEY and LIVEKIT_API_SECRET: the key must be "
                            + "configured on the server and the secret must be its secret", cause);
                }
                if (status != null && status.code() == 404) {
                    return new AgentException(AgentException.Code.CONNECTION_FAILED, "no agent endpoint at " + uri
                            + " (404" + body + "); is LIVEKIT_URL the address of a LiveKit server?", cause);
                }
                return new AgentException(AgentException.Code.CONNECTION_FAILED, "the WebSocket upgrade to " + uri
                        + " failed (" + (status != null ? status.toString() : cause.getMessage()) + body + ")", cause);
            }
            if (cause instanceof CorruptedWebSocketFrameException) {
                return new AgentException(AgentException.Code.PROTOCOL_ERROR, "the server sent a malformed or oversized "
                        + "WebSocket frame (the limit is " + MAX_MESSAGE_BYTES + " bytes): " + cause.getMessage(), cause);
            }
            if (cause instanceof AgentException) {
                return (AgentException) cause;
            }
            return new AgentException(AgentException.Code.CONNECTION_FAILED,
                    "connection to " + uri + " failed: " + cause, cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            AgentException cause = closeCause != null ? closeCause
                    : new AgentException(AgentException.Code.CONNECTION_FAILED, "the server closed the connection");
            if (!opened.completeExceptionally(cause) && connection != null && closedReported.compareAndSet(false, true)) {
                listener.onClosed(connection, cause);
            }
            super.channelInactive(ctx);
        }
    }
}
