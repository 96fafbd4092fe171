package io.livekit.agents.it;

import io.livekit.agents.JobContext;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobHandler;
import io.livekit.agents.JobRequest;
import io.livekit.agents.LoadCalculator;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.devserver.WorkerInfo;
import io.livekit.agents.it.support.It;
import io.livekit.agents.it.support.Recorder;
import io.livekit.agents.it.support.WorkerTestBase;
import livekit.LivekitAgent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The job cap, FULL, and load reports, as the dev server sees them. */
class WorkerCapacityTest extends WorkerTestBase {

    @Test
    void concurrentOffersNeverExceedTheCapAndTheWorkerReportsFull(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger highWater = new AtomicInteger();
        List<JobContext> started = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        JobHandler handler = new JobHandler() {
            @Override
            public JobDecision onJobRequest(JobRequest request) {
                try {
                    Thread.sleep(150);   // slow enough that several offers are open at once
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return JobDecision.accept();
            }

            @Override
            public void onJob(JobContext ctx) throws Exception {
                highWater.accumulateAndGet(running.incrementAndGet(), Math::max);
                started.add(ctx);
                try {
                    release.await();
                } finally {
                    running.decrementAndGet();
                }
            }
        };
        worker = Worker.create(It.options(server).agentName("capped").maxConcurrentJobs(2).build(), handler);
        worker.addListener(rec);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String workerId = worker.workerId().orElseThrow();

        for (int i = 0; i < 5; i++) {
            server.createDispatch("burst-" + i, "capped", "");
        }
        await("two jobs running", () -> started.size() == 2);
        await("the other three refused or not placed", () -> rec.notPlaced("capped") == 3);
        assertThat(highWater.get()).isEqualTo(2);
        assertThat(started).hasSize(2);
        assertThat(worker.status()).isEqualTo(WorkerStatus.FULL);
        assertThat(worker.activeJobs()).hasSize(2);
        await("server sees FULL with load 1 and two jobs", () -> {
            WorkerInfo w = rec.lastServerStatus(workerId);
            return w != null && w.status() == LivekitAgent.WorkerStatus.WS_FULL && w.load() == 1.0f
                    && w.reportedJobCount() == 2;
        });
        // every offer the worker answered while full was a plain reject: others may take the job
        for (int i = 0; i < rec.answers.size(); i++) {
            if (!rec.answers.get(i).getAvailable()) {
                assertThat(rec.answers.get(i).getTerminate()).isFalse();
            }
        }
        assertThat(rec.rejections).allMatch(r -> r.contains("at capacity"));

        release.countDown();
        await("idle again", () -> worker.status() == WorkerStatus.IDLE);
        await("server sees it available with load 0", () -> {
            WorkerInfo w = rec.lastServerStatus(workerId);
            return w.status() == LivekitAgent.WorkerStatus.WS_AVAILABLE && w.load() == 0f && w.reportedJobCount() == 0;
        });
        String again = server.createDispatch("after", "capped", "");
        await("a new job after capacity freed", () -> It.statusOf(server, "after", again)
                .filter(s -> s == LivekitAgent.JobStatus.JS_SUCCESS).isPresent());
    }

    @Test
    void loadFromTheCalculatorIsReportedAndTheThresholdMakesTheWorkerFull(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        AtomicReference<Double> load = new AtomicReference<>(0.3);
        LoadCalculator calculator = ctx -> load.get();
        worker = Worker.create(It.options(server).agentName("loaded").loadCalculator(calculator).loadThreshold(0.8)
                .build(), ctx -> { });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String workerId = worker.workerId().orElseThrow();
        await("load 0.3 reported", () -> {
            WorkerInfo w = rec.lastServerStatus(workerId);
            return w != null && Math.abs(w.load() - 0.3f) < 1e-6 && w.status() == LivekitAgent.WorkerStatus.WS_AVAILABLE;
        });
        assertThat(worker.load()).isCloseTo(0.3, within(1e-9));

        load.set(0.85);
        await("worker full above the threshold", () -> worker.status() == WorkerStatus.FULL);
        await("server sees WS_FULL with the load", () -> {
            WorkerInfo w = rec.lastServerStatus(workerId);
            return w.status() == LivekitAgent.WorkerStatus.WS_FULL && Math.abs(w.load() - 0.85f) < 1e-6;
        });
        server.createDispatch("busy-room", "loaded", "");
        await("job not placed on a full worker", () -> rec.notPlaced("loaded") == 1);

        load.set(0.1);
        await("available again", () -> worker.status() == WorkerStatus.IDLE);
        // the worker's own status changes first; the server learns of it from the next report on the connection
        await("server sees WS_AVAILABLE with the load", () -> {
            WorkerInfo w = rec.lastServerStatus(workerId);
            return w.status() == LivekitAgent.WorkerStatus.WS_AVAILABLE && Math.abs(w.load() - 0.1f) < 1e-6;
        });
        String dispatchId = server.createDispatch("quiet-room", "loaded", "");
        await("job done", () -> It.statusOf(server, "quiet-room", dispatchId)
                .filter(s -> s == LivekitAgent.JobStatus.JS_SUCCESS).isPresent());
        // the server only ever saw loads the calculator gave
        assertThat(rec.workerStatuses).filteredOn(w -> w.id().equals(workerId))
                .allMatch(w -> Math.abs(w.load() - 0.3f) < 1e-6 || Math.abs(w.load() - 0.85f) < 1e-6
                        || Math.abs(w.load() - 0.1f) < 1e-6);
    }

    @Test
    void aFailingLoadCalculatorKeepsTheLastValue(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        AtomicReference<Double> load = new AtomicReference<>(0.2);
        worker = Worker.create(It.options(server).loadCalculator(ctx -> {
            Double v = load.get();
            if (v == null) {
                throw new IllegalStateException("sensor broken");
            }
            return v;
        }).build(), ctx -> { });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String workerId = worker.workerId().orElseThrow();
        await("0.2 reported", () -> rec.lastServerStatus(workerId) != null
                && Math.abs(rec.lastServerStatus(workerId).load() - 0.2f) < 1e-6);
        load.set(null);
        int before = rec.workerStatuses.size();
        await("more reports", () -> rec.workerStatuses.size() > before + 3);
        assertThat(rec.lastServerStatus(workerId).load()).isCloseTo(0.2f, within(1e-6f));
        assertThat(worker.status()).isEqualTo(WorkerStatus.IDLE);
    }

    @Test
    void systemLoadCalculatorIsFoundAndReportsAMachineLoad(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        LoadCalculator system = LoadCalculator.system();
        assertThat(system.defaultThreshold()).isEqualTo(0.7);
        worker = Worker.create(It.options(server).loadCalculator(system).loadThreshold(1.0).build(), ctx -> { });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String workerId = worker.workerId().orElseThrow();
        await("a few reports", () -> rec.workerStatuses.stream().filter(w -> w.id().equals(workerId)).count() >= 3);
        assertThat(rec.workerStatuses).filteredOn(w -> w.id().equals(workerId))
                .allMatch(w -> w.load() >= 0f && w.load() <= 1f);
    }
}
