package io.livekit.agents.internal.rtc;

import io.livekit.agents.media.AudioResampler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * Turns the 10 ms PCM blocks WebRTC delivers (any rate, 1 or 2 channels, 16-bit native order) into the format a
 * stream asked for: channels are remixed (mono to stereo by copy, stereo to mono by average), then the rate is
 * converted by the native core's resampler (speexdsp), or by libwebrtc's through webrtc-java when the natives are not
 * available (in mono: webrtc-java 0.14's resampler corrupts the heap with two channels). Output blocks are about 10 ms (the resampler's output per block varies by a sample); the stream
 * re-chunks them. Buffers are reused: no allocation per block once the format is known. Not thread-safe: one per
 * stream, used on WebRTC's audio thread.
 */
final class PcmConverter implements AutoCloseable {
  private final int outRate;
  private final int outChannels;
  private final boolean nativeResampler;
  private ShortBuffer in = ShortBuffer.allocate(0);    // the WebRTC block
  private ByteBuffer inBytes = ByteBuffer.allocate(0);
  private ShortBuffer mixed = ShortBuffer.allocate(0); // remixed, at the input rate
  private byte[] mixedBytes = new byte[0];             // behind `mixed` on the fallback
  private ShortBuffer out = ShortBuffer.allocate(0);   // resampled
  private byte[] outBytes = new byte[0];               // the fallback's mono output
  private ShortBuffer monoOut = ShortBuffer.allocate(0); // over outBytes
  private int inRate;
  private AudioResampler resampler;
  private dev.onvoid.webrtc.media.audio.AudioResampler fallback;
  private boolean closed;

  PcmConverter(int outRate, int outChannels) {
    this(outRate, outChannels, NativeMedia.available());
  }

  /** With {@code nativeResampler} false, libwebrtc's resampler is used (the fallback, also for tests). */
  PcmConverter(int outRate, int outChannels, boolean nativeResampler) {
    this.outRate = outRate;
    this.outChannels = outChannels;
    this.nativeResampler = nativeResampler;
  }

  /**
   * Converts one block.
   *
   * @return interleaved samples in the output format from position to limit (a buffer reused by the next call), or
   *     null if the input is not a 10 ms block of 16-bit PCM or the converter is closed
   */
  ShortBuffer convert(byte[] data, int bitsPerSample, int sampleRate, int channels, int frames) {
    if (closed || bitsPerSample != 16 || channels < 1 || channels > 2 || sampleRate < 1000 || sampleRate > 384_000
        || frames != sampleRate / 100 || data.length < frames * channels * 2) {
      return null;
    }
    int inSamples = frames * channels;
    if (in.capacity() < inSamples) {
      inBytes = ByteBuffer.allocateDirect(inSamples * 2).order(ByteOrder.nativeOrder());
      in = inBytes.asShortBuffer();
    }
    inBytes.clear();
    inBytes.put(data, 0, inSamples * 2);
    // libwebrtc's resampler (the fallback) corrupts memory with two channels: it resamples mono, then upmixes
    int mixChannels = nativeResampler || sampleRate == outRate ? outChannels : 1;
    int mixedSamples = frames * mixChannels;
    if (mixed.capacity() < mixedSamples) {
      if (nativeResampler) {
        mixed = ByteBuffer.allocateDirect(mixedSamples * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
      } else {
        mixedBytes = new byte[mixedSamples * 2];
        mixed = ByteBuffer.wrap(mixedBytes).order(ByteOrder.nativeOrder()).asShortBuffer();
      }
    }
    remix(frames, channels, mixChannels);
    mixed.position(0).limit(mixedSamples);
    if (sampleRate == outRate) {
      return mixed;
    }
    if ((resampler == null && fallback == null) || inRate != sampleRate) {
      newResampler(sampleRate);
    }
    int outFrames = nativeResampler ? resampler.maxOutputFrames(frames) : outRate / 100;
    if (out.capacity() < outFrames * outChannels) {
      if (nativeResampler) {
        out = ByteBuffer.allocateDirect(outFrames * outChannels * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
      } else {
        outBytes = new byte[outFrames * 2];
        monoOut = ByteBuffer.wrap(outBytes).order(ByteOrder.nativeOrder()).asShortBuffer();
        out = outChannels == 1 ? monoOut : ShortBuffer.allocate(outFrames * outChannels);
      }
    }
    out.clear();
    int n;
    if (nativeResampler) {
      n = resampler.process(mixed, out);
    } else {
      n = fallback.resample(mixedBytes, frames, outBytes, outFrames, 1);
      if (outChannels == 2) {
        for (int i = 0; i < n; i++) {
          short v = monoOut.get(i);
          out.put(2 * i, v);
          out.put(2 * i + 1, v);
        }
      }
    }
    if (n <= 0) {
      return null;
    }
    return out.position(0).limit(n * outChannels);
  }

  private void remix(int frames, int channels, int outChannels) {
    if (channels == outChannels) {
      mixed.put(0, in, 0, frames * channels);
    } else if (channels == 1) { // mono -> stereo
      for (int i = 0; i < frames; i++) {
        short s = in.get(i);
        mixed.put(2 * i, s);
        mixed.put(2 * i + 1, s);
      }
    } else { // stereo -> mono
      for (int i = 0; i < frames; i++) {
        mixed.put(i, (short) ((in.get(2 * i) + in.get(2 * i + 1)) / 2));
      }
    }
  }

  private void newResampler(int sampleRate) {
    releaseResampler();
    if (nativeResampler) {
      resampler = AudioResampler.create(outChannels, sampleRate, outRate);
    } else {
      fallback = new dev.onvoid.webrtc.media.audio.AudioResampler(sampleRate, outRate, outChannels);
    }
    inRate = sampleRate;
  }

  private void releaseResampler() {
    if (resampler != null) {
      resampler.close();
      resampler = null;
    }
    if (fallback != null) {
      fallback.dispose();
      fallback = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    releaseResampler();
  }
}
