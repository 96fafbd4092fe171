package io.livekit.agents;

import io.livekit.agents.room.RoomOptions;

import java.util.Optional;

/**
 * What an agent does: decide on job offers, then run the jobs it accepted. One lifecycle for every job
 * type; {@link RoomHandler}, {@link PublisherHandler} and {@link ParticipantHandler} are thin conveniences
 * over it.
 *
 * <pre>{@code
 * JobHandler handler = ctx -> {
 *     log.info("job {} in room {}", ctx.job().id(), ctx.job().room().name());
 *     ctx.awaitCancellation();          // run until the server ends the job
 * };
 * }</pre>
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@link #onJobRequest} is called on an SDK decision thread (never a socket thread), possibly
 *       concurrently for different offers. It must answer within
 *       {@link WorkerOptions#availabilityTimeout()}: a late answer counts as a rejection (logged), so that the
 *       server can offer the job elsewhere inside its ~3 s window.</li>
 *   <li>{@link #onJob} is called on the job's own thread (a virtual thread when the JVM has them, otherwise a
 *       thread from a bounded pool), with the job's {@linkplain MdcKeys logging context} set. It may block.
 *       The job ends when it returns.</li>
 * </ul>
 *
 * <h2>The job's room</h2>
 * The context connects the job's room with the assignment's token: explicitly with {@link JobContext#connectRoom()},
 * or before {@link #onJob} runs when {@link #autoConnect()} says so (the typed flavours do; a plain handler does
 * not, so a worker that only dispatches never loads WebRTC). Leaving the room ends the job ({@link JobStatus#SUCCESS}),
 * losing it fails the job ({@link JobStatus#FAILED}, {@link AgentException.Code#CONNECTION_FAILED}), and the room is
 * always disconnected when the job ends, after the shutdown callbacks ran.
 *
 * <h2>Failures</h2>
 * A handler that throws fails its job (reported to the server as {@link JobStatus#FAILED} with
 * {@link AgentException#errorText(Throwable) the error text}); a handler that hangs is interrupted on
 * cancellation and abandoned after {@link WorkerOptions#jobShutdownTimeout()}. Neither harms the worker or
 * other jobs.
 */
@FunctionalInterface
public interface JobHandler {

    /**
     * Decides whether to take an offered job. The default accepts with identity {@code agent-<jobId>}.
     * Only called when the worker has room for another job; offers above capacity are rejected without
     * asking.
     *
     * @param request the offer
     * @return the decision; {@code null} or a thrown exception counts as a {@link JobDecision#reject() rejection}
     */
    default JobDecision onJobRequest(JobRequest request) {
        return JobDecision.accept();
    }

    /**
     * Runs an accepted job, on the job's own thread. Return when the job is done; throw to fail it. Watch
     * {@link JobContext#isCancelled()} (or block in {@link JobContext#awaitCancellation()}), and treat an
     * interrupt as cancellation.
     *
     * @param ctx the job's context: the job, its room URL and token, cancellation, shutdown callbacks
     * @throws Exception to fail the job; the exception's {@link AgentException#errorText text} goes to the server
     */
    void onJob(JobContext ctx) throws Exception;

    /**
     * Whether the job's room is connected before {@link #onJob} runs. {@code false} (the default) for a plain
     * handler: it connects when it wants with {@link JobContext#connectRoom()}, or never. The typed flavours
     * ({@link RoomHandler}, {@link ParticipantHandler}, {@link PublisherHandler}) return {@code true}, so their room
     * callbacks see every event from the join on. A connection failure fails the job without calling {@link #onJob}.
     * Called on the job's thread.
     */
    default boolean autoConnect() {
        return false;
    }

    /**
     * The options the job's room is connected with by {@link #autoConnect() auto-connect} and by
     * {@link JobContext#connectRoom()}: {@link RoomOptions#defaults()} unless overridden (e.g. to turn automatic
     * subscription off, or to add listeners that must see the first events). Called on the job's thread.
     */
    default RoomOptions roomOptions() {
        return RoomOptions.defaults();
    }

    /**
     * The job type this handler is written for, if it fixes one. Empty (the default) means
     * {@link WorkerOptions#jobType()} decides. The typed flavours return their type; a worker whose options
     * ask for another type fails to start with a message naming both.
     */
    default Optional<JobType> jobType() {
        return Optional.empty();
    }
}
