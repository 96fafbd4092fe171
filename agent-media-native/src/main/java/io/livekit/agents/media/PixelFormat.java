package io.livekit.agents.media;

/**
 * Packed 32-bit pixel layouts, named by the order of the bytes in memory (not by libyuv's names, which
 * read a little-endian 32-bit word and so are reversed).
 */
public enum PixelFormat {
  /** Bytes R, G, B, A (e.g. OpenGL {@code GL_RGBA} readback, most image libraries). */
  RGBA(0),
  /**
   * Bytes B, G, R, A (e.g. Java {@code int} pixels {@code 0xAARRGGBB} of {@code BufferedImage.TYPE_INT_ARGB}
   * in a little-endian buffer, Windows/Skia surfaces).
   */
  BGRA(1),
  /** Bytes A, R, G, B. */
  ARGB(2),
  /** Bytes A, B, G, R (e.g. {@code BufferedImage.TYPE_4BYTE_ABGR}). */
  ABGR(3);

  private final int value;

  PixelFormat(int value) {
    this.value = value;
  }

  int value() {
    return value;
  }
}
