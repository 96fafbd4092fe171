package io.livekit.agents.media;

import io.livekit.agents.media.internal.Buffers;
import io.livekit.agents.media.internal.Status;
import io.livekit.agents.media.internal.jni.OpusPacketsBinding;
import java.nio.ByteBuffer;

/**
 * Reads the structure of Opus packets (RFC 6716) without decoding them, e.g. for a jitter buffer or a
 * recorder. Every method fully validates the packet (TOC, frame count, frame lengths) and throws
 * {@link MediaException} ({@code INVALID_DATA}) for malformed bytes. The packet is the bytes from
 * {@code position()} to {@code limit()} of a direct buffer; positions are not changed. Thread-safe.
 */
public final class OpusPackets {
  private OpusPackets() {}

  /** Samples per channel the packet decodes to at {@code sampleRate}. */
  public static int samples(ByteBuffer packet, int sampleRate) {
    MediaNatives.ensureAvailability();
    Buffers.direct(packet, "packet");
    return Status.check(OpusPacketsBinding.opusPacketSamples(packet, packet.remaining(), sampleRate), "Opus packet parse");
  }

  /** Number of Opus frames in the packet (1..48). */
  public static int frames(ByteBuffer packet) {
    MediaNatives.ensureAvailability();
    Buffers.direct(packet, "packet");
    return Status.check(OpusPacketsBinding.opusPacketFrames(packet, packet.remaining()), "Opus packet parse");
  }

  /** Channels coded in the packet (1 or 2). */
  public static int channels(ByteBuffer packet) {
    MediaNatives.ensureAvailability();
    Buffers.direct(packet, "packet");
    return Status.check(OpusPacketsBinding.opusPacketChannels(packet, packet.remaining()), "Opus packet parse");
  }

  /** The packet's audio bandwidth. */
  public static OpusBandwidth bandwidth(ByteBuffer packet) {
    MediaNatives.ensureAvailability();
    Buffers.direct(packet, "packet");
    return OpusBandwidth.fromValue(Status.check(OpusPacketsBinding.opusPacketBandwidth(packet, packet.remaining()), "Opus packet parse"));
  }

  /** True when the packet carries in-band FEC (LBRR) data for the packet before it. */
  public static boolean hasFec(ByteBuffer packet) {
    MediaNatives.ensureAvailability();
    Buffers.direct(packet, "packet");
    return Status.check(OpusPacketsBinding.opusPacketHasFec(packet, packet.remaining()), "Opus packet parse") == 1;
  }
}
