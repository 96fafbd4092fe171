package io.livekit.agents.media;

/**
 * Settings of a {@link JitterBuffer}: its mode and the knobs of that mode. Immutable; build with
 * {@link #opus(int, int)}, {@link #vp8()} or {@link #packets(int)} and the {@code with...} methods,
 * each of which returns a changed copy.
 *
 * <p>Defaults follow media-core.md section 1.6: Opus 256 packets, start delay 80 ms, maximum 500 ms,
 * NetEq preset, FEC and time-stretching on; VP8 2048 packets, 100 ms wait for a missing packet
 * (10 ms once a later frame began), PLI every 200 ms, freeze until a key frame; packets 256, 60 ms.
 */
public final class JitterBufferOptions {
  /** What the buffer releases. */
  public enum Mode {
    /** Opus RTP in, decoded 10 ms PCM frames out (loss concealment, FEC, DTX, adaptive delay). */
    OPUS_AUDIO,
    /** VP8 RTP in, whole frames out (descriptors removed), with key frame requests after loss. */
    VP8_VIDEO,
    /** RTP in, payloads out in sequence order, undecoded (recording, forwarding). */
    PACKETS
  }

  /** Target delay adaptation of the audio mode. */
  public enum DelayPreset {
    /** 0.95 quantile, forget factor 0.983: up in about 1.5 s, down in about 90 s (libwebrtc's NetEq). */
    NETEQ,
    /** 0.90 quantile, forget factor 0.95: up in about 1 s, down in about 25 s. */
    LOW_LATENCY
  }

  /** What happens after a video packet loss. */
  public enum VideoLossPolicy {
    /** Drop delta frames until a key frame arrives (requested at once, then every 200 ms). */
    FREEZE_UNTIL_KEY_FRAME,
    /** Keep delivering frames (marked after-loss); request a key frame after 30 of them. */
    DECODE_THROUGH_LOSS
  }

  final Mode mode;
  final int sampleRate;
  final int channels;
  final int capacity;
  final int maxPayloadBytes;
  final DelayPreset preset;
  final int startDelayMs;
  final int minDelayMs;
  final int maxDelayMs;
  final boolean fec;
  final boolean timeStretch;
  final int maxWaitMs;
  final int reorderWaitMs;
  final int pliIntervalMs;
  final VideoLossPolicy lossPolicy;
  final int clockRate;
  final int latencyMs;

  private JitterBufferOptions(Mode mode, int sampleRate, int channels, int capacity, int maxPayloadBytes,
      DelayPreset preset, int startDelayMs, int minDelayMs, int maxDelayMs, boolean fec, boolean timeStretch,
      int maxWaitMs, int reorderWaitMs, int pliIntervalMs, VideoLossPolicy lossPolicy, int clockRate, int latencyMs) {
    this.mode = mode;
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.capacity = capacity;
    this.maxPayloadBytes = maxPayloadBytes;
    this.preset = preset;
    this.startDelayMs = startDelayMs;
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.fec = fec;
    this.timeStretch = timeStretch;
    this.maxWaitMs = maxWaitMs;
    this.reorderWaitMs = reorderWaitMs;
    this.pliIntervalMs = pliIntervalMs;
    this.lossPolicy = lossPolicy;
    this.clockRate = clockRate;
    this.latencyMs = latencyMs;
  }

  /** Opus audio decoded to {@code channels} (1 or 2) at {@code sampleRate} (8, 12, 16, 24 or 48 kHz). */
  public static JitterBufferOptions opus(int sampleRate, int channels) {
    return new JitterBufferOptions(Mode.OPUS_AUDIO, sampleRate, channels, 256, 1500, DelayPreset.NETEQ, 80, 0, 500,
        true, true, 100, 10, 200, VideoLossPolicy.FREEZE_UNTIL_KEY_FRAME, 48000, 0);
  }

  /** VP8 video (RTP clock 90 kHz). */
  public static JitterBufferOptions vp8() {
    return new JitterBufferOptions(Mode.VP8_VIDEO, 0, 0, 2048, 1500, DelayPreset.NETEQ, 0, 0, 0, false, false, 100,
        10, 200, VideoLossPolicy.FREEZE_UNTIL_KEY_FRAME, 90000, 0);
  }

  /** Undecoded packets of a stream with RTP clock {@code clockRate} (48000 for Opus, 90000 for video). */
  public static JitterBufferOptions packets(int clockRate) {
    return new JitterBufferOptions(Mode.PACKETS, 0, 0, 256, 1500, DelayPreset.NETEQ, 0, 0, 0, false, false, 60, 0,
        200, VideoLossPolicy.FREEZE_UNTIL_KEY_FRAME, clockRate, 0);
  }

