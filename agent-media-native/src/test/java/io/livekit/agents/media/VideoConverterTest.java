package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class VideoConverterTest {
  private static ByteBuffer solid(int w, int h, byte[] pixel) {
    ByteBuffer b = ByteBuffer.allocateDirect(w * h * 4);
    for (int i = 0; i < w * h; i++) {
      b.put(pixel);
    }
    return b.flip();
  }

  @Test
  void everyByteOrderGivesBt601Red() {
    byte m = (byte) 255;
    byte[][] red = {{m, 0, 0, m}, {0, 0, m, m}, {m, m, 0, 0}, {m, 0, 0, m}};
    PixelFormat[] formats = {PixelFormat.RGBA, PixelFormat.BGRA, PixelFormat.ARGB, PixelFormat.ABGR};
    for (int k = 0; k < 4; k++) {
      ByteBuffer src = solid(4, 4, red[k]);
      ByteBuffer y = ByteBuffer.allocateDirect(16);
      ByteBuffer u = ByteBuffer.allocateDirect(4);
      ByteBuffer v = ByteBuffer.allocateDirect(4);
      VideoConverter.toI420(formats[k], src, 16, 4, 4, y, 4, u, 2, v, 2);
      assertThat(y.get(0) & 0xff).as(formats[k] + " Y").isBetween(81, 83);
      assertThat(u.get(0) & 0xff).as(formats[k] + " U").isBetween(89, 91);
      assertThat(v.get(0) & 0xff).as(formats[k] + " V").isBetween(239, 241);
      ByteBuffer back = ByteBuffer.allocateDirect(64);
      VideoConverter.fromI420(y, 4, u, 2, v, 2, 4, 4, formats[k], back, 16);
      for (int b = 0; b < 4; b++) {
        assertThat(back.get(b) & 0xff).as(formats[k] + " byte " + b).isCloseTo(red[k][b] & 0xff, org.assertj.core.data.Offset.offset(3));
      }
    }
  }

  @Test
  void convertsStraightIntoWebrtcJavaNativeI420Buffers() throws Exception {
    dev.onvoid.webrtc.internal.NativeLoader.loadLibrary("webrtc-java");  // both native libraries in one JVM
    int w = 1280;
    int h = 720;
    ByteBuffer rgba = ByteBuffer.allocateDirect(w * h * 4);
    for (int i = 0; i < w * h; i++) {
      int x = i % w;
      rgba.put((byte) (x * 255 / w)).put((byte) 128).put((byte) (255 - x * 255 / w)).put((byte) 255);
    }
    rgba.flip();
    NativeI420Buffer frame = NativeI420Buffer.allocate(w, h);
    try {
      VideoConverter.toI420(PixelFormat.RGBA, rgba, w * 4, w, h, frame.getDataY(), frame.getStrideY(),
          frame.getDataU(), frame.getStrideU(), frame.getDataV(), frame.getStrideV());
      // What webrtc-java now holds must round-trip to our pixels.
      ByteBuffer back = ByteBuffer.allocateDirect(w * h * 4);
      VideoConverter.fromI420(frame.getDataY(), frame.getStrideY(), frame.getDataU(), frame.getStrideU(),
          frame.getDataV(), frame.getStrideV(), w, h, PixelFormat.RGBA, back, w * 4);
      for (int x : new int[] {0, 320, 640, 1279}) {
        int i = (360 * w + x) * 4;
        assertThat(back.get(i) & 0xff).isCloseTo(rgba.get(i) & 0xff, org.assertj.core.data.Offset.offset(4));
        assertThat(back.get(i + 2) & 0xff).isCloseTo(rgba.get(i + 2) & 0xff, org.assertj.core.data.Offset.offset(4));
      }
      // Scale into a second webrtc-java buffer.
      NativeI420Buffer half = NativeI420Buffer.allocate(w / 2, h / 2);
      try {
        VideoConverter.scaleI420(frame.getDataY(), frame.getStrideY(), frame.getDataU(), frame.getStrideU(),
            frame.getDataV(), frame.getStrideV(), w, h, half.getDataY(), half.getStrideY(), half.getDataU(),
            half.getStrideU(), half.getDataV(), half.getStrideV(), w / 2, h / 2, ScaleFilter.BOX);
        assertThat(half.getDataY().get(180 * half.getStrideY() + 320) & 0xff)
            .isCloseTo(frame.getDataY().get(360 * frame.getStrideY() + 640) & 0xff, org.assertj.core.data.Offset.offset(2));
      } finally {
        half.release();
      }
    } finally {
      frame.release();
    }
  }

  @Test
  void undersizedOrHeapBuffersAreRejected() {
    ByteBuffer src = ByteBuffer.allocateDirect(64 * 48 * 4 - 1);
    ByteBuffer y = ByteBuffer.allocateDirect(64 * 48);
    ByteBuffer u = ByteBuffer.allocateDirect(32 * 24);
    ByteBuffer v = ByteBuffer.allocateDirect(32 * 24);
    assertThatThrownBy(() -> VideoConverter.toI420(PixelFormat.RGBA, src, 256, 64, 48, y, 64, u, 32, v, 32))
        .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.code()).isEqualTo(MediaException.Code.BUFFER_TOO_SMALL))
        .hasMessageContaining("RGBA to I420 conversion of 64x48");
    assertThatThrownBy(() -> VideoConverter.toI420(PixelFormat.RGBA, ByteBuffer.allocate(64 * 48 * 4), 256, 64, 48, y, 64, u, 32, v, 32))
        .hasMessageContaining("direct");
    ByteBuffer fullSrc = ByteBuffer.allocateDirect(64 * 48 * 4);
    assertThatThrownBy(() -> VideoConverter.toI420(PixelFormat.RGBA, fullSrc, 255, 64, 48, y, 64, u, 32, v, 32))
        .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.code()).isEqualTo(MediaException.Code.BAD_ARGUMENT));
    // A buffer position moves the window: the same buffer is now one byte short.
    fullSrc.position(1);
    assertThatThrownBy(() -> VideoConverter.toI420(PixelFormat.RGBA, fullSrc, 256, 64, 48, y, 64, u, 32, v, 32))
        .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.code()).isEqualTo(MediaException.Code.BUFFER_TOO_SMALL));
  }
}
