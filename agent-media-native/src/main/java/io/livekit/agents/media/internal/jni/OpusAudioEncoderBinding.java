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

/** {@code lkmedia::OpusAudioEncoder} ({@code lkmedia/opus_codec.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/opus_codec.h")
@Namespace("lkmedia")
@Name("OpusAudioEncoder")
public class OpusAudioEncoderBinding extends Pointer {
  public OpusAudioEncoderBinding(int sampleRate, int channels, int application) {
    allocate(sampleRate, channels, application);
  }

  private native void allocate(int sampleRate, int channels, int application);

  public native int encode(@Cast("const int16_t*") ShortBuffer pcm, int frameSize, @Cast("uint8_t*") ByteBuffer out, int capacity);

  public native int encodeFloat(@Cast("const float*") FloatBuffer pcm, int frameSize, @Cast("uint8_t*") ByteBuffer out, int capacity);

  public native int setBitrate(int bitsPerSecond);

  public native int setComplexity(int complexity);

  public native int setInbandFec(int mode);

  public native int setPacketLossPercent(int percent);

  public native int setDtx(@Cast("bool") boolean enabled);

  public native int setVbr(@Cast("bool") boolean enabled);

  public native int setVbrConstraint(@Cast("bool") boolean constrained);

  public native int setSignal(int signal);

  public native int setMaxBandwidth(int bandwidth);

  public native int setBandwidth(int bandwidth);

  public native int setForceChannels(int channels);

  public native int resetState();

  public native int bitrate();

  public native int complexity();

  public native int lookahead();

  public native @Cast("bool") boolean inDtx();

  public native @Cast("uint32_t") long finalRange();
}
