package io.livekit.agents.room;

import java.time.Duration;

/**
 * PCM frames of one received audio track in the format asked for, 10 ms each, buffered in a bounded queue. When
 * the reader falls behind, the oldest frames are dropped and counted in {@link #droppedFrames()}.
 *
 * <p>Reads may be made from any one thread at a time (not the room's event thread if they block).
 */
public interface AudioStream extends AutoCloseable {
  /** Waits for the next frame; returns {@code null} once the stream has ended (closed, unsubscribed, disconnected). */
  AudioFrame read() throws InterruptedException;

  /** Waits at most {@code timeout} for the next frame; {@code null} on timeout or end. */
  AudioFrame poll(Duration timeout) throws InterruptedException;

  int sampleRate();

  int channels();

  /** Frames dropped because the queue was full. */
  long droppedFrames();

  /** Whether the stream has ended and its queue is empty. */
  boolean isEnded();

  /** Stops receiving; pending reads return {@code null}. Idempotent. */
  @Override
  void close();
}
