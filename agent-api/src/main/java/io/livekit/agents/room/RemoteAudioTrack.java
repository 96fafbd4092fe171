package io.livekit.agents.room;

import io.livekit.agents.AgentException;

/** A received audio track. */
public interface RemoteAudioTrack extends RemoteTrack {
  /**
   * Opens a stream of PCM frames of this track, resampled and remixed to the format asked for, in 10 ms frames.
   * Several streams may be open at once, each with its own format. A stream ends (reads return {@code null}) when
   * the track is unsubscribed or the room disconnects, or when it is closed.
   *
   * @param sampleRate 8000, 16000, 24000, 32000, 44100 or 48000
   * @param channels 1 or 2
   * @throws AgentException {@code INVALID_ARGUMENT} for another format
   */
  AudioStream openStream(int sampleRate, int channels);

  /** Like {@link #openStream(int, int)} with the queue capacity given in 10 ms frames (default 50, i.e. 500 ms). */
  AudioStream openStream(int sampleRate, int channels, int capacityFrames);
}
