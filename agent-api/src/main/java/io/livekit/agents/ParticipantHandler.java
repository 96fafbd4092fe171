package io.livekit.agents;

import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.Room;

import java.time.Duration;
import java.util.Optional;

/**
 * A handler for {@link JobType#PARTICIPANT participant} jobs: one job per participant that joins a room, run with the
 * room connected and handed that participant. Same lifecycle as {@link JobHandler}; this flavour fixes the job type,
 * connects the room before the job starts ({@link #autoConnect()}), waits for the participant to be in it, and passes
 * the room events of {@link RoomJobListener} to the handler (for every participant of the room, not only the job's).
 */
@FunctionalInterface
public interface ParticipantHandler extends JobHandler, RoomJobListener {

    /**
     * Runs the job for one participant, on the job's own thread (it may block). The job ends when this returns.
     *
     * @param ctx         the job's context
     * @param room        the job's room, connected
     * @param participant the participant whose joining created the job, present in the room
     * @throws Exception to fail the job
     */
    void onParticipantJob(JobContext ctx, Room room, RemoteParticipant participant) throws Exception;

    /**
     * Waits (up to the {@linkplain #roomOptions() room options'} connect timeout) for the job's participant to be in
     * the connected room, then calls {@link #onParticipantJob}. Fails the job if the server sent no participant
     * ({@code PROTOCOL_ERROR}) or it is not in the room in time ({@code TIMEOUT}: it left before the agent joined).
     */
    @Override
    default void onJob(JobContext ctx) throws Exception {
        ParticipantInfo info = Handlers.participantOf(ctx, "participant");
        Room room = ctx.connectRoom();
        Duration wait = roomOptions().connectTimeout();
        onParticipantJob(ctx, room, ctx.waitForParticipant(info.identity(), wait));
    }

    /** {@code true}: the room is connected before the job's handler runs. */
    @Override
    default boolean autoConnect() {
        return true;
    }

    /** Always {@link JobType#PARTICIPANT}. */
    @Override
    default Optional<JobType> jobType() {
        return Optional.of(JobType.PARTICIPANT);
    }
}
