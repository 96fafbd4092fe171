package io.livekit.agents.internal.auth;

/**
 * A LiveKit access token was refused. The message names the cause in words a user can act on
 * ("token expired at ...", "unknown API key 'x'", ...).
 */
public final class TokenException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a token was refused. */
    public enum Reason {
        /** No token was presented. */
        MISSING,
        /** Not a well-formed compact JWS. */
        MALFORMED,
        /** The {@code iss} claim names an API key that is not configured. */
        UNKNOWN_KEY,
        /** Signed with another secret, or with an algorithm other than HS256. */
        BAD_SIGNATURE,
        /** {@code exp} has passed (or {@code nbf} lies in the future). */
        EXPIRED,
        /** A required claim ({@code exp}, {@code iss}) is absent. */
        MISSING_CLAIM
    }

    private final Reason reason;

    public TokenException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TokenException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
