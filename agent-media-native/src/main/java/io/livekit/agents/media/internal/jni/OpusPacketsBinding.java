package io.livekit.agents.media.internal.jni;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** Free functions of {@code lkmedia/opus_codec.h} that inspect untrusted packets. */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/opus_codec.h")
@Namespace("lkmedia")
public final class OpusPacketsBinding {
  private OpusPacketsBinding() {}

  public static native int opusPacketSamples(@Cast("const uint8_t*") ByteBuffer packet, int length, int sampleRate);

  public static native int opusPacketFrames(@Cast("const uint8_t*") ByteBuffer packet, int length);

  public static native int opusPacketChannels(@Cast("const uint8_t*") ByteBuffer packet, int length);

  public static native int opusPacketBandwidth(@Cast("const uint8_t*") ByteBuffer packet, int length);

  public static native int opusPacketHasFec(@Cast("const uint8_t*") ByteBuffer packet, int length);
}
