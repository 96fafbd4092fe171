package io.livekit.agents.internal.worker;

import io.livekit.agents.AgentException;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one job's handler on the calling thread (the job's own thread): sets the job's logging context,
 * calls {@link JobHandler#onJob}, turns the way it ended into a {@link JobStatus} and an error text, runs the
 * shutdown callbacks, restores the thread, and reports the outcome.
 *
 * <p>Before the handler, the job's room is connected when {@link JobHandler#autoConnect()} asks for it (a failure
 * fails the job without calling the handler). After it, the shutdown callbacks run, the outcome is reported, and
 * then the room, if any, is left: once the worker has written the final status, so that the server records the job's
 * status, not the agent's departure.
 *
 * <p>How a job's end is reported:
 * <ul>
 *   <li>the handler returns → {@link JobStatus#SUCCESS};</li>
 *   <li>the handler throws → {@link JobStatus#FAILED} with {@link AgentException#errorText};</li>
 *   <li>the handler ends by an interrupt or cancellation exception after the job was cancelled → SUCCESS when
 *       the server or the job itself asked for the end, or the room was left; FAILED ({@code CANCELLED}) when the
 *       worker stopped it;</li>
 *   <li>the room was lost → FAILED ({@code CONNECTION_FAILED}, with the reason) however the handler ended, unless it
 *       failed with an error of its own first.</li>
 * </ul>
 */
final class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    /** How long the room waits for the job's final status to be written before it is left anyway. */
    static final long REPORT_WAIT_MILLIS = 2_000;

    /** Receives a job's outcome, on the job's thread, once the shutdown callbacks ran. */
    interface Outcome {
        void ended(JobContextImpl ctx, JobStatus status, String error);
    }

    private JobRunner() {
    }

    static void run(JobHandler handler, JobContextImpl ctx, Outcome outcome) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        MDC.setContextMap(ctx.loggingContext());
        ctx.attach(Thread.currentThread());
        JobStatus result = JobStatus.SUCCESS;
        String error = "";
        String endReason = "completed";
        try {
            if (handler.autoConnect()) {
                ctx.connectRoom();
            }
            handler.onJob(ctx);
            if (ctx.isCancelled()) {
                endReason = ctx.cancelReason().orElse("cancelled");
            }
        } catch (Throwable t) {
            if (ctx.isCancelled() && (isCancellation(t) || isRoomGone(ctx, t))) {
                endReason = ctx.cancelReason().orElse("cancelled");
                if (ctx.cancelCause() == JobContextImpl.CancelCause.WORKER) {
                    result = JobStatus.FAILED;
                    error = AgentException.errorText(new AgentException(AgentException.Code.CANCELLED, endReason));
                }
            } else {
                result = JobStatus.FAILED;
                error = AgentException.errorText(t);
                endReason = "failed";
                log.error("job {} failed: {}", ctx.job().id(), t.toString(), t);
            }
        } finally {
            ctx.jobRoom().beginEnd();
            ctx.detach();
            Thread.interrupted();
        }
        if (result == JobStatus.SUCCESS && ctx.isCancelled()
                && ctx.cancelCause() == JobContextImpl.CancelCause.ROOM_LOST) {
            result = JobStatus.FAILED;
            error = AgentException.errorText(new AgentException(AgentException.Code.CONNECTION_FAILED, endReason));
            log.warn("job {} failed: {}", ctx.job().id(), endReason);
        }
        try {
            ctx.runShutdownCallbacks(endReason);
        } finally {
            Thread.interrupted();
            restoreMdc(previous);
        }
        outcome.ended(ctx, result, error);
        leaveRoomAfterReport(ctx);
    }

    /**
     * Leaves the job's room once the final status has reached the socket (at most {@link #REPORT_WAIT_MILLIS} later):
     * LiveKit's server records a job whose agent leaves the room before its status arrives as failed ("agent worker
     * left the room").
     */
    private static void leaveRoomAfterReport(JobContextImpl ctx) {
        CompletableFuture<Void> report = ctx.statusReport();
        if (report != null && ctx.jobRoom().room().isPresent()) {
            try {
                report.get(REPORT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.debug("job {}: the final status was not written within {} ms; leaving the room anyway",
                        ctx.job().id(), REPORT_WAIT_MILLIS);
            }
        }
        ctx.jobRoom().close(false);
        Thread.interrupted();
    }

    /** Whether the handler failed only because its room had ended, which already ended the job. */
    private static boolean isRoomGone(JobContextImpl ctx, Throwable t) {
        JobContextImpl.CancelCause cause = ctx.cancelCause();
        return (cause == JobContextImpl.CancelCause.ROOM_LEFT || cause == JobContextImpl.CancelCause.ROOM_LOST)
                && t instanceof AgentException && ((AgentException) t).code() == AgentException.Code.DISCONNECTED;
    }

    /** Puts back a thread's logging context as {@link MDC#getCopyOfContextMap()} returned it. */
    static void restoreMdc(Map<String, String> previous) {
        if (previous == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(previous);
        }
    }

    /** Whether a throwable (or one of its causes) is how blocking code reacts to an interrupt or cancellation. */
    static boolean isCancellation(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 16; c = c.getCause(), depth++) {
            if (c instanceof InterruptedException || c instanceof CancellationException
                    || c instanceof InterruptedIOException || c instanceof ClosedByInterruptException
                    || (c instanceof AgentException && ((AgentException) c).code() == AgentException.Code.CANCELLED)) {
                return true;
            }
        }
        return false;
    }
}
