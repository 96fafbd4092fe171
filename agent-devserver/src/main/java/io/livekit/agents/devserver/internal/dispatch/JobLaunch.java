package io.livekit.agents.devserver.internal.dispatch;

import livekit.LivekitAgent.Job;

import java.util.HashSet;
import java.util.Set;

/** One job looking for a worker: the workers tried so far and the deadline. Dispatch thread only. */
final class JobLaunch {

    final Job job;
    final PoolKey key;
    /** The dispatch the job belongs to; {@code null} for simulated jobs. */
    final DispatchRecord dispatch;
    /** For simulated jobs: the only worker to ask. */
    final WorkerSession onlyWorker;
    final Set<WorkerSession> attempted = new HashSet<>();
    /** {@link System#nanoTime()} after which no worker is asked; {@link Long#MAX_VALUE} for none. */
    final long deadline;

    JobLaunch(Job job, PoolKey key, DispatchRecord dispatch, WorkerSession onlyWorker, long deadline) {
        this.job = job;
        this.key = key;
        this.dispatch = dispatch;
        this.onlyWorker = onlyWorker;
        this.deadline = deadline;
    }
}
