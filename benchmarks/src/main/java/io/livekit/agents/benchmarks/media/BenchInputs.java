package io.livekit.agents.benchmarks.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The inputs of the media benchmarks, computed with integer arithmetic exactly like
 * {@code native-src/bench/bench_inputs.h}, so that the JMH figures and the raw-C figures of
 * {@code lkmedia_bench} come from the same samples and pixels. {@link #main} prints the checksums that
 * {@code lkmedia_bench} prints too; every benchmark's setup checks them.
 */
public final class BenchInputs {
  /** FNV-1a checksums printed by lkmedia_bench for the same inputs. */
  static final long VOICE_MONO_FNV = 0x1b690c03acfa8a12L;
  static final long VOICE_STEREO_FNV = 0x286dbeb5da0336f1L;
  static final long PICTURES_FNV = 0x275d42c1f7035b9cL;
  static final long RGBA_720P_FNV = 0x6b00473c7a5358adL;

  static final int VOICE_FRAMES = 48000 * 10;
  static final int PICTURE_WIDTH = 640;
  static final int PICTURE_HEIGHT = 480;
  static final int PICTURES = 60;

  private BenchInputs() {}

  private static int lcg(int[] seed) {
    seed[0] = seed[0] * 1664525 + 1013904223;
    return seed[0];
  }

  /** Voice-like 48 kHz PCM, interleaved (see bench_inputs.h). */
  static short[] voice(int channels, int frames) {
    short[] out = new short[frames * channels];
    int[] seed = {12345};
    for (int i = 0; i < frames; i++) {
      int syl = i / 12000;
      int pos = i % 12000;
      int env = pos < 6000 ? pos * 1024 / 6000 : (12000 - pos) * 1024 / 6000;
      for (int c = 0; c < channels; c++) {
        int period = 160 + (syl * 37 + c * 11) % 160;
        int phase = (i + c * 13) % period;
        int tri = (phase < period / 2 ? phase : period - phase) * 4096 / period - 1024;
        int noise = ((lcg(seed) >>> 16) & 0x3FF) - 512;
        int v = tri * env / 128 + noise;
        out[i * channels + c] = (short) Math.max(-32768, Math.min(32767, v));
      }
    }
    return out;
  }

  /** I420 picture k, planes packed Y then U then V with strides w, w/2, w/2 (see bench_inputs.h). */
  static byte[] picture(int k, int w, int h) {
    byte[] out = new byte[w * h + 2 * ((w + 1) / 2) * ((h + 1) / 2)];
    int[] seed = {777 + k};
    int cx = w / 2 + (k * 3) % (w / 4) - w / 8;
    int cy = h / 2;
    int r = Math.min(w, h) * 3 / 10;
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        int lum = 60 + 100 * col / w + 30 * row / h + ((((col >> 5) + (row >> 5)) & 1) != 0 ? 12 : 0);
        int dx = col - cx;
        int dy = row - cy;
        if (dx * dx + dy * dy < r * r) {
          lum = 150 + (col * 7 + row * 5 + k * 2) % 50;
        }
        lum += ((lcg(seed) >>> 16) % 9) - 4;
        out[row * w + col] = (byte) Math.max(0, Math.min(255, lum));
      }
    }
    int cw = (w + 1) / 2;
    int ch = (h + 1) / 2;
    int u = w * h;
    int v = u + cw * ch;
    for (int row = 0; row < ch; row++) {
      for (int col = 0; col < cw; col++) {
        out[u + row * cw + col] = (byte) (110 + 20 * col / cw);
        out[v + row * cw + col] = (byte) (150 - 15 * row / ch);
      }
    }
    return out;
  }

  /** RGBA bytes of picture k (see bench_inputs.h). */
  static byte[] rgba(int k, int w, int h) {
    byte[] out = new byte[w * h * 4];
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        int p = (row * w + col) * 4;
        out[p] = (byte) (col * 255 / w);
        out[p + 1] = (byte) (row * 255 / h);
        out[p + 2] = (byte) ((col + row + k) & 255);
        out[p + 3] = (byte) 255;
      }
    }
    return out;
  }

  static long fnv1a(byte[] data, long h) {
    for (byte b : data) {
      h ^= b & 0xff;
      h *= 1099511628211L;
    }
    return h;
  }

  static long fnv1a(short[] samples) {
    long h = 0xcbf29ce484222325L;
    for (short s : samples) {
      h ^= s & 0xff;
      h *= 1099511628211L;
      h ^= (s >> 8) & 0xff;
      h *= 1099511628211L;
    }
    return h;
  }

  /** Fails unless the generated input has the checksum lkmedia_bench printed for it. */
  static void check(String what, long actual, long expected) {
    if (actual != expected) {
      throw new IllegalStateException(what + " differs from lkmedia_bench's input (fnv1a " + Long.toHexString(actual)
          + ", expected " + Long.toHexString(expected) + "): keep BenchInputs.java and bench_inputs.h in step");
    }
  }

  static short[] voiceMono() {
    short[] s = voice(1, VOICE_FRAMES);
    check("voice mono", fnv1a(s), VOICE_MONO_FNV);
    return s;
  }

  static short[] voiceStereo() {
    short[] s = voice(2, VOICE_FRAMES);
    check("voice stereo", fnv1a(s), VOICE_STEREO_FNV);
    return s;
  }

  /** The 60 benchmark pictures in direct buffers. */
  static ByteBuffer[] pictures() {
    ByteBuffer[] out = new ByteBuffer[PICTURES];
    long h = 0xcbf29ce484222325L;
    for (int k = 0; k < PICTURES; k++) {
      byte[] p = picture(k, PICTURE_WIDTH, PICTURE_HEIGHT);
      h = fnv1a(p, h);
      out[k] = ByteBuffer.allocateDirect(p.length).put(p).flip();
    }
    check("pictures", h, PICTURES_FNV);
    return out;
  }

  static ByteBuffer rgba720p() {
    byte[] p = rgba(0, 1280, 720);
    check("rgba 720p", fnv1a(p, 0xcbf29ce484222325L), RGBA_720P_FNV);
    return ByteBuffer.allocateDirect(p.length).put(p).flip();
  }

  static java.nio.ShortBuffer direct(short[] samples) {
    java.nio.ShortBuffer b = ByteBuffer.allocateDirect(samples.length * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
    return b.put(samples).flip();
  }

  /** Prints the checksums, to compare with the first lines of lkmedia_bench's output. */
  public static void main(String[] args) {
    System.out.printf("input voice mono   fnv1a %016x%n", fnv1a(voice(1, VOICE_FRAMES)));
    System.out.printf("input voice stereo fnv1a %016x%n", fnv1a(voice(2, VOICE_FRAMES)));
    long h = 0xcbf29ce484222325L;
    for (int k = 0; k < PICTURES; k++) {
      h = fnv1a(picture(k, PICTURE_WIDTH, PICTURE_HEIGHT), h);
    }
    System.out.printf("input pictures     fnv1a %016x%n", h);
    System.out.printf("input rgba 720p    fnv1a %016x%n", fnv1a(rgba(0, 1280, 720), 0xcbf29ce484222325L));
  }
}
