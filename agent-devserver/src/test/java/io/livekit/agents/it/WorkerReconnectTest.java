package io.livekit.agents.it;

import io.livekit.agents.AgentException;
import io.livekit.agents.JobContext;
import io.livekit.agents.ReconnectPolicy;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.devserver.DispatchMode;
import io.livekit.agents.devserver.WorkerInfo;
import io.livekit.agents.it.support.It;
import io.livekit.agents.it.support.Recorder;
import io.livekit.agents.it.support.TcpProxy;
import livekit.LivekitAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Connection faults: server restarts, cut and black-holed connections, refused credentials, giving up. */
class WorkerReconnectTest {

    private final List<AutoCloseable> toClose = new ArrayList<>();

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(0, c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private DevServer server(DispatchMode mode) {
        return closeLater(DevServer.builder().port(0).dispatchMode(mode).build().start());
    }

    @Test
    void jobsSurviveAServerRestartAndAreReReported() throws Exception {
        DevServer server = server(DispatchMode.LENIENT);
        Recorder rec = new Recorder();
        server.addListener(rec);
        BlockingQueue<JobContext> started = new ArrayBlockingQueue<>(1);
        CountDownLatch finish = new CountDownLatch(1);
        Worker worker = closeLater(Worker.create(It.options(server).agentName("steady").build(), ctx -> {
            started.add(ctx);
            finish.await();
        }));
        Recorder events = new Recorder();
        worker.addListener(events);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String firstId = worker.workerId().orElseThrow();
        String dispatchId = server.createDispatch("call", "steady", "");
        JobContext ctx = started.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(ctx).isNotNull();
        String jobId = ctx.job().id();

        server.stop();
        await("worker notices", () -> worker.status() == WorkerStatus.DISCONNECTED);
        assertThat(ctx.isCancelled()).as("the job runs on while disconnected").isFalse();
        assertThat(worker.activeJobs()).extracting(j -> j.id()).containsExactly(jobId);
        assertThat(worker.workerId()).isEmpty();

        server.start();   // same port
        await("registered again", () -> events.registrations.size() == 2);
        String secondId = events.registrations.get(1);
        assertThat(secondId).isNotEqualTo(firstId);
        WorkerInfo again = server.awaitWorker(w -> w.id().equals(secondId) && w.migratedJobIds().contains(jobId),
                It.WAIT);
        assertThat(again.runningJobIds()).as("lenient mode takes the job back").contains(jobId);
        await("BUSY again", () -> worker.status() == WorkerStatus.BUSY);
        await("reported running again", () -> rec.statusesOf(jobId).contains(LivekitAgent.JobStatus.JS_RUNNING));
        assertThat(ctx.isCancelled()).isFalse();

        finish.countDown();
        await("the job's end reaches the restarted server", () -> It.statusOf(server, "call", dispatchId)
                .filter(s -> s == LivekitAgent.JobStatus.JS_SUCCESS).isPresent());
        await("listener saw the job end", () -> events.saw("ended " + jobId));
        assertThat(events.events).containsSubsequence("registered " + firstId, "started " + jobId,
                "status DISCONNECTED", "registered " + secondId, "ended " + jobId + " SUCCESS");
        assertThat(events.disconnects).isNotEmpty().allMatch(AgentException::isRetryable);
    }

    @Test
    void aStrictServerIsToldOfTheRunningJobsToo() throws Exception {
        DevServer server = server(DispatchMode.STRICT_OSS);
        CountDownLatch finish = new CountDownLatch(1);
        Worker worker = closeLater(Worker.create(It.options(server).agentName("steady").build(), ctx -> finish.await()));
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        server.createDispatch("call", "steady", "");
        await("job running", () -> worker.status() == WorkerStatus.BUSY);
        String jobId = worker.activeJobs().get(0).id();
        server.restart();
        WorkerInfo again = server.awaitWorker(w -> w.migratedJobIds().contains(jobId), It.WAIT);
        assertThat(again.runningJobIds()).as("the OSS server forgets jobs of a dropped connection").isEmpty();
        assertThat(worker.activeJobs()).hasSize(1);
        finish.countDown();
        await("idle", () -> worker.status() == WorkerStatus.IDLE);
    }

    @Test
    void aCutConnectionIsReestablishedThroughTheProxy() throws Exception {
        DevServer server = server(DispatchMode.STRICT_OSS);
        TcpProxy proxy = closeLater(new TcpProxy(server.port()));
        CountDownLatch finish = new CountDownLatch(1);
        Worker worker = closeLater(Worker.create(It.options(proxy.wsUrl(), server).agentName("p").build(),
                ctx -> finish.await()));
        Recorder events = new Recorder();
        worker.addListener(events);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        server.createDispatch("r", "p", "");
        await("job running", () -> worker.status() == WorkerStatus.BUSY);

        proxy.cutAll();
        await("disconnected", () -> events.statuses.contains(WorkerStatus.DISCONNECTED));
        await("reconnected", () -> events.registrations.size() == 2 && worker.status() == WorkerStatus.BUSY);
        assertThat(proxy.acceptedConnections()).isGreaterThanOrEqualTo(2);
        assertThat(worker.activeJobs()).hasSize(1);
        assertThat(events.cancelled).isEmpty();
        finish.countDown();
        await("idle", () -> worker.status() == WorkerStatus.IDLE);
    }

    @Test
    void aBlackHoledConnectionIsDetectedWithinThePingTimeout() throws Exception {
        DevServer server = server(DispatchMode.STRICT_OSS);
        TcpProxy proxy = closeLater(new TcpProxy(server.port()));
        Duration pingTimeout = Duration.ofSeconds(1);
        Worker worker = closeLater(Worker.create(It.options(proxy.wsUrl(), server)
                .pingInterval(Duration.ofMillis(200)).pingTimeout(pingTimeout).connectTimeout(Duration.ofSeconds(1))
                .build(), ctx -> ctx.awaitCancellation()));
        Recorder events = new Recorder();
        worker.addListener(events);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        server.createRoom("dark");
        await("job running", () -> worker.status() == WorkerStatus.BUSY);
        // after the assignment the server sends the worker only answers to its pings: once one has passed, the last
        // message the worker gets before the black hole is such an answer
        long busy = System.nanoTime();
        await("a ping answered after the assignment", () -> proxy.lastForwardedFrameNanos(false, 2) > busy);

        proxy.blackhole(true);
        await("silence noticed", pingTimeout.plusSeconds(3), () -> worker.status() == WorkerStatus.DISCONNECTED);
        // the silence began with the last answer to a ping the proxy passed to the worker, which may precede the
        // black hole by a ping interval or more
        long silentMs = (System.nanoTime() - proxy.lastForwardedFrameNanos(false, 2)) / 1_000_000;
        long dbgNow = System.nanoTime();
        for (int op = 0; op < 16; op++) {
            System.out.println("DBG down op " + op + " " + (proxy.lastForwardedFrameNanos(false, op) == 0 ? -1 : (dbgNow - proxy.lastForwardedFrameNanos(false, op)) / 1_000_000) + " up " + (proxy.lastForwardedFrameNanos(true, op) == 0 ? -1 : (dbgNow - proxy.lastForwardedFrameNanos(true, op)) / 1_000_000));
        }
        System.out.println("DBG disconnects " + events.disconnects);
        assertThat(silentMs).as("detected after the configured silence, not before")
                .isGreaterThanOrEqualTo(pingTimeout.toMillis());
        await("disconnect event delivered", () -> !events.disconnects.isEmpty());
        assertThat(events.disconnects.get(0).getMessage()).containsAnyOf("no data from the server", "no answer to pings");
        // reconnect attempts fail while the path stays dark (the upgrade gets no answer)
        await("attempts through the black hole", () -> events.disconnects.size() >= 2);
        assertThat(worker.status()).isEqualTo(WorkerStatus.DISCONNECTED);

        proxy.blackhole(false);
        await("back", () -> worker.status() == WorkerStatus.BUSY && events.registrations.size() == 2);
        assertThat(events.cancelled).isEmpty();
    }

    @Test
    void aHalfDeadPathIsDetectedByMissingPongs() throws Exception {
        // the server keeps pinging the worker every 100 ms, so the worker's reads never go quiet; only the
        // missing answers to its own pings show that its messages no longer arrive
        DevServer server = closeLater(DevServer.builder().port(0).pingInterval(Duration.ofMillis(100)).build().start());
        TcpProxy proxy = closeLater(new TcpProxy(server.port()));
        Duration pingTimeout = Duration.ofSeconds(1);
        // no periodic status reports, so that after the registration the worker's only messages are its pings
        Worker worker = closeLater(Worker.create(It.options(proxy.wsUrl(), server).statusInterval(Duration.ofHours(1))
                .pingInterval(Duration.ofMillis(200)).pingTimeout(pingTimeout).build(), ctx -> ctx.awaitCancellation()));
        Recorder events = new Recorder();
        worker.addListener(events);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        long ready = System.nanoTime();
        await("a ping sent after the registration", () -> proxy.lastForwardedFrameNanos(true, 2) > ready);

        proxy.blackholeUpstream(true);
        await("missing pongs noticed", pingTimeout.plusSeconds(3), () -> !events.disconnects.isEmpty());
        // the last ping that reached the server (and was answered) may precede the black hole by a ping interval
        // or more; after the registration, pings are the worker's only messages
        long unansweredMs = (System.nanoTime() - proxy.lastForwardedFrameNanos(true, 2)) / 1_000_000;
        assertThat(unansweredMs).as("detected after the configured time without pongs, not before")
                .isGreaterThanOrEqualTo(pingTimeout.toMillis());
        assertThat(events.disconnects.get(0).getMessage()).contains("no answer to pings");
        proxy.blackholeUpstream(false);
        await("back", () -> worker.status() == WorkerStatus.IDLE && events.registrations.size() == 2);
    }

    @Test
    void refusedCredentialsStopTheWorkerWithAClearError() throws Exception {
        DevServer server = server(DispatchMode.STRICT_OSS);
        Recorder rec = new Recorder();
        server.addListener(rec);
        Worker worker = closeLater(Worker.create(It.options(server).apiSecret("not-the-secret").build(), ctx -> { }));
        worker.start();
        assertThatThrownBy(() -> worker.awaitReady(It.WAIT))
                .isInstanceOf(AgentException.class)
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.UNAUTHENTICATED))
                .hasMessageContaining("401")
                .hasMessageContaining("LIVEKIT_API_KEY").hasMessageContaining("LIVEKIT_API_SECRET");
        assertThat(worker.status()).isEqualTo(WorkerStatus.STOPPED);
        assertThat(worker.failure()).hasValueSatisfying(f -> assertThat(f.isRetryable()).isFalse());
        assertThat(worker.awaitTermination(It.WAIT)).isTrue();
        Thread.sleep(300);
        assertThat(rec.rejectedConnections).as("no retry with bad credentials").hasSize(1);

