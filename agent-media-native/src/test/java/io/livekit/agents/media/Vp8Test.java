package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Vp8Test {
  /** I420 planes in direct buffers, with padded strides. */
  static final class Planes {
    final int width;
    final int height;
    final int strideY;
    final int strideUv;
    final ByteBuffer y;
    final ByteBuffer u;
    final ByteBuffer v;

    Planes(int width, int height, int padding) {
      this.width = width;
      this.height = height;
      this.strideY = width + padding;
      this.strideUv = (width + 1) / 2 + padding;
      this.y = ByteBuffer.allocateDirect(strideY * height);
      this.u = ByteBuffer.allocateDirect(strideUv * ((height + 1) / 2));
      this.v = ByteBuffer.allocateDirect(strideUv * ((height + 1) / 2));
    }

    void draw(int index) {
      TestMedia.picture(index, width, height, y, strideY, u, strideUv, v, strideUv);
    }
  }

  private static int encode(Vp8Encoder enc, Planes p, long ts, ByteBuffer out) {
    out.clear();
    int n = enc.encode(p.y, p.strideY, p.u, p.strideUv, p.v, p.strideUv, p.width, p.height, ts, out);
    out.limit(n);
    return n;
  }

  @Test
  void encodeDecodeRoundTripAtTheH480Preset() {
    // The defaults (denoiser off, for rendered content) meet media-core.md's clean-content bar of 43 dB.
    double plain = roundTripAtH480(Vp8Encoder.builder(640, 480).bitrateKbps(500));
    assertThat(plain).isGreaterThan(43.0);
    // The denoiser, when asked for, reaches libvpx: on clean content it smooths detail away.
    double denoised = roundTripAtH480(Vp8Encoder.builder(640, 480).bitrateKbps(500).denoising(true));
    assertThat(denoised).isGreaterThan(38.0).isLessThan(plain - 1.0);
  }

  /** 3 s of the clean test picture through encoder and decoder; returns the mean Y-PSNR. */
  private static double roundTripAtH480(Vp8Encoder.Builder builder) {
    Planes src = new Planes(640, 480, 0);
    Planes dst = new Planes(640, 480, 8);
    ByteBuffer frame = ByteBuffer.allocateDirect(Vp8Encoder.maxEncodedSize(640, 480));
    long bytes = 0;
    double psnr = 0;
    try (Vp8Encoder enc = builder.build();
        Vp8Decoder dec = Vp8Decoder.builder().build()) {
      for (int i = 0; i < 90; i++) {
        src.draw(i);
        int n = encode(enc, src, i * 1_000_000L / 30, frame);
        assertThat(n).isPositive();
        assertThat(enc.lastFrameWasKeyFrame()).isEqualTo(i == 0);
        bytes += n;
        assertThat(dec.decode(frame)).isEqualTo(Vp8Decoder.Result.PICTURE);
        assertThat(dec.width()).isEqualTo(640);
        dec.copyTo(dst.y, dst.strideY, dst.u, dst.strideUv, dst.v, dst.strideUv, 640, 480);
        psnr += TestMedia.psnrY(src.y, src.strideY, dst.y, dst.strideY, 640, 480);
      }
      assertThat(bytes * 8 / 3.0 / 1000).isBetween(500 * 0.8, 500 * 1.1);
      assertThat(enc.framesEncoded()).isEqualTo(90);
      assertThat(enc.framesDropped()).isZero();
      assertThat(enc.cpuUsed()).isEqualTo(-6);
    }
    return psnr / 90;
  }

  @Test
  void keyFramesOnRequestAreRateLimitedAndTheDecoderWaitsForThem() {
    Planes p = new Planes(320, 180, 0);
    ByteBuffer frame = ByteBuffer.allocateDirect(Vp8Encoder.maxEncodedSize(320, 180));
    List<ByteBuffer> frames = new ArrayList<>();
    List<Integer> keys = new ArrayList<>();
    try (Vp8Encoder enc = Vp8Encoder.builder(320, 180).bitrateKbps(300).frameDropping(false).build()) {
      for (int i = 0; i < 40; i++) {
        if (i == 10 || i == 11) {
          enc.requestKeyFrame();
        }
        p.draw(i);
        encode(enc, p, i * 1_000_000L / 30, frame);
        ByteBuffer copy = ByteBuffer.allocateDirect(frame.remaining()).put(frame);
        copy.flip();
        frames.add(copy);
        if (enc.lastFrameWasKeyFrame()) {
          keys.add(i);
        }
      }
    }
    assertThat(keys).containsExactly(0, 10, 16);
    try (Vp8Decoder dec = Vp8Decoder.builder().build()) {
      assertThat(dec.decode(frames.get(1))).isEqualTo(Vp8Decoder.Result.NEED_KEY_FRAME);
      assertThat(dec.decode(frames.get(0))).isEqualTo(Vp8Decoder.Result.PICTURE);
      assertThat(dec.frameLost()).isEqualTo(Vp8Decoder.Result.NEED_KEY_FRAME);
      assertThat(dec.decode(frames.get(5))).isEqualTo(Vp8Decoder.Result.NEED_KEY_FRAME);
      assertThat(dec.keyFrameRequired()).isTrue();
      assertThat(dec.decode(frames.get(10))).isEqualTo(Vp8Decoder.Result.PICTURE);
      assertThat(dec.decode(frames.get(11))).isEqualTo(Vp8Decoder.Result.PICTURE);
      assertThat(dec.framesDropped()).isEqualTo(2);
    }
    try (Vp8Decoder dec = Vp8Decoder.builder().decodeThroughLoss(true).build()) {
      assertThat(dec.decode(frames.get(0))).isEqualTo(Vp8Decoder.Result.PICTURE);
      assertThat(dec.frameLost()).isEqualTo(Vp8Decoder.Result.NO_PICTURE);
      assertThat(dec.decode(frames.get(3))).isEqualTo(Vp8Decoder.Result.PICTURE);
    }
  }

  @Test
  void sizeChangesOddSizesAndScaledOutput() {
    ByteBuffer frame = ByteBuffer.allocateDirect(Vp8Encoder.maxEncodedSize(641, 361));
    try (Vp8Encoder enc = Vp8Encoder.builder(64, 64).build(); Vp8Decoder dec = Vp8Decoder.builder().build()) {
      int[][] sizes = {{64, 64}, {641, 361}, {3, 1}};
      long ts = 0;
      for (int[] s : sizes) {
        Planes p = new Planes(s[0], s[1], 5);
        p.draw(1);
        assertThat(encode(enc, p, ts, frame)).isPositive();
        ts += 33_333;
        assertThat(enc.lastFrameWasKeyFrame()).isTrue();
        assertThat(dec.decode(frame)).isEqualTo(Vp8Decoder.Result.PICTURE);
        assertThat(dec.width()).isEqualTo(s[0]);
        assertThat(dec.height()).isEqualTo(s[1]);
      }
      Planes small = new Planes(2, 1, 0);
      dec.copyTo(small.y, small.strideY, small.u, small.strideUv, small.v, small.strideUv, 2, 1);
      Planes tooSmall = new Planes(2, 1, 0);
      tooSmall.y.limit(1);
      assertThatThrownBy(() -> dec.copyTo(tooSmall.y, 2, tooSmall.u, 1, tooSmall.v, 1, 2, 1))
          .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.code()).isEqualTo(MediaException.Code.BUFFER_TOO_SMALL));
    }
  }

  @Test
  void hostileFramesNeverCrash() {
    java.util.Random rnd = new java.util.Random(3);
    ByteBuffer junk = ByteBuffer.allocateDirect(2000);
    try (Vp8Decoder dec = Vp8Decoder.builder().maxPixels(1920 * 1080).build()) {
      for (int i = 0; i < 3000; i++) {
        junk.clear();
        int len = 1 + rnd.nextInt(2000);
        for (int k = 0; k < len; k++) {
          junk.put((byte) rnd.nextInt());
        }
        if (i % 3 == 0 && len >= 10) {  // make a third of them look like key frames
          junk.put(0, (byte) (junk.get(0) & 0xF0)).put(1, (byte) 0).put(2, (byte) 0);
          junk.put(3, (byte) 0x9d).put(4, (byte) 0x01).put(5, (byte) 0x2a);
        }
        junk.flip();
        try {
          dec.decode(junk);
        } catch (MediaException e) {
          assertThat(e.code()).isIn(MediaException.Code.INVALID_DATA, MediaException.Code.UNSUPPORTED);
        }
      }
    }
  }

  @Test
  void argumentChecksAndClose() {
    assertThatThrownBy(() -> Vp8Encoder.builder(0, 10)).hasMessageContaining("width must be 1..16383");
    assertThatThrownBy(() -> Vp8Encoder.builder(10, 10).bitrateKbps(5)).hasMessageContaining("bitrateKbps");
    Vp8Encoder enc = Vp8Encoder.builder(16, 16).build();
    Planes p = new Planes(16, 16, 0);
    assertThatThrownBy(() -> enc.encode(p.y, 15, p.u, 8, p.v, 8, 16, 16, 0, ByteBuffer.allocateDirect(1000)))
        .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.code()).isEqualTo(MediaException.Code.BAD_ARGUMENT))
        .hasMessageContaining("16x16");
    assertThatThrownBy(() -> enc.encode(ByteBuffer.allocate(256), 16, p.u, 8, p.v, 8, 16, 16, 0, ByteBuffer.allocateDirect(1000)))
        .hasMessageContaining("direct");
    enc.close();
    enc.close();
    assertThatThrownBy(enc::framesEncoded).isInstanceOf(IllegalStateException.class).hasMessage("Vp8Encoder is closed");
  }
}
