package io.livekit.agents.room;

import java.util.Map;

/**
 * A participant of a room, local or remote. Getters may be called from any thread and return the latest state
 * the room has applied (see the package documentation for threading).
 */
public interface Participant {
  /** The server-assigned participant id ({@code PA_...}); may change after a full rejoin of the local participant. */
  String sid();

  /** The identity from the participant's token; stable and unique in the room. */
  String identity();

  /** The display name; empty if none. */
  String name();

  /** Application metadata; empty if none. */
  String metadata();

  /** Application attributes; an unmodifiable map, empty if none. */
  Map<String, String> attributes();

  /** What kind of client this is. */
  ParticipantKind kind();

  /** Whether the server counts this participant among the active speakers right now. */
  boolean isSpeaking();

  /** The last audio level the server reported for it, 0..1. */
  float audioLevel();

  /** Its publications by track sid; an unmodifiable snapshot. */
  Map<String, ? extends TrackPublication> trackPublications();
}
