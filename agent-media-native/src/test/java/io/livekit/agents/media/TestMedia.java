package io.livekit.agents.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.function.IntConsumer;

/** Direct buffers and deterministic test signals for the media tests. */
final class TestMedia {
  private TestMedia() {}

  /**
   * Runs {@code step} with i = 0 .. 2n-1 on this thread and returns the bytes this thread allocated during
   * the second half (the first warms up: classes loaded, code compiled, caches filled).
   */
  static long allocatedInSteadyState(int n, IntConsumer step) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = 0;
    for (int i = 0; i < 2 * n; i++) {
      if (i == n) {
        before = threads.getThreadAllocatedBytes(tid);
      }
      step.accept(i);
    }
    return threads.getThreadAllocatedBytes(tid) - before;
  }

  static ShortBuffer shorts(int n) {
    return ByteBuffer.allocateDirect(n * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
  }

  static FloatBuffer floats(int n) {
    return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  static ByteBuffer bytes(int n) {
    return ByteBuffer.allocateDirect(n);
  }

  /** A chord of harmonic tones, interleaved, as 16-bit samples. */
  static short[] music(int rate, int channels, double seconds) {
    int frames = (int) (rate * seconds);
    short[] out = new short[frames * channels];
    double[] notes = {220.0, 277.18, 329.63};
    for (int i = 0; i < frames; i++) {
      double t = (double) i / rate;
      for (int c = 0; c < channels; c++) {
        double v = 0;
        for (int n = 0; n < notes.length; n++) {
          for (int h = 1; h <= 4; h++) {
            v += Math.sin(2 * Math.PI * notes[n] * h * t + n + c) / (h * 1.5);
          }
        }
        out[i * channels + c] = (short) Math.max(-32768, Math.min(32767, Math.round(3000 * v)));
      }
    }
    return out;
  }

  /**
   * A voice-like mono signal: harmonics of a pitch gliding between 110 and 190 Hz with a falling
   * spectrum, in syllables of about 250 ms.
   */
  static short[] voice(int rate, double seconds) {
    short[] out = new short[(int) (rate * seconds)];
    double phase = 0;
    for (int i = 0; i < out.length; i++) {
      double t = (double) i / rate;
      double f0 = 150 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
      phase += 2 * Math.PI * f0 / rate;
      double v = 0;
      for (int h = 1; h <= 25 && h * f0 < rate / 2.0; h++) {
        double formant = Math.exp(-Math.pow((h * f0 - 700) / 400, 2)) + 0.5 * Math.exp(-Math.pow((h * f0 - 1800) / 500, 2));
        v += (0.3 / h + formant) * Math.sin(h * phase);
      }
      double envelope = 0.2 + 0.8 * Math.pow(Math.sin(Math.PI * ((t * 4) % 1.0)), 2);
      out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(5000 * envelope * v)));
    }
    return out;
  }

  static short[] sine(int rate, double freq, double seconds, double amplitude) {
    short[] out = new short[(int) (rate * seconds)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * freq * i / rate));
    }
    return out;
  }

  /** Best SNR in dB of {@code test} against {@code ref} over delays 0..maxDelay frames. */
  static double alignedSnr(short[] ref, short[] test, int channels, int maxDelay) {
    double best = -1e9;
    for (int d = 0; d <= maxDelay; d++) {
      int off = d * channels;
      int n = Math.min(ref.length, test.length - off);
      double s = 0;
      double e = 0;
      for (int i = 0; i < n; i++) {
        double r = ref[i];
        double diff = test[i + off] - r;
        s += r * r;
        e += diff * diff;
      }
      best = Math.max(best, e == 0 ? 200 : 10 * Math.log10(s / e));
    }
    return best;
  }

  /** Amplitude (relative to full scale) of {@code freq} in a mono signal, Hann-windowed single-bin DFT. */
  static double toneAmplitude(short[] x, int from, int n, double freq, int rate) {
    double re = 0;
    double im = 0;
    double w = 0;
    for (int i = 0; i < n; i++) {
      double win = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
      re += win * x[from + i] * Math.cos(2 * Math.PI * freq * i / rate);
      im -= win * x[from + i] * Math.sin(2 * Math.PI * freq * i / rate);
      w += win;
    }
    return 2 * Math.sqrt(re * re + im * im) / w / 32768.0;
  }

  /** A synthetic I420 picture (gradient, checker, a moving textured disc) written into the planes. */
  static void picture(int index, int w, int h, ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v, int strideV) {
    double cx = w * (0.5 + 0.1 * Math.sin(index * 0.05));
    double cy = h * 0.5;
    double r2 = Math.pow(Math.min(w, h) * 0.3, 2);
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        int lum = 60 + 100 * col / w + 30 * row / h + ((col / 32 + row / 32) % 2 == 0 ? 12 : 0);
        double dx = col - cx;
        double dy = row - cy;
        if (dx * dx + dy * dy < r2) {
          lum = 150 + (int) (25 * Math.sin(col * 0.21) * Math.cos(row * 0.17));
        }
        y.put(y.position() + row * strideY + col, (byte) lum);
      }
    }
    for (int row = 0; row < (h + 1) / 2; row++) {
      for (int col = 0; col < (w + 1) / 2; col++) {
        u.put(u.position() + row * strideU + col, (byte) (110 + 20 * col / ((w + 1) / 2)));
        v.put(v.position() + row * strideV + col, (byte) (150 - 15 * row / ((h + 1) / 2)));
      }
    }
  }

  static double psnrY(ByteBuffer a, int strideA, ByteBuffer b, int strideB, int w, int h) {
    double se = 0;
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        double d = (a.get(a.position() + row * strideA + col) & 0xff) - (b.get(b.position() + row * strideB + col) & 0xff);
        se += d * d;
      }
    }
    return se == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / (se / ((double) w * h)));
  }
}
