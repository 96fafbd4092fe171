package io.livekit.agents.benchmarks.media;

import io.livekit.agents.media.Vp8Decoder;
import io.livekit.agents.media.Vp8Encoder;
import java.nio.ByteBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * VP8 encode and decode of one 640x480 picture at LiveKit's h480 preset (500 kb/s, 30 fps) with
 * libwebrtc's settings, through agent-media-native; lkmedia_bench runs raw libvpx on the same 60
 * pictures with the same configuration.
 */
public class Vp8Benchmark extends MediaBenchmarkBase {
  private static final int W = BenchInputs.PICTURE_WIDTH;
  private static final int H = BenchInputs.PICTURE_HEIGHT;
  private static final int PICTURES = BenchInputs.PICTURES;

  @State(Scope.Thread)
  public static class Pictures {
    ByteBuffer[] y = new ByteBuffer[PICTURES];
    ByteBuffer[] u = new ByteBuffer[PICTURES];
    ByteBuffer[] v = new ByteBuffer[PICTURES];
    ByteBuffer[] frames = new ByteBuffer[PICTURES];
    ByteBuffer out;
    Vp8Encoder encoder;
    Vp8Decoder decoder;
    long index;

    @Setup(Level.Trial)
    public void setUp() {
      ByteBuffer[] pics = BenchInputs.pictures();
      int ySize = W * H;
      int cSize = (W / 2) * (H / 2);
      for (int k = 0; k < PICTURES; k++) {
        y[k] = pics[k].duplicate().position(0).limit(ySize).slice();
        u[k] = pics[k].duplicate().position(ySize).limit(ySize + cSize).slice();
        v[k] = pics[k].duplicate().position(ySize + cSize).limit(ySize + 2 * cSize).slice();
      }
      out = ByteBuffer.allocateDirect(Vp8Encoder.maxEncodedSize(W, H));
      // The frames the decode benchmark cycles through: 60 pictures from a fresh encoder (key frame first).
      try (Vp8Encoder fresh = Vp8Encoder.builder(W, H).bitrateKbps(500).build()) {
        for (int k = 0; k < PICTURES; k++) {
          out.clear();
          int n = fresh.encode(y[k], W, u[k], W / 2, v[k], W / 2, W, H, k * 1_000_000L / 30, out);
          frames[k] = ByteBuffer.allocateDirect(n).put(out.limit(n)).flip();
        }
      }
      out.clear();
      encoder = Vp8Encoder.builder(W, H).bitrateKbps(500).build();
      decoder = Vp8Decoder.builder().build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      encoder.close();
      decoder.close();
    }
  }

  @Benchmark
  public int encode640x480_500k_lkmedia(Pictures s) {
    int k = (int) (s.index % PICTURES);
    return s.encoder.encode(s.y[k], W, s.u[k], W / 2, s.v[k], W / 2, W, H, s.index++ * 1_000_000L / 30, s.out);
  }

  @Benchmark
  public Vp8Decoder.Result decode640x480_500k_lkmedia(Pictures s) {
    return s.decoder.decode(s.frames[(int) (s.index++ % PICTURES)]);
  }
}
