package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.NativeHandle;
import io.livekit.agents.media.internal.Status;
import io.livekit.agents.media.internal.jni.Vp8EncoderBinding;
import io.livekit.agents.media.internal.jni.Vp8FunctionsBinding;
import java.nio.ByteBuffer;

/**
 * A real-time VP8 encoder (libvpx) configured like libwebrtc's: one-pass CBR, no look-ahead, frame
 * dropping to hold the rate, quantizer 2..56, key frames only on request, {@code cpu_used} -6 from CIF
 * up on x86 (-4 below). So a stream encoded here matches what WebRTC would send, with one deliberate
 * difference: the denoiser is off unless {@link Builder#denoising(boolean)} turns it on, because agents
 * publish rendered content with no sensor noise, where it only costs quality.
 *
 * <p>Pictures are I420 planes (for instance webrtc-java {@code NativeI420Buffer.getDataY/U/V()} with
 * their strides): read from each buffer's position, never copied. Any size works; a picture of another
 * size than the previous one restarts the stream with a key frame. Key-frame requests (PLI) are served
 * on the next picture but at most one per {@link Builder#keyFrameMinIntervalMs} of picture time, so a
 * storm of requests cannot turn the stream into key frames only.
 *
 * <p>Threads: not thread-safe; one thread at a time, except {@link #requestKeyFrame()}, which may be
 * called from any thread (e.g. an RTCP thread). {@link #close()} may run on any thread once no other
 * call is in progress.
 */
public final class Vp8Encoder implements AutoCloseable {
  /** Pass to {@link Builder#cpuUsed(int)} to let the encoder choose like libwebrtc (the default). */
  public static final int CPU_USED_AUTO = 0x7fffffff;

  private final NativeHandle<Vp8EncoderBinding> handle;
  private volatile boolean keyFrameRequested;

  private Vp8Encoder(Builder b) {
    MediaNatives.ensureAvailability();
    int options = (b.screenshare ? 1 : 0) | (b.frameDropping ? 0 : 2) | (b.denoising ? 16 : 4) | (b.errorResilient ? 8 : 0);
    Vp8EncoderBinding enc = new Vp8EncoderBinding(b.width, b.height, b.bitrateKbps, b.maxFramerate, b.cpuUsed, b.threads, options);
    this.handle = new NativeHandle<>("Vp8Encoder", enc);
    Status.check(enc.setKeyFrameMinIntervalMs(b.keyFrameMinIntervalMs), "VP8 setKeyFrameMinIntervalMs");
  }

  /** A builder for pictures of {@code width} x {@code height} (the first size; later sizes may differ). */
  public static Builder builder(int width, int height) {
    return new Builder(width, height);
  }

  /** Output room that always suffices for one encoded picture of this size. */
  public static int maxEncodedSize(int width, int height) {
    MediaNatives.ensureAvailability();
    return Vp8FunctionsBinding.vp8MaxEncodedSize(width, height);
  }

  /**
   * Encodes one I420 picture captured at {@code timestampUs} (microseconds, increasing) and writes the
   * VP8 frame at {@code out.position()}.
   *
   * @return the frame's size in bytes, or 0 when the rate controller dropped this picture
   * @throws MediaException {@code BUFFER_TOO_SMALL} (the frame is lost and the next one will be a key
   *     frame; size {@code out} with {@link #maxEncodedSize}), {@code BAD_ARGUMENT} for planes that do not
   *     fit the size
   */
  public int encode(ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV,
      int width, int height, long timestampUs, ByteBuffer out) {
    Vp8EncoderBinding enc = handle.get();
    Buffers.direct(y, "y");
    Buffers.direct(u, "u");
    Buffers.direct(v, "v");
    Buffers.writable(out, "out");
    if (keyFrameRequested) {
      keyFrameRequested = false;
      enc.requestKeyFrame();
    }
    int r = enc.encode(y, strideY, y.remaining(), u, strideU, u.remaining(), v, strideV, v.remaining(),
        width, height, timestampUs, out, out.remaining());
    if (r < 0) {
      throw Status.failure(r, "VP8 encode of " + width + "x" + height);
    }
    return r;
  }

  /** Asks for a key frame on the next picture (rate-limited, see the class comment). Any thread. */
  public void requestKeyFrame() {
    keyFrameRequested = true;
  }

