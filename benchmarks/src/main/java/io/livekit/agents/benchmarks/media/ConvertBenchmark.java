package io.livekit.agents.benchmarks.media;

import io.livekit.agents.media.AudioResampler;
import io.livekit.agents.media.PixelFormat;
import io.livekit.agents.media.VideoConverter;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * RGBA to I420 at 1280x720 (libyuv ABGRToI420 underneath) and 48 to 16 kHz resampling of 10 ms mono
 * (speexdsp, quality 5), through agent-media-native; lkmedia_bench runs the raw functions on the same input.
 */
public class ConvertBenchmark extends MediaBenchmarkBase {
  @State(Scope.Thread)
  public static class Picture {
    ByteBuffer rgba;
    ByteBuffer y = ByteBuffer.allocateDirect(1280 * 720);
    ByteBuffer u = ByteBuffer.allocateDirect(640 * 360);
    ByteBuffer v = ByteBuffer.allocateDirect(640 * 360);

    @Setup(Level.Trial)
    public void setUp() {
      rgba = BenchInputs.rgba720p();
    }
  }

  @State(Scope.Thread)
  public static class Audio {
    ShortBuffer[] chunks = new ShortBuffer[1000];
    ShortBuffer out;
    AudioResampler resampler;
    int index;

    @Setup(Level.Trial)
    public void setUp() {
      short[] pcm = BenchInputs.voiceMono();
      for (int i = 0; i < chunks.length; i++) {
        chunks[i] = BenchInputs.direct(java.util.Arrays.copyOfRange(pcm, i * 480, (i + 1) * 480));
      }
      resampler = AudioResampler.create(1, 48000, 16000, 5);
      out = BenchInputs.direct(new short[resampler.maxOutputFrames(480)]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      resampler.close();
    }
  }

  @Benchmark
  public void rgbaToI420_1280x720_lkmedia(Picture s) {
    VideoConverter.toI420(PixelFormat.RGBA, s.rgba, 1280 * 4, 1280, 720, s.y, 1280, s.u, 640, s.v, 640);
  }

  @Benchmark
  public int resample48kTo16kMono10ms_lkmedia(Audio s) {
    return s.resampler.process(s.chunks[s.index++ % 1000], s.out);
  }
}
