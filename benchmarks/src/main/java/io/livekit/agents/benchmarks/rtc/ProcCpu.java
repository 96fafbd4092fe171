package io.livekit.agents.benchmarks.rtc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process from Linux's {@code /proc/<pid>/stat} (user + system, all threads, native ones too). */
final class ProcCpu {

    /** Linux's USER_HZ: /proc reports times in 1/100 s on every mainstream configuration. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcCpu() {
    }

    /** CPU seconds used so far by {@code pid}. */
    static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "(comm) ": state is field 3 of the full line, utime 14 and stime 15
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid + ": " + e, e);
        }
    }

    /** The share of one core {@code pid} used over {@code seconds} of wall time from now, in percent. */
    static double percentOver(long pid, double seconds) throws InterruptedException {
        double before = seconds(pid);
        long start = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        double wall = (System.nanoTime() - start) / 1e9;
        return 100 * (seconds(pid) - before) / wall;
    }
}
