package io.livekit.agents.media;

import java.util.Map;

/**
 * A snapshot of an {@link AudioPlayoutBuffer}'s statistics: positions (samples per channel), queue
 * depth, underruns, clears, writer blocking, emitted frames, clock slips and tick lateness. Immutable.
 */
public final class AudioPlayoutBufferStats {
  static final String[] NAMES = {"writePosition", "playedPosition", "emitPosition", "queuedMs", "maxQueuedMs",
      "underrunSamples", "clears", "discardedSamples", "writerBlockedNanos", "framesEmitted", "silentFrames",
      "clockSlips", "tickLatenessP50Us", "tickLatenessP99Us", "tickLatenessMaxUs", "marksFired", "marksInterrupted"};

  private final Map<String, Double> values;

  AudioPlayoutBufferStats(double[] raw, long javaWriterBlockedNanos) {
    double[] all = raw.clone();
    all[8] += javaWriterBlockedNanos;  // writerBlockedNanos: native writers plus Java writers
    this.values = JitterBufferStats.toMap(NAMES, all);
  }

  /** The value of statistic {@code name}; {@link IllegalArgumentException} for an unknown name. */
  public double get(String name) {
    return JitterBufferStats.lookup(values, name);
  }

  /** Every statistic by name (unmodifiable, in a fixed order). */
  public Map<String, Double> asMap() {
    return values;
  }

  /** Content samples per channel ever accepted. */
  public long writePosition() {
    return (long) get("writePosition");
  }

  /** Content position the output has passed (emitted, or discarded by clear). */
  public long playedPosition() {
    return (long) get("playedPosition");
  }

  /** 10 ms frames emitted, silence included. */
  public long framesEmitted() {
    return (long) get("framesEmitted");
  }

  /** Silence emitted inside a segment because the writer was too slow (samples per channel). */
  public long underrunSamples() {
    return (long) get("underrunSamples");
  }

  @Override
  public String toString() {
    return "AudioPlayoutBufferStats" + values;
  }
}
