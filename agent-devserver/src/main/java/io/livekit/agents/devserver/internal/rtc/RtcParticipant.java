package io.livekit.agents.devserver.internal.rtc;

import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtcpMuxPolicy;
import dev.onvoid.webrtc.RTCRtpReceiver;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import io.livekit.agents.internal.rtc.Sdp;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrickleRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

import static io.livekit.agents.internal.rtc.SdpCallbacks.applied;
import static io.livekit.agents.internal.rtc.SdpCallbacks.created;

/**
 * One participant session of a live room, server side, in LiveKit's dual peer connection mode: the client offers on
 * its publisher connection and the server answers (echoing the offer id); the server offers on the subscriber
 * connection (ids 1, 2, 3, ...), which carries the forwarded tracks and the {@code _reliable}/{@code _lossy} data
 * channels the server opens. The subscriber connection is the primary one: it is offered right after the join.
 *
 * <p>Threads: every field is read and written on the room's thread. WebRTC callbacks (signalling thread, network
 * thread) hop onto it through {@link RtcRoom#post}; nothing here blocks except webrtc-java's own synchronous calls.
 */
final class RtcParticipant {

    private static final Logger LOG = LoggerFactory.getLogger(RtcParticipant.class);
    static final String RELIABLE = "_reliable";
    static final String LOSSY = "_lossy";
    /** Packets kept for a subscriber data channel that is not open yet. */
    private static final int MAX_QUEUED_PACKETS = 1024;
    /** A subscriber that does not read its channel gets no more lossy data beyond this backlog. */
    private static final long MAX_CHANNEL_BACKLOG = 8L << 20;
    /** How long the server waits for the answer to a subscriber offer before offering again. */
    private static final long ANSWER_TIMEOUT_MILLIS = 15_000;

    final RtcRoom room;
    final String sid;
    final String identity;
    final ParticipantInfo.Builder info;
    final boolean autoSubscribe;
    final int protocol;

    SignalSocket socket;
    boolean closed;
    boolean active;
    /** The last reliable data sequence received from this participant (LiveKit drops anything not above it). */
    long lastReliableSeq;
    /** The join or resume timer: removes the participant when it fires. */
    ScheduledFuture<?> timer;
    /** The speaker state last announced: {@code -1} when not speaking, else the quantized level. */
    int announcedLevel = -1;

    // tracks
    final Map<String, PendingTrack> pendingAdds = new LinkedHashMap<>(); // by cid
    final List<MediaStreamTrack> unmatched = new ArrayList<>();
    final Map<String, PublishedTrack> published = new LinkedHashMap<>(); // by track sid
    final Map<String, RTCRtpSender> forwarded = new LinkedHashMap<>(); // track sid -> sender on the subscriber pc
    final Map<String, Boolean> subscriptionChoice = new LinkedHashMap<>(); // track sid -> the client's choice

    // publisher peer connection: the client offers, the server answers
    private RTCPeerConnection pub;
    private boolean pubRemoteSet;
    private final List<RTCIceCandidate> pubPendingCandidates = new ArrayList<>();
    private final ArrayDeque<SessionDescription> pubOffers = new ArrayDeque<>();
    private boolean pubAnswering;
    private final List<RTCDataChannel> pubChannels = new ArrayList<>();

    // subscriber peer connection: the server offers, the client answers
    private RTCPeerConnection sub;
    private boolean subRemoteSet;
    private final List<RTCIceCandidate> subPendingCandidates = new ArrayList<>();
    private int subOfferId;
    private boolean subAwaitingAnswer;
    private boolean subNegotiateAgain;
    private boolean subIceRestart;
    private boolean subEverOffered;
    private ScheduledFuture<?> answerTimer;
    private RTCDataChannel subReliable;
    private RTCDataChannel subLossy;
    private final ArrayDeque<byte[]> queuedReliable = new ArrayDeque<>();
    private final ArrayDeque<byte[]> queuedLossy = new ArrayDeque<>();

    /** An AddTrack the server acknowledged, waiting for its media. */
    record PendingTrack(TrackInfo info, AddTrackRequest request) {
    }

    RtcParticipant(RtcRoom room, String sid, ParticipantInfo.Builder info, boolean autoSubscribe, int protocol) {
        this.room = room;
        this.sid = sid;
        this.identity = info.getIdentity();
        this.info = info;
        this.autoSubscribe = autoSubscribe;
        this.protocol = protocol;
    }

    void send(SignalResponse response) {
        SignalSocket s = socket;
        if (s != null) {
            s.send(response);
        }
    }

    boolean canSubscribe() {
        return info.getPermission().getCanSubscribe();
    }

    boolean isHidden() {
        return info.getPermission().getHidden();
    }

    // ------------------------------------------------------------------------------------------------------------
    // peer connections

