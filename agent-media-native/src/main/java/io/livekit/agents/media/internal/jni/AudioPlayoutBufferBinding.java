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

/** {@code lkmedia::AudioPlayoutBuffer} ({@code lkmedia/audio_playout_buffer.h}). */
@Properties(inherit = LkMediaPlatform.class)
@Platform(include = "lkmedia/audio_playout_buffer.h")
@Namespace("lkmedia")
@Name("AudioPlayoutBuffer")
public class AudioPlayoutBufferBinding extends Pointer {
  public static final int TICK_FIELDS = 7;
  public static final int STATS_FIELDS = 17;

  public AudioPlayoutBufferBinding(int sampleRate, int channels, int capacityMs, int fadeMs, int maxMarks) {
    allocate(sampleRate, channels, capacityMs, fadeMs, maxMarks);
  }

  private native void allocate(int sampleRate, int channels, int capacityMs, int fadeMs, int maxMarks);

  public native int tryWrite(@Cast("const int16_t*") ShortBuffer pcm, int samples);

  public native @Cast("int64_t") long writePosition();

  public native void endSegment();

  public native int addMark(@Cast("int64_t") long position, @Cast("int64_t") long id);

  public native int pollMarks(@Cast("int64_t*") LongBuffer out, int maxMarks);

  public native @Cast("int64_t") long playedPosition();

  public native @Cast("int64_t") long queuedSamples();

  public native @Cast("int64_t") long clear();

  public native @Cast("int64_t") long generation();

  public native void close();

  public native int tick(@Cast("int64_t") long nowNs, @Cast("int16_t*") ShortBuffer out, int capacity);

  public native @Cast("int64_t") long nextDeadlineNs();

  public native void start(@Cast("int64_t") long nowNs);

  public native int lastTick(@Cast("int64_t*") LongBuffer out, int capacity);

  public native int getStats(@Cast("double*") DoubleBuffer out, int capacity);
}
