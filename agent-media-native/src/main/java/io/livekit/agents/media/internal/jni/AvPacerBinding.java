package io.livekit.agents.media.internal.jni;

import java.nio.DoubleBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/** {@code lkmedia::AvPacer} ({@code lkmedia/av_pacer.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/av_pacer.h")
@Namespace("lkmedia")
@Name("AvPacer")
public class AvPacerBinding extends Pointer {
  public static final int STATS_FIELDS = 12;

  public AvPacerBinding(AudioPlayoutBufferBinding audio, double fps, int videoQueueFrames, int videoOffsetMs,
      int repeatAfterMs) {
    allocate(audio, fps, videoQueueFrames, videoOffsetMs, repeatAfterMs);
  }

  private native void allocate(@Cast("lkmedia::AudioPlayoutBuffer*") AudioPlayoutBufferBinding audio, double fps,
      int videoQueueFrames, int videoOffsetMs, int repeatAfterMs);

  public native int tryPushVideo(@Cast("uint64_t") long token, @Cast("int64_t") long pts, int timeline);

  public native @Cast("int64_t") long emissionPosition(@Cast("int64_t") long nowNs);

  public native @Cast("int64_t") long clear();

  public native void close();

  public native @Cast("int64_t") long generation();

  public native int step(@Cast("int64_t") long nowNs, @Cast("int16_t*") ShortBuffer audioOut, int capacity);

  public native @Cast("int64_t") long nextWakeNs();

  public native int pollEvents(@Cast("int64_t*") LongBuffer out, int maxEvents);

  public native int queueCapacity();

  public native int getStats(@Cast("double*") DoubleBuffer out, int capacity);
}
