package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.NativeHandle;
import io.livekit.agents.media.internal.Status;
import io.livekit.agents.media.internal.jni.OpusJitterBufferBinding;
import io.livekit.agents.media.internal.jni.RtpJitterBufferBinding;
import io.livekit.agents.media.internal.jni.VideoJitterBufferBinding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.javacpp.Pointer;

/**
 * A jitter buffer for RTP media received outside libwebrtc (the dev server, recording, test taps,
 * pure-RTP paths; tracks received through webrtc-java are already jitter-buffered by libwebrtc).
 * Packets go in as they arrive, in any order, duplicated, late or never; what comes out depends on
 * the {@link JitterBufferOptions.Mode}:
 * <ul>
 *   <li>{@code OPUS_AUDIO}: {@link #pullAudio} every 10 ms gives exactly one 10 ms frame of PCM,
 *       decoded by the core's Opus decoder, with in-band FEC for lost packets, concealment for exactly
 *       the lost duration, comfort noise in DTX gaps and a NetEq-style adaptive target delay;</li>
 *   <li>{@code VP8_VIDEO}: {@link #popFrame} gives whole frames (payload descriptors removed, ready for
 *       {@link Vp8Decoder}) once complete and decodable; after a loss {@link #pollKeyFrameRequest}
 *       says when to send an RTCP PLI;</li>
 *   <li>{@code PACKETS}: {@link #popPacket} gives payloads in sequence order, reporting what was lost.</li>
 * </ul>
 * Sequence numbers and timestamps are extended to 64 bits (wrap-around), a jump of more than 3000
 * sequence numbers or a new SSRC restarts the stream, a full buffer drops its oldest packets.
 * Network bytes are untrusted: malformed packets are counted and refused ({@link PushResult#INVALID}),
 * never a crash.
 *
 * <p>Time is the caller's: every call takes a monotonic {@code nanos} (e.g. {@link System#nanoTime()},
 * or a simulated clock in tests).
 *
 * <p>Buffers: direct; packets are read from {@code position()} to {@code limit()}, output is written at
 * {@code position()}; positions and limits stay unchanged. Steady state allocates nothing.
 *
 * <p>Threads: not thread-safe; one thread at a time (serialise the network thread's pushes with the
 * playout thread's pulls). {@link #close()} may run on any thread once no other call is in progress.
 */
public final class JitterBuffer implements AutoCloseable {
  /** What {@link #push} did with a packet. */
  public enum PushResult {
    /** Stored. */
    INSERTED,
    /** Already held or already released: dropped. */
    DUPLICATE,
    /** Its turn had passed: dropped (counted as late). */
    LATE,
    /** Larger than the configured maximum payload: dropped. */
    TOO_LARGE,
    /** Malformed RTP (or VP8 payload descriptor): dropped. */
    INVALID
  }

  /** {@link #pullAudio} result bits: decoded packets. */
  public static final int AUDIO_NORMAL = 1;
  /** {@link #pullAudio} result bits: a lost packet recovered from the next packet's in-band FEC. */
  public static final int AUDIO_FEC = 2;
  /** {@link #pullAudio} result bits: packet-loss concealment (lost or late packets). */
  public static final int AUDIO_CONCEALED = 4;
  /** {@link #pullAudio} result bits: comfort noise in a DTX gap. */
  public static final int AUDIO_COMFORT_NOISE = 8;
  /** {@link #pullAudio} result bits: silence (buffering before the start, or nothing to play). */
  public static final int AUDIO_SILENCE = 16;
  /** {@link #pullAudio} result bits: a pitch period was removed (the delay shrinks). */
  public static final int AUDIO_ACCELERATED = 32;
  /** {@link #pullAudio} result bits: a pitch period was inserted (the delay grows). */
  public static final int AUDIO_EXPANDED = 64;

  private static final PushResult[] RESULTS = PushResult.values();

