package io.livekit.agents.room;

import java.util.Objects;

/**
 * The one exception of the room API. Callers branch on {@link #code()}; the message names the cause and the fix.
 */
public final class RoomException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarsely. */
  public enum Code {
    /** The URL is malformed or the server cannot be reached. */
    CONNECT_FAILED,
    /** The server refused the token (HTTP 401/403), or the token lacks a needed grant. */
    UNAUTHORIZED,
    /** The server did not answer in time (join, track publication, negotiation). */
    TIMEOUT,
    /** The room is disconnected (or was disconnected while waiting). */
    DISCONNECTED,
    /** The server or the peer connection rejected a publication. */
    PUBLISH_FAILED,
    /** The participant's permissions do not allow it. */
    NOT_ALLOWED,
    /** A bad argument: oversized data packet, wrong audio format, negative size, ... */
    INVALID_ARGUMENT,
    /** The WebRTC natives could not be loaded on this machine. */
    MEDIA_UNAVAILABLE,
    /** A blocking call was made on the room's event thread, where it would wait for itself. */
    WRONG_THREAD,
    /** The server broke the protocol (unexpected first message, malformed frame). */
    PROTOCOL_ERROR,
    /** An internal error. */
    INTERNAL
  }

  private final Code code;

  public RoomException(Code code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public RoomException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The kind of failure; never null. */
  public Code code() {
    return code;
  }
}
