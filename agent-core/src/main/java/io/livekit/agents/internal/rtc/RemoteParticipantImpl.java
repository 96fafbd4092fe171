package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.RemoteParticipant;
import io.livekit.agents.room.RemoteTrackPublication;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import livekit.LivekitModels.ParticipantInfo;

final class RemoteParticipantImpl extends ParticipantImpl implements RemoteParticipant {
  final Map<String, RemoteTrackPublicationImpl> publications = new ConcurrentHashMap<>();

  RemoteParticipantImpl(ParticipantInfo info) {
    super(info);
  }

  @Override
  public Map<String, RemoteTrackPublication> trackPublications() {
    return Map.copyOf(publications);
  }
}
