package io.livekit.agents;

import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomOptions;

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
 *
 * <h2>The room</h2>
 * {@link #connectRoom()} joins the job's room at {@link #url()} with {@link #token()} (or the handler's
 * {@link JobHandler#autoConnect() auto-connect} did it before {@link JobHandler#onJob} ran). The room belongs to the
 * job:
 * <ul>
 *   <li>when it is left ({@link Room#disconnect()} by the handler, or the server deleted the room or removed the
 *       agent) the job is cancelled and, once the handler returns, reported {@link JobStatus#SUCCESS};</li>
 *   <li>when it is lost (reconnecting gave up, duplicate identity, server shutdown) the job is cancelled and reported
 *       {@link JobStatus#FAILED} with {@link AgentException.Code#CONNECTION_FAILED} and the reason;</li>
 *   <li>when the job ends for any reason (its handler returned or threw, it was cancelled, or it was abandoned after
 *       {@link WorkerOptions#jobShutdownTimeout()}) the room is disconnected, after the shutdown callbacks ran and
 *       once the job's final status has been sent.</li>
 * </ul>
 * To end a job, return from the handler or call {@link #shutdown(String)} rather than leaving the room yourself:
 * LiveKit's server records a job whose agent left the room before its status arrived as failed ("agent worker left
 * the room"), whatever the worker reports afterwards.
 * The room's threads (its event thread, media pacers) carry the job's {@linkplain #loggingContext() logging
 * context}.
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

    /**
     * Connects the job's room with the {@linkplain JobHandler#roomOptions() handler's room options}, or returns it if
     * it is connected already. See {@link #connectRoom(RoomOptions)}.
     */
    Room connectRoom();

    /**
     * Joins the job's room at {@link #url()} as {@link #participantIdentity()} and returns it, connected. Idempotent:
     * once the room is connected, later calls return the same room at once (and ignore {@code options}). Concurrent
     * calls wait for the first one. Blocks up to {@link RoomOptions#connectTimeout()}; may be called from any thread
     * (the room's threads get this job's logging context either way).
     *
     * @param options listeners, subscription and reconnect settings; the job adds its own listener to them
     * @return the connected room
     * @throws AgentException {@code CANCELLED} if the job was cancelled before or while connecting;
     *                        {@code DISCONNECTED} if the job's room was connected before and has been left;
     *                        otherwise as {@link Room#connect(String, String, RoomOptions)}: {@code CONNECTION_FAILED},
     *                        {@code UNAUTHENTICATED}, {@code TIMEOUT}, {@code MEDIA_UNAVAILABLE}
     */
    Room connectRoom(RoomOptions options);

    /** The job's room once {@link #connectRoom} succeeded (also after it disconnected); empty before. */
    Optional<Room> room();

    /**
     * Waits until a participant with this identity is in the job's room (connecting the room first if needed) and
     * returns it; at once when it is there already. Must not be called on the room's event thread.
     *
     * @throws AgentException {@code TIMEOUT} if it did not join in time, {@code DISCONNECTED} if the room ended
     *                        first, {@code CANCELLED} if the job was cancelled first
     * @throws InterruptedException if the thread is interrupted (also done on cancellation)
     */
    RemoteParticipant waitForParticipant(String identity, Duration timeout) throws InterruptedException;

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
