package io.livekit.agents.media;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;

/**
 * Run by {@link NativeJarPackagedIT} in a fresh JVM whose class path holds only the packaged jars (and this
 * class): loads the natives the way a user's application would and exercises Opus and VP8.
 */
public final class PackagedSmoke {
  private PackagedSmoke() {}

  public static void main(String[] args) {
    if (!MediaNatives.isAvailable()) {
      System.out.println("UNAVAILABLE");
      System.out.println(MediaNatives.unavailabilityCause().getMessage());
      System.exit(3);
    }
    System.out.println("LOADED " + MediaNatives.loadedFrom());
    System.out.println("CLASSES " + MediaNatives.class.getProtectionDomain().getCodeSource().getLocation());
    System.out.println("BUILD " + MediaNatives.buildInfo());
    short[] tone = TestMedia.sine(48000, 440, 0.2, 8000);
    try (OpusEncoder enc = OpusEncoder.builder().application(OpusApplication.AUDIO).build();
        OpusDecoder dec = OpusDecoder.create(48000, 1)) {
      ShortBuffer pcm = TestMedia.shorts(960);
      ShortBuffer out = TestMedia.shorts(960);
      ByteBuffer packet = TestMedia.bytes(1500);
      short[] decoded = new short[tone.length];
      for (int f = 0; f + 960 <= tone.length; f += 960) {
        pcm.clear();
        pcm.put(tone, f, 960).flip();
        packet.clear();
        packet.limit(enc.encode(pcm, packet));
        out.clear();
        dec.decode(packet, out);
        out.get(decoded, f, 960);
      }
      System.out.printf("OPUS snr=%.1f%n", TestMedia.alignedSnr(tone, decoded, 1, 2 * enc.lookahead()));
    }
    try (Vp8Encoder enc = Vp8Encoder.builder(64, 48).build(); Vp8Decoder dec = Vp8Decoder.builder().build()) {
      ByteBuffer y = ByteBuffer.allocateDirect(64 * 48);
      ByteBuffer u = ByteBuffer.allocateDirect(32 * 24);
      ByteBuffer v = ByteBuffer.allocateDirect(32 * 24);
      TestMedia.picture(0, 64, 48, y, 64, u, 32, v, 32);
      ByteBuffer frame = ByteBuffer.allocateDirect(Vp8Encoder.maxEncodedSize(64, 48));
      frame.limit(enc.encode(y, 64, u, 32, v, 32, 64, 48, 0, frame));
      System.out.println("VP8 " + dec.decode(frame) + " " + dec.width() + "x" + dec.height());
    }
  }
}
