package io.livekit.agents.devserver;

import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.Job;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;

/**
 * Observes what the dev server does with workers, jobs and room participants, for tests and benchmarks. Every method has a no-op
 * default.
 *
 * <p>Threading: all methods are called on the dev server's single dispatch thread, one call at a time, in the
 * order things happen. They must return quickly and must not block (do not wait for a worker or call a blocking
 * {@link DevServer} method that needs the dispatch thread to make progress on something else); hand work to
 * another thread instead. An exception thrown by a listener is logged and ignored.
 */
public interface DevServerListener {

    /** A worker registered (its {@code RegisterWorkerResponse} has been sent). */
    default void onWorkerRegistered(WorkerInfo worker) {
    }

    /** A registered worker sent {@code UpdateWorkerStatus}; {@code worker} shows the new status and load. */
    default void onWorkerStatus(WorkerInfo worker) {
    }

    /**
     * A registered worker's connection ended.
     *
     * @param worker the worker as it was just before
     * @param reason why: the worker closed it, a protocol error, the server stopping, ...
     */
    default void onWorkerDisconnected(WorkerInfo worker, String reason) {
    }

    /**
     * A connection was closed before it registered, or refused at the upgrade.
     *
     * @param remoteAddress the peer
     * @param reason        why
     */
    default void onConnectionRejected(String remoteAddress, String reason) {
    }

    /** An {@code AvailabilityRequest} for {@code job} was sent to {@code worker}. */
    default void onJobOffered(Job job, WorkerInfo worker) {
    }

    /** {@code worker} answered the offer of {@code job}. */
    default void onAvailabilityAnswered(Job job, WorkerInfo worker, AvailabilityResponse answer) {
    }

    /**
     * {@code job} was assigned to {@code worker} ({@code JobAssignment} sent).
     *
     * @param token the room token sent with the assignment
     */
    default void onJobAssigned(Job job, WorkerInfo worker, String token) {
    }

    /**
     * The state of an assigned job changed: the worker sent {@code UpdateJobStatus}, or the server ended it
     * (dispatch deleted, room closed, offer answered with {@code terminate}). {@code job.getState()} is the new
     * state.
     */
    default void onJobStatus(Job job) {
    }

    /** {@code job} was sent {@code JobTermination} (its worker is told to stop it). */
    default void onJobTerminated(Job job) {
    }

    /**
     * No worker took {@code job}, and the server gave it up (no worker registered for it, none with capacity,
     * every worker refused, or the availability deadline passed). LiveKit's server does not retry such jobs.
     *
     * @param reason why, as the server logs it
     */
    default void onJobNotPlaced(Job job, String reason) {
    }

    /**
     * A participant joined a room (its JoinResponse was sent). Participant and publisher jobs are launched from
     * here as LiveKit's server launches them.
     *
     * @param room        the room name
     * @param participant the participant as it joined
     */
    default void onParticipantJoined(String room, ParticipantInfo participant) {
    }

    /**
     * A participant left a room, or was removed from it.
     *
     * @param room        the room name
     * @param participant the participant as it was last
     * @param reason      why: {@code CLIENT_INITIATED}, {@code DUPLICATE_IDENTITY}, {@code PARTICIPANT_REMOVED},
     *                    {@code SIGNAL_CLOSE} (its connection dropped and it did not resume in time), ...
     */
    default void onParticipantLeft(String room, ParticipantInfo participant, DisconnectReason reason) {
    }
}
