package io.livekit.agents;

import java.util.Objects;

/**
 * The one exception type of the SDK (worker, jobs and rooms), with a {@link Code} that says what went wrong and
 * whether trying again may help; the message names the cause and the fix. Handlers throw it too: {@link #retryable(String)} for a transient failure (an upstream service
 * down), {@link #fatal(String)} for one that will not go away; either way the job is reported as
 * {@link JobStatus#FAILED} with {@link #errorText(Throwable)} as its error, which LiveKit shows on dashboards
 * and which a restart policy can act on.
 */
public final class AgentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The longest error text sent to the server; longer texts are cut. */
    public static final int MAX_ERROR_TEXT = 1024;

    /**
     * What went wrong. The worker, the job runner and the room client all use these codes; callers branch on
     * the code, never on exception subclasses.
     */
    public enum Code {
        /** A service the job or worker needs is unavailable for now. Retryable. */
        UNAVAILABLE(true),
        /** Something did not answer in time (registration, room join, track publication, negotiation). Retryable. */
        TIMEOUT(true),
        /**
         * The connection to the LiveKit server (the worker's {@code /agent} socket or a room's {@code /rtc}
         * signalling and peer connections) was lost or could not be opened, or the server refused a room join.
         * Retryable.
         */
        CONNECTION_FAILED(true),
        /** The server sent something the SDK did not expect; the worker reconnects. Retryable. */
        PROTOCOL_ERROR(true),
        /** The options are wrong (missing or malformed URL, key or secret, bad values). Fatal: fix the configuration. */
        INVALID_CONFIGURATION(false),
        /**
         * A bad argument to a call: wrong audio format, oversized data packet, a buffer too small, a timestamp going
         * backwards. Fatal: fix the call.
         */
        INVALID_ARGUMENT(false),
        /**
         * The server refused the credentials: HTTP 401/403 at the worker's or a room's WebSocket upgrade, or no
         * token at all. Fatal: fix the key, secret or token.
         */
        UNAUTHENTICATED(false),
        /** The participant's grants do not allow the call (publishing, sending data). Fatal: fix the token's grants. */
        PERMISSION_DENIED(false),
        /** The worker gave up reconnecting after {@link ReconnectPolicy#maxAttempts()} attempts. Fatal. */
        RECONNECT_EXHAUSTED(false),
        /** The room is disconnected (or disconnected while the call waited); connect a new one. Not retryable. */
        DISCONNECTED(false),
        /**
         * WebRTC or the native media core cannot run on this machine (natives missing or not loadable); the message
         * says what to install. Fatal.
         */
        MEDIA_UNAVAILABLE(false),
        /**
         * A blocking call was made on a thread where it would wait for itself (a room's event thread). Fatal: call it
         * from another thread.
         */
        WRONG_THREAD(false),
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
