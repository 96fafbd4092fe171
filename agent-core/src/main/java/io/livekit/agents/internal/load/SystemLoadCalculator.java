package io.livekit.agents.internal.load;

import io.livekit.agents.LoadCalculator;
import io.livekit.agents.LoadContext;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * {@link LoadCalculator#system()}: the larger of CPU use and memory use, 0..1.
 *
 * <ul>
 *   <li>CPU: the CPU time the process's cgroup used since the previous call, divided by the elapsed time
 *       times the cores it may use (its {@code cpu.max} / {@code cpu.cfs_quota_us} limit, else the JVM's
 *       available processors). Without a readable cgroup, the whole machine's busy share from
 *       {@code /proc/stat}; elsewhere the JVM's {@code OperatingSystemMXBean}. Calls closer together than
 *       {@link #MIN_SAMPLE_WINDOW} reuse the previous CPU figure, so bursts of offers do not read noise.</li>
 *   <li>Memory: the cgroup's working set over its limit; without a limit, the machine's
 *       {@code (MemTotal - MemAvailable) / MemTotal} from {@code /proc/meminfo}.</li>
 * </ul>
 * Thread-safe.
 */
public final class SystemLoadCalculator implements LoadCalculator {

    /** The shortest CPU measuring window. */
    public static final Duration MIN_SAMPLE_WINDOW = Duration.ofMillis(200);

    private final Path root;
    private final Cgroup cgroup;
    private final LongSupplier nanoClock;
    private final int processors;

    private long lastWallNanos;
    private long lastCpuNanos = -1;     // cgroup usage
    private long lastProcBusy = -1;     // /proc/stat
    private long lastProcTotal = -1;
    private double lastCpu;

    /** Reads the real machine. */
    public SystemLoadCalculator() {
        this(Path.of("/"), System::nanoTime, Runtime.getRuntime().availableProcessors());
    }

    /** Reads the files under {@code root}, with the given clock and processor count (tests). */
    SystemLoadCalculator(Path root, LongSupplier nanoClock, int processors) {
        this.root = root;
        this.cgroup = Cgroup.detect(root).orElse(null);
        this.nanoClock = nanoClock;
        this.processors = Math.max(1, processors);
        sampleCpu();
    }

    /** The cgroup this calculator reads, if any. */
    public Optional<Cgroup> cgroup() {
        return Optional.ofNullable(cgroup);
    }

    @Override
    public synchronized double load(LoadContext context) {
        return clamp(Math.max(cpuLoad(), memoryLoad()));
    }

    @Override
    public double defaultThreshold() {
        return 0.7;
    }

    /** CPU use since the previous sample, 0..1. */
    synchronized double cpuLoad() {
        if (nanoClock.getAsLong() - lastWallNanos >= MIN_SAMPLE_WINDOW.toNanos()) {
            sampleCpu();
        }
        return lastCpu;
    }

    private void sampleCpu() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastWallNanos;
        OptionalLong usage = cgroup == null ? OptionalLong.empty() : cgroup.cpuUsageNanos();
        if (usage.isPresent()) {
            if (lastCpuNanos >= 0 && elapsed > 0) {
                double cores = cgroup.cpuLimitCores().orElse(processors);
                cores = Math.min(cores, processors);
                lastCpu = clamp((usage.getAsLong() - lastCpuNanos) / (elapsed * cores));
            }
            lastCpuNanos = usage.getAsLong();
        } else {
            long[] busyTotal = procStat();
            if (busyTotal != null) {
                if (lastProcTotal >= 0 && busyTotal[1] > lastProcTotal) {
                    lastCpu = clamp((double) (busyTotal[0] - lastProcBusy) / (busyTotal[1] - lastProcTotal));
                }
                lastProcBusy = busyTotal[0];
                lastProcTotal = busyTotal[1];
            } else {
                lastCpu = clamp(mxBeanCpu());
            }
        }
        lastWallNanos = now;
    }

    /** Busy and total jiffies of the first ({@code cpu}) line of {@code /proc/stat}; null if unreadable. */
    private long[] procStat() {
        List<String> lines = Cgroup.readLines(root.resolve("proc/stat"));
        for (String line : lines) {
            if (!line.startsWith("cpu ")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 5) {
                return null;
            }
            try {
                long total = 0;
                // user nice system idle iowait irq softirq steal; guest time is already counted in user
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
                return new long[]{total - idle, total};
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static double mxBeanCpu() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            double v = ((com.sun.management.OperatingSystemMXBean) os).getCpuLoad();
            return v < 0 ? 0.0 : v;
        }
        double avg = os.getSystemLoadAverage();
        return avg < 0 ? 0.0 : avg / Math.max(1, os.getAvailableProcessors());
    }

    /** Memory use, 0..1. */
    synchronized double memoryLoad() {
        if (cgroup != null) {
            OptionalLong limit = cgroup.memoryLimitBytes();
            OptionalLong used = cgroup.memoryWorkingSetBytes();
            if (limit.isPresent() && used.isPresent()) {
                return clamp((double) used.getAsLong() / limit.getAsLong());
            }
        }
        OptionalDouble host = meminfo();
        return host.isPresent() ? clamp(host.getAsDouble()) : 0.0;
    }

    private OptionalDouble meminfo() {
        long total = -1;
        long available = -1;
        for (String line : Cgroup.readLines(root.resolve("proc/meminfo"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2) {
                continue;
            }
            try {
                if (f[0].equals("MemTotal:")) {
                    total = Long.parseLong(f[1]);
                } else if (f[0].equals("MemAvailable:")) {
                    available = Long.parseLong(f[1]);
                }
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }
        if (total <= 0 || available < 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((double) (total - available) / total);
    }

    private static double clamp(double v) {
        if (Double.isNaN(v)) {
            return 0.0;
        }
        return Math.max(0.0, Math.min(1.0, v));
    }

    @Override
    public String toString() {
        return "LoadCalculator.system(" + (cgroup == null ? "machine" : cgroup.toString()) + ")";
    }
}
