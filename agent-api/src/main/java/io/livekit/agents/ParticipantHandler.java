package io.livekit.agents;

import java.util.Optional;

/**
 * A handler for {@link JobType#PARTICIPANT participant} jobs: one job per participant that joins a room,
 * handed that participant directly. Same lifecycle and threads as {@link JobHandler}.
 */
@FunctionalInterface
public interface ParticipantHandler extends JobHandler {

    /**
     * Runs the job for one participant, on the job's own thread.
     *
     * @param ctx         the job's context
     * @param participant the participant whose joining created the job
     * @throws Exception to fail the job
     */
    void onParticipantJob(JobContext ctx, ParticipantInfo participant) throws Exception;

    /** Calls {@link #onParticipantJob} with the job's participant; fails the job if the server sent none. */
    @Override
    default void onJob(JobContext ctx) throws Exception {
        onParticipantJob(ctx, Handlers.participantOf(ctx, "participant"));
    }

    /** Always {@link JobType#PARTICIPANT}. */
    @Override
    default Optional<JobType> jobType() {
        return Optional.of(JobType.PARTICIPANT);
    }
}
