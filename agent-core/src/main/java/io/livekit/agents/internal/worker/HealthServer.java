package io.livekit.agents.internal.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.agents.AgentException;
import io.livekit.agents.AgentsVersion;
import io.livekit.agents.JobType;
import io.livekit.agents.WorkerStatus;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The worker's health and info HTTP server ({@code GET}/{@code HEAD} on {@code /}, {@code /ready} and
 * {@code /worker}; the contract is documented on {@code WorkerOptions}).
 *
 * <p>Connections live on the worker's Netty event loop group. Each answer is built from a {@link Snapshot} taken on
 * the worker's own thread (the executor given to {@link #start}), so a worker thread that is stuck shows as 503
 * after {@link #ANSWER_TIMEOUT}, as a blocked event loop makes LiveKit's Python worker fail its probe. Answers on
 * one connection go out in the order of the requests, even when pipelined. Nothing here runs on job or decision
 * threads, and no request can do more than read the snapshot.
 */
final class HealthServer {

    /** How long the worker's thread may take to hand over a snapshot before the answer is 503. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);
    /** The protocol version LiveKit's workers report in {@code /worker}. */
    static final int WORKER_PROTOCOL_VERSION = 1;

    static final int MAX_REQUEST_LINE = 4096;
    static final int MAX_HEADERS = 8192;
    static final int MAX_BODY = 4096;
    /** Requests one connection may have waiting for their answers; more closes the connection. */
    static final int MAX_PIPELINED = 16;
    /** A connection silent this long is closed. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALLOW = "GET, HEAD";

    /** What the endpoints report, taken on the worker's thread. {@code workerId} and {@code failure} may be null. */
    record Snapshot(WorkerStatus status, String workerId, String failure, String agentName, JobType jobType,
                    int activeJobs, double load) {
    }

    private enum Endpoint { LIVENESS, READINESS, INFO }

    private final Channel server;
    private final InetSocketAddress address;
    private final Set<Channel> connections;

    private HealthServer(Channel server, Set<Channel> connections) {
        this.server = server;
        this.address = (InetSocketAddress) server.localAddress();
        this.connections = connections;
    }

    /**
     * Binds the port, waiting for the bind.
     *
     * @param group         the event loop group the connections live on
     * @param host          the host name or address to listen on; null for all interfaces
     * @param port          the port; 0 for any free one
     * @param workerThread  runs the snapshot supplier (the worker's thread); rejecting means the worker has stopped
     * @param snapshot      reads the worker's state; called on {@code workerThread} only
     * @param answerTimeout how long {@code workerThread} may take to run it
     * @throws AgentException {@link AgentException.Code#INVALID_CONFIGURATION} naming the address and the fix when
     *                        the port cannot be bound
     */
    static HealthServer start(EventLoopGroup group, String host, int port, Executor workerThread,
                              Supplier<Snapshot> snapshot, Duration answerTimeout) {
        InetSocketAddress bindTo = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        String where = (host == null ? "all interfaces" : host) + " port " + port;
        if (bindTo.isUnresolved()) {
            throw new AgentException(AgentException.Code.INVALID_CONFIGURATION, "the health server cannot listen on "
                    + where + ": the host name '" + host + "' does not resolve; fix WorkerOptions.Builder.healthHost(...)");
        }
        Set<Channel> connections = ConcurrentHashMap.newKeySet();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> connections.remove(ch));
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                                .addLast("http", new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADERS, MAX_BODY))
                                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
                                .addLast("health", new Handler(workerThread, snapshot, answerTimeout));
                    }
                });
        ChannelFuture bound = b.bind(bindTo);
        boolean done = bound.awaitUninterruptibly(10, TimeUnit.SECONDS);
        if (!done || !bound.isSuccess()) {
            bound.channel().close();
            Throwable cause = done ? bound.cause() : null;
            throw new AgentException(AgentException.Code.INVALID_CONFIGURATION, "the health server cannot listen on "
                    + where + ": " + (cause == null ? "the bind did not complete within 10 s" : cause.getMessage())
                    + " (is another process or worker using the port? choose another with "
                    + "WorkerOptions.Builder.healthPort(...), 0 for any free port, or disableHealthServer())", cause);
        }
        return new HealthServer(bound.channel(), connections);
    }

    /** The bound address (the chosen port when 0 was asked for). */
    InetSocketAddress address() {
        return address;
    }

    /**
     * Closes the port and every open connection; returns once the channel is closed (at most 5 s). NIO releases the
     * port itself when the event loop's selector next lets go of the socket, at the latest when the group ends (the
     * worker waits for that). Must not be called on an event loop of the group. Idempotent.
     */
    void close() {
        ChannelFuture closed = server.close();
        for (Channel c : connections) {
            c.close();
        }
        if (!closed.awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            log.warn("the health server's port {} did not close within 5 s", address.getPort());
        }
    }

    // ---------------------------------------------------------------- answers (pure, for any thread)

    static FullHttpResponse liveness(Snapshot s) {
        if (s.failure() != null) {
            return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "failed: " + s.failure());
        }
        if (s.status() == WorkerStatus.STOPPED) {
            return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "stopped");
        }
        return text(HttpResponseStatus.OK, "OK");
    }

    static FullHttpResponse readiness(Snapshot s) {
        if (s.failure() != null) {
            return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "failed: " + s.failure());
        }
        if (s.status().isReady()) {
            return text(HttpResponseStatus.OK, "OK");
        }
        String why;
        switch (s.status()) {
            case INITIALIZING:
                why = "not registered with the LiveKit server yet";
                break;
            case DISCONNECTED:
                why = "the connection to the LiveKit server was lost; reconnecting";
                break;
            case DRAINING:
                why = "taking no new jobs, waiting for running ones to end";
                break;
            default:
                why = "the worker has stopped";
        }
        return text(HttpResponseStatus.SERVICE_UNAVAILABLE, s.status().name().toLowerCase(Locale.ROOT) + ": " + why);
    }

    static FullHttpResponse info(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent_name", s.agentName());
        m.put("worker_type", Protos.jobType(s.jobType()).name());
        m.put("active_jobs", s.activeJobs());
        m.put("sdk_version", AgentsVersion.get());
        m.put("worker_load", s.load());
        m.put("protocol_version", WORKER_PROTOCOL_VERSION);
        m.put("worker_id", s.workerId());
        m.put("status", s.status().name());
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot encode the worker info: " + e.getMessage());
        }
        return response(HttpResponseStatus.OK, "application/json", body);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, "text/plain; charset=utf-8", (body + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return r;
    }

    /** The path of a request target (origin form {@code /x?y} or absolute form {@code http://h/x}); null if malformed. */
    static String path(String target) {
        if (target.startsWith("/")) {
            int q = target.indexOf('?');
            int h = target.indexOf('#');
            int end = q < 0 ? h : h < 0 ? q : Math.min(q, h);
            return end < 0 ? target : target.substring(0, end);
        }
        try {
            URI u = new URI(target);
            if (u.isAbsolute() && u.getRawPath() != null) {
                return u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            }
        } catch (java.net.URISyntaxException e) {
            // falls through
        }
        return null;
    }

    // ---------------------------------------------------------------- one connection (on its event loop)

    /** One per connection; every method runs on the connection's event loop. */
    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Executor workerThread;
        private final Supplier<Snapshot> snapshot;
        private final Duration answerTimeout;
        /** Requests waiting for their answer, oldest first. */
        private final ArrayDeque<Slot> pending = new ArrayDeque<>();
        private ChannelHandlerContext ctx;

        private static final class Slot {
            final boolean keepAlive;
            final boolean head;
            /** Answered, or dropped with the connection: later answers are discarded. */
            boolean settled;
            FullHttpResponse response;
            ScheduledFuture<?> timer;

            Slot(boolean keepAlive, boolean head) {
                this.keepAlive = keepAlive;
                this.head = head;
            }
        }

        Handler(Executor workerThread, Supplier<Snapshot> snapshot, Duration answerTimeout) {
            this.workerThread = workerThread;
            this.snapshot = snapshot;
            this.answerTimeout = answerTimeout;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!req.decoderResult().isSuccess()) {
                Throwable cause = req.decoderResult().cause();
                HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
                        ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                        : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                        : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                        : HttpResponseStatus.BAD_REQUEST;
                log.debug("health server: bad request from {}: {}", ctx.channel().remoteAddress(), String.valueOf(cause));
                Slot slot = enqueue(false, false);
                if (slot != null) {
                    answer(slot, text(status, "bad request: " + (cause == null ? "malformed" : cause.getMessage())));
                }
                return;
            }
            boolean head = HttpMethod.HEAD.equals(req.method());
            Slot slot = enqueue(HttpUtil.isKeepAlive(req), head);
            if (slot == null) {
                return;
            }
            String path = path(req.uri());
            Endpoint endpoint = path == null ? null
                    : path.equals("/") ? Endpoint.LIVENESS
                    : path.equals("/ready") ? Endpoint.READINESS
                    : path.equals("/worker") ? Endpoint.INFO
                    : null;
            if (endpoint == null) {
                answer(slot, text(HttpResponseStatus.NOT_FOUND, "not found; the worker serves /, /ready and /worker"));
            } else if (!head && !HttpMethod.GET.equals(req.method())) {
                FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed; use GET or HEAD");
                r.headers().set(HttpHeaderNames.ALLOW, ALLOW);
                answer(slot, r);
            } else {
                askWorker(slot, endpoint);
            }
        }

        /** A place in the answer order; null (and the connection closing) when too many requests are waiting. */
        private Slot enqueue(boolean keepAlive, boolean head) {
            if (pending.size() >= MAX_PIPELINED) {
                log.debug("health server: more than {} pipelined requests from {}; closing", MAX_PIPELINED,
                        ctx.channel().remoteAddress());
                ctx.close();
                return null;
            }
            Slot slot = new Slot(keepAlive, head);
            pending.add(slot);
            return slot;
        }

        private void askWorker(Slot slot, Endpoint endpoint) {
            slot.timer = ctx.executor().schedule(() -> answer(slot, text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "the worker's thread did not answer within " + answerTimeout.toMillis() + " ms")),
                    answerTimeout.toNanos(), TimeUnit.NANOSECONDS);
            try {
                workerThread.execute(() -> {
                    FullHttpResponse r;
                    try {
                        Snapshot s = snapshot.get();
                        r = endpoint == Endpoint.LIVENESS ? liveness(s)
                                : endpoint == Endpoint.READINESS ? readiness(s) : info(s);
                    } catch (RuntimeException e) {
                        r = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot read the worker's state: " + e);
                    }
                    FullHttpResponse answer = r;
                    try {
                        ctx.executor().execute(() -> answer(slot, answer));
                    } catch (RejectedExecutionException e) {
                        answer.release();   // the event loop is gone, and the connection with it
                    }
                });
            } catch (RejectedExecutionException e) {
                answer(slot, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "stopped: the worker has stopped"));
            }
        }

        /** Settles a request (the first answer wins) and writes every answer that is now due, in order. */
        private void answer(Slot slot, FullHttpResponse response) {
            if (slot.settled || !ctx.channel().isActive()) {
                response.release();
                return;
            }
            slot.settled = true;
            if (slot.timer != null) {
                slot.timer.cancel(false);
            }
            slot.response = response;
            boolean wrote = false;
            while (!pending.isEmpty() && pending.peek().response != null) {
                Slot s = pending.poll();
                FullHttpResponse r = s.response;
                if (s.head) {
                    // same status and headers (Content-Length included), no body
                    r = r.replace(Unpooled.EMPTY_BUFFER);
                    s.response.release();
                }
                r.headers().set(HttpHeaderNames.CONNECTION, s.keepAlive ? HttpHeaderValues.KEEP_ALIVE
                        : HttpHeaderValues.CLOSE);
                if (!s.keepAlive) {
                    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                    dropPending();
                    return;
                }
                ctx.write(r);
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
        }

        private void dropPending() {
            for (Slot s : pending) {
                s.settled = true;
                if (s.timer != null) {
                    s.timer.cancel(false);
                }
                if (s.response != null) {
                    s.response.release();
                    s.response = null;
                }
            }
            pending.clear();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            dropPending();
            super.channelInactive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("health server: closing the connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
