package io.livekit.agents.devserver;

import io.livekit.agents.devserver.internal.Ids;
import io.livekit.agents.devserver.internal.agent.AgentRoute;
import io.livekit.agents.devserver.internal.auth.RequestAuth;
import io.livekit.agents.devserver.internal.dispatch.DispatchSettings;
import io.livekit.agents.devserver.internal.dispatch.Dispatcher;
import io.livekit.agents.devserver.internal.http.HttpResponses;
import io.livekit.agents.devserver.internal.http.HttpServer;
import io.livekit.agents.devserver.internal.http.Router;
import io.livekit.agents.devserver.internal.rtc.RtcMedia;
import io.livekit.agents.devserver.internal.rtc.RtcRoom;
import io.livekit.agents.devserver.internal.rtc.RtcRoute;
import io.livekit.agents.devserver.internal.rtc.RtcSettings;
import io.livekit.agents.devserver.internal.twirp.LiveKitServices;
import io.livekit.agents.devserver.internal.twirp.TwirpRoute;
import io.livekit.agents.internal.auth.LiveKitTokens;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitAgentDispatch.CreateAgentDispatchRequest;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import livekit.LivekitModels.ServerInfo;
import livekit.LivekitRoom.CreateRoomRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * An embedded LiveKit-compatible server for development and tests: the {@code /agent} worker endpoint with
 * LiveKit's dispatch rules, {@code /rtc} rooms with media that LiveKit's own clients join (small rooms: every track
 * is forwarded through webrtc-java), Twirp {@code RoomService} and {@code AgentDispatchService}, and LiveKit's token
 * checks.
 * It follows the behaviour of LiveKit's open-source server (see {@link DispatchMode} for the deadlines).
 *
 * <pre>{@code
 * try (DevServer server = DevServer.builder().port(0).build().start()) {
 *     // point a worker at server.url() with server.apiKey() / server.apiSecret()
 *     String dispatchId = server.createDispatch("my-room", "my-agent", "{\"hello\":1}");
 *     List<AgentDispatch> dispatches = server.listDispatches("my-room");
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} binds the port; {@link #stop()} closes the port and every connection (workers and
 * room participants see the server go away, as when a real server restarts) but keeps rooms and dispatches, so
 * {@link #start()} can run again on the same port; {@link #close()} ends it for good. Rooms and dispatches live in
 * memory only.
 *
 * <p>Media: room clients reach the server's WebRTC host candidates, which are the machine's non-loopback
 * addresses (libwebrtc ignores loopback interfaces). {@link Builder#bind} only sets where the HTTP and signalling
 * port listens.
 *
 * <p>Thread safety: all methods may be called from any thread. The in-process control methods
 * ({@link #createRoom(String)}, {@link #createDispatch(String, String, String)}, ...) wait for the server's dispatch
 * thread and behave like the Twirp calls of the same name, minus the token checks.
 */
public final class DevServer implements AutoCloseable {

    /** The API key of {@code livekit-server --dev}. */
    public static final String DEV_API_KEY = "devkey";
    /** The API secret of {@code livekit-server --dev}. */
    public static final String DEV_API_SECRET = "secret";
    /** LiveKit's default port. */
    public static final int DEFAULT_PORT = 7880;
    /** The address {@code livekit-server --dev} binds. */
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** The LiveKit server version whose behaviour the dev server follows, reported in {@code ServerInfo}. */
    public static final String COMPATIBLE_SERVER_VERSION = "1.13.5";
    /** The largest worker message and request body accepted by default: LiveKit's 2 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(DevServer.class);

    private final String bind;
    private final int requestedPort;
    private final Map<String, String> keys;
    private final Dispatcher dispatcher;
    private final RtcMedia media = new RtcMedia();
    private final HttpServer http;
    private int boundPort;
    private boolean running;
    private boolean closed;

    private DevServer(Builder b) {
        this.bind = b.bind;
        this.requestedPort = b.port;
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(b.keys));
        Duration availability = b.availabilityTimeout != null ? b.availabilityTimeout
                : b.mode == DispatchMode.STRICT_OSS ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
        ServerInfo info = ServerInfo.newBuilder()
                .setEdition(ServerInfo.Edition.Standard)
                .setVersion(COMPATIBLE_SERVER_VERSION)
                .setProtocol(17)
                .setAgentProtocol(1)
                .setNodeId(Ids.next(Ids.NODE))
                .setDebugInfo("agent-devserver (LiveKit Agents for the JVM), dispatch mode " + b.mode)
                .build();
        RtcSettings rtc = new RtcSettings(info, 5, 15, b.participantTimeout, b.maxMessageBytes);
        this.dispatcher = new Dispatcher(new DispatchSettings(b.mode, availability, Duration.ofSeconds(10),
                b.registerTimeout, b.targetLoad, b.roomEmptyTimeout, b.roomDepartureTimeout, b.autoCreateRooms, info),
                media, rtc);
        b.listeners.forEach(dispatcher::addListener);
        RequestAuth auth = new RequestAuth(keys);
        Router router = new Router()
                .exact("/", (ctx, req, path) -> {
                    if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
                        HttpResponses.text(ctx, HttpUtil.isKeepAlive(req), HttpResponseStatus.METHOD_NOT_ALLOWED,
                                "method not allowed");
                        return;
                    }
                    HttpResponses.send(ctx, HttpUtil.isKeepAlive(req), HttpResponseStatus.OK,
                            "text/plain; charset=utf-8", Unpooled.copiedBuffer("OK", StandardCharsets.UTF_8),
                            HttpMethod.HEAD.equals(req.method()));
                })
                .exact("/agent", new AgentRoute(dispatcher, auth, b.pingInterval, b.maxMessageBytes))
                .prefix(TwirpRoute.PREFIX, new TwirpRoute(auth)
                        .add(LiveKitServices.roomService(dispatcher))
                        .add(LiveKitServices.agentDispatchService(dispatcher)));
        RtcRoute rtcRoute = new RtcRoute(dispatcher, auth, media, rtc);
        RtcRoute.PATHS.forEach(path -> router.exact(path, rtcRoute));
        this.http = new HttpServer(router, b.maxMessageBytes);
        keys.forEach((k, s) -> {
            if (LiveKitTokens.isWeakSecret(s)) {
                LOG.warn("the API secret of key '{}' is shorter than 32 bytes: fine for local development, but use a"
                        + " long random secret anywhere else", k);
            }
        });
    }

    /** A builder with the {@code livekit-server --dev} defaults: 127.0.0.1:7880, key {@code devkey}, secret {@code secret}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts serving. After {@link #stop()} it binds the same port again (an ephemeral port
     * chosen by the first start is kept). Does nothing when already running.
     *
     * @return this server
     * @throws DevServerException UNAVAILABLE when closed or when the port cannot be bound (the message says why)
     */
    public synchronized DevServer start() {
        if (closed) {
            throw new DevServerException(DevServerException.Code.UNAVAILABLE, "the dev server is closed; build a new one");
        }
        if (running) {
            return this;
        }
        int port = boundPort > 0 ? boundPort : requestedPort;
        try {
            boundPort = http.start(bind, port).getPort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevServerException(DevServerException.Code.UNAVAILABLE, "interrupted while binding " + bind + ":" + port);
        } catch (RuntimeException e) {
            throw new DevServerException(DevServerException.Code.UNAVAILABLE, "cannot listen on " + bind + ":" + port
                    + ": " + e.getMessage() + " (is another server using the port? choose another with port(...)"
                    + " or --port, or 0 for any free port)", e);
        }
        running = true;
        LOG.info("LiveKit dev server listening on {} (http {}), API key '{}', dispatch mode {}", url(), httpUrl(),
                apiKey(), dispatcher.settings().mode());
        return this;
    }

    /**
     * Stops serving: closes the port and every connection, as a server restart does. Workers lose their connection
     * and their running jobs are dropped from the server (as LiveKit's server does); rooms and dispatches are kept
     * for the next {@link #start()}. Does nothing when not running.
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            dispatcher.closeAll("the dev server is stopping");
        } catch (DevServerException e) {
            LOG.debug("closing worker connections: {}", e.getMessage());
        }
        closeLiveRooms();
        http.stop();
        LOG.info("LiveKit dev server on port {} stopped", boundPort);
    }

    /** {@link #stop()} then {@link #start()} on the same port. */
    public synchronized DevServer restart() {
        stop();
        return start();
    }

    /** Stops the server and releases its threads. It cannot be started again. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        closeLiveRooms(); // rooms joined after the last stop
        dispatcher.shutdown();
        media.close();
    }

    /** Closes every live room as a restarting server loses them (no Leave), and waits for their connections. */
    private void closeLiveRooms() {
        List<RtcRoom> live;
        try {
            live = dispatcher.call(dispatcher::detachLiveRooms);
        } catch (DevServerException e) {
            LOG.debug("detaching live rooms: {}", e.getMessage());
            return;
        }
        List<CompletableFuture<Void>> closing = live.stream().map(r -> r.close(null)).toList();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("live rooms did not close within 10 s: {}", e.toString());
        }
    }

    /** Whether the server is listening. */
    public synchronized boolean isRunning() {
        return running;
    }

    /**
     * The port: the bound one once started (kept across {@link #stop()}), else the configured one.
     *
     * @throws IllegalStateException when an ephemeral port was asked for and the server never started
     */
    public synchronized int port() {
        if (boundPort > 0) {
            return boundPort;
        }
        if (requestedPort == 0) {
            throw new IllegalStateException("the dev server was built with port 0 and has not started: call start() first");
        }
        return requestedPort;
    }

    /** The address the server binds. */
    public String bind() {
        return bind;
    }

    /** The URL workers and room clients use: {@code ws://host:port}. */
    public String url() {
        return "ws://" + urlHost() + ":" + port();
    }

    /** The URL of the HTTP APIs (Twirp): {@code http://host:port}. */
    public String httpUrl() {
        return "http://" + urlHost() + ":" + port();
    }

    /** The first configured API key ({@code devkey} by default). */
    public String apiKey() {
        return keys.keySet().iterator().next();
    }

    /** The secret of {@link #apiKey()} ({@code secret} by default). */
    public String apiSecret() {
        return keys.get(apiKey());
    }

    /**
     * A room token for a participant (a simulated user in a test or an example): signed with {@link #apiKey()}'s
     * secret, valid for one hour, granting {@code roomJoin} to {@code room} with LiveKit's default permissions
     * (publish, subscribe, publish data), {@code name} = {@code identity}. For other grants, mint the token with
     * LiveKit's own tools.
     *
     * @param room     the room to join (created on join when it does not exist)
     * @param identity the participant's identity, not empty
     */
    public String participantToken(String room, String identity) {
        Objects.requireNonNull(room, "room");
        if (identity == null || identity.isEmpty()) {
            throw new IllegalArgumentException("a participant token needs a non-empty identity");
        }
        return LiveKitTokens.sign(apiKey(), apiSecret(), identity,
                Map.of("name", identity, "video", Map.of("roomJoin", true, "room", room)), Duration.ofHours(1));
    }

    /** Every configured API key and its secret, in the order added. */
    public Map<String, String> keys() {
        return keys;
    }

    /** The dispatch mode. */
    public DispatchMode dispatchMode() {
        return dispatcher.settings().mode();
    }

    private String urlHost() {
        String h = bind;
        if (h.equals("0.0.0.0") || h.isEmpty()) {
            return "127.0.0.1";
        }
        if (h.equals("::") || h.equals("[::]")) {
            return "[::1]";
        }
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    // ------------------------------------------------------------------------------------------------
    // In-process control (as the Twirp methods of the same name, without token checks)
    // ------------------------------------------------------------------------------------------------

    /**
     * Creates a room with LiveKit's automatic dispatch: room jobs go to workers registered without an agent name.
     * Returns the existing room unchanged if there is one.
     *
     * @throws DevServerException INVALID_ARGUMENT for an empty or too long name
     */
    public Room createRoom(String name) {
        Objects.requireNonNull(name, "name");
        return createRoom(CreateRoomRequest.newBuilder().setName(name).build());
    }

    /**
     * Creates a room as RoomService.CreateRoom does: with the dispatches of {@code request.agents}, or the
     * automatic dispatch when it lists none. Room jobs are offered at once.
     *
     * @throws DevServerException INVALID_ARGUMENT for an empty name or a bad deployment
     */
    public Room createRoom(CreateRoomRequest request) {
        Objects.requireNonNull(request, "request");
        return dispatcher.call(() -> dispatcher.createRoom(request));
    }

    /** Every room. */
    public List<Room> listRooms() {
        return dispatcher.call(() -> dispatcher.listRooms(List.of()));
    }

    /**
     * Deletes a room. Every running job of the room gets {@code JobTermination} and ends as
     * {@code JS_FAILED "agent worker left the room"}, as LiveKit's server records it when it removes the agents.
     *
     * @throws DevServerException NOT_FOUND when there is no such room
     */
    public void deleteRoom(String name) {
        Objects.requireNonNull(name, "name");
        dispatcher.call(() -> {
            dispatcher.deleteRoom(name);
            return null;
        });
    }

    /**
     * Dispatches an agent to a room, as AgentDispatchService.CreateDispatch: creates the room if needed (with its
     * automatic dispatch, as LiveKit does), then offers a room job to the workers registered with
     * {@code agentName}. The offer runs in the background; this returns as soon as the dispatch exists.
     *
     * @param room      the room name
     * @param agentName the agent name workers registered with ({@code ""} for unnamed workers)
     * @param metadata  the job metadata ({@code ""} for none)
     * @return the dispatch id ({@code AD_...})
     */
    public String createDispatch(String room, String agentName, String metadata) {
        return createDispatch(CreateAgentDispatchRequest.newBuilder()
                .setRoom(Objects.requireNonNull(room, "room"))
                .setAgentName(Objects.requireNonNull(agentName, "agentName"))
                .setMetadata(metadata == null ? "" : metadata)
                .build()).getId();
    }

    /** {@link #createDispatch(String, String, String)} with every field of the request. */
    public AgentDispatch createDispatch(CreateAgentDispatchRequest request) {
        Objects.requireNonNull(request, "request");
        return dispatcher.call(() -> dispatcher.createDispatch(request));
    }

    /**
     * Deletes a dispatch, as AgentDispatchService.DeleteDispatch: its running jobs get {@code JobTermination} and
     * end as {@code JS_SUCCESS}.
     *
     * @return the deleted dispatch, with its jobs' final states
     * @throws DevServerException NOT_FOUND when the room or the dispatch does not exist
     */
    public AgentDispatch deleteDispatch(String room, String dispatchId) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(dispatchId, "dispatchId");
        return dispatcher.call(() -> dispatcher.deleteDispatch(room, dispatchId));
    }

    /**
     * The room's dispatches with their jobs and the jobs' current states ({@code JS_RUNNING} from assignment,
     * then what the worker reports). Note: LiveKit's server shows the state at assignment here until the dispatch
     * is deleted; the dev server shows the live state.
     *
     * @throws DevServerException NOT_FOUND when there is no such room
     */
    public List<AgentDispatch> listDispatches(String room) {
        Objects.requireNonNull(room, "room");
        return dispatcher.call(() -> dispatcher.listDispatches(room, ""));
    }

    /** The participants of a room (none when it does not exist), as RoomService.ListParticipants. */
    public List<ParticipantInfo> listParticipants(String room) {
        Objects.requireNonNull(room, "room");
        return dispatcher.call(() -> dispatcher.listParticipants(room));
    }

    /**
     * Removes a participant from a room, as RoomService.RemoveParticipant: it gets Leave {@code PARTICIPANT_REMOVED}
     * and its client disconnects.
     *
     * @throws DevServerException NOT_FOUND when the room or the participant does not exist
     */
    public void removeParticipant(String room, String identity) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(identity, "identity");
        await(dispatcher.call(() -> dispatcher.liveRoom(room))
                .removeParticipant(identity, DisconnectReason.PARTICIPANT_REMOVED));
    }

    /**
     * Sends a data packet to a room's participants, as RoomService.SendData, on the reliable channel.
     *
     * @param topic        the topic, or {@code null}
     * @param destinations the identities to send to; none means everyone
     * @throws DevServerException NOT_FOUND when nobody is in the room
     */
    public void sendData(String room, byte[] payload, String topic, List<String> destinations) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(payload, "payload");
        await(dispatcher.call(() -> dispatcher.liveRoom(room)).sendData(payload, true, topic,
                destinations == null ? List.of() : List.copyOf(destinations), List.of(),
                com.google.protobuf.ByteString.EMPTY));
    }

    /** Drops the signalling connections of a participant without a leave, as a network failure would (tests). */
    int dropSignalConnection(String room, String identity) {
        return await(dispatcher.call(() -> dispatcher.liveRoom(room)).dropSignal(identity));
    }

    /** Forgets a participant as a restarted server would: its connection drops and its resume is declined (tests). */
    int forgetParticipant(String room, String identity) {
        return await(dispatcher.call(() -> dispatcher.liveRoom(room)).forget(identity));
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DevServerException d) {
                throw d;
            }
            throw new DevServerException(DevServerException.Code.INTERNAL, "dev server failure: " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new DevServerException(DevServerException.Code.DEADLINE_EXCEEDED, "the room did not answer within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevServerException(DevServerException.Code.UNAVAILABLE, "interrupted while waiting for the room");
        }
    }

    /** The registered workers, in registration order. */
    public List<WorkerInfo> workers() {
        return dispatcher.call(dispatcher::workers);
    }

    /**
     * Waits until a registered worker matches {@code condition}.
     *
     * @return the first matching worker
     * @throws DevServerException DEADLINE_EXCEEDED after {@code timeout}, naming the workers seen
     */
    public WorkerInfo awaitWorker(Predicate<WorkerInfo> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<WorkerInfo> now = workers();
            for (WorkerInfo w : now) {
                if (condition.test(w)) {
                    return w;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new DevServerException(DevServerException.Code.DEADLINE_EXCEEDED,
                        "no registered worker matched within " + timeout.toMillis() + " ms; workers: " + now);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DevServerException(DevServerException.Code.UNAVAILABLE, "interrupted while waiting for a worker");
            }
        }
    }

    /** Adds a listener; see {@link DevServerListener} for the thread that calls it. */
    public void addListener(DevServerListener listener) {
        dispatcher.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener. */
    public void removeListener(DevServerListener listener) {
        dispatcher.removeListener(listener);
    }

    @Override
    public String toString() {
        synchronized (this) {
            return "DevServer{" + (running ? url() : closed ? "closed" : "stopped") + ", mode=" + dispatchMode() + "}";
        }
    }

    /**
     * Configures a {@link DevServer}. Not thread-safe. Defaults are those of {@code livekit-server --dev} and of
     * LiveKit's open-source dispatcher.
     */
    public static final class Builder {

        private int port = DEFAULT_PORT;
        private String bind = DEFAULT_BIND;
        private final Map<String, String> keys = new LinkedHashMap<>();
        private DispatchMode mode = DispatchMode.STRICT_OSS;
        private Duration availabilityTimeout;
        private Duration registerTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(10);
        private double targetLoad = 0.7;
        private Duration roomEmptyTimeout = Duration.ofSeconds(300);
        private Duration roomDepartureTimeout = Duration.ofSeconds(20);
        private boolean autoCreateRooms = true;
        private Duration participantTimeout = Duration.ofSeconds(20);
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private final java.util.List<DevServerListener> listeners = new java.util.ArrayList<>();

        private Builder() {
        }

        /** The port to listen on; 0 picks a free port at the first start (default 7880). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The address to bind (default 127.0.0.1; 0.0.0.0 for every interface). */
        public Builder bind(String address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Adds an API key and its secret. The first key added is {@link DevServer#apiKey()}. Without any,
         * {@code devkey}/{@code secret} is used. A secret shorter than 32 bytes is accepted with a warning.
         */
        public Builder addKey(String apiKey, String apiSecret) {
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(apiSecret, "apiSecret");
            if (apiKey.isEmpty() || apiSecret.isEmpty()) {
                throw new IllegalArgumentException("API key and secret must not be empty");
            }
            keys.put(apiKey, apiSecret);
            return this;
        }

        /** Strict-OSS (default) or lenient deadlines and recovery; see {@link DispatchMode}. */
        public Builder dispatchMode(DispatchMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * How long workers have to answer a job offer. In {@link DispatchMode#STRICT_OSS} it bounds the whole offer
         * of a job (default 3 s, LiveKit's RPC deadline); in {@link DispatchMode#LENIENT} each worker gets it
         * (default 10 s).
         */
        public Builder availabilityTimeout(Duration timeout) {
            this.availabilityTimeout = positive(timeout, "availabilityTimeout");
            return this;
        }

        /** How long a new worker connection has to send {@code register} (default 10 s, as LiveKit). */
        public Builder registerTimeout(Duration timeout) {
            this.registerTimeout = positive(timeout, "registerTimeout");
            return this;
        }

        /** How often WebSocket pings go to each worker (default 10 s, as LiveKit); zero turns them off. */
        public Builder pingInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("pingInterval must not be negative");
            }
            this.pingInterval = interval;
            return this;
        }

        /**
         * LiveKit's {@code agents.target_load} (default 0.7): a job is offered only when some available worker of
         * its pool reports a load below it. 1.0 gives the behaviour of servers 1.9 to 1.10.
         */
        public Builder targetLoad(double targetLoad) {
            if (!(targetLoad > 0 && targetLoad <= 1)) {
                throw new IllegalArgumentException("targetLoad must be in (0, 1], got " + targetLoad);
            }
            this.targetLoad = targetLoad;
            return this;
        }

        /** How long a room nobody joined stays open (default 300 s), unless CreateRoom says otherwise. */
        public Builder roomEmptyTimeout(Duration timeout) {
            this.roomEmptyTimeout = positive(timeout, "roomEmptyTimeout");
            return this;
        }

        /** How long a room stays open after its last participant left (default 20 s). */
        public Builder roomDepartureTimeout(Duration timeout) {
            this.roomDepartureTimeout = positive(timeout, "roomDepartureTimeout");
            return this;
        }

        /**
         * How long a room participant whose signalling connection dropped without a leave stays in the room waiting
         * to resume, and how long a joining participant has to connect its peer connection (default 20 s). When it
         * passes, the participant is removed and the others see it leave.
         */
        public Builder participantTimeout(Duration timeout) {
            this.participantTimeout = positive(timeout, "participantTimeout");
            return this;
        }

        /**
         * Whether CreateDispatch and room joins create a missing room (default true, as LiveKit's
         * {@code room.auto_create}). When false, a join to a missing room gets 404 "requested room does not exist".
         */
        public Builder autoCreateRooms(boolean autoCreate) {
            this.autoCreateRooms = autoCreate;
            return this;
        }

        /** The largest worker message and HTTP request body accepted (default 2 MiB, as LiveKit). */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxMessageSize must be at least 1024 bytes, got " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /** Adds a listener, registered before the server starts. */
        public Builder listener(DevServerListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Builds a server; call {@link DevServer#start()} to listen. */
        public DevServer build() {
            if (keys.isEmpty()) {
                keys.put(DEV_API_KEY, DEV_API_SECRET);
            }
            return new DevServer(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
