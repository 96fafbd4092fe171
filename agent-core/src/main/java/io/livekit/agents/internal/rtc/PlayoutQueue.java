package io.livekit.agents.internal.rtc;

/**
 * The outgoing PCM queue behind an {@link io.livekit.agents.room.AudioSource}: writes of any size with
 * back-pressure, exact 10 ms reads for the pacer, clear (barge-in) and exact playout positions. The design is the
 * one of docs/media-core.md §4.4; {@link RingPlayoutQueue} implements it in Java, and the native core's playout
 * buffer is meant to take its place behind this interface.
 */
interface PlayoutQueue extends AutoCloseable {
  /**
   * Queues interleaved samples, blocking while full. Returns the samples accepted ({@code length}, or fewer if
   * {@link #clear()} or {@link #close()} ran meanwhile).
   */
  int write(short[] pcm, int offset, int length) throws InterruptedException;

  /**
   * Fills {@code out} (exactly one 10 ms frame, interleaved) with queued audio padded with silence.
   *
   * @return the samples taken from the queue (0 means all silence)
   */
  int read(short[] out);

  /** Drops everything queued; blocked writers return; waiters get false. */
  void clear();

  /** Waits until everything written so far has been read. False on clear, close or timeout. */
  boolean awaitDrained(long timeoutNanos) throws InterruptedException;

  /** Samples (interleaved) queued now. */
  int queuedSamples();

  @Override
  void close();
}
