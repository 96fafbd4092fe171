package io.livekit.agents.media.internal.jni;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** Free functions of {@code lkmedia/video_convert.h}. */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/video_convert.h")
@Namespace("lkmedia")
public final class VideoConvertBinding {
  private VideoConvertBinding() {}

  public static native int convertToI420(int format, @Cast("const uint8_t*") ByteBuffer src, int srcStride, int srcSize,
      int width, int height,
      @Cast("uint8_t*") ByteBuffer y, int strideY, int sizeY,
      @Cast("uint8_t*") ByteBuffer u, int strideU, int sizeU,
      @Cast("uint8_t*") ByteBuffer v, int strideV, int sizeV);

  public static native int convertFromI420(@Cast("const uint8_t*") ByteBuffer y, int strideY, int sizeY,
      @Cast("const uint8_t*") ByteBuffer u, int strideU, int sizeU,
      @Cast("const uint8_t*") ByteBuffer v, int strideV, int sizeV, int width, int height,
      int format, @Cast("uint8_t*") ByteBuffer dst, int dstStride, int dstSize);

  public static native int scaleI420(@Cast("const uint8_t*") ByteBuffer srcY, int srcStrideY, int srcSizeY,
      @Cast("const uint8_t*") ByteBuffer srcU, int srcStrideU, int srcSizeU,
      @Cast("const uint8_t*") ByteBuffer srcV, int srcStrideV, int srcSizeV, int srcWidth, int srcHeight,
      @Cast("uint8_t*") ByteBuffer dstY, int dstStrideY, int dstSizeY,
      @Cast("uint8_t*") ByteBuffer dstU, int dstStrideU, int dstSizeU,
      @Cast("uint8_t*") ByteBuffer dstV, int dstStrideV, int dstSizeV, int dstWidth, int dstHeight, int filter);

  public static native int scalePacked(@Cast("const uint8_t*") ByteBuffer src, int srcStride, int srcSize,
      int srcWidth, int srcHeight, @Cast("uint8_t*") ByteBuffer dst, int dstStride, int dstSize,
      int dstWidth, int dstHeight, int filter);
}
