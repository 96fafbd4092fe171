package io.livekit.agents.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.MalformedJwtException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.SignatureException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and verifies LiveKit access tokens: compact JWS, HS256 with the API secret as UTF-8 bytes,
 * {@code iss} = API key, {@code sub} = identity, {@code exp} required, grants as JSON claims
 * ({@code video}, {@code name}, {@code kind}, {@code metadata}, {@code attributes}, {@code roomConfig}, ...).
 *
 * <p>Verification follows LiveKit's server: only HS256, the secret looked up by {@code iss}, {@code exp}
 * required, {@code nbf}/{@code exp} checked with 60 s leeway.
 */
public final class LiveKitTokens {

    /** Clock skew allowed for {@code nbf} and {@code exp}, as in LiveKit's verifier. */
    public static final Duration LEEWAY = Duration.ofSeconds(60);

    /** Default lifetime of a worker registration token, as the official workers use. */
    public static final Duration WORKER_TOKEN_TTL = Duration.ofHours(6);

    /** Lifetime of a job's room token, as LiveKit's {@code BuildAgentToken}. */
    public static final Duration AGENT_JOB_TOKEN_TTL = Duration.ofHours(1);

    private static final ObjectMapper JSON = new ObjectMapper();

    private LiveKitTokens() {
    }

    /** Whether a secret is shorter than the 32 bytes RFC 7518 asks of an HS256 key (as the dev default is). */
    public static boolean isWeakSecret(String secret) {
        return secret.getBytes(StandardCharsets.UTF_8).length < 32;
    }

    /**
     * Signs a token.
     *
     * @param apiKey    the API key, written as {@code iss}
     * @param apiSecret the API secret, the HMAC key
     * @param identity  {@code sub}; {@code null} or empty to leave it out
     * @param claims    further claims ({@code video}, {@code name}, ...); nested maps become JSON objects
     * @param ttl       lifetime; {@code exp} = now + ttl
     */
    public static String sign(String apiKey, String apiSecret, String identity, Map<String, ?> claims, Duration ttl) {
        return sign(apiKey, apiSecret, identity, claims, ttl, Clock.systemUTC());
    }

    /** {@link #sign(String, String, String, Map, Duration)} with an explicit clock (tests mint expired tokens). */
    public static String sign(String apiKey, String apiSecret, String identity, Map<String, ?> claims,
                              Duration ttl, Clock clock) {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(apiSecret, "apiSecret");
        Instant now = clock.instant();
        JwtBuilder b = Jwts.builder()
                .header().type("JWT").and()
                .issuer(apiKey)
                .notBefore(Date.from(now))
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(ttl)))
                .id(UUID.randomUUID().toString());
        if (identity != null && !identity.isEmpty()) {
            b.subject(identity);
        }
        b.claims(new LinkedHashMap<>(claims));
        return b.signWith(key(apiSecret), Hs256.INSTANCE).compact();
    }

    /** A worker registration token: {@code {"video":{"agent":true}}}, no identity. */
    public static String workerToken(String apiKey, String apiSecret, Duration ttl) {
        return sign(apiKey, apiSecret, null, Map.of("video", Map.of("agent", true)), ttl);
    }

    /**
     * Verifies a token.
     *
     * @param jwt          the compact token
     * @param secretForKey the secret of an API key, or {@code null} for an unknown key
     * @throws TokenException with a reason and a message that names the cause
     */
    public static VerifiedToken verify(String jwt, Function<String, String> secretForKey) throws TokenException {
        return verify(jwt, secretForKey, Clock.systemUTC());
    }

    /** {@link #verify(String, Function)} against an explicit clock. */
    public static VerifiedToken verify(String jwt, Function<String, String> secretForKey, Clock clock)
            throws TokenException {
        if (jwt == null || jwt.isBlank()) {
            throw new TokenException(TokenException.Reason.MISSING, "no access token was presented");
        }
        String[] parts = jwt.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw new TokenException(TokenException.Reason.MALFORMED,
                    "access token is not a signed JWT (expected 3 dot-separated parts, found " + parts.length + ")");
        }
        JsonNode header = decodeJson(parts[0], "header");
        String alg = header.path("alg").asText("");
        if (!"HS256".equals(alg)) {
            throw new TokenException(TokenException.Reason.BAD_SIGNATURE,
                    "access token algorithm '" + alg + "' is not accepted; LiveKit tokens are signed with HS256");
        }
        JsonNode payload = decodeJson(parts[1], "payload");
        String iss = payload.path("iss").asText("");
        if (iss.isEmpty()) {
            throw new TokenException(TokenException.Reason.MISSING_CLAIM,
                    "access token has no 'iss' claim; it must carry the API key");
        }
        if (!payload.hasNonNull("exp")) {
            throw new TokenException(TokenException.Reason.MISSING_CLAIM,
                    "access token has no 'exp' claim; LiveKit requires an expiry");
        }
        String secret = secretForKey.apply(iss);
        if (secret == null) {
            throw new TokenException(TokenException.Reason.UNKNOWN_KEY,
                    "invalid API key '" + iss + "': no such key is configured");
        }
        Claims claims;
        try {
            claims = Jwts.parser()
                    .sig().add(Hs256.INSTANCE).and()
                    .verifyWith(key(secret))
                    .clockSkewSeconds(LEEWAY.toSeconds())
                    .clock(() -> Date.from(clock.instant()))
                    .build()
                    .parseSignedClaims(jwt.trim())
                    .getPayload();
        } catch (ExpiredJwtException e) {
            throw new TokenException(TokenException.Reason.EXPIRED,
                    "access token expired at " + e.getClaims().getExpiration().toInstant() + "; mint a new one", e);
        } catch (PrematureJwtException e) {
            throw new TokenException(TokenException.Reason.EXPIRED,
                    "access token is not valid before " + e.getClaims().getNotBefore().toInstant(), e);
        } catch (SignatureException e) {
            throw new TokenException(TokenException.Reason.BAD_SIGNATURE,
                    "access token signature does not match the secret of API key '" + iss
                            + "'; check LIVEKIT_API_SECRET", e);
        } catch (MalformedJwtException | UnsupportedJwtException e) {
            throw new TokenException(TokenException.Reason.MALFORMED, "malformed access token: " + e.getMessage(), e);
        } catch (JwtException | IllegalArgumentException e) {
            throw new TokenException(TokenException.Reason.MALFORMED, "invalid access token: " + e.getMessage(), e);
        }
        String identity = claims.getSubject();
        if (identity == null || identity.isEmpty()) {
            identity = claims.getId() == null ? "" : claims.getId();
        }
        return new VerifiedToken(iss, identity, new LinkedHashMap<>(claims), claims.getExpiration().toInstant());
    }

    private static JsonNode decodeJson(String part, String what) throws TokenException {
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(part));
            if (node == null || !node.isObject()) {
                throw new TokenException(TokenException.Reason.MALFORMED, "access token " + what + " is not a JSON object");
            }
            return node;
        } catch (TokenException e) {
            throw e;
        } catch (Exception e) {
            throw new TokenException(TokenException.Reason.MALFORMED,
                    "access token " + what + " is not base64url JSON: " + e.getMessage(), e);
        }
    }

    private static SecretKey key(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }
}
