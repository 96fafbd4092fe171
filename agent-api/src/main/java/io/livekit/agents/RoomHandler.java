package io.livekit.agents;

import java.util.Optional;

/**
 * A handler for {@link JobType#ROOM room} jobs: one job per room. Same lifecycle as {@link JobHandler};
 * this flavour only fixes the job type, and is where room-level callbacks with a connected room attach.
 */
@FunctionalInterface
public interface RoomHandler extends JobHandler {

    /** Always {@link JobType#ROOM}. */
    @Override
    default Optional<JobType> jobType() {
        return Optional.of(JobType.ROOM);
    }
}
