package io.livekit.agents.room;

import java.util.Map;

/** Another participant of the room, as the server described it in its last full snapshot. */
public interface RemoteParticipant extends Participant {
  /** Its publications by track sid; an unmodifiable snapshot. */
  @Override
  Map<String, RemoteTrackPublication> trackPublications();
}
