package io.livekit.agents.it.room;

import io.livekit.agents.room.ConnectionState;
import io.livekit.agents.room.DataPacket;
import io.livekit.agents.room.DisconnectReason;
import io.livekit.agents.room.Participant;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.TrackPublication;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records a room's events, as text, in delivery order, plus the data packets and the subscribed tracks. */
public class RoomRecorder implements RoomListener {

    public final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    public final List<String> all = new CopyOnWriteArrayList<>();
    public final BlockingQueue<DataPacket> data = new LinkedBlockingQueue<>();
    public final BlockingQueue<RemoteTrack> subscribed = new LinkedBlockingQueue<>();
    public final List<String> threads = new CopyOnWriteArrayList<>();

    private void add(String e) {
        threads.add(Thread.currentThread().getName());
        all.add(e);
        events.add(e);
    }

    @Override
    public void onConnectionStateChanged(Room room, ConnectionState state) {
        add("state:" + state);
    }

    @Override
    public void onReconnecting(Room room) {
        add("reconnecting");
    }

    @Override
    public void onReconnected(Room room) {
        add("reconnected");
    }

    @Override
    public void onDisconnected(Room room, DisconnectReason reason) {
        add("disconnected:" + reason);
    }

    @Override
    public void onParticipantConnected(Room room, RemoteParticipant p) {
        add("joined:" + p.identity());
    }

    @Override
    public void onParticipantDisconnected(Room room, RemoteParticipant p) {
        add("left:" + p.identity());
    }

    @Override
    public void onParticipantMetadataChanged(Room room, Participant p, String oldMetadata) {
        add("metadata:" + p.identity() + ":" + p.metadata());
    }

    @Override
    public void onTrackPublished(Room room, RemoteTrackPublication pub, RemoteParticipant p) {
        add("published:" + p.identity() + ":" + pub.kind());
    }

    @Override
    public void onTrackUnpublished(Room room, RemoteTrackPublication pub, RemoteParticipant p) {
        add("unpublished:" + p.identity() + ":" + pub.kind());
    }

    @Override
    public void onTrackSubscribed(Room room, RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        add("subscribed:" + p.identity() + ":" + track.kind());
        subscribed.add(track);
    }

    @Override
    public void onTrackUnsubscribed(Room room, RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        add("unsubscribed:" + p.identity() + ":" + track.kind());
    }

    @Override
    public void onTrackMuted(Room room, Participant p, TrackPublication pub) {
        add("muted:" + p.identity());
    }

    @Override
    public void onTrackUnmuted(Room room, Participant p, TrackPublication pub) {
        add("unmuted:" + p.identity());
    }

    @Override
    public void onDataReceived(Room room, DataPacket packet, RemoteParticipant sender) {
        add("data:" + packet.senderIdentity());
        data.add(packet);
    }

    @Override
    public void onActiveSpeakersChanged(Room room, List<Participant> speakers) {
        add("speakers:" + speakers.stream().map(Participant::identity).toList());
    }

    /** Waits for an event equal to {@code wanted}, skipping (and remembering) others. */
    public void await(String wanted) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < end) {
            String e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e == null) {
                continue;
            }
            seen.add(e);
            if (e.equals(wanted)) {
                return;
            }
        }
        throw new AssertionError("event '" + wanted + "' did not come within 30 s; saw " + seen);
    }

    /** Waits for the next subscribed track of a type. */
    public <T extends RemoteTrack> T awaitTrack(Class<T> type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            RemoteTrack t = subscribed.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " was subscribed within 30 s; events " + all);
    }
}
