package io.livekit.agents.internal.rtc;

import java.nio.ShortBuffer;

/**
 * The outgoing PCM queue behind an {@link io.livekit.agents.room.AudioSource}, with its 10 ms schedule: writes of any
 * size with back-pressure, exactly one 10 ms frame per deadline for the pacer, clear (barge-in) and exact playout
 * waits (docs/media-core.md §4.4). {@link NativePlayoutQueue} is the native core's playout buffer (and A/V pacer);
 * {@link RingPlayoutQueue} the Java fallback for machines without the natives.
 *
 * <p>Threads: {@link #write}, {@link #clear()}, {@link #awaitPlayout}, the getters and {@link #close()} from any
 * thread; {@link #nextWakeNanos()} and {@link #step} from the one pacer thread.
 */
interface PlayoutQueue extends AutoCloseable {

  /** Where emitted frames go; called on the pacer thread, must not block. */
  interface AudioOut {
    /** One 10 ms frame, interleaved, from its position to its limit; the buffer is reused afterwards. */
    void onAudioFrame(ShortBuffer frame);
  }

  /**
   * Queues interleaved samples from {@code pcm}'s position (a direct buffer in native order for the native queue),
   * blocking while full; advances the position over what was accepted.
   *
   * @return false if {@link #clear()} or {@link #close()} ran meanwhile (the rest is not taken)
   */
  boolean write(ShortBuffer pcm) throws InterruptedException;

  /** Drops everything queued; blocked writers return; playout waits return false. */
  void clear();

  /** Ends the current segment and waits until everything written so far was emitted; false on clear, close, timeout. */
  boolean awaitPlayout(long timeoutNanos) throws InterruptedException;

  /** Samples per channel queued now. */
  long queuedSamples();

  /** Samples per channel of silence emitted while a segment was active. */
  long underrunSamples();

  /** Re-anchors of the schedule after a stall of more than 5 ticks. */
  long clockSlips();

  /** When {@link #step} has something to do next (monotonic nanos), or {@link Long#MIN_VALUE} for now. */
  long nextWakeNanos();

  /**
   * Does what is due at {@code nowNanos}: emits the next 10 ms frame to {@code out} if its deadline came.
   *
   * @return whether a frame was emitted
   */
  boolean step(long nowNanos, AudioOut out);

  /** Ends the queue: blocked writers and waiters return. */
  @Override
  void close();
}
