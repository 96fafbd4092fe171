package io.livekit.agents.media;

import java.util.Map;

/**
 * A snapshot of an {@link AvPacer}'s statistics. {@code avOffset*Ms} is the push time of each video
 * frame minus the emission time of the audio sample it belongs to (positive: video after audio, i.e.
 * audio leads). Immutable.
 */
public final class AvPacerStats {
  static final String[] NAMES = {"avOffsetP50Ms", "avOffsetP99Ms", "avOffsetMinMs", "avOffsetMaxMs",
      "videoFramesPushed", "videoLate", "videoDropped", "videoRepeated", "actualFps", "audioUnderrunMs",
      "queueDepthAudioMs", "queueDepthVideoFrames"};

  private final Map<String, Double> values;

  AvPacerStats(double[] raw) {
    this.values = JitterBufferStats.toMap(NAMES, raw);
  }

  /** The value of statistic {@code name}; {@link IllegalArgumentException} for an unknown name. */
  public double get(String name) {
    return JitterBufferStats.lookup(values, name);
  }

  /** Every statistic by name (unmodifiable, in a fixed order). */
  public Map<String, Double> asMap() {
    return values;
  }

  /** Video frames pushed (repeats not included). */
  public long videoFramesPushed() {
    return (long) get("videoFramesPushed");
  }

  /** Frames dropped because their time had passed by more than one frame interval. */
  public long videoLate() {
    return (long) get("videoLate");
  }

  @Override
  public String toString() {
    return "AvPacerStats" + values;
  }
}