    /** Creates both peer connections and the subscriber's data channels. */
    void createPeerConnections(RtcMedia media) {
        RTCConfiguration config = new RTCConfiguration();
        config.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
        config.rtcpMuxPolicy = RTCRtcpMuxPolicy.REQUIRE;
        pub = media.factory().createPeerConnection(config, new Observer(SignalTarget.PUBLISHER));
        sub = media.factory().createPeerConnection(config, new Observer(SignalTarget.SUBSCRIBER));
        RTCDataChannelInit reliable = new RTCDataChannelInit();
        reliable.ordered = true;
        subReliable = sub.createDataChannel(RELIABLE, reliable);
        RTCDataChannelInit lossy = new RTCDataChannelInit();
        lossy.ordered = false;
        lossy.maxRetransmits = 0;
        subLossy = sub.createDataChannel(LOSSY, lossy);
        subReliable.registerObserver(new ChannelObserver(subReliable));
        subLossy.registerObserver(new ChannelObserver(subLossy));
    }

    /** Closes both peer connections and their data channels. Idempotent. */
    void closePeerConnections() {
        cancelAnswerTimer();
        List<RTCDataChannel> channels = new ArrayList<>(pubChannels);
        if (subReliable != null) {
            channels.add(subReliable);
        }
        if (subLossy != null) {
            channels.add(subLossy);
        }
        for (RTCDataChannel dc : channels) {
            try {
                dc.unregisterObserver();
                dc.close();
            } catch (RuntimeException e) {
                LOG.debug("closing data channel: {}", e.toString());
            }
        }
        for (RTCPeerConnection pc : new RTCPeerConnection[] {pub, sub}) {
            if (pc != null) {
                try {
                    pc.close();
                } catch (RuntimeException e) {
                    LOG.debug("closing peer connection: {}", e.toString());
                }
            }
        }
        for (RTCDataChannel dc : channels) {
            try {
                dc.dispose();
            } catch (RuntimeException e) {
                LOG.debug("disposing data channel: {}", e.toString());
            }
        }
        pubChannels.clear();
        subReliable = null;
        subLossy = null;
        pub = null;
        sub = null;
        queuedReliable.clear();
        queuedLossy.clear();
    }

    /** Adds a published track of another participant to the subscriber connection (renegotiate afterwards). */
    boolean forward(RtcParticipant owner, PublishedTrack track) {
        if (sub == null || forwarded.containsKey(track.sid())) {
            return false;
        }
        try {
            forwarded.put(track.sid(), sub.addTrack(track.media, List.of(owner.sid + "|" + track.sid())));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("cannot forward track {} to {}: {}", track.sid(), identity, e.toString());
            return false;
        }
    }

    /** Removes a forwarded track from the subscriber connection (renegotiate afterwards). */
    boolean unforward(String trackSid) {
        RTCRtpSender sender = forwarded.remove(trackSid);
        if (sender == null || sub == null) {
            return false;
        }
        try {
            sub.removeTrack(sender);
        } catch (RuntimeException e) {
            LOG.debug("removing forwarded track {} from {}: {}", trackSid, identity, e.toString());
        }
        return true;
    }

    // ---- subscriber negotiation (server offers) ----

    /** Offers the subscriber connection (or queues another round while an offer waits for its answer). */
    void negotiateSubscriber() {
        if (closed || sub == null) {
            return;
        }
        if (subAwaitingAnswer) {
            subNegotiateAgain = true;
            return;
        }
        subAwaitingAnswer = true;
        subEverOffered = true;
        RTCOfferOptions options = new RTCOfferOptions();
        options.iceRestart = subIceRestart;
        subIceRestart = false;
        int id = ++subOfferId;
        RTCPeerConnection pc = sub;
        pc.createOffer(options, created(offer -> room.post(() -> {
            if (closed || pc != sub) {
                return;
            }
            pc.setLocalDescription(offer, applied(() -> room.post(() -> {
                if (closed || pc != sub || id != subOfferId) {
                    return;
                }
                send(SignalResponse.newBuilder().setOffer(Sdp.toProto(offer, id)).build());
                cancelAnswerTimer();
                answerTimer = room.schedule(ANSWER_TIMEOUT_MILLIS, this::answerTimedOut);
            }), err -> room.post(() -> subscriberNegotiationFailed("setting the subscriber offer", err))));
        }), err -> room.post(() -> subscriberNegotiationFailed("creating the subscriber offer", err))));
    }

    private void answerTimedOut() {
        answerTimer = null;
        if (closed || !subAwaitingAnswer) {
            return;
        }
        LOG.info("{} did not answer subscriber offer {} within {} s; offering again", identity, subOfferId,
                ANSWER_TIMEOUT_MILLIS / 1000);
        subAwaitingAnswer = false;
        negotiateSubscriber();
    }

