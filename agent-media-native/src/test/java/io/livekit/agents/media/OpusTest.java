package io.livekit.agents.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OpusTest {
  @Test
  void stereoMusicRoundTripKeepsTheWaveform() {
    short[] music = TestMedia.music(48000, 2, 2.0);
    try (OpusEncoder enc = OpusEncoder.builder().channels(2).application(OpusApplication.AUDIO)
        .signal(OpusSignal.MUSIC).bitrate(64000).build();
        OpusDecoder dec = OpusDecoder.create(48000, 2)) {
      ShortBuffer pcm = TestMedia.shorts(960 * 2);
      ShortBuffer out = TestMedia.shorts(5760 * 2);
      ByteBuffer packet = TestMedia.bytes(OpusEncoder.MAX_PACKET_BYTES);
      short[] decoded = new short[music.length];
      long bytes = 0;
      for (int f = 0; f + 1920 <= music.length; f += 1920) {
        pcm.clear();
        pcm.put(music, f, 1920).flip();
        int n = enc.encode(pcm, packet);
        assertThat(n).isBetween(3, 1500);
        bytes += n;
        assertThat(pcm.position()).isZero();  // positions stay where they were
        assertThat(packet.position()).isZero();
        packet.limit(n);
        assertThat(OpusPackets.samples(packet, 48000)).isEqualTo(960);
        assertThat(OpusPackets.channels(packet)).isEqualTo(2);
        out.clear();
        assertThat(dec.decode(packet, out)).isEqualTo(960);
        packet.clear();
        out.get(decoded, f, 1920);
      }
      double snr = TestMedia.alignedSnr(music, decoded, 2, 2 * enc.lookahead());
      assertThat(snr).isGreaterThan(15.0);
      assertThat(bytes * 8 / 2.0).isBetween(64000 * 0.85, 64000 * 1.15);
    }
  }

  @Test
  void fecRecoversALostPacketBetterThanConcealment() {
    short[] tone = TestMedia.voice(48000, 1.0);
    try (OpusEncoder enc = OpusEncoder.builder().bitrate(24000).packetLossPercent(20).dtx(false).build();
        OpusDecoder ref = OpusDecoder.create(48000, 1);
        OpusDecoder fec = OpusDecoder.create(48000, 1);
        OpusDecoder plc = OpusDecoder.create(48000, 1)) {
      ShortBuffer pcm = TestMedia.shorts(960);
      ByteBuffer[] packets = new ByteBuffer[50];
      for (int i = 0; i < 50; i++) {
        pcm.clear();
        pcm.put(tone, i * 960, 960).flip();
        ByteBuffer p = TestMedia.bytes(1500);
        p.limit(enc.encode(pcm, p));
        packets[i] = p;
      }
      ShortBuffer a = TestMedia.shorts(960);
      ShortBuffer b = TestMedia.shorts(960);
      ShortBuffer c = TestMedia.shorts(960);
      double fecErr = 0;
      double plcErr = 0;
      int withFec = 0;
      for (int i = 0; i < 50; i++) {
        a.clear();
        b.clear();
        c.clear();
        assertThat(ref.decode(packets[i], a)).isEqualTo(960);
        if (lost(tone, i)) {  // packet i + 1 carries its LBRR copy
          if (OpusPackets.hasFec(packets[i + 1])) {
            withFec++;
          }
          assertThat(fec.decodeFec(packets[i + 1], b, 960)).isEqualTo(960);
          assertThat(plc.decode(null, c)).isEqualTo(960);
          for (int k = 0; k < 960; k++) {
            fecErr += Math.pow(a.get(k) - b.get(k), 2);
            plcErr += Math.pow(a.get(k) - c.get(k), 2);
          }
        } else {
          fec.decode(packets[i], b);
          plc.decode(packets[i], c);
        }
      }
      int lostCount = 0;
      for (int i = 0; i < 50; i++) {
        lostCount += lost(tone, i) ? 1 : 0;
      }
      assertThat(lostCount).isGreaterThanOrEqualTo(4);
      // The share of LBRR on speech is checked against media-core.md's bar (>= 95 %) by the native test
      // media_opus on speech-like content; here the Java path must find and use it.
      assertThat(withFec * 2).isGreaterThanOrEqualTo(lostCount);
      assertThat(fecErr).isLessThan(plcErr / 4);
    }
  }

  /** Every third packet from the 9th on is lost when its frame is loud (SILK codes LBRR for active speech). */
  private static boolean lost(short[] signal, int frame) {
    if (frame < 9 || frame > 48 || frame % 3 != 0) {
      return false;
    }
    double sum = 0;
    for (int k = 0; k < 960; k++) {
      sum += (double) signal[frame * 960 + k] * signal[frame * 960 + k];
    }
    return Math.sqrt(sum / 960) >= 1500;
  }

  @Test
  void floatPcmAndConcealment() {
    try (OpusEncoder enc = OpusEncoder.builder().application(OpusApplication.AUDIO).build();
        OpusDecoder dec = OpusDecoder.create(48000, 1)) {
      FloatBuffer pcm = TestMedia.floats(1920);
      for (int i = 0; i < 1920; i++) {
        pcm.put(i, (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / 48000.0)));
      }
      ByteBuffer packet = TestMedia.bytes(1500);
      packet.limit(enc.encode(pcm, packet));  // 40 ms
      FloatBuffer out = TestMedia.floats(5760);
      assertThat(dec.decode(packet, out)).isEqualTo(1920);
      assertThat(dec.lastPacketDuration()).isEqualTo(1920);
      assertThat(dec.decode((ByteBuffer) null, out)).isEqualTo(1920);  // conceals one packet's worth
      ShortBuffer s = TestMedia.shorts(960);
      assertThat(dec.conceal(s, 480)).isEqualTo(480);
      assertThatThrownBy(() -> dec.conceal(s, 961)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void dtxProducesTinyPacketsForSilence() {
    try (OpusEncoder enc = OpusEncoder.builder().build()) {
      ShortBuffer silence = TestMedia.shorts(960);
      ByteBuffer packet = TestMedia.bytes(1500);
      int tiny = 0;
      for (int i = 0; i < 100; i++) {
        if (enc.encode(silence, packet) <= 2) {
          tiny++;
        }
      }
      assertThat(tiny).isGreaterThan(80);
      assertThat(enc.inDtx()).isTrue();
    }
  }

  @Test
  void corruptPacketsFailCleanly() {
    try (OpusDecoder dec = OpusDecoder.create(48000, 2)) {
      ShortBuffer out = TestMedia.shorts(5760 * 2);
      ByteBuffer junk = TestMedia.bytes(400);
      Random rnd = new Random(1);
      int invalid = 0;
      for (int i = 0; i < 2000; i++) {
        junk.clear();
        int len = 1 + rnd.nextInt(400);
        for (int k = 0; k < len; k++) {
          junk.put((byte) rnd.nextInt());
        }
        junk.flip();
        try {
          assertThat(dec.decode(junk, out)).isBetween(0, 5760);
        } catch (MediaException e) {
          assertThat(e.code()).isIn(MediaException.Code.INVALID_DATA, MediaException.Code.BUFFER_TOO_SMALL);
          invalid++;
        }
      }
      assertThat(invalid).isPositive();
      ByteBuffer bad = TestMedia.bytes(2).put(0, (byte) 0x03).put(1, (byte) 0x00);
      assertThatThrownBy(() -> OpusPackets.frames(bad))
          .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.code()).isEqualTo(MediaException.Code.INVALID_DATA))
          .hasMessageContaining("Opus packet parse");
    }
  }

  @Test
  void argumentsAreCheckedBeforeNativeCode() {
    try (OpusEncoder enc = OpusEncoder.builder().build()) {
      ByteBuffer out = TestMedia.bytes(1500);
      assertThatThrownBy(() -> enc.encode(ShortBuffer.allocate(960), out))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direct");
      ShortBuffer bigEndian = ByteBuffer.allocateDirect(1920).order(ByteOrder.BIG_ENDIAN).asShortBuffer();
      if (ByteOrder.nativeOrder() != ByteOrder.BIG_ENDIAN) {
        assertThatThrownBy(() -> enc.encode(bigEndian, out)).hasMessageContaining("native byte order");
      }
      assertThatThrownBy(() -> enc.encode(TestMedia.shorts(961), out)).hasMessageContaining("2.5, 5, 10, 20");
      assertThatThrownBy(() -> enc.encode(TestMedia.shorts(960), TestMedia.bytes(0)))
          .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.code()).isEqualTo(MediaException.Code.BAD_ARGUMENT));
      assertThatThrownBy(() -> enc.setBitrate(100)).hasMessageContaining("500..512000");
      assertThatThrownBy(() -> OpusEncoder.builder().sampleRate(44100)).hasMessageContaining("44100");
      assertThatThrownBy(() -> OpusDecoder.create(48000, 3)).hasMessageContaining("channels");
    }
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseIsAClearError() {
    OpusEncoder enc = OpusEncoder.builder().build();
    enc.close();
    enc.close();
    assertThatThrownBy(() -> enc.encode(TestMedia.shorts(960), TestMedia.bytes(100)))
        .isInstanceOf(IllegalStateException.class).hasMessage("OpusEncoder is closed");
    OpusDecoder dec = OpusDecoder.create(16000, 1);
    dec.close();
    assertThatThrownBy(() -> dec.decode(null, TestMedia.shorts(320))).hasMessage("OpusDecoder is closed");
  }
}
