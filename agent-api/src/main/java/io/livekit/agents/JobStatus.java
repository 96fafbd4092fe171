package io.livekit.agents;

/** The state of a job as the worker reports it to the server. */
public enum JobStatus {
    /** Offered or assigned, not started yet. */
    PENDING,
    /** The handler runs. */
    RUNNING,
    /** The handler returned, or the job was ended on request (termination by the server, {@code shutdown}). */
    SUCCESS,
    /** The handler threw, did not stop in time after cancellation, or the worker stopped under it. */
    FAILED;

    /** Whether this is a final state ({@link #SUCCESS} or {@link #FAILED}). */
    public boolean isEnded() {
        return this == SUCCESS || this == FAILED;
    }
}
