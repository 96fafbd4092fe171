package io.livekit.agents;

import java.util.Objects;

/**
 * A job offer from the server, handed to {@link JobHandler#onJobRequest(JobRequest)}. Immutable.
 */
public final class JobRequest {

    private final JobInfo job;
    private final String workerId;
    private final boolean resuming;

    /**
     * Creates a request.
     *
     * @param job      the offered job
     * @param workerId the id the server gave this worker at registration
     * @param resuming whether the job is moved here from another worker (LiveKit Cloud only)
     */
    public JobRequest(JobInfo job, String workerId, boolean resuming) {
        this.job = Objects.requireNonNull(job, "job");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.resuming = resuming;
    }

    /** The offered job. */
    public JobInfo job() {
        return job;
    }

    /** Shortcut for {@code job().id()}. */
    public String jobId() {
        return job.id();
    }

    /** The id the server gave this worker at registration ({@code AW_...}). */
    public String workerId() {
        return workerId;
    }

    /** Whether the job is moved to this worker from another one (sent by LiveKit Cloud only). */
    public boolean isResuming() {
        return resuming;
    }

    @Override
    public String toString() {
        return "JobRequest{" + job + (resuming ? ", resuming" : "") + '}';
    }
}