  private final JitterBufferOptions options;
  private final NativeHandle<? extends Pointer> handle;
  private final OpusJitterBufferBinding opus;
  private final VideoJitterBufferBinding video;
  private final RtpJitterBufferBinding packets;
  private final LongBuffer info;
  private final long infoAddress;
  private final DoubleBuffer stats;
  private final int frameSamples;
  // Native base addresses of the last direct buffers seen (the buffers are kept reachable by these
  // fields, so the addresses stay valid): each call then crosses JNI with primitives only.
  private ByteBuffer lastIn;
  private long lastInAddress;
  private ByteBuffer lastOut;
  private long lastOutAddress;

  private JitterBuffer(JitterBufferOptions o) {
    MediaNatives.ensureAvailability();
    this.options = o;
    Buffers.range(o.maxPayloadBytes, 1, 65536, "maxPayloadBytes");
    if (Integer.bitCount(o.capacity) != 1 || o.capacity < 16 || o.capacity > 16384) {
      throw new IllegalArgumentException("capacity must be a power of two in 16..16384, got " + o.capacity);
    }
    OpusJitterBufferBinding a = null;
    VideoJitterBufferBinding v = null;
    RtpJitterBufferBinding p = null;
    switch (o.mode) {
      case OPUS_AUDIO:
        if (o.sampleRate != 8000 && o.sampleRate != 12000 && o.sampleRate != 16000 && o.sampleRate != 24000
            && o.sampleRate != 48000) {
          throw new IllegalArgumentException("Opus sample rate must be 8000, 12000, 16000, 24000 or 48000 Hz, got "
              + o.sampleRate);
        }
        Buffers.range(o.channels, 1, 2, "channels");
        Buffers.range(o.startDelayMs, 0, 2000, "startDelayMs");
        Buffers.range(o.maxDelayMs, 20, 2000, "maxDelayMs");
        Buffers.range(o.minDelayMs, 0, o.maxDelayMs, "minDelayMs");
        a = new OpusJitterBufferBinding(o.sampleRate, o.channels, o.preset.ordinal(), o.startDelayMs, o.minDelayMs,
            o.maxDelayMs, o.capacity, o.fec, o.timeStretch);
        break;
      case VP8_VIDEO:
        Buffers.range(o.maxWaitMs, 0, 5000, "maxWaitMs");
        Buffers.range(o.reorderWaitMs, 0, o.maxWaitMs, "reorderWaitMs");
        v = new VideoJitterBufferBinding(o.capacity, o.maxPayloadBytes, o.maxWaitMs, o.reorderWaitMs, o.pliIntervalMs,
            o.lossPolicy.ordinal());
        break;
      default:
        Buffers.range(o.clockRate, 1000, 1000000, "clockRate");
        Buffers.range(o.maxWaitMs, 0, 10000, "maxWaitMs");
        Buffers.range(o.latencyMs, 0, 10000, "latencyMs");
        p = new RtpJitterBufferBinding(o.capacity, o.maxPayloadBytes, o.clockRate, o.maxWaitMs, o.latencyMs);
        break;
    }
    this.opus = a;
    this.video = v;
    this.packets = p;
    Pointer binding = a != null ? a : v != null ? v : p;
    this.handle = new NativeHandle<>("JitterBuffer", binding);
    this.frameSamples = a != null ? a.frameSamples() : 0;
    this.info = ByteBuffer.allocateDirect(16 * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    this.infoAddress = new Pointer(info).address();
    this.stats = ByteBuffer.allocateDirect(64 * Double.BYTES).order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }

  /**
   * A jitter buffer for the given options.
   *
   * @throws IllegalArgumentException for a setting out of range (the message names it)
   * @throws UnsatisfiedLinkError when the natives are not available (see {@link MediaNatives})
   */
  public static JitterBuffer create(JitterBufferOptions options) {
    if (options == null) {
      throw new NullPointerException("options is null");
    }
    return new JitterBuffer(options);
  }

  /** The options it was created with. */
  public JitterBufferOptions options() {
    return options;
  }

  /**
   * Inserts one RTP packet (header and payload, from {@code packet.position()} to its limit) that
   * arrived at {@code arrivalNanos}.
   */
  public PushResult push(ByteBuffer packet, long arrivalNanos) {
    handle.get();
    int r;
    if (packet == lastIn) {
      // The same buffer again (a receive buffer reused per packet): pass its cached address, the fastest
      // call. The address is taken on the second sighting, so a stream of one-off slices never pays for it.
      if (lastInAddress == 0) {
        lastInAddress = new Pointer(packet).address();
      }
      long address = lastInAddress + packet.position();
      if (opus != null) {
        r = opus.pushRtp(address, packet.remaining(), arrivalNanos);
      } else if (video != null) {
        r = video.pushRtp(address, packet.remaining(), arrivalNanos);
      } else {
        r = packets.pushRtp(address, packet.remaining(), arrivalNanos);
      }
    } else {
      // A buffer not seen just before (e.g. a fresh slice per packet): JNI reads its address and position
      // itself, which allocates nothing.
      Buffers.direct(packet, "packet");
      lastIn = packet;
      lastInAddress = 0;
      if (opus != null) {
        r = opus.pushRtp(packet, packet.remaining(), arrivalNanos);
      } else if (video != null) {
        r = video.pushRtp(packet, packet.remaining(), arrivalNanos);
      } else {
        r = packets.pushRtp(packet, packet.remaining(), arrivalNanos);
      }
    }
    if (r == MediaException.Code.INVALID_DATA.status()) {
      return PushResult.INVALID;
    }
    return RESULTS[Status.check(r, "JitterBuffer push")];
  }

  /**
   * Opus audio: writes exactly {@link #frameSamples()} samples per channel (10 ms, interleaved) that are
   * due at {@code nowNanos} at {@code pcm.position()}. Call every 10 ms.
   *
   * @return the {@code AUDIO_*} bits saying what the frame holds
   */
  public int pullAudio(long nowNanos, ShortBuffer pcm) {
    OpusJitterBufferBinding a = mode(opus, JitterBufferOptions.Mode.OPUS_AUDIO);
    Buffers.samplesOut(pcm, "pcm");
    if (pcm.remaining() < frameSamples * options.channels) {
      throw new IllegalArgumentException("pcm needs room for " + frameSamples * options.channels + " samples, has "
          + pcm.remaining());
    }
    return Status.check(a.pull(nowNanos, pcm, pcm.remaining()), "JitterBuffer pullAudio");
  }

  /** Opus audio: samples per channel of one {@link #pullAudio} frame (10 ms). */
  public int frameSamples() {
    mode(opus, JitterBufferOptions.Mode.OPUS_AUDIO);
    return frameSamples;
  }

  /** Opus audio: the current target delay in ms. */
  public int targetDelayMs() {
    return mode(opus, JitterBufferOptions.Mode.OPUS_AUDIO).targetDelayMs();
  }

  /** Opus audio: raises the delay floor (A/V sync); 0 restores the configured minimum. */
  public void setMinimumDelay(int ms) {
    mode(opus, JitterBufferOptions.Mode.OPUS_AUDIO).setMinimumDelay(ms);
  }

  /**
   * VP8 video: writes the next complete, decodable frame at {@code out.position()} and describes it in
   * {@code frame}.
   *
   * @return the frame size in bytes, or -1 when no frame is ready
   * @throws MediaException {@code BUFFER_TOO_SMALL} when {@code out} cannot hold it ({@code frame.size()}
   *     says how much is needed; nothing is consumed)
   */
  public int popFrame(long nowNanos, ByteBuffer out, JitterBufferPacket frame) {
    VideoJitterBufferBinding v = mode(video, JitterBufferOptions.Mode.VP8_VIDEO);
    int r = v.popFrame(nowNanos, outAddress(out), out.remaining(), infoAddress);
    if (r == MediaException.Code.WOULD_BLOCK.status()) {
      return -1;
    }
    if (r >= 0 || r == MediaException.Code.BUFFER_TOO_SMALL.status()) {
      frame.timestamp = info.get(0);
      frame.rtpTimestamp = info.get(1);
      frame.firstSequence = info.get(2);
      frame.lastSequence = info.get(3);
      frame.size = (int) info.get(4);
      frame.packets = (int) info.get(5);
      frame.keyFrame = info.get(6) != 0;
      frame.afterLoss = info.get(7) != 0;
      frame.width = (int) info.get(8);
      frame.height = (int) info.get(9);
      frame.pictureId = (int) info.get(10);
      frame.arrivalNanos = info.get(11);
      frame.lostBefore = 0;
    }
    return Status.check(r, "JitterBuffer popFrame");
  }

  /** VP8 video: true when an RTCP PLI (key frame request) should be sent now. */
  public boolean pollKeyFrameRequest(long nowNanos) {
    return mode(video, JitterBufferOptions.Mode.VP8_VIDEO).pollKeyFrameRequest(nowNanos);
  }

  /** VP8 video: frames are being dropped until a key frame arrives. */
  public boolean waitingForKeyFrame() {
    return mode(video, JitterBufferOptions.Mode.VP8_VIDEO).waitingForKeyFrame();
  }

  /**
   * VP8 video: when to call {@link #popFrame} / {@link #pollKeyFrameRequest} next if no packet arrives
   * before ({@link Long#MAX_VALUE}: only on the next packet).
   */
  public long nextDeadlineNanos() {
    return mode(video, JitterBufferOptions.Mode.VP8_VIDEO).nextDeadlineNs();
  }

  /**
   * Packets: writes the next payload in sequence order at {@code out.position()} and describes it in
   * {@code packet}.
   *
   * @return the payload size in bytes, or -1 when no packet is due
   * @throws MediaException {@code BUFFER_TOO_SMALL} when {@code out} cannot hold it (nothing consumed)
   */
  public int popPacket(long nowNanos, ByteBuffer out, JitterBufferPacket packet) {
    RtpJitterBufferBinding p = mode(packets, JitterBufferOptions.Mode.PACKETS);
    int r = p.popPacket(nowNanos, outAddress(out), out.remaining(), infoAddress);
    if (r == MediaException.Code.WOULD_BLOCK.status()) {
      return -1;
    }
    if (r >= 0 || r == MediaException.Code.BUFFER_TOO_SMALL.status()) {
      packet.firstSequence = info.get(0);
      packet.lastSequence = info.get(0);
      packet.timestamp = info.get(1);
      packet.rtpTimestamp = info.get(3);
      packet.size = (int) info.get(4);
      packet.lostBefore = (int) info.get(5);
      packet.marker = info.get(6) != 0;
      packet.payloadType = (int) info.get(7);
      packet.arrivalNanos = info.get(8);
      packet.packets = 1;
    }
    return Status.check(r, "JitterBuffer popPacket");
  }

  /** A snapshot of the statistics (allocates; not for every frame). */
  public JitterBufferStats stats() {
    handle.get();
    int n;
    String[] names;
    if (opus != null) {
      n = opus.getStats(stats, stats.capacity());
      names = JitterBufferStats.OPUS;
    } else if (video != null) {
      n = video.getStats(stats, stats.capacity());
      names = JitterBufferStats.VP8;
    } else {
      n = packets.getStats(stats, stats.capacity());
      names = JitterBufferStats.PACKETS;
    }
    Status.check(n, "JitterBuffer stats");
    double[] raw = new double[names.length];
    stats.get(0, raw);
    return new JitterBufferStats(names, raw);
  }

  /** Flushes everything; the next packet starts a new stream. */
  public void reset() {
    handle.get();
    if (opus != null) {
      opus.reset();
    } else if (video != null) {
      video.reset();
    } else {
      packets.reset();
    }
  }

  /** Frees the native buffer. Safe to call more than once; later calls of other methods throw. */
  @Override
  public void close() {
    handle.close();
  }

  private long outAddress(ByteBuffer out) {
    if (out != lastOut) {
      Buffers.writable(out, "out");
      lastOutAddress = new Pointer(out).address();
      lastOut = out;
    }
    return lastOutAddress + out.position();
  }

  private <B> B mode(B binding, JitterBufferOptions.Mode wanted) {
    handle.get();
    if (binding == null) {
      throw new IllegalStateException("this JitterBuffer is in " + options.mode + " mode; the call needs " + wanted
          + " (JitterBufferOptions." + (wanted == JitterBufferOptions.Mode.OPUS_AUDIO ? "opus" : wanted
              == JitterBufferOptions.Mode.VP8_VIDEO ? "vp8" : "packets") + "(...))");
    }
    return binding;
  }
}
