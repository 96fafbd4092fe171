package io.livekit.agents.room;

/** A track this client sends: a {@link LocalAudioTrack} or a {@link LocalVideoTrack}. */
public interface LocalTrack extends Track, AutoCloseable {
  /** Stops its source and frees the native track. Unpublish it first; closing twice is harmless. */
  @Override
  void close();
}
