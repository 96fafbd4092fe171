package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import io.livekit.agents.internal.auth.LiveKitTokens;
import io.livekit.agents.internal.auth.VerifiedToken;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitModels;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;

/**
 * A small LiveKit-compatible SFU for the room client's tests, on real webrtc-java peer connections: v0
 * {@code /rtc} signalling with subscriber-primary dual peer connections (as livekit-server does), AddTrack →
 * TrackPublished, forwarding of received tracks to the other participants ({@code addTrack} with msid stream
 * {@code PA_x|TR_y}, participant update first), data packet routing with the sender stamped and destinations
 * honoured, mute, ping/pong, leave, resume (or declining it with Leave RECONNECT) and duplicate identities.
 * One room, test use only. All state lives on one thread.
 */
final class TestSfu implements AutoCloseable {
  static final String KEY = "devkey";
  static final String SECRET = "secret";

  /** What the server does with a resume request. */
  enum ResumeMode { RESUME, DECLINE }

  private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-sfu"));
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  private final String host;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<String, Session> sessions = new LinkedHashMap<>(); // by participant sid
  final List<SignalRequest> received = new CopyOnWriteArrayList<>();
  volatile ResumeMode resumeMode = ResumeMode.RESUME;
  volatile int pingInterval = 2;
  volatile int pingTimeout = 6;

  private final class Session {
    final String identity;
    final String sid;
    final boolean autoSubscribe;
    Channel ws;
    ParticipantInfo.Builder info;
    RTCPeerConnection pub;
    RTCPeerConnection sub;
    final List<RTCIceCandidate> pubPending = new ArrayList<>();
    final List<RTCIceCandidate> subPending = new ArrayList<>();
    boolean pubRemoteSet;
    boolean subRemoteSet;
    final Map<String, RTCDataChannel> subChannels = new HashMap<>();
    final Map<String, TrackInfo> pendingAdds = new HashMap<>(); // by cid
    final Map<String, MediaStreamTrack> published = new HashMap<>(); // by track sid
    final Map<String, RTCRtpSender> subSenders = new HashMap<>(); // forwarded track sid -> sender
    int subOfferId;
    boolean subAwaitingAnswer;
    boolean subRenegotiate;
    boolean subIceRestart;

    Session(String identity, String sid, boolean autoSubscribe) {
      this.identity = identity;
      this.sid = sid;
      this.autoSubscribe = autoSubscribe;
    }

