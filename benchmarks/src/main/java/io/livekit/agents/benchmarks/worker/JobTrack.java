package io.livekit.agents.benchmarks.worker;

import java.util.concurrent.CompletableFuture;

/**
 * What the benchmark saw of one job, all times from the machine's monotonic clock in nanoseconds (the harness's
 * {@link System#nanoTime()}, and the worker processes' own reads of the same clock). Written by the dev server's
 * dispatch thread (server side) and the workers' reader threads (worker side).
 */
final class JobTrack {

    final String jobId;
    volatile String agentName = "";
    /** The server sent the {@code AvailabilityRequest} (dev server listener, dispatch thread). */
    volatile long offered;
    /** The server received the {@code AvailabilityResponse}. */
    volatile long answered;
    /** The server sent the {@code JobAssignment}. */
    volatile long assigned;
    /** The server received {@code UpdateJobStatus(JS_SUCCESS)} (Java worker only; agents-js never sends it). */
    volatile long serverSucceeded;
    /** The job's handler (Java) or entry function (agents-js) started, read in the worker's process. */
    volatile long entry;
    /** The job finished, as its own process reported it (the handler returning; agents-js's shutdown callbacks). */
    volatile long done;
    /** When the harness read the {@code done} line. */
    volatile long doneRead;
    /** agents-js: when the job's process loaded the agent (before {@link #entry}: a warm process is older than the offer). */
    volatile long processStarted;
    volatile long pid;
    /** agents-js idle jobs: the V8 heap in use after a full GC in the job's own process, and that process's RSS. */
    volatile long processHeapAfterGc;
    volatile long processRss;

    /** Completes when the handler or entry started. */
    final CompletableFuture<JobTrack> entered = new CompletableFuture<>();
    /** Completes when the job finished (see {@link WorkerBench} for what that means for each worker). */
    final CompletableFuture<JobTrack> completed = new CompletableFuture<>();
    /** agents-js idle jobs: completes when the job's process reported its memory. */
    final CompletableFuture<JobTrack> memoryReported = new CompletableFuture<>();

    JobTrack(String jobId) {
        this.jobId = jobId;
    }

    void fail(String reason) {
        IllegalStateException e = new IllegalStateException("job " + jobId + " (" + agentName + "): " + reason);
        entered.completeExceptionally(e);
        completed.completeExceptionally(e);
        memoryReported.completeExceptionally(e);
    }
}