  /** New target bitrate (10..100000 kb/s) and frame rate (1..240); takes effect on the next picture. */
  public void setRates(int bitrateKbps, int maxFramerate) {
    Buffers.range(bitrateKbps, 10, 100000, "bitrateKbps");
    Buffers.range(maxFramerate, 1, 240, "maxFramerate");
    Status.check(handle.get().setRates(bitrateKbps, maxFramerate), "VP8 setRates");
  }

  /** True when the last encoded frame was a key frame. */
  public boolean lastFrameWasKeyFrame() {
    return handle.get().lastFrameKey();
  }

  /** Pictures encoded so far (not counting dropped ones). */
  public long framesEncoded() {
    return handle.get().framesEncoded();
  }

  /** Pictures the rate controller dropped. */
  public long framesDropped() {
    return handle.get().framesDropped();
  }

  /** Key frames encoded so far. */
  public long keyFramesEncoded() {
    return handle.get().keyFramesEncoded();
  }

  /** The {@code cpu_used} speed setting in effect for the current size. */
  public int cpuUsed() {
    return handle.get().cpuUsed();
  }

  /** Encoder threads in effect for the current size. */
  public int threads() {
    return handle.get().threads();
  }

  /** Frees the native encoder. Safe to call more than once; later calls of other methods throw. */
  @Override
  public void close() {
    handle.close();
  }

  /** Settings of a new {@link Vp8Encoder}; defaults follow libwebrtc. Not thread-safe. */
  public static final class Builder {
    private final int width;
    private final int height;
    private int bitrateKbps = 500;
    private int maxFramerate = 30;
    private int cpuUsed = CPU_USED_AUTO;
    private int threads = 0;
    private boolean screenshare;
    private boolean frameDropping = true;
    private boolean denoising = false;
    private boolean errorResilient;
    private int keyFrameMinIntervalMs = 200;

    private Builder(int width, int height) {
      this.width = Buffers.range(width, 1, 16383, "width");
      this.height = Buffers.range(height, 1, 16383, "height");
    }

    /** Target bitrate, 10..100000 kb/s; default 500 (LiveKit's h480 preset; h720 is 1700). */
    public Builder bitrateKbps(int kbps) {
      this.bitrateKbps = Buffers.range(kbps, 10, 100000, "bitrateKbps");
      return this;
    }

    /** Frame rate the rate control plans for, 1..240; default 30. */
    public Builder maxFramerate(int fps) {
      this.maxFramerate = Buffers.range(fps, 1, 240, "maxFramerate");
      return this;
    }

    /** libvpx speed (-16..16, negative = real-time adaptive) or {@link #CPU_USED_AUTO} (default). */
    public Builder cpuUsed(int cpuUsed) {
      if (cpuUsed != CPU_USED_AUTO) {
        Buffers.range(cpuUsed, -16, 16, "cpuUsed");
      }
      this.cpuUsed = cpuUsed;
      return this;
    }

    /** Encoder threads 1..16, or 0 (default) to choose by size and cores like libwebrtc. */
    public Builder threads(int threads) {
      this.threads = Buffers.range(threads, 0, 16, "threads");
      return this;
    }

    /** Screen content tuning (default off). */
    public Builder screenshare(boolean screenshare) {
      this.screenshare = screenshare;
      return this;
    }

    /** Drop pictures to hold the rate (default on, as libwebrtc). */
    public Builder frameDropping(boolean enabled) {
      this.frameDropping = enabled;
      return this;
    }

    /**
     * libvpx's adaptive denoiser (default off). Turn it on for camera content, where it keeps sensor noise
     * from eating the rate (libwebrtc turns it on for cameras). Leave it off for rendered or synthetic
     * content (avatars, screens): there it cost about 6 dB of PSNR at 640x480 and 500 kb/s in our tests.
     */
    public Builder denoising(boolean enabled) {
      this.denoising = enabled;
      return this;
    }

    /** Error-resilient mode (default off). */
    public Builder errorResilient(boolean enabled) {
      this.errorResilient = enabled;
      return this;
    }

    /** Shortest picture-time gap between two requested key frames, 0..10000 ms; default 200. */
    public Builder keyFrameMinIntervalMs(int ms) {
      this.keyFrameMinIntervalMs = Buffers.range(ms, 0, 10000, "keyFrameMinIntervalMs");
      return this;
    }

    /**
     * Creates the encoder.
     *
     * @throws UnsatisfiedLinkError when the natives are not available (see {@link MediaNatives})
     */
    public Vp8Encoder build() {
      return new Vp8Encoder(this);
    }
  }
}
