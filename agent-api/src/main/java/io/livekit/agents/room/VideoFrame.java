package io.livekit.agents.room;

import java.nio.ByteBuffer;

/**
 * A decoded I420 video frame received from a remote track. Its planes are direct buffers over native memory,
 * valid until {@link #close()}: read or copy them, then close the frame (a frame not closed keeps its native
 * buffer alive). Closing twice is harmless. Not thread-safe; hand it to one thread at a time.
 */
public interface VideoFrame extends AutoCloseable {
  int width();

  int height();

  /** Rotation in degrees (0, 90, 180, 270) the sender asked the renderer to apply. */
  int rotation();

  /** Capture time of the frame in nanoseconds (the sender's clock, mapped by WebRTC). */
  long timestampNanos();

  /** The Y plane, read-only, {@link #strideY()} bytes per row. */
  ByteBuffer dataY();

  /** The U plane, read-only, {@link #strideU()} bytes per row, (height+1)/2 rows. */
  ByteBuffer dataU();

  /** The V plane, read-only, {@link #strideV()} bytes per row, (height+1)/2 rows. */
  ByteBuffer dataV();

  int strideY();

  int strideU();

  int strideV();

  /** Releases the native buffer. */
  @Override
  void close();
}
