package io.livekit.agents.devserver.internal.dispatch;

import livekit.LivekitAgent.Job;

/**
 * A job the server handed out: the job as offered and assigned, with its live state. Dispatch thread only.
 */
final class JobRecord {

    final Job.Builder job;
    /** The dispatch it belongs to; {@code null} for simulated jobs. */
    final DispatchRecord dispatch;
    /** The worker running it; {@code null} once it ended or its worker left. */
    WorkerSession worker;

    JobRecord(Job.Builder job, DispatchRecord dispatch, WorkerSession worker) {
        this.job = job;
        this.dispatch = dispatch;
        this.worker = worker;
    }

    String id() {
        return job.getId();
    }

    String roomName() {
        return job.getRoom().getName();
    }
}
