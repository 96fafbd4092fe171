package io.livekit.agents.internal.worker;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.livekit.agents.AgentException;
import io.livekit.agents.JobDecision;
import io.livekit.agents.JobInfo;
import io.livekit.agents.JobType;
import io.livekit.agents.PublisherHandler;
import io.livekit.agents.RoomHandler;
import io.livekit.agents.Worker;
import io.livekit.agents.WorkerOptions;
import io.livekit.agents.WorkerPermissions;
import io.livekit.agents.room.ParticipantKind;
import livekit.LivekitAgent;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtosTest {

    private static final WorkerOptions OPTIONS = WorkerOptions.builder().url("wss://example.org/base/")
            .apiKey("k").apiSecret("s").agentName("scribe").namespace("ns")
            .permissions(WorkerPermissions.builder().hidden(true).canPublish(false).build())
            .pingInterval(Duration.ofSeconds(7)).pingTimeout(Duration.ofSeconds(20)).build();

    private static ByteString mapEntry(String key, String value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, key);
        out.writeString(2, value);
        out.flush();
        return ByteString.copyFrom(bytes.toByteArray());
    }

    @Test
    void jobWithParticipantAndNewerAttributes() throws Exception {
        LivekitAgent.Job job = LivekitAgent.Job.newBuilder()
                .setId("AJ_1").setDispatchId("AD_1").setType(LivekitAgent.JobType.JT_PUBLISHER)
                .setRoom(LivekitModels.Room.newBuilder().setSid("RM_1").setName("hall").setMetadata("m"))
                .setParticipant(LivekitModels.ParticipantInfo.newBuilder().setSid("PA_1").setIdentity("alice")
                        .setName("Alice").setKindValue(LivekitModels.ParticipantInfo.Kind.SIP_VALUE)
                        .putAttributes("a", "1"))
                .setMetadata("dispatch-meta").setAgentName("scribe").setEnableRecording(true)
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(Protos.JOB_ATTRIBUTES_FIELD,
                        UnknownFieldSet.Field.newBuilder().addLengthDelimited(mapEntry("tier", "gold"))
                                .addLengthDelimited(mapEntry("lang", "fr"))
                                .addLengthDelimited(ByteString.copyFrom(new byte[]{(byte) 0xff, 0x01})).build()).build())
                .build();
        // a round trip through bytes, as it arrives from the wire
        JobInfo info = Protos.job(LivekitAgent.Job.parseFrom(job.toByteArray()));
        assertThat(info.id()).isEqualTo("AJ_1");
        assertThat(info.type()).isEqualTo(JobType.PUBLISHER);
        assertThat(info.room().name()).isEqualTo("hall");
        assertThat(info.dispatchId()).isEqualTo("AD_1");
        assertThat(info.metadata()).isEqualTo("dispatch-meta");
        assertThat(info.recordingEnabled()).isTrue();
        assertThat(info.attributes()).containsEntry("tier", "gold").containsEntry("lang", "fr").hasSize(2);
        assertThat(info.participant()).hasValueSatisfying(p -> {
            assertThat(p.identity()).isEqualTo("alice");
            assertThat(p.kind()).isEqualTo(ParticipantKind.SIP);
            assertThat(p.attributes()).containsEntry("a", "1");
        });
    }

    @Test
    void unknownValuesAreHandled() {
        assertThat(Protos.kind(99)).isEqualTo(ParticipantKind.UNKNOWN);
        assertThat(Protos.kind(LivekitModels.ParticipantInfo.Kind.BRIDGE_VALUE)).isEqualTo(ParticipantKind.BRIDGE);
        assertThatThrownBy(() -> Protos.job(LivekitAgent.Job.newBuilder().setId("AJ_2").setTypeValue(42).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("42");
        assertThatThrownBy(() -> Protos.job(LivekitAgent.Job.getDefaultInstance()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registration() {
        LivekitAgent.RegisterWorkerRequest r = Protos.register(OPTIONS, JobType.PARTICIPANT).getRegister();
        assertThat(r.getType()).isEqualTo(LivekitAgent.JobType.JT_PARTICIPANT);
        assertThat(r.getAgentName()).isEqualTo("scribe");
        assertThat(r.getNamespace()).isEqualTo("ns");
        assertThat(r.getPingInterval()).isEqualTo(7);
        assertThat(r.getVersion()).isEqualTo(OPTIONS.version());
        assertThat(r.getAllowedPermissions().getAgent()).isTrue();
        assertThat(r.getAllowedPermissions().getHidden()).isTrue();
        assertThat(r.getAllowedPermissions().getCanPublish()).isFalse();
        assertThat(r.getAllowedPermissions().getCanSubscribe()).isTrue();
        WorkerOptions plain = OPTIONS.toBuilder().build();
        assertThat(Protos.register(WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s").build(),
                JobType.ROOM).getRegister().hasNamespace()).isFalse();
        assertThat(plain.namespace()).contains("ns");
    }

    @Test
    void acceptAddsTheAgentNameAttribute() {
        LivekitAgent.AvailabilityResponse a = Protos.accept("AJ_1",
                JobDecision.acceptBuilder().name("n").attribute("x", "y").build(), "scribe").getAvailability();
        assertThat(a.getAvailable()).isTrue();
        assertThat(a.getParticipantIdentity()).isEqualTo("agent-AJ_1");
        assertThat(a.getParticipantName()).isEqualTo("n");
        assertThat(a.getParticipantAttributesMap()).containsEntry("x", "y").containsEntry("lk.agent.name", "scribe");
        LivekitAgent.AvailabilityResponse r = Protos.reject("AJ_1", true).getAvailability();
        assertThat(r.getAvailable()).isFalse();
        assertThat(r.getTerminate()).isTrue();
        LivekitAgent.UpdateWorkerStatus s = Protos.workerStatus(true, 0.25, 3).getUpdateWorker();
        assertThat(s.hasStatus()).isTrue();
        assertThat(s.getStatus()).isEqualTo(LivekitAgent.WorkerStatus.WS_FULL);
        assertThat(s.getLoad()).isEqualTo(0.25f);
        assertThat(s.getJobCount()).isEqualTo(3);
    }

    @Test
    void agentUrl() {
        assertThat(AgentConnection.agentUri("ws://127.0.0.1:7880")).hasToString("ws://127.0.0.1:7880/agent");
        assertThat(AgentConnection.agentUri("https://x.livekit.cloud")).hasToString("wss://x.livekit.cloud/agent");
        assertThat(AgentConnection.agentUri("http://h:80/base")).hasToString("ws://h:80/base/agent");
        assertThat(AgentConnection.agentUri("wss://example.org/base/")).hasToString("wss://example.org/base/agent");
    }

    @Test
    void handlerAndOptionsMustAgreeOnTheJobType() {
        WorkerOptions publisher = WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s")
                .jobType(JobType.PUBLISHER).build();
        assertThatThrownBy(() -> Worker.create(publisher, (RoomHandler) (ctx, room) -> { }))
                .isInstanceOf(AgentException.class).hasMessageContaining("ROOM").hasMessageContaining("PUBLISHER");
        Worker w = Worker.create(publisher, (PublisherHandler) (ctx, room, p, tracks) -> { });
        assertThat(w.jobType()).isEqualTo(JobType.PUBLISHER);
        assertThat(w).isInstanceOf(WorkerImpl.class);
        w.close();
        Worker plain = Worker.create(WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s").build(),
                ctx -> { });
        assertThat(plain.jobType()).isEqualTo(JobType.ROOM);
        plain.stopNow();
    }
}
