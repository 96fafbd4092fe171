package io.livekit.agents;

import java.util.Optional;

/**
 * A handler for {@link JobType#PUBLISHER publisher} jobs: one job per participant that publishes a track,
 * handed the publisher directly. Same lifecycle and threads as {@link JobHandler}.
 */
@FunctionalInterface
public interface PublisherHandler extends JobHandler {

    /**
     * Runs the job for one publisher, on the job's own thread.
     *
     * @param ctx       the job's context
     * @param publisher the participant whose first published track created the job
     * @throws Exception to fail the job
     */
    void onPublisherJob(JobContext ctx, ParticipantInfo publisher) throws Exception;

    /** Calls {@link #onPublisherJob} with the job's participant; fails the job if the server sent none. */
    @Override
    default void onJob(JobContext ctx) throws Exception {
        onPublisherJob(ctx, Handlers.participantOf(ctx, "publisher"));
    }

    /** Always {@link JobType#PUBLISHER}. */
    @Override
    default Optional<JobType> jobType() {
        return Optional.of(JobType.PUBLISHER);
    }
}
