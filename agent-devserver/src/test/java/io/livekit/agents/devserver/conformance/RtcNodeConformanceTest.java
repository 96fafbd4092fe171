package io.livekit.agents.devserver.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.livekit.agents.JobContext;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobRequest;
import io.livekit.agents.JobType;
import io.livekit.agents.ParticipantHandler;
import io.livekit.agents.Worker;
import io.livekit.agents.devserver.DevServer;
import io.livekit.agents.it.room.RtcEnv;
import io.livekit.agents.it.support.It;
import io.livekit.agents.room.AudioFrame;
import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.DataPacket;
import io.livekit.agents.room.DataPublishOptions;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrackPublication;
import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomListener;
import io.livekit.agents.room.TrackKind;
import io.livekit.agents.room.TrackPublishOptions;
import livekit.LivekitModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LiveKit's own room client for Node ({@code @livekit/rtc-node}, the Rust SDK underneath, installed by the build)
 * against the dev server, with a Java <em>participant</em> agent: a Java worker registered for
 * {@link JobType#PARTICIPANT} jobs (a {@link ParticipantHandler}) is given a job by the server's participant-job
 * trigger when the node client joins (no dispatch, no room configuration: the room's automatic dispatch), gets the
 * node client as its job's participant in the connected room, and sends back every audio frame the node client
 * publishes on a track of its own, and answers its data packet. The node client must hear its tone back, non-silent
 * and at its pitch. Runs in the test network namespace.
 */
@Tag("webrtc")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RtcNodeConformanceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int TONE_HZ = 523;

    private DevServer server;
    private Worker worker;
    private NodeProcess node;
    private final BlockingQueue<DataPacket> agentGot = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> agentFailures = new LinkedBlockingQueue<>();
    /** The participant jobs the agent ran: "type job-participant handed-participant room-state". */
    private final BlockingQueue<String> jobs = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        NodeProcess.projectDir();
        server = RtcEnv.server().build().start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (worker != null) {
            worker.close();
        }
        server.close();
    }

    /**
     * The echo agent, a participant job for each joining participant: hears the first audio track of the job's
     * participant, publishes what it hears, answers data.
     */
    private final class EchoAgent implements ParticipantHandler {

        @Override
        public JobDecision onJobRequest(JobRequest request) {
            return JobDecision.accept("echo-agent");
        }

        @Override
        public void onParticipantJob(JobContext ctx, Room room, RemoteParticipant participant) throws Exception {
            jobs.add(ctx.job().type() + " " + ctx.job().participant().map(p -> p.identity()).orElse("-") + " "
                    + participant.identity() + " " + room.connectionState());
            try {
                echo(ctx, room, participant);
            } catch (Exception | AssertionError e) {
                agentFailures.add(String.valueOf(e));
                throw e;
            }
        }

        private void echo(JobContext ctx, Room room, RemoteParticipant peer) throws Exception {
            BlockingQueue<DataPacket> inbox = new LinkedBlockingQueue<>();
            room.addListener(new RoomListener() {
                @Override
                public void onDataReceived(Room r, DataPacket packet, RemoteParticipant sender) {
                    agentGot.add(packet);
                    inbox.add(packet); // answered on the job's thread: publishData blocks
                }
            });
            RemoteAudioTrack in = null;
            long end = System.nanoTime() + WAIT.toNanos();
            while (in == null && System.nanoTime() < end) {
                for (RemoteTrackPublication pub : peer.trackPublications().values()) {
                    if (pub.kind() == TrackKind.AUDIO && pub.track().orElse(null) instanceof RemoteAudioTrack a) {
                        in = a;
                    }
                }
                Thread.sleep(20);
            }
            assertThat(in).as("the node client's audio track, subscribed").isNotNull();
            LocalAudioTrack out = room.localParticipant().createAudioTrack("echo", AudioSourceOptions.of(48000, 1));
            room.localParticipant().publishTrack(out, TrackPublishOptions.microphone());
            try (AudioStream s = in.openStream(48000, 1)) {
                while (!ctx.isCancelled()) {
                    AudioFrame f = s.poll(Duration.ofMillis(100));
                    if (f != null) {
                        out.source().write(f);
                    }
                    DataPacket p = inbox.poll();
                    if (p != null) {
                        room.localParticipant().publishData("hello from the java agent".getBytes(StandardCharsets.UTF_8),
                                DataPublishOptions.ofReliable().withTopic("conformance")
                                        .withDestinations(p.senderIdentity()));
                    }
                }
            }
        }
    }

    @Test
    void rtcNodeHearsItsToneEchoedByAJavaAgentAndTheyExchangeData() throws Exception {
        // a participant worker with no agent name: the room's automatic dispatch gives it one job per participant
        worker = Worker.create(It.options(server).jobType(JobType.PARTICIPANT).build(), new EchoAgent());
        worker.start();
        assertThat(worker.awaitReady(It.WAIT)).isTrue();

        String room = "rtc-node-echo";
        String token = RtcEnv.token(server, "node", room); // no room configuration: no dispatch asks for an agent
        node = NodeProcess.start("rtc-echo.mjs", Map.of("LIVEKIT_URL", server.url(), "LIVEKIT_TOKEN", token,
                "PEER_IDENTITY", "echo-agent", "TONE_HZ", Integer.toString(TONE_HZ)));
        JsonNode connected = node.await(e -> e.path("event").asText().matches("connected|error"), WAIT);
        assertThat(connected.path("event").asText()).as(node.output()).isEqualTo("connected");
        assertThat(connected.get("sid").asText()).startsWith("PA_");
        assertThat(connected.get("room").asText()).isEqualTo(room);
        JsonNode published = node.await(e -> e.path("event").asText().matches("published|error"), WAIT);
        assertThat(published.path("event").asText()).as(node.output()).isEqualTo("published");
        assertThat(published.get("sid").asText()).startsWith("TR_");

        // the node client's joining launched a participant job for it (and only it: the agent launches none)
        String job = jobs.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(job).as(node.output() + "\nagent: " + agentFailures).isEqualTo("PARTICIPANT node node CONNECTED");
        assertThat(server.listDispatches(room)).as("only the room's automatic dispatch, for unnamed workers")
                .extracting(d -> d.getAgentName()).containsExactly("");

        // the agent job joined and echoes: the node client hears its own tone back from the agent
        JsonNode echo = node.await(e -> e.path("event").asText().matches("echo|error"), WAIT);
        assertThat(echo.path("event").asText()).as(node.output() + "\nagent: " + agentFailures).isEqualTo("echo");
        assertThat(echo.get("from").asText()).isEqualTo("echo-agent");
        assertThat(echo.get("rms").asDouble()).as("echo RMS").isGreaterThan(1000);
        assertThat(echo.get("hz").asDouble()).as("echo pitch").isBetween(TONE_HZ * 0.97, TONE_HZ * 1.03);

        // data both ways: node -> agent (with the sender stamped by the server), agent -> node
        node.send("data");
        DataPacket got = agentGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(got).as(node.output()).isNotNull();
        assertThat(new String(got.payload(), StandardCharsets.UTF_8)).isEqualTo("hello from rtc-node");
        assertThat(got.senderIdentity()).isEqualTo("node");
        assertThat(got.topic()).contains("conformance");
        JsonNode answer = node.await(e -> "data".equals(e.path("event").asText()), WAIT);
        assertThat(answer.get("payload").asText()).isEqualTo("hello from the java agent");
        assertThat(answer.get("from").asText()).isEqualTo("echo-agent");
        assertThat(answer.get("topic").asText()).isEqualTo("conformance");

        // the server saw both, the agent as an agent
        assertThat(server.listParticipants(room)).extracting(LivekitModels.ParticipantInfo::getIdentity)
                .containsExactlyInAnyOrder("node", "echo-agent");
        assertThat(server.listParticipants(room)).filteredOn(p -> p.getIdentity().equals("echo-agent")).singleElement()
                .satisfies(p -> assertThat(p.getKind()).isEqualTo(LivekitModels.ParticipantInfo.Kind.AGENT));
        node.send("quit");
        assertThat(node.waitFor(Duration.ofSeconds(30))).isZero();
        assertThat(agentFailures).isEmpty();
        assertThat(jobs).as("one participant job only: the agent's own joining launches none").isEmpty();
    }
}
