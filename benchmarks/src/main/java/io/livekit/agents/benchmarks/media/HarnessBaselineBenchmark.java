package io.livekit.agents.benchmarks.media;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Allocates nothing at all: burns about 100 us of CPU per operation. Its {@code gc.alloc.rate.norm} under
 * {@code -prof gc} is what JMH and the profiler themselves allocate on the benchmark thread (a few KB per
 * second of run time), to read the small B/op figures of the media benchmarks against.
 */
public class HarnessBaselineBenchmark extends MediaBenchmarkBase {
  @Benchmark
  public void burn100us() {
    Blackhole.consumeCPU(40_000);
  }
}
