package io.livekit.agents.devserver;

/**
 * How closely the dev server follows the deadlines and recovery rules of LiveKit's open-source server.
 *
 * <p>The open-source server (OSS) offers a job through an RPC that expires 3 s after it was sent, so a worker
 * that answers an {@code AvailabilityRequest} later loses the job and nobody else is asked. It forgets the jobs
 * of a worker whose connection drops and ignores the worker's {@code MigrateJobRequest} after it reconnects.
 * {@link #STRICT_OSS} reproduces this, so tests see what production will do; {@link #LENIENT} is friendlier for
 * development and debugging.
 */
public enum DispatchMode {

    /**
     * As the open-source server: the availability timeout (default 3 s) bounds the whole offer of a job, over
     * every worker tried; a worker that does not answer in time ends the offer without trying another worker;
     * {@code MigrateJobRequest} is accepted and ignored.
     */
    STRICT_OSS,

    /**
     * More forgiving: each worker gets the full availability timeout (default 10 s, the server's
     * {@code AssignJobTimeout}); a worker that does not answer in time is skipped and the next one is asked;
     * a reconnected worker that names its running jobs in a {@code MigrateJobRequest} gets them back, so their
     * status updates and terminations reach it again.
     */
    LENIENT
}
