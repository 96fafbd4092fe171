package io.livekit.agents;

/**
 * The SLF4J MDC keys the SDK sets on every thread it runs job code on (job threads, request decisions), and
 * restores afterwards. Use them in your log pattern, e.g. {@code %X{lk.job_id}}.
 */
public final class MdcKeys {

    /** The worker id the server assigned at registration ({@code AW_...}). */
    public static final String WORKER_ID = "lk.worker_id";
    /** The job id ({@code AJ_...}). */
    public static final String JOB_ID = "lk.job_id";
    /** The room name. */
    public static final String ROOM = "lk.room";
    /** The worker's agent name; empty for automatic dispatch. */
    public static final String AGENT_NAME = "lk.agent_name";
    /** The identity of the job's publisher or participant, for those job types. */
    public static final String PARTICIPANT = "lk.participant";

    private MdcKeys() {
    }
}
