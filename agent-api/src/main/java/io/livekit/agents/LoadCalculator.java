package io.livekit.agents;

/**
 * Computes the load the worker reports to the server, from 0 (idle) to 1 (fully loaded). The server spreads
 * jobs over workers weighted by {@code 1 - load}, and LiveKit's server (1.11+) places no job on a worker
 * reporting a load at or above its {@code agents.target_load} (default 0.7). The worker reports itself full,
 * and rejects offers, when the load reaches {@link WorkerOptions#loadThreshold()}.
 *
 * <p>Called on the worker's own thread, at every status report (every 2.5 s) and for every job offer: it
 * must be fast and must not block. A result outside 0..1 is clamped; a thrown exception is logged and the
 * previous value kept.
 */
@FunctionalInterface
public interface LoadCalculator {

    /**
     * The current load.
     *
     * @param context the job counts
     * @return the load, 0..1
     */
    double load(LoadContext context);

    /**
     * The load threshold to use when {@link WorkerOptions.Builder#loadThreshold(double)} is not set: 0.7 (the
     * threshold of LiveKit's Python worker in production, and the server's default target load) unless the
     * calculator says otherwise.
     */
    default double defaultThreshold() {
        return 0.7;
    }

    /**
     * The default: running jobs divided by {@link WorkerOptions#maxConcurrentJobs()}. Its default threshold is
     * 1.0, so the job cap alone decides when the worker is full.
     *
     * <p>Mind the server's own cut-off: LiveKit 1.11+ (and the embedded dev server) offers no job to a worker
     * whose reported load is at or above {@code agents.target_load} (default 0.7). With this calculator and a cap
     * of N jobs, such a server therefore stops offering jobs once {@code 0.7 * N} jobs run (3 of 4, 7 of 10),
     * before the cap is reached. Raise the server's {@code target_load}, or use a calculator of your own, when
     * every slot must be filled. (LiveKit 1.9 and 1.10 cut off at 1.0; releases up to 1.8 at 0.65.)
     */
    static LoadCalculator activeJobs() {
        return ActiveJobsLoad.INSTANCE;
    }

    /**
     * Machine load: the larger of CPU use and memory use, read from the container's cgroup limits (v2
     * {@code cpu.max}/{@code memory.max}, v1 {@code cpu.cfs_quota_us}/{@code memory.limit_in_bytes}) when the
     * process runs in one, else from the whole machine. CPU is measured between successive calls. Default
     * threshold 0.7. Needs {@code agent-core} at run time.
     */
    static LoadCalculator system() {
        return WorkerProviders.provider().systemLoadCalculator();
    }
}
