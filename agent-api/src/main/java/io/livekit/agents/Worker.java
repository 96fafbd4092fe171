package io.livekit.agents;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A LiveKit agent worker: keeps a WebSocket to the server, registers, answers job offers through a
 * {@link JobHandler}, runs the jobs it accepted and reports its status and load; reconnects when the
 * connection is lost, with running jobs carrying on; drains on {@link #stop()}.
 *
 * <pre>{@code
 * Worker worker = Worker.create(WorkerOptions.fromEnv(), ctx -> {
 *     ctx.awaitCancellation();
 * });
 * worker.installShutdownHook().start();   // SIGTERM drains
 * worker.awaitTermination();
 * }</pre>
 *
 * <p>Users compile against {@code agent-api} only; the implementation ({@code agent-core}) is found at run
 * time through {@link java.util.ServiceLoader}. All methods are thread-safe. A started worker keeps the JVM
 * running (its own thread is not a daemon) until it has stopped.
 */
public interface Worker extends AutoCloseable {

    /**
     * Creates a worker; it does nothing until {@link #start()}.
     *
     * @param options the options
     * @param handler decides on offers and runs jobs
     * @throws AgentException {@link AgentException.Code#INVALID_CONFIGURATION} if {@code agent-core} is not on
     *                        the class path, or if the options' job type disagrees with the handler's
     */
    static Worker create(WorkerOptions options, JobHandler handler) {
        return WorkerProviders.provider().createWorker(options, handler);
    }

    /**
     * Starts connecting and registering, in the background; returns at once, after binding the health server's
     * port if {@link WorkerOptions#healthPort()} asks for one. Watch {@link #status()}, a {@link WorkerListener},
     * or wait with {@link #awaitReady(Duration)}.
     *
     * @return this worker
     * @throws IllegalStateException if it was started before
     * @throws AgentException        {@link AgentException.Code#INVALID_CONFIGURATION} if the health server cannot
     *                               listen on its host and port (taken, or not an address of this machine); the
     *                               worker then stops with that {@link #failure()}
     */
    Worker start();

    /** The current status. */
    WorkerStatus status();

    /** The id of the current registration ({@code AW_...}); empty while not registered. */
    Optional<String> workerId();

    /** The options the worker was created with. */
    WorkerOptions options();

    /** The job type the worker registers for (from the options or the handler). */
    JobType jobType();

    /** The jobs running now. */
    List<JobInfo> activeJobs();

    /** The load last computed by the {@link LoadCalculator}, 0..1. */
    double load();

    /**
     * The address the health server listens on, with the port it bound (the chosen one when
     * {@link WorkerOptions#healthPort()} is 0). Empty when the server is off, before {@link #start()} and once the
     * worker has stopped. See {@link WorkerOptions} for the endpoints.
     */
    Optional<InetSocketAddress> healthAddress();

    /** Why the worker stopped, if it stopped because of a failure (bad credentials, reconnects used up). */
    Optional<AgentException> failure();

    /** Adds a listener; see {@link WorkerListener} for the threading contract. */
    void addListener(WorkerListener listener);

    /** Removes a listener. */
    void removeListener(WorkerListener listener);

    /**
     * Waits until the worker reaches a status.
     *
     * @return {@code true} if it did, {@code false} on timeout
     * @throws AgentException       if the worker stopped with a failure before reaching it (the failure)
     * @throws InterruptedException if interrupted
     */
    boolean awaitStatus(WorkerStatus status, Duration timeout) throws InterruptedException;

    /**
     * Waits until the worker is registered and takes jobs ({@link WorkerStatus#isReady()}).
     *
     * @return {@code true} if it is, {@code false} on timeout
     * @throws AgentException       if the worker stopped with a failure first (e.g. the server refused the key)
     * @throws InterruptedException if interrupted
     */
    boolean awaitReady(Duration timeout) throws InterruptedException;

    /**
     * Drains, in the background: stops taking jobs (reports itself full), waits up to
     * {@link WorkerOptions#drainTimeout()} for running jobs to end, cancels the rest, closes the connection and
     * stops its threads. Idempotent. Wait for the end with {@link #awaitTermination}.
     */
    void stop();

    /**
     * Like {@link #stop()} with no drain: cancels running jobs at once, waits up to
     * {@link WorkerOptions#jobShutdownTimeout()} for their handlers to return, then closes.
     */
    void stopNow();

    /**
     * Waits until the worker is {@link WorkerStatus#STOPPED}.
     *
     * @return {@code true} if stopped, {@code false} on timeout
     * @throws InterruptedException if interrupted
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /** Waits without limit until the worker is {@link WorkerStatus#STOPPED}. */
    void awaitTermination() throws InterruptedException;

    /**
     * Registers a JVM shutdown hook (SIGTERM, SIGINT, {@code System.exit}) that drains the worker and waits
     * for it, at most {@link WorkerOptions#drainTimeout()} plus {@link WorkerOptions#jobShutdownTimeout()} and
     * a few seconds. The hook is removed when the worker stops by itself. Idempotent.
     *
     * @return this worker
     */
    Worker installShutdownHook();

    /** {@link #stopNow()}, then waits for termination. */
    @Override
    void close();
}
