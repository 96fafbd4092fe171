package io.livekit.agents.it;

import io.livekit.agents.Worker;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.devserver.WorkerInfo;
import io.livekit.agents.it.support.It;
import io.livekit.agents.it.support.Recorder;
import io.livekit.agents.it.support.WorkerTestBase;
import io.livekit.agents.it.support.ShutdownHookMain;
import livekit.LivekitAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;

/** stop() drains, stopNow() cancels, and the shutdown hook drains on SIGTERM. */
class WorkerDrainTest extends WorkerTestBase {

    @Test
    void drainWaitsForRunningJobsAndTakesNoNewOnes(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        CountDownLatch finish = new CountDownLatch(1);
        worker = Worker.create(It.options(server).agentName("d").maxConcurrentJobs(2).build(), ctx -> finish.await());
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String workerId = worker.workerId().orElseThrow();
        String dispatchId = server.createDispatch("r", "d", "");
        await("job running", () -> worker.status() == WorkerStatus.BUSY);

        worker.stop();
        await("draining", () -> worker.status() == WorkerStatus.DRAINING);
        await("server sees FULL, with the load still reported", () -> {
            WorkerInfo w = rec.lastServerStatus(workerId);
            return w.status() == LivekitAgent.WorkerStatus.WS_FULL && w.load() == 0.5f && w.reportedJobCount() == 1;
        });
        server.createDispatch("late", "d", "");
        await("no new job while draining", () -> rec.notPlaced("d") == 1);
        assertThat(worker.awaitTermination(Duration.ofMillis(300))).isFalse();
        assertThat(worker.activeJobs()).hasSize(1);

        finish.countDown();
        assertThat(worker.awaitTermination(It.WAIT)).isTrue();
        assertThat(worker.status()).isEqualTo(WorkerStatus.STOPPED);
        assertThat(worker.failure()).isEmpty();
        await("the job's success reached the server before the worker left", () -> It.statusOf(server, "r", dispatchId)
                .filter(s -> s == LivekitAgent.JobStatus.JS_SUCCESS).isPresent());
        await("server saw the worker leave", () -> rec.serverDisconnects.stream().anyMatch(d -> d.startsWith(workerId)));
    }

    @Test
    void drainTimeoutCancelsTheRemainingJobs(DevServer server) throws Exception {
        BlockingQueue<String> reasons = new ArrayBlockingQueue<>(1);
        worker = Worker.create(It.options(server).agentName("d").drainTimeout(Duration.ofMillis(300)).build(), ctx -> {
            ctx.awaitCancellation();
            reasons.add(ctx.cancelReason().orElse("?"));
            throw new InterruptedException("ended by cancellation");
        });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String dispatchId = server.createDispatch("r", "d", "");
        await("job running", () -> worker.status() == WorkerStatus.BUSY);
        worker.stop();
        assertThat(reasons.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS)).contains("drain timed out after 300 ms");
        assertThat(worker.awaitTermination(It.WAIT)).isTrue();
        LivekitAgent.Job job = It.awaitValue("the job's end reached the server", () -> It.jobOf(server, "r", dispatchId)
                .filter(j -> j.getState().getStatus() == LivekitAgent.JobStatus.JS_FAILED));
        assertThat(job.getState().getStatus()).isEqualTo(LivekitAgent.JobStatus.JS_FAILED);
        assertThat(job.getState().getError()).startsWith("CANCELLED (fatal): the worker's drain timed out");
    }

    @Test
    void stopNowCancelsAtOnceAndAbandonsStubbornHandlers(DevServer server) throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        worker = Worker.create(It.options(server).maxConcurrentJobs(2).jobShutdownTimeout(Duration.ofMillis(300))
                .build(), ctx -> {
            if (ctx.job().room().name().equals("stubborn")) {
                while (!releaseStuck.get()) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ignored) {
                        // ignores cancellation
                    }
                }
                return;
            }
            ctx.awaitCancellation();
            reasons.add(ctx.cancelReason().orElse("?"));
        });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        server.createRoom("polite");
        server.createRoom("stubborn");
        await("two jobs", () -> worker.activeJobs().size() == 2);
        worker.stopNow();
        assertThat(worker.awaitTermination(It.WAIT)).isTrue();
        // the polite handler records its reason on its own thread, which a loaded machine may run late
        await("the polite handler saw the stop", () -> !reasons.isEmpty());
        assertThat(reasons).containsExactly("the worker was stopped");
        assertThat(worker.status()).isEqualTo(WorkerStatus.STOPPED);
        assertThat(worker.activeJobs()).isEmpty();
    }

    @Test
    void aStoppedWorkerLeavesNoThreadsBehind(DevServer server) throws Exception {
        java.util.Set<String> before = sdkThreads();
        worker = Worker.create(It.options(server).build(), ctx -> ctx.awaitCancellation());
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        server.createRoom("one");
        await("job running", () -> worker.status() == WorkerStatus.BUSY);
        assertThat(sdkThreads()).isNotEqualTo(before);
        worker.stopNow();
        assertThat(worker.awaitTermination(It.WAIT)).isTrue();
        await("the worker's threads end", () -> before.containsAll(sdkThreads()));
    }

    private static java.util.Set<String> sdkThreads() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && (t.getName().startsWith("lk-worker") || t.getName().startsWith("lk-job"))) {
                names.add(t.getName());
            }
        }
        return names;
    }

    @Test
    void stopBeforeStartStopsAtOnce(DevServer server) throws Exception {
        worker = Worker.create(It.options(server).build(), ctx -> { });
        worker.stop();
        assertThat(worker.awaitTermination(It.WAIT)).isTrue();
        assertThat(worker.status()).isEqualTo(WorkerStatus.STOPPED);
    }

    @Test
    void sigtermDrainsThroughTheShutdownHook(DevServer server, @TempDir Path tmp) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Path out = tmp.resolve("child.log");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ShutdownHookMain.class.getName(), server.url(), server.apiKey(), server.apiSecret(), "1500")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            awaitLine(out, ShutdownHookMain.READY);
            String dispatchId = server.createDispatch("sig", ShutdownHookMain.AGENT_NAME, "");
            awaitLine(out, ShutdownHookMain.JOB_STARTED);
            p.destroy();   // SIGTERM
            assertThat(p.waitFor(It.WAIT.toSeconds(), TimeUnit.SECONDS)).as("the process exits").isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
            String log = Files.readString(out);
            // the drain let the job finish its 1.5 s of work instead of cancelling it
            assertThat(log).contains("draining the worker", ShutdownHookMain.JOB_DONE, "worker stopped");
            assertThat(log.indexOf("draining the worker")).isLessThan(log.indexOf(ShutdownHookMain.JOB_DONE));
            await("the job's success reached the server", () -> It.statusOf(server, "sig", dispatchId)
                    .filter(st -> st == LivekitAgent.JobStatus.JS_SUCCESS).isPresent());
        } finally {
            p.destroyForcibly();
        }
    }

    private static void awaitLine(Path file, String wanted) throws Exception {
        long deadline = System.nanoTime() + It.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file).contains(wanted)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the child process never printed " + wanted + "; it printed:\n"
                + (Files.exists(file) ? Files.readString(file) : "(nothing)"));
    }
}
