package io.livekit.agents.room;

import java.time.Duration;

/**
 * Decoded frames of one received video track, buffered in a small queue that drops (and releases) the oldest
 * frames when the reader falls behind. Every frame returned must be closed by the reader.
 */
public interface VideoStream extends AutoCloseable {
  /** Waits for the next frame; {@code null} once the stream has ended. */
  VideoFrame read() throws InterruptedException;

  /** Waits at most {@code timeout}; {@code null} on timeout or end. */
  VideoFrame poll(Duration timeout) throws InterruptedException;

  /** Frames dropped because the queue was full. */
  long droppedFrames();

  /** Frames received from WebRTC so far, dropped ones included. */
  long receivedFrames();

  /** Stops receiving and releases queued frames. Idempotent. */
  @Override
  void close();
}