        Worker unknownKey = closeLater(Worker.create(It.options(server).apiKey("nobody").build(), ctx -> { }));
        unknownKey.start();
        assertThatThrownBy(() -> unknownKey.awaitReady(It.WAIT)).isInstanceOf(AgentException.class)
                .hasMessageContaining("nobody");
    }

    @Test
    void theWorkerGivesUpAfterTheConfiguredAttempts() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        DevServer credentials = server(DispatchMode.STRICT_OSS);
        Worker worker = closeLater(Worker.create(It.options("ws://127.0.0.1:" + deadPort, credentials)
                .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(10))
                        .maxDelay(Duration.ofMillis(40)).maxAttempts(3).build()).build(), ctx -> { }));
        Recorder events = new Recorder();
        worker.addListener(events);
        worker.start();
        assertThatThrownBy(() -> worker.awaitReady(It.WAIT)).isInstanceOf(AgentException.class)
                .satisfies(e -> assertThat(((AgentException) e).code())
                        .isEqualTo(AgentException.Code.RECONNECT_EXHAUSTED))
                .hasMessageContaining("3 attempt").hasMessageContaining(String.valueOf(deadPort));
        assertThat(worker.awaitTermination(It.WAIT)).isTrue();
        await("listener events delivered", () -> events.disconnects.size() == 3);
        assertThat(events.events).filteredOn(e -> e.startsWith("disconnected"))
                .containsExactly("disconnected CONNECTION_FAILED attempt 2", "disconnected CONNECTION_FAILED attempt 3",
                        "disconnected CONNECTION_FAILED attempt 4 giving up");
        await("final status event delivered", () -> events.statuses.contains(WorkerStatus.STOPPED));
        assertThat(events.statuses).containsExactly(WorkerStatus.STOPPED);
    }
}
