package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import org.junit.jupiter.api.Test;

/** Native code never writes into a read-only view: output buffers are checked before the call. */
class ReadOnlyOutputTest {

  private static ByteBuffer direct(int n) {
    return ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder());
  }

  @Test
  void aReadOnlyPictureIsRefusedAsAConversionTargetAndLeftUntouched() {
    int w = 16;
    int h = 16;
    ByteBuffer rgba = direct(w * h * 4);
    for (int i = 0; i < rgba.capacity(); i++) {
      rgba.put(i, (byte) 200);
    }
    ByteBuffer y = direct(w * h);
    ByteBuffer u = direct(w * h / 4);
    ByteBuffer v = direct(w * h / 4);
    ByteBuffer readOnlyY = y.asReadOnlyBuffer();
    assertThatThrownBy(() -> VideoConverter.toI420(PixelFormat.RGBA, rgba, w * 4, w, h, readOnlyY, w, u, w / 2, v, w / 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("y is read-only");
    for (int i = 0; i < y.capacity(); i++) {
      assertThat(y.get(i)).as("luma byte %d", i).isZero();
    }
    // the same call with writable planes works, so the refusal was about the view alone
    VideoConverter.toI420(PixelFormat.RGBA, rgba, w * 4, w, h, y, w, u, w / 2, v, w / 2);
    assertThat(y.get(0) & 0xff).isGreaterThan(100);
  }

  @Test
  void aReadOnlySampleBufferIsRefusedByTheDecoderAndTheResampler() {
    ShortBuffer pcm = direct(960 * 2 * 2).asShortBuffer().asReadOnlyBuffer();
    try (OpusDecoder dec = OpusDecoder.create(48000, 2)) {
      assertThatThrownBy(() -> dec.decode(null, pcm))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("pcm is read-only");
    }
    ShortBuffer in = direct(480 * 2).asShortBuffer();
    try (AudioResampler r = AudioResampler.create(1, 48000, 16000)) {
      assertThatThrownBy(() -> r.process(in, pcm))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("out is read-only");
    }
  }
}
