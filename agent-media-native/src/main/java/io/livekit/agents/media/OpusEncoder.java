package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.NativeHandle;
import io.livekit.agents.media.internal.Status;
import io.livekit.agents.media.internal.jni.OpusAudioEncoderBinding;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * An Opus encoder (libopus 1.5, linked into the native core).
 *
 * <p>The builder's defaults are what libwebrtc and LiveKit use for a voice track, so that audio encoded
 * here sounds like audio sent through WebRTC: 48 kHz mono, {@link OpusApplication#VOIP},
 * {@link OpusSignal#VOICE}, 32 kb/s VBR, complexity 9, in-band FEC on with 5 % expected loss, DTX on.
 *
 * <pre>{@code
 * try (OpusEncoder enc = OpusEncoder.builder().build()) {
 *   ShortBuffer pcm = ByteBuffer.allocateDirect(960 * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
 *   ByteBuffer packet = ByteBuffer.allocateDirect(OpusEncoder.MAX_PACKET_BYTES);
 *   int bytes = enc.encode(pcm, packet);   // one 20 ms frame -> bytes at packet.position()
 * }
 * }</pre>
 *
 * <p>Buffers: direct, native byte order; nothing is copied and nothing is allocated per call. Methods
 * read from and write at the buffers' positions and leave positions and limits unchanged.
 *
 * <p>Threads: not thread-safe. Use an instance from one thread at a time (e.g. the track's media
 * thread); {@link #close()} may run on any thread once no other call is in progress.
 */
public final class OpusEncoder implements AutoCloseable {
  /** Enough room for any packet this encoder produces (120 ms, RFC 6716 limits). */
  public static final int MAX_PACKET_BYTES = 7657;

  private final NativeHandle<OpusAudioEncoderBinding> handle;
  private final int sampleRate;
  private final int channels;

  private OpusEncoder(Builder b) {
    MediaNatives.ensureAvailability();
    this.sampleRate = b.sampleRate;
    this.channels = b.channels;
    OpusAudioEncoderBinding enc = new OpusAudioEncoderBinding(b.sampleRate, b.channels, b.application.value());
    this.handle = new NativeHandle<>("OpusEncoder", enc);
    try {
      Status.check(enc.setBitrate(b.bitrate), "Opus setBitrate");
      Status.check(enc.setComplexity(b.complexity), "Opus setComplexity");
      Status.check(enc.setVbr(b.vbr), "Opus setVbr");
      Status.check(enc.setSignal(b.signal.value()), "Opus setSignal");
      Status.check(enc.setInbandFec(b.inbandFec ? 1 : 0), "Opus setInbandFec");
      Status.check(enc.setPacketLossPercent(b.packetLossPercent), "Opus setPacketLossPercent");
      Status.check(enc.setDtx(b.dtx), "Opus setDtx");
      Status.check(enc.setMaxBandwidth(b.maxBandwidth.value()), "Opus setMaxBandwidth");
    } catch (RuntimeException e) {
      handle.close();
      throw e;
    }
  }

  /** A builder with the voice defaults described above. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Encodes one frame: all samples from {@code pcm.position()} to its limit (interleaved, so
   * {@code remaining() / channels} samples per channel, which must be 2.5, 5, 10, 20, 40, 60, 80, 100 or
   * 120 ms). Writes the packet at {@code out.position()}, using at most {@code out.remaining()} bytes.
   *
   * @return the packet length in bytes; 1-2 bytes is a DTX (silence) packet
   * @throws MediaException {@code BAD_ARGUMENT} for an invalid frame size, {@code BUFFER_TOO_SMALL}
   * @throws IllegalStateException after {@link #close()}
   */
  public int encode(ShortBuffer pcm, ByteBuffer out) {
    OpusAudioEncoderBinding enc = handle.get();
    Buffers.samples(pcm, "pcm");
    Buffers.writable(out, "out");
    int frameSize = frameSize(pcm.remaining());
    return Status.check(enc.encode(pcm, frameSize, out, out.remaining()), "Opus encode");
  }

  /** Same as {@link #encode(ShortBuffer, ByteBuffer)} for float samples in [-1, 1]. */
  public int encode(FloatBuffer pcm, ByteBuffer out) {
    OpusAudioEncoderBinding enc = handle.get();
    Buffers.samples(pcm, "pcm");
    Buffers.writable(out, "out");
    int frameSize = frameSize(pcm.remaining());
    return Status.check(enc.encodeFloat(pcm, frameSize, out, out.remaining()), "Opus encode");
  }

  private int frameSize(int samples) {
    if (samples % channels != 0) {
      throw new IllegalArgumentException("pcm holds " + samples + " samples, not a whole number of "
          + channels + "-channel frames");
    }
    int frameSize = samples / channels;
    // 2.5 ms units: frameSize * 400 / sampleRate must be 1, 2, 4, 8, 16, 24, 32, 40 or 48
    long units = (long) frameSize * 400;
    boolean valid = units % sampleRate == 0;
    if (valid) {
      long u = units / sampleRate;
      valid = u == 1 || u == 2 || u == 4 || u == 8 || u == 16 || u == 24 || u == 32 || u == 40 || u == 48;
    }
    if (!valid) {
      throw new IllegalArgumentException("pcm holds " + frameSize + " samples per channel; an Opus frame at "
          + sampleRate + " Hz is 2.5, 5, 10, 20, 40, 60, 80, 100 or 120 ms (" + sampleRate / 50 + " for 20 ms)");
    }
    return frameSize;
  }

  /** Target bitrate in bits per second (500..512000). Takes effect on the next frame. */
  public void setBitrate(int bitsPerSecond) {
    Buffers.range(bitsPerSecond, 500, 512000, "bitrate");
    Status.check(handle.get().setBitrate(bitsPerSecond), "Opus setBitrate");
  }

  /** Expected packet loss in percent (0..100): how much the in-band FEC spends. Feed it from RTCP reports. */
  public void setPacketLossPercent(int percent) {
    Buffers.range(percent, 0, 100, "packetLossPercent");
    Status.check(handle.get().setPacketLossPercent(percent), "Opus setPacketLossPercent");
  }

  /** Turns in-band FEC (LBRR) on or off. */
  public void setInbandFec(boolean enabled) {
    Status.check(handle.get().setInbandFec(enabled ? 1 : 0), "Opus setInbandFec");
  }

  /** Turns discontinuous transmission (tiny packets during silence) on or off. */
  public void setDtx(boolean enabled) {
    Status.check(handle.get().setDtx(enabled), "Opus setDtx");
  }

  /** Encoder complexity 0..10 (9 is libwebrtc's desktop default). */
  public void setComplexity(int complexity) {
    Buffers.range(complexity, 0, 10, "complexity");
    Status.check(handle.get().setComplexity(complexity), "Opus setComplexity");
  }

  /** The current target bitrate in bits per second. */
  public int bitrate() {
    return handle.get().bitrate();
  }

  /** Samples per channel of look-ahead (the encoder's delay) at {@link #sampleRate()}. */
  public int lookahead() {
    return handle.get().lookahead();
  }

  /** True when the last frame was coded as DTX (silence). */
  public boolean inDtx() {
    return handle.get().inDtx();
  }

  /** The sample rate in Hz. */
  public int sampleRate() {
    return sampleRate;
  }

  /** The channel count (1 or 2). */
  public int channels() {
    return channels;
  }

  /** Frees the native encoder. Safe to call more than once; later calls of other methods throw. */
  @Override
  public void close() {
    handle.close();
  }

  /** Settings of a new {@link OpusEncoder}; not thread-safe. */
  public static final class Builder {
    private int sampleRate = 48000;
    private int channels = 1;
    private OpusApplication application = OpusApplication.VOIP;
    private OpusSignal signal = OpusSignal.VOICE;
    private int bitrate = 32000;
    private int complexity = 9;
    private boolean vbr = true;
    private boolean inbandFec = true;
    private int packetLossPercent = 5;
    private boolean dtx = true;
    private OpusBandwidth maxBandwidth = OpusBandwidth.FULLBAND;

    private Builder() {}

    /** 8000, 12000, 16000, 24000 or 48000 (default). */
    public Builder sampleRate(int hz) {
      if (hz != 8000 && hz != 12000 && hz != 16000 && hz != 24000 && hz != 48000) {
        throw new IllegalArgumentException("Opus sample rate must be 8000, 12000, 16000, 24000 or 48000 Hz, got "
            + hz + " (resample first with AudioResampler)");
      }
      this.sampleRate = hz;
      return this;
    }

    /** 1 (default) or 2. */
    public Builder channels(int channels) {
      this.channels = Buffers.range(channels, 1, 2, "channels");
      return this;
    }

    /** Default {@link OpusApplication#VOIP}. */
    public Builder application(OpusApplication application) {
      this.application = java.util.Objects.requireNonNull(application, "application");
      return this;
    }

    /** Default {@link OpusSignal#VOICE}. */
    public Builder signal(OpusSignal signal) {
      this.signal = java.util.Objects.requireNonNull(signal, "signal");
      return this;
    }

    /** Bits per second, 500..512000; default 32000 (LiveKit uses 48000 for its "music" preset). */
    public Builder bitrate(int bitsPerSecond) {
      this.bitrate = Buffers.range(bitsPerSecond, 500, 512000, "bitrate");
      return this;
    }

    /** 0..10, default 9. */
    public Builder complexity(int complexity) {
      this.complexity = Buffers.range(complexity, 0, 10, "complexity");
      return this;
    }

    /** Variable bitrate (default) or constant. */
    public Builder vbr(boolean vbr) {
      this.vbr = vbr;
      return this;
    }

    /** In-band FEC, default on (LiveKit negotiates {@code useinbandfec=1}). */
    public Builder inbandFec(boolean enabled) {
      this.inbandFec = enabled;
      return this;
    }

    /** Expected loss 0..100 %, default 5 (libwebrtc clamps the measured loss to 5..20 with FEC). */
    public Builder packetLossPercent(int percent) {
      this.packetLossPercent = Buffers.range(percent, 0, 100, "packetLossPercent");
      return this;
    }

    /** Discontinuous transmission, default on (LiveKit's default unless the track says otherwise). */
    public Builder dtx(boolean enabled) {
      this.dtx = enabled;
      return this;
    }

    /** Upper bandwidth limit, default {@link OpusBandwidth#FULLBAND}. */
    public Builder maxBandwidth(OpusBandwidth bandwidth) {
      this.maxBandwidth = java.util.Objects.requireNonNull(bandwidth, "bandwidth");
      return this;
    }

    /**
     * Creates the encoder.
     *
     * @throws UnsatisfiedLinkError when the natives are not available (see {@link MediaNatives})
     */
    public OpusEncoder build() {
      return new OpusEncoder(this);
    }
  }
}
