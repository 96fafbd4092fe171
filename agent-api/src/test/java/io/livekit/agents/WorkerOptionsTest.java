package io.livekit.agents;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerOptionsTest {

    private static final Map<String, String> ENV = Map.of(
            "LIVEKIT_URL", "wss://example.livekit.cloud",
            "LIVEKIT_API_KEY", "APIkey",
            "LIVEKIT_API_SECRET", "s3cret",
            "LIVEKIT_AGENT_NAME", "transcriber");

    @Test
    void readsAllFourVariables() {
        WorkerOptions o = WorkerOptions.builder().fromEnv(ENV).build();
        assertThat(o.url()).isEqualTo("wss://example.livekit.cloud");
        assertThat(o.apiKey()).isEqualTo("APIkey");
        assertThat(o.apiSecret()).isEqualTo("s3cret");
        assertThat(o.agentName()).isEqualTo("transcriber");
    }

    @Test
    void explicitValuesWinOverTheEnvironment() {
        WorkerOptions o = WorkerOptions.builder().url("ws://127.0.0.1:7880").agentName("")
                .fromEnv(ENV).build();
        assertThat(o.url()).isEqualTo("ws://127.0.0.1:7880");
        assertThat(o.agentName()).isEmpty();
        assertThat(o.apiKey()).isEqualTo("APIkey");
    }

    @Test
    void missingVariablesAreNamed() {
        assertThatThrownBy(() -> WorkerOptions.builder().fromEnv(Map.of("LIVEKIT_API_KEY", "k")).build())
                .isInstanceOf(AgentException.class)
                .satisfies(e -> assertThat(((AgentException) e).code())
                        .isEqualTo(AgentException.Code.INVALID_CONFIGURATION))
                .hasMessageContaining("LIVEKIT_URL")
                .hasMessageContaining("LIVEKIT_API_SECRET")
                .hasMessageNotContaining("LIVEKIT_API_KEY)");
    }

    @Test
    void blankVariablesCountAsMissing() {
        assertThatThrownBy(() -> WorkerOptions.builder().fromEnv(Map.of("LIVEKIT_URL", "  ",
                "LIVEKIT_API_KEY", "k", "LIVEKIT_API_SECRET", "s")).build())
                .hasMessageContaining("LIVEKIT_URL");
    }

    @Test
    void badUrlNamesTheVariable() {
        assertThatThrownBy(() -> WorkerOptions.builder().fromEnv(Map.of("LIVEKIT_URL", "ftp://x")))
                .isInstanceOf(AgentException.class).hasMessageContaining("LIVEKIT_URL").hasMessageContaining("ftp://x");
        assertThatThrownBy(() -> WorkerOptions.builder().url("not a url"))
                .isInstanceOf(AgentException.class).hasMessageContaining("not a url");
    }

    @Test
    void defaults() {
        WorkerOptions o = WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s").build();
        assertThat(o.agentName()).isEmpty();
        assertThat(o.jobType()).isEmpty();
        assertThat(o.maxConcurrentJobs()).isEqualTo(WorkerOptions.DEFAULT_MAX_CONCURRENT_JOBS);
        assertThat(o.loadCalculator()).isSameAs(LoadCalculator.activeJobs());
        assertThat(o.loadThreshold()).isEqualTo(1.0);
        assertThat(o.availabilityTimeout()).isLessThan(Duration.ofSeconds(3));
        assertThat(o.statusInterval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(o.reconnectPolicy()).isEqualTo(ReconnectPolicy.defaults());
        assertThat(o.permissions()).isEqualTo(WorkerPermissions.defaults());
        assertThat(o.namespace()).isEmpty();
        assertThat(o.toString()).doesNotContain("\"s\"").contains("apiSecret=***");
    }

    @Test
    void thresholdFollowsTheCalculatorUnlessSet() {
        LoadCalculator custom = ctx -> 0.1;
        WorkerOptions.Builder b = WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s")
                .loadCalculator(custom);
        assertThat(b.build().loadThreshold()).isEqualTo(0.7);
        assertThat(b.loadThreshold(0.5).build().loadThreshold()).isEqualTo(0.5);
        assertThat(b.build().toBuilder().build().loadThreshold()).isEqualTo(0.5);
    }

    @Test
    void rejectsNonsense() {
        WorkerOptions.Builder b = WorkerOptions.builder();
        assertThatThrownBy(() -> b.maxConcurrentJobs(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.loadThreshold(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.loadThreshold(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.drainTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.pingInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s")
                .pingInterval(Duration.ofSeconds(10)).pingTimeout(Duration.ofSeconds(5)).build())
                .isInstanceOf(AgentException.class).hasMessageContaining("pingTimeout");
        assertThatThrownBy(() -> ReconnectPolicy.builder().jitter(2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.builder().initialDelay(Duration.ofSeconds(20)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
    }

    @Test
    void toBuilderRoundTrips() {
        WorkerOptions o = WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s").agentName("a")
                .jobType(JobType.PUBLISHER).maxConcurrentJobs(3).namespace("ns")
                .drainTimeout(Duration.ofSeconds(3)).build();
        WorkerOptions c = o.toBuilder().build();
        assertThat(c.jobType()).contains(JobType.PUBLISHER);
        assertThat(c.namespace()).contains("ns");
        assertThat(c.maxConcurrentJobs()).isEqualTo(3);
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.loadThreshold()).isEqualTo(1.0);
    }

    @Test
    void versionIsFilledByTheBuild() {
        assertThat(AgentsVersion.get()).isNotEqualTo("unknown").doesNotContain("${");
    }
}
