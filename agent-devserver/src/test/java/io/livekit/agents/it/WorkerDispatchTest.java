package io.livekit.agents.it;

import io.livekit.agents.JobContext;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobRequest;
import io.livekit.agents.JobType;
import io.livekit.agents.MdcKeys;
import io.livekit.agents.JobHandler;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.devserver.WorkerInfo;
import io.livekit.agents.internal.auth.LiveKitTokens;
import io.livekit.agents.internal.auth.VerifiedToken;
import io.livekit.agents.it.support.It;
import io.livekit.agents.it.support.Recorder;
import io.livekit.agents.it.support.WorkerTestBase;
import livekit.LivekitAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Job offers against the dev server: accept, reject, reject with terminate. */
class WorkerDispatchTest extends WorkerTestBase {

    private Worker other;

    @AfterEach
    void stopOther() {
        if (other != null) {
            other.close();
        }
    }

    @Test
    void acceptedJobRunsWithItsContextAndEndsInSuccess(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        BlockingQueue<JobContext> started = new ArrayBlockingQueue<>(1);
        CountDownLatch finish = new CountDownLatch(1);
        String[] threadName = new String[1];
        worker = Worker.create(It.options(server).agentName("echo").build(), ctx -> {
            threadName[0] = Thread.currentThread().getName();
            started.add(ctx);
            finish.await();
        });
        worker.addListener(rec);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        assertThat(worker.status()).isEqualTo(WorkerStatus.IDLE);
        String workerId = worker.workerId().orElseThrow();
        WorkerInfo registered = server.awaitWorker(w -> w.id().equals(workerId), It.WAIT);
        assertThat(registered.agentName()).isEqualTo("echo");
        assertThat(registered.jobType()).isEqualTo(LivekitAgent.JobType.JT_ROOM);
        assertThat(registered.permissions().getAgent()).isTrue();

        String dispatchId = server.createDispatch("lobby", "echo", "{\"greeting\":\"hi\"}");
        JobContext ctx = started.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(ctx).as("the handler ran").isNotNull();
        assertThat(ctx.job().room().name()).isEqualTo("lobby");
        assertThat(ctx.job().metadata()).isEqualTo("{\"greeting\":\"hi\"}");
        assertThat(ctx.job().dispatchId()).isEqualTo(dispatchId);
        assertThat(ctx.job().agentName()).isEqualTo("echo");
        assertThat(ctx.job().type()).isEqualTo(JobType.ROOM);
        assertThat(ctx.job().participant()).isEmpty();
        assertThat(ctx.workerId()).isEqualTo(workerId);
        assertThat(ctx.url()).as("no assignment URL: the worker's own").isEqualTo(server.url());
        assertThat(ctx.participantIdentity()).isEqualTo("agent-" + ctx.job().id());
        assertThat(ctx.isCancelled()).isFalse();

        // the token the server minted for the accepted identity, with our agent-name attribute
        VerifiedToken token = LiveKitTokens.verify(ctx.token(), k -> server.keys().get(k));
        assertThat(token.identity()).isEqualTo("agent-" + ctx.job().id());
        assertThat(token.string("kind")).isEqualTo("agent");
        assertThat(token.videoString("room")).isEqualTo("lobby");
        assertThat(token.videoFlag("roomJoin")).isTrue();
        assertThat(token.attributes()).containsEntry("lk.agent.name", "echo");

        // the logging context of the job (its MDC on the job's thread is checked in agent-core's JobRunnerTest)
        assertThat(ctx.loggingContext()).containsEntry(MdcKeys.JOB_ID, ctx.job().id())
                .containsEntry(MdcKeys.ROOM, "lobby").containsEntry(MdcKeys.WORKER_ID, workerId)
                .containsEntry(MdcKeys.AGENT_NAME, "echo");
        assertThat(threadName[0]).contains(ctx.job().id());

        // the server sees the job running on this worker, and the worker BUSY
        assertThat(It.awaitValue("job placed", () -> It.jobOf(server, "lobby", dispatchId)).getState()
                .getParticipantIdentity()).isEqualTo("agent-" + ctx.job().id());
        await("RUNNING reported", () -> rec.statusesOf(ctx.job().id()).contains(LivekitAgent.JobStatus.JS_RUNNING));
        await("worker BUSY", () -> worker.status() == WorkerStatus.BUSY);
        assertThat(worker.activeJobs()).containsExactly(ctx.job());
        await("server sees one job", () -> rec.lastServerStatus(workerId) != null
                && rec.lastServerStatus(workerId).reportedJobCount() == 1);

        finish.countDown();
        await("SUCCESS on the server", () -> It.statusOf(server, "lobby", dispatchId)
                .filter(s -> s == LivekitAgent.JobStatus.JS_SUCCESS).isPresent());
        await("worker IDLE", () -> worker.status() == WorkerStatus.IDLE);
        assertThat(worker.activeJobs()).isEmpty();
        String id = ctx.job().id();
        await("lifecycle seen by the listener", () -> rec.saw("ended " + id)
                && rec.events.lastIndexOf("status IDLE") > rec.events.indexOf("ended " + id + " SUCCESS"));
        assertThat(rec.events).containsSubsequence("status IDLE", "offered " + id, "accepted " + id + " as agent-" + id,
                "started " + id, "status BUSY", "ended " + id + " SUCCESS", "status IDLE");
        assertThat(rec.answers).singleElement().satisfies(a -> {
            assertThat(a.getAvailable()).isTrue();
            assertThat(a.getParticipantIdentity()).isEqualTo("agent-" + id);
            assertThat(a.getParticipantAttributesMap()).containsEntry("lk.agent.name", "echo");
        });
    }

