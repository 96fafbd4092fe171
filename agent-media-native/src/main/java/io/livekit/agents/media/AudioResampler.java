package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.NativeHandle;
import io.livekit.agents.media.internal.Status;
import io.livekit.agents.media.internal.jni.ResamplerBinding;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * A streaming sample-rate converter for interleaved PCM (the speexdsp resampler, built into the native
 * core), e.g. 48 kHz from WebRTC to 16 kHz for speech recognition and back.
 *
 * <p>Quality 5 (the default) keeps the passband flat within 0.1 dB up to 0.4 x the lower rate, rejects
 * aliasing completely in 16-bit output and delays by about 2.5 ms at 48 to 16 kHz; quality 3 is about
 * twice as fast with 1.5 ms of delay and more than 100 dB of alias rejection (media-core.md §6.2). Equal
 * rates pass samples through unchanged.
 *
 * <p>Buffers: direct, native byte order. {@link #process} reads everything from {@code in.position()} to
 * its limit and writes at {@code out.position()}; positions and limits stay unchanged.
 *
 * <p>Threads: not thread-safe; one thread at a time. {@link #close()} may run on any thread once no
 * other call is in progress.
 */
public final class AudioResampler implements AutoCloseable {
  /** speexdsp quality of {@link #create(int, int, int)}. */
  public static final int DEFAULT_QUALITY = 5;

  private final NativeHandle<ResamplerBinding> handle;
  private final int channels;
  private final int inputRate;
  private final int outputRate;

  private AudioResampler(int channels, int inputRate, int outputRate, int quality) {
    MediaNatives.ensureAvailability();
    Buffers.range(channels, 1, 8, "channels");
    Buffers.range(inputRate, 1000, 384000, "inputRate");
    Buffers.range(outputRate, 1000, 384000, "outputRate");
    Buffers.range(quality, 0, 10, "quality");
    this.channels = channels;
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.handle = new NativeHandle<>("AudioResampler", new ResamplerBinding(channels, inputRate, outputRate, quality));
  }

  /** A resampler of {@link #DEFAULT_QUALITY}. */
  public static AudioResampler create(int channels, int inputRate, int outputRate) {
    return new AudioResampler(channels, inputRate, outputRate, DEFAULT_QUALITY);
  }

  /** A resampler of the given speexdsp quality (0..10). */
  public static AudioResampler create(int channels, int inputRate, int outputRate, int quality) {
    return new AudioResampler(channels, inputRate, outputRate, quality);
  }

  /**
   * Converts all of {@code in} (a whole number of frames). {@code out} needs room for
   * {@link #maxOutputFrames(int)} frames.
   *
   * @return frames (samples per channel) written to {@code out}
   */
  public int process(ShortBuffer in, ShortBuffer out) {
    ResamplerBinding r = handle.get();
    Buffers.samples(in, "in");
    Buffers.samplesOut(out, "out");
    int frames = frames(in.remaining());
    checkRoom(frames, out.remaining());
    return Status.check(r.process(in, frames, out, out.remaining() / channels), "resample");
  }

  /** Same as {@link #process(ShortBuffer, ShortBuffer)} for float samples. */
  public int process(FloatBuffer in, FloatBuffer out) {
    ResamplerBinding r = handle.get();
    Buffers.samples(in, "in");
    Buffers.samplesOut(out, "out");
    int frames = frames(in.remaining());
    checkRoom(frames, out.remaining());
    return Status.check(r.processFloat(in, frames, out, out.remaining() / channels), "resample");
  }

  private int frames(int samples) {
    if (samples % channels != 0) {
      throw new IllegalArgumentException("in holds " + samples + " samples, not a whole number of " + channels + "-channel frames");
    }
    return samples / channels;
  }

  private void checkRoom(int frames, int outSamples) {
    long needed = (long) maxOutputFrames(frames) * channels;
    if (outSamples < needed) {
      throw new IllegalArgumentException("out has room for " + outSamples + " samples; " + frames
          + " input frames need up to " + needed + " (maxOutputFrames x channels)");
    }
  }

  /** The most frames one {@link #process} call can return for {@code inputFrames} input frames. */
  public int maxOutputFrames(int inputFrames) {
    if (inputFrames <= 0) {
      return 0;
    }
    return handle.get().maxOutputFrames(inputFrames);
  }

  /** Delay through the filter, in output frames. */
  public int latencyFrames() {
    return handle.get().latencyFrames();
  }

  /** Forgets buffered samples (a new stream starts). */
  public void reset() {
    Status.check(handle.get().reset(), "resampler reset");
  }

  /** Channels per frame. */
  public int channels() {
    return channels;
  }

  /** Input rate in Hz. */
  public int inputRate() {
    return inputRate;
  }

  /** Output rate in Hz. */
  public int outputRate() {
    return outputRate;
  }

  /** Frees the native resampler. Safe to call more than once; later calls of other methods throw. */
  @Override
  public void close() {
    handle.close();
  }
}
