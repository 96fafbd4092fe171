package io.livekit.agents.benchmarks.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resident memory of a process and of its process tree, from Linux's {@code /proc}: RSS ({@code VmRSS} of
 * {@code status}) and PSS ({@code Pss} of {@code smaps_rollup}: pages shared between processes, such as the node
 * binary's, are divided among them, so the PSS of a tree is what the tree really costs the machine).
 */
final class ProcMemory {

    private ProcMemory() {
    }

    /** The memory of some processes, in bytes. */
    record Usage(int processes, long rss, long pss) {
        Usage minus(Usage o) {
            return new Usage(processes - o.processes, rss - o.rss, pss - o.pss);
        }
    }

    /** RSS and PSS of one process (zeros if it is gone). */
    static Usage of(long pid) {
        return new Usage(1, kb(pid, "status", "VmRSS:"), kb(pid, "smaps_rollup", "Pss:"));
    }

    /** RSS and PSS summed over a process and all its descendants. */
    static Usage tree(long pid) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        long rss = 0;
        long pss = 0;
        for (long p : pids) {
            rss += kb(p, "status", "VmRSS:");
            pss += kb(p, "smaps_rollup", "Pss:");
        }
        return new Usage(pids.size(), rss, pss);
    }

    private static long kb(long pid, String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
            return 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            if (!Files.exists(Path.of("/proc", Long.toString(pid)))) {
                return 0;   // it exited meanwhile
            }
            throw new IllegalStateException("cannot read /proc/" + pid + "/" + file + ": " + e.getMessage()
                    + " (the memory figures need Linux's /proc)", e);
        }
    }
}
