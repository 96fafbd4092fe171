package io.livekit.agents.devserver.internal.twirp;

import io.livekit.agents.devserver.DevServerException;
import io.netty.handler.codec.http.HttpResponseStatus;

/** A Twirp error: a code from the Twirp spec, its HTTP status, and a message. */
public final class TwirpException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final transient HttpResponseStatus status;

    private TwirpException(String code, HttpResponseStatus status, String message) {
        super(message);
        this.code = code;
        this.status = status;
    }

    /** 401: missing or bad credentials, or (as LiveKit's server reports it) a missing grant. */
    public static TwirpException unauthenticated(String msg) {
        return new TwirpException("unauthenticated", HttpResponseStatus.UNAUTHORIZED, msg);
    }

    /** 400: a field is invalid. */
    public static TwirpException invalidArgument(String msg) {
        return new TwirpException("invalid_argument", HttpResponseStatus.BAD_REQUEST, msg);
    }

    /** 400: the body could not be decoded. */
    public static TwirpException malformed(String msg) {
        return new TwirpException("malformed", HttpResponseStatus.BAD_REQUEST, msg);
    }

    /** 404: no such service or method, wrong HTTP method or content type. */
    public static TwirpException badRoute(String msg) {
        return new TwirpException("bad_route", HttpResponseStatus.NOT_FOUND, msg);
    }

    /** 404: the resource does not exist. */
    public static TwirpException notFound(String msg) {
        return new TwirpException("not_found", HttpResponseStatus.NOT_FOUND, msg);
    }

    /** 412: the request is valid but the server is not configured to do it. */
    public static TwirpException failedPrecondition(String msg) {
        return new TwirpException("failed_precondition", HttpResponseStatus.PRECONDITION_FAILED, msg);
    }

    /** 500. */
    public static TwirpException internal(String msg) {
        return new TwirpException("internal", HttpResponseStatus.INTERNAL_SERVER_ERROR, msg);
    }

    /** The Twirp error for a dispatcher failure. */
    public static TwirpException of(DevServerException e) {
        return switch (e.code()) {
            case NOT_FOUND -> notFound(e.getMessage());
            case INVALID_ARGUMENT -> invalidArgument(e.getMessage());
            case UNAVAILABLE -> new TwirpException("unavailable", HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage());
            case DEADLINE_EXCEEDED -> new TwirpException("deadline_exceeded", HttpResponseStatus.REQUEST_TIMEOUT,
                    e.getMessage());
            case INTERNAL -> internal(e.getMessage());
        };
    }

    /** The Twirp error code. */
    public String code() {
        return code;
    }

    /** The HTTP status. */
    public HttpResponseStatus status() {
        return status;
    }
}
