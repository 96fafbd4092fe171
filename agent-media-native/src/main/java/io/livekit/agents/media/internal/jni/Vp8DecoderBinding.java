package io.livekit.agents.media.internal.jni;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** {@code lkmedia::Vp8Decoder} ({@code lkmedia/vp8_codec.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/vp8_codec.h")
@Namespace("lkmedia")
@Name("Vp8Decoder")
public class Vp8DecoderBinding extends Pointer {
  public Vp8DecoderBinding(int threads, int options, int maxPixels) {
    allocate(threads, options, maxPixels);
  }

  private native void allocate(int threads, int options, int maxPixels);

  public native int decode(@Cast("const uint8_t*") ByteBuffer data, int length);

  public native int frameLost();

  public native int copyTo(@Cast("uint8_t*") ByteBuffer y, int strideY, int sizeY,
      @Cast("uint8_t*") ByteBuffer u, int strideU, int sizeU,
      @Cast("uint8_t*") ByteBuffer v, int strideV, int sizeV, int dstWidth, int dstHeight);

  public native int width();

  public native int height();

  public native @Cast("bool") boolean keyFrameRequired();

  public native @Cast("int64_t") long framesDecoded();

  public native @Cast("int64_t") long framesDropped();
}
