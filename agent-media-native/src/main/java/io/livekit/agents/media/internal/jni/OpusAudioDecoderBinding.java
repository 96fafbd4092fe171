package io.livekit.agents.media.internal.jni;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** {@code lkmedia::OpusAudioDecoder} ({@code lkmedia/opus_codec.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/opus_codec.h")
@Namespace("lkmedia")
@Name("OpusAudioDecoder")
public class OpusAudioDecoderBinding extends Pointer {
  public OpusAudioDecoderBinding(int sampleRate, int channels) {
    allocate(sampleRate, channels);
  }

  private native void allocate(int sampleRate, int channels);

  public native int decode(@Cast("const uint8_t*") ByteBuffer packet, int length, @Cast("int16_t*") ShortBuffer pcm, int capacityFrames);

  public native int decodeFloat(@Cast("const uint8_t*") ByteBuffer packet, int length, @Cast("float*") FloatBuffer pcm, int capacityFrames);

  public native int decodeFec(@Cast("const uint8_t*") ByteBuffer packet, int length, @Cast("int16_t*") ShortBuffer pcm, int frameSize);

  public native int conceal(@Cast("int16_t*") ShortBuffer pcm, int frameSize);

  public native int lastPacketDuration();

  public native int setGain(int q8dB);

  public native int resetState();

  public native @Cast("uint32_t") long finalRange();
}
