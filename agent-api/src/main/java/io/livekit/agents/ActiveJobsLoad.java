package io.livekit.agents;

/** {@link LoadCalculator#activeJobs()}. */
final class ActiveJobsLoad implements LoadCalculator {

    static final ActiveJobsLoad INSTANCE = new ActiveJobsLoad();

    private ActiveJobsLoad() {
    }

    @Override
    public double load(LoadContext context) {
        return Math.min(1.0, (double) context.activeJobs() / context.maxConcurrentJobs());
    }

    @Override
    public double defaultThreshold() {
        return 1.0;
    }

    @Override
    public String toString() {
        return "LoadCalculator.activeJobs()";
    }
}
