package io.livekit.agents.room;

/** A received video track. */
public interface RemoteVideoTrack extends RemoteTrack {
  /**
   * Opens a stream of the decoded I420 frames of this track. The stream keeps at most {@code capacityFrames}
   * frames; older ones are dropped (and released) when the reader falls behind. Every frame read must be
   * {@linkplain VideoFrame#close() closed}.
   */
  VideoStream openStream(int capacityFrames);

  /** {@link #openStream(int)} with a capacity of 4 frames. */
  default VideoStream openStream() {
    return openStream(4);
  }
}