    private void subscriberNegotiationFailed(String what, String err) {
        if (closed) {
            return;
        }
        LOG.warn("{} failed for {}: {}", what, identity, err);
        subAwaitingAnswer = false;
        if (subNegotiateAgain) {
            subNegotiateAgain = false;
            negotiateSubscriber();
        }
    }

    private void cancelAnswerTimer() {
        if (answerTimer != null) {
            answerTimer.cancel(false);
            answerTimer = null;
        }
    }

    /** The client's answer to a subscriber offer. */
    void onSubscriberAnswer(SessionDescription answer) {
        if (closed || sub == null) {
            return;
        }
        if (!subAwaitingAnswer || (answer.getId() != 0 && answer.getId() != subOfferId)) {
            LOG.debug("{}: ignoring a stale subscriber answer (id {}, last offer {})", identity, answer.getId(),
                    subOfferId);
            return;
        }
        RTCSessionDescription desc = fromProto(answer, RTCSdpType.ANSWER);
        if (desc == null) {
            return;
        }
        cancelAnswerTimer();
        RTCPeerConnection pc = sub;
        pc.setRemoteDescription(desc, applied(() -> room.post(() -> {
            if (closed || pc != sub) {
                return;
            }
            subRemoteSet = true;
            subPendingCandidates.forEach(pc::addIceCandidate);
            subPendingCandidates.clear();
            subAwaitingAnswer = false;
            if (subNegotiateAgain) {
                subNegotiateAgain = false;
                negotiateSubscriber();
            }
        }), err -> room.post(() -> subscriberNegotiationFailed("applying the subscriber answer", err))));
    }

    /** After a resume: the next subscriber offer restarts ICE; a pending offer is replaced. */
    void restartSubscriber() {
        if (sub == null || !subEverOffered) {
            return;
        }
        subIceRestart = true;
        subAwaitingAnswer = false;
        subNegotiateAgain = false;
        cancelAnswerTimer();
        negotiateSubscriber();
    }

    // ---- publisher negotiation (client offers) ----

    /** The client's publisher offer: answered in order, echoing its id. */
    void onPublisherOffer(SessionDescription offer) {
        if (closed || pub == null) {
            return;
        }
        if (pubOffers.size() >= 16) {
            LOG.warn("{} sent more publisher offers than the server can answer; dropping one", identity);
            return;
        }
        pubOffers.add(offer);
        if (!pubAnswering) {
            answerNextOffer();
        }
    }

    private void answerNextOffer() {
        SessionDescription offer = pubOffers.poll();
        if (offer == null || closed || pub == null) {
            pubAnswering = false;
            return;
        }
        pubAnswering = true;
        RTCSessionDescription desc = fromProto(offer, RTCSdpType.OFFER);
        if (desc == null) {
            answerNextOffer();
            return;
        }
        RTCPeerConnection pc = pub;
        Consumer<String> failed = err -> room.post(() -> {
            LOG.warn("cannot answer the publisher offer {} of {}: {}", offer.getId(), identity, err);
            answerNextOffer();
        });
        pc.setRemoteDescription(desc, applied(() -> room.post(() -> {
            if (closed || pc != pub) {
                return;
            }
            pubRemoteSet = true;
            pubPendingCandidates.forEach(pc::addIceCandidate);
            pubPendingCandidates.clear();
            pc.createAnswer(new RTCAnswerOptions(), created(answer -> room.post(() -> {
                if (closed || pc != pub) {
                    return;
                }
                pc.setLocalDescription(answer, applied(() -> room.post(() -> {
                    if (closed || pc != pub) {
                        return;
                    }
                    send(SignalResponse.newBuilder().setAnswer(Sdp.toProto(answer, offer.getId())).build());
                    answerNextOffer();
                }), failed));
            }), failed));
        }), failed));
    }

    // ---- ICE ----

    void onTrickle(TrickleRequest t) {
        if (closed) {
            return;
        }
        RTCIceCandidate c = candidateFromJson(t.getCandidateInit());
        if (c == null) {
            return;
        }
        if (t.getTarget() == SignalTarget.SUBSCRIBER) {
            if (sub == null) {
                return;
            }
            if (subRemoteSet) {
                sub.addIceCandidate(c);
            } else {
                subPendingCandidates.add(c);
            }
        } else {
            if (pub == null) {
                return;
            }
            if (pubRemoteSet) {
                pub.addIceCandidate(c);
            } else {
                pubPendingCandidates.add(c);
            }
        }
    }

