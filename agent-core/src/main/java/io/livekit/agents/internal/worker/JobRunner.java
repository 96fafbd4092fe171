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

/**
 * Runs one job's handler on the calling thread (the job's own thread): sets the job's logging context,
 * calls {@link JobHandler#onJob}, turns the way it ended into a {@link JobStatus} and an error text, runs the
 * shutdown callbacks, restores the thread, and reports the outcome.
 *
 * <p>How a job's end is reported:
 * <ul>
 *   <li>the handler returns → {@link JobStatus#SUCCESS};</li>
 *   <li>the handler throws → {@link JobStatus#FAILED} with {@link AgentException#errorText};</li>
 *   <li>the handler ends by an interrupt or cancellation exception after the job was cancelled → SUCCESS when
 *       the server or the job itself asked for the end, FAILED ({@code CANCELLED}) when the worker stopped it.</li>
 * </ul>
 */
final class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

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
            handler.onJob(ctx);
            if (ctx.isCancelled()) {
                endReason = ctx.cancelReason().orElse("cancelled");
            }
        } catch (Throwable t) {
            if (ctx.isCancelled() && isCancellation(t)) {
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
            ctx.detach();
            Thread.interrupted();
        }
        try {
            ctx.runShutdownCallbacks(endReason);
        } finally {
            Thread.interrupted();
            restoreMdc(previous);
        }
        outcome.ended(ctx, result, error);
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
