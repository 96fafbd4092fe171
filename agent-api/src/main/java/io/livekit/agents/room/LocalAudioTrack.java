package io.livekit.agents.room;

/** A local audio track and the source that feeds it. */
public interface LocalAudioTrack extends LocalTrack {
  /** The source to write PCM into. */
  AudioSource source();
}
