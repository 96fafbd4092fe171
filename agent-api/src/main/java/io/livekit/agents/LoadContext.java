package io.livekit.agents;

/** What a {@link LoadCalculator} may base its answer on. Immutable. */
public final class LoadContext {

    private final int activeJobs;
    private final int maxConcurrentJobs;

    /**
     * @param activeJobs        jobs running now
     * @param maxConcurrentJobs the worker's cap ({@link WorkerOptions#maxConcurrentJobs()})
     */
    public LoadContext(int activeJobs, int maxConcurrentJobs) {
        if (activeJobs < 0 || maxConcurrentJobs < 1) {
            throw new IllegalArgumentException("activeJobs must be >= 0 and maxConcurrentJobs >= 1, got "
                    + activeJobs + " and " + maxConcurrentJobs);
        }
        this.activeJobs = activeJobs;
        this.maxConcurrentJobs = maxConcurrentJobs;
    }

    /** Jobs running now. */
    public int activeJobs() {
        return activeJobs;
    }

    /** The worker's job cap. */
    public int maxConcurrentJobs() {
        return maxConcurrentJobs;
    }

    @Override
    public String toString() {
        return "LoadContext{activeJobs=" + activeJobs + ", maxConcurrentJobs=" + maxConcurrentJobs + '}';
    }
}