  private JitterBufferOptions copy(int capacity, int maxPayloadBytes, DelayPreset preset, int startDelayMs,
      int minDelayMs, int maxDelayMs, boolean fec, boolean timeStretch, int maxWaitMs, int reorderWaitMs,
      VideoLossPolicy lossPolicy, int latencyMs) {
    return new JitterBufferOptions(mode, sampleRate, channels, capacity, maxPayloadBytes, preset, startDelayMs,
        minDelayMs, maxDelayMs, fec, timeStretch, maxWaitMs, reorderWaitMs, pliIntervalMs, lossPolicy, clockRate,
        latencyMs);
  }

  /** Packets held at most (a power of two, 16..16384); when full the oldest are dropped. */
  public JitterBufferOptions withCapacity(int packets) {
    return copy(packets, maxPayloadBytes, preset, startDelayMs, minDelayMs, maxDelayMs, fec, timeStretch, maxWaitMs,
        reorderWaitMs, lossPolicy, latencyMs);
  }

  /** Largest payload accepted (1..65536 bytes); larger packets are discarded and counted. */
  public JitterBufferOptions withMaxPayloadBytes(int bytes) {
    return copy(capacity, bytes, preset, startDelayMs, minDelayMs, maxDelayMs, fec, timeStretch, maxWaitMs,
        reorderWaitMs, lossPolicy, latencyMs);
  }

  /** Audio: the delay adaptation preset. */
  public JitterBufferOptions withPreset(DelayPreset preset) {
    return copy(capacity, maxPayloadBytes, preset, startDelayMs, minDelayMs, maxDelayMs, fec, timeStretch, maxWaitMs,
        reorderWaitMs, lossPolicy, latencyMs);
  }

  /** Audio: target delay before the first estimate (0..2000 ms), then the floor and ceiling of the target. */
  public JitterBufferOptions withDelays(int startMs, int minMs, int maxMs) {
    return copy(capacity, maxPayloadBytes, preset, startMs, minMs, maxMs, fec, timeStretch, maxWaitMs, reorderWaitMs,
        lossPolicy, latencyMs);
  }

  /** Audio: decode in-band FEC of lost packets (and keep one packet of headroom for it). */
  public JitterBufferOptions withFec(boolean enabled) {
    return copy(capacity, maxPayloadBytes, preset, startDelayMs, minDelayMs, maxDelayMs, enabled, timeStretch,
        maxWaitMs, reorderWaitMs, lossPolicy, latencyMs);
  }

  /** Audio: shrink and grow the delay by whole pitch periods (at most 10 % of the output). */
  public JitterBufferOptions withTimeStretch(boolean enabled) {
    return copy(capacity, maxPayloadBytes, preset, startDelayMs, minDelayMs, maxDelayMs, fec, enabled, maxWaitMs,
        reorderWaitMs, lossPolicy, latencyMs);
  }

  /** Video and packets: how long to wait for a missing packet; video: less once a later frame began. */
  public JitterBufferOptions withWait(int maxWaitMs, int reorderWaitMs) {
    return copy(capacity, maxPayloadBytes, preset, startDelayMs, minDelayMs, maxDelayMs, fec, timeStretch, maxWaitMs,
        reorderWaitMs, lossPolicy, latencyMs);
  }

  /** Video: what happens after a loss. */
  public JitterBufferOptions withLossPolicy(VideoLossPolicy policy) {
    return copy(capacity, maxPayloadBytes, preset, startDelayMs, minDelayMs, maxDelayMs, fec, timeStretch, maxWaitMs,
        reorderWaitMs, policy, latencyMs);
  }

  /** Packets: hold every packet this long after arrival (a fixed-latency buffer); 0 releases in order at once. */
  public JitterBufferOptions withLatency(int ms) {
    return copy(capacity, maxPayloadBytes, preset, startDelayMs, minDelayMs, maxDelayMs, fec, timeStretch, maxWaitMs,
        reorderWaitMs, lossPolicy, ms);
  }

  /** The mode. */
  public Mode mode() {
    return mode;
  }

  @Override
  public String toString() {
    return "JitterBufferOptions{" + mode + ", capacity=" + capacity + ", maxPayloadBytes=" + maxPayloadBytes
        + (mode == Mode.OPUS_AUDIO ? ", " + sampleRate + " Hz x" + channels + ", " + preset + ", delay " + startDelayMs
            + "/" + minDelayMs + "/" + maxDelayMs + " ms, fec=" + fec + ", timeStretch=" + timeStretch
            : ", maxWait=" + maxWaitMs + " ms") + "}";
  }
}
