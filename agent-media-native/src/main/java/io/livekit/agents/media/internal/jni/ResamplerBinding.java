package io.livekit.agents.media.internal.jni;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** {@code lkmedia::Resampler} ({@code lkmedia/resampler.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/resampler.h")
@Namespace("lkmedia")
@Name("Resampler")
public class ResamplerBinding extends Pointer {
  public ResamplerBinding(int channels, int inputRate, int outputRate, int quality) {
    allocate(channels, inputRate, outputRate, quality);
  }

  private native void allocate(int channels, int inputRate, int outputRate, int quality);

  public native int process(@Cast("const int16_t*") ShortBuffer in, int inputFrames, @Cast("int16_t*") ShortBuffer out, int outCapacityFrames);

  public native int processFloat(@Cast("const float*") FloatBuffer in, int inputFrames, @Cast("float*") FloatBuffer out, int outCapacityFrames);

  public native int maxOutputFrames(int inputFrames);

  public native int latencyFrames();

  public native int reset();
}
