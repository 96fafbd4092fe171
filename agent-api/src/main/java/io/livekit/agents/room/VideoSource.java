package io.livekit.agents.room;

import io.livekit.agents.AgentException;

import java.nio.ByteBuffer;

/**
 * Where a local video track gets its frames. Each captured frame is converted into an I420 buffer WebRTC owns, put
 * into a bounded queue and pushed to WebRTC by a pacer thread ({@code lk-video-pacer-<track>}) at its presentation
 * time: {@code timestampMicros} after the first frame's. A producer that runs ahead blocks while the queue is full;
 * frames later than one frame interval are pushed at once, never dropped. A source paced by an audio clock
 * ({@link LocalParticipant#createVideoTrack(String, VideoSourceOptions, LocalAudioTrack)}) times its frames by the
 * audio instead, as described there.
 *
 * <p>{@link #capture} may be called from one thread at a time.
 */
public interface VideoSource {
  int width();

  int height();

  /**
   * Converts a frame into I420 (copying out of {@code data}, which the caller may reuse as soon as this returns)
   * and queues it.
   *
   * @param data the pixels, {@code stride * height} bytes for packed formats; for {@link PixelFormat#I420} the Y
   *     plane ({@code stride * height}) then U and V ({@code (stride/2) * (height/2)} each)
   * @param format the pixel layout
   * @param stride bytes per row (of the Y plane for I420)
   * @param timestampMicros presentation time; must not go backwards
   * @throws AgentException {@code INVALID_ARGUMENT} for a buffer too small or a size other than this source's;
   *     {@code DISCONNECTED} once the track is closed
   */
  void capture(ByteBuffer data, PixelFormat format, int stride, long timestampMicros) throws InterruptedException;

  /**
   * Drops the queued frames. For a source paced by an audio clock this is the audio source's
   * {@link AudioSource#clear()}: the pacer flushes audio and video together.
   */
  void clear();

  /** Frames pushed to WebRTC so far. */
  long framesPushed();
}
