package io.livekit.agents;

import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.RoomListener;

/**
 * The room events the typed handler flavours ({@link RoomHandler}, {@link ParticipantHandler},
 * {@link PublisherHandler}) receive for each of their jobs, with that job's context ({@code ctx.room()} is the room).
 * Every method is a no-op by default. The SDK registers these callbacks before the room joins, so participants and
 * tracks already in the room are reported too. For any other event, add a {@link RoomListener} to
 * {@link JobHandler#roomOptions()}.
 *
 * <p><b>Threading:</b> called on the job room's event executor ({@code lk-room-events-...}), one at a time and in the
 * order the events happened, never on the job's thread, a socket thread or a WebRTC thread; callbacks of different
 * jobs may run at the same time. A callback must not block: later events of the room wait for it. Hand blocking work
 * (publishing, reading a stream, {@link io.livekit.agents.room.Room#disconnect()}) to another thread, e.g. the job's
 * own. A callback that throws is logged and does not stop later events or the job.
 */
public interface RoomJobListener {

    /**
     * A participant joined the job's room, or was there when the agent joined. Called on the room's event executor.
     */
    default void onParticipantJoined(JobContext ctx, RemoteParticipant participant) {
    }

    /** A participant left the job's room. Called on the room's event executor. */
    default void onParticipantLeft(JobContext ctx, RemoteParticipant participant) {
    }

    /**
     * A participant published a track (or had published it when the agent joined). Called on the room's event
     * executor.
     */
    default void onTrackPublished(JobContext ctx, RemoteTrackPublication publication, RemoteParticipant participant) {
    }

    /**
     * A remote track is being received: open a stream on it now (opening a stream does not block). Called on the
     * room's event executor.
     */
    default void onTrackSubscribed(JobContext ctx, RemoteTrack track, RemoteTrackPublication publication,
                                   RemoteParticipant participant) {
    }
}
