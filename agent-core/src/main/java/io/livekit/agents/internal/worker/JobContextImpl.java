package io.livekit.agents.internal.worker;

import io.livekit.agents.JobContext;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobInfo;
import io.livekit.agents.ShutdownCallback;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomConnector;
import io.livekit.agents.room.RoomOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/** The context of one running job. Thread-safe. */
final class JobContextImpl implements JobContext {

    private static final Logger log = LoggerFactory.getLogger(JobContextImpl.class);

    /** Who cancelled a job; decides the status reported when the handler then ends. */
    enum CancelCause {
        /** The server sent a JobTermination. */
        SERVER,
        /** The job called {@link JobContext#shutdown}. */
        SHUTDOWN,
        /** The worker is stopping (stopNow, drain timeout, fatal failure). */
        WORKER,
        /** The job's room was left (by the handler, or the server deleted it or removed the agent): SUCCESS. */
        ROOM_LEFT,
        /** The job's room was lost (reconnecting gave up, duplicate identity, server shutdown): FAILED. */
        ROOM_LOST
    }

    private final JobInfo job;
    private final String workerId;
    private final String url;
    private final String token;
    private final String identity;
    private final Map<String, String> mdc;
    private final BiConsumer<JobContextImpl, String> onCancel;
    private final CompletableFuture<String> cancelled = new CompletableFuture<>();
    private final List<ShutdownCallback> callbacks = new ArrayList<>();
    private final JobRoom room;
    /** Completed once the worker has written the job's final status (null: nobody reports it, as in unit tests). */
    private volatile CompletableFuture<Void> statusReport;

    private volatile CancelCause cancelCause;
    // guarded by this
    private Thread thread;
    private boolean ended;
    private String endReason;

    JobContextImpl(JobInfo job, String workerId, String url, String token, String identity, Map<String, String> mdc,
                   BiConsumer<JobContextImpl, String> onCancel) {
        this(job, workerId, url, token, identity, mdc, onCancel, null, Room::connect);
    }

    /**
     * @param handler   the job's handler: its room options and, for the typed flavours, its room callbacks (may be
     *                  null: default options, no callbacks)
     * @param connector how the room is joined ({@link Room#connect} in production)
     */
    JobContextImpl(JobInfo job, String workerId, String url, String token, String identity, Map<String, String> mdc,
                   BiConsumer<JobContextImpl, String> onCancel, JobHandler handler, RoomConnector connector) {
        this.job = job;
        this.workerId = workerId;
        this.url = url;
        this.token = token;
        this.identity = identity;
        this.mdc = Map.copyOf(mdc);
        this.onCancel = onCancel;
        this.room = new JobRoom(this, handler, connector);
    }

    @Override
    public JobInfo job() {
        return job;
    }

    @Override
    public String workerId() {
        return workerId;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public String participantIdentity() {
        return identity;
    }

    @Override
    public Room connectRoom() {
        return room.connect(room.defaultOptions());
    }

    @Override
    public Room connectRoom(RoomOptions options) {
        return room.connect(options);
    }

    @Override
    public Optional<Room> room() {
        return room.room();
    }

    @Override
    public RemoteParticipant waitForParticipant(String identity, Duration timeout) throws InterruptedException {
        return room.waitForParticipant(identity, timeout);
    }

    /** The job's room handling, for the runner and the worker. */
    JobRoom jobRoom() {
        return room;
    }

    /** The worker will report this job's final status; {@link #statusReport()} tells when it has. */
    void expectStatusReport() {
        statusReport = new CompletableFuture<>();
    }

    /** The worker has written the final status (or could not). */
    void statusReported() {
        CompletableFuture<Void> f = statusReport;
        if (f != null) {
            f.complete(null);
        }
    }

    /** Completes when the final status was written; null when nobody reports it. */
    CompletableFuture<Void> statusReport() {
        return statusReport;
    }

    @Override
    public boolean isCancelled() {
        return cancelled.isDone();
    }

    @Override
    public Optional<String> cancelReason() {
        return Optional.ofNullable(cancelled.getNow(null));
    }

    @Override
    public CompletionStage<String> cancellation() {
        return cancelled.minimalCompletionStage();
    }

    @Override
    public void awaitCancellation() throws InterruptedException {
        try {
            cancelled.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);   // never completed exceptionally
        }
    }

    @Override
    public boolean awaitCancellation(Duration timeout) throws InterruptedException {
        try {
            cancelled.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void addShutdownCallback(ShutdownCallback callback) {
        Objects.requireNonNull(callback, "callback");
        String runNow;
        synchronized (this) {
            if (!ended) {
                callbacks.add(callback);
                return;
            }
            runNow = endReason;
        }
        runCallback(callback, runNow);
    }

    @Override
    public void shutdown(String reason) {
        cancel("shutdown requested: " + Objects.requireNonNull(reason, "reason"), CancelCause.SHUTDOWN);
    }

    @Override
    public Map<String, String> loggingContext() {
        return mdc;
    }

    /**
     * Cancels: tells the worker, then completes the future and interrupts the handler's thread. The worker hears of
     * the cancellation first, so that its notice is queued before the handler can see the cancellation, return and
     * have its end queued (the worker reports a cancellation only for a job still running). False if already done.
     */
    boolean cancel(String reason, CancelCause cause) {
        synchronized (this) {
            if (cancelCause != null) {
                return false;
            }
            cancelCause = cause;
        }
        onCancel.accept(this, reason);
        synchronized (this) {
            cancelled.complete(reason);
            if (thread != null) {
                thread.interrupt();
            }
        }
        return true;
    }

    CancelCause cancelCause() {
        return cancelCause;
    }

    /** The handler's thread starts; interrupts go to it until {@link #detach()}. */
    synchronized void attach(Thread t) {
        thread = t;
        if (cancelled.isDone()) {
            t.interrupt();
        }
    }

    /** The handler's thread leaves; no more interrupts. */
    synchronized void detach() {
        thread = null;
    }

    /** Runs the shutdown callbacks once, on the calling thread. */
    void runShutdownCallbacks(String reason) {
        List<ShutdownCallback> toRun;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            endReason = reason;
            toRun = new ArrayList<>(callbacks);
            callbacks.clear();
        }
        for (ShutdownCallback cb : toRun) {
            runCallback(cb, reason);
        }
    }

    private void runCallback(ShutdownCallback cb, String reason) {
        try {
            cb.onShutdown(reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("a shutdown callback of job {} was interrupted", job.id());
        } catch (Exception | LinkageError | AssertionError e) {
            log.warn("a shutdown callback of job {} failed: {}", job.id(), e.toString(), e);
        }
    }

    @Override
    public String toString() {
        return "JobContext{" + job + ", identity=" + identity + (isCancelled() ? ", cancelled" : "") + '}';
    }
}
