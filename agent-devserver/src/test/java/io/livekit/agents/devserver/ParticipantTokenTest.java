package io.livekit.agents.devserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livekit.agents.internal.auth.LiveKitTokens;
import io.livekit.agents.internal.auth.VerifiedToken;
import org.junit.jupiter.api.Test;

class ParticipantTokenTest {

    @Test
    void mintsARoomJoinTokenWithTheServersFirstKey() throws Exception {
        try (DevServer server = DevServer.builder().port(0).addKey("k1", "a-secret-of-thirty-two-bytes-or-more")
                .build()) {
            String token = server.participantToken("room-1", "alice");
            VerifiedToken t = LiveKitTokens.verify(token, server.keys()::get);
            assertThat(t.apiKey()).isEqualTo("k1");
            assertThat(t.identity()).isEqualTo("alice");
            assertThat(t.string("name")).isEqualTo("alice");
            assertThat(t.videoFlag("roomJoin")).isTrue();
            assertThat(t.videoString("room")).isEqualTo("room-1");
            assertThat(t.videoFlag("roomAdmin")).isFalse();
            assertThatThrownBy(() -> server.participantToken("room-1", ""))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity");
        }
    }
}
