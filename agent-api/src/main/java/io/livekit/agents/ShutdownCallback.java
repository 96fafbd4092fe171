package io.livekit.agents;

/**
 * Runs when a job ends; registered with {@link JobContext#addShutdownCallback}. Called on the job's thread,
 * after {@link JobHandler#onJob} returned or threw, in the order registered. An exception is logged and
 * does not stop the other callbacks; the job's final status is not changed by it.
 */
@FunctionalInterface
public interface ShutdownCallback {

    /**
     * Cleans up after a job.
     *
     * @param reason why the job ended: {@code "completed"}, {@code "failed"}, or the cancellation reason
     * @throws Exception logged and otherwise ignored
     */
    void onShutdown(String reason) throws Exception;
}