    @Test
    void acceptWithIdentityNameMetadataAndAttributes(DevServer server) throws Exception {
        BlockingQueue<JobContext> started = new ArrayBlockingQueue<>(1);
        worker = Worker.create(It.options(server).build(), new JobHandler() {
            @Override
            public JobDecision onJobRequest(JobRequest request) {
                return JobDecision.acceptBuilder().identity("scribe-" + request.job().room().name())
                        .name("Scribe").metadata("{\"v\":2}").attribute("language", "de").build();
            }

            @Override
            public void onJob(JobContext ctx) throws Exception {
                started.add(ctx);
                ctx.awaitCancellation();
            }
        });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        server.createRoom("kitchen");   // automatic dispatch: workers without an agent name
        JobContext ctx = started.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(ctx).isNotNull();
        assertThat(ctx.participantIdentity()).isEqualTo("scribe-kitchen");
        VerifiedToken token = LiveKitTokens.verify(ctx.token(), k -> server.keys().get(k));
        assertThat(token.identity()).isEqualTo("scribe-kitchen");
        assertThat(token.string("name")).isEqualTo("Scribe");
        assertThat(token.string("metadata")).isEqualTo("{\"v\":2}");
        assertThat(token.attributes()).containsEntry("language", "de").containsEntry("lk.agent.name", "");
    }

    @Test
    void rejectedOfferGoesToAnotherWorker(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        Recorder rejecterEvents = new Recorder();
        worker = Worker.create(It.options(server).agentName("pool").build(), It.alwaysDeciding(JobDecision.reject()));
        worker.addListener(rejecterEvents);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String rejecterId = worker.workerId().orElseThrow();

        // alone, the rejecting worker refuses and nobody takes the job
        String first = server.createDispatch("r1", "pool", "");
        await("offer refused", () -> !rejecterEvents.rejections.isEmpty());
        await("job given up", () -> rec.notPlaced("pool") == 1);
        assertThat(rec.answers).singleElement().satisfies(a -> {
            assertThat(a.getAvailable()).isFalse();
            assertThat(a.getTerminate()).isFalse();
        });
        assertThat(It.jobsOf(server, "r1", first)).isEmpty();
        assertThat(rejecterEvents.rejections.get(0)).contains("rejected by the handler");

        // with a second, accepting worker, the job ends up there whichever worker is asked first
        BlockingQueue<JobContext> started = new ArrayBlockingQueue<>(4);
        other = Worker.create(It.options(server).agentName("pool").build(), ctx -> started.add(ctx));
        other.start();
        assertThat(other.awaitReady(It.WAIT)).isTrue();
        String acceptorId = other.workerId().orElseThrow();
        for (int i = 0; i < 3; i++) {
            server.createDispatch("r2-" + i, "pool", "");
            JobContext ctx = started.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(ctx).as("job %d placed on the accepting worker", i).isNotNull();
            assertThat(ctx.workerId()).isEqualTo(acceptorId);
        }
        for (int i = 0; i < rec.answers.size(); i++) {
            assertThat(rec.answers.get(i).getAvailable()).isEqualTo(rec.answeredBy.get(i).equals(acceptorId));
        }
        assertThat(rec.answeredBy).contains(rejecterId);
    }

    @Test
    void rejectAndTerminateEndsTheDispatch(DevServer server) throws Exception {
        Recorder rec = new Recorder();
        server.addListener(rec);
        Recorder events = new Recorder();
        worker = Worker.create(It.options(server).agentName("picky").build(),
                It.alwaysDeciding(JobDecision.rejectAndTerminate()));
        worker.addListener(events);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String dispatchId = server.createDispatch("closed-room", "picky", "");
        await("terminating answer", () -> !rec.answers.isEmpty());
        assertThat(rec.answers.get(0).getAvailable()).isFalse();
        assertThat(rec.answers.get(0).getTerminate()).isTrue();
        await("job ended by the server", () -> It.statusOf(server, "closed-room", dispatchId)
                .filter(s -> s == LivekitAgent.JobStatus.JS_SUCCESS).isPresent());
        await("listener saw the terminate", () -> events.saw("rejected"));
        assertThat(events.events).anyMatch(e -> e.endsWith("(terminate)"));
        assertThat(worker.activeJobs()).isEmpty();
        assertThat(worker.status()).isEqualTo(WorkerStatus.IDLE);
    }

    @Test
    void typedHandlerRegistersItsJobType(DevServer server) throws Exception {
        worker = Worker.create(It.options(server).build(),
                (io.livekit.agents.PublisherHandler) (ctx, room, publisher, tracks) -> { });
        assertThat(worker.jobType()).isEqualTo(JobType.PUBLISHER);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        String id = worker.workerId().orElseThrow();
        assertThat(server.awaitWorker(w -> w.id().equals(id), It.WAIT).jobType())
                .isEqualTo(LivekitAgent.JobType.JT_PUBLISHER);
    }
}
