package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtcpMuxPolicy;
import dev.onvoid.webrtc.RTCRtpReceiver;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.SyncClock;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.ConnectionState;
import io.livekit.agents.room.DataPacket;
import io.livekit.agents.room.DataPublishOptions;
import io.livekit.agents.room.DisconnectReason;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.LocalParticipant;
import io.livekit.agents.room.LocalTrack;
import io.livekit.agents.room.LocalTrackPublication;
import io.livekit.agents.room.LocalVideoTrack;
import io.livekit.agents.room.Participant;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.Room;
import io.livekit.agents.AgentException;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.RoomOptions;
import io.livekit.agents.room.TrackPublishOptions;
import io.livekit.agents.room.VideoSourceOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import livekit.LivekitModels;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitRtc;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The room client: signalling (v0 {@code /rtc}, dual peer connection), the publisher and subscriber peer
 * connections, the participant model and the reconnect logic.
 *
 * <p>Threads: all state changes run on the single <em>engine</em> thread {@code lk-rtc-<room>} (socket and WebRTC
 * callbacks hop onto it at once). Listener events go through a {@link SerialExecutor} on the event executor. Public
 * blocking calls submit work to the engine and wait on the caller's thread; reconnect attempts run on
 * {@code lk-rtc-reconnect-<room>}.
 */
final class RoomImpl implements Room {
  private static final Logger LOG = LoggerFactory.getLogger(RoomImpl.class);
  static final int PROTOCOL_VERSION = 16;
  static final String SDK_VERSION = "0.1.0";
  private static final String RELIABLE = "_reliable";
  private static final String LOSSY = "_lossy";
  private static final int MAX_PACKET_BYTES = 64_000;

  private final RoomOptions options;
  private final String baseUrl;
  private volatile String token;
  private final ScheduledExecutorService engineThread;
  private final SerialExecutor engine;
  private final SerialExecutor events;
  private final ExecutorService ownEventThread;
  private final CopyOnWriteArrayList<RoomListener> listeners = new CopyOnWriteArrayList<>();
  private final Object stateLock = new Object();
  private volatile ConnectionState state = ConnectionState.CONNECTING;

  // engine-thread state ------------------------------------------------------------------------------------------
  private SignalClient signal;
  private CompletableFuture<SignalResponse> firstMessage;
  /** Messages that arrive after the first one and before the join/resume set-up ran; replayed in order after it. */
  private List<SignalResponse> deferred;
  private PeerTransport publisher;
  private PeerTransport subscriber;
  private boolean subscriberPrimary;
  private CompletableFuture<Void> primaryConnected = new CompletableFuture<>();
  private RTCDataChannel pubReliable;
  private RTCDataChannel pubLossy;
  private final Map<String, RTCDataChannel> subChannels = new HashMap<>();
  private final Map<String, CompletableFuture<TrackInfo>> pendingPublishes = new HashMap<>();
  private final List<PendingRemoteTrack> pendingRemoteTracks = new ArrayList<>();
  private final Map<String, Long> lastReliableSeq = new HashMap<>();
  private final Map<String, Integer> participantVersions = new HashMap<>();
  private final List<LocalTrackImpl> localTracks = new CopyOnWriteArrayList<>();
  private ScheduledFuture<?> pingTask;
  private long lastMessageNanos;
  private long rttMillis;
  private int pingIntervalSec = 5;
  private int pingTimeoutSec = 15;
  private long reliableSeq;
  private boolean reconnecting;
  private boolean leaving;
  private int requestId;
  private SyncClock syncClock;

  // readable from any thread ---------------------------------------------------------------------------------------
  private volatile LivekitModels.Room roomInfo = LivekitModels.Room.getDefaultInstance();
  private volatile String serverVersion = "";
  private volatile LocalParticipantImpl local;
  private final Map<String, RemoteParticipantImpl> remotes = new ConcurrentHashMap<>(); // by sid
  private volatile List<Participant> activeSpeakers = List.of();

  private record PendingRemoteTrack(MediaStreamTrack track, String trackSid, long sinceNanos) {
  }

  private RoomImpl(String url, String token, RoomOptions options, String roomHint) {
    this.options = options;
    this.baseUrl = normalizeUrl(url);
    this.token = token;
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    this.engineThread = Executors.newSingleThreadScheduledExecutor(NamedThreads.factory("lk-rtc-" + roomHint, mdc));
    this.engine = new SerialExecutor(engineThread);
    if (options.eventExecutor() != null) {
      this.ownEventThread = null;
      this.events = new SerialExecutor(options.eventExecutor());
    } else {
      this.ownEventThread = Executors.newSingleThreadExecutor(NamedThreads.factory("lk-room-events-" + roomHint, mdc));
      this.events = new SerialExecutor(ownEventThread);
    }
    listeners.addAll(options.listeners());
  }

