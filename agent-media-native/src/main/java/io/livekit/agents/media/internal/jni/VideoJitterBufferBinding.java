package io.livekit.agents.media.internal.jni;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.LongBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** {@code lkmedia::VideoJitterBuffer} ({@code lkmedia/video_jitter_buffer.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/video_jitter_buffer.h")
@Namespace("lkmedia")
@Name("VideoJitterBuffer")
public class VideoJitterBufferBinding extends Pointer {
  public static final int FRAME_INFO_FIELDS = 12;
  public static final int STATS_FIELDS = 19;

  public VideoJitterBufferBinding(int capacity, int maxPayloadBytes, int maxWaitMs, int reorderWaitMs,
      int pliIntervalMs, int policy) {
    allocate(capacity, maxPayloadBytes, maxWaitMs, reorderWaitMs, pliIntervalMs, policy);
  }

  private native void allocate(int capacity, int maxPayloadBytes, int maxWaitMs, int reorderWaitMs,
      int pliIntervalMs, int policy);

  public native int pushRtp(@Cast("const uint8_t*") ByteBuffer packet, int length, @Cast("int64_t") long arrivalNs);

  /** {@link #pushRtp(ByteBuffer, int, long)} with the packet's native address (a direct buffer's, plus its position). */
  public native int pushRtp(@Cast("const uint8_t*") long packetAddress, int length, @Cast("int64_t") long arrivalNs);

  public native int popFrame(@Cast("int64_t") long nowNs, @Cast("uint8_t*") ByteBuffer out, int capacity,
      @Cast("int64_t*") LongBuffer info);

  /** {@link #popFrame(long, ByteBuffer, int, LongBuffer)} with native addresses of direct buffers. */
  public native int popFrame(@Cast("int64_t") long nowNs, @Cast("uint8_t*") long outAddress, int capacity,
      @Cast("int64_t*") long infoAddress);

  public native boolean pollKeyFrameRequest(@Cast("int64_t") long nowNs);

  public native boolean waitingForKeyFrame();

  public native @Cast("int64_t") long nextDeadlineNs();

  public native void reset();

  public native int getStats(@Cast("double*") DoubleBuffer out, int capacity);
}
