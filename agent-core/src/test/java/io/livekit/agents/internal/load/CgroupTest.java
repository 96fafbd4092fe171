package io.livekit.agents.internal.load;

import io.livekit.agents.LoadContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CgroupTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(CgroupTest.class.getResource("/cgroups/" + name).toURI());
    }

    private static Cgroup detect(String name) throws URISyntaxException {
        return Cgroup.detect(fixture(name)).orElseThrow();
    }

    @Test
    void v2InAContainer() throws Exception {
        Cgroup c = detect("v2-container");
        assertThat(c.version()).isEqualTo(2);
        assertThat(c.cpuLimitCores()).hasValue(1.5);
        assertThat(c.cpuUsageNanos()).hasValue(4_000_000_000L);
        assertThat(c.memoryLimitBytes()).hasValue(536_870_912L);
        assertThat(c.memoryWorkingSetBytes()).hasValue(301_989_888L - 33_554_432L);
    }

    @Test
    void v2TakesTheTightestLimitOfTheAncestors() throws Exception {
        Cgroup c = detect("v2-nested");
        assertThat(c.version()).isEqualTo(2);
        assertThat(c.cpuLimitCores()).hasValue(2.0);                 // ctr "max", pod "200000 100000"
        assertThat(c.memoryLimitBytes()).hasValue(1_073_741_824L);   // ctr "max", pod 1 GiB, slice "max"
        assertThat(c.memoryWorkingSetBytes()).hasValue(536_870_912L);
        assertThat(c.cpuUsageNanos()).hasValue(1_000_000L);
    }

    @Test
    void v1InADockerContainer() throws Exception {
        Cgroup c = detect("v1-docker");
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.cpuLimitCores()).hasValue(0.5);
        assertThat(c.cpuUsageNanos()).hasValue(7_000_000_000L);
        // memory.limit_in_bytes says unlimited; the hierarchical limit of memory.stat binds
        assertThat(c.memoryLimitBytes()).hasValue(268_435_456L);
        assertThat(c.memoryWorkingSetBytes()).hasValue(80_000_000L);
    }

    @Test
    void hybridPrefersV1ControllersAndFollowsTheGroupPath() throws Exception {
        Cgroup c = detect("v1-hybrid");
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.cpuLimitCores()).isEmpty();                     // cfs_quota_us -1
        assertThat(c.cpuUsageNanos()).hasValue(123_456_789L);
        assertThat(c.memoryLimitBytes()).hasValue(2_147_483_648L);   // from process_api/96be, root unlimited
        assertThat(c.memoryWorkingSetBytes()).hasValue(1_073_741_824L - 536_870_912L);
    }

    @Test
    void noCgroupIsEmpty() throws Exception {
        assertThat(Cgroup.detect(fixture("no-cgroup"))).isEmpty();
    }

    @Test
    void garbageFilesGiveNoValuesRatherThanErrors(@TempDir Path tmp) throws Exception {
        Path root = copy(fixture("v2-container"), tmp);
        Files.writeString(root.resolve("sys/fs/cgroup/cpu.max"), "lots of cpu\n");
        Files.writeString(root.resolve("sys/fs/cgroup/memory.max"), "\u0000\u0001garbage");
        Files.writeString(root.resolve("sys/fs/cgroup/cpu.stat"), "usage_usec twelve\n");
        Files.delete(root.resolve("sys/fs/cgroup/memory.current"));
        Cgroup c = Cgroup.detect(root).orElseThrow();
        assertThat(c.cpuLimitCores()).isEmpty();
        assertThat(c.memoryLimitBytes()).isEmpty();
        assertThat(c.cpuUsageNanos()).isEmpty();
        assertThat(c.memoryWorkingSetBytes()).isEmpty();
        Files.writeString(root.resolve("proc/self/mountinfo"), "not a mountinfo line\n- - -\n");
        assertThat(Cgroup.detect(root)).isEmpty();
    }

    @Test
    void mountinfoEscapesAreDecoded() {
        Cgroup.Mount m = Cgroup.Mount.parse(
                "35 31 0:32 /a\\040b /sys/fs/cgroup/mem\\040ory rw,relatime - cgroup cgroup rw,memory");
        assertThat(m).isNotNull();
        assertThat(m.root).isEqualTo("/a b");
        assertThat(m.mountPoint).isEqualTo("/sys/fs/cgroup/mem ory");
        assertThat(m.superOptions).isEqualTo("rw,memory");
        assertThat(Cgroup.Mount.parse("too short")).isNull();
    }

    @Test
    void systemLoadFromCgroupCpuAndMemory(@TempDir Path tmp) throws Exception {
        Path root = copy(fixture("v2-container"), tmp);
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        SystemLoadCalculator calc = new SystemLoadCalculator(root, clock::get, 4);
        assertThat(calc.cgroup()).isPresent();
        // memory: 256 MiB working set of a 512 MiB limit
        assertThat(calc.memoryLoad()).isCloseTo(0.5, within(1e-9));
        // 0.3 s of CPU in 1 s on a 1.5-core limit = 0.2
        clock.addAndGet(1_000_000_000L);
        Files.writeString(root.resolve("sys/fs/cgroup/cpu.stat"), "usage_usec 4300000\n");
        assertThat(calc.cpuLoad()).isCloseTo(0.2, within(1e-9));
        // too soon for a new sample: the previous figure stays
        clock.addAndGet(50_000_000L);
        Files.writeString(root.resolve("sys/fs/cgroup/cpu.stat"), "usage_usec 9000000\n");
        assertThat(calc.cpuLoad()).isCloseTo(0.2, within(1e-9));
        assertThat(calc.load(new LoadContext(0, 1))).isCloseTo(0.5, within(1e-9));
        // 1.5 cores fully busy for 1 s → 1.0, and the reported load follows the larger figure
        clock.addAndGet(950_000_000L);
        Files.writeString(root.resolve("sys/fs/cgroup/cpu.stat"), "usage_usec 10500000\n");
        assertThat(calc.load(new LoadContext(0, 1))).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void cpuLimitAboveTheProcessorsIsCappedByThem(@TempDir Path tmp) throws Exception {
        Path root = copy(fixture("v2-nested"), tmp);
        AtomicLong clock = new AtomicLong(0);
        SystemLoadCalculator calc = new SystemLoadCalculator(root, clock::get, 1);
        clock.addAndGet(1_000_000_000L);
        Files.writeString(root.resolve("sys/fs/cgroup/kubepods.slice/pod1/ctr/cpu.stat"), "usage_usec 501000\n");
        assertThat(calc.cpuLoad()).isCloseTo(0.5, within(1e-9));    // 0.5 s on min(2 cores, 1 processor)
    }

    @Test
    void machineLoadWithoutCgroup(@TempDir Path tmp) throws Exception {
        Path root = copy(fixture("no-cgroup"), tmp);
        AtomicLong clock = new AtomicLong(0);
        SystemLoadCalculator calc = new SystemLoadCalculator(root, clock::get, 2);
        assertThat(calc.cgroup()).isEmpty();
        assertThat(calc.memoryLoad()).isCloseTo(0.75, within(1e-9));
        // +300 busy (user 200, system 100), +700 idle (idle 600, iowait 100) → 0.3
        Files.writeString(root.resolve("proc/stat"), "cpu  1200 0 600 8600 600 0 0 0 0 0\n");
        clock.addAndGet(1_000_000_000L);
        assertThat(calc.cpuLoad()).isCloseTo(0.3, within(1e-9));
        assertThat(calc.load(new LoadContext(1, 1))).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void theRealMachineGivesAValueInRange() {
        SystemLoadCalculator calc = new SystemLoadCalculator();
        double load = calc.load(new LoadContext(0, 1));
        assertThat(load).isBetween(0.0, 1.0);
        assertThat(calc.defaultThreshold()).isEqualTo(0.7);
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
