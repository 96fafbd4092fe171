package io.livekit.agents.media.internal.jni;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** {@code lkmedia::OpusJitterBuffer} ({@code lkmedia/opus_jitter_buffer.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/opus_jitter_buffer.h")
@Namespace("lkmedia")
@Name("OpusJitterBuffer")
public class OpusJitterBufferBinding extends Pointer {
  public OpusJitterBufferBinding(int sampleRate, int channels, int preset, int startDelayMs, int minDelayMs,
      int maxDelayMs, int capacity, boolean useFec, boolean timeStretch) {
    allocate(sampleRate, channels, preset, startDelayMs, minDelayMs, maxDelayMs, capacity, useFec, timeStretch);
  }

  private native void allocate(int sampleRate, int channels, int preset, int startDelayMs, int minDelayMs,
      int maxDelayMs, int capacity, boolean useFec, boolean timeStretch);

  public native int pushRtp(@Cast("const uint8_t*") ByteBuffer packet, int length, @Cast("int64_t") long arrivalNs);

  /** {@link #pushRtp(ByteBuffer, int, long)} with the packet's native address (a direct buffer's, plus its position). */
  public native int pushRtp(@Cast("const uint8_t*") long packetAddress, int length, @Cast("int64_t") long arrivalNs);

  public native int push(int sequenceNumber, @Cast("int64_t") long timestamp, @Cast("int64_t") long ssrc,
      @Cast("const uint8_t*") ByteBuffer payload, int length, @Cast("int64_t") long arrivalNs);

  public native int pull(@Cast("int64_t") long nowNs, @Cast("int16_t*") ShortBuffer pcm, int capacitySamples);

  public native int frameSamples();

  public native int targetDelayMs();

  public native void setMinimumDelay(int ms);

  public native void reset();

  public native int getStats(@Cast("double*") DoubleBuffer out, int capacity);
}
