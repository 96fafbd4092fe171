package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import livekit.LivekitRtc.SignalTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer connection (publisher or subscriber) with LiveKit's negotiation rules: the publisher always offers
 * (numbered offers, answers must echo the id), the subscriber always answers. Remote candidates that arrive before
 * the remote description are queued. All methods are called on the room's engine thread.
 */
final class PeerTransport {
  private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);

  final SignalTarget target;
  final RTCPeerConnection pc;
  private final List<RTCIceCandidate> pendingCandidates = new ArrayList<>();
  private boolean remoteSet;
  private volatile RTCPeerConnectionState state = RTCPeerConnectionState.NEW;

  // publisher negotiation state
  private int lastOfferId;
  private boolean awaitingAnswer;
  private boolean renegotiate;
  private boolean iceRestartNext;
  private final List<CompletableFuture<Void>> negotiationWaiters = new ArrayList<>();
  private final List<CompletableFuture<Void>> nextRoundWaiters = new ArrayList<>();

  private final Executor engine;

  PeerTransport(SignalTarget target, RTCPeerConnection pc, Executor engine) {
    this.target = target;
    this.pc = pc;
    this.engine = engine;
  }

  RTCPeerConnectionState state() {
    return state;
  }

  void setState(RTCPeerConnectionState s) {
    this.state = s;
  }

  boolean isConnected() {
    return state == RTCPeerConnectionState.CONNECTED;
  }

  /** Whether an offer/answer was ever completed on it. */
  boolean isNegotiated() {
    return remoteSet;
  }

  void addRemoteCandidate(RTCIceCandidate c) {
    if (remoteSet) {
      pc.addIceCandidate(c);
    } else {
      pendingCandidates.add(c);
    }
  }

  /** Publisher: starts (or queues) an offer; the returned future completes when an answer to it is applied. */
  CompletableFuture<Void> negotiate(boolean iceRestart, Consumer<livekit.LivekitRtc.SessionDescription> sendOffer) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    iceRestartNext |= iceRestart;
    if (awaitingAnswer) {
      renegotiate = true;
      nextRoundWaiters.add(done);
      return done;
    }
    negotiationWaiters.add(done);
    createAndSendOffer(sendOffer);
    return done;
  }

  private void createAndSendOffer(Consumer<livekit.LivekitRtc.SessionDescription> sendOffer) {
    awaitingAnswer = true;
    RTCOfferOptions options = new RTCOfferOptions();
    options.iceRestart = iceRestartNext;
    iceRestartNext = false;
    int id = ++lastOfferId;
    createOffer(options).thenCompose(offer -> setLocal(offer).thenApply(v -> offer)).whenCompleteAsync((offer, err) -> {
      if (err != null) {
        awaitingAnswer = false;
        failWaiters(err);
        return;
      }
      sendOffer.accept(Sdp.toProto(offer, id));
    }, engine);
  }

  /**
   * Publisher: applies the server's answer. Answers with a non-zero id other than the last offer's are stale and
   * ignored. A renegotiation requested meanwhile starts once it is applied.
   */
  void onAnswer(livekit.LivekitRtc.SessionDescription answer,
      Consumer<livekit.LivekitRtc.SessionDescription> sendOffer) {
    if (answer.getId() != 0 && answer.getId() != lastOfferId) {
      LOG.debug("ignoring a stale publisher answer (id {} while the last offer is {})", answer.getId(), lastOfferId);
      return;
    }
    RTCSessionDescription desc;
    try {
      desc = Sdp.fromProto(answer);
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring a bad publisher answer: {}", e.getMessage());
      return;
    }
    setRemote(desc).whenCompleteAsync((v, err) -> {
      awaitingAnswer = false;
      if (err != null) {
        LOG.warn("the publisher answer was rejected by WebRTC: {}", err.getMessage());
        failWaiters(err);
      } else {
        List<CompletableFuture<Void>> done = new ArrayList<>(negotiationWaiters);
        negotiationWaiters.clear();
        done.forEach(f -> f.complete(null));
      }
      if (renegotiate) {
        renegotiate = false;
        negotiationWaiters.addAll(nextRoundWaiters);
        nextRoundWaiters.clear();
        createAndSendOffer(sendOffer);
      }
    }, engine);
  }

  private void failWaiters(Throwable err) {
    List<CompletableFuture<Void>> all = new ArrayList<>(negotiationWaiters);
    all.addAll(nextRoundWaiters);
    negotiationWaiters.clear();
    nextRoundWaiters.clear();
    all.forEach(f -> f.completeExceptionally(err));
  }

  /** Subscriber: applies a server offer and returns the answer to send (same id). */
  CompletableFuture<livekit.LivekitRtc.SessionDescription> answerOffer(livekit.LivekitRtc.SessionDescription offer) {
    RTCSessionDescription desc;
    try {
      desc = Sdp.fromProto(offer);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return setRemote(desc)
        .thenCompose(v -> createAnswer())
        .thenCompose(answer -> setLocal(answer).thenApplyAsync(v -> Sdp.toProto(answer, offer.getId()), engine));
  }

  /** Resets the negotiation state after a full rejoin is abandoned, failing pending waiters. */
  void close() {
    failWaiters(new IllegalStateException("peer connection closed"));
    try {
      pc.close();
    } catch (RuntimeException e) {
      LOG.debug("closing peer connection: {}", e.toString());
    }
  }

  private CompletableFuture<RTCSessionDescription> createOffer(RTCOfferOptions options) {
    CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
    pc.createOffer(options, observer(f));
    return f;
  }

  private CompletableFuture<RTCSessionDescription> createAnswer() {
    CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
    pc.createAnswer(new RTCAnswerOptions(), observer(f));
    return f;
  }

  private CompletableFuture<Void> setLocal(RTCSessionDescription d) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    pc.setLocalDescription(d, setObserver(f));
    return f;
  }

  private CompletableFuture<Void> setRemote(RTCSessionDescription d) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    pc.setRemoteDescription(d, setObserver(f));
    return f.thenRunAsync(() -> {
      remoteSet = true;
      for (RTCIceCandidate c : pendingCandidates) {
        pc.addIceCandidate(c);
      }
      pendingCandidates.clear();
    }, engine);
  }

  private static CreateSessionDescriptionObserver observer(CompletableFuture<RTCSessionDescription> f) {
    return SdpCallbacks.created(f::complete, error -> f.completeExceptionally(new IllegalStateException(error)));
  }

  private static SetSessionDescriptionObserver setObserver(CompletableFuture<Void> f) {
    return SdpCallbacks.applied(() -> f.complete(null),
        error -> f.completeExceptionally(new IllegalStateException(error)));
  }
}