    void send(SignalResponse r) {
      Channel c = ws;
      if (c != null && c.isActive()) {
        c.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(r.toByteArray())));
      }
    }
  }

  TestSfu(String host) throws InterruptedException {
    this.host = host;
    ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Handler());
          }
        });
    server = b.bind(host, 0).sync().channel();
  }

  String url() {
    return "ws://" + host + ":" + ((InetSocketAddress) server.localAddress()).getPort();
  }

  static String token(String identity, String room) {
    return LiveKitTokens.sign(KEY, SECRET, identity, Map.of("video", Map.of("roomJoin", true, "room", room)),
        java.time.Duration.ofHours(1));
  }

  private String newId(String prefix) {
    return prefix + String.format("%012d", ids.incrementAndGet());
  }

  private final class Handler extends SimpleChannelInboundHandler<Object> {
    private WebSocketServerHandshaker handshaker;
    private String sessionSid;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest req) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        if (!q.path().equals("/rtc")) {
          reply(ctx, HttpResponseStatus.NOT_FOUND, "not found");
          return;
        }
        String auth = req.headers().get("Authorization", "");
        String token = auth.startsWith("Bearer ") ? auth.substring(7) : param(q, "access_token");
        VerifiedToken vt;
        try {
          vt = LiveKitTokens.verify(token, k -> KEY.equals(k) ? SECRET : null);
        } catch (Exception e) {
          reply(ctx, HttpResponseStatus.UNAUTHORIZED, "invalid token: " + e.getMessage());
          return;
        }
        handshaker = new WebSocketServerHandshakerFactory("ws://" + host + "/rtc", null, false, 8 << 20)
            .newHandshaker(req);
        Channel ch = ctx.channel();
        handshaker.handshake(ch, req).addListener(f -> loop.execute(() -> {
          boolean resume = "1".equals(param(q, "reconnect"));
          sessionSid = resume ? onResume(ch, param(q, "sid")) : onJoin(ch, vt.identity(),
              !"0".equals(param(q, "auto_subscribe")));
        }));
        return;
      }
      if (msg instanceof BinaryWebSocketFrame frame) {
        byte[] bytes = ByteBufUtil.getBytes(frame.content());
        loop.execute(() -> {
          try {
            SignalRequest r = SignalRequest.parseFrom(bytes);
            received.add(r);
            Session s = sessions.get(sessionSid);
            if (s != null && s.ws == ctx.channel()) {
              onRequest(s, r);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      } else if (msg instanceof WebSocketFrame frame && handshaker != null) {
        handshaker.close(ctx.channel(), (io.netty.handler.codec.http.websocketx.CloseWebSocketFrame) frame.retain());
      }
    }
  }

  private static String param(QueryStringDecoder q, String name) {
    List<String> v = q.parameters().get(name);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  private static void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
    DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set("Content-Length", r.content().readableBytes());
    ctx.writeAndFlush(r).addListener(f -> ctx.close());
  }

  // --- join / resume / leave ----------------------------------------------------------------------------------------

  private String onJoin(Channel ch, String identity, boolean autoSubscribe) {
    for (Session old : List.copyOf(sessions.values())) {
      if (old.identity.equals(identity)) {
        old.send(SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
            .setReason(LivekitModels.DisconnectReason.DUPLICATE_IDENTITY)
            .setAction(LivekitRtc.LeaveRequest.Action.DISCONNECT)).build());
        removeSession(old);
      }
    }
    Session s = new Session(identity, newId("PA_"), autoSubscribe);
    s.ws = ch;
    s.info = ParticipantInfo.newBuilder().setSid(s.sid).setIdentity(identity).setName(identity)
        .setState(ParticipantInfo.State.ACTIVE).setVersion(1).setJoinedAt(System.currentTimeMillis() / 1000)
        .setPermission(LivekitModels.ParticipantPermission.newBuilder().setCanPublish(true).setCanSubscribe(true)
            .setCanPublishData(true));
    LivekitRtc.JoinResponse.Builder join = LivekitRtc.JoinResponse.newBuilder()
        .setRoom(LivekitModels.Room.newBuilder().setSid("RM_test00000001").setName("test-room"))
        .setParticipant(s.info)
        .setServerVersion("1.9.0")
        .setServerInfo(LivekitModels.ServerInfo.newBuilder().setVersion("1.9.0").setProtocol(16))
        .setSubscriberPrimary(true).setPingInterval(pingInterval).setPingTimeout(pingTimeout);
    for (Session o : sessions.values()) {
      join.addOtherParticipants(o.info);
    }
    s.send(SignalResponse.newBuilder().setJoin(join).build());
    sessions.put(s.sid, s);
    createPeerConnections(s);
    broadcast(s.info.build(), s);
    if (autoSubscribe) {
      for (Session o : sessions.values()) {
        if (o != s) {
          for (String trackSid : o.published.keySet()) {
            forward(o, trackSid, s);
          }
        }
      }
    }
    subscriberNegotiate(s);
    return s.sid;
  }

  private String onResume(Channel ch, String sid) {
    Session s = sessions.get(sid);
    if (s == null || resumeMode == ResumeMode.DECLINE) {
      ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(SignalResponse.newBuilder()
          .setLeave(LivekitRtc.LeaveRequest.newBuilder().setReason(LivekitModels.DisconnectReason.STATE_MISMATCH)
              .setAction(LivekitRtc.LeaveRequest.Action.RECONNECT)).build().toByteArray())))
          .addListener(f -> ch.close());
      return null;
    }
    s.ws = ch;
    s.send(SignalResponse.newBuilder().setReconnect(LivekitRtc.ReconnectResponse.newBuilder()
        .setServerInfo(LivekitModels.ServerInfo.newBuilder().setVersion("1.9.0"))).build());
    s.subIceRestart = true;
    subscriberNegotiate(s);
    return s.sid;
  }

  private void removeSession(Session s) {
    sessions.remove(s.sid);
    if (s.ws != null) {
      s.ws.close();
    }
    for (Session o : sessions.values()) {
      boolean changed = false;
      for (String trackSid : s.published.keySet()) {
        RTCRtpSender sender = o.subSenders.remove(trackSid);
        if (sender != null) {
          o.sub.removeTrack(sender);
          changed = true;
        }
      }
      if (changed) {
        subscriberNegotiate(o);
      }
    }
    broadcast(s.info.setState(ParticipantInfo.State.DISCONNECTED).setVersion(s.info.getVersion() + 1).build(), s);
    s.pub.close();
    s.sub.close();
  }

  /** Closes a participant's signalling connection without removing it, as a network failure would. */
  void dropSignal(String identity) {
    runOnLoop(() -> {
      for (Session s : sessions.values()) {
        if (s.identity.equals(identity) && s.ws != null) {
          s.ws.close();
        }
      }
    });
  }

  /** Sends a SpeakersChanged to everyone: {@code identity} speaking at {@code level}. */
  void announceSpeaker(String identity, float level) {
    runOnLoop(() -> {
      for (Session s : sessions.values()) {
        if (s.identity.equals(identity)) {
          SignalResponse r = SignalResponse.newBuilder().setSpeakersChanged(LivekitRtc.SpeakersChanged.newBuilder()
              .addSpeakers(LivekitModels.SpeakerInfo.newBuilder().setSid(s.sid).setLevel(level).setActive(true)))
              .build();
          sessions.values().forEach(o -> o.send(r));
        }
      }
    });
  }

  /** The participant sids of the sessions with this identity (normally one). */
  List<String> sidsOf(String identity) {
    CompletableFuture<List<String>> f = new CompletableFuture<>();
    loop.execute(() -> f.complete(sessions.values().stream().filter(s -> s.identity.equals(identity))
        .map(s -> s.sid).toList()));
    return f.join();
  }

  private void runOnLoop(Runnable r) {
    CompletableFuture.runAsync(r, loop).join();
  }

  private void broadcast(ParticipantInfo info, Session except) {
    SignalResponse r = SignalResponse.newBuilder().setUpdate(LivekitRtc.ParticipantUpdate.newBuilder()
        .addParticipants(info)).build();
    for (Session o : sessions.values()) {
      if (o != except) {
        o.send(r);
      }
    }
  }

  private void broadcastAll(Session s) {
    s.info.setVersion(s.info.getVersion() + 1);
    SignalResponse r = SignalResponse.newBuilder().setUpdate(LivekitRtc.ParticipantUpdate.newBuilder()
        .addParticipants(s.info)).build();
    sessions.values().forEach(o -> o.send(r));
  }

  // --- signal requests -------------------------------------------------------------------------------------------

  private void onRequest(Session s, SignalRequest r) {
    switch (r.getMessageCase()) {
      case OFFER -> {
        int id = r.getOffer().getId();
        setRemote(s.pub, new RTCSessionDescription(dev.onvoid.webrtc.RTCSdpType.OFFER, r.getOffer().getSdp()), () -> {
          s.pubRemoteSet = true;
          s.pubPending.forEach(s.pub::addIceCandidate);
          s.pubPending.clear();
          s.pub.createAnswer(new RTCAnswerOptions(), created(answer -> s.pub.setLocalDescription(answer,
              done(() -> loop.execute(() -> s.send(SignalResponse.newBuilder().setAnswer(LivekitRtc.SessionDescription
                  .newBuilder().setType("answer").setSdp(answer.sdp).setId(id)).build()))))));
        });
      }
      case ANSWER -> setRemote(s.sub, new RTCSessionDescription(dev.onvoid.webrtc.RTCSdpType.ANSWER,
          r.getAnswer().getSdp()), () -> {
            s.subRemoteSet = true;
            s.subPending.forEach(s.sub::addIceCandidate);
            s.subPending.clear();
            s.subAwaitingAnswer = false;
            if (s.subRenegotiate) {
              s.subRenegotiate = false;
              subscriberNegotiate(s);
            }
          });
      case TRICKLE -> {
        RTCIceCandidate c = Sdp.candidateFromJson(r.getTrickle().getCandidateInit());
        if (c == null) {
          return;
        }
        if (r.getTrickle().getTarget() == SignalTarget.PUBLISHER) {
          if (s.pubRemoteSet) {
            s.pub.addIceCandidate(c);
          } else {
            s.pubPending.add(c);
          }
        } else if (s.subRemoteSet) {
          s.sub.addIceCandidate(c);
        } else {
          s.subPending.add(c);
        }
      }
      case ADD_TRACK -> {
        LivekitRtc.AddTrackRequest a = r.getAddTrack();
        TrackInfo info = TrackInfo.newBuilder().setSid(newId("TR_")).setName(a.getName()).setType(a.getType())
            .setSource(a.getSource()).setMuted(a.getMuted()).setWidth(a.getWidth()).setHeight(a.getHeight())
            .setMimeType(a.getType() == LivekitModels.TrackType.AUDIO ? "audio/opus" : "video/VP8").build();
        s.pendingAdds.put(a.getCid(), info);
        s.send(SignalResponse.newBuilder().setTrackPublished(LivekitRtc.TrackPublishedResponse.newBuilder()
            .setCid(a.getCid()).setTrack(info)).build());
      }
      case MUTE -> {
        for (int i = 0; i < s.info.getTracksCount(); i++) {
          if (s.info.getTracks(i).getSid().equals(r.getMute().getSid())) {
            s.info.setTracks(i, s.info.getTracks(i).toBuilder().setMuted(r.getMute().getMuted()));
          }
        }
        broadcastAll(s);
      }
      case SUBSCRIPTION -> {
        for (String trackSid : r.getSubscription().getTrackSidsList()) {
          Session owner = ownerOf(trackSid);
          if (owner == null) {
            continue;
          }
          if (r.getSubscription().getSubscribe()) {
            if (!s.subSenders.containsKey(trackSid)) {
              forward(owner, trackSid, s);
              subscriberNegotiate(s);
            }
          } else {
            RTCRtpSender sender = s.subSenders.remove(trackSid);
            if (sender != null) {
              s.sub.removeTrack(sender);
              subscriberNegotiate(s);
            }
          }
        }
      }
      case LEAVE -> removeSession(s);
      case PING_REQ -> s.send(SignalResponse.newBuilder().setPongResp(LivekitRtc.Pong.newBuilder()
          .setLastPingTimestamp(r.getPingReq().getTimestamp()).setTimestamp(System.currentTimeMillis())).build());
      case PING -> s.send(SignalResponse.newBuilder().setPong(System.currentTimeMillis()).build());
      default -> {
      }
    }
  }

  private Session ownerOf(String trackSid) {
    for (Session o : sessions.values()) {
      if (o.published.containsKey(trackSid)) {
        return o;
      }
    }
    return null;
  }

  // --- media -----------------------------------------------------------------------------------------------------

  private void createPeerConnections(Session s) {
    WebRtcRuntime rt = WebRtcRuntime.get();
    RTCConfiguration config = new RTCConfiguration();
    s.pub = rt.factory.createPeerConnection(config, new PeerConnectionObserver() {
      @Override
      public void onIceCandidate(RTCIceCandidate c) {
        trickle(s, c, SignalTarget.PUBLISHER);
      }

      @Override
      public void onTrack(RTCRtpTransceiver t) {
        MediaStreamTrack track = t.getReceiver().getTrack();
        loop.execute(() -> onPublishedMedia(s, track));
      }

      @Override
      public void onDataChannel(RTCDataChannel dc) {
        boolean reliable = !"_lossy".equals(dc.getLabel());
        dc.registerObserver(new RTCDataChannelObserver() {
          @Override
          public void onBufferedAmountChange(long previous) {
          }

          @Override
          public void onStateChange() {
          }

          @Override
          public void onMessage(RTCDataChannelBuffer buffer) {
            byte[] bytes = new byte[buffer.data.remaining()];
            buffer.data.get(bytes);
            loop.execute(() -> routeData(s, bytes, reliable));
          }
        });
      }
    });
    s.sub = rt.factory.createPeerConnection(config, new PeerConnectionObserver() {
      @Override
      public void onIceCandidate(RTCIceCandidate c) {
        trickle(s, c, SignalTarget.SUBSCRIBER);
      }
    });
    RTCDataChannelInit reliable = new RTCDataChannelInit();
    reliable.ordered = true;
    s.subChannels.put("_reliable", s.sub.createDataChannel("_reliable", reliable));
    RTCDataChannelInit lossy = new RTCDataChannelInit();
    lossy.ordered = false;
    lossy.maxRetransmits = 0;
    s.subChannels.put("_lossy", s.sub.createDataChannel("_lossy", lossy));
  }

  private void trickle(Session s, RTCIceCandidate c, SignalTarget target) {
    String json = Sdp.candidateToJson(c);
    loop.execute(() -> s.send(SignalResponse.newBuilder().setTrickle(LivekitRtc.TrickleRequest.newBuilder()
        .setCandidateInit(json).setTarget(target)).build()));
  }

  private void onPublishedMedia(Session s, MediaStreamTrack track) {
    TrackInfo info = s.pendingAdds.remove(track.getId());
    if (info == null) {
      return;
    }
    s.published.put(info.getSid(), track);
    s.info.addTracks(info);
    broadcastAll(s); // the participant update goes out before any offer that carries the track
    for (Session o : sessions.values()) {
      if (o != s && o.autoSubscribe) {
        forward(s, info.getSid(), o);
        subscriberNegotiate(o);
      }
    }
  }

  private void forward(Session owner, String trackSid, Session to) {
    MediaStreamTrack track = owner.published.get(trackSid);
    to.subSenders.put(trackSid, to.sub.addTrack(track, List.of(owner.sid + "|" + trackSid)));
  }

  private void subscriberNegotiate(Session s) {
    if (s.subAwaitingAnswer) {
      s.subRenegotiate = true;
      return;
    }
    s.subAwaitingAnswer = true;
    RTCOfferOptions opts = new RTCOfferOptions();
    opts.iceRestart = s.subIceRestart;
    s.subIceRestart = false;
    int id = ++s.subOfferId;
    s.sub.createOffer(opts, created(offer -> s.sub.setLocalDescription(offer, done(() -> loop.execute(() ->
        s.send(SignalResponse.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder().setType("offer")
            .setSdp(offer.sdp).setId(id)).build()))))));
  }

  private void routeData(Session from, byte[] bytes, boolean reliable) {
    LivekitModels.DataPacket p;
    try {
      p = LivekitModels.DataPacket.parseFrom(bytes);
    } catch (Exception e) {
      return;
    }
    LivekitModels.DataPacket.Builder b = p.toBuilder().setParticipantIdentity(from.identity)
        .setParticipantSid(from.sid);
    List<String> dest = p.getDestinationIdentitiesCount() > 0 ? p.getDestinationIdentitiesList()
        : p.getUser().getDestinationIdentitiesList();
    if (p.hasUser()) {
      b.setUser(p.getUser().toBuilder().setParticipantIdentity(from.identity).setParticipantSid(from.sid));
    }
    byte[] out = b.build().toByteArray();
    for (Session o : sessions.values()) {
      if (o == from || (!dest.isEmpty() && !dest.contains(o.identity))) {
        continue;
      }
      RTCDataChannel dc = o.subChannels.get(reliable ? "_reliable" : "_lossy");
      try {
        ByteBuffer direct = ByteBuffer.allocateDirect(out.length).put(out).flip();
        dc.send(new RTCDataChannelBuffer(direct, true));
      } catch (Exception e) {
        // a closed channel: the participant is leaving
      }
    }
  }

  private void setRemote(RTCPeerConnection pc, RTCSessionDescription d, Runnable then) {
    pc.setRemoteDescription(d, done(() -> loop.execute(then)));
  }

  private static CreateSessionDescriptionObserver created(java.util.function.Consumer<RTCSessionDescription> then) {
    return new CreateSessionDescriptionObserver() {
      @Override
      public void onSuccess(RTCSessionDescription d) {
        then.accept(d);
      }

      @Override
      public void onFailure(String error) {
        throw new IllegalStateException(error);
      }
    };
  }

  private static SetSessionDescriptionObserver done(Runnable then) {
    return new SetSessionDescriptionObserver() {
      @Override
      public void onSuccess() {
        then.run();
      }

      @Override
      public void onFailure(String error) {
        throw new IllegalStateException(error);
      }
    };
  }

  @Override
  public void close() {
    try {
      runOnLoop(() -> {
        for (Session s : List.copyOf(sessions.values())) {
          s.pub.close();
          s.sub.close();
          if (s.ws != null) {
            s.ws.close();
          }
        }
        sessions.clear();
      });
    } finally {
      server.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      loop.shutdownNow();
    }
  }
}
