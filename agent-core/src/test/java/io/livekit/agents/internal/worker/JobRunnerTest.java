package io.livekit.agents.internal.worker;

import io.livekit.agents.internal.TestThreads;
import io.livekit.agents.AgentException;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobStatus;
import io.livekit.agents.MdcKeys;
import io.livekit.agents.RoomInfo;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class JobRunnerTest {

    private static final JobInfo JOB = JobInfo.builder().id("AJ_test").room(RoomInfo.of("RM_1", "room-1", "")).build();
    private static final Map<String, String> MDC_MAP = Map.of(MdcKeys.JOB_ID, "AJ_test", MdcKeys.ROOM, "room-1");

    private final List<String> cancels = new CopyOnWriteArrayList<>();

    private JobContextImpl context() {
        return new JobContextImpl(JOB, "AW_1", "ws://h:1", "tok", "agent-AJ_test", MDC_MAP,
                (ctx, reason) -> cancels.add(reason));
    }

    /** Runs a job on its own thread and returns its outcome. */
    private static Result run(JobHandler handler, JobContextImpl ctx) throws Exception {
        CompletableFuture<Result> done = new CompletableFuture<>();
        Thread t = new Thread(() -> JobRunner.run(handler, ctx, (c, status, error) ->
                done.complete(new Result(status, error, Thread.currentThread().isInterrupted(),
                        MDC.getCopyOfContextMap()))), "job-test");
        t.start();
        return done.get(10, TimeUnit.SECONDS);
    }

    private static final class Result {
        final JobStatus status;
        final String error;
        final boolean interruptedAfter;
        final Map<String, String> mdcAfter;

        Result(JobStatus status, String error, boolean interruptedAfter, Map<String, String> mdcAfter) {
            this.status = status;
            this.error = error;
            this.interruptedAfter = interruptedAfter;
            this.mdcAfter = mdcAfter;
        }
    }

    @Test
    void theTestLoggerHasAWorkingMdc() {
        assertThat(MDC.getMDCAdapter()).isInstanceOf(BasicMDCAdapter.class);
    }

    @Test
    void successSetsTheLoggingContextAndRunsCallbacks() throws Exception {
        JobContextImpl ctx = context();
        AtomicReference<Map<String, String>> seen = new AtomicReference<>();
        List<String> reasons = new CopyOnWriteArrayList<>();
        Result r = run(c -> {
            seen.set(MDC.getCopyOfContextMap());
            c.addShutdownCallback(reasons::add);
            c.addShutdownCallback(reason -> {
                throw new IllegalStateException("a failing callback");
            });
            c.addShutdownCallback(reason -> reasons.add("second " + reason));
        }, ctx);
        assertThat(r.status).isEqualTo(JobStatus.SUCCESS);
        assertThat(r.error).isEmpty();
        assertThat(seen.get()).isEqualTo(MDC_MAP);
        assertThat(r.mdcAfter == null || r.mdcAfter.isEmpty()).as("context removed afterwards").isTrue();
        assertThat(reasons).containsExactly("completed", "second completed");
        List<String> late = new CopyOnWriteArrayList<>();
        ctx.addShutdownCallback(late::add);
        assertThat(late).as("a callback added after the end runs at once").containsExactly("completed");
    }

    @Test
    void aThrowingHandlerFailsWithItsErrorText() throws Exception {
        Result r = run(c -> {
            throw new IllegalStateException("boom");
        }, context());
        assertThat(r.status).isEqualTo(JobStatus.FAILED);
        assertThat(r.error).isEqualTo("java.lang.IllegalStateException: boom");

        Result retry = run(c -> {
            throw AgentException.retryable("the speech service is down");
        }, context());
        assertThat(retry.error).isEqualTo("UNAVAILABLE (retryable): the speech service is down");
    }

    @Test
    void serverTerminationInterruptsAndEndsInSuccess() throws Exception {
        JobContextImpl ctx = context();
        CountDownLatch waiting = new CountDownLatch(1);
        List<String> reasons = new CopyOnWriteArrayList<>();
        CompletableFuture<Result> result = CompletableFuture.supplyAsync(() -> {
            try {
                return run(c -> {
                    c.addShutdownCallback(reasons::add);
                    waiting.countDown();
                    Thread.sleep(60_000);   // ends by the interrupt
                }, ctx);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, TestThreads.PER_TASK);
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ctx.cancel("terminated by the server", JobContextImpl.CancelCause.SERVER)).isTrue();
        assertThat(ctx.cancel("again", JobContextImpl.CancelCause.SERVER)).as("only once").isFalse();
        Result r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.status).isEqualTo(JobStatus.SUCCESS);
        assertThat(r.interruptedAfter).as("interrupt cleared before reporting").isFalse();
        assertThat(reasons).containsExactly("terminated by the server");
        assertThat(cancels).containsExactly("terminated by the server");
        assertThat(ctx.cancelReason()).contains("terminated by the server");
        assertThat(ctx.cancellation().toCompletableFuture().getNow(null)).isEqualTo("terminated by the server");
    }

    @Test
    void workerCancellationEndsInFailure() throws Exception {
        JobContextImpl ctx = context();
        ctx.cancel("the worker was stopped", JobContextImpl.CancelCause.WORKER);   // before the thread attaches
        Result r = run(c -> c.awaitCancellation(Duration.ofSeconds(30)), ctx);
        // returning normally after a cancellation is a success: the handler chose to end
        assertThat(r.status).isEqualTo(JobStatus.SUCCESS);
        JobContextImpl ctx2 = context();
        ctx2.cancel("the worker was stopped", JobContextImpl.CancelCause.WORKER);
        Result r2 = run(c -> Thread.sleep(60_000), ctx2);   // interrupted at once by attach()
        assertThat(r2.status).isEqualTo(JobStatus.FAILED);
        assertThat(r2.error).isEqualTo("CANCELLED (fatal): the worker was stopped");
    }

    @Test
    void shutdownFromInsideIsASuccess() throws Exception {
        JobContextImpl ctx = context();
        List<String> reasons = new CopyOnWriteArrayList<>();
        Result r = run(c -> {
            c.addShutdownCallback(reasons::add);
            c.shutdown("conversation over");
            c.throwIfCancelled();
        }, ctx);
        assertThat(r.status).isEqualTo(JobStatus.SUCCESS);
        assertThat(reasons).containsExactly("shutdown requested: conversation over");
    }

    @Test
    void anUnrelatedErrorAfterCancellationIsStillAFailure() throws Exception {
        JobContextImpl ctx = context();
        ctx.cancel("terminated by the server", JobContextImpl.CancelCause.SERVER);
        Result r = run(c -> {
            throw new IllegalArgumentException("bad state");
        }, ctx);
        assertThat(r.status).isEqualTo(JobStatus.FAILED);
        assertThat(r.error).contains("bad state");
    }

    @Test
    void previousThreadContextIsRestored() throws Exception {
        CompletableFuture<Map<String, String>> after = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            MDC.put("app", "mine");
            JobRunner.run(c -> { }, context(), (c, s, e) -> { });
            after.complete(MDC.getCopyOfContextMap());
        });
        t.start();
        assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of("app", "mine"));
    }

    @Test
    void cancellationSignals() {
        assertThat(JobRunner.isCancellation(new InterruptedException())).isTrue();
        assertThat(JobRunner.isCancellation(new RuntimeException(new InterruptedIOException()))).isTrue();
        assertThat(JobRunner.isCancellation(new AgentException(AgentException.Code.CANCELLED, "x"))).isTrue();
        assertThat(JobRunner.isCancellation(new IllegalStateException("no"))).isFalse();
        assertThat(JobRunner.isCancellation(AgentException.retryable("no"))).isFalse();
    }
}
