package io.livekit.agents;

import java.time.Duration;

/**
 * Observes a {@link Worker}: its status, its connection and the lifecycle of every job. Every method
 * defaults to doing nothing; override the ones you need.
 *
 * <h2>Threads</h2>
 * All callbacks of one worker are called on one SDK thread ({@code lk-worker-events-<n>}), one at a time, in
 * the order the events happened; never on a socket thread or a job thread. They must not block: a slow
 * listener delays the events after it (never the worker's protocol). An exception thrown by a callback is
 * logged and ignored.
 */
public interface WorkerListener {

    /** The worker's status changed. */
    default void onStatusChanged(WorkerStatus previous, WorkerStatus current) {
    }

    /**
     * The server accepted the registration (again, after a reconnect: the worker id then changes).
     *
     * @param workerId the id the server gave the worker ({@code AW_...})
     * @param server   what the server said about itself
     */
    default void onRegistered(String workerId, ServerInfo server) {
    }

    /**
     * The connection was lost or could not be opened; the worker will try again unless the cause is fatal or
     * the reconnect attempts are used up.
     *
     * @param cause        why, with a {@link AgentException#code() code}
     * @param attempt      the number of the next reconnect attempt (1 for the first)
     * @param retryIn      the delay before it; {@code null} when the worker gives up
     */
    default void onDisconnected(AgentException cause, int attempt, Duration retryIn) {
    }

    /** The server offered a job; the decision follows in {@link #onJobAccepted} or {@link #onJobRejected}. */
    default void onJobOffered(JobRequest request) {
    }

    /**
     * The worker accepted a job offer; the assignment follows.
     *
     * @param identity the identity the agent joins as
     */
    default void onJobAccepted(JobInfo job, String identity) {
    }

    /**
     * The worker rejected a job offer.
     *
     * @param reason    why: the handler's decision, capacity, load, draining, a decision timeout or error
     * @param terminate whether the server was asked not to offer the job to anyone else
     */
    default void onJobRejected(JobInfo job, String reason, boolean terminate) {
    }

    /** A job was assigned and its handler started ({@link JobStatus#RUNNING}). */
    default void onJobStarted(JobInfo job) {
    }

    /** A running job was cancelled (server termination, job shutdown, worker stop). */
    default void onJobCancelled(JobInfo job, String reason) {
    }

    /**
     * A job ended.
     *
     * @param status {@link JobStatus#SUCCESS} or {@link JobStatus#FAILED}
     * @param error  the error text sent to the server; empty on success
     */
    default void onJobEnded(JobInfo job, JobStatus status, String error) {
    }
}
