package io.livekit.agents.room;

/**
 * The size and queue of a {@link VideoSource}.
 *
 * @param width frame width in pixels (even, 2..4096)
 * @param height frame height in pixels (even, 2..4096)
 * @param queueFrames frames held before {@link VideoSource#capture} blocks (1..120)
 */
public record VideoSourceOptions(int width, int height, int queueFrames) {
  public VideoSourceOptions {
    if (width < 2 || height < 2 || width > 4096 || height > 4096 || (width & 1) != 0 || (height & 1) != 0) {
      throw new IllegalArgumentException("video size must be even and within 2..4096, not " + width + "x" + height);
    }
    if (queueFrames < 1 || queueFrames > 120) {
      throw new IllegalArgumentException("queueFrames must be within 1..120, not " + queueFrames);
    }
  }

  /** The given size with a queue of 15 frames (500 ms at 30 fps). */
  public static VideoSourceOptions of(int width, int height) {
    return new VideoSourceOptions(width, height, 15);
  }
}
