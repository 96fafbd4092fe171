package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import org.junit.jupiter.api.Test;

/**
 * The Java side allocates nothing per frame in steady state: measured with the JVM's per-thread allocation
 * counter over 10000 calls after a warm-up (less than one byte per call on average is allowed, for the
 * counter's own noise). The JMH runs with -prof gc report the same as gc.alloc.rate.norm.
 */
class SteadyStateAllocationTest {
  private static long bytesPerCallTimes10000(Runnable call) {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 20000; i++) {
      call.run();
    }
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 10000; i++) {
      call.run();
    }
    return mx.getThreadAllocatedBytes(tid) - before;
  }

  @Test
  void opusEncodeAndDecode() {
    try (OpusEncoder enc = OpusEncoder.builder().build(); OpusDecoder dec = OpusDecoder.create(48000, 1)) {
      ShortBuffer pcm = TestMedia.shorts(960).put(TestMedia.sine(48000, 440, 0.02, 5000));
      pcm.flip();
      ShortBuffer out = TestMedia.shorts(960);
      ByteBuffer packet = TestMedia.bytes(1500);
      long bytes = bytesPerCallTimes10000(() -> {
        packet.clear();
        packet.limit(enc.encode(pcm, packet));
        dec.decode(packet, out);
        OpusPackets.hasFec(packet);
      });
      assertThat(bytes).as("bytes allocated by 10000 encode+decode+inspect calls").isLessThan(10000);
    }
  }

  @Test
  void vp8EncodeDecodeAndCopy() {
    int w = 64;
    int h = 48;
    ByteBuffer y = ByteBuffer.allocateDirect(w * h);
    ByteBuffer u = ByteBuffer.allocateDirect(w * h / 4);
    ByteBuffer v = ByteBuffer.allocateDirect(w * h / 4);
    TestMedia.picture(0, w, h, y, w, u, w / 2, v, w / 2);
    ByteBuffer frame = ByteBuffer.allocateDirect(Vp8Encoder.maxEncodedSize(w, h));
    long[] ts = {0};
    try (Vp8Encoder enc = Vp8Encoder.builder(w, h).build(); Vp8Decoder dec = Vp8Decoder.builder().build()) {
      long bytes = bytesPerCallTimes10000(() -> {
        frame.clear();
        frame.limit(enc.encode(y, w, u, w / 2, v, w / 2, w, h, ts[0] += 33_333, frame));
        if (frame.hasRemaining() && dec.decode(frame) == Vp8Decoder.Result.PICTURE) {
          dec.copyTo(y, w, u, w / 2, v, w / 2, w, h);
        }
      });
      assertThat(bytes).as("bytes allocated by 10000 VP8 encode+decode+copy calls").isLessThan(10000);
    }
  }

  @Test
  void conversionAndResampling() {
    ByteBuffer rgba = ByteBuffer.allocateDirect(64 * 48 * 4);
    ByteBuffer y = ByteBuffer.allocateDirect(64 * 48);
    ByteBuffer u = ByteBuffer.allocateDirect(32 * 24);
    ByteBuffer v = ByteBuffer.allocateDirect(32 * 24);
    ShortBuffer in = TestMedia.shorts(480);
    try (AudioResampler r = AudioResampler.create(1, 48000, 16000)) {
      ShortBuffer out = TestMedia.shorts(r.maxOutputFrames(480));
      long bytes = bytesPerCallTimes10000(() -> {
        VideoConverter.toI420(PixelFormat.RGBA, rgba, 256, 64, 48, y, 64, u, 32, v, 32);
        VideoConverter.fromI420(y, 64, u, 32, v, 32, 64, 48, PixelFormat.BGRA, rgba, 256);
        r.process(in, out);
      });
      assertThat(bytes).as("bytes allocated by 10000 convert+resample calls").isLessThan(10000);
    }
  }
}
