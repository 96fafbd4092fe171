package io.livekit.agents.room;

import java.time.Duration;

/**
 * PCM frames of one received audio track in the format asked for, 10 ms each ({@code sampleRate() / 100} samples per
 * channel), buffered in a bounded queue. WebRTC's receive side has already jitter-buffered and decoded the audio; the
 * rate is converted by the native media core's resampler. When the reader falls behind, the oldest frames are dropped
 * and counted in {@link #droppedFrames()}.
 *
 * <p>{@link #read(short[])} reads into the caller's array and allocates nothing; {@link #read()} and
 * {@link #poll(Duration)} return a new {@link AudioFrame} the caller owns.
 *
 * <p>Reads may be made from any one thread at a time (not the room's event thread if they block).
 */
public interface AudioStream extends AutoCloseable {
  /** Waits for the next frame; returns {@code null} once the stream has ended (closed, unsubscribed, disconnected). */
  AudioFrame read() throws InterruptedException;

  /**
   * Waits for the next 10 ms frame and copies it, interleaved, into {@code into} (which must hold at least
   * {@code sampleRate() / 100 * channels()} samples). Allocates nothing.
   *
   * @return samples per channel copied ({@code sampleRate() / 100}), or -1 once the stream has ended
   * @throws IllegalArgumentException if {@code into} is too short
   */
  int read(short[] into) throws InterruptedException;

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
