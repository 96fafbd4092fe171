package io.livekit.agents.room;

/** A publication of the local participant. */
public interface LocalTrackPublication extends TrackPublication {
  /** The published track. */
  LocalTrack track();

  /** Mutes or unmutes it: tells the server ({@code MuteTrackRequest}) and stops/resumes sending media. */
  void setMuted(boolean muted);
}
