package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java face of the jitter buffers, through real natives (Opus from the core's encoder). */
class JitterBufferTest {
  private static final long MS = 1_000_000L;

  @BeforeAll
  static void natives() {
    MediaNatives.ensureAvailability();
  }

  /** An RTP packet (12-byte header) around {@code payload[0, length)} into a direct buffer. */
  static ByteBuffer rtp(ByteBuffer into, int seq, long ts, int ssrc, boolean marker, ByteBuffer payload, int length) {
    into.clear();
    into.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | 111)).putShort((short) seq).putInt((int) ts).putInt(ssrc);
    for (int i = 0; i < length; i++) {
      into.put(payload.get(i));
    }
    into.flip();
    return into;
  }

  @Test
  void opusAudioComesOutAsTenMillisecondFramesAndConcealsLoss() {
    short[] music = TestMedia.music(48000, 1, 3.0);
    try (OpusEncoder enc = OpusEncoder.builder().sampleRate(48000).channels(1).bitrate(32000).inbandFec(true)
            .packetLossPercent(10).build();
         JitterBuffer jb = JitterBuffer.create(JitterBufferOptions.opus(48000, 1))) {
      assertThat(jb.frameSamples()).isEqualTo(480);
      ShortBuffer pcm = TestMedia.shorts(960);
      ByteBuffer payload = TestMedia.bytes(1500);
      ByteBuffer packet = TestMedia.bytes(1600);
      ShortBuffer out = TestMedia.shorts(480);
      long energy = 0;
      int concealedFrames = 0;
      int k = 0;
      for (long t = 0; t < 3000 * MS; t += 10 * MS) {
        if (t % (20 * MS) == 0 && k * 960 + 960 <= music.length) {
          pcm.clear();
          pcm.put(music, k * 960, 960).flip();
          payload.clear();
          int n = enc.encode(pcm, payload);
          if (k != 40) {  // packet 40 is lost
            assertThat(jb.push(rtp(packet, 500 + k, 1000L + k * 960L, 9, false, payload, n), t + 5 * MS))
                .isEqualTo(JitterBuffer.PushResult.INSERTED);
          }
          k++;
        }
        int flags = jb.pullAudio(t, out);
        assertThat(out.position()).isZero();
        if ((flags & (JitterBuffer.AUDIO_CONCEALED | JitterBuffer.AUDIO_FEC)) != 0) {
          concealedFrames++;
        }
        for (int i = 0; i < 480; i++) {
          energy += Math.abs(out.get(i));
        }
      }
      JitterBufferStats s = jb.stats();
      assertThat(energy).isGreaterThan(1_000_000L);
      assertThat(concealedFrames).isBetween(1, 4);
      assertThat(s.packetsReceived()).isEqualTo(149);
      assertThat(s.packetsLost()).isEqualTo(1);
      assertThat(s.get("fecRecovered") + s.get("concealmentEvents")).isGreaterThanOrEqualTo(1.0);
      assertThat(s.get("targetDelayMs")).isBetween(20.0, 100.0);
      assertThat(s.names()).contains("jitterBufferDelaySeconds", "concealedSamples", "insertedSamplesForDeceleration");
      // Duplicates and malformed bytes are counted, not fatal.
      ByteBuffer junk = TestMedia.bytes(5);
      junk.put(new byte[] {1, 2, 3, 4, 5}).flip();
      assertThat(jb.push(junk, 0)).isEqualTo(JitterBuffer.PushResult.INVALID);
    }
  }

  /** Frame f: packets of a 3-packet VP8 frame (key when asked) with PictureID f. */
  private static ByteBuffer vp8(ByteBuffer into, int seq, int f, int p, boolean key) {
    ByteBuffer payload = TestMedia.bytes(64);
    payload.put((byte) (0x80 | (p == 0 ? 0x10 : 0))).put((byte) 0x80).put((byte) (0x80 | (f >> 8))).put((byte) f);
    if (p == 0) {
      if (key) {
        payload.put(new byte[] {0x50, 0x02, 0x00, (byte) 0x9d, 0x01, 0x2a, (byte) 0x80, 0x02, (byte) 0xe0, 0x01});
      } else {
        payload.put(new byte[] {0x51, 0x02, 0x00});
      }
    }
    for (int i = 0; i < 20; i++) {
      payload.put((byte) (f + p + i));
    }
    int n = payload.position();
    return rtp(into, seq, f * 3000L, 4, p == 2, payload, n);
  }

  @Test
  void vp8FramesAreAssembledAndALossAsksForAKeyFrame() {
    try (JitterBuffer jb = JitterBuffer.create(JitterBufferOptions.vp8())) {
      ByteBuffer packet = TestMedia.bytes(200);
      ByteBuffer out = TestMedia.bytes(4096);
      JitterBufferPacket frame = new JitterBufferPacket();
      int seq = 65530;  // wraps
      int released = 0;
      boolean pli = false;
      for (int f = 0; f < 20; f++) {
        long t = f * 33 * MS;
        for (int p = 0; p < 3; p++, seq = (seq + 1) & 0xffff) {
          if (f == 8 && p == 1) {
            continue;  // lost
          }
          jb.push(vp8(packet, seq, f, p, f == 0 || f == 15), t + p * MS);
        }
        int n;
        while ((n = jb.popFrame(t + 3 * MS, out, frame)) > 0) {
          assertThat(n).isEqualTo(frame.size());
          assertThat(frame.packets()).isEqualTo(3);
          if (released == 0) {
            assertThat(frame.keyFrame()).isTrue();
            assertThat(frame.width()).isEqualTo(640);
            assertThat(frame.height()).isEqualTo(480);
          }
          released++;
        }
        pli |= jb.pollKeyFrameRequest(t + 3 * MS);
      }
      // 0..7, then frozen until the key frame 15, then 15..19.
      assertThat(released).isEqualTo(13);
      assertThat(pli).isTrue();
      assertThat(jb.waitingForKeyFrame()).isFalse();
      JitterBufferStats s = jb.stats();
      assertThat(s.count("framesDecoded")).isEqualTo(13);
      assertThat(s.count("freezeCount")).isEqualTo(1);
      assertThat(s.count("pliSent")).isGreaterThanOrEqualTo(1);
      assertThatThrownBy(() -> jb.pullAudio(0, TestMedia.shorts(480))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("VP8_VIDEO");
    }
  }

  @Test
  void packetsComeOutInOrderWithLossReported() {
    try (JitterBuffer jb = JitterBuffer.create(JitterBufferOptions.packets(48000).withWait(40, 0))) {
      ByteBuffer packet = TestMedia.bytes(100);
      ByteBuffer payload = TestMedia.bytes(10);
      ByteBuffer out = TestMedia.bytes(100);
      JitterBufferPacket info = new JitterBufferPacket();
      int[] order = {10, 12, 11, 14, 15};  // 13 never comes
      for (int s : order) {
        payload.clear();
        payload.put((byte) s).flip();
        jb.push(rtp(packet, s, s * 960L, 1, false, payload, 1), 0);
      }
      int[] expect = {10, 11, 12};
      for (int e : expect) {
        assertThat(jb.popPacket(0, out, info)).isEqualTo(1);
        assertThat(out.get(0)).isEqualTo((byte) e);
        assertThat(info.firstSequence()).isEqualTo(e);
      }
      assertThat(jb.popPacket(10 * MS, out, info)).isEqualTo(-1);  // waiting for 13
      assertThat(jb.popPacket(40 * MS, out, info)).isEqualTo(1);
      assertThat(info.firstSequence()).isEqualTo(14);
      assertThat(info.lostBefore()).isEqualTo(1);
      assertThatThrownBy(() -> jb.popPacket(0, ByteBuffer.allocate(10), info))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direct");
    }
  }

  @Test
  void closedBufferFailsClearlyAndBadOptionsAreNamed() {
    JitterBuffer jb = JitterBuffer.create(JitterBufferOptions.packets(90000));
    jb.close();
    jb.close();
    assertThatThrownBy(() -> jb.push(TestMedia.bytes(20), 0)).isInstanceOf(IllegalStateException.class)
        .hasMessage("JitterBuffer is closed");
    assertThatThrownBy(() -> JitterBuffer.create(JitterBufferOptions.opus(44100, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("44100");
    assertThatThrownBy(() -> JitterBuffer.create(JitterBufferOptions.vp8().withCapacity(1000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
  }

  @Test
  void pushAndPopAllocateNothingInSteadyState() {
    try (JitterBuffer jb = JitterBuffer.create(JitterBufferOptions.packets(48000))) {
      ByteBuffer payload = TestMedia.bytes(100);
      ByteBuffer packet = TestMedia.bytes(200);
      rtp(packet, 0, 0, 1, false, payload, 100);
      ByteBuffer out = TestMedia.bytes(1500);
      JitterBufferPacket info = new JitterBufferPacket();
      long allocated = TestMedia.allocatedInSteadyState(200_000, seq -> {
        packet.putShort(2, (short) seq);
        packet.putInt(4, seq * 960);
        jb.push(packet, seq);
        if (jb.popPacket(seq, out, info) != 100) {
          throw new AssertionError("packet " + seq + " did not come out");
        }
      });
      assertThat(allocated).as("bytes allocated by 200000 push+pop").isLessThan(16 * 1024);
    }
  }
}
