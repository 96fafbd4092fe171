package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.Status;
import io.livekit.agents.media.internal.jni.VideoConvertBinding;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Colour conversion and scaling between packed 32-bit pixels and I420 (libyuv, SIMD), writing straight
 * into the caller's planes. For WebRTC, render into a direct buffer and convert into a webrtc-java
 * {@code NativeI420Buffer.allocate(w, h)}: {@code getDataY/U/V()} with {@code getStrideY/U/V()}, so the
 * picture is never copied on the Java side.
 *
 * <p>I420 chroma planes are {@code (width + 1) / 2} by {@code (height + 1) / 2}. Strides are in bytes and
 * may exceed the row width. Every buffer is read or written from its position, must be direct and must
 * hold {@code stride x (rows - 1) + row bytes} from there; positions are not changed. Conversions use
 * BT.601 limited range, as libwebrtc expects.
 *
 * <p>Thread-safe (no state).
 */
public final class VideoConverter {
  private VideoConverter() {}

  /** Converts a {@code width x height} packed picture to I420. */
  public static void toI420(PixelFormat format, ByteBuffer src, int srcStride, int width, int height,
      ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV) {
    MediaNatives.ensureAvailability();
    Objects.requireNonNull(format, "format");
    Buffers.direct(src, "src");
    Buffers.writable(y, "y");
    Buffers.writable(u, "u");
    Buffers.writable(v, "v");
    int r = VideoConvertBinding.convertToI420(format.value(), src, srcStride, src.remaining(), width, height,
        y, strideY, y.remaining(), u, strideU, u.remaining(), v, strideV, v.remaining());
    if (r < 0) {
      throw Status.failure(r, format + " to I420 conversion of " + width + "x" + height);
    }
  }

  /** Converts a {@code width x height} I420 picture to packed pixels. */
  public static void fromI420(ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV,
      int width, int height, PixelFormat format, ByteBuffer dst, int dstStride) {
    MediaNatives.ensureAvailability();
    Objects.requireNonNull(format, "format");
    Buffers.direct(y, "y");
    Buffers.direct(u, "u");
    Buffers.direct(v, "v");
    Buffers.writable(dst, "dst");
    int r = VideoConvertBinding.convertFromI420(y, strideY, y.remaining(), u, strideU, u.remaining(), v, strideV,
        v.remaining(), width, height, format.value(), dst, dstStride, dst.remaining());
    if (r < 0) {
      throw Status.failure(r, "I420 to " + format + " conversion of " + width + "x" + height);
    }
  }

  /** Scales an I420 picture (or copies it, at the same size). */
  public static void scaleI420(ByteBuffer srcY, int srcStrideY, ByteBuffer srcU, int srcStrideU, ByteBuffer srcV,
      int srcStrideV, int srcWidth, int srcHeight, ByteBuffer dstY, int dstStrideY, ByteBuffer dstU, int dstStrideU,
      ByteBuffer dstV, int dstStrideV, int dstWidth, int dstHeight, ScaleFilter filter) {
    MediaNatives.ensureAvailability();
    Objects.requireNonNull(filter, "filter");
    Buffers.direct(srcY, "srcY");
    Buffers.direct(srcU, "srcU");
    Buffers.direct(srcV, "srcV");
    Buffers.writable(dstY, "dstY");
    Buffers.writable(dstU, "dstU");
    Buffers.writable(dstV, "dstV");
    int r = VideoConvertBinding.scaleI420(srcY, srcStrideY, srcY.remaining(), srcU, srcStrideU, srcU.remaining(),
        srcV, srcStrideV, srcV.remaining(), srcWidth, srcHeight, dstY, dstStrideY, dstY.remaining(), dstU, dstStrideU,
        dstU.remaining(), dstV, dstStrideV, dstV.remaining(), dstWidth, dstHeight, filter.value());
    if (r < 0) {
      throw Status.failure(r, "I420 scaling " + srcWidth + "x" + srcHeight + " to " + dstWidth + "x" + dstHeight);
    }
  }

  /** Scales a packed 32-bit picture; the four bytes of each pixel keep their places, whatever the format. */
  public static void scalePacked(ByteBuffer src, int srcStride, int srcWidth, int srcHeight, ByteBuffer dst,
      int dstStride, int dstWidth, int dstHeight, ScaleFilter filter) {
    MediaNatives.ensureAvailability();
    Objects.requireNonNull(filter, "filter");
    Buffers.direct(src, "src");
    Buffers.writable(dst, "dst");
    int r = VideoConvertBinding.scalePacked(src, srcStride, src.remaining(), srcWidth, srcHeight, dst, dstStride,
        dst.remaining(), dstWidth, dstHeight, filter.value());
    if (r < 0) {
      throw Status.failure(r, "packed scaling " + srcWidth + "x" + srcHeight + " to " + dstWidth + "x" + dstHeight);
    }
  }
}