    /** A trickled candidate, or {@code null} for an end-of-candidates marker or malformed JSON (logged). */
    private RTCIceCandidate candidateFromJson(String json) {
        try {
            return Sdp.candidateFromJson(json);
        } catch (IllegalArgumentException e) {
            LOG.info("{}: ignoring a malformed ICE candidate: {}", identity, e.getMessage());
            return null;
        }
    }

    // ---- data ----

    /** Sends one DataPacket to this participant on its subscriber channel of the given kind. */
    void sendData(byte[] packet, boolean reliable) {
        RTCDataChannel dc = reliable ? subReliable : subLossy;
        if (dc == null) {
            return;
        }
        RTCDataChannelState state = dc.getState();
        if (state == RTCDataChannelState.CONNECTING) {
            ArrayDeque<byte[]> q = reliable ? queuedReliable : queuedLossy;
            if (q.size() < MAX_QUEUED_PACKETS) {
                q.add(packet);
            }
            return;
        }
        if (state != RTCDataChannelState.OPEN) {
            return;
        }
        if (dc.getBufferedAmount() > MAX_CHANNEL_BACKLOG) {
            LOG.debug("{} is not reading its {} channel; dropping a packet", identity, dc.getLabel());
            return;
        }
        try {
            dc.send(new RTCDataChannelBuffer(ByteBuffer.allocateDirect(packet.length).put(packet).flip(), true));
        } catch (Exception e) {
            LOG.debug("sending data to {} failed: {}", identity, e.toString());
        }
    }

    private void flushQueued(RTCDataChannel dc) {
        ArrayDeque<byte[]> q = dc == subReliable ? queuedReliable : dc == subLossy ? queuedLossy : null;
        if (q == null) {
            return;
        }
        boolean reliable = dc == subReliable;
        while (!q.isEmpty() && dc.getState() == RTCDataChannelState.OPEN) {
            sendData(q.poll(), reliable);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // WebRTC callbacks (WebRTC threads) -> room thread

    private final class Observer implements PeerConnectionObserver {
        private final SignalTarget target;

        Observer(SignalTarget target) {
            this.target = target;
        }

        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            String json = Sdp.candidateToJson(candidate);
            room.post(() -> {
                if (!closed) {
                    send(SignalResponse.newBuilder().setTrickle(TrickleRequest.newBuilder()
                            .setCandidateInit(json).setTarget(target)).build());
                }
            });
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            room.post(() -> room.onConnectionState(RtcParticipant.this, target, state));
        }

        @Override
        public void onDataChannel(RTCDataChannel channel) {
            // register at once (on the signalling thread) so no message is missed
            channel.registerObserver(new ChannelObserver(channel));
            room.post(() -> {
                if (closed) {
                    try {
                        channel.unregisterObserver();
                        channel.close();
                        channel.dispose();
                    } catch (RuntimeException e) {
                        LOG.debug("closing a late data channel: {}", e.toString());
                    }
                    return;
                }
                pubChannels.add(channel);
            });
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            if (target != SignalTarget.PUBLISHER) {
                return;
            }
            MediaStreamTrack track = transceiver.getReceiver().getTrack();
            room.post(() -> room.onPublishedMedia(RtcParticipant.this, track));
        }

        @Override
        public void onRemoveTrack(RTCRtpReceiver receiver) {
            if (target != SignalTarget.PUBLISHER) {
                return;
            }
            String id = receiver.getTrack().getId();
            room.post(() -> room.onPublishedMediaRemoved(RtcParticipant.this, id));
        }
    }

    private final class ChannelObserver implements RTCDataChannelObserver {
        private final RTCDataChannel channel;
        private final String label;

        ChannelObserver(RTCDataChannel channel) {
            this.channel = channel;
            this.label = channel.getLabel();
        }

        @Override
        public void onBufferedAmountChange(long previous) {
        }

        @Override
        public void onStateChange() {
            room.post(() -> {
                if (!closed && (channel == subReliable || channel == subLossy)) {
                    flushQueued(channel);
                }
            });
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            ByteBuffer data = buffer.data;
            if (data.remaining() > RtcRoom.MAX_DATA_PACKET_BYTES) {
                LOG.info("{}: dropping a {}-byte data message (limit {})", identity, data.remaining(),
                        RtcRoom.MAX_DATA_PACKET_BYTES);
                return;
            }
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            room.post(() -> room.onDataMessage(RtcParticipant.this, label, bytes));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // helpers

    private RTCSessionDescription fromProto(SessionDescription d, RTCSdpType expected) {
        String want = expected == RTCSdpType.OFFER ? "offer" : "answer";
        if (!want.equals(d.getType())) {
            LOG.info("{}: ignoring a session description of type '{}' where an {} was expected", identity,
                    d.getType(), want);
            return null;
        }
        return new RTCSessionDescription(expected, d.getSdp());
    }

    @Override
    public String toString() {
        return identity + " (" + sid + ")";
    }
}
