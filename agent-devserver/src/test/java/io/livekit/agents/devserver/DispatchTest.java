package io.livekit.agents.devserver;

import io.livekit.agents.internal.auth.LiveKitTokens;
import io.livekit.agents.internal.auth.VerifiedToken;
import livekit.LivekitAgent.AvailabilityRequest;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobAssignment;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgent.MigrateJobRequest;
import livekit.LivekitAgent.RegisterWorkerRequest;
import livekit.LivekitAgent.ServerMessage;
import livekit.LivekitAgent.SimulateJobRequest;
import livekit.LivekitAgent.UpdateJobStatus;
import livekit.LivekitAgent.UpdateWorkerStatus;
import livekit.LivekitAgent.WorkerMessage;
import livekit.LivekitAgent.WorkerStatus;
import livekit.LivekitAgentDispatch.AgentDispatch;
import livekit.LivekitAgentDispatch.RoomAgentDispatch;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.ParticipantPermission;
import livekit.LivekitModels.Room;
import livekit.LivekitRoom.CreateRoomRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static io.livekit.agents.devserver.TestSupport.WAIT;
import static io.livekit.agents.devserver.TestSupport.accept;
import static io.livekit.agents.devserver.TestSupport.agentUrl;
import static io.livekit.agents.devserver.TestSupport.answer;
import static io.livekit.agents.devserver.TestSupport.nextOffer;
import static io.livekit.agents.devserver.TestSupport.registered;
import static io.livekit.agents.devserver.TestSupport.workerToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LiveKit's dispatch rules, driven by raw workers over the real {@code /agent} socket. */
class DispatchTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> notPlaced = new CopyOnWriteArrayList<>();
    private final List<Job> statuses = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private DevServer start(DevServer.Builder b) {
        DevServer s = b.listener(new DevServerListener() {
            @Override
            public void onJobNotPlaced(Job job, String reason) {
                notPlaced.add(job.getRoom().getName() + ": " + reason);
            }

            @Override
            public void onJobStatus(Job job) {
                statuses.add(job);
            }
        }).build().start();
        open.add(s);
        return s;
    }

    private DevServer start() {
        return start(TestSupport.quickServer());
    }

    private WsClient worker(DevServer s, JobType type, String agentName) throws Exception {
        WsClient c = registered(s, type, agentName);
        open.add(c);
        return c;
    }

    private static void update(WsClient c, WorkerStatus status, float load) {
        c.send(WorkerMessage.newBuilder().setUpdateWorker(UpdateWorkerStatus.newBuilder()
                .setStatus(status).setLoad(load)).build());
    }

    private static void updateJob(WsClient c, String jobId, JobStatus status, String error) {
        c.send(WorkerMessage.newBuilder().setUpdateJob(UpdateJobStatus.newBuilder()
                .setJobId(jobId).setStatus(status).setError(error)).build());
    }

    private static <T> T await(java.util.function.Supplier<T> value, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T v = value.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = value.get();
        }
        assertThat(done.test(v)).as("condition never met; last value %s", v).isTrue();
        return v;
    }

    @Test
    void automaticDispatchAssignsARoomJobWithAnAgentToken() throws Exception {
        DevServer s = start();
        WsClient w = worker(s, JobType.JT_ROOM, "");
        String workerId = s.workers().get(0).id();

        Room room = s.createRoom(CreateRoomRequest.newBuilder().setName("lobby").setMetadata("room-meta").build());
        assertThat(room.getSid()).startsWith("RM_");
        assertThat(room.getEmptyTimeout()).isEqualTo(300);
        assertThat(room.getDepartureTimeout()).isEqualTo(20);

        AvailabilityRequest offer = nextOffer(w);
        Job job = offer.getJob();
        assertThat(job.getId()).startsWith("AJ_");
        assertThat(job.getDispatchId()).startsWith("AD_");
        assertThat(job.getType()).isEqualTo(JobType.JT_ROOM);
        assertThat(job.getRoom().getName()).isEqualTo("lobby");
        assertThat(job.getRoom().getSid()).isEqualTo(room.getSid());
        assertThat(job.getRoom().getMetadata()).isEqualTo("room-meta");
        assertThat(job.getAgentName()).isEmpty();
        assertThat(job.hasParticipant()).isFalse();
        assertThat(job.getState().getStatus()).isEqualTo(JobStatus.JS_RUNNING);
        assertThat(job.getState().getWorkerId()).isEqualTo(workerId);
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        assertThat(job.getState().getStartedAt()).isBetween(nowNanos - 60_000_000_000L, nowNanos + 60_000_000_000L);
        assertThat(offer.getResuming()).isFalse();

        w.send(WorkerMessage.newBuilder().setAvailability(AvailabilityResponse.newBuilder()
                .setJobId(job.getId()).setAvailable(true)
                .setParticipantIdentity("agent-1").setParticipantName("Agent One")
                .setParticipantMetadata("{\"m\":1}")
                .putParticipantAttributes("lk.agent.name", "")
                .putParticipantAttributes("color", "blue")).build());
        ServerMessage m = w.next(WAIT);
        JobAssignment a = m.getAssignment();
        assertThat(a.getJob().getId()).isEqualTo(job.getId());
        assertThat(a.getJob().getState().getParticipantIdentity()).isEqualTo("agent-1");
        assertThat(a.hasUrl()).isFalse();

        VerifiedToken t = LiveKitTokens.verify(a.getToken(), k -> k.equals(s.apiKey()) ? s.apiSecret() : null);
        assertThat(t.identity()).isEqualTo("agent-1");
        assertThat(t.string("kind")).isEqualTo("agent");
        assertThat(t.string("name")).isEqualTo("Agent One");
        assertThat(t.string("metadata")).isEqualTo("{\"m\":1}");
        assertThat(t.attributes()).containsEntry("color", "blue").containsEntry("lk.agent.name", "")
                .containsEntry("lk.agent_name", "");
        assertThat(t.videoFlag("roomJoin")).isTrue();
        assertThat(t.videoFlag("agent")).isTrue();
        assertThat(t.videoString("room")).isEqualTo("lobby");
        assertThat(t.videoFlag("canPublish")).isTrue();
        assertThat(t.videoFlag("canSubscribe")).isTrue();
        assertThat(t.videoFlag("canPublishData")).isTrue();
        assertThat(t.videoFlag("canUpdateOwnMetadata")).isTrue();
        assertThat(t.video()).containsEntry("canSubscribeMetrics", false).doesNotContainKey("hidden");
        assertThat(Duration.between(java.time.Instant.now(), t.expiresAt()))
                .isBetween(Duration.ofMinutes(58), Duration.ofMinutes(61));

        List<AgentDispatch> ds = s.listDispatches("lobby");
        assertThat(ds).singleElement().satisfies(d -> {
            assertThat(d.getAgentName()).isEmpty();
            assertThat(d.getState().getCreatedAt()).isGreaterThan(nowNanos - 60_000_000_000L);
            assertThat(d.getState().getJobsList()).singleElement().satisfies(j -> {
                assertThat(j.getId()).isEqualTo(job.getId());
                assertThat(j.getState().getStatus()).isEqualTo(JobStatus.JS_RUNNING);
                assertThat(j.getState().getParticipantIdentity()).isEqualTo("agent-1");
            });
        });
        assertThat(s.workers().get(0).runningJobIds()).containsExactly(job.getId());

        updateJob(w, job.getId(), JobStatus.JS_SUCCESS, "");
        Job done = await(() -> s.listDispatches("lobby").get(0).getState().getJobs(0),
                j -> j.getState().getStatus() == JobStatus.JS_SUCCESS);
        assertThat(done.getState().getEndedAt()).isGreaterThanOrEqualTo(done.getState().getStartedAt());
        assertThat(s.workers().get(0).runningJobIds()).isEmpty();
    }

    @Test
    void namedAgentsOnlyGetExplicitDispatches() throws Exception {
        DevServer s = start();
        WsClient unnamed = worker(s, JobType.JT_ROOM, "");
        WsClient named = worker(s, JobType.JT_ROOM, "helper");

        s.createRoom("r1");
        assertThat(nextOffer(unnamed).getJob().getRoom().getName()).isEqualTo("r1");
        named.expectSilence(QUIET);

        String dispatchId = s.createDispatch("r1", "helper", "{\"task\":1}");
        AvailabilityRequest offer = nextOffer(named);
        assertThat(offer.getJob().getDispatchId()).isEqualTo(dispatchId);
        assertThat(offer.getJob().getAgentName()).isEqualTo("helper");
        assertThat(offer.getJob().getMetadata()).isEqualTo("{\"task\":1}");
        unnamed.expectSilence(QUIET);

        // a room created with agents gets exactly those dispatches: no automatic one
        s.createRoom(CreateRoomRequest.newBuilder().setName("r2")
                .addAgents(RoomAgentDispatch.newBuilder().setAgentName("helper").setMetadata("from-room")).build());
        AvailabilityRequest offer2 = nextOffer(named);
        assertThat(offer2.getJob().getMetadata()).isEqualTo("from-room");
        unnamed.expectSilence(QUIET);
        assertThat(s.listDispatches("r2")).singleElement().extracting(AgentDispatch::getAgentName).isEqualTo("helper");
        // CreateRoom on an existing room returns it unchanged and launches nothing
        assertThat(s.createRoom("r2").getName()).isEqualTo("r2");
        named.expectSilence(QUIET);
        assertThat(s.listRooms()).extracting(Room::getName).containsExactly("r1", "r2");
    }

    @Test
    void createDispatchCreatesTheRoomWithItsAutomaticDispatch() throws Exception {
        DevServer s = start();
        WsClient unnamed = worker(s, JobType.JT_ROOM, "");
        WsClient named = worker(s, JobType.JT_ROOM, "helper");
        s.createDispatch("fresh", "helper", "");
        // as LiveKit: auto-creating the room launches its automatic dispatch too
        assertThat(nextOffer(unnamed).getJob().getRoom().getName()).isEqualTo("fresh");
        assertThat(nextOffer(named).getJob().getAgentName()).isEqualTo("helper");
        assertThat(s.listDispatches("fresh")).extracting(AgentDispatch::getAgentName).containsExactly("", "helper");
    }

    @Test
    void jobsForAgentsNobodyServesAreDroppedNotQueued() throws Exception {
        DevServer s = start();
        s.createDispatch("r", "nobody", "");
        await(() -> notPlaced, l -> l.stream().anyMatch(
                x -> x.contains("not dispatching agent job since no worker is available")));
        WsClient late = worker(s, JobType.JT_ROOM, "nobody");
        late.expectSilence(QUIET);
        assertThat(s.listDispatches("r")).allSatisfy(d -> assertThat(d.getState().getJobsList()).isEmpty());
        // a publisher-type worker gets no room jobs
        WsClient publisher = worker(s, JobType.JT_PUBLISHER, "");
        s.createRoom("r2");
        publisher.expectSilence(QUIET);
    }

    @Test
    void aRefusalFallsOverToTheNextWorkerAndTerminateStopsIt() throws Exception {
        DevServer s = start();
        WsClient a = worker(s, JobType.JT_ROOM, "pool");
        WsClient b = worker(s, JobType.JT_ROOM, "pool");
        WsClient c = worker(s, JobType.JT_ROOM, "pool");

        s.createDispatch("room", "pool", "");
        WsClient first = firstOffered(a, b, c);
        AvailabilityRequest offer = nextOffer(first);
        answer(first, offer, false, false);
        WsClient second = firstOffered(others(first, a, b, c));
        AvailabilityRequest offer2 = nextOffer(second);
        assertThat(offer2.getJob().getId()).isEqualTo(offer.getJob().getId());
        answer(second, offer2, false, false);
        WsClient third = firstOffered(others(second, others(first, a, b, c)));
        answer(third, nextOffer(third), false, false);
        await(() -> notPlaced, l -> l.stream().anyMatch(x -> x.contains("no workers with sufficient capacity")));

        notPlaced.clear();
        s.createDispatch("room", "pool", "");
        WsClient refuser = firstOffered(a, b, c);
        AvailabilityRequest t = nextOffer(refuser);
        answer(refuser, t, false, true);
        for (WsClient x : others(refuser, a, b, c)) {
            x.expectSilence(QUIET);
        }
        Job ended = await(() -> s.listDispatches("room").stream()
                .flatMap(d -> d.getState().getJobsList().stream())
                .filter(j -> j.getId().equals(t.getJob().getId())).findFirst().orElse(null), j -> j != null);
        assertThat(ended.getState().getStatus()).isEqualTo(JobStatus.JS_SUCCESS);
        assertThat(ended.getState().getEndedAt()).isPositive();
        assertThat(notPlaced).isEmpty();
    }

    @Test
    void aWorkerThatClosesDuringTheOfferPassesTheJobOn() throws Exception {
        DevServer s = start();
        WsClient a = worker(s, JobType.JT_ROOM, "");
        WsClient b = worker(s, JobType.JT_ROOM, "");
        s.createRoom("room");
        WsClient first = firstOffered(a, b);
        String jobId = nextOffer(first).getJob().getId();
        first.close();
        WsClient other = first == a ? b : a;
        assertThat(nextOffer(other).getJob().getId()).isEqualTo(jobId);
    }

    @Test
    void strictDeadlineDropsTheJobWhileLenientTriesTheNextWorker() throws Exception {
        DevServer strict = start(TestSupport.quickServer().availabilityTimeout(Duration.ofMillis(400)));
        WsClient a = worker(strict, JobType.JT_ROOM, "");
        WsClient b = worker(strict, JobType.JT_ROOM, "");
        strict.createRoom("slow");
        WsClient first = firstOffered(a, b);
        AvailabilityRequest late = nextOffer(first);
        assertThat(await(() -> notPlaced, l -> !l.isEmpty())).singleElement().asString()
                .contains("context deadline exceeded");
        (first == a ? b : a).expectSilence(QUIET);
        // a late answer is ignored: no assignment
        answer(first, late, true, false);
        first.expectSilence(QUIET);
        assertThat(strict.listDispatches("slow").get(0).getState().getJobsList()).isEmpty();
    }

    @Test
    void lenientModeTriesTheNextWorkerAfterATimeout() throws Exception {
        // the second worker must answer within the timeout, which a loaded machine must be able to do
        DevServer lenient = start(TestSupport.quickServer().dispatchMode(DispatchMode.LENIENT)
                .availabilityTimeout(Duration.ofMillis(1500)));
        WsClient a = worker(lenient, JobType.JT_ROOM, "");
        WsClient b = worker(lenient, JobType.JT_ROOM, "");
        lenient.createRoom("slow");
        WsClient first = firstOffered(a, b);
        String jobId = nextOffer(first).getJob().getId();
        WsClient second = first == a ? b : a;
        AvailabilityRequest retry = nextOffer(second);
        assertThat(retry.getJob().getId()).isEqualTo(jobId);
        accept(second, retry, "agent");
        assertThat(notPlaced).isEmpty();
    }

    @Test
    void workersAreChosenByLoadAndStatus() throws Exception {
        DevServer s = start();
        WsClient busy = worker(s, JobType.JT_ROOM, "");
        WsClient full = worker(s, JobType.JT_ROOM, "");
        WsClient idle = worker(s, JobType.JT_ROOM, "");
        update(busy, WorkerStatus.WS_AVAILABLE, 1.0f);
        update(full, WorkerStatus.WS_FULL, 0f);
        update(idle, WorkerStatus.WS_AVAILABLE, 0.2f);
        // all three reports must be in before the first room: each comes on its own connection
        s.awaitWorker(w -> w.load() == 1.0f, WAIT);
        s.awaitWorker(w -> w.status() == WorkerStatus.WS_FULL, WAIT);
        s.awaitWorker(w -> w.load() == 0.2f, WAIT);
        for (int i = 0; i < 10; i++) {
            s.createRoom("room-" + i);
            answer(idle, nextOffer(idle), false, true);
        }
        busy.expectSilence(QUIET);
        full.expectSilence(Duration.ZERO);

        // target_load: nobody available below 0.7 -> not placed at all
        update(idle, WorkerStatus.WS_AVAILABLE, 0.8f);
        s.awaitWorker(w -> w.load() == 0.8f, WAIT);
        s.createRoom("overloaded");
        assertThat(await(() -> notPlaced, l -> !l.isEmpty())).singleElement().asString()
                .contains("no servers available").contains("target_load 0.7");
        idle.expectSilence(QUIET);
    }

    @Test
    void selectionIsWeightedByOneMinusLoad() throws Exception {
        DevServer s = start();
        WsClient light = worker(s, JobType.JT_ROOM, "");
        WsClient heavy = worker(s, JobType.JT_ROOM, "");
        update(light, WorkerStatus.WS_AVAILABLE, 0.0f);
        update(heavy, WorkerStatus.WS_AVAILABLE, 0.6f);
        s.awaitWorker(w -> w.load() == 0.6f, WAIT);
        int lightCount = 0;
        int heavyCount = 0;
        for (int i = 0; i < 200; i++) {
            s.createRoom("w-" + i);
            AvailabilityRequest offer = null;
            while (offer == null) {
                Object got = light.received.poll();
                if (got != null) {
                    offer = ServerMessage.parseFrom((byte[]) got).getAvailability();
                    lightCount++;
                    answer(light, offer, false, true);
                    continue;
                }
                got = heavy.received.poll();
                if (got != null) {
                    offer = ServerMessage.parseFrom((byte[]) got).getAvailability();
                    heavyCount++;
                    answer(heavy, offer, false, true);
                    continue;
                }
                Thread.sleep(1);
            }
        }
        // weights 1.0 and 0.4: expected 143 vs 57; the bounds hold with overwhelming probability
        assertThat(lightCount + heavyCount).isEqualTo(200);
        assertThat(lightCount).isBetween(115, 175);
        assertThat(heavyCount).isBetween(25, 85);
    }

    @Test
    void deleteDispatchTerminatesItsJobsAsSuccess() throws Exception {
        DevServer s = start();
        WsClient w = worker(s, JobType.JT_ROOM, "helper");
        String id = s.createDispatch("room", "helper", "");
        AvailabilityRequest offer = nextOffer(w);
        accept(w, offer, "agent-x");
        AgentDispatch deleted = s.deleteDispatch("room", id);
        ServerMessage m = w.next(WAIT);
        assertThat(m.getTermination().getJobId()).isEqualTo(offer.getJob().getId());
        assertThat(deleted.getState().getDeletedAt()).isPositive();
        assertThat(deleted.getState().getJobs(0).getState().getStatus()).isEqualTo(JobStatus.JS_SUCCESS);
        assertThat(s.listDispatches("room")).extracting(AgentDispatch::getId).doesNotContain(id);
        assertThat(s.workers().get(0).runningJobIds()).isEmpty();
        // a late status update for the terminated job is ignored
        updateJob(w, offer.getJob().getId(), JobStatus.JS_FAILED, "late");
        assertThatThrownBy(() -> s.deleteDispatch("room", id))
                .isInstanceOfSatisfying(DevServerException.class, e -> {
                    assertThat(e.code()).isEqualTo(DevServerException.Code.NOT_FOUND);
                    assertThat(e.getMessage()).contains("dispatch ID not found");
                });
        assertThatThrownBy(() -> s.deleteDispatch("nope", id))
                .isInstanceOfSatisfying(DevServerException.class,
                        e -> assertThat(e.getMessage()).contains("requested room does not exist"));
    }

    @Test
    void deleteRoomTerminatesRunningJobs() throws Exception {
        DevServer s = start();
        WsClient w = worker(s, JobType.JT_ROOM, "");
        s.createRoom("doomed");
        AvailabilityRequest offer = nextOffer(w);
        accept(w, offer, "agent");
        s.deleteRoom("doomed");
        assertThat(w.next(WAIT).getTermination().getJobId()).isEqualTo(offer.getJob().getId());
        Job last = await(() -> statuses, l -> !l.isEmpty()).get(statuses.size() - 1);
        assertThat(last.getState().getStatus()).isEqualTo(JobStatus.JS_FAILED);
        assertThat(last.getState().getError()).isEqualTo("agent worker left the room");
        assertThat(s.listRooms()).isEmpty();
        assertThatThrownBy(() -> s.listDispatches("doomed")).isInstanceOf(DevServerException.class);
        assertThatThrownBy(() -> s.deleteRoom("doomed"))
                .isInstanceOfSatisfying(DevServerException.class,
                        e -> assertThat(e.code()).isEqualTo(DevServerException.Code.NOT_FOUND));
    }

    @Test
    void emptyRoomsCloseAfterTheirTimeout() throws Exception {
        DevServer s = start(TestSupport.quickServer().roomEmptyTimeout(Duration.ofSeconds(1)));
        WsClient w = worker(s, JobType.JT_ROOM, "");
        s.createRoom("short-lived");
        s.createRoom(CreateRoomRequest.newBuilder().setName("long-lived").setEmptyTimeout(600).build());
        AvailabilityRequest first = nextOffer(w);
        AvailabilityRequest second = nextOffer(w);
        AvailabilityRequest shortOffer = first.getJob().getRoom().getName().equals("short-lived") ? first : second;
        accept(w, shortOffer, "a");
        ServerMessage m = w.next(Duration.ofSeconds(10));
        assertThat(m.getTermination().getJobId()).isEqualTo(shortOffer.getJob().getId());
        assertThat(s.listRooms()).extracting(Room::getName).containsExactly("long-lived");
    }

    @Test
    void aDisconnectedWorkersJobsAreDroppedAndMigrationIsIgnoredInStrictMode() throws Exception {
        DevServer s = start();
        WsClient w = worker(s, JobType.JT_ROOM, "");
        s.createRoom("room");
        String jobId = accept(w, nextOffer(w), "agent").getJob().getId();
        w.close();
        await(s::workers, List::isEmpty);

        WsClient back = worker(s, JobType.JT_ROOM, "");
        back.send(WorkerMessage.newBuilder().setMigrateJob(MigrateJobRequest.newBuilder().addJobIds(jobId)).build());
        WorkerInfo info = s.awaitWorker(x -> x.migratedJobIds().contains(jobId), WAIT);
        assertThat(info.runningJobIds()).isEmpty();
        updateJob(back, jobId, JobStatus.JS_SUCCESS, "");
        back.expectSilence(QUIET);
        // as LiveKit: the dispatch keeps the state it had when the worker left
        assertThat(s.listDispatches("room").get(0).getState().getJobs(0).getState().getStatus())
                .isEqualTo(JobStatus.JS_RUNNING);
        // and a termination no longer reaches anyone
        s.deleteRoom("room");
        back.expectSilence(QUIET);
    }

    @Test
    void lenientModeReattachesMigratedJobs() throws Exception {
        DevServer s = start(TestSupport.quickServer().dispatchMode(DispatchMode.LENIENT));
        WsClient w = worker(s, JobType.JT_ROOM, "");
        s.createRoom("room");
        String jobId = accept(w, nextOffer(w), "agent").getJob().getId();
        s.restart();
        await(s::workers, List::isEmpty);
        assertThat(w.awaitClose(WAIT).code()).isEqualTo(1001);

        WsClient back = worker(s, JobType.JT_ROOM, "");
        back.send(WorkerMessage.newBuilder().setMigrateJob(MigrateJobRequest.newBuilder().addJobIds(jobId)).build());
        WorkerInfo info = s.awaitWorker(x -> x.runningJobIds().contains(jobId), WAIT);
        updateJob(back, jobId, JobStatus.JS_FAILED, "crashed");
        Job j = await(() -> s.listDispatches("room").get(0).getState().getJobs(0),
                x -> x.getState().getStatus() == JobStatus.JS_FAILED);
        assertThat(j.getState().getError()).isEqualTo("crashed");
        assertThat(j.getState().getWorkerId()).isEqualTo(info.id());
    }

    @Test
    void restartKeepsThePortAndTheRooms() throws Exception {
        DevServer s = start();
        int port = s.port();
        WsClient w = worker(s, JobType.JT_ROOM, "");
        s.createRoom("kept");
        nextOffer(w);
        s.stop();
        assertThat(s.isRunning()).isFalse();
        assertThat(w.awaitClose(WAIT)).isNotNull();
        assertThatThrownBy(() -> WsClient.connect(agentUrl(s), workerToken(s))).isNotNull();
        s.start();
        assertThat(s.port()).isEqualTo(port);
        assertThat(s.listRooms()).extracting(Room::getName).containsExactly("kept");
        WsClient again = worker(s, JobType.JT_ROOM, "");
        s.createDispatch("kept", "", "");
        assertThat(nextOffer(again).getJob().getRoom().getName()).isEqualTo("kept");
        s.close();
        assertThatThrownBy(s::start).isInstanceOfSatisfying(DevServerException.class,
                e -> assertThat(e.code()).isEqualTo(DevServerException.Code.UNAVAILABLE));
    }

    @Test
    void simulatedJobsGoToTheAskingWorker() throws Exception {
        DevServer s = start();
        WsClient other = worker(s, JobType.JT_ROOM, "");
        WsClient w = worker(s, JobType.JT_ROOM, "");
        Room room = Room.newBuilder().setName("sim").setSid("RM_sim").build();
        w.send(WorkerMessage.newBuilder().setSimulateJob(SimulateJobRequest.newBuilder().setRoom(room)).build());
        AvailabilityRequest offer = nextOffer(w);
        assertThat(offer.getJob().getType()).isEqualTo(JobType.JT_ROOM);
        assertThat(offer.getJob().getRoom().getName()).isEqualTo("sim");
        assertThat(offer.getJob().getDispatchId()).isEmpty();
        JobAssignment a = accept(w, offer, "sim-agent");
        assertThat(a.getToken()).isNotEmpty();
        w.send(WorkerMessage.newBuilder().setSimulateJob(SimulateJobRequest.newBuilder().setRoom(room)
                .setParticipant(ParticipantInfo.newBuilder().setIdentity("user"))).build());
        AvailabilityRequest publisher = nextOffer(w);
        assertThat(publisher.getJob().getType()).isEqualTo(JobType.JT_PUBLISHER);
        assertThat(publisher.getJob().getParticipant().getIdentity()).isEqualTo("user");
        other.expectSilence(QUIET);
    }

    @Test
    void registeredPermissionsShapeTheJobToken() throws Exception {
        DevServer s = start();
        WsClient c = WsClient.connect(agentUrl(s), workerToken(s));
        open.add(c);
        c.send(WorkerMessage.newBuilder().setRegister(RegisterWorkerRequest.newBuilder()
                .setType(JobType.JT_ROOM).setAllowedPermissions(ParticipantPermission.newBuilder()
                        .setCanSubscribe(true).setHidden(true).setCanSubscribeMetrics(true))).build());
        c.next(WAIT);
        s.createRoom("quiet");
        JobAssignment a = accept(c, nextOffer(c), "hidden-agent");
        VerifiedToken t = LiveKitTokens.verify(a.getToken(), k -> s.apiSecret());
        assertThat(t.video()).containsEntry("canPublish", false).containsEntry("canSubscribe", true)
                .containsEntry("canPublishData", false).containsEntry("hidden", true)
                .containsEntry("canSubscribeMetrics", true).containsEntry("canUpdateOwnMetadata", false);
    }

    @Test
    void inProcessCallsValidateTheirInput() {
        DevServer s = start();
        assertThatThrownBy(() -> s.createRoom("")).isInstanceOfSatisfying(DevServerException.class,
                e -> assertThat(e.code()).isEqualTo(DevServerException.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> s.listDispatches("missing")).isInstanceOfSatisfying(DevServerException.class,
                e -> assertThat(e.code()).isEqualTo(DevServerException.Code.NOT_FOUND));
        assertThatThrownBy(() -> s.awaitWorker(w -> true, Duration.ofMillis(50)))
                .isInstanceOfSatisfying(DevServerException.class,
                        e -> assertThat(e.code()).isEqualTo(DevServerException.Code.DEADLINE_EXCEEDED));
        assertThat(Map.of("k", s.apiKey())).containsEntry("k", "devkey");
        assertThat(s.url()).isEqualTo("ws://127.0.0.1:" + s.port());
        assertThat(s.httpUrl()).isEqualTo("http://127.0.0.1:" + s.port());
    }

    /** Waits until one of the workers has a message queued, and returns that worker. */
    private static WsClient firstOffered(WsClient... workers) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (WsClient w : workers) {
                if (!w.received.isEmpty()) {
                    return w;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no worker was offered a job");
    }

    private static WsClient[] others(WsClient not, WsClient... all) {
        return java.util.Arrays.stream(all).filter(w -> w != not).toArray(WsClient[]::new);
    }
}
