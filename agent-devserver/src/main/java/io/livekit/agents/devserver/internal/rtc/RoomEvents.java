package io.livekit.agents.devserver.internal.rtc;

import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;

/**
 * What a live room tells the rest of the server (the dispatcher, which launches participant and publisher jobs and
 * answers the RoomService). Called on the room's thread; implementations hand the work to their own thread and
 * return at once.
 */
public interface RoomEvents {

    /** A participant joined (its JoinResponse was sent); {@code info} is its state then. */
    void participantJoined(RtcRoom room, ParticipantInfo info);

    /** A participant's info changed (tracks, mute, metadata, state); {@code info} is the new snapshot. */
    void participantChanged(RtcRoom room, ParticipantInfo info);

    /**
     * A participant left or was removed.
     *
     * @param replaced whether a new session with the same identity took its place (duplicate identity)
     */
    void participantLeft(RtcRoom room, ParticipantInfo info, DisconnectReason reason, boolean replaced);
}
