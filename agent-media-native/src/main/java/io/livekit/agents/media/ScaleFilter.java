package io.livekit.agents.media;

/** Filters for picture scaling (libyuv). */
public enum ScaleFilter {
  /** Nearest pixel: fastest, blocky. */
  NONE(0),
  /** Horizontal linear only. */
  LINEAR(1),
  /** Bilinear. */
  BILINEAR(2),
  /** Box (area average): best for shrinking. */
  BOX(3);

  private final int value;

  ScaleFilter(int value) {
    this.value = value;
  }

  int value() {
    return value;
  }
}
