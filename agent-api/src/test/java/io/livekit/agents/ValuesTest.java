package io.livekit.agents;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesTest {

    @Test
    void decisions() {
        assertThat(JobDecision.accept().isAccepted()).isTrue();
        assertThat(JobDecision.accept().participantIdentityFor("AJ_1")).isEqualTo("agent-AJ_1");
        assertThat(JobDecision.accept("bot").participantIdentityFor("AJ_1")).isEqualTo("bot");
        assertThat(JobDecision.reject().isAccepted()).isFalse();
        assertThat(JobDecision.reject().isTerminate()).isFalse();
        assertThat(JobDecision.rejectAndTerminate().isTerminate()).isTrue();
        JobDecision d = JobDecision.acceptBuilder().identity("id").name("n").metadata("m")
                .attribute("a", "1").attributes(Map.of("b", "2")).build();
        assertThat(d.participantAttributes()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThatThrownBy(() -> d.participantAttributes().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> JobDecision.accept(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jobInfoIsImmutableAndNeedsAnId() {
        Map<String, String> attrs = new HashMap<>(Map.of("k", "v"));
        JobInfo job = JobInfo.builder().id("AJ_1").room(RoomInfo.of("RM_1", "room", "")).attributes(attrs).build();
        attrs.put("k2", "v2");
        assertThat(job.attributes()).containsOnlyKeys("k");
        assertThat(job.participant()).isEmpty();
        assertThat(job.toBuilder().build()).isEqualTo(job);
        assertThatThrownBy(() -> JobInfo.builder().id("").room(RoomInfo.of("", "r", "")).build())
                .isInstanceOf(IllegalArgumentException.class);
        Map<String, String> withNull = new HashMap<>();
        withNull.put("k", null);
        assertThatThrownBy(() -> ParticipantInfo.builder().attributes(withNull))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("k");
    }

    @Test
    void errorText() {
        assertThat(AgentException.errorText(AgentException.retryable("tts down")))
                .isEqualTo("UNAVAILABLE (retryable): tts down");
        assertThat(AgentException.errorText(AgentException.fatal("bad input")))
                .isEqualTo("JOB_FAILED (fatal): bad input");
        assertThat(AgentException.errorText(new IllegalStateException("boom")))
                .isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(AgentException.errorText(new RuntimeException("x".repeat(5000))))
                .hasSize(AgentException.MAX_ERROR_TEXT);
        assertThat(AgentException.Code.CONNECTION_FAILED.isRetryable()).isTrue();
        assertThat(AgentException.Code.UNAUTHENTICATED.isRetryable()).isFalse();
    }

    @Test
    void activeJobsLoad() {
        LoadCalculator c = LoadCalculator.activeJobs();
        assertThat(c.load(new LoadContext(0, 4))).isEqualTo(0.0);
        assertThat(c.load(new LoadContext(3, 4))).isEqualTo(0.75);
        assertThat(c.load(new LoadContext(9, 4))).isEqualTo(1.0);
        assertThat(c.defaultThreshold()).isEqualTo(1.0);
    }

    @Test
    void typedHandlersFixTheirType() {
        RoomHandler room = ctx -> { };
        PublisherHandler pub = (ctx, p) -> { };
        ParticipantHandler part = (ctx, p) -> { };
        JobHandler plain = ctx -> { };
        assertThat(room.jobType()).contains(JobType.ROOM);
        assertThat(pub.jobType()).contains(JobType.PUBLISHER);
        assertThat(part.jobType()).contains(JobType.PARTICIPANT);
        assertThat(plain.jobType()).isEmpty();
        assertThat(plain.onJobRequest(null)).isEqualTo(JobDecision.accept());
    }

    @Test
    void typedHandlersReceiveTheParticipantOrFailTheJob() throws Exception {
        ParticipantInfo alice = ParticipantInfo.builder().identity("alice").build();
        JobInfo withParticipant = JobInfo.builder().id("AJ_1").type(JobType.PUBLISHER)
                .room(RoomInfo.of("", "r", "")).participant(alice).build();
        JobInfo without = withParticipant.toBuilder().participant(null).build();
        ParticipantInfo[] seen = new ParticipantInfo[1];
        PublisherHandler pub = (ctx, p) -> seen[0] = p;
        pub.onJob(contextOf(withParticipant));
        assertThat(seen[0]).isEqualTo(alice);
        ParticipantHandler part = (ctx, p) -> seen[0] = null;
        assertThatThrownBy(() -> part.onJob(contextOf(without))).isInstanceOf(AgentException.class)
                .hasMessageContaining("AJ_1").hasMessageContaining("no participant")
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(AgentException.Code.PROTOCOL_ERROR));
    }

    /** A context that only knows its job, for the handler flavours. */
    private static JobContext contextOf(JobInfo job) {
        return (JobContext) java.lang.reflect.Proxy.newProxyInstance(JobContext.class.getClassLoader(),
                new Class<?>[]{JobContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("job")) {
                        return job;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void createWithoutCoreNamesTheMissingDependency() {
        WorkerOptions o = WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s").build();
        assertThatThrownBy(() -> Worker.create(o, ctx -> { }))
                .isInstanceOf(AgentException.class).hasMessageContaining("agent-core");
    }
}
