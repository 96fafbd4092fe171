package io.livekit.agents;

import io.livekit.agents.room.Room;

import java.util.Optional;

/**
 * A handler for {@link JobType#ROOM room} jobs: one job per room, run with the room connected. Same lifecycle as
 * {@link JobHandler}; this flavour fixes the job type, connects the room before the job starts
 * ({@link #autoConnect()}), and passes the room events of {@link RoomJobListener} to the handler.
 *
 * <pre>{@code
 * RoomHandler handler = (ctx, room) -> {
 *     room.localParticipant().publishData("hello".getBytes(UTF_8), DataPublishOptions.ofReliable());
 *     ctx.awaitCancellation();          // until the server ends the job or the room is left or lost
 * };
 * }</pre>
 */
@FunctionalInterface
public interface RoomHandler extends JobHandler, RoomJobListener {

    /**
     * Runs the job with its connected room, on the job's own thread (it may block). The job ends when this returns
     * (and the room is then left); to stay in the room, block in {@link JobContext#awaitCancellation()}, which
     * returns when the server ends the job or the room is left or lost.
     *
     * @param ctx  the job's context
     * @param room the job's room, connected
     * @throws Exception to fail the job
     */
    void onRoomJob(JobContext ctx, Room room) throws Exception;

    /** Calls {@link #onRoomJob} with the job's room ({@linkplain JobContext#connectRoom() connected} already). */
    @Override
    default void onJob(JobContext ctx) throws Exception {
        onRoomJob(ctx, ctx.connectRoom());
    }

    /** {@code true}: the room is connected before the job's handler runs. */
    @Override
    default boolean autoConnect() {
        return true;
    }

    /** Always {@link JobType#ROOM}. */
    @Override
    default Optional<JobType> jobType() {
        return Optional.of(JobType.ROOM);
    }
}
