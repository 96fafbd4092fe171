package io.livekit.agents.internal.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The resource limits and usage of the control group this process runs in, read from the cgroup file
 * systems: v2 ({@code cpu.max}, {@code cpu.stat}, {@code memory.max}, {@code memory.current},
 * {@code memory.stat}) or v1 ({@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}, {@code cpuacct.usage},
 * {@code memory.limit_in_bytes}, {@code memory.usage_in_bytes}, {@code memory.stat}).
 *
 * <p>Directories are found as the JDK does: {@code /proc/self/cgroup} gives the process's path per
 * controller, {@code /proc/self/mountinfo} where each hierarchy is mounted and which part of it. Limits are
 * the smallest found between the process's group and the mount point, since a parent's limit binds its
 * children. Every path is resolved under a root directory, so tests read fixture trees.
 */
public abstract class Cgroup {

    /** v1 and v2 write "no limit" as a huge page-aligned number; anything at or above this is treated so. */
    static final long UNLIMITED_BYTES = 1L << 62;

    /** The cgroup version, 1 or 2. */
    public abstract int version();

    /** The CPU limit in cores (quota / period), if one is set. */
    public abstract OptionalDouble cpuLimitCores();

    /** The group's total CPU time used so far, in nanoseconds, if readable. */
    public abstract OptionalLong cpuUsageNanos();

    /** The memory limit in bytes, if one is set. */
    public abstract OptionalLong memoryLimitBytes();

    /** The memory in use in bytes, without the inactive page cache the kernel reclaims first (the working set). */
    public abstract OptionalLong memoryWorkingSetBytes();

    /** Detects the process's cgroup under {@code /}. */
    public static Optional<Cgroup> detect() {
        return detect(Path.of("/"));
    }

    /**
     * Detects the process's cgroup under a root directory: reads {@code <root>/proc/self/cgroup} and
     * {@code <root>/proc/self/mountinfo}. Empty when the process is in no readable cgroup (e.g. not Linux).
     */
    public static Optional<Cgroup> detect(Path root) {
        List<String> cgroupLines = readLines(root.resolve("proc/self/cgroup"));
        List<String> mountLines = readLines(root.resolve("proc/self/mountinfo"));
        if (cgroupLines.isEmpty() || mountLines.isEmpty()) {
            return Optional.empty();
        }
        // controller -> path in its hierarchy; "" stands for the v2 unified hierarchy
        Map<String, String> paths = new HashMap<>();
        for (String line : cgroupLines) {
            String[] f = line.split(":", 3);
            if (f.length != 3) {
                continue;
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                paths.put("", f[2]);
            } else {
                for (String controller : f[1].split(",")) {
                    paths.put(controller, f[2]);
                }
            }
        }
        Map<String, Mount> v1Mounts = new HashMap<>();
        Mount v2Mount = null;
        for (String line : mountLines) {
            Mount m = Mount.parse(line);
            if (m == null) {
                continue;
            }
            if (m.fsType.equals("cgroup2")) {
                if (v2Mount == null) {
                    v2Mount = m;
                }
            } else if (m.fsType.equals("cgroup")) {
                for (String opt : m.superOptions.split(",")) {
                    v1Mounts.putIfAbsent(opt, m);
                }
            }
        }
        boolean hasV1 = v1Mounts.containsKey("cpu") || v1Mounts.containsKey("memory") || v1Mounts.containsKey("cpuacct");
        if (hasV1) {
            Path cpu = dirFor(root, v1Mounts.get("cpu"), paths.get("cpu"));
            Path cpuacct = dirFor(root, v1Mounts.get("cpuacct"), paths.get("cpuacct"));
            Path memory = dirFor(root, v1Mounts.get("memory"), paths.get("memory"));
            return Optional.of(new V1(cpu, mountDir(root, v1Mounts.get("cpu")), cpuacct, memory,
                    mountDir(root, v1Mounts.get("memory"))));
        }
        if (v2Mount != null && paths.containsKey("")) {
            Path dir = dirFor(root, v2Mount, paths.get(""));
            return Optional.of(new V2(dir, mountDir(root, v2Mount)));
        }
        return Optional.empty();
    }

