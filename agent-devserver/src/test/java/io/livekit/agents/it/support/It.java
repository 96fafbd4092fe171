package io.livekit.agents.it.support;

import io.livekit.agents.JobContext;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobRequest;
import io.livekit.agents.ReconnectPolicy;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.devserver.DevServer;
import livekit.LivekitAgent;
import livekit.LivekitAgentDispatch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.fail;

/** Helpers shared by the worker integration tests. */
public final class It {

    /** How long any single expectation may take before a test fails (generous: the machine is shared). */
    public static final Duration WAIT = Duration.ofSeconds(15);

    private It() {
    }

    /** Options against a dev server with short intervals, so the tests run fast. */
    public static WorkerOptions.Builder options(DevServer server) {
        return options(server.url(), server);
    }

    /** Options against {@code url} (a proxy in front of the server) with the server's credentials. */
    public static WorkerOptions.Builder options(String url, DevServer server) {
        return WorkerOptions.builder()
                .url(url)
                .apiKey(server.apiKey())
                .apiSecret(server.apiSecret())
                .statusInterval(Duration.ofMillis(200))
                .pingInterval(Duration.ofMillis(500))
                .pingTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(3))
                .availabilityTimeout(Duration.ofSeconds(1))
                .jobShutdownTimeout(Duration.ofSeconds(2))
                .drainTimeout(Duration.ofSeconds(10))
                .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(50))
                        .maxDelay(Duration.ofMillis(300)).maxAttempts(ReconnectPolicy.UNLIMITED_ATTEMPTS).build());
    }

    /** A handler that answers every offer with {@code decision} and fails the test if it ever runs a job. */
    public static JobHandler alwaysDeciding(JobDecision decision) {
        return new JobHandler() {
            @Override
            public JobDecision onJobRequest(JobRequest request) {
                return decision;
            }

            @Override
            public void onJob(JobContext ctx) {
                throw new AssertionError("a worker answering " + decision + " ran job " + ctx.job().id());
            }
        };
    }

    /** Polls until {@code condition} holds; fails naming {@code what} after {@link #WAIT}. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, WAIT, condition);
    }

    /** Polls until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Polls until {@code supplier} gives a value; fails naming {@code what} after {@link #WAIT}. */
    public static <T> T awaitValue(String what, Supplier<Optional<T>> supplier) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Optional<T> v = supplier.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT.toMillis() + " ms waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The jobs of a dispatch, as the server lists them. */
    public static List<LivekitAgent.Job> jobsOf(DevServer server, String room, String dispatchId) {
        for (LivekitAgentDispatch.AgentDispatch d : server.listDispatches(room)) {
            if (d.getId().equals(dispatchId)) {
                return d.getState().getJobsList();
            }
        }
        return List.of();
    }

    /** The one job of a room dispatch, once the server has placed it. */
    public static Optional<LivekitAgent.Job> jobOf(DevServer server, String room, String dispatchId) {
        List<LivekitAgent.Job> jobs = jobsOf(server, room, dispatchId);
        return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
    }

    /** The server's status of a dispatch's job, once it has one. */
    public static Optional<LivekitAgent.JobStatus> statusOf(DevServer server, String room, String dispatchId) {
        return jobOf(server, room, dispatchId).map(j -> j.getState().getStatus());
    }
}
