package io.livekit.agents.it;

import io.livekit.agents.AgentException;
import io.livekit.agents.JobContext;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.WorkerStatus;
import io.livekit.agents.it.support.It;
import io.livekit.agents.it.support.Recorder;
import io.livekit.agents.it.support.ScriptedAgentServer;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import livekit.LivekitAgent;
import livekit.LivekitModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.livekit.agents.it.support.It.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A server that misbehaves: the worker names the problem, reconnects, and never crashes or hangs. */
class WorkerBadInputTest {

    private ScriptedAgentServer server;
    private Worker worker;

    @AfterEach
    void close() {
        if (worker != null) {
            worker.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static WorkerOptions options(String url) {
        return WorkerOptions.builder().url(url).apiKey("devkey").apiSecret("secret")
                .connectTimeout(Duration.ofSeconds(3)).statusInterval(Duration.ofMillis(200))
                .reconnectPolicy(io.livekit.agents.ReconnectPolicy.builder().initialDelay(Duration.ofMillis(20))
                        .maxDelay(Duration.ofMillis(50)).build())
                .build();
    }

    @Test
    void garbageWrongFirstMessagesOversizedFramesAndSilenceLeadToReconnects() throws Exception {
        byte[] garbage = new byte[512];
        new Random(7).nextBytes(garbage);
        garbage[0] = (byte) 0xff;   // an invalid field key: not a parsable message
        List<ScriptedAgentServer.Script> scripts = List.of(
                ch -> ScriptedAgentServer.sendBytes(ch, garbage),
                ch -> ScriptedAgentServer.send(ch, LivekitAgent.ServerMessage.newBuilder()
                        .setTermination(LivekitAgent.JobTermination.newBuilder().setJobId("AJ_x")).build()),
                ch -> ScriptedAgentServer.sendBytes(ch, new byte[3 * 1024 * 1024]),
                ch -> { },   // never answers the registration
                ch -> {
                    ch.writeAndFlush(new TextWebSocketFrame("{\"register\":{}}"));   // ignored: binary only
                    ScriptedAgentServer.send(ch, ScriptedAgentServer.registered("AW_scripted"));
                });
        server = new ScriptedAgentServer(i -> scripts.get(Math.min(i, scripts.size() - 1)));
        worker = Worker.create(options(server.url()), ctx -> { });
        Recorder events = new Recorder();
        worker.addListener(events);
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        assertThat(worker.workerId()).contains("AW_scripted");
        assertThat(server.connections()).isEqualTo(5);
        await("four failures reported", () -> events.disconnects.size() == 4);
        assertThat(events.disconnects).extracting(AgentException::code).containsExactly(
                AgentException.Code.PROTOCOL_ERROR, AgentException.Code.PROTOCOL_ERROR,
                AgentException.Code.PROTOCOL_ERROR, AgentException.Code.TIMEOUT);
        assertThat(events.disconnects.get(0).getMessage()).contains("not a ServerMessage");
        assertThat(events.disconnects.get(1).getMessage()).contains("TERMINATION before answering the registration");
        assertThat(events.disconnects.get(2).getMessage()).contains("oversized").contains("2097152");
        assertThat(events.disconnects.get(3).getMessage()).contains("did not answer the registration");
        assertThat(server.received).allMatch(m -> m.hasRegister() || m.hasUpdateWorker() || m.hasPing());
    }

    @Test
    void unknownAndNonsensicalMessagesAfterRegistrationAreHandledCalmly() throws Exception {
        List<LivekitAgent.WorkerMessage> answers = new CopyOnWriteArrayList<>();
        server = new ScriptedAgentServer(i -> new ScriptedAgentServer.Script() {
            @Override
            public void onRegister(io.netty.channel.Channel ch) {
                ScriptedAgentServer.send(ch, ScriptedAgentServer.registered("AW_calm"));
                // a message kind from a newer server: field 99 only
                ScriptedAgentServer.sendBytes(ch, new byte[]{(byte) 0x9a, 0x06, 0x00});
                // an offer without a job id, and one of an unknown job type
                ScriptedAgentServer.send(ch, LivekitAgent.ServerMessage.newBuilder().setAvailability(
                        LivekitAgent.AvailabilityRequest.newBuilder().setJob(LivekitAgent.Job.newBuilder())).build());
                ScriptedAgentServer.send(ch, LivekitAgent.ServerMessage.newBuilder().setAvailability(
                        LivekitAgent.AvailabilityRequest.newBuilder().setJob(LivekitAgent.Job.newBuilder()
                                .setId("AJ_weird").setTypeValue(42))).build());
                // an assignment nobody accepted, and a termination of an unknown job
                ScriptedAgentServer.send(ch, LivekitAgent.ServerMessage.newBuilder().setAssignment(
                        LivekitAgent.JobAssignment.newBuilder().setJob(LivekitAgent.Job.newBuilder().setId("AJ_stray")
                                .setRoom(LivekitModels.Room.newBuilder().setName("r"))).setToken("t")).build());
                ScriptedAgentServer.send(ch, LivekitAgent.ServerMessage.newBuilder().setTermination(
                        LivekitAgent.JobTermination.newBuilder().setJobId("AJ_nobody")).build());
                // then a proper offer and assignment, with a room URL of its own
                ScriptedAgentServer.send(ch, LivekitAgent.ServerMessage.newBuilder().setAvailability(
                        LivekitAgent.AvailabilityRequest.newBuilder().setJob(job())).build());
            }

            @Override
            public void onMessage(io.netty.channel.Channel ch, LivekitAgent.WorkerMessage m) {
                answers.add(m);
                if (m.hasAvailability() && m.getAvailability().getJobId().equals("AJ_good")
                        && m.getAvailability().getAvailable()) {
                    ScriptedAgentServer.send(ch, LivekitAgent.ServerMessage.newBuilder().setAssignment(
                            LivekitAgent.JobAssignment.newBuilder().setJob(job()).setToken("room-token")
                                    .setUrl("wss://media.example.org")).build());
                }
            }

            private LivekitAgent.Job job() {
                return LivekitAgent.Job.newBuilder().setId("AJ_good").setType(LivekitAgent.JobType.JT_ROOM)
                        .setRoom(LivekitModels.Room.newBuilder().setName("good-room")).build();
            }
        });
        List<JobContext> contexts = new CopyOnWriteArrayList<>();
        worker = Worker.create(options(server.url()), ctx -> contexts.add(ctx));
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();
        await("the good job ran", () -> contexts.size() == 1);
        JobContext ctx = contexts.get(0);
        assertThat(ctx.url()).as("the assignment's URL wins").isEqualTo("wss://media.example.org");
        assertThat(ctx.token()).isEqualTo("room-token");
        await("the good job's end reported", () -> answers.stream().anyMatch(m -> m.hasUpdateJob()
                && m.getUpdateJob().getJobId().equals("AJ_good")
                && m.getUpdateJob().getStatus() == LivekitAgent.JobStatus.JS_SUCCESS));
        assertThat(answers).anySatisfy(m -> {
            assertThat(m.getAvailability().getJobId()).isEqualTo("AJ_weird");
            assertThat(m.getAvailability().getAvailable()).isFalse();
        });
        assertThat(answers).anySatisfy(m -> {
            assertThat(m.getUpdateJob().getJobId()).isEqualTo("AJ_stray");
            assertThat(m.getUpdateJob().getStatus()).isEqualTo(LivekitAgent.JobStatus.JS_FAILED);
        });
        assertThat(server.connections()).as("no reconnect was needed").isEqualTo(1);
        // the worker reports the job's end to the server before it updates its own status
        await("idle", () -> worker.status() == WorkerStatus.IDLE);
    }
}
