package io.livekit.agents.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class LiveKitTokensTest {

    private static final Map<String, String> KEYS = Map.of("devkey", "secret");

    @Test
    void signsAndVerifiesWithTheShortDevSecret() throws Exception {
        String jwt = LiveKitTokens.sign("devkey", "secret", "alice",
                Map.of("video", Map.of("roomJoin", true, "room", "r1"), "name", "Alice", "kind", "agent"),
                Duration.ofMinutes(5));
        VerifiedToken t = LiveKitTokens.verify(jwt, KEYS::get);
        assertThat(t.apiKey()).isEqualTo("devkey");
        assertThat(t.identity()).isEqualTo("alice");
        assertThat(t.videoFlag("roomJoin")).isTrue();
        assertThat(t.videoString("room")).isEqualTo("r1");
        assertThat(t.string("kind")).isEqualTo("agent");
        assertThat(LiveKitTokens.isWeakSecret("secret")).isTrue();
    }

    @Test
    void signatureIsPlainHmacSha256OverHeaderAndPayload() throws Exception {
        String jwt = LiveKitTokens.workerToken("devkey", "secret", Duration.ofMinutes(1));
        String[] p = jwt.split("\\.");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] sig = mac.doFinal((p[0] + "." + p[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(p[2]).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(sig));
        assertThat(new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8))
                .contains("\"iss\":\"devkey\"").contains("\"agent\":true").contains("\"exp\"");
    }

    @Test
    void refusesWrongSecretUnknownKeyAndExpiry() {
        String wrong = LiveKitTokens.workerToken("devkey", "not-the-secret", Duration.ofMinutes(1));
        assertThatThrownBy(() -> LiveKitTokens.verify(wrong, KEYS::get))
                .isInstanceOf(TokenException.class)
                .hasMessageContaining("signature")
                .extracting(e -> ((TokenException) e).reason()).isEqualTo(TokenException.Reason.BAD_SIGNATURE);

        String unknown = LiveKitTokens.workerToken("otherkey", "secret", Duration.ofMinutes(1));
        assertThatThrownBy(() -> LiveKitTokens.verify(unknown, KEYS::get))
                .hasMessageContaining("otherkey")
                .extracting(e -> ((TokenException) e).reason()).isEqualTo(TokenException.Reason.UNKNOWN_KEY);

        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        String expired = LiveKitTokens.sign("devkey", "secret", null, Map.of(), Duration.ofMinutes(10), past);
        assertThatThrownBy(() -> LiveKitTokens.verify(expired, KEYS::get))
                .hasMessageContaining("expired")
                .extracting(e -> ((TokenException) e).reason()).isEqualTo(TokenException.Reason.EXPIRED);
    }

    @Test
    void leewayOfSixtySecondsIsHonoured() throws Exception {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofSeconds(70)), ZoneOffset.UTC);
        String justExpired = LiveKitTokens.sign("devkey", "secret", null, Map.of(), Duration.ofSeconds(30), past);
        assertThat(LiveKitTokens.verify(justExpired, KEYS::get).apiKey()).isEqualTo("devkey");
    }

    @Test
    void refusesTokensWithoutExpAlgNoneAndGarbage() throws Exception {
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"iss\":\"devkey\",\"video\":{\"agent\":true}}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String sig = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> LiveKitTokens.verify(header + "." + payload + "." + sig, KEYS::get))
                .hasMessageContaining("'exp'")
                .extracting(e -> ((TokenException) e).reason()).isEqualTo(TokenException.Reason.MISSING_CLAIM);

        String none = b64("{\"alg\":\"none\"}") + "." + b64("{\"iss\":\"devkey\",\"exp\":9999999999}") + ".";
        assertThatThrownBy(() -> LiveKitTokens.verify(none, KEYS::get))
                .hasMessageContaining("HS256");

        assertThatThrownBy(() -> LiveKitTokens.verify("garbage", KEYS::get))
                .extracting(e -> ((TokenException) e).reason()).isEqualTo(TokenException.Reason.MALFORMED);
        assertThatThrownBy(() -> LiveKitTokens.verify("a.b.c", KEYS::get))
                .extracting(e -> ((TokenException) e).reason()).isEqualTo(TokenException.Reason.MALFORMED);
        assertThatThrownBy(() -> LiveKitTokens.verify("", KEYS::get))
                .extracting(e -> ((TokenException) e).reason()).isEqualTo(TokenException.Reason.MISSING);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
