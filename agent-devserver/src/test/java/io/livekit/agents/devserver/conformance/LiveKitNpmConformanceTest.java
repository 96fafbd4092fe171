package io.livekit.agents.devserver.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.devserver.DevServerListener;
import io.livekit.agents.devserver.TestSupport;
import io.livekit.agents.devserver.WorkerInfo;
import io.livekit.agents.devserver.WsClient;
import io.livekit.agents.internal.auth.LiveKitTokens;
import io.livekit.agents.internal.auth.VerifiedToken;
import livekit.LivekitAgent.AvailabilityRequest;
import livekit.LivekitAgent.AvailabilityResponse;
import livekit.LivekitAgent.Job;
import livekit.LivekitAgent.JobStatus;
import livekit.LivekitAgent.JobType;
import livekit.LivekitAgentDispatch.AgentDispatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conformance with LiveKit's own npm software (installed by the build from the committed package-lock.json):
 * the {@code @livekit/agents} worker registers with the dev server and runs dispatched jobs, and
 * {@code livekit-server-sdk} drives the Twirp APIs. Nothing here imitates LiveKit: the node scripts only call the
 * packages' public APIs and report what they saw.
 */
class LiveKitNpmConformanceTest {

    private static final Duration NODE_START = Duration.ofSeconds(90);
    private static final Duration JOB = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    private DevServer server;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<AvailabilityResponse> answers = new CopyOnWriteArrayList<>();
    private final List<Job> assigned = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        NodeProcess.projectDir(); // fail early, with the fix, when the npm packages are missing
        server = DevServer.builder().port(0).listener(new DevServerListener() {
            @Override
            public void onAvailabilityAnswered(Job job, WorkerInfo worker, AvailabilityResponse answer) {
                answers.add(answer);
            }

            @Override
            public void onJobAssigned(Job job, WorkerInfo worker, String token) {
                assigned.add(job);
            }
        }).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        server.close();
    }

    private NodeProcess agentsJsWorker(String agentName, boolean accept) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("LIVEKIT_URL", server.url());
        env.put("LIVEKIT_API_KEY", server.apiKey());
        env.put("LIVEKIT_API_SECRET", server.apiSecret());
        env.put("CONFORMANCE_OUT", out.toString());
        env.put("AGENT_NAME", agentName);
        env.put("ACCEPT", accept ? "accept" : "reject");
        NodeProcess p = NodeProcess.start("worker.mjs", env);
        open.add(p);
        return p;
    }

    private JsonNode awaitFile(String name) throws Exception {
        Path f = out.resolve(name);
        long deadline = System.nanoTime() + JOB.toNanos();
        while (!Files.exists(f)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the agents-js job did not write " + name + " within " + JOB);
            }
            Thread.sleep(50);
        }
        return JSON.readTree(Files.readAllBytes(f));
    }

    @Test
    void agentsJsWorkerRegistersAndRunsDispatchedAndSimulatedJobs() throws Exception {
        NodeProcess worker = agentsJsWorker("js-agent", true);
        JsonNode registered = worker.await(e -> "registered".equals(e.path("event").asText()), NODE_START);
        assertThat(registered.get("workerId").asText()).startsWith("AW_");
        assertThat(registered.get("agentProtocol").asInt()).isEqualTo(1);

        WorkerInfo info = server.awaitWorker(w -> w.agentName().equals("js-agent"), Duration.ofSeconds(5));
        assertThat(info.id()).isEqualTo(registered.get("workerId").asText());
        assertThat(info.jobType()).isEqualTo(JobType.JT_ROOM);
        assertThat(info.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(info.permissions().getCanPublish()).isTrue();
        assertThat(info.permissions().getCanSubscribe()).isTrue();
        // agents-js reports status and load every 2.5 s; the script's load function says 0.1
        server.awaitWorker(w -> w.agentName().equals("js-agent") && Math.abs(w.load() - 0.1f) < 1e-6,
                Duration.ofSeconds(15));

        String dispatchId = server.createDispatch("js-room", "js-agent", "{\"greeting\":\"hello\"}");
        JsonNode request = worker.await(e -> "request".equals(e.path("event").asText()), JOB);
        String jobId = request.get("jobId").asText();
        JsonNode job = awaitFile(jobId + ".json");
        assertThat(job.get("roomName").asText()).isEqualTo("js-room");
        assertThat(job.get("metadata").asText()).isEqualTo("{\"greeting\":\"hello\"}");
        assertThat(job.get("agentName").asText()).isEqualTo("js-agent");
        assertThat(job.get("dispatchId").asText()).isEqualTo(dispatchId);
        assertThat(job.get("workerId").asText()).isEqualTo(info.id());
        assertThat(job.get("url").asText()).isEqualTo(server.url());

        // the job token the worker got is a LiveKit agent token our verifier accepts
        VerifiedToken token = LiveKitTokens.verify(job.get("token").asText(),
                k -> k.equals(server.apiKey()) ? server.apiSecret() : null);
        assertThat(token.identity()).isEqualTo("agent-" + jobId).isEqualTo(job.get("acceptedIdentity").asText());
        assertThat(token.string("kind")).isEqualTo("agent");
        assertThat(token.string("name")).isEqualTo("Conformance Agent");
        assertThat(token.string("metadata")).isEqualTo("agent-metadata");
        assertThat(token.attributes()).containsEntry("role", "conformance")
                .containsEntry("lk.agent.name", "js-agent").containsEntry("lk.agent_name", "js-agent");
        assertThat(token.videoFlag("roomJoin")).isTrue();
        assertThat(token.videoFlag("agent")).isTrue();
        assertThat(token.videoString("room")).isEqualTo("js-room");

        AgentDispatch d = server.listDispatches("js-room").stream().filter(x -> x.getId().equals(dispatchId))
                .findFirst().orElseThrow();
        assertThat(d.getState().getJobsList()).singleElement().satisfies(j -> {
            assertThat(j.getId()).isEqualTo(jobId);
            assertThat(j.getState().getStatus()).isEqualTo(JobStatus.JS_RUNNING);
            assertThat(j.getState().getParticipantIdentity()).isEqualTo("agent-" + jobId);
        });

        // DeleteDispatch: the worker gets JobTermination and ends the job process (its shutdown callbacks run)
        AgentDispatch deleted = server.deleteDispatch("js-room", dispatchId);
        assertThat(deleted.getState().getJobs(0).getState().getStatus()).isEqualTo(JobStatus.JS_SUCCESS);
        assertThat(awaitFile(jobId + ".ended.json").get("jobId").asText()).isEqualTo(jobId);

        // SimulateJobRequest, as `connect --room` sends it (after creating the room through RoomService)
        worker.send("simulate sim-room");
        worker.await(e -> "simulated".equals(e.path("event").asText()), JOB);
        JsonNode simRequest = worker.await(e -> "request".equals(e.path("event").asText())
                && "sim-room".equals(e.path("room").asText()), JOB);
        JsonNode simJob = awaitFile(simRequest.get("jobId").asText() + ".json");
        assertThat(simJob.get("dispatchId").asText()).isEmpty();
        assertThat(simJob.get("roomName").asText()).isEqualTo("sim-room");
        assertThat(server.listRooms()).anyMatch(r -> r.getName().equals("sim-room"));

        // DeleteRoom ends the running simulated job too
        server.deleteRoom("sim-room");
        awaitFile(simRequest.get("jobId").asText() + ".ended.json");
        assertThat(answers).allMatch(AvailabilityResponse::getAvailable);
    }

    @Test
    void aRefusingAgentsJsWorkerHandsJobsOverToTheNextOne() throws Exception {
        NodeProcess refuser = agentsJsWorker("pool-agent", false);
        String refuserId = refuser.await(e -> "registered".equals(e.path("event").asText()), NODE_START)
                .get("workerId").asText();
        // alone, the refusing worker is asked and the job is given up
        server.createDispatch("pool-room-0", "pool-agent", "");
        refuser.await(e -> "request".equals(e.path("event").asText()), JOB);
        long deadline = System.nanoTime() + JOB.toNanos();
        while (answers.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(answers).singleElement().satisfies(a -> {
            assertThat(a.getAvailable()).isFalse();
            assertThat(a.getTerminate()).isFalse();
        });

        NodeProcess accepter = agentsJsWorker("pool-agent", true);
        String accepterId = accepter.await(e -> "registered".equals(e.path("event").asText()), NODE_START)
                .get("workerId").asText();
        server.awaitWorker(w -> w.id().equals(accepterId), Duration.ofSeconds(5));
        for (int i = 1; i <= 3; i++) {
            server.createDispatch("pool-room-" + i, "pool-agent", "n" + i);
        }
        deadline = System.nanoTime() + JOB.toNanos();
        while (assigned.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // every job ends up with the accepting worker, whichever worker was asked first
        assertThat(assigned).hasSize(3).allSatisfy(j -> assertThat(j.getState().getWorkerId()).isEqualTo(accepterId));
        for (Job j : assigned) {
            assertThat(awaitFile(j.getId() + ".json").get("workerId").asText()).isEqualTo(accepterId);
        }
        assertThat(answers).filteredOn(a -> !a.getAvailable()).isNotEmpty();
        assertThat(server.workers()).extracting(WorkerInfo::id).contains(refuserId, accepterId);
    }

    @Test
    void livekitServerSdkDrivesRoomsAndDispatches() throws Exception {
        WsClient worker = TestSupport.registered(server, JobType.JT_ROOM, "sdk-agent");
        open.add(worker);
        NodeProcess sdk = NodeProcess.start("server-sdk.mjs", Map.of(
                "LIVEKIT_URL", server.httpUrl(),
                "LIVEKIT_API_KEY", server.apiKey(),
                "LIVEKIT_API_SECRET", server.apiSecret()));
        open.add(sdk);

        // the raw Java worker accepts the two jobs the script's CreateRoom(agents) and CreateDispatch launch
        List<AvailabilityRequest> offers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            AvailabilityRequest offer = worker.next(NODE_START).getAvailability();
            offers.add(offer);
            TestSupport.accept(worker, offer, "raw-agent-" + i);
        }
        assertThat(offers).extracting(o -> o.getJob().getMetadata())
                .containsExactlyInAnyOrder("from-create-room", "from-create-dispatch");

        assertThat(sdk.waitFor(JOB)).as(sdk.output()).isZero();
        Map<String, JsonNode> steps = new HashMap<>();
        for (JsonNode e : sdk.events()) {
            steps.put(e.get("step").asText(), e);
        }
        assertThat(steps).containsKey("done");
        JsonNode room = steps.get("createRoom");
        assertThat(room.get("name").asText()).isEqualTo("sdk-room");
        assertThat(room.get("sid").asText()).startsWith("RM_");
        assertThat(room.get("emptyTimeout").asInt()).isEqualTo(120);
        assertThat(room.get("metadata").asText()).isEqualTo("room-metadata");
        assertThat(names(steps.get("listRooms"))).containsExactly("sdk-room", "sdk-other");
        assertThat(names(steps.get("listRoomsByName"))).containsExactly("sdk-room");

        JsonNode created = steps.get("createDispatch");
        String dispatchId = created.get("id").asText();
        assertThat(dispatchId).startsWith("AD_");
        assertThat(created.get("agentName").asText()).isEqualTo("sdk-agent");
        assertThat(created.get("metadata").asText()).isEqualTo("from-create-dispatch");

        JsonNode listed = steps.get("listDispatch").get("dispatches");
        assertThat(listed).hasSize(2);
        for (JsonNode d : listed) {
            assertThat(d.get("agentName").asText()).isEqualTo("sdk-agent");
            assertThat(d.get("createdAt").asText()).matches("\\d{19}");
            assertThat(d.get("jobs")).hasSize(1);
            assertThat(d.get("jobs").get(0).get("status").asInt()).isEqualTo(JobStatus.JS_RUNNING_VALUE);
            assertThat(d.get("jobs").get(0).get("identity").asText()).startsWith("raw-agent-");
        }
        assertThat(steps.get("getDispatch").get("id").asText()).isEqualTo(dispatchId);
        assertThat(steps.get("deleteDispatch").get("remaining")).hasSize(1);
        assertThat(steps.get("deleteDispatch").get("remaining").get(0).asText()).isNotEqualTo(dispatchId);
        assertThat(steps.get("listParticipants").get("count").asInt()).isZero();
        assertThat(names(steps.get("deleteRoom"))).containsExactly("sdk-other");

        // DeleteDispatch and DeleteRoom reached the worker as terminations of both jobs
        List<String> terminated = List.of(worker.next(JOB).getTermination().getJobId(),
                worker.next(JOB).getTermination().getJobId());
        assertThat(terminated).containsExactlyInAnyOrderElementsOf(offers.stream().map(o -> o.getJob().getId()).toList());

        assertFailure(steps.get("wrongSecret"), 401, "unauthenticated", "signature does not match");
        assertFailure(steps.get("wrongKey"), 401, "unauthenticated", "invalid API key 'not-a-key'");
        assertFailure(steps.get("expiredToken"), 401, "unauthenticated", "expired");
        assertFailure(steps.get("deleteMissingRoom"), 404, "not_found", "requested room does not exist");
        assertFailure(steps.get("deleteMissingDispatch"), 404, "not_found", "dispatch ID not found");
        assertThat(steps.get("tokenRoundTrip").get("identity").asText()).isEqualTo("sdk-user");
    }

    private static List<String> names(JsonNode step) {
        List<String> out = new ArrayList<>();
        step.get("names").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void assertFailure(JsonNode step, int status, String code, String message) {
        assertThat(step.get("failed").asBoolean()).as("%s", step).isTrue();
        assertThat(step.get("status").asInt()).as("%s", step).isEqualTo(status);
        assertThat(step.get("code").asText()).as("%s", step).isEqualTo(code);
        assertThat(step.get("message").asText()).as("%s", step).contains(message);
    }
}
