package io.livekit.agents;

/**
 * What a job is about, and so when the server creates one. A worker registers for exactly one type;
 * serving several types takes several workers.
 */
public enum JobType {
    /** One job per room: created when the room is created or when a dispatch is added to it. */
    ROOM,
    /**
     * One job per publishing participant: created when a participant publishes its first track. The
     * job's {@link JobInfo#participant() participant} is the publisher.
     */
    PUBLISHER,
    /**
     * One job per participant: created when a participant joins. The job's
     * {@link JobInfo#participant() participant} is the one who joined.
     */
    PARTICIPANT
}
