package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.audio.AudioResampler;

/**
 * Turns the 10 ms PCM blocks WebRTC delivers (any rate, 1 or 2 channels, 16-bit native order) into 10 ms blocks of
 * the format a stream asked for: channels are remixed (mono to stereo by copy, stereo to mono by average) and the
 * rate is converted with libwebrtc's PushResampler (through webrtc-java). Not thread-safe: one per stream, used on
 * WebRTC's audio thread.
 */
final class PcmConverter implements AutoCloseable {
  private final int outRate;
  private final int outChannels;
  private int inRate;
  private AudioResampler resampler;
  private byte[] mixed = new byte[0];
  private byte[] resampled = new byte[0];
  private boolean closed;

  PcmConverter(int outRate, int outChannels) {
    this.outRate = outRate;
    this.outChannels = outChannels;
  }

  /**
   * Converts one block.
   *
   * @return interleaved samples in the output format, or null if the input is not a 10 ms block of 16-bit PCM or
   *     the converter is closed
   */
  short[] convert(byte[] data, int bitsPerSample, int sampleRate, int channels, int frames) {
    if (closed || bitsPerSample != 16 || channels < 1 || channels > 2 || sampleRate <= 0 || frames != sampleRate / 100
        || data.length < frames * channels * 2) {
      return null;
    }
    // 1. remix into the output channel count, still at the input rate, as little-endian bytes
    int mixedBytes = frames * outChannels * 2;
    if (mixed.length < mixedBytes) {
      mixed = new byte[mixedBytes];
    }
    if (channels == outChannels) {
      System.arraycopy(data, 0, mixed, 0, mixedBytes);
    } else if (channels == 1) { // mono -> stereo
      for (int i = 0; i < frames; i++) {
        byte lo = data[2 * i];
        byte hi = data[2 * i + 1];
        mixed[4 * i] = lo;
        mixed[4 * i + 1] = hi;
        mixed[4 * i + 2] = lo;
        mixed[4 * i + 3] = hi;
      }
    } else { // stereo -> mono
      for (int i = 0; i < frames; i++) {
        int l = (short) ((data[4 * i] & 0xff) | (data[4 * i + 1] << 8));
        int r = (short) ((data[4 * i + 2] & 0xff) | (data[4 * i + 3] << 8));
        int m = (l + r) / 2;
        mixed[2 * i] = (byte) m;
        mixed[2 * i + 1] = (byte) (m >> 8);
      }
    }
    // 2. resample
    byte[] src = mixed;
    int outFrames = frames;
    if (sampleRate != outRate) {
      if (resampler == null || inRate != sampleRate) {
        if (resampler != null) {
          resampler.dispose();
        }
        resampler = new AudioResampler(sampleRate, outRate, outChannels);
        inRate = sampleRate;
      }
      outFrames = outRate / 100;
      int outBytes = outFrames * outChannels * 2;
      if (resampled.length != outBytes) {
        resampled = new byte[outBytes];
      }
      int n = resampler.resample(mixed, frames * outChannels, resampled, outFrames * outChannels, outChannels);
      if (n <= 0) {
        return null;
      }
      src = resampled;
      outFrames = n / outChannels;
    }
    short[] out = new short[outFrames * outChannels];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) ((src[2 * i] & 0xff) | (src[2 * i + 1] << 8));
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    if (resampler != null) {
      resampler.dispose();
      resampler = null;
    }
  }
}
