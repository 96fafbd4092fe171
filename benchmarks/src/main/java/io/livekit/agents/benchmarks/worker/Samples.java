package io.livekit.agents.benchmarks.worker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latency samples in nanoseconds, with nearest-rank percentiles. Not thread-safe. */
final class Samples {

    private final List<Long> values = new ArrayList<>();

    void add(long nanos) {
        values.add(nanos);
    }

    void addAll(Samples other) {
        values.addAll(other.values);
    }

    int size() {
        return values.size();
    }

    /** The nearest-rank percentile {@code q} (0 < q <= 1), in nanoseconds. */
    long percentile(double q) {
        if (values.isEmpty()) {
            throw new IllegalStateException("no samples");
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** The percentile in milliseconds, NaN without samples. */
    double percentileMillis(double q) {
        return values.isEmpty() ? Double.NaN : percentile(q) / 1e6;
    }

    long max() {
        return Collections.max(values);
    }

    /** {@code p50 / p99 / max} in milliseconds. */
    String summary() {
        return String.format("%s / %s / %s ms (n=%d)", ms(percentile(0.5)), ms(percentile(0.99)), ms(max()), size());
    }

    static String ms(long nanos) {
        double ms = nanos / 1e6;
        return ms >= 100 ? String.format("%.0f", ms) : ms >= 10 ? String.format("%.1f", ms) : String.format("%.2f", ms);
    }
}