  /** Connects and returns the joined room, or throws and leaves nothing running. */
  static RoomImpl connect(String url, String token, RoomOptions options) {
    if (url == null || url.isBlank()) {
      throw new AgentException(AgentException.Code.INVALID_CONFIGURATION, "no server URL given; pass ws://host:7880 or set LIVEKIT_URL");
    }
    if (token == null || token.isBlank()) {
      throw new AgentException(AgentException.Code.UNAUTHENTICATED, "no access token given");
    }
    WebRtcRuntime.get(); // fail early and clearly if WebRTC cannot run here
    RoomImpl room = new RoomImpl(url, token, options, "room");
    try {
      room.join(System.nanoTime() + options.connectTimeout().toNanos(), false);
    } catch (RuntimeException e) {
      room.shutdownQuietly();
      throw e;
    }
    room.setState(ConnectionState.CONNECTED);
    return room;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // URLs

  static String normalizeUrl(String url) {
    String u = url.trim();
    if (u.startsWith("http://")) {
      u = "ws://" + u.substring(7);
    } else if (u.startsWith("https://")) {
      u = "wss://" + u.substring(8);
    } else if (!u.startsWith("ws://") && !u.startsWith("wss://")) {
      throw new AgentException(AgentException.Code.INVALID_CONFIGURATION, "unsupported server URL '" + url
          + "'; use ws://, wss://, http:// or https://");
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  /** The v0 signalling URL with the classic query parameters (the token goes in the header too). */
  static URI signalUri(String baseUrl, String token, boolean autoSubscribe, String resumeSid) {
    StringBuilder q = new StringBuilder(baseUrl).append("/rtc?access_token=").append(enc(token))
        .append("&auto_subscribe=").append(autoSubscribe ? "1" : "0")
        .append("&adaptive_stream=0&sdk=java&version=").append(SDK_VERSION)
        .append("&protocol=").append(PROTOCOL_VERSION)
        .append("&os=").append(enc(System.getProperty("os.name", "")))
        .append("&os_version=").append(enc(System.getProperty("os.version", "")));
    if (resumeSid != null) {
      q.append("&reconnect=1&sid=").append(enc(resumeSid));
    }
    try {
      return URI.create(q.toString());
    } catch (IllegalArgumentException e) {
      throw new AgentException(AgentException.Code.INVALID_CONFIGURATION, "bad server URL '" + baseUrl + "': " + e.getMessage(), e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // join, resume, rejoin

  /** Opens signalling, waits for the JoinResponse, sets up both peer connections, waits for the primary one. */
  private void join(long deadline, boolean rejoin) {
    SignalResponse first = openSignal(deadline, null);
    if (first.hasLeave()) {
      throw new AgentException(AgentException.Code.CONNECTION_FAILED, "the server refused the join: "
          + first.getLeave().getReason());
    }
    if (!first.hasJoin()) {
      throw new AgentException(AgentException.Code.PROTOCOL_ERROR, "the server's first signal message was "
          + first.getMessageCase() + ", not a JoinResponse");
    }
    CompletableFuture<Void> connected = callOnEngine(() -> setUp(first.getJoin(), rejoin), deadline);
    await(connected, deadline, "the primary peer connection did not connect (ICE/DTLS); if this runs in a "
        + "container or namespace, check that the server's ICE candidates are reachable");
    if (rejoin) {
      republishAll(deadline);
    }
  }

  /** Connects a new signal client and returns its first message. */
  private SignalResponse openSignal(long deadline, String resumeSid) {
    SignalClient client = new SignalClient(new SignalListener());
    CompletableFuture<SignalResponse> first = new CompletableFuture<>();
    runOnEngine(() -> {
      if (signal != null) {
        signal.abort();
      }
      signal = client;
      firstMessage = first;
      deferred = null;
    }, deadline);
    URI uri = signalUri(baseUrl, token, options.autoSubscribe(), resumeSid);
    await(client.connect(uri, token, remainingMillis(deadline)), deadline, "the signalling WebSocket did not open");
    return await(first, deadline, "the server sent no " + (resumeSid == null ? "JoinResponse" : "ReconnectResponse"));
  }

  /** Engine thread: builds the model and the peer connections from a JoinResponse. */
  private CompletableFuture<Void> setUp(JoinResponse join, boolean rejoin) {
    roomInfo = join.getRoom();
    serverVersion = join.hasServerInfo() && !join.getServerInfo().getVersion().isEmpty()
        ? join.getServerInfo().getVersion() : join.getServerVersion();
    pingIntervalSec = join.getPingInterval();
    pingTimeoutSec = join.getPingTimeout();
    subscriberPrimary = join.getSubscriberPrimary();
    if (local == null) {
      local = new LocalParticipantImpl(this, join.getParticipant());
    } else {
      local.setInfo(join.getParticipant());
    }
    lastReliableSeq.clear();
    lastMessageNanos = System.nanoTime();

    // participants: on a rejoin, those gone are reported as disconnected
    Set<String> present = new HashSet<>();
    for (ParticipantInfo p : join.getOtherParticipantsList()) {
      present.add(p.getIdentity());
    }
    if (rejoin) {
      for (RemoteParticipantImpl old : List.copyOf(remotes.values())) {
        if (!present.contains(old.identity())) {
          removeParticipant(old);
        }
      }
    }
    for (ParticipantInfo p : join.getOtherParticipantsList()) {
      applyParticipant(p);
    }

    RTCConfiguration config = rtcConfig(join.getIceServersList(), join.hasClientConfiguration()
        && join.getClientConfiguration().getForceRelay() == LivekitModels.ClientConfigSetting.ENABLED);
    WebRtcRuntime rt = WebRtcRuntime.get();
    primaryConnected = new CompletableFuture<>();
    publisher = new PeerTransport(SignalTarget.PUBLISHER,
        rt.factory.createPeerConnection(config, new Observer(SignalTarget.PUBLISHER)), engine);
    subscriber = new PeerTransport(SignalTarget.SUBSCRIBER,
        rt.factory.createPeerConnection(config, new Observer(SignalTarget.SUBSCRIBER)), engine);
    subChannels.clear();
    RTCDataChannelInit reliable = new RTCDataChannelInit();
    reliable.ordered = true;
    pubReliable = publisher.pc.createDataChannel(RELIABLE, reliable);
    RTCDataChannelInit lossy = new RTCDataChannelInit();
    lossy.ordered = false;
    lossy.maxRetransmits = 0;
    pubLossy = publisher.pc.createDataChannel(LOSSY, lossy);
    pubReliable.registerObserver(new ChannelObserver(pubReliable, true));
    pubLossy.registerObserver(new ChannelObserver(pubLossy, false));
    if (!subscriberPrimary || join.getFastPublish()) {
      negotiatePublisher(false);
    }
    startPing();
    replayDeferred();
    return primaryConnected;
  }

  /** Engine thread: handles the messages held back while the join or resume was being set up. */
  private void replayDeferred() {
    List<SignalResponse> held = deferred;
    deferred = null;
    if (held != null) {
      held.forEach(this::handleSignal);
    }
  }

  private static RTCConfiguration rtcConfig(List<LivekitRtc.ICEServer> servers, boolean relay) {
    RTCConfiguration config = new RTCConfiguration();
    for (LivekitRtc.ICEServer s : servers) {
      RTCIceServer ice = new RTCIceServer();
      ice.urls = new ArrayList<>(s.getUrlsList());
      ice.username = s.getUsername();
      ice.password = s.getCredential();
      config.iceServers.add(ice);
    }
    config.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
    config.rtcpMuxPolicy = RTCRtcpMuxPolicy.REQUIRE;
    config.iceTransportPolicy = relay ? RTCIceTransportPolicy.RELAY : RTCIceTransportPolicy.ALL;
    return config;
  }

  private PeerTransport primary() {
    return subscriberPrimary ? subscriber : publisher;
  }

  /** Resume: same participant and peer connections, new signalling, ICE restart, SyncState. */
  private void resume(long deadline) {
    SignalResponse first = openSignal(deadline, local.sid());
    if (first.hasLeave()) {
      LeaveRequest leave = first.getLeave();
      if (leave.getAction() == LeaveRequest.Action.DISCONNECT) {
        throw new FatalLeave(leave);
      }
      throw new NeedFullReconnect("the server declined the resume (" + leave.getReason() + ")");
    }
    CompletableFuture<Void> connected = callOnEngine(() -> {
      if (first.hasReconnect()) {
        LivekitRtc.ReconnectResponse r = first.getReconnect();
        if (r.getIceServersCount() > 0) {
          RTCConfiguration cfg = rtcConfig(r.getIceServersList(), false);
          publisher.pc.setConfiguration(cfg);
          subscriber.pc.setConfiguration(cfg);
        }
      } else {
        handleSignal(first); // JS treats any non-leave first message as "resumed"
      }
      lastMessageNanos = System.nanoTime();
      if (publisher.isNegotiated()) {
        negotiatePublisher(true);
      }
      sendSyncState();
      startPing();
      replayDeferred();
      PeerTransport p = primary();
      return p.isConnected() ? CompletableFuture.completedFuture(null) : (primaryConnected = new CompletableFuture<>());
    }, deadline);
    await(connected, deadline, "the peer connection did not come back after the resume");
  }

  /** Full rejoin: tear down the peer connections and join again as a new session, republishing local tracks. */
  private void rejoin(long deadline) {
    runOnEngine(() -> {
      stopPing();
      if (signal != null) {
        signal.abort();
        signal = null;
      }
      closePeerConnections();
      for (RemoteParticipantImpl p : remotes.values()) {
        for (RemoteTrackPublicationImpl pub : p.publications.values()) {
          dropTrack(pub);
        }
      }
      for (LocalTrackPublicationImpl pub : local.publications.values()) {
        pub.sender = null;
      }
    }, deadline);
    join(deadline, true);
  }

  private void republishAll(long deadline) {
    List<LocalTrackPublicationImpl> pubs = List.copyOf(local.publications.values());
    for (LocalTrackPublicationImpl old : pubs) {
      TrackInfo info = await(callOnEngine(() -> requestAddTrack(old.track, old.options), deadline), deadline,
          "the server did not acknowledge republishing track " + old.track.name());
      callOnEngine(() -> {
        local.publications.remove(old.sid());
        old.setInfo(info);
        old.track.setSid(info.getSid());
        old.sender = publisher.pc.addTrack(old.track.rtcTrack, List.of(streamId(old.track, old.options)));
        local.publications.put(info.getSid(), old);
        return negotiatePublisher(false);
      }, deadline);
    }
  }

  private void sendSyncState() {
    LivekitRtc.SyncState.Builder sync = LivekitRtc.SyncState.newBuilder();
    RTCSessionDescription answer = subscriber.pc.getLocalDescription();
    if (answer != null) {
      sync.setAnswer(Sdp.toProto(answer, 0));
    }
    RTCSessionDescription offer = subscriber.pc.getRemoteDescription();
    if (offer != null) {
      sync.setOffer(Sdp.toProto(offer, 0));
    }
    LivekitRtc.UpdateSubscription.Builder sub = LivekitRtc.UpdateSubscription.newBuilder().setSubscribe(true);
    for (RemoteParticipantImpl p : remotes.values()) {
      for (RemoteTrackPublicationImpl pub : p.publications.values()) {
        if (pub.isSubscriptionWanted()) {
          sub.addTrackSids(pub.sid());
        }
      }
    }
    sync.setSubscription(sub);
    for (LocalTrackPublicationImpl pub : local.publications.values()) {
      sync.addPublishTracks(LivekitRtc.TrackPublishedResponse.newBuilder().setCid(pub.track.cid).setTrack(pub.info()));
    }
    addChannelInfo(sync, pubReliable, SignalTarget.PUBLISHER);
    addChannelInfo(sync, pubLossy, SignalTarget.PUBLISHER);
    for (RTCDataChannel dc : subChannels.values()) {
      addChannelInfo(sync, dc, SignalTarget.SUBSCRIBER);
    }
    send(SignalRequest.newBuilder().setSyncState(sync).build());
  }

  private static void addChannelInfo(LivekitRtc.SyncState.Builder sync, RTCDataChannel dc, SignalTarget target) {
    if (dc != null) {
      sync.addDataChannels(LivekitRtc.DataChannelInfo.newBuilder().setLabel(dc.getLabel()).setId(dc.getId())
          .setTarget(target));
    }
  }

  private static final class NeedFullReconnect extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeedFullReconnect(String message) {
      super(message, null, false, false);
    }
  }

  private static final class FatalLeave extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient LeaveRequest leave;

    FatalLeave(LeaveRequest leave) {
      super("the server asked this client to leave: " + leave.getReason(), null, false, false);
      this.leave = leave;
    }
  }

  /** Engine thread: starts the reconnect loop once (ignored while one runs or after leaving). */
  private void startReconnect(String why, boolean full) {
    if (reconnecting || leaving || state != ConnectionState.CONNECTED) {
      return;
    }
    reconnecting = true;
    stopPing();
    LOG.info("room {}: connection lost ({}); {}", roomInfo.getName(), why, full ? "rejoining" : "resuming");
    setState(ConnectionState.RECONNECTING);
    emit(l -> l.onReconnecting(this));
    NamedThreads.start("lk-rtc-reconnect-" + roomInfo.getName(), () -> reconnectLoop(full));
  }

  private void reconnectLoop(boolean fullFirst) {
    boolean full = fullFirst;
    long delay = 0;
    RuntimeException last = null;
    for (int attempt = 1; attempt <= options.maxReconnectAttempts(); attempt++) {
      if (sleepInterruptibly(delay)) {
        return;
      }
      if (state == ConnectionState.DISCONNECTED || leaving) {
        return;
      }
      long deadline = System.nanoTime() + options.connectTimeout().toNanos();
      try {
        if (full) {
          rejoin(deadline);
        } else {
          resume(deadline);
        }
        runOnEngine(() -> {
          reconnecting = false;
          setState(ConnectionState.CONNECTED);
          emit(l -> l.onReconnected(this));
        }, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        LOG.info("room {}: {} after {} attempt(s)", roomInfo.getName(), full ? "rejoined" : "resumed", attempt);
        return;
      } catch (FatalLeave e) {
        engine.execute(() -> finish(ProtoMapping.reason(e.leave.getReason())));
        return;
      } catch (NeedFullReconnect e) {
        LOG.info("room {}: {}; rejoining", roomInfo.getName(), e.getMessage());
        full = true;
        delay = 0;
        continue;
      } catch (RuntimeException e) {
        last = e;
        LOG.info("room {}: reconnect attempt {} failed: {}", roomInfo.getName(), attempt, e.getMessage());
        full = true; // a failed resume is followed by full rejoins
      }
      long base = options.reconnectInitialDelay().toMillis() << Math.min(attempt - 1, 16);
      long capped = Math.min(base, options.reconnectMaxDelay().toMillis());
      delay = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }
    LOG.warn("room {}: giving up after {} reconnect attempts: {}", roomInfo.getName(),
        options.maxReconnectAttempts(), last == null ? "-" : last.getMessage());
    engine.execute(() -> finish(DisconnectReason.SIGNAL_CLOSE));
  }

  private boolean sleepInterruptibly(long millis) {
    if (millis <= 0) {
      return false;
    }
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      if (state == ConnectionState.DISCONNECTED || leaving) {
        return true;
      }
      try {
        Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      } catch (InterruptedException e) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // signalling

  private final class SignalListener implements SignalClient.Listener {
    @Override
    public void onMessage(SignalClient client, SignalResponse message) {
      engine.execute(() -> {
        if (client != signal) {
          return; // a stale socket
        }
        lastMessageNanos = System.nanoTime();
        if (firstMessage != null && !firstMessage.isDone()) {
          deferred = new ArrayList<>();
          firstMessage.complete(message);
          return;
        }
        if (deferred != null) {
          deferred.add(message);
          return;
        }
        handleSignal(message);
      });
    }

    @Override
    public void onClosed(SignalClient client, String reason) {
      engine.execute(() -> {
        if (client != signal) {
          return;
        }
        if (firstMessage != null && !firstMessage.isDone()) {
          firstMessage.completeExceptionally(new AgentException(AgentException.Code.CONNECTION_FAILED,
              "the signalling connection closed before the server's first message: " + reason));
          return;
        }
        startReconnect("signalling closed: " + reason, false);
      });
    }
  }

  private void send(SignalRequest request) {
    SignalClient s = signal;
    if (s == null || !s.send(request)) {
      LOG.debug("signal not open; dropped {}", request.getMessageCase());
    }
  }

  /** Engine thread: one server message. */
  private void handleSignal(SignalResponse m) {
    switch (m.getMessageCase()) {
      case ANSWER -> publisher.onAnswer(m.getAnswer(), this::sendOffer);
      case OFFER -> subscriber.answerOffer(m.getOffer()).whenComplete((answer, err) -> {
        if (err != null) {
          if (!leaving) {
            LOG.warn("could not answer the server's subscriber offer: {}", err.getMessage());
          }
        } else {
          send(SignalRequest.newBuilder().setAnswer(answer).build());
        }
      });
      case TRICKLE -> onTrickle(m.getTrickle());
      case UPDATE -> {
        for (ParticipantInfo p : m.getUpdate().getParticipantsList()) {
          applyParticipant(p);
        }
        resolvePendingTracks();
      }
      case TRACK_PUBLISHED -> {
        CompletableFuture<TrackInfo> f = pendingPublishes.remove(m.getTrackPublished().getCid());
        if (f != null) {
          f.complete(m.getTrackPublished().getTrack());
        }
      }
      case TRACK_UNPUBLISHED -> {
        LocalTrackPublicationImpl pub = local.publications.get(m.getTrackUnpublished().getTrackSid());
        if (pub != null) {
          doUnpublish(pub);
        }
      }
      case LEAVE -> onLeave(m.getLeave());
      case MUTE -> {
        LocalTrackPublicationImpl pub = local.publications.get(m.getMute().getSid());
        if (pub != null && pub.isMuted() != m.getMute().getMuted()) {
          applyLocalMute(pub, m.getMute().getMuted(), false);
        }
      }
      case SPEAKERS_CHANGED -> onSpeakers(m.getSpeakersChanged().getSpeakersList());
      case ROOM_UPDATE -> {
        String old = roomInfo.getMetadata();
        roomInfo = m.getRoomUpdate().getRoom();
        if (!old.equals(roomInfo.getMetadata())) {
          String now = roomInfo.getMetadata();
          emit(l -> l.onRoomMetadataChanged(this, old, now));
        }
      }
      case PONG_RESP -> rttMillis = System.currentTimeMillis() - m.getPongResp().getLastPingTimestamp();
      case REFRESH_TOKEN -> token = m.getRefreshToken();
      case REQUEST_RESPONSE -> {
        if (m.getRequestResponse().getReason() != LivekitRtc.RequestResponse.Reason.OK) {
          LOG.warn("the server refused request {}: {} {}", m.getRequestResponse().getRequestId(),
              m.getRequestResponse().getReason(), m.getRequestResponse().getMessage());
        }
      }
      case JOIN, RECONNECT -> LOG.debug("ignoring a late {}", m.getMessageCase());
      default -> LOG.trace("ignoring signal message {}", m.getMessageCase());
    }
  }

  private void sendOffer(LivekitRtc.SessionDescription offer) {
    send(SignalRequest.newBuilder().setOffer(offer).build());
  }

  private CompletableFuture<Void> negotiatePublisher(boolean iceRestart) {
    return publisher.negotiate(iceRestart, this::sendOffer);
  }

  private void onTrickle(LivekitRtc.TrickleRequest t) {
    RTCIceCandidate c;
    try {
      c = Sdp.candidateFromJson(t.getCandidateInit());
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring a bad trickled candidate: {}", e.getMessage());
      return;
    }
    if (c == null) {
      return;
    }
    (t.getTarget() == SignalTarget.SUBSCRIBER ? subscriber : publisher).addRemoteCandidate(c);
  }

  private void onLeave(LeaveRequest leave) {
    switch (leave.getAction()) {
      case RESUME -> startReconnect("the server asked to resume", false);
      case RECONNECT -> startReconnect("the server asked to reconnect (" + leave.getReason() + ")", true);
      default -> {
        if (leave.getCanReconnect() && leave.getAction() != LeaveRequest.Action.DISCONNECT) {
          startReconnect("the server asked to reconnect", true);
        } else {
          finish(ProtoMapping.reason(leave.getReason()));
        }
      }
    }
  }

  private void startPing() {
    stopPing();
    if (pingIntervalSec <= 0) {
      return;
    }
    pingTask = engineThread.scheduleAtFixedRate(() -> engine.execute(this::pingTick), pingIntervalSec,
        pingIntervalSec, TimeUnit.SECONDS);
  }

  private void stopPing() {
    if (pingTask != null) {
      pingTask.cancel(false);
      pingTask = null;
    }
  }

  private void pingTick() {
    if (state != ConnectionState.CONNECTED || reconnecting) {
      return;
    }
    if (pingTimeoutSec > 0 && System.nanoTime() - lastMessageNanos > TimeUnit.SECONDS.toNanos(pingTimeoutSec)) {
      startReconnect("no signal message for " + pingTimeoutSec + " s", false);
      return;
    }
    send(SignalRequest.newBuilder().setPingReq(LivekitRtc.Ping.newBuilder()
        .setTimestamp(System.currentTimeMillis()).setRtt(rttMillis)).build());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // peer connection callbacks (WebRTC threads -> engine)

  private final class Observer implements PeerConnectionObserver {
    private final SignalTarget target;

    Observer(SignalTarget target) {
      this.target = target;
    }

    private PeerTransport transport() {
      return target == SignalTarget.PUBLISHER ? publisher : subscriber;
    }

    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {
      String json = Sdp.candidateToJson(candidate);
      engine.execute(() -> send(SignalRequest.newBuilder().setTrickle(LivekitRtc.TrickleRequest.newBuilder()
          .setCandidateInit(json).setTarget(target)).build()));
    }

    @Override
    public void onConnectionChange(RTCPeerConnectionState s) {
      engine.execute(() -> {
        PeerTransport t = transport();
        if (t == null) {
          return;
        }
        t.setState(s);
        LOG.debug("{} peer connection: {}", target, s);
        if (t == primary() && s == RTCPeerConnectionState.CONNECTED) {
          primaryConnected.complete(null);
        }
        if (s == RTCPeerConnectionState.FAILED && (t == primary() || t.isNegotiated())) {
          startReconnect(target + " peer connection failed", false);
        }
      });
    }

    @Override
    public void onDataChannel(RTCDataChannel channel) {
      engine.execute(() -> {
        boolean reliable = !LOSSY.equals(channel.getLabel());
        subChannels.put(channel.getLabel(), channel);
        channel.registerObserver(new ChannelObserver(channel, reliable));
      });
    }

    @Override
    public void onTrack(RTCRtpTransceiver transceiver) {
      if (target != SignalTarget.SUBSCRIBER) {
        return;
      }
      RTCRtpReceiver receiver = transceiver.getReceiver();
      MediaStreamTrack track = receiver.getTrack();
      String mid = transceiver.getMid();
      engine.execute(() -> {
        RTCSessionDescription remote = subscriber.pc.getRemoteDescription();
        String stream = Sdp.msidStreamForMid(remote == null ? null : remote.sdp, mid);
        String sid = Sdp.trackSidFromStream(stream, track.getId());
        if (sid == null) {
          LOG.warn("ignoring a received track with no LiveKit track sid (msid stream '{}', id '{}')", stream,
              track.getId());
          return;
        }
        pendingRemoteTracks.add(new PendingRemoteTrack(track, sid, System.nanoTime()));
        resolvePendingTracks();
      });
    }

    @Override
    public void onRemoveTrack(RTCRtpReceiver receiver) {
      String id = receiver.getTrack().getId();
      engine.execute(() -> {
        for (RemoteParticipantImpl p : remotes.values()) {
          for (RemoteTrackPublicationImpl pub : p.publications.values()) {
            RemoteTrackImpl t = pub.trackImpl();
            if (t != null && t.receiverTrackId.equals(id)) {
              dropTrack(pub);
            }
          }
        }
      });
    }
  }

  private final class ChannelObserver implements RTCDataChannelObserver {
    private final RTCDataChannel channel;
    private final boolean reliable;

    ChannelObserver(RTCDataChannel channel, boolean reliable) {
      this.channel = channel;
      this.reliable = reliable;
    }

    @Override
    public void onBufferedAmountChange(long previous) {
    }

    @Override
    public void onStateChange() {
      LOG.debug("data channel {}: {}", channel.getLabel(), channel.getState());
    }

    @Override
    public void onMessage(RTCDataChannelBuffer buffer) {
      ByteBuffer data = buffer.data;
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      engine.execute(() -> onDataMessage(bytes, reliable));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // participants and tracks (engine thread)

  private void applyParticipant(ParticipantInfo info) {
    LocalParticipantImpl me = local;
    if (me != null && (info.getSid().equals(me.sid()) || info.getIdentity().equals(me.identity()))) {
      applyLocalInfo(info);
      return;
    }
    RemoteParticipantImpl p = remotes.get(info.getSid());
    if (p == null) {
      for (RemoteParticipantImpl candidate : remotes.values()) {
        if (candidate.identity().equals(info.getIdentity())) { // same identity, new session
          remotes.remove(candidate.sid());
          p = candidate;
          remotes.put(info.getSid(), p);
          break;
        }
      }
    }
    if (info.getState() == ParticipantInfo.State.DISCONNECTED) {
      if (p != null) {
        removeParticipant(p);
      }
      return;
    }
    if (p == null) {
      RemoteParticipantImpl created = new RemoteParticipantImpl(info);
      remotes.put(info.getSid(), created);
      participantVersions.put(info.getSid(), info.getVersion());
      emit(l -> l.onParticipantConnected(this, created));
      applyTracks(created, info);
      return;
    }
    Integer seen = participantVersions.get(info.getSid());
    if (seen != null && info.getVersion() != 0 && info.getVersion() < seen) {
      return; // an older snapshot than the one applied
    }
    participantVersions.put(info.getSid(), info.getVersion());
    String oldMeta = p.metadata();
    p.setInfo(info);
    RemoteParticipantImpl fp = p;
    if (!oldMeta.equals(info.getMetadata())) {
      emit(l -> l.onParticipantMetadataChanged(this, fp, oldMeta));
    }
    applyTracks(p, info);
  }

  private void applyTracks(RemoteParticipantImpl p, ParticipantInfo info) {
    Set<String> sids = new HashSet<>();
    for (TrackInfo t : info.getTracksList()) {
      sids.add(t.getSid());
      RemoteTrackPublicationImpl pub = p.publications.get(t.getSid());
      if (pub == null) {
        RemoteTrackPublicationImpl created = new RemoteTrackPublicationImpl(this, p, t, options.autoSubscribe());
        p.publications.put(t.getSid(), created);
        emit(l -> l.onTrackPublished(this, created, p));
      } else {
        boolean wasMuted = pub.isMuted();
        pub.setInfo(t);
        if (wasMuted != t.getMuted()) {
          emit(l -> {
            if (t.getMuted()) {
              l.onTrackMuted(this, p, pub);
            } else {
              l.onTrackUnmuted(this, p, pub);
            }
          });
        }
      }
    }
    for (Iterator<RemoteTrackPublicationImpl> it = p.publications.values().iterator(); it.hasNext(); ) {
      RemoteTrackPublicationImpl pub = it.next();
      if (!sids.contains(pub.sid())) {
        dropTrack(pub);
        it.remove();
        emit(l -> l.onTrackUnpublished(this, pub, p));
      }
    }
  }

  private void applyLocalInfo(ParticipantInfo info) {
    String oldMeta = local.metadata();
    local.setInfo(info);
    if (!oldMeta.equals(info.getMetadata())) {
      emit(l -> l.onParticipantMetadataChanged(this, local, oldMeta));
    }
    for (TrackInfo t : info.getTracksList()) {
      LocalTrackPublicationImpl pub = local.publications.get(t.getSid());
      if (pub != null) {
        boolean wasMuted = pub.isMuted();
        pub.setInfo(t);
        if (wasMuted != t.getMuted()) {
          applyLocalMute(pub, t.getMuted(), false);
        }
      }
    }
  }

  private void removeParticipant(RemoteParticipantImpl p) {
    remotes.remove(p.sid());
    participantVersions.remove(p.sid());
    for (RemoteTrackPublicationImpl pub : List.copyOf(p.publications.values())) {
      dropTrack(pub);
      p.publications.remove(pub.sid());
      emit(l -> l.onTrackUnpublished(this, pub, p));
    }
    emit(l -> l.onParticipantDisconnected(this, p));
  }

  /** Ends the received track of a publication, if any, and reports it unsubscribed. */
  private void dropTrack(RemoteTrackPublicationImpl pub) {
    RemoteTrackImpl t = pub.trackImpl();
    if (t == null) {
      return;
    }
    pub.setTrack(null);
    t.end();
    emit(l -> l.onTrackUnsubscribed(this, t, pub, pub.participant));
  }

  private void resolvePendingTracks() {
    for (Iterator<PendingRemoteTrack> it = pendingRemoteTracks.iterator(); it.hasNext(); ) {
      PendingRemoteTrack pending = it.next();
      RemoteTrackPublicationImpl pub = findRemotePublication(pending.trackSid);
      if (pub == null) {
        if (System.nanoTime() - pending.sinceNanos > TimeUnit.SECONDS.toNanos(30)) {
          LOG.warn("dropping received track {}: no participant published it", pending.trackSid);
          it.remove();
        }
        continue;
      }
      it.remove();
      if (pub.trackImpl() != null) {
        dropTrack(pub);
      }
      RemoteTrackImpl track;
      if (pending.track instanceof AudioTrack audio) {
        track = new RemoteAudioTrackImpl(pub.sid(), pub.name(), audio);
      } else if (pending.track instanceof VideoTrack video) {
        track = new RemoteVideoTrackImpl(pub.sid(), pub.name(), video);
      } else {
        continue;
      }
      pub.setTrack(track);
      emit(l -> l.onTrackSubscribed(this, track, pub, pub.participant));
    }
  }

  private RemoteTrackPublicationImpl findRemotePublication(String trackSid) {
    for (RemoteParticipantImpl p : remotes.values()) {
      RemoteTrackPublicationImpl pub = p.publications.get(trackSid);
      if (pub != null) {
        return pub;
      }
    }
    return null;
  }

  private void onSpeakers(List<LivekitModels.SpeakerInfo> speakers) {
    for (LivekitModels.SpeakerInfo s : speakers) {
      ParticipantImpl p = local != null && local.sid().equals(s.getSid()) ? local : remotes.get(s.getSid());
      if (p != null) {
        p.setSpeaking(s.getActive(), s.getLevel());
      }
    }
    List<Participant> now = new ArrayList<>();
    if (local != null && local.isSpeaking()) {
      now.add(local);
    }
    for (RemoteParticipantImpl p : remotes.values()) {
      if (p.isSpeaking()) {
        now.add(p);
      }
    }
    now.sort(Comparator.comparingDouble(p -> -p.audioLevel()));
    List<Participant> snapshot = List.copyOf(now);
    activeSpeakers = snapshot;
    emit(l -> l.onActiveSpeakersChanged(this, snapshot));
  }

  private void onDataMessage(byte[] bytes, boolean reliable) {
    LivekitModels.DataPacket packet;
    try {
      packet = LivekitModels.DataPacket.parseFrom(bytes);
    } catch (Exception e) {
      LOG.warn("ignoring a malformed data packet ({} bytes): {}", bytes.length, e.toString());
      return;
    }
    if (!packet.hasUser()) {
      LOG.trace("ignoring data packet of kind {}", packet.getValueCase());
      return;
    }
    LivekitModels.UserPacket user = packet.getUser();
    String senderSid = !packet.getParticipantSid().isEmpty() ? packet.getParticipantSid() : user.getParticipantSid();
    String senderIdentity = !packet.getParticipantIdentity().isEmpty() ? packet.getParticipantIdentity()
        : user.getParticipantIdentity();
    if (reliable && packet.getSequence() > 0) {
      String key = senderSid.isEmpty() ? senderIdentity : senderSid;
      Long last = lastReliableSeq.get(key);
      if (last != null && packet.getSequence() <= last) {
        return; // a duplicate the server re-sent after a resume
      }
      lastReliableSeq.put(key, (long) packet.getSequence());
    }
    RemoteParticipantImpl sender = null;
    for (RemoteParticipantImpl p : remotes.values()) {
      if (!senderIdentity.isEmpty() ? p.identity().equals(senderIdentity) : p.sid().equals(senderSid)) {
        sender = p;
        break;
      }
    }
    List<String> destinations = packet.getDestinationIdentitiesCount() > 0 ? packet.getDestinationIdentitiesList()
        : user.getDestinationIdentitiesList();
    DataPacket out = new DataPacket(user.getPayload().toByteArray(),
        user.hasTopic() ? Optional.of(user.getTopic()) : Optional.empty(), reliable, senderIdentity, senderSid,
        destinations);
    RemoteParticipantImpl from = sender;
    emit(l -> l.onDataReceived(this, out, from));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // local participant operations

  LocalAudioTrack createAudioTrack(String name, AudioSourceOptions opts) {
    checkOpen();
    WebRtcRuntime rt = WebRtcRuntime.get();
    String cid = "TR_AJ" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    CustomAudioSource source = new CustomAudioSource(clock());
    AudioTrack track = rt.factory.createAudioTrack(cid, source);
    LocalAudioTrackImpl t = new LocalAudioTrackImpl(track, cid, name, new AudioSourceImpl(source, opts, name));
    localTracks.add(t);
    return t;
  }

  /** A local video track; paced by {@code audioClock}'s playout when it is given (A/V sync), else on its own. */
  LocalVideoTrack createVideoTrack(String name, VideoSourceOptions opts, LocalAudioTrack audioClock) {
    checkOpen();
    AudioSourceImpl clockSource = null;
    if (audioClock != null) {
      if (!(audioClock instanceof LocalAudioTrackImpl a) || !localTracks.contains(a) || a.isClosed()) {
        throw new AgentException(AgentException.Code.INVALID_ARGUMENT,
            "the audio clock must be an open audio track created by this room's local participant");
      }
      clockSource = a.sourceImpl();
    }
    WebRtcRuntime rt = WebRtcRuntime.get();
    String cid = "TR_VJ" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    CustomVideoSource source = new CustomVideoSource(clock());
    VideoSourceImpl videoSource = new VideoSourceImpl(source, opts, name, clockSource);
    VideoTrack track = rt.factory.createVideoTrack(cid, source);
    LocalVideoTrackImpl t = new LocalVideoTrackImpl(track, cid, name, videoSource);
    localTracks.add(t);
    return t;
  }

  /** One clock for all custom sources of this room, so audio and video capture times share a time base. */
  private synchronized SyncClock clock() {
    if (syncClock == null) {
      syncClock = new SyncClock();
    }
    return syncClock;
  }

  private CompletableFuture<TrackInfo> requestAddTrack(LocalTrackImpl track, TrackPublishOptions opts) {
    CompletableFuture<TrackInfo> f = new CompletableFuture<>();
    pendingPublishes.put(track.cid, f);
    LivekitRtc.AddTrackRequest.Builder req = LivekitRtc.AddTrackRequest.newBuilder()
        .setCid(track.cid).setName(track.name()).setType(ProtoMapping.type(track.kind()))
        .setSource(ProtoMapping.source(opts.source())).setMuted(false)
        .setDisableDtx(!opts.dtx()).setStereo(opts.stereo());
    if (!opts.stream().isEmpty()) {
      req.setStream(opts.stream());
    }
    if (track instanceof LocalVideoTrackImpl v) {
      req.setWidth(v.source().width()).setHeight(v.source().height());
    }
    send(SignalRequest.newBuilder().setAddTrack(req).build());
    return f;
  }

  private static String streamId(LocalTrackImpl track, TrackPublishOptions opts) {
    return opts.stream().isEmpty() ? track.cid : opts.stream();
  }

  LocalTrackPublication publishTrack(LocalTrack track, TrackPublishOptions opts, Duration timeout) {
    checkBlockingAllowed();
    checkOpen();
    if (!(track instanceof LocalTrackImpl impl) || !localTracks.contains(impl)) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT,
          "this track was not created by this room's local participant");
    }
    if (impl.isClosed()) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "the track was closed");
    }
    if (!impl.sid().isEmpty()) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "the track is already published as " + impl.sid());
    }
    if (!local.info().getPermission().getCanPublish() && local.info().hasPermission()) {
      throw new AgentException(AgentException.Code.PERMISSION_DENIED, "this participant may not publish (its token lacks "
          + "the canPublish grant)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<TrackInfo> ack = callOnEngine(() -> requestAddTrack(impl, opts), deadline);
    TrackInfo info;
    try {
      info = await(ack, deadline, "the server did not acknowledge the publication of '" + impl.name() + "'");
    } catch (AgentException e) {
      engine.execute(() -> pendingPublishes.remove(impl.cid));
      throw e;
    }
    LocalTrackPublicationImpl pub = new LocalTrackPublicationImpl(this, impl, opts, info);
    CompletableFuture<Void> negotiated = callOnEngine(() -> {
      impl.setSid(info.getSid());
      pub.sender = publisher.pc.addTrack(impl.rtcTrack, List.of(streamId(impl, opts)));
      local.publications.put(info.getSid(), pub);
      emit(l -> l.onLocalTrackPublished(this, pub));
      return negotiatePublisher(false);
    }, deadline);
    await(negotiated, deadline, "the publisher negotiation for '" + impl.name() + "' did not complete");
    return pub;
  }

  void unpublishTrack(String sid) {
    engine.execute(() -> {
      LocalTrackPublicationImpl pub = local.publications.get(sid);
      if (pub != null) {
        doUnpublish(pub);
      }
    });
  }

  private void doUnpublish(LocalTrackPublicationImpl pub) {
    local.publications.remove(pub.sid());
    pub.track.setSid("");
    if (pub.sender != null && publisher != null) {
      try {
        publisher.pc.removeTrack(pub.sender);
      } catch (RuntimeException e) {
        LOG.debug("removing sender: {}", e.toString());
      }
      pub.sender = null;
      negotiatePublisher(false);
    }
    emit(l -> l.onLocalTrackUnpublished(this, pub));
  }

  void setLocalMuted(LocalTrackPublicationImpl pub, boolean muted) {
    engine.execute(() -> {
      if (pub.isMuted() != muted) {
        applyLocalMute(pub, muted, true);
      }
    });
  }

  private void applyLocalMute(LocalTrackPublicationImpl pub, boolean muted, boolean tellServer) {
    pub.setInfo(pub.info().toBuilder().setMuted(muted).build());
    try {
      pub.track.rtcTrack.setEnabled(!muted);
    } catch (RuntimeException e) {
      LOG.debug("enabling track: {}", e.toString());
    }
    if (tellServer) {
      send(SignalRequest.newBuilder().setMute(LivekitRtc.MuteTrackRequest.newBuilder()
          .setSid(pub.sid()).setMuted(muted)).build());
    }
    emit(l -> {
      if (muted) {
        l.onTrackMuted(this, local, pub);
      } else {
        l.onTrackUnmuted(this, local, pub);
      }
    });
  }

  void requestSubscription(RemoteTrackPublicationImpl pub, boolean subscribe) {
    engine.execute(() -> {
      pub.setWanted(subscribe);
      send(SignalRequest.newBuilder().setSubscription(LivekitRtc.UpdateSubscription.newBuilder()
          .addTrackSids(pub.sid()).setSubscribe(subscribe)
          .addParticipantTracks(LivekitModels.ParticipantTracks.newBuilder()
              .setParticipantSid(pub.participant.sid()).addTrackSids(pub.sid()))).build());
    });
  }

  void setMetadata(String metadata) {
    engine.execute(() -> send(SignalRequest.newBuilder().setUpdateMetadata(
        LivekitRtc.UpdateParticipantMetadata.newBuilder().setMetadata(metadata).setName(local.name())
            .setRequestId(++requestId)).build()));
  }

  void publishData(byte[] payload, DataPublishOptions opts) {
    checkBlockingAllowed();
    checkOpen();
    if (payload.length > LocalParticipant.MAX_DATA_PAYLOAD_BYTES) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "data payload of " + payload.length
          + " bytes exceeds " + LocalParticipant.MAX_DATA_PAYLOAD_BYTES + "; split it into several packets");
    }
    if (local.info().hasPermission() && !local.info().getPermission().getCanPublishData()) {
      throw new AgentException(AgentException.Code.PERMISSION_DENIED,
          "this participant may not publish data (its token lacks the canPublishData grant)");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    // make sure the publisher connection exists (subscriber-primary rooms negotiate it lazily)
    callOnEngine(() -> {
      if (!publisher.isNegotiated()) {
        negotiatePublisher(false);
      }
      return null;
    }, deadline);
    while (true) {
      RTCDataChannel dc = opts.reliable() ? pubReliable : pubLossy;
      PeerTransport pub = publisher;
      if (dc != null && pub != null && pub.isConnected() && dc.getState() == RTCDataChannelState.OPEN) {
        byte[] bytes = callOnEngine(() -> buildPacket(payload, opts).toByteArray(), deadline);
        if (bytes.length > MAX_PACKET_BYTES) {
          throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "the data packet would be " + bytes.length
              + " bytes (more than " + MAX_PACKET_BYTES + "); shorten the payload, topic or destination list");
        }
        try {
          dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(bytes), true));
          return;
        } catch (Exception e) {
          throw new AgentException(AgentException.Code.INTERNAL, "sending on " + dc.getLabel() + " failed: " + e, e);
        }
      }
      if (state == ConnectionState.DISCONNECTED) {
        throw new AgentException(AgentException.Code.DISCONNECTED, "the room is disconnected");
      }
      if (System.nanoTime() > deadline) {
        throw new AgentException(AgentException.Code.TIMEOUT, "the publisher data channel did not open within 15 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AgentException(AgentException.Code.INTERNAL, "interrupted while waiting for the data channel", e);
      }
    }
  }

  private LivekitModels.DataPacket buildPacket(byte[] payload, DataPublishOptions opts) {
    LivekitModels.UserPacket.Builder user = LivekitModels.UserPacket.newBuilder()
        .setPayload(com.google.protobuf.ByteString.copyFrom(payload))
        .addAllDestinationIdentities(opts.destinationIdentities());
    opts.topic().ifPresent(user::setTopic);
    LivekitModels.DataPacket.Builder p = LivekitModels.DataPacket.newBuilder()
        .setKind(opts.reliable() ? LivekitModels.DataPacket.Kind.RELIABLE : LivekitModels.DataPacket.Kind.LOSSY)
        .setParticipantIdentity(local.identity())
        .addAllDestinationIdentities(opts.destinationIdentities())
        .setUser(user);
    if (opts.reliable()) {
      p.setSequence((int) ++reliableSeq);
    }
    return p.build();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // leaving

  @Override
  public void disconnect() {
    checkBlockingAllowed();
    if (state == ConnectionState.DISCONNECTED) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    engine.execute(() -> {
      try {
        if (state != ConnectionState.DISCONNECTED) {
          leaving = true;
          send(SignalRequest.newBuilder().setLeave(LeaveRequest.newBuilder()
              .setReason(LivekitModels.DisconnectReason.CLIENT_INITIATED)
              .setAction(LeaveRequest.Action.DISCONNECT)).build());
          finish(DisconnectReason.CLIENT_INITIATED);
        }
      } finally {
        done.complete(null);
      }
    });
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("disconnect did not complete cleanly: {}", e.toString());
    }
  }

  @Override
  public void disconnectAsync() {
    NamedThreads.start("lk-rtc-disconnect", this::disconnect);
  }

  /** Engine thread: the end. Closes everything and delivers the last events, then stops the threads. */
  private void finish(DisconnectReason reason) {
    if (state == ConnectionState.DISCONNECTED) {
      return;
    }
    leaving = true;
    stopPing();
    if (signal != null) {
      signal.close();
      signal = null;
    }
    for (CompletableFuture<TrackInfo> f : pendingPublishes.values()) {
      f.completeExceptionally(new AgentException(AgentException.Code.DISCONNECTED, "the room disconnected"));
    }
    pendingPublishes.clear();
    if (firstMessage != null) {
      firstMessage.completeExceptionally(new AgentException(AgentException.Code.DISCONNECTED, "the room disconnected"));
    }
    primaryConnected.completeExceptionally(new AgentException(AgentException.Code.DISCONNECTED, "the room disconnected"));
    for (RemoteParticipantImpl p : remotes.values()) {
      for (RemoteTrackPublicationImpl pub : p.publications.values()) {
        RemoteTrackImpl t = pub.trackImpl();
        if (t != null) {
          t.end();
        }
      }
    }
    for (LocalTrackImpl t : localTracks) {
      t.stopSource();
    }
    closePeerConnections();
    setState(ConnectionState.DISCONNECTED);
    emit(l -> l.onDisconnected(this, reason));
    events.execute(() -> {
      if (ownEventThread != null) {
        ownEventThread.shutdown();
      }
    });
    engineThread.shutdown();
    LOG.info("room {}: disconnected ({})", roomInfo.getName(), reason);
  }

  private void closePeerConnections() {
    if (publisher != null) {
      publisher.close();
    }
    if (subscriber != null) {
      subscriber.close();
    }
    pubReliable = null;
    pubLossy = null;
    subChannels.clear();
    pendingRemoteTracks.clear();
  }

  private void shutdownQuietly() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    engine.execute(() -> {
      leaving = true;
      if (signal != null) {
        signal.close();
      }
      closePeerConnections();
      for (LocalTrackImpl t : localTracks) {
        t.stopSource();
      }
      state = ConnectionState.DISCONNECTED;
      done.complete(null);
    });
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("cleanup after a failed connect: {}", e.toString());
    }
    engineThread.shutdown();
    if (ownEventThread != null) {
      ownEventThread.shutdown();
    }
  }

  /** For tests: drops the signalling TCP connection without a close frame, as a network failure would. */
  void simulateSignalLoss() {
    engine.execute(() -> {
      if (signal != null) {
        signal.abort();
      }
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // plumbing

  private void setState(ConnectionState s) {
    ConnectionState old;
    synchronized (stateLock) {
      old = state;
      state = s;
      stateLock.notifyAll();
    }
    if (old != s) {
      emit(l -> l.onConnectionStateChanged(this, s));
    }
  }

  private void emit(Consumer<RoomListener> event) {
    events.execute(() -> {
      for (RoomListener l : listeners) {
        try {
          event.accept(l);
        } catch (Throwable t) {
          LOG.warn("a room listener threw: {}", t.toString(), t);
        }
      }
    });
  }

  private void checkBlockingAllowed() {
    if (events.inExecutor() || engine.inExecutor()) {
      throw new AgentException(AgentException.Code.WRONG_THREAD, "this call blocks and was made on the room's event "
          + "thread, where it would wait for itself; call it from another thread");
    }
  }

  private void checkOpen() {
    if (state == ConnectionState.DISCONNECTED) {
      throw new AgentException(AgentException.Code.DISCONNECTED, "the room is disconnected; connect a new one");
    }
  }

  private <T> T callOnEngine(Callable<T> task, long deadline) {
    CompletableFuture<T> f = new CompletableFuture<>();
    engine.execute(() -> {
      try {
        f.complete(task.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return await(f, deadline, "the room's engine thread did not respond");
  }

  private void runOnEngine(Runnable task, long deadline) {
    callOnEngine(() -> {
      task.run();
      return null;
    }, deadline);
  }

  private static long remainingMillis(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  private static <T> T await(CompletableFuture<T> f, long deadline, String what) {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new AgentException(AgentException.Code.TIMEOUT, what + " in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(AgentException.Code.INTERNAL, "interrupted: " + what, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r && (r instanceof AgentException || r instanceof NeedFullReconnect
          || r instanceof FatalLeave)) {
        throw r;
      }
      throw new AgentException(AgentException.Code.INTERNAL, what + ": " + c, c);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Room getters

  @Override
  public String name() {
    return roomInfo.getName();
  }

  @Override
  public String sid() {
    return roomInfo.getSid();
  }

  @Override
  public String metadata() {
    return roomInfo.getMetadata();
  }

  @Override
  public String serverVersion() {
    return serverVersion;
  }

  @Override
  public ConnectionState connectionState() {
    return state;
  }

  @Override
  public boolean awaitState(ConnectionState wanted, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (stateLock) {
      while (state != wanted) {
        if (state == ConnectionState.DISCONNECTED) {
          return false;
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(stateLock, left);
      }
      return true;
    }
  }

  @Override
  public LocalParticipant localParticipant() {
    return local;
  }

  @Override
  public Map<String, RemoteParticipant> remoteParticipants() {
    Map<String, RemoteParticipant> m = new HashMap<>();
    for (RemoteParticipantImpl p : remotes.values()) {
      m.put(p.identity(), p);
    }
    return Map.copyOf(m);
  }

  @Override
  public Optional<RemoteParticipant> remoteParticipant(String identity) {
    for (RemoteParticipantImpl p : remotes.values()) {
      if (p.identity().equals(identity)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public List<Participant> activeSpeakers() {
    return activeSpeakers;
  }

  @Override
  public void addListener(RoomListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeListener(RoomListener listener) {
    listeners.remove(listener);
  }

  @Override
  public String toString() {
    return "Room[" + name() + " " + sid() + " " + state + "]";
  }
}
