package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.AudioSourceOptions;
import io.livekit.agents.room.DataPublishOptions;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.LocalParticipant;
import io.livekit.agents.room.LocalTrack;
import io.livekit.agents.room.LocalTrackPublication;
import io.livekit.agents.room.LocalVideoTrack;
import io.livekit.agents.room.TrackPublishOptions;
import io.livekit.agents.room.VideoSourceOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import livekit.LivekitModels.ParticipantInfo;

final class LocalParticipantImpl extends ParticipantImpl implements LocalParticipant {
  private final RoomImpl room;
  /** Publications by track sid. */
  final Map<String, LocalTrackPublicationImpl> publications = new ConcurrentHashMap<>();

  LocalParticipantImpl(RoomImpl room, ParticipantInfo info) {
    super(info);
    this.room = room;
  }

  @Override
  public Map<String, LocalTrackPublication> trackPublications() {
    return Map.copyOf(publications);
  }

  @Override
  public LocalAudioTrack createAudioTrack(String name, AudioSourceOptions options) {
    return room.createAudioTrack(name, options);
  }

  @Override
  public LocalVideoTrack createVideoTrack(String name, VideoSourceOptions options) {
    return room.createVideoTrack(name, options, null);
  }

  @Override
  public LocalVideoTrack createVideoTrack(String name, VideoSourceOptions options, LocalAudioTrack clock) {
    java.util.Objects.requireNonNull(clock, "clock");
    return room.createVideoTrack(name, options, clock);
  }

  @Override
  public LocalTrackPublication publishTrack(LocalTrack track, TrackPublishOptions options, Duration timeout) {
    return room.publishTrack(track, options, timeout);
  }

  @Override
  public void unpublishTrack(String trackSid) {
    room.unpublishTrack(trackSid);
  }

  @Override
  public void publishData(byte[] payload, DataPublishOptions options) {
    room.publishData(payload, options);
  }

  @Override
  public void setMetadata(String metadata) {
    room.setMetadata(metadata);
  }
}
