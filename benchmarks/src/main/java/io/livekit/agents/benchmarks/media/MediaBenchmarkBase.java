package io.livekit.agents.benchmarks.media;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Settings shared by the media benchmarks: mean time per operation (one frame, one picture, one 10 ms
 * chunk) in microseconds, one thread, one fork, 3 x 1 s warm-up and 5 x 1 s measurement, matching
 * lkmedia_bench's rounds. The raw-C baseline is {@code native-src/bench/lkmedia_bench} on the same inputs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class MediaBenchmarkBase {}
