package io.livekit.agents.benchmarks.buffers;

import io.livekit.agents.media.JitterBuffer;
import io.livekit.agents.media.JitterBufferOptions;
import io.livekit.agents.media.JitterBufferPacket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Jitter buffer push + pop throughput through the Java API (JNI included): one RTP packet in, the same
 * packet out, in steady state. The native baseline is {@code lkbuffers_bench} (the same work in C++,
 * see benchmarks/README.md). Run with {@code -prof gc} to see the Java allocation per operation.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class JitterBufferBenchmark {
  private JitterBuffer packets;
  private JitterBuffer video;
  private final ByteBuffer rtp = ByteBuffer.allocateDirect(200);
  private final ByteBuffer vp8 = ByteBuffer.allocateDirect(200);
  private final ByteBuffer out = ByteBuffer.allocateDirect(1500);
  private final JitterBufferPacket info = new JitterBufferPacket();
  private int seq;
  private int videoSeq;

  @Setup(Level.Trial)
  public void setUp() {
    packets = JitterBuffer.create(JitterBufferOptions.packets(48000));
    video = JitterBuffer.create(JitterBufferOptions.vp8());
    // RTP header + 100-byte payload (an Opus packet of 32 kb/s speech is about this size).
    rtp.put((byte) 0x80).put((byte) 111).putShort((short) 0).putInt(0).putInt(1234);
    for (int i = 0; i < 100; i++) {
      rtp.put((byte) i);
    }
    rtp.flip();
    // RTP header + VP8 descriptor (S=1, 15-bit PictureID) + key frame header + payload: a one-packet frame.
    vp8.put((byte) 0x80).put((byte) (0x80 | 96)).putShort((short) 0).putInt(0).putInt(5678);
    vp8.put((byte) 0x90).put((byte) 0x80).put((byte) 0x80).put((byte) 0);
    vp8.put(new byte[] {0x50, 0x02, 0x00, (byte) 0x9d, 0x01, 0x2a, (byte) 0x80, 0x02, (byte) 0xe0, 0x01});
    while (vp8.position() < 112) {
      vp8.put((byte) 0x11);
    }
    vp8.flip();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    packets.close();
    video.close();
  }

  /** One packet pushed and popped (packet mode: ordered release). */
  @Benchmark
  public int pushPopPacket() {
    int s = seq++;
    rtp.putShort(2, (short) s);
    rtp.putInt(4, s * 960);
    packets.push(rtp, s);
    return packets.popPacket(s, out, info);
  }

  /** One one-packet VP8 key frame pushed and popped (video mode: frame assembly, decodability). */
  @Benchmark
  public int pushPopVideoFrame() {
    int s = videoSeq++;
    vp8.putShort(2, (short) s);
    vp8.putInt(4, s * 3000);
    vp8.put(14, (byte) (0x80 | ((s >> 8) & 0x7f)));
    vp8.put(15, (byte) s);
    video.push(vp8, s);
    return video.popFrame(s, out, info);
  }
}