    private static Path mountDir(Path root, Mount m) {
        return m == null ? null : under(root, m.mountPoint);
    }

    /** Where a group's files are: the mount point plus the group path relative to the mounted root. */
    private static Path dirFor(Path root, Mount m, String groupPath) {
        if (m == null) {
            return null;
        }
        Path mountPoint = under(root, m.mountPoint);
        if (groupPath == null) {
            return mountPoint;
        }
        String relative;
        if (m.root.equals("/")) {
            relative = groupPath;
        } else if (groupPath.equals(m.root) || groupPath.startsWith(m.root + "/")) {
            relative = groupPath.substring(m.root.length());
        } else {
            // the group lives outside the mounted subtree (cgroup namespace): the mount point is ours
            relative = "/";
        }
        Path dir = under(mountPoint, relative);
        return Files.isDirectory(dir) ? dir : mountPoint;
    }

    private static Path under(Path base, String absolute) {
        String rel = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        return rel.isEmpty() ? base : base.resolve(rel);
    }

    static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    static Optional<String> readFirstLine(Path p) {
        List<String> lines = readLines(p);
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0).trim());
    }

    static OptionalLong readLong(Path p) {
        Optional<String> s = readFirstLine(p);
        if (s.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(s.get()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A "key value" entry of a stat file such as {@code cpu.stat} or {@code memory.stat}. */
    static OptionalLong readStat(Path p, String key) {
        for (String line : readLines(p)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(key)) {
                try {
                    return OptionalLong.of(Long.parseLong(f[1]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /** The directories from {@code dir} up to {@code top} (both included); just {@code dir} if not below it. */
    static List<Path> upTo(Path dir, Path top) {
        List<Path> out = new ArrayList<>();
        if (dir == null) {
            return out;
        }
        Path d = dir;
        while (d != null) {
            out.add(d);
            if (top == null || d.equals(top) || !d.startsWith(top)) {
                break;
            }
            d = d.getParent();
        }
        return out;
    }

    /** One line of {@code /proc/self/mountinfo}. */
    static final class Mount {
        final String root;
        final String mountPoint;
        final String fsType;
        final String superOptions;

        private Mount(String root, String mountPoint, String fsType, String superOptions) {
            this.root = root;
            this.mountPoint = mountPoint;
            this.fsType = fsType;
            this.superOptions = superOptions;
        }

        static Mount parse(String line) {
            String[] f = line.trim().split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 7 || dash < 0 || dash + 3 > f.length) {
                return null;
            }
            String superOpts = dash + 3 < f.length ? f[dash + 3] : "";
            return new Mount(unescape(f[3]), unescape(f[4]), f[dash + 1], superOpts);
        }

        /** mountinfo escapes space, tab, newline and backslash as octal {@code \ooo}. */
        private static String unescape(String s) {
            if (s.indexOf('\\') < 0) {
                return s;
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 3 < s.length()) {
                    try {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                        i += 3;
                        continue;
                    } catch (NumberFormatException e) {
                        // not an escape: keep the backslash
                    }
                }
                b.append(c);
            }
            return b.toString();
        }
    }

    /** cgroup v2 (unified). */
    static final class V2 extends Cgroup {
        private final Path dir;
        private final Path mount;

        V2(Path dir, Path mount) {
            this.dir = dir;
            this.mount = mount;
        }

        @Override
        public int version() {
            return 2;
        }

        @Override
        public OptionalDouble cpuLimitCores() {
            double best = Double.POSITIVE_INFINITY;
            for (Path d : upTo(dir, mount)) {
                Optional<String> line = readFirstLine(d.resolve("cpu.max"));
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.get().split("\\s+");
                if (f.length < 1 || f[0].equals("max")) {
                    continue;
                }
                try {
                    long quota = Long.parseLong(f[0]);
                    long period = f.length > 1 ? Long.parseLong(f[1]) : 100_000L;
                    if (quota > 0 && period > 0) {
                        best = Math.min(best, (double) quota / period);
                    }
                } catch (NumberFormatException e) {
                    // unreadable: no limit from this level
                }
            }
            return Double.isInfinite(best) ? OptionalDouble.empty() : OptionalDouble.of(best);
        }

        @Override
        public OptionalLong cpuUsageNanos() {
            OptionalLong usec = readStat(dir.resolve("cpu.stat"), "usage_usec");
            return usec.isPresent() ? OptionalLong.of(usec.getAsLong() * 1000L) : OptionalLong.empty();
        }

        @Override
        public OptionalLong memoryLimitBytes() {
            long best = Long.MAX_VALUE;
            for (Path d : upTo(dir, mount)) {
                OptionalLong v = readLong(d.resolve("memory.max"));
                if (v.isPresent() && v.getAsLong() > 0 && v.getAsLong() < UNLIMITED_BYTES) {
                    best = Math.min(best, v.getAsLong());
                }
            }
            return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
        }

        @Override
        public OptionalLong memoryWorkingSetBytes() {
            OptionalLong current = readLong(dir.resolve("memory.current"));
            if (current.isEmpty()) {
                return OptionalLong.empty();
            }
            long inactive = readStat(dir.resolve("memory.stat"), "inactive_file").orElse(0L);
            return OptionalLong.of(Math.max(0L, current.getAsLong() - inactive));
        }

        @Override
        public String toString() {
            return "cgroup v2 at " + dir;
        }
    }

    /** cgroup v1 (one hierarchy per controller). */
    static final class V1 extends Cgroup {
        private final Path cpu;
        private final Path cpuMount;
        private final Path cpuacct;
        private final Path memory;
        private final Path memoryMount;

        V1(Path cpu, Path cpuMount, Path cpuacct, Path memory, Path memoryMount) {
            this.cpu = cpu;
            this.cpuMount = cpuMount;
            this.cpuacct = cpuacct != null ? cpuacct : cpu;
            this.memory = memory;
            this.memoryMount = memoryMount;
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public OptionalDouble cpuLimitCores() {
            double best = Double.POSITIVE_INFINITY;
            for (Path d : upTo(cpu, cpuMount)) {
                OptionalLong quota = readLong(d.resolve("cpu.cfs_quota_us"));
                OptionalLong period = readLong(d.resolve("cpu.cfs_period_us"));
                if (quota.isPresent() && quota.getAsLong() > 0 && period.isPresent() && period.getAsLong() > 0) {
                    best = Math.min(best, (double) quota.getAsLong() / period.getAsLong());
                }
            }
            return Double.isInfinite(best) ? OptionalDouble.empty() : OptionalDouble.of(best);
        }

        @Override
        public OptionalLong cpuUsageNanos() {
            return cpuacct == null ? OptionalLong.empty() : readLong(cpuacct.resolve("cpuacct.usage"));
        }

        @Override
        public OptionalLong memoryLimitBytes() {
            long best = Long.MAX_VALUE;
            for (Path d : upTo(memory, memoryMount)) {
                OptionalLong v = readLong(d.resolve("memory.limit_in_bytes"));
                if (v.isPresent() && v.getAsLong() > 0 && v.getAsLong() < UNLIMITED_BYTES) {
                    best = Math.min(best, v.getAsLong());
                }
            }
            if (memory != null) {
                OptionalLong hierarchical = readStat(memory.resolve("memory.stat"), "hierarchical_memory_limit");
                if (hierarchical.isPresent() && hierarchical.getAsLong() > 0
                        && hierarchical.getAsLong() < UNLIMITED_BYTES) {
                    best = Math.min(best, hierarchical.getAsLong());
                }
            }
            return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
        }

        @Override
        public OptionalLong memoryWorkingSetBytes() {
            if (memory == null) {
                return OptionalLong.empty();
            }
            OptionalLong usage = readLong(memory.resolve("memory.usage_in_bytes"));
            if (usage.isEmpty()) {
                return OptionalLong.empty();
            }
            Path stat = memory.resolve("memory.stat");
            OptionalLong inactive = readStat(stat, "total_inactive_file");
            if (inactive.isEmpty()) {
                inactive = readStat(stat, "inactive_file");
            }
            return OptionalLong.of(Math.max(0L, usage.getAsLong() - inactive.orElse(0L)));
        }

        @Override
        public String toString() {
            return "cgroup v1 (cpu " + cpu + ", memory " + memory + ")";
        }
    }
}
