package io.livekit.agents.media.internal;

import java.nio.Buffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Argument checks for buffers handed to native code. Native code reads from {@code position()} and is
 * told how many elements it may touch, so a buffer must be direct (a heap buffer would be copied by
 * JavaCPP) and, for 16-bit and float samples, in native byte order.
 */
public final class Buffers {
  private Buffers() {}

  /** Fails unless {@code b} is a non-null direct buffer. */
  public static <B extends Buffer> B direct(B b, String name) {
    if (b == null) {
      throw new NullPointerException(name + " is null");
    }
    if (!b.isDirect()) {
      throw new IllegalArgumentException(name + " must be a direct buffer (ByteBuffer.allocateDirect(...)); "
          + "heap buffers would have to be copied for native code");
    }
    return b;
  }

  /**
   * Fails unless {@code b} is a non-null, direct and writable buffer: one that native code writes into. A
   * read-only view must not be written behind Java's back.
   */
  public static <B extends Buffer> B writable(B b, String name) {
    direct(b, name);
    if (b.isReadOnly()) {
      throw new IllegalArgumentException(name + " is read-only; native code writes into it, so pass a writable "
          + "direct buffer (not asReadOnlyBuffer())");
    }
    return b;
  }

  /** Direct, native-order and writable 16-bit samples that native code writes into. */
  public static ShortBuffer samplesOut(ShortBuffer b, String name) {
    return writable(samples(b, name), name);
  }

  /** Direct, native-order and writable float samples that native code writes into. */
  public static FloatBuffer samplesOut(FloatBuffer b, String name) {
    return writable(samples(b, name), name);
  }

  /** Direct, native-order 16-bit samples. */
  public static ShortBuffer samples(ShortBuffer b, String name) {
    direct(b, name);
    if (b.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException(name + " must be in native byte order: "
          + "ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder()).asShortBuffer()");
    }
    return b;
  }

  /** Direct, native-order float samples. */
  public static FloatBuffer samples(FloatBuffer b, String name) {
    direct(b, name);
    if (b.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException(name + " must be in native byte order: "
          + "ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder()).asFloatBuffer()");
    }
    return b;
  }

  /** Fails unless {@code value} is in [min, max]. */
  public static int range(int value, int min, int max, String name) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
    }
    return value;
  }
}
