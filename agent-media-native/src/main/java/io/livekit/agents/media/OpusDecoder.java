package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.NativeHandle;
import io.livekit.agents.media.internal.Status;
import io.livekit.agents.media.internal.jni.OpusAudioDecoderBinding;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * An Opus decoder with packet-loss concealment and in-band FEC recovery.
 *
 * <p>For a lost packet call {@link #decodeFec} with the next packet if it has arrived (it carries a
 * low-bitrate copy of the lost one), else {@code decode(null, pcm)} (concealment). Never skip a lost
 * packet: the decoder state must see the whole timeline.
 *
 * <p>Buffers: direct, native byte order; output is written at {@code pcm.position()} and positions and
 * limits stay unchanged. Packets are untrusted bytes: malformed ones fail with
 * {@link MediaException.Code#INVALID_DATA}, never a crash.
 *
 * <p>Threads: not thread-safe; one thread at a time. {@link #close()} may run on any thread once no
 * other call is in progress.
 */
public final class OpusDecoder implements AutoCloseable {
  private final NativeHandle<OpusAudioDecoderBinding> handle;
  private final int sampleRate;
  private final int channels;

  private OpusDecoder(int sampleRate, int channels) {
    MediaNatives.ensureAvailability();
    if (sampleRate != 8000 && sampleRate != 12000 && sampleRate != 16000 && sampleRate != 24000 && sampleRate != 48000) {
      throw new IllegalArgumentException("Opus sample rate must be 8000, 12000, 16000, 24000 or 48000 Hz, got " + sampleRate);
    }
    Buffers.range(channels, 1, 2, "channels");
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.handle = new NativeHandle<>("OpusDecoder", new OpusAudioDecoderBinding(sampleRate, channels));
  }

  /**
   * A decoder producing {@code channels} (1 or 2) channels at {@code sampleRate} (8, 12, 16, 24 or 48 kHz),
   * whatever the packets were encoded with.
   *
   * @throws UnsatisfiedLinkError when the natives are not available (see {@link MediaNatives})
   */
  public static OpusDecoder create(int sampleRate, int channels) {
    return new OpusDecoder(sampleRate, channels);
  }

  /**
   * Decodes the packet from {@code packet.position()} to its limit into {@code pcm} (interleaved, room
   * for {@code pcm.remaining() / channels} samples per channel). A {@code null} or empty packet means it
   * was lost: one packet's worth of audio (the last packet's duration) is concealed.
   *
   * @return samples per channel written
   * @throws MediaException {@code INVALID_DATA} for a corrupt packet, {@code BUFFER_TOO_SMALL}
   */
  public int decode(ByteBuffer packet, ShortBuffer pcm) {
    OpusAudioDecoderBinding dec = handle.get();
    Buffers.samplesOut(pcm, "pcm");
    int length = packetLength(packet);
    return Status.check(dec.decode(length == 0 ? null : packet, length, pcm, pcm.remaining() / channels), "Opus decode");
  }

  /** Bytes of a packet to decode; 0 (concealment) for {@code null} or an empty packet. */
  private static int packetLength(ByteBuffer packet) {
    return packet == null ? 0 : Buffers.direct(packet, "packet").remaining();
  }

  /** Same as {@link #decode(ByteBuffer, ShortBuffer)} with float output in [-1, 1]. */
  public int decode(ByteBuffer packet, FloatBuffer pcm) {
    OpusAudioDecoderBinding dec = handle.get();
    Buffers.samplesOut(pcm, "pcm");
    int length = packetLength(packet);
    return Status.check(dec.decodeFloat(length == 0 ? null : packet, length, pcm, pcm.remaining() / channels), "Opus decode");
  }

  /**
   * Recovers the packet before {@code nextPacket} from its in-band FEC data: writes exactly
   * {@code frameSize} samples per channel (the lost duration, a multiple of 2.5 ms). Without FEC data in
   * {@code nextPacket} this conceals instead. Decode {@code nextPacket} itself normally afterwards.
   */
  public int decodeFec(ByteBuffer nextPacket, ShortBuffer pcm, int frameSize) {
    OpusAudioDecoderBinding dec = handle.get();
    Buffers.direct(nextPacket, "nextPacket");
    Buffers.samplesOut(pcm, "pcm");
    checkRoom(pcm, frameSize);
    return Status.check(dec.decodeFec(nextPacket, nextPacket.remaining(), pcm, frameSize), "Opus FEC decode");
  }

  /** Conceals exactly {@code frameSize} samples per channel (a multiple of 2.5 ms, at most 120 ms). */
  public int conceal(ShortBuffer pcm, int frameSize) {
    OpusAudioDecoderBinding dec = handle.get();
    Buffers.samplesOut(pcm, "pcm");
    checkRoom(pcm, frameSize);
    return Status.check(dec.conceal(pcm, frameSize), "Opus concealment");
  }

  private void checkRoom(ShortBuffer pcm, int frameSize) {
    if (frameSize <= 0 || (long) frameSize * channels > pcm.remaining()) {
      throw new IllegalArgumentException("frameSize " + frameSize + " needs " + (long) frameSize * channels
          + " samples of room, pcm has " + pcm.remaining());
    }
  }

  /** Samples per channel of the last packet decoded or concealed. */
  public int lastPacketDuration() {
    return handle.get().lastPacketDuration();
  }

  /** Output gain in 1/256 dB (-32768..32767). */
  public void setGain(int q8dB) {
    Buffers.range(q8dB, -32768, 32767, "gain");
    Status.check(handle.get().setGain(q8dB), "Opus setGain");
  }

  /** Forgets the decoder state (a new stream starts). */
  public void reset() {
    Status.check(handle.get().resetState(), "Opus reset");
  }

  /** The output sample rate in Hz. */
  public int sampleRate() {
    return sampleRate;
  }

  /** The output channel count. */
  public int channels() {
    return channels;
  }

  /** Frees the native decoder. Safe to call more than once; later calls of other methods throw. */
  @Override
  public void close() {
    handle.close();
  }
}
