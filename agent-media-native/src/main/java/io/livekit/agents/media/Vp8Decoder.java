package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.NativeHandle;
import io.livekit.agents.media.internal.Status;
import io.livekit.agents.media.internal.jni.Vp8DecoderBinding;
import java.nio.ByteBuffer;

/**
 * A VP8 decoder (libvpx) that knows when it needs a key frame.
 *
 * <p>It starts by requiring a key frame, and after a corrupt frame or a reported loss
 * ({@link #frameLost()}) it drops delta frames until the next key frame ("freeze", best for agents
 * that feed pictures to a model). With {@link Builder#decodeThroughLoss(boolean)} it keeps decoding with
 * artifacts and asks for a key frame after 30 frames, as libwebrtc does. Whenever a call returns
 * {@link Result#NEED_KEY_FRAME}, ask the sender for one (RTCP PLI).
 *
 * <p>Frames are untrusted bytes: malformed ones throw {@link MediaException}
 * ({@code INVALID_DATA}; then a key frame is required) and never crash; key frames larger than
 * {@link Builder#maxPixels} are refused ({@code UNSUPPORTED}).
 *
 * <p>Threads: not thread-safe; one thread at a time. {@link #close()} may run on any thread once no
 * other call is in progress.
 */
public final class Vp8Decoder implements AutoCloseable {
  /** What a decode call did. */
  public enum Result {
    /** A picture is ready: read its size and copy it out with {@link #copyTo}. */
    PICTURE,
    /** The frame was decoded but holds no picture to show. */
    NO_PICTURE,
    /** The frame was dropped because a key frame is needed first; request one from the sender. */
    NEED_KEY_FRAME
  }

  private static final int NEED_KEY_FRAME = MediaException.Code.NEED_KEY_FRAME.status();

  private final NativeHandle<Vp8DecoderBinding> handle;

  private Vp8Decoder(Builder b) {
    MediaNatives.ensureAvailability();
    int options = (b.decodeThroughLoss ? 1 : 0) | (b.postprocess ? 2 : 0);
    this.handle = new NativeHandle<>("Vp8Decoder", new Vp8DecoderBinding(b.threads, options, b.maxPixels));
  }

  /** A builder with the defaults: one thread, freeze on loss, no post-processing, up to 4096 x 4096. */
  public static Builder builder() {
    return new Builder();
  }

  /** Decodes one complete VP8 frame: the bytes from {@code frame.position()} to its limit. */
  public Result decode(ByteBuffer frame) {
    Vp8DecoderBinding dec = handle.get();
    Buffers.direct(frame, "frame");
    if (!frame.hasRemaining()) {
      throw new IllegalArgumentException("frame is empty");
    }
    int r = dec.decode(frame, frame.remaining());
    if (r == NEED_KEY_FRAME) {
      return Result.NEED_KEY_FRAME;
    }
    return Status.check(r, "VP8 decode") == 1 ? Result.PICTURE : Result.NO_PICTURE;
  }

  /**
   * Reports that one or more frames were lost before the next one (a gap the jitter buffer could not
   * fill). Returns {@link Result#NEED_KEY_FRAME} in freeze mode, {@link Result#NO_PICTURE} when decoding
   * goes on through the loss.
   */
  public Result frameLost() {
    return handle.get().frameLost() == NEED_KEY_FRAME ? Result.NEED_KEY_FRAME : Result.NO_PICTURE;
  }

  /**
   * Copies the last picture into I420 planes of {@code width} x {@code height} (for instance a webrtc-java
   * {@code NativeI420Buffer}): a plain copy at the picture's own size, a box-filtered scale otherwise.
   */
  public void copyTo(ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV, int width, int height) {
    Vp8DecoderBinding dec = handle.get();
    Buffers.writable(y, "y");
    Buffers.writable(u, "u");
    Buffers.writable(v, "v");
    int r = dec.copyTo(y, strideY, y.remaining(), u, strideU, u.remaining(), v, strideV, v.remaining(), width, height);
    if (r < 0) {
      throw Status.failure(r, "VP8 copy of the decoded picture to " + width + "x" + height);
    }
  }

  /** Width of the last picture (0 before the first). */
  public int width() {
    return handle.get().width();
  }

  /** Height of the last picture (0 before the first). */
  public int height() {
    return handle.get().height();
  }

  /** True while delta frames are being dropped until a key frame arrives. */
  public boolean keyFrameRequired() {
    return handle.get().keyFrameRequired();
  }

  /** Pictures decoded so far. */
  public long framesDecoded() {
    return handle.get().framesDecoded();
  }

  /** Frames dropped (waiting for a key frame, corrupt, too large). */
  public long framesDropped() {
    return handle.get().framesDropped();
  }

  /** Frees the native decoder. Safe to call more than once; later calls of other methods throw. */
  @Override
  public void close() {
    handle.close();
  }

  /** Settings of a new {@link Vp8Decoder}. Not thread-safe. */
  public static final class Builder {
    private int threads = 1;
    private boolean decodeThroughLoss;
    private boolean postprocess;
    private int maxPixels = 4096 * 4096;

    private Builder() {}

    /** Decoder threads 1..8; default 1 (libwebrtc uses one). */
    public Builder threads(int threads) {
      this.threads = Buffers.range(threads, 1, 8, "threads");
      return this;
    }

    /** Keep decoding after a loss (libwebrtc's behaviour) instead of freezing until a key frame. */
    public Builder decodeThroughLoss(boolean enabled) {
      this.decodeThroughLoss = enabled;
      return this;
    }

    /** libvpx deblocking post-processing, when the linked libvpx has it (default off). */
    public Builder postprocess(boolean enabled) {
      this.postprocess = enabled;
      return this;
    }

    /** Largest picture (width x height) accepted; protects memory against hostile streams. */
    public Builder maxPixels(int pixels) {
      if (pixels < 1) {
        throw new IllegalArgumentException("maxPixels must be positive, got " + pixels);
      }
      this.maxPixels = pixels;
      return this;
    }

    /**
     * Creates the decoder.
     *
     * @throws UnsatisfiedLinkError when the natives are not available (see {@link MediaNatives})
     */
    public Vp8Decoder build() {
      return new Vp8Decoder(this);
    }
  }
}
