package io.livekit.agents.it.room;

import io.livekit.agents.JobInfo;
import io.livekit.agents.JobType;
import io.livekit.agents.Worker;
import io.livekit.agents.devserver.DevServerListener;
import io.livekit.agents.devserver.TestSupport;
import io.livekit.agents.devserver.WsClient;
import io.livekit.agents.it.support.It;
import io.livekit.agents.room.DisconnectReason;
import io.livekit.agents.room.Room;
import livekit.LivekitAgent;
import livekit.LivekitAgentDispatch;
import livekit.LivekitModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job triggers of LiveKit's server with real room clients: a participant joining launches a participant job, a
 * first publication a publisher job (never for agents or egress), an agent leaving fails its job with "agent worker
 * left the room", and a deleted dispatch's agent that stays is removed after 3 s.
 */
class RoomJobsTest extends RoomTestBase {

    private Worker worker;

    @AfterEach
    void closeWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    /** A worker of {@code type} whose jobs join their room and stay until cancelled; jobs go to {@code jobs}. */
    private void startWorker(JobType type, BlockingQueue<JobInfo> jobs) throws InterruptedException {
        worker = Worker.create(It.options(server).jobType(type).build(), ctx -> {
            Room room = ctx.connectRoom();
            jobs.add(ctx.job());
            assertThat(room.localParticipant().identity()).isEqualTo(ctx.participantIdentity());
            ctx.awaitCancellation();
        });
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
    }

    @Test
    void aJoiningParticipantLaunchesAParticipantJobWhoseAgentJoinsTheRoom() throws Exception {
        BlockingQueue<JobInfo> jobs = new ArrayBlockingQueue<>(4);
        startWorker(JobType.PARTICIPANT, jobs);
        RoomRecorder user = new RoomRecorder();
        join("user", user);
        JobInfo job = jobs.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(job).isNotNull();
        assertThat(job.type()).isEqualTo(JobType.PARTICIPANT);
        assertThat(job.participant()).map(p -> p.identity()).contains("user");
        assertThat(job.room().name()).isEqualTo(roomName);
        // the agent is in the room as an agent participant, and it triggered no job of its own
        user.await("joined:agent-" + job.id());
        assertThat(server.listParticipants(roomName)).filteredOn(p -> p.getIdentity().equals("agent-" + job.id()))
                .singleElement().satisfies(p -> assertThat(p.getKind()).isEqualTo(LivekitModels.ParticipantInfo.Kind.AGENT));
        assertThat(jobs.poll(1, TimeUnit.SECONDS)).as("no job for the agent itself").isNull();
        // a second user gets its own job
        join("user2", new RoomRecorder());
        JobInfo second = jobs.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.participant()).map(p -> p.identity()).contains("user2");
    }

    @Test
    void theFirstPublicationLaunchesAPublisherJobOnce() throws Exception {
        BlockingQueue<JobInfo> jobs = new ArrayBlockingQueue<>(4);
        startWorker(JobType.PUBLISHER, jobs);
        Room user = join("user", new RoomRecorder());
        assertThat(jobs.poll(1, TimeUnit.SECONDS)).as("joining publishes nothing").isNull();
        media.publishTone(user);
        JobInfo job = jobs.poll(It.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(job).isNotNull();
        assertThat(job.type()).isEqualTo(JobType.PUBLISHER);
        assertThat(job.participant()).map(p -> p.identity()).contains("user");
        media.publishVideo(user, 160, 120);
        assertThat(jobs.poll(2, TimeUnit.SECONDS)).as("only the first publication launches a job").isNull();
    }

    @Test
    void agentsAndEgressNeverTriggerParticipantOrPublisherJobs() throws Exception {
        List<String> launched = new CopyOnWriteArrayList<>();
        server.addListener(new DevServerListener() {
            @Override
            public void onJobNotPlaced(LivekitAgent.Job job, String reason) {
                launched.add(job.getType() + ":" + job.getParticipant().getIdentity());
            }
        });
        server.createRoom(roomName);
        Room agent = joinWith(RtcEnv.token(server, "bot", roomName, Map.of("agent", true), Map.of("kind", "agent")),
                new RoomRecorder(), true);
        media.publishTone(agent);
        joinWith(RtcEnv.token(server, "rec", roomName, Map.of("recorder", true), Map.of("kind", "egress")),
                new RoomRecorder(), true);
        join("human", new RoomRecorder());
        await("the human's participant job", () -> launched.contains("JT_PARTICIPANT:human"));
        Thread.sleep(500);
        assertThat(launched).filteredOn(s -> !s.startsWith("JT_ROOM")).containsExactly("JT_PARTICIPANT:human");
    }

    @Test
    void aDeletedDispatchsAgentThatStaysIsRemovedAfterThreeSeconds() throws Exception {
        // a raw worker: it accepts and never reports, so only the server's rules act
        try (WsClient raw = TestSupport.registered(server, LivekitAgent.JobType.JT_ROOM, "stayer")) {
            String dispatchId = server.createDispatch(roomName, "stayer", "");
            LivekitAgent.AvailabilityRequest offer = TestSupport.nextOffer(raw);
            LivekitAgent.JobAssignment assignment = TestSupport.accept(raw, offer, "stubborn");
            RoomRecorder rec = new RoomRecorder();
            Room agent = joinWith(assignment.getToken(), rec, true);
            assertThat(agent.localParticipant().identity()).isEqualTo("stubborn");

            long deleted = System.nanoTime();
            LivekitAgentDispatch.AgentDispatch gone = server.deleteDispatch(roomName, dispatchId);
            assertThat(raw.next(TestSupport.WAIT).hasTermination()).isTrue();
            rec.await("disconnected:" + DisconnectReason.PARTICIPANT_REMOVED);
            assertThat(System.nanoTime() - deleted).as("removed after the 3 s grace")
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2900));
            // the job ended as SUCCESS when the dispatch was deleted; the agent's later removal does not change it
            assertThat(gone.getState().getJobsList()).singleElement()
                    .satisfies(j -> assertThat(j.getState().getStatus()).isEqualTo(LivekitAgent.JobStatus.JS_SUCCESS));
            raw.expectSilence(Duration.ofMillis(500));
        }
    }

    @Test
    void anAgentJoiningWithItsAssignmentTokenAndLeavingFailsTheRawWorkersJob() throws Exception {
        try (WsClient raw = TestSupport.registered(server, LivekitAgent.JobType.JT_ROOM, "")) {
            server.createRoom(roomName);
            LivekitAgent.AvailabilityRequest offer = TestSupport.nextOffer(raw);
            LivekitAgent.JobAssignment assignment = TestSupport.accept(raw, offer, "agent-x");
            Room agent = joinWith(assignment.getToken(), new RoomRecorder(), true);
            agent.disconnect();
            LivekitAgent.ServerMessage m = raw.next(TestSupport.WAIT);
            assertThat(m.getTermination().getJobId()).isEqualTo(offer.getJob().getId());
            String dispatchId = server.listDispatches(roomName).get(0).getId();
            LivekitAgent.Job job = It.awaitValue("the job's end", () -> It.jobOf(server, roomName, dispatchId)
                    .filter(j -> j.getState().getStatus() == LivekitAgent.JobStatus.JS_FAILED));
            assertThat(job.getState().getError()).isEqualTo("agent worker left the room");
        }
    }
}
