package io.livekit.agents.internal.auth;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;

/**
 * The claims of an access token whose signature, issuer and validity period were checked.
 *
 * @param apiKey    the {@code iss} claim: the API key whose secret signed the token
 * @param identity  the {@code sub} claim (falling back to {@code jti}), or {@code ""}
 * @param claims    every claim, JSON objects as nested maps
 * @param expiresAt the {@code exp} claim
 */
public record VerifiedToken(String apiKey, String identity, Map<String, Object> claims, Instant expiresAt) {

    public VerifiedToken {
        claims = Collections.unmodifiableMap(claims);
    }

    /** The {@code video} grant as a map; empty when the token has none. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> video() {
        Object v = claims.get("video");
        return v instanceof Map ? (Map<String, Object>) v : Map.of();
    }

    /** A boolean field of the video grant; {@code false} when absent or not a boolean. */
    public boolean videoFlag(String name) {
        return Boolean.TRUE.equals(video().get(name));
    }

    /** A boolean field of the video grant, or {@code dflt} when absent. */
    public boolean videoFlag(String name, boolean dflt) {
        Object v = video().get(name);
        return v instanceof Boolean b ? b : dflt;
    }

    /** A string field of the video grant; {@code ""} when absent. */
    public String videoString(String name) {
        Object v = video().get(name);
        return v == null ? "" : v.toString();
    }

    /** A top-level string claim ({@code name}, {@code metadata}, {@code kind}, ...); {@code ""} when absent. */
    public String string(String claim) {
        Object v = claims.get(claim);
        return v == null ? "" : v.toString();
    }

    /** The {@code attributes} claim as a string map; empty when absent. */
    public Map<String, String> attributes() {
        Object v = claims.get("attributes");
        if (!(v instanceof Map<?, ?> m)) {
            return Map.of();
        }
        java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
        m.forEach((k, val) -> out.put(String.valueOf(k), val == null ? "" : val.toString()));
        return Collections.unmodifiableMap(out);
    }
}
