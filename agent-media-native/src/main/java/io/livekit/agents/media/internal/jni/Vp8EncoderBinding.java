package io.livekit.agents.media.internal.jni;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** {@code lkmedia::Vp8Encoder} ({@code lkmedia/vp8_codec.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/vp8_codec.h")
@Namespace("lkmedia")
@Name("Vp8Encoder")
public class Vp8EncoderBinding extends Pointer {
  public Vp8EncoderBinding(int width, int height, int bitrateKbps, int maxFramerate, int cpuUsed, int threads, int options) {
    allocate(width, height, bitrateKbps, maxFramerate, cpuUsed, threads, options);
  }

  private native void allocate(int width, int height, int bitrateKbps, int maxFramerate, int cpuUsed, int threads, int options);

  public native int encode(@Cast("const uint8_t*") ByteBuffer y, int strideY, int sizeY,
      @Cast("const uint8_t*") ByteBuffer u, int strideU, int sizeU,
      @Cast("const uint8_t*") ByteBuffer v, int strideV, int sizeV,
      int width, int height, @Cast("int64_t") long timestampUs, @Cast("uint8_t*") ByteBuffer out, int capacity);

  public native void requestKeyFrame();

  public native int setKeyFrameMinIntervalMs(int ms);

  public native int setRates(int bitrateKbps, int maxFramerate);

  public native @Cast("bool") boolean lastFrameKey();

  public native int width();

  public native int height();

  public native int bitrateKbps();

  public native int cpuUsed();

  public native int threads();

  public native @Cast("int64_t") long framesEncoded();

  public native @Cast("int64_t") long framesDropped();

  public native @Cast("int64_t") long keyFramesEncoded();
}
