package io.livekit.agents.it;

import io.livekit.agents.AgentException;
import io.livekit.agents.JobContext;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobRequest;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.it.support.It;
import io.livekit.agents.it.support.Recorder;
import io.livekit.agents.it.support.WorkerTestBase;
import livekit.LivekitAgent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Termination, failing, slow, hanging and cancellation-ignoring handlers: the worker stays healthy. */
class WorkerJobLifecycleTest extends WorkerTestBase {

    private static Optional<LivekitAgent.Job> ended(DevServer server, String room, String dispatchId) {
        return It.jobOf(server, room, dispatchId).filter(j -> j.getState().getStatus() == LivekitAgent.JobStatus.JS_SUCCESS
                || j.getState().getStatus() == LivekitAgent.JobStatus.JS_FAILED);
    }

    @Test
    void deletingTheDispatchCancelsTheJob(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        BlockingQueue<String> reasons = new ArrayBlockingQueue<>(1);
        List<String> callbackReasons = new CopyOnWriteArrayList<>();
        worker = Worker.create(It.options(server).agentName("a").build(), ctx -> {
            ctx.addShutdownCallback(callbackReasons::add);
            ctx.awaitCancellation();
            reasons.add(ctx.cancelReason().orElse("?"));
        });
        worker.addListener(rec);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String dispatchId = server.createDispatch("talk", "a", "");
        await("job running", () -> worker.status() == WorkerStatus.BUSY);
        String jobId = worker.activeJobs().get(0).id();

        server.deleteDispatch("talk", dispatchId);
        assertThat(reasons.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("terminated by the server");
        await("idle", () -> worker.status() == WorkerStatus.IDLE);
        await("listener saw the end", () -> rec.saw("ended " + jobId + " SUCCESS"));
        await("listener saw the cancellation", () -> !rec.cancelled.isEmpty());
        assertThat(rec.cancelled).containsExactly(jobId + ": terminated by the server");
        assertThat(callbackReasons).containsExactly("terminated by the server");
        assertThat(rec.statusesOf(jobId)).contains(LivekitAgent.JobStatus.JS_SUCCESS);
    }

    @Test
    void deletingTheRoomCancelsItsJobs(DevServer server) throws Exception {
        BlockingQueue<String> reasons = new ArrayBlockingQueue<>(1);
        worker = Worker.create(It.options(server).build(), ctx -> {
            ctx.awaitCancellation();
            reasons.add(ctx.cancelReason().orElse("?"));
        });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        server.createRoom("doomed");
        await("job running", () -> worker.status() == WorkerStatus.BUSY);
        server.deleteRoom("doomed");
        assertThat(reasons.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("terminated by the server");
        await("idle", () -> worker.status() == WorkerStatus.IDLE && worker.activeJobs().isEmpty());
    }

    @Test
    void terminationOfAnUnknownJobIsIgnored(DevServer server) throws Exception {
        // the server terminates a job the worker already ended: nothing breaks
        worker = Worker.create(It.options(server).agentName("quick").build(), ctx -> { });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String dispatchId = server.createDispatch("r", "quick", "");
        await("job done", () -> ended(server, "r", dispatchId).isPresent());
        server.deleteDispatch("r", dispatchId);
        String second = server.createDispatch("r", "quick", "");
        await("the worker still takes jobs", () -> ended(server, "r", second).isPresent());
        // the worker reports the job's end to the server before it updates its own status
        await("idle", () -> worker.status() == WorkerStatus.IDLE);
    }

    @Test
    void throwingHandlersFailTheirJobWithTheErrorText(DevServer server) throws Exception {
        worker = Worker.create(It.options(server).agentName("flaky").build(), ctx -> {
            switch (ctx.job().metadata()) {
                case "boom":
                    throw new IllegalStateException("boom");
                case "retry":
                    throw AgentException.retryable("the speech service is down");
                case "error":
                    throw new StackOverflowError("deep");
                default:
                    // fine
            }
        });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String boom = server.createDispatch("r1", "flaky", "boom");
        LivekitAgent.Job failed = It.awaitValue("boom ended", () -> ended(server, "r1", boom));
        assertThat(failed.getState().getStatus()).isEqualTo(LivekitAgent.JobStatus.JS_FAILED);
        assertThat(failed.getState().getError()).isEqualTo("java.lang.IllegalStateException: boom");

        String retry = server.createDispatch("r2", "flaky", "retry");
        LivekitAgent.Job retried = It.awaitValue("retry ended", () -> ended(server, "r2", retry));
        assertThat(retried.getState().getError()).isEqualTo("UNAVAILABLE (retryable): the speech service is down");

        String error = server.createDispatch("r3", "flaky", "error");
        LivekitAgent.Job errored = It.awaitValue("error ended", () -> ended(server, "r3", error));
        assertThat(errored.getState().getError()).startsWith("java.lang.StackOverflowError");

        String fine = server.createDispatch("r4", "flaky", "");
        assertThat(It.awaitValue("fine ended", () -> ended(server, "r4", fine)).getState().getStatus())
                .isEqualTo(LivekitAgent.JobStatus.JS_SUCCESS);
        // the worker reports the job's end to the server before it updates its own status
        await("idle", () -> worker.status() == WorkerStatus.IDLE);
    }

    @Test
    void aSlowOrThrowingDecisionIsRejectedInTime(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        Recorder events = new Recorder();
        AtomicBoolean lateAnswerGiven = new AtomicBoolean();
        worker = Worker.create(It.options(server).agentName("ponder").availabilityTimeout(Duration.ofSeconds(1)).build(),
                new JobHandler() {
                    @Override
                    public JobDecision onJobRequest(JobRequest request) {
                        String room = request.job().room().name();
                        if (room.equals("slow")) {
                            long until = System.nanoTime() + Duration.ofMillis(3000).toNanos();
                            while (System.nanoTime() < until) {   // hangs, ignoring the interrupt
                                try {
                                    Thread.sleep(20);
                                } catch (InterruptedException ignored) {
                                    // keep hanging
                                }
                            }
                            lateAnswerGiven.set(true);
                            return JobDecision.accept();
                        }
                        if (room.equals("broken")) {
                            throw new IllegalStateException("cannot decide");
                        }
                        return JobDecision.accept();
                    }

                    @Override
                    public void onJob(JobContext ctx) {
                    }
                });
        worker.addListener(events);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();

        server.createDispatch("slow", "ponder", "");
        await("refused after the decision timeout", () -> !rec.answers.isEmpty());
        assertThat(rec.answers.get(0).getAvailable()).isFalse();
        assertThat(rec.answers.get(0).getTerminate()).isFalse();
        // listener events arrive on the worker's event thread, possibly after the server saw the answer
        await("rejection event", () -> !events.rejections.isEmpty());
        assertThat(events.rejections).singleElement().asString().contains("did not answer within 1000 ms");
        await("the late decision came", lateAnswerGiven::get);
        Thread.sleep(200);
        assertThat(events.events).noneMatch(e -> e.startsWith("accepted"));
        assertThat(worker.status()).isEqualTo(WorkerStatus.IDLE);

        server.createDispatch("broken", "ponder", "");
        await("throwing decision refused", () -> rec.answers.size() == 2);
        assertThat(rec.answers.get(1).getAvailable()).isFalse();
        await("second rejection event", () -> events.rejections.size() == 2);
        assertThat(events.rejections.get(1)).contains("cannot decide");

        String ok = server.createDispatch("fine", "ponder", "");
        await("a normal decision still works", () -> ended(server, "fine", ok).isPresent());
    }

    @Test
    void aHandlerThatIgnoresCancellationIsAbandonedAndItsSlotFreed(DevServer server) throws Exception {
        Recorder events = new Recorder();
        worker = Worker.create(It.options(server).agentName("stubborn").maxConcurrentJobs(1)
                .jobShutdownTimeout(Duration.ofMillis(500)).build(), ctx -> {
            if (!ctx.job().metadata().equals("stuck")) {
                return;
            }
            while (!releaseStuck.get()) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ignored) {
                    // ignores cancellation on purpose
                }
            }
        });
        worker.addListener(events);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String stuck = server.createDispatch("s", "stubborn", "stuck");
        await("full with the stuck job", () -> worker.status() == WorkerStatus.FULL && worker.activeJobs().size() == 1);
        String jobId = worker.activeJobs().get(0).id();
        server.deleteDispatch("s", stuck);
        await("abandoned after the shutdown timeout", () -> events.saw("ended " + jobId + " FAILED"));
        assertThat(events.ended).singleElement().asString().contains("abandoned");
        assertThat(worker.activeJobs()).isEmpty();
        await("idle", () -> worker.status() == WorkerStatus.IDLE);

        String next = server.createDispatch("n", "stubborn", "");
        await("the freed slot takes a new job", () -> ended(server, "n", next).isPresent());
        assertThat(releaseStuck.get()).isFalse();   // the stuck thread is still there, harmlessly
    }

    @Test
    void shutdownFromInsideTheJobEndsItSuccessfully(DevServer server) throws Exception {
        worker = Worker.create(It.options(server).agentName("self").build(), ctx -> {
            new Thread(() -> ctx.shutdown("done talking")).start();
            ctx.awaitCancellation();
        });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String id = server.createDispatch("x", "self", "");
        assertThat(It.awaitValue("ended", () -> ended(server, "x", id)).getState().getStatus())
                .isEqualTo(LivekitAgent.JobStatus.JS_SUCCESS);
    }
}
