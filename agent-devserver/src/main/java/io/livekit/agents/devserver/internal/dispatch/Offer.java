package io.livekit.agents.devserver.internal.dispatch;

import livekit.LivekitAgent.Job;

import java.util.concurrent.ScheduledFuture;

/** An {@code AvailabilityRequest} waiting for a worker's answer. Dispatch thread only. */
final class Offer {

    final JobLaunch launch;
    final WorkerSession worker;
    /** The job as offered: with the state the assignment will carry. */
    final Job.Builder offered;
    ScheduledFuture<?> timer;

    Offer(JobLaunch launch, WorkerSession worker, Job.Builder offered) {
        this.launch = launch;
        this.worker = worker;
        this.offered = offered;
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
