package io.livekit.agents.room;

/** Why a {@link Room} ended up {@link ConnectionState#DISCONNECTED}; mirrors LiveKit's {@code DisconnectReason}. */
public enum DisconnectReason {
  /** Not known, or a reason this SDK does not know yet. */
  UNKNOWN,
  /** This client called {@link Room#disconnect()}. */
  CLIENT_INITIATED,
  /** Another session joined with the same identity and the server removed this one. */
  DUPLICATE_IDENTITY,
  /** The server is shutting down. */
  SERVER_SHUTDOWN,
  /** Removed through the server API ({@code RemoveParticipant}). */
  PARTICIPANT_REMOVED,
  /** The room was deleted. */
  ROOM_DELETED,
  /** The server lost track of this participant's state. */
  STATE_MISMATCH,
  /** Joining failed. */
  JOIN_FAILURE,
  /** The signalling connection closed and could not be restored. */
  SIGNAL_CLOSE,
  /** The room was closed. */
  ROOM_CLOSED,
  /** The connection timed out. */
  CONNECTION_TIMEOUT,
  /** Media could not flow. */
  MEDIA_FAILURE
}
