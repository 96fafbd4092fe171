package io.livekit.agents.room;

import io.livekit.agents.AgentException;

import java.nio.ShortBuffer;
import java.time.Duration;

/**
 * Where a local audio track gets its PCM. Writes of any size go into a bounded playout queue (the native media core's
 * playout buffer; a Java ring when the natives are not available on this machine); a pacer thread
 * ({@code lk-audio-pacer-<track>}) sends exactly 10 ms to WebRTC every 10 ms against an absolute clock, and sends
 * silence when the queue is empty. A writer faster than real time is held back ({@link #write} blocks) while the
 * queue is full; nothing is dropped silently.
 *
 * <p>An utterance (a segment) starts with a write and ends with {@link #waitForPlayout} or {@link #clear()}: silence
 * sent in between because the writer was too slow counts as {@linkplain #underrunSamples() underrun}.
 *
 * <p>{@link #write} may be called from any thread (concurrent writers are serialised in arrival order); the other
 * methods too.
 */
public interface AudioSource {
  int sampleRate();

  int channels();

  /**
   * Queues interleaved 16-bit PCM ({@code length} samples, a multiple of {@link #channels()}) and blocks while the
   * queue is full.
   *
   * @return the number of samples accepted: {@code length}, or less if {@link #clear()} ran meanwhile (the rest is
   *     discarded)
   * @throws AgentException {@code INVALID_ARGUMENT} for a length that is not a multiple of the channel count;
   *     {@code DISCONNECTED} once the track is closed
   */
  int write(short[] pcm, int offset, int length) throws InterruptedException;

  /**
   * Queues the interleaved samples from {@code pcm.position()} to its limit, blocking while the queue is full, and
   * advances the position over what was accepted. A direct buffer in native byte order goes to the native playout
   * buffer without a copy; any other buffer is copied.
   *
   * @return the samples accepted ({@code remaining()}, or less if {@link #clear()} ran meanwhile)
   * @throws AgentException as {@link #write(short[], int, int)}
   */
  int write(ShortBuffer pcm) throws InterruptedException;

  /** Writes a whole frame, which must have this source's sample rate and channel count. */
  default int write(AudioFrame frame) throws InterruptedException {
    if (frame.sampleRate() != sampleRate() || frame.channels() != channels()) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "frame is " + frame.sampleRate() + " Hz/"
          + frame.channels() + " ch but the source is " + sampleRate() + " Hz/" + channels() + " ch");
    }
    return write(frame.data(), 0, frame.data().length);
  }

  /**
   * Drops everything queued (barge-in): the next 10 ms frame sent is silence (after a few ms of fade-out); blocked
   * writers return early; pending playout waits return false. What WebRTC has already encoded (at most one 20 ms
   * packet) and what is on the network cannot be recalled. For a source pacing a video track, the queued video
   * frames are dropped too.
   */
  void clear();

  /**
   * Ends the current utterance and waits until everything written so far has been handed to WebRTC (exact: from the
   * queue's emission position, not estimated from the clock).
   *
   * @return true when it all played out, false if {@link #clear()} discarded part of it or the wait timed out
   */
  boolean waitForPlayout(Duration timeout) throws InterruptedException;

  /** Audio queued and not yet sent, in milliseconds (exact, from the queue level). */
  long queuedMillis();

  /** Samples per channel handed to WebRTC so far, silence included (the emission clock). */
  long emittedSamples();

  /** Samples per channel of silence sent while a write was still expected (the queue ran dry mid-utterance). */
  long underrunSamples();
}
