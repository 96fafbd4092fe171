package io.livekit.agents.room;

/** A track received from a remote participant: a {@link RemoteAudioTrack} or a {@link RemoteVideoTrack}. */
public interface RemoteTrack extends Track {
}
