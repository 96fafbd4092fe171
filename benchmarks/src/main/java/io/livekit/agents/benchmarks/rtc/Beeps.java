package io.livekit.agents.benchmarks.rtc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The latency probe: 48 kHz mono audio that is near-silent except for a 30 ms 1 kHz beep starting every
 * {@link #PERIOD_FRAMES} 10 ms frames; the sender notes when it hands over each beep's first frame, the receiver
 * when the beep's first loud sample arrives. Both clocks are this process's {@link System#nanoTime()}.
 */
final class Beeps {

    static final int RATE = 48_000;
    static final int FRAME = RATE / 100;
    static final int PERIOD_FRAMES = 50;
    private static final int BEEP_FRAMES = 3;
    private static final int THRESHOLD = 3000;

    /** Send times of the beeps, in order. */
    final ConcurrentLinkedQueue<Long> sent = new ConcurrentLinkedQueue<>();
    /** Arrival times of the beeps, in order. */
    final ConcurrentLinkedQueue<Long> received = new ConcurrentLinkedQueue<>();
    private long frameIndex;
    private boolean inBeep;

    /** Fills the next 10 ms frame to send and, when it starts a beep, records {@code nowNanos} as its send time. */
    void nextFrame(short[] frame, long nowNanos) {
        int pos = (int) (frameIndex % PERIOD_FRAMES);
        for (int i = 0; i < FRAME; i++) {
            long n = frameIndex * FRAME + i;
            // a faint noise floor keeps encoders out of their silence modes
            frame[i] = (short) (pos < BEEP_FRAMES ? 10_000 * Math.sin(2 * Math.PI * 1000 * n / RATE)
                    : ((n * 7919) % 61) - 30);
        }
        if (pos == 0) {
            sent.add(nowNanos);
        }
        frameIndex++;
    }

    /**
     * Looks at a received frame of mono 16-bit samples that became available at {@code nowNanos}; a beep onset is
     * dated back to its first loud sample.
     */
    void onReceived(short[] samples, int count, int rate, long nowNanos) {
        for (int i = 0; i < count; i++) {
            boolean loud = Math.abs(samples[i]) > THRESHOLD;
            if (loud && !inBeep) {
                inBeep = true;
                received.add(nowNanos - (long) ((count - i) * 1e9 / rate));
            }
            if (inBeep && i % 480 == 0 && quiet(samples, i, count)) {
                inBeep = false;
            }
        }
    }

    private static boolean quiet(short[] s, int from, int count) {
        for (int i = from; i < Math.min(count, from + 480); i++) {
            if (Math.abs(s[i]) > THRESHOLD / 3) {
                return false;
            }
        }
        return true;
    }

    /** Latencies in ms of the beeps both sent and received, pairing the k-th sent with the k-th received. */
    List<Double> latenciesMillis(int skip) {
        Long[] s = sent.toArray(new Long[0]);
        Long[] r = received.toArray(new Long[0]);
        // the receiver may have joined after the first beeps: align on the first plausible pair
        List<Double> out = new ArrayList<>();
        int offset = 0;
        while (offset < s.length && r.length > 0 && r[0] - s[offset] > 1_000_000_000L * PERIOD_FRAMES / 200) {
            offset++;
        }
        for (int k = skip; k < r.length && k + offset < s.length; k++) {
            out.add((r[k] - s[k + offset]) / 1e6);
        }
        return out;
    }

    /** "median / p90 / min / max (n)". */
    static String summary(List<Double> ms) {
        if (ms.isEmpty()) {
            return "no beeps received";
        }
        double[] v = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format("%.1f / %.1f / %.1f / %.1f ms (n=%d)", v[v.length / 2], v[(int) (v.length * 0.9)], v[0],
                v[v.length - 1], v.length);
    }

    static double median(List<Double> ms) {
        double[] v = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    static String list(List<Double> ms) {
        return Arrays.toString(ms.stream().mapToLong(Math::round).toArray());
    }
}
