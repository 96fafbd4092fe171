package io.livekit.agents.devserver.internal.rtc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import io.livekit.agents.devserver.DevServerException;
import io.livekit.agents.devserver.internal.Ids;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.ParticipantPermission;
import livekit.LivekitModels.Room;
import livekit.LivekitModels.SimulcastCodecInfo;
import livekit.LivekitModels.SpeakerInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitModels.TrackType;
import livekit.LivekitModels.UserPacket;
import livekit.LivekitRtc.AddTrackRequest;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.MuteTrackRequest;
import livekit.LivekitRtc.ParticipantUpdate;
import livekit.LivekitRtc.Pong;
import livekit.LivekitRtc.ReconnectResponse;
import livekit.LivekitRtc.RequestResponse;
import livekit.LivekitRtc.RoomUpdate;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.SimulcastCodec;
import livekit.LivekitRtc.SpeakersChanged;
import livekit.LivekitRtc.TrackPublishedResponse;
import livekit.LivekitRtc.UpdateParticipantMetadata;
import livekit.LivekitRtc.UpdateSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One live room: its participants, their signalling, the forwarding of every published track to the subscribers
 * (webrtc-java decodes and re-encodes per subscriber), data packet routing and active-speaker updates, following
 * LiveKit's server ({@code pkg/rtc/room.go}, {@code participant.go}) in its dual peer connection mode.
 *
 * <p>Threads: all state lives on the room's own thread, {@code lk-devserver-room-<name>}. Signalling sockets, WebRTC
 * callbacks, the dispatcher and Twirp calls hand work to it with {@link #post}; the public methods return at once
 * (with a future where there is an answer). The dispatcher learns of joins, changes and departures through
 * {@link RoomEvents}.
 */
public final class RtcRoom implements SignalSocket.Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(RtcRoom.class);

    /** The largest data packet routed; clients cap theirs at 64 000 bytes. */
    static final int MAX_DATA_PACKET_BYTES = 65_536;
    /** LiveKit's limits on metadata and attributes ({@code MaxMetadataSize}, {@code MaxAttributesSize}). */
    static final int MAX_METADATA_BYTES = 64_000;
    private static final int MAX_TRACKS_PER_PARTICIPANT = 64;
    private static final long SPEAKER_INTERVAL_MILLIS = 400;
    /** Audio RMS (0..1) above which a participant is speaking: about -35 dBFS, LiveKit's default active level. */
    private static final double ACTIVE_LEVEL = 0.0178;
    private static final int LEVEL_STEPS = 8;

    private final String name;
    private final RtcSettings settings;
    private final RtcMedia media;
    private final RoomEvents events;
    private final ScheduledThreadPoolExecutor thread;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    // ---- room thread only ----
    private Room.Builder room;
    private final Map<String, RtcParticipant> participants = new LinkedHashMap<>(); // by sid
    private final Map<SignalSocket, RtcParticipant> sockets = new HashMap<>();
    private ScheduledFuture<?> speakerTask;
    private boolean closed;

    /**
     * @param room     the room as the dispatcher created it
     * @param settings the signalling configuration
     * @param media    the WebRTC stack
     * @param events   where joins, changes and departures are reported
     */
    public RtcRoom(Room room, RtcSettings settings, RtcMedia media, RoomEvents events) {
        this.name = room.getName();
        this.room = room.toBuilder();
        this.settings = settings;
        this.media = media;
        this.events = events;
        String threadName = "lk-devserver-room-" + name.replaceAll("[^A-Za-z0-9._-]", "_");
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName.length() > 60 ? threadName.substring(0, 60) : threadName);
            t.setDaemon(true);
            return t;
        });
        thread.setRemoveOnCancelPolicy(true);
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        speakerTask = thread.scheduleWithFixedDelay(() -> guarded(this::announceSpeakers), SPEAKER_INTERVAL_MILLIS,
                SPEAKER_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The room name. */
    public String name() {
        return name;
    }

    // =============================================================================================================
    // threading

    /** Runs {@code task} on the room's thread; dropped once the room is closed. Any thread. */
    void post(Runnable task) {
        try {
            thread.execute(() -> guarded(task));
        } catch (RejectedExecutionException e) {
            LOG.trace("room '{}' closed; dropped a task", name);
        }
    }

    ScheduledFuture<?> schedule(long delayMillis, Runnable task) {
        try {
            return thread.schedule(() -> guarded(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            LOG.error("room task failed", t);
        }
    }

    private <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    if (closed) {
                        throw new DevServerException(DevServerException.Code.NOT_FOUND,
                                "requested room does not exist: '" + name + "' (it closed)");
                    }
                    f.complete(task.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new DevServerException(DevServerException.Code.NOT_FOUND,
                    "requested room does not exist: '" + name + "' (it closed)"));
        }
        return f;
    }

    // =============================================================================================================
    // joining, resuming, leaving

    /** Parameters of a signalling connection besides the token. */
    public record JoinParams(boolean autoSubscribe, int protocol, int clientProtocol, boolean resume, String resumeSid,
                             String remote) {
    }

    /** Creates the socket handler for a new signalling connection of this room. */
    public SignalSocket newSocket(String remote) {
        return new SignalSocket(this, remote, settings.maxMessageBytes());
    }

    /** A signalling connection was upgraded: join (or resume) the participant. Any thread. */
    public void join(SignalSocket socket, JoinGrant grant, JoinParams params) {
        post(() -> {
            if (closed) {
                socket.leave(DisconnectReason.ROOM_CLOSED, LeaveRequest.Action.DISCONNECT);
                return;
            }
            if (params.resume()) {
                resume(socket, grant, params);
            } else {
                admit(socket, grant, params);
            }
        });
    }

    private void admit(SignalSocket socket, JoinGrant grant, JoinParams params) {
        if (!socket.isOpen()) {
            LOG.debug("{} left before its join was processed", grant.identity());
            return;
        }
        for (RtcParticipant old : List.copyOf(participants.values())) {
            if (old.identity.equals(grant.identity())) {
                LOG.info("room '{}': {} joined again; the older session {} is removed", name, grant.identity(),
                        old.sid);
                remove(old, DisconnectReason.DUPLICATE_IDENTITY, true, true);
            }
        }
        long now = System.currentTimeMillis();
        ParticipantInfo.Builder info = ParticipantInfo.newBuilder()
                .setSid(Ids.next(Ids.PARTICIPANT))
                .setIdentity(grant.identity())
                .setName(grant.name())
                .setMetadata(grant.metadata())
                .putAllAttributes(grant.attributes())
                .setState(ParticipantInfo.State.JOINED)
                .setJoinedAt(now / 1000)
                .setJoinedAtMs(now)
                .setVersion(1)
                .setPermission(grant.permission())
                .setKind(grant.kind())
                .setClientProtocol(params.clientProtocol());
        RtcParticipant p = new RtcParticipant(this, info.getSid(), info, params.autoSubscribe(), params.protocol());
        p.socket = socket;
        sockets.put(socket, p);

        JoinResponse.Builder join = JoinResponse.newBuilder()
                .setRoom(roomProto(1))
                .setParticipant(info)
                .setServerVersion(settings.serverInfo().getVersion())
                .setServerInfo(settings.serverInfo())
                .setSubscriberPrimary(true)
                .setPingInterval(settings.pingInterval())
                .setPingTimeout(settings.pingTimeout());
        for (RtcParticipant o : participants.values()) {
            if (!o.isHidden()) {
                join.addOtherParticipants(o.info);
            }
        }
        participants.put(p.sid, p);
        // The dispatcher learns of the participant before the client learns of its join, so that anything the
        // client does next through the server API (ListParticipants, ...) already sees it.
        events.participantJoined(this, info.build());
        p.send(SignalResponse.newBuilder().setJoin(join).build());
        if (!p.isHidden()) {
            sendUpdate(othersOf(p), List.of(info.build()));
        }
        LOG.info("room '{}': {} joined from {} ({} participant(s))", name, p, params.remote(), participants.size());

        try {
            p.createPeerConnections(media);
        } catch (RuntimeException e) {
            LOG.warn("room '{}': cannot create the peer connections of {}: {}", name, p, e.toString());
            remove(p, DisconnectReason.JOIN_FAILURE, true, false);
            return;
        }
        if (p.autoSubscribe && p.canSubscribe()) {
            for (RtcParticipant o : participants.values()) {
                if (o != p) {
                    for (PublishedTrack t : o.published.values()) {
                        p.forward(o, t);
                    }
                }
            }
        }
        p.negotiateSubscriber();
        armTimer(p);
    }

    private void resume(SignalSocket socket, JoinGrant grant, JoinParams params) {
        RtcParticipant p = participants.get(params.resumeSid());
        if (p == null || p.closed || !p.identity.equals(grant.identity())) {
            LOG.info("room '{}': declining the resume of {} as {} (no such session); the client must rejoin", name,
                    grant.identity(), params.resumeSid());
            socket.leave(DisconnectReason.STATE_MISMATCH, LeaveRequest.Action.RECONNECT);
            return;
        }
        SignalSocket old = p.socket;
        if (old != null && old != socket) {
            sockets.remove(old);
            old.abort("replaced by a resumed connection");
        }
        p.socket = socket;
        sockets.put(socket, p);
        armTimer(p);
        p.send(SignalResponse.newBuilder().setReconnect(ReconnectResponse.newBuilder()
                .setServerInfo(settings.serverInfo())
                .setLastMessageSeq((int) p.lastReliableSeq)).build());
        // updates sent while the connection was down are lost: send the room as it is now, then a fresh offer
        List<ParticipantInfo> all = new ArrayList<>();
        for (RtcParticipant o : participants.values()) {
            if (o == p || !o.isHidden()) {
                all.add(o.info.build());
            }
        }
        p.send(SignalResponse.newBuilder().setUpdate(ParticipantUpdate.newBuilder().addAllParticipants(all)).build());
        p.restartSubscriber();
        LOG.info("room '{}': {} resumed from {}", name, p, params.remote());
    }

    @Override
    public void onRequest(SignalSocket socket, SignalRequest request) {
        post(() -> {
            RtcParticipant p = sockets.get(socket);
            if (p != null && !p.closed && p.socket == socket) {
                handle(p, request);
            }
        });
    }

    @Override
    public void onClosed(SignalSocket socket, String reason) {
        post(() -> {
            RtcParticipant p = sockets.remove(socket);
            if (p == null || p.socket != socket || p.closed) {
                return;
            }
            p.socket = null;
            LOG.info("room '{}': signalling of {} lost ({}); waiting {} s for it to resume", name, p, reason,
                    settings.participantTimeout().toSeconds());
            armTimer(p);
        });
    }

    /**
     * (Re)arms a participant's timer: with no signalling connection it must resume in time; connected but not yet
     * active, its peer connection must connect in time; otherwise no timer runs.
     */
    private void armTimer(RtcParticipant p) {
        if (p.timer != null) {
            p.timer.cancel(false);
            p.timer = null;
        }
        if (p.closed || (p.socket != null && p.active)) {
            return;
        }
        long window = settings.participantTimeout().toMillis();
        boolean resuming = p.socket == null;
        p.timer = schedule(window, () -> {
            if (p.closed) {
                return;
            }
            if (resuming && p.socket == null) {
                LOG.info("room '{}': {} did not resume within {} s; removing it", name, p, window / 1000);
                remove(p, DisconnectReason.SIGNAL_CLOSE, false, false);
            } else if (!resuming && !p.active) {
                LOG.info("room '{}': {} did not connect its peer connection within {} s; removing it", name, p,
                        window / 1000);
                remove(p, DisconnectReason.JOIN_FAILURE, true, false);
            }
        });
    }

    /**
     * Removes a participant: tells it why (when {@code sendLeave}), stops forwarding its tracks, closes its peer
     * connections and tells the others it left.
     */
    private void remove(RtcParticipant p, DisconnectReason reason, boolean sendLeave, boolean replaced) {
        if (p.closed) {
            return;
        }
        p.closed = true;
        if (p.timer != null) {
            p.timer.cancel(false);
            p.timer = null;
        }
        p.info.setState(ParticipantInfo.State.DISCONNECTED).setDisconnectReason(reason)
                .setVersion(p.info.getVersion() + 1);
        ParticipantInfo last = p.info.build();
        // the dispatcher learns of the departure before the participant and the others do (as for joins), so that
        // server API calls made after a client saw it see it too
        events.participantLeft(this, last, reason, replaced);
        SignalSocket s = p.socket;
        if (s != null) {
            if (sendLeave) {
                s.leave(reason, LeaveRequest.Action.DISCONNECT);
            } else {
                s.close(1000, "left the room");
            }
            sockets.remove(s);
            p.socket = null;
        }
        participants.remove(p.sid);
        for (PublishedTrack t : p.published.values()) {
            t.stop();
            for (RtcParticipant o : participants.values()) {
                if (o.unforward(t.sid())) {
                    o.negotiateSubscriber();
                }
            }
        }
        p.closePeerConnections();
        if (!p.isHidden()) {
            sendUpdate(participants.values(), List.of(last));
        }
        LOG.info("room '{}': {} left ({}), {} participant(s) remain", name, p, reason, participants.size());
    }

    // =============================================================================================================
    // signal requests

    private void handle(RtcParticipant p, SignalRequest r) {
        switch (r.getMessageCase()) {
            case OFFER -> p.onPublisherOffer(r.getOffer());
            case ANSWER -> p.onSubscriberAnswer(r.getAnswer());
            case TRICKLE -> p.onTrickle(r.getTrickle());
            case ADD_TRACK -> addTrack(p, r.getAddTrack());
            case MUTE -> mute(p, r.getMute().getSid(), r.getMute().getMuted(), false);
            case SUBSCRIPTION -> subscription(p, r.getSubscription());
            case LEAVE -> {
                LOG.info("room '{}': {} leaves ({})", name, p, r.getLeave().getReason());
                remove(p, DisconnectReason.CLIENT_INITIATED, false, false);
            }
            case PING -> p.send(SignalResponse.newBuilder().setPong(System.currentTimeMillis()).build());
            case PING_REQ -> p.send(SignalResponse.newBuilder().setPongResp(Pong.newBuilder()
                    .setLastPingTimestamp(r.getPingReq().getTimestamp())
                    .setTimestamp(System.currentTimeMillis())).build());
            case UPDATE_METADATA -> updateMetadata(p, r.getUpdateMetadata());
            case PUBLISH_DATA_TRACK_REQUEST -> p.send(SignalResponse.newBuilder().setRequestResponse(
                    RequestResponse.newBuilder().setReason(RequestResponse.Reason.UNSUPPORTED_TYPE)
                            .setMessage("the dev server does not support data tracks")
                            .setPublishDataTrack(r.getPublishDataTrackRequest())).build());
            // adaptive stream, layers, permissions, simulation and resume state need nothing from this server
            case TRACK_SETTING, UPDATE_LAYERS, SUBSCRIPTION_PERMISSION, SYNC_STATE, SIMULATE, UPDATE_AUDIO_TRACK,
                 UPDATE_VIDEO_TRACK, UNPUBLISH_DATA_TRACK_REQUEST, UPDATE_DATA_SUBSCRIPTION ->
                    LOG.trace("room '{}': {} sent {}", name, p, r.getMessageCase());
            // a newer client's message this server does not know: ignored, as LiveKit's server ignores them
            case MESSAGE_NOT_SET -> LOG.debug("room '{}': {} sent a signal request of an unknown kind", name, p);
        }
    }

    private void addTrack(RtcParticipant p, AddTrackRequest a) {
        if (a.getType() != TrackType.AUDIO && a.getType() != TrackType.VIDEO) {
            refuseTrack(p, a, RequestResponse.Reason.UNSUPPORTED_TYPE, "only audio and video tracks can be published");
            return;
        }
        if (!JoinGrant.maySend(p.info.getPermission(), a.getSource())) {
            refuseTrack(p, a, RequestResponse.Reason.NOT_ALLOWED, "the participant may not publish "
                    + a.getSource() + " tracks (see its token's canPublish and canPublishSources grants)");
            return;
        }
        RtcParticipant.PendingTrack pending = p.pendingAdds.get(a.getCid());
        if (pending != null) {
            p.send(published(a.getCid(), pending.info()));
            return;
        }
        if (!a.getSid().isEmpty()) {
            PublishedTrack existing = p.published.get(a.getSid());
            if (existing != null) { // a backup codec for a published track: the dev server keeps the first one
                p.send(published(a.getCid(), existing.info));
                return;
            }
        }
        if (p.pendingAdds.size() + p.published.size() >= MAX_TRACKS_PER_PARTICIPANT) {
            refuseTrack(p, a, RequestResponse.Reason.LIMIT_EXCEEDED, "a participant may publish at most "
                    + MAX_TRACKS_PER_PARTICIPANT + " tracks");
            return;
        }
        TrackInfo info = trackInfo(a);
        p.pendingAdds.put(a.getCid(), new RtcParticipant.PendingTrack(info, a));
        p.send(published(a.getCid(), info));
        LOG.debug("room '{}': {} adds {} track {} ({})", name, p, a.getType(), info.getSid(), a.getCid());
        if (!p.unmatched.isEmpty()) {
            for (MediaStreamTrack m : List.copyOf(p.unmatched)) {
                p.unmatched.remove(m);
                onPublishedMedia(p, m);
            }
        }
    }

    private static SignalResponse published(String cid, TrackInfo info) {
        return SignalResponse.newBuilder().setTrackPublished(TrackPublishedResponse.newBuilder()
                .setCid(cid).setTrack(info)).build();
    }

    private static void refuseTrack(RtcParticipant p, AddTrackRequest a, RequestResponse.Reason reason, String why) {
        LOG.info("refused a track of {}: {}", p, why);
        p.send(SignalResponse.newBuilder().setRequestResponse(RequestResponse.newBuilder()
                .setReason(reason).setMessage(why).setAddTrack(a)).build());
    }

    /** The TrackInfo of an accepted AddTrack: a new {@code TR_} sid and what the client described. */
    @SuppressWarnings("deprecation") // simulcast, layers, stereo, disable_dtx: still read by current clients
    private static TrackInfo trackInfo(AddTrackRequest a) {
        boolean audio = a.getType() == TrackType.AUDIO;
        TrackInfo.Builder t = TrackInfo.newBuilder()
                .setSid(Ids.next(Ids.TRACK))
                .setType(a.getType())
                .setName(a.getName())
                .setSource(a.getSource())
                .setMuted(a.getMuted())
                .setWidth(a.getWidth())
                .setHeight(a.getHeight())
                .setDisableDtx(a.getDisableDtx())
                .setStereo(a.getStereo())
                .setDisableRed(a.getDisableRed())
                .setEncryption(a.getEncryption())
                .setStream(a.getStream())
                .addAllLayers(a.getLayersList())
                .addAllAudioFeatures(a.getAudioFeaturesList())
                .setSimulcast(a.getLayersCount() > 1);
        String mime = audio ? "audio/opus" : "video/vp8";
        for (SimulcastCodec c : a.getSimulcastCodecsList()) {
            if (c.getCodec().isEmpty()) {
                continue;
            }
            String codecMime = (audio ? "audio/" : "video/") + c.getCodec().toLowerCase(Locale.ROOT);
            if (t.getCodecsCount() == 0) {
                mime = codecMime;
            }
            t.addCodecs(SimulcastCodecInfo.newBuilder().setMimeType(codecMime).setCid(c.getCid())
                    .addAllLayers(a.getLayersList()));
        }
        if (t.getCodecsCount() == 0) {
            t.addCodecs(SimulcastCodecInfo.newBuilder().setMimeType(mime).setCid(a.getCid())
                    .addAllLayers(a.getLayersList()));
        }
        return t.setMimeType(mime).build();
    }

    /** Media arrived on a publisher connection: match it to its AddTrack and forward it. */
    void onPublishedMedia(RtcParticipant p, MediaStreamTrack media) {
        if (p.closed) {
            return;
        }
        String id = media.getId();
        RtcParticipant.PendingTrack pending = p.pendingAdds.remove(id);
        if (pending == null) {
            for (Map.Entry<String, RtcParticipant.PendingTrack> e : p.pendingAdds.entrySet()) {
                for (SimulcastCodec c : e.getValue().request().getSimulcastCodecsList()) {
                    if (c.getCid().equals(id)) {
                        pending = e.getValue();
                    }
                }
                if (pending != null) {
                    p.pendingAdds.remove(e.getKey());
                    break;
                }
            }
        }
        if (pending == null) {
            TrackType kind = MediaStreamTrack.AUDIO_TRACK_KIND.equals(media.getKind()) ? TrackType.AUDIO
                    : TrackType.VIDEO;
            for (Map.Entry<String, RtcParticipant.PendingTrack> e : p.pendingAdds.entrySet()) {
                if (e.getValue().info().getType() == kind) {
                    pending = e.getValue();
                    p.pendingAdds.remove(e.getKey());
                    break;
                }
            }
        }
        if (pending == null) {
            if (p.unmatched.size() < MAX_TRACKS_PER_PARTICIPANT) {
                p.unmatched.add(media);
            }
            LOG.debug("room '{}': media {} of {} arrived before its AddTrack", name, id, p);
            return;
        }
        PublishedTrack track = new PublishedTrack(pending.info(), media);
        p.published.put(track.sid(), track);
        LOG.info("room '{}': {} published {} track {}", name, p, track.info.getType(), track.sid());
        // the participant update goes out before any offer that carries the track
        changed(p);
        for (RtcParticipant o : participants.values()) {
            if (o != p && wants(o, track) && o.forward(p, track)) {
                o.negotiateSubscriber();
            }
        }
    }

    /** A publisher connection stopped receiving a track (the client unpublished it). */
    void onPublishedMediaRemoved(RtcParticipant p, String receiverTrackId) {
        if (p.closed) {
            return;
        }
        p.unmatched.removeIf(m -> m.getId().equals(receiverTrackId));
        for (PublishedTrack t : List.copyOf(p.published.values())) {
            if (t.receiverTrackId.equals(receiverTrackId)) {
                unpublish(p, t);
            }
        }
    }

    private void unpublish(RtcParticipant p, PublishedTrack t) {
        p.published.remove(t.sid());
        t.stop();
        LOG.info("room '{}': {} unpublished track {}", name, p, t.sid());
        changed(p);
        for (RtcParticipant o : participants.values()) {
            if (o.unforward(t.sid())) {
                o.negotiateSubscriber();
            }
        }
    }

    private static boolean wants(RtcParticipant subscriber, PublishedTrack t) {
        if (!subscriber.canSubscribe()) {
            return false;
        }
        Boolean choice = subscriber.subscriptionChoice.get(t.sid());
        return choice != null ? choice : subscriber.autoSubscribe;
    }

    private TrackInfo mute(RtcParticipant p, String trackSid, boolean muted, boolean byServer) {
        PublishedTrack t = p.published.get(trackSid);
        TrackInfo info;
        if (t != null) {
            info = t.info = t.info.toBuilder().setMuted(muted).build();
        } else {
            RtcParticipant.PendingTrack pending = null;
            for (RtcParticipant.PendingTrack candidate : p.pendingAdds.values()) {
                if (candidate.info().getSid().equals(trackSid)) {
                    pending = candidate;
                }
            }
            if (pending == null) {
                LOG.debug("room '{}': {} muted unknown track {}", name, p, trackSid);
                return null;
            }
            info = pending.info().toBuilder().setMuted(muted).build();
            p.pendingAdds.put(pending.request().getCid(), new RtcParticipant.PendingTrack(info, pending.request()));
        }
        if (byServer) {
            p.send(SignalResponse.newBuilder().setMute(MuteTrackRequest.newBuilder().setSid(trackSid)
                    .setMuted(muted)).build());
        }
        changed(p);
        return info;
    }

    private void subscription(RtcParticipant p, UpdateSubscription u) {
        Set<String> sids = new LinkedHashSet<>(u.getTrackSidsList());
        u.getParticipantTracksList().forEach(pt -> sids.addAll(pt.getTrackSidsList()));
        boolean renegotiate = false;
        for (String trackSid : sids) {
            p.subscriptionChoice.put(trackSid, u.getSubscribe());
            if (u.getSubscribe()) {
                RtcParticipant owner = ownerOf(trackSid);
                if (owner != null && owner != p && p.canSubscribe()) {
                    renegotiate |= p.forward(owner, owner.published.get(trackSid));
                }
            } else {
                renegotiate |= p.unforward(trackSid);
            }
        }
        if (p.subscriptionChoice.size() > 4096) { // a client cycling through made-up sids: forget the oldest
            p.subscriptionChoice.keySet().iterator().remove();
        }
        if (renegotiate) {
            p.negotiateSubscriber();
        }
    }

    private RtcParticipant ownerOf(String trackSid) {
        for (RtcParticipant o : participants.values()) {
            if (o.published.containsKey(trackSid)) {
                return o;
            }
        }
        return null;
    }

    @SuppressWarnings("deprecation") // the attribute map accessors
    private void updateMetadata(RtcParticipant p, UpdateParticipantMetadata u) {
        RequestResponse.Builder res = RequestResponse.newBuilder().setRequestId(u.getRequestId()).setUpdateMetadata(u);
        if (!p.info.getPermission().getCanUpdateMetadata()) {
            p.send(SignalResponse.newBuilder().setRequestResponse(res.setReason(RequestResponse.Reason.NOT_ALLOWED)
                    .setMessage("the participant may not update its metadata (its token lacks canUpdateOwnMetadata)"))
                    .build());
            return;
        }
        String limit = applyInfo(p.info, u.getName(), u.getMetadata(), u.getAttributesMap());
        if (limit != null) {
            p.send(SignalResponse.newBuilder().setRequestResponse(res.setReason(RequestResponse.Reason.LIMIT_EXCEEDED)
                    .setMessage(limit)).build());
            return;
        }
        changed(p);
        p.send(SignalResponse.newBuilder().setRequestResponse(res.setReason(RequestResponse.Reason.OK)).build());
    }

    /**
     * Applies a name, metadata and attribute change as LiveKit does: empty name or metadata means "unchanged", an
     * attribute set to {@code ""} is deleted.
     *
     * @return {@code null}, or why the change was refused (size limits)
     */
    private static String applyInfo(ParticipantInfo.Builder info, String name, String metadata,
                                    Map<String, String> attributes) {
        if (metadata.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
            return "metadata exceeds " + MAX_METADATA_BYTES + " bytes";
        }
        Map<String, String> merged = new LinkedHashMap<>(info.getAttributesMap());
        attributes.forEach((k, v) -> {
            if (v.isEmpty()) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        int size = 0;
        for (Map.Entry<String, String> e : merged.entrySet()) {
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > MAX_METADATA_BYTES) {
            return "attributes exceed " + MAX_METADATA_BYTES + " bytes";
        }
        if (!name.isEmpty()) {
            info.setName(name);
        }
        if (!metadata.isEmpty()) {
            info.setMetadata(metadata);
        }
        info.clearAttributes().putAllAttributes(merged);
        return null;
    }

    // =============================================================================================================
    // peer connection state, data, speakers

    void onConnectionState(RtcParticipant p, SignalTarget target, RTCPeerConnectionState state) {
        if (p.closed) {
            return;
        }
        LOG.debug("room '{}': {} {} peer connection {}", name, p, target, state);
        if (target == SignalTarget.SUBSCRIBER && state == RTCPeerConnectionState.CONNECTED && !p.active) {
            p.active = true;
            armTimer(p);
            p.info.setState(ParticipantInfo.State.ACTIVE);
            changed(p);
        }
    }

    /** A data channel message from a participant: route it as LiveKit's server does. */
    void onDataMessage(RtcParticipant from, String label, byte[] bytes) {
        if (from.closed || !(RtcParticipant.RELIABLE.equals(label) || RtcParticipant.LOSSY.equals(label))) {
            return; // data tracks (_data_track) and unknown channels carry no DataPackets
        }
        boolean reliable = RtcParticipant.RELIABLE.equals(label);
        DataPacket packet;
        try {
            packet = DataPacket.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            LOG.info("room '{}': dropping a malformed data packet from {} ({} bytes)", name, from, bytes.length);
            return;
        }
        if (!from.info.getPermission().getCanPublishData()) {
            LOG.debug("room '{}': {} may not publish data; packet dropped", name, from);
            return;
        }
        if (reliable && packet.getSequence() > 0) {
            if (Integer.toUnsignedLong(packet.getSequence()) <= from.lastReliableSeq) {
                return; // a duplicate (a client resends what the server may have missed during a resume)
            }
            from.lastReliableSeq = Integer.toUnsignedLong(packet.getSequence());
        }
        List<String> destinations = destinations(packet);
        DataPacket.Builder out = packet.toBuilder()
                .setKind(reliable ? DataPacket.Kind.RELIABLE : DataPacket.Kind.LOSSY);
        stamp(out, from);
        byte[] routed = out.build().toByteArray();
        for (RtcParticipant o : participants.values()) {
            if (o != from && (destinations.isEmpty() || destinations.contains(o.identity))) {
                o.sendData(routed, reliable);
            }
        }
    }

    /** The destination identities: the packet's own list, else the user packet's (identities, or legacy sids). */
    @SuppressWarnings("deprecation") // UserPacket's destinations: what older clients and JS still fill in
    private List<String> destinations(DataPacket packet) {
        if (packet.getDestinationIdentitiesCount() > 0) {
            return packet.getDestinationIdentitiesList();
        }
        UserPacket user = packet.getUser();
        if (user.getDestinationIdentitiesCount() > 0) {
            return user.getDestinationIdentitiesList();
        }
        List<String> out = new ArrayList<>();
        for (String sid : user.getDestinationSidsList()) {
            RtcParticipant o = participants.get(sid);
            if (o != null) {
                out.add(o.identity);
            }
        }
        if (!user.getDestinationSidsList().isEmpty() && out.isEmpty()) {
            out.add("\u0000nobody"); // addressed only to participants that are gone
        }
        return out;
    }

    /**
     * Stamps the sender on a packet. Agents may speak for someone else in transcriptions, chat messages and stream
     * headers: a sender identity they set there is kept.
     */
    @SuppressWarnings("deprecation") // UserPacket's sender fields: what older clients read
    private static void stamp(DataPacket.Builder b, RtcParticipant from) {
        boolean hidden = from.isHidden();
        String identity = hidden ? "" : from.identity;
        String sid = hidden ? "" : from.sid;
        boolean mayKeep = from.info.getKind() == ParticipantInfo.Kind.AGENT && !b.getParticipantIdentity().isEmpty()
                && (b.hasTranscription() || b.hasChatMessage() || b.hasStreamHeader());
        if (!mayKeep) {
            b.setParticipantIdentity(identity);
        }
        b.setParticipantSid(sid);
        if (b.hasUser()) {
            b.setUser(b.getUser().toBuilder().setParticipantIdentity(identity).setParticipantSid(sid));
        }
    }

    /** Sends one active-speaker delta to everyone: participants whose speaking state or level step changed. */
    private void announceSpeakers() {
        if (closed || participants.isEmpty()) {
            return;
        }
        List<SpeakerInfo> changes = new ArrayList<>();
        for (RtcParticipant p : participants.values()) {
            double level = 0;
            for (PublishedTrack t : p.published.values()) {
                if (t.info.getType() == TrackType.AUDIO) {
                    double l = t.takeLevel();
                    if (!t.info.getMuted()) {
                        level = Math.max(level, l);
                    }
                }
            }
            // the level in LiveKit's 0..1 scale (1 is loudest), from the RMS in dB: -35 dBFS -> 0, 0 dBFS -> 1
            boolean speaking = level >= ACTIVE_LEVEL;
            int step = speaking ? (int) Math.round(Math.min(1, Math.max(0, 1 + 20 * Math.log10(level) / 35.0))
                    * LEVEL_STEPS) : -1;
            if (step == p.announcedLevel) {
                continue;
            }
            p.announcedLevel = step;
            changes.add(SpeakerInfo.newBuilder().setSid(p.sid).setActive(speaking)
                    .setLevel(speaking ? Math.max(1, step) / (float) LEVEL_STEPS : 0).build());
        }
        if (!changes.isEmpty()) {
            SignalResponse r = SignalResponse.newBuilder().setSpeakersChanged(SpeakersChanged.newBuilder()
                    .addAllSpeakers(changes)).build();
            participants.values().forEach(p -> p.send(r));
        }
    }

    // =============================================================================================================
    // updates

    /** A participant's info changed: bump its version and send it to everyone (itself included). */
    private void changed(RtcParticipant p) {
        p.info.clearTracks();
        for (PublishedTrack t : p.published.values()) {
            p.info.addTracks(t.info);
        }
        p.info.setIsPublisher(!p.published.isEmpty()).setVersion(p.info.getVersion() + 1);
        ParticipantInfo snapshot = p.info.build();
        // the dispatcher first, as for joins: server API calls made after a client saw the update see it too
        events.participantChanged(this, snapshot);
        sendUpdate(p.isHidden() ? List.of(p) : participants.values(), List.of(snapshot));
    }

    private static void sendUpdate(Collection<RtcParticipant> to, List<ParticipantInfo> infos) {
        SignalResponse r = SignalResponse.newBuilder().setUpdate(ParticipantUpdate.newBuilder()
                .addAllParticipants(infos)).build();
        for (RtcParticipant p : to) {
            p.send(r);
        }
    }

    private List<RtcParticipant> othersOf(RtcParticipant p) {
        List<RtcParticipant> out = new ArrayList<>();
        for (RtcParticipant o : participants.values()) {
            if (o != p) {
                out.add(o);
            }
        }
        return out;
    }

    private Room roomProto(int joining) {
        int publishers = 0;
        for (RtcParticipant p : participants.values()) {
            if (!p.published.isEmpty()) {
                publishers++;
            }
        }
        return room.clone().setNumParticipants(participants.size() + joining).setNumPublishers(publishers).build();
    }

    // =============================================================================================================
    // the server's side: RoomService calls, closing

    private RtcParticipant byIdentity(String identity) {
        for (RtcParticipant p : participants.values()) {
            if (p.identity.equals(identity) && !p.closed) {
                return p;
            }
        }
        throw new DevServerException(DevServerException.Code.NOT_FOUND,
                "participant '" + identity + "' is not in room '" + name + "'");
    }

    /** RemoveParticipant: the participant gets Leave PARTICIPANT_REMOVED (or {@code reason}) and is removed. */
    public CompletableFuture<ParticipantInfo> removeParticipant(String identity, DisconnectReason reason) {
        return call(() -> {
            RtcParticipant p = byIdentity(identity);
            remove(p, reason, true, false);
            return p.info.build();
        });
    }

    /** MutePublishedTrack: mutes (or unmutes) a published track and tells its publisher. */
    public CompletableFuture<TrackInfo> mutePublishedTrack(String identity, String trackSid, boolean muted) {
        return call(() -> {
            RtcParticipant p = byIdentity(identity);
            TrackInfo t = mute(p, trackSid, muted, true);
            if (t == null) {
                throw new DevServerException(DevServerException.Code.NOT_FOUND,
                        "participant '" + identity + "' has no track '" + trackSid + "'");
            }
            return t;
        });
    }

    /** UpdateParticipant: name, metadata, attributes (as LiveKit merges them) and, when given, the permission. */
    public CompletableFuture<ParticipantInfo> updateParticipant(String identity, String name, String metadata,
                                                                Map<String, String> attributes,
                                                                ParticipantPermission permission) {
        return call(() -> {
            RtcParticipant p = byIdentity(identity);
            String limit = applyInfo(p.info, name, metadata, attributes);
            if (limit != null) {
                throw new DevServerException(DevServerException.Code.INVALID_ARGUMENT, limit);
            }
            if (permission != null) {
                p.info.setPermission(permission);
                if (!permission.getCanSubscribe()) {
                    boolean renegotiate = false;
                    for (String sid : List.copyOf(p.forwarded.keySet())) {
                        renegotiate |= p.unforward(sid);
                    }
                    if (renegotiate) {
                        p.negotiateSubscriber();
                    }
                }
            }
            changed(p);
            return p.info.build();
        });
    }

    /**
     * SendData: a user packet from the server to the participants named (everyone when none is), on the reliable or
     * lossy channel.
     */
    public CompletableFuture<Void> sendData(byte[] payload, boolean reliable, String topic, List<String> identities,
                                            List<String> sids, ByteString nonce) {
        return call(() -> {
            UserPacket.Builder user = UserPacket.newBuilder().setPayload(ByteString.copyFrom(payload))
                    .addAllDestinationIdentities(identities).setNonce(nonce);
            if (topic != null && !topic.isEmpty()) {
                user.setTopic(topic);
            }
            DataPacket packet = DataPacket.newBuilder()
                    .setKind(reliable ? DataPacket.Kind.RELIABLE : DataPacket.Kind.LOSSY)
                    .addAllDestinationIdentities(identities)
                    .setUser(user).build();
            byte[] bytes = packet.toByteArray();
            if (bytes.length > MAX_DATA_PACKET_BYTES) {
                throw new DevServerException(DevServerException.Code.INVALID_ARGUMENT, "the data packet would be "
                        + bytes.length + " bytes; the limit is " + MAX_DATA_PACKET_BYTES);
            }
            for (RtcParticipant p : participants.values()) {
                boolean addressed = (identities.isEmpty() && sids.isEmpty()) || identities.contains(p.identity)
                        || sids.contains(p.sid);
                if (addressed) {
                    p.sendData(bytes, reliable);
                }
            }
            return null;
        });
    }

    /** The room's info changed (UpdateRoomMetadata): everyone gets a RoomUpdate. */
    public void roomUpdated(Room updated) {
        post(() -> {
            room = updated.toBuilder();
            SignalResponse r = SignalResponse.newBuilder().setRoomUpdate(RoomUpdate.newBuilder()
                    .setRoom(roomProto(0))).build();
            participants.values().forEach(p -> p.send(r));
        });
    }

    /** For tests: drops the signalling connections of {@code identity} without a leave, as a network failure would. */
    public CompletableFuture<Integer> dropSignal(String identity) {
        return call(() -> {
            int n = 0;
            for (RtcParticipant p : participants.values()) {
                if (p.identity.equals(identity) && p.socket != null) {
                    p.socket.abort("dropped by the server (test)");
                    n++;
                }
            }
            return n;
        });
    }

    /**
     * For tests: forgets the sessions of {@code identity} as a restarted server would (no Leave, connection dropped),
     * so that their resume is declined.
     */
    public CompletableFuture<Integer> forget(String identity) {
        return call(() -> {
            int n = 0;
            for (RtcParticipant p : List.copyOf(participants.values())) {
                if (p.identity.equals(identity)) {
                    if (p.socket != null) {
                        sockets.remove(p.socket);
                        p.socket.abort("forgotten by the server (test)");
                        p.socket = null;
                    }
                    remove(p, DisconnectReason.SIGNAL_CLOSE, false, false);
                    n++;
                }
            }
            return n;
        });
    }

    /**
     * Closes the room: every participant gets Leave with {@code reason} (none when {@code reason} is {@code null}: the
     * server went away) and is removed, then the room's thread ends.
     *
     * @return completes when everything is closed
     */
    public CompletableFuture<Void> close(DisconnectReason reason) {
        post(() -> {
            if (closed) {
                return;
            }
            for (RtcParticipant p : List.copyOf(participants.values())) {
                if (reason == null) {
                    if (p.socket != null) {
                        sockets.remove(p.socket);
                        p.socket.abort("the server is stopping");
                        p.socket = null;
                    }
                    remove(p, DisconnectReason.SERVER_SHUTDOWN, false, false);
                } else {
                    remove(p, reason, true, false);
                }
            }
            for (SignalSocket s : List.copyOf(sockets.keySet())) {
                s.abort("the room closed");
            }
            sockets.clear();
            closed = true;
            speakerTask.cancel(false);
            LOG.info("room '{}' closed ({})", name, reason == null ? "server stopping" : reason);
            thread.shutdown();
            terminated.complete(null);
        });
        if (thread.isShutdown()) {
            terminated.complete(null);
        }
        return terminated;
    }

    @Override
    public String toString() {
        return "RtcRoom[" + name + "]";
    }
}
