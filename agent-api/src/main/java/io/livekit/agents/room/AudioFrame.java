package io.livekit.agents.room;

import java.util.Objects;

/**
 * A block of interleaved signed 16-bit PCM. The frame owns {@link #data()}; whoever receives one may keep it.
 *
 * @param data interleaved samples, {@code samplesPerChannel * channels} long
 * @param sampleRate samples per second per channel
 * @param channels 1 (mono) or 2 (stereo)
 * @param samplesPerChannel frames in this block (480 for 10 ms at 48 kHz)
 */
public record AudioFrame(short[] data, int sampleRate, int channels, int samplesPerChannel) {
  public AudioFrame {
    Objects.requireNonNull(data, "data");
    if (sampleRate <= 0 || channels < 1 || channels > 2 || samplesPerChannel < 0) {
      throw new IllegalArgumentException("bad audio format: rate=" + sampleRate + " channels=" + channels
          + " samplesPerChannel=" + samplesPerChannel);
    }
    if (data.length != samplesPerChannel * channels) {
      throw new IllegalArgumentException("data holds " + data.length + " samples, expected "
          + samplesPerChannel * channels + " (samplesPerChannel * channels)");
    }
  }

  /** Duration in microseconds. */
  public long durationMicros() {
    return samplesPerChannel * 1_000_000L / sampleRate;
  }
}
