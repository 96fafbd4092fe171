package io.livekit.agents;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerOptionsHealthTest {

    private static WorkerOptions.Builder base() {
        return WorkerOptions.builder().url("ws://h:1").apiKey("k").apiSecret("s");
    }

    @Test
    void offByDefaultOnAllInterfacesWhenOn() {
        WorkerOptions o = base().build();
        assertThat(o.healthPort()).isEmpty();
        assertThat(o.healthHost()).isEmpty();
        assertThat(o.toString()).doesNotContain("health");
        assertThat(WorkerOptions.DEFAULT_HEALTH_PORT).isEqualTo(8081);
    }

    @Test
    void portsHostAndOff() {
        assertThat(base().healthPort(WorkerOptions.DEFAULT_HEALTH_PORT).build().healthPort()).isEqualTo(OptionalInt.of(8081));
        assertThat(base().healthPort(0).build().healthPort()).isEqualTo(OptionalInt.of(0));
        assertThat(base().healthPort(65535).build().healthPort()).isEqualTo(OptionalInt.of(65535));
        assertThat(base().healthPort(0).healthPort(-1).build().healthPort()).isEmpty();
        assertThat(base().healthPort(9000).disableHealthServer().build().healthPort()).isEmpty();
        assertThatThrownBy(() -> base().healthPort(65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536");

        WorkerOptions o = base().healthPort(0).healthHost(" 127.0.0.1 ").build();
        assertThat(o.healthHost()).isEqualTo(Optional.of("127.0.0.1"));
        assertThat(o.toString()).contains("health=127.0.0.1:0");
        assertThat(base().healthHost("127.0.0.1").healthHost("").build().healthHost()).isEmpty();
        assertThat(base().healthPort(8081).build().toString()).contains("health=*:8081");
    }

    @Test
    void toBuilderKeepsTheHealthSettings() {
        WorkerOptions o = base().healthPort(1234).healthHost("::1").build().toBuilder().build();
        assertThat(o.healthPort()).isEqualTo(OptionalInt.of(1234));
        assertThat(o.healthHost()).contains("::1");
        assertThat(base().build().toBuilder().build().healthPort()).isEmpty();
    }
}
