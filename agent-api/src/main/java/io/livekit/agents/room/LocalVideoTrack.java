package io.livekit.agents.room;

/** A local video track and the source that feeds it. */
public interface LocalVideoTrack extends LocalTrack {
  /** The source to capture frames into. */
  VideoSource source();
}
