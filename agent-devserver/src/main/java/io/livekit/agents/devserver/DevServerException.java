package io.livekit.agents.devserver;

/**
 * A request to the dev server failed. {@link #code()} says why; the message names the cause and, where there is
 * one, the fix. Twirp answers carry the same code.
 */
public final class DevServerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Code {
        /** The room, dispatch or job does not exist. */
        NOT_FOUND,
        /** A field of the request is invalid (empty room name, bad deployment, ...). */
        INVALID_ARGUMENT,
        /** The dev server is not running (not started yet, stopped or closed). */
        UNAVAILABLE,
        /** The dev server did not answer in time. */
        DEADLINE_EXCEEDED,
        /** An unexpected failure inside the dev server. */
        INTERNAL
    }

    private final Code code;

    /**
     * @param code    why the request failed
     * @param message the cause, in words a user can act on
     */
    public DevServerException(Code code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * @param code    why the request failed
     * @param message the cause, in words a user can act on
     * @param cause   the underlying exception
     */
    public DevServerException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Why the request failed. */
    public Code code() {
        return code;
    }
}
