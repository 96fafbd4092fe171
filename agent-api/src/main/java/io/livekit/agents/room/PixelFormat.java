package io.livekit.agents.room;

/** Layout of the pixels handed to {@link VideoSource#capture}. Packed formats name the byte order in memory. */
public enum PixelFormat {
  /** Planar Y, U, V (4:2:0), in one buffer: Y plane, then U, then V, each tightly packed at the given stride. */
  I420,
  /** 4 bytes per pixel: R, G, B, A. */
  RGBA,
  /** 4 bytes per pixel: B, G, R, A. */
  BGRA,
  /** 4 bytes per pixel: A, R, G, B. */
  ARGB,
  /** 4 bytes per pixel: A, B, G, R. */
  ABGR
}
