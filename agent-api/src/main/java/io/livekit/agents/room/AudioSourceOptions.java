package io.livekit.agents.room;

/**
 * The format and playout-queue size of an {@link AudioSource}.
 *
 * @param sampleRate 8000, 16000, 24000, 32000, 44100 or 48000
 * @param channels 1 or 2
 * @param queueMillis how much audio the playout queue holds before {@link AudioSource#write} blocks; a multiple of
 *     10 between 20 and 10 000 (voice agents: 200; file playback: more)
 */
public record AudioSourceOptions(int sampleRate, int channels, int queueMillis) {
  public AudioSourceOptions {
    if (sampleRate != 8000 && sampleRate != 16000 && sampleRate != 24000 && sampleRate != 32000
        && sampleRate != 44100 && sampleRate != 48000) {
      throw new IllegalArgumentException("unsupported sample rate " + sampleRate
          + "; use 8000, 16000, 24000, 32000, 44100 or 48000");
    }
    if (channels != 1 && channels != 2) {
      throw new IllegalArgumentException("channels must be 1 or 2, not " + channels);
    }
    if (queueMillis < 20 || queueMillis > 10_000 || queueMillis % 10 != 0) {
      throw new IllegalArgumentException("queueMillis must be a multiple of 10 in 20..10000, not " + queueMillis);
    }
  }

  /** The given format with a 200 ms queue. */
  public static AudioSourceOptions of(int sampleRate, int channels) {
    return new AudioSourceOptions(sampleRate, channels, 200);
  }
}
