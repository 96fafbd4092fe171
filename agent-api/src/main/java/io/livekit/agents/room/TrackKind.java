package io.livekit.agents.room;

/** The media kind of a track. */
public enum TrackKind {
  AUDIO, VIDEO
}
