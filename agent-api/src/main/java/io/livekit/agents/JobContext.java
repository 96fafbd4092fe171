package io.livekit.agents;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Everything a running job has: the job, where and as whom to join its room, cancellation, shutdown
 * callbacks and the logging context. One per job, handed to {@link JobHandler#onJob}. Thread-safe.
 *
 * <h2>Cancellation</h2>
 * A job is cancelled when the server terminates it (dispatch or room deleted), when the job itself calls
 * {@link #shutdown(String)}, or when the worker stops ({@link Worker#stopNow()}, or a drain that timed out).
 * Cancelling sets {@link #isCancelled()}, completes {@link #cancellation()}, wakes
 * {@link #awaitCancellation()} and interrupts the job's thread. The handler should then return promptly: a
 * handler still running {@link WorkerOptions#jobShutdownTimeout()} later is abandoned and its job reported as
 * failed.
 */
public interface JobContext {

    /** The job. */
    JobInfo job();

    /** The id the server gave this worker ({@code AW_...}) at the registration the job arrived on. */
    String workerId();

    /**
     * The URL of the LiveKit server to join the job's room on: the assignment's URL when the server sent one
     * (LiveKit Cloud may), else the worker's {@link WorkerOptions#url()}.
     */
    String url();

    /** The room token the server minted for this job's participant (valid about 1 h). Keep it secret. */
    String token();

    /** The identity this worker accepted the job as; the token is minted for it. */
    String participantIdentity();

    /** Whether the job was cancelled. */
    boolean isCancelled();

    /** Why the job was cancelled, once it is; e.g. {@code "terminated by the server"}. */
    Optional<String> cancelReason();

    /** Completes with the cancellation reason when the job is cancelled; never completes exceptionally. */
    CompletionStage<String> cancellation();

    /**
     * Blocks until the job is cancelled.
     *
     * @throws InterruptedException if the thread is interrupted (also done on cancellation, so either way
     *                              the job should end)
     */
    void awaitCancellation() throws InterruptedException;

    /**
     * Blocks until the job is cancelled or the timeout passes.
     *
     * @return whether the job is cancelled
     * @throws InterruptedException if the thread is interrupted
     */
    boolean awaitCancellation(Duration timeout) throws InterruptedException;

    /**
     * Throws if the job was cancelled; a handy check inside loops.
     *
     * @throws AgentException with code {@link AgentException.Code#CANCELLED}
     */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new AgentException(AgentException.Code.CANCELLED,
                    "job " + job().id() + " was cancelled: " + cancelReason().orElse("unknown reason"));
        }
    }

    /**
     * Adds a callback run on the job's thread when the job ends. Added after the job ended, it runs at once
     * on the calling thread.
     */
    void addShutdownCallback(ShutdownCallback callback);

    /**
     * Ends the job from the inside: cancels it with the reason (so the handler returns), and the job is
     * reported as {@link JobStatus#SUCCESS} when the handler then returns or is interrupted. Idempotent.
     */
    void shutdown(String reason);

    /**
     * The job's logging context: the {@link MdcKeys MDC} entries set on the job's thread (worker id, job id,
     * room, agent name and, for publisher and participant jobs, the participant). Copy it onto threads you
     * start yourself. Unmodifiable.
     */
    Map<String, String> loggingContext();
}
