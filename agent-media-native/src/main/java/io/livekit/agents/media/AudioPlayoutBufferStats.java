package io.livekit.agents.media;

import java.util.Collections;
import java.util.LinkedHashMap;
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
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < NAMES.length; i++) {
      m.put(NAMES[i], raw[i]);
    }
    m.put("writerBlockedNanos", raw[8] + javaWriterBlockedNanos);
    this.values = Collections.unmodifiableMap(m);
  }

  /** The value of statistic {@code name}; {@link IllegalArgumentException} for an unknown name. */
  public double get(String name) {
    Double v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no statistic named '" + name + "'; known: " + values.keySet());
    }
    return v;
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
