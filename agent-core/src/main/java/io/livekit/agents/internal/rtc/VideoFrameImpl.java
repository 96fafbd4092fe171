package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.video.I420Buffer;
import io.livekit.agents.room.VideoFrame;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/** A received frame: owns one reference to webrtc-java's frame, released by {@link #close()}. */
final class VideoFrameImpl implements VideoFrame {
  private final dev.onvoid.webrtc.media.video.VideoFrame frame;
  private final I420Buffer buffer;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Takes over one reference of {@code frame} (the caller must not release it). */
  VideoFrameImpl(dev.onvoid.webrtc.media.video.VideoFrame frame) {
    this.frame = frame;
    this.buffer = frame.buffer.toI420();
  }

  @Override
  public int width() {
    return buffer.getWidth();
  }

  @Override
  public int height() {
    return buffer.getHeight();
  }

  @Override
  public int rotation() {
    return frame.rotation;
  }

  @Override
  public long timestampNanos() {
    return frame.timestampNs;
  }

  @Override
  public ByteBuffer dataY() {
    check();
    return buffer.getDataY().asReadOnlyBuffer();
  }

  @Override
  public ByteBuffer dataU() {
    check();
    return buffer.getDataU().asReadOnlyBuffer();
  }

  @Override
  public ByteBuffer dataV() {
    check();
    return buffer.getDataV().asReadOnlyBuffer();
  }

  @Override
  public int strideY() {
    return buffer.getStrideY();
  }

  @Override
  public int strideU() {
    return buffer.getStrideU();
  }

  @Override
  public int strideV() {
    return buffer.getStrideV();
  }

  private void check() {
    if (closed.get()) {
      throw new IllegalStateException("the video frame was closed; its planes are no longer valid");
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      frame.release();
    }
  }
}
