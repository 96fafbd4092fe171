package io.livekit.agents.media;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of a {@link JitterBuffer}'s statistics, named as the WebRTC inbound-rtp statistics
 * where one exists ({@code packetsReceived}, {@code packetsLost}, {@code concealedSamples},
 * {@code jitterBufferDelay}...). Which names exist depends on the mode; {@link #names()} lists them.
 * Immutable.
 */
public final class JitterBufferStats {
  static final String[] OPUS = {"packetsReceived", "packetsLost", "packetsDiscarded", "packetsDuplicated",
      "packetsLate", "packetsReordered", "maxReorderDistance", "packetsInvalid", "resets", "bufferFlushes", "jitterMs",
      "currentDelayMs", "targetDelayMs", "minimumDelayMs", "maxRelativeDelayMs", "relativeArrivalDelayP50Ms",
      "relativeArrivalDelayP95Ms", "relativeArrivalDelayP99Ms", "jitterBufferDelaySeconds", "jitterBufferEmittedCount",
      "jitterBufferTargetDelaySeconds", "jitterBufferMinimumDelaySeconds", "currentBufferMs", "totalSamplesReceived",
      "concealedSamples", "silentConcealedSamples", "concealmentEvents", "delayedPacketOutageSamples",
      "lossConcealedSamples", "fecPacketsReceived", "fecRecovered", "fecRecoveredSamples", "fecDiscarded",
      "insertedSamplesForDeceleration", "removedSamplesForAcceleration", "interruptionCount",
      "totalInterruptionDurationMs", "dtxSamples", "silentSamples", "packetsDecoded", "decodeErrors"};
  static final String[] VP8 = {"packetsReceived", "packetsLost", "packetsDiscarded", "packetsDuplicated",
      "packetsLate", "packetsReordered", "maxReorderDistance", "packetsInvalid", "resets", "bufferFlushes", "jitterMs",
      "framesReceived", "framesDecoded", "framesDropped", "keyFramesReceived", "pliSent", "waitingForKeyFrameMs",
      "freezeCount", "totalFreezesDurationMs"};
  static final String[] PACKETS = {"packetsReceived", "packetsLost", "packetsDuplicated", "packetsLate",
      "packetsReordered", "maxReorderDistance", "packetsInvalid", "resets", "bufferFlushes", "packetsSkipped",
      "jitterMs", "packetsHeld"};

  private final Map<String, Double> values;

  JitterBufferStats(String[] names, double[] raw) {
    this.values = toMap(names, raw);
  }

  /** An unmodifiable map of {@code names[i]} to {@code raw[i]}, in order (shared by the buffer statistics). */
  static Map<String, Double> toMap(String[] names, double[] raw) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], raw[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  /** {@code values.get(name)}, failing with the known names when there is no such statistic. */
  static double lookup(Map<String, Double> values, String name) {
    Double v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no statistic named '" + name + "'; known: " + values.keySet());
    }
    return v;
  }

  /** The value of statistic {@code name}; {@link IllegalArgumentException} if this mode has no such statistic. */
  public double get(String name) {
    return lookup(values, name);
  }

  /** {@link #get(String)} as a long (for counters). */
  public long count(String name) {
    return (long) get(name);
  }

  /** The statistic names of this mode, in a fixed order. */
  public java.util.Set<String> names() {
    return values.keySet();
  }

  /** Every statistic by name (unmodifiable, in a fixed order). */
  public Map<String, Double> asMap() {
    return values;
  }

  /** RTP packets handed to the buffer, duplicates and late ones included. */
  public long packetsReceived() {
    return count("packetsReceived");
  }

  /** RFC 3550: expected minus received. */
  public long packetsLost() {
    return count("packetsLost");
  }

  @Override
  public String toString() {
    return "JitterBufferStats" + values;
  }
}
