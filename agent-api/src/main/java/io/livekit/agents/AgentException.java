package io.livekit.agents;

import java.util.Objects;

/**
 * The one exception type of the SDK, with a {@link Code} that says what went wrong and whether trying again
 * may help. Handlers throw it too: {@link #retryable(String)} for a transient failure (an upstream service
 * down), {@link #fatal(String)} for one that will not go away; either way the job is reported as
 * {@link JobStatus#FAILED} with {@link #errorText(Throwable)} as its error, which LiveKit shows on dashboards
 * and which a restart policy can act on.
 */
public final class AgentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The longest error text sent to the server; longer texts are cut. */
    public static final int MAX_ERROR_TEXT = 1024;

    /** What went wrong. */
    public enum Code {
        /** A service the job or worker needs is unavailable for now. Retryable. */
        UNAVAILABLE(true),
        /** Something did not answer in time. Retryable. */
        TIMEOUT(true),
        /** The connection to the LiveKit server was lost or could not be opened. Retryable. */
        CONNECTION_FAILED(true),
        /** The server sent something the worker did not expect; the worker reconnects. Retryable. */
        PROTOCOL_ERROR(true),
        /** The options are wrong (missing URL, key or secret, bad values). Fatal: fix the configuration. */
        INVALID_CONFIGURATION(false),
        /** The server refused the credentials (HTTP 401/403 at the WebSocket upgrade). Fatal: fix key/secret. */
        UNAUTHENTICATED(false),
        /** The worker gave up reconnecting after {@link ReconnectPolicy#maxAttempts()} attempts. Fatal. */
        RECONNECT_EXHAUSTED(false),
        /** The job was cancelled. Not retryable. */
        CANCELLED(false),
        /** The job failed for a reason that retrying will not fix. Fatal. */
        JOB_FAILED(false),
        /** A bug in the SDK. Fatal. */
        INTERNAL(false);

        private final boolean retryable;

        Code(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether trying again may succeed. */
        public boolean isRetryable() {
            return retryable;
        }
    }

    private final Code code;

    /** Creates an exception with a code and a message that names the cause and, where possible, the fix. */
    public AgentException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Creates an exception with a code, a message and a cause. */
    public AgentException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** A transient job failure ({@link Code#UNAVAILABLE}): trying again later may succeed. */
    public static AgentException retryable(String message) {
        return new AgentException(Code.UNAVAILABLE, message);
    }

    /** A transient job failure with a cause. */
    public static AgentException retryable(String message, Throwable cause) {
        return new AgentException(Code.UNAVAILABLE, message, cause);
    }

    /** A permanent job failure ({@link Code#JOB_FAILED}). */
    public static AgentException fatal(String message) {
        return new AgentException(Code.JOB_FAILED, message);
    }

    /** A permanent job failure with a cause. */
    public static AgentException fatal(String message, Throwable cause) {
        return new AgentException(Code.JOB_FAILED, message, cause);
    }

    /** What went wrong. */
    public Code code() {
        return code;
    }

    /** Shortcut for {@code code().isRetryable()}. */
    public boolean isRetryable() {
        return code.isRetryable();
    }

    /**
     * The error text the worker sends to the server for a failed job: {@code "<CODE> (retryable|fatal): message"}
     * for an {@link AgentException}, {@code "<exception class>: message"} for anything else; at most
     * {@value #MAX_ERROR_TEXT} characters.
     */
    public static String errorText(Throwable error) {
        Objects.requireNonNull(error, "error");
        String text;
        if (error instanceof AgentException) {
            AgentException e = (AgentException) error;
            text = e.code.name() + (e.isRetryable() ? " (retryable): " : " (fatal): ") + e.getMessage();
        } else {
            String message = error.getMessage();
            text = error.getClass().getName() + (message == null ? "" : ": " + message);
        }
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT - 1) + "…";
    }
}
