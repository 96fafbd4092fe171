package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.RemoteTrackPublication;
import java.util.Optional;
import livekit.LivekitModels.TrackInfo;

final class RemoteTrackPublicationImpl extends TrackPublicationImpl implements RemoteTrackPublication {
  private final RoomImpl room;
  final RemoteParticipantImpl participant;
  private volatile RemoteTrackImpl track;
  private volatile boolean wanted;

  RemoteTrackPublicationImpl(RoomImpl room, RemoteParticipantImpl participant, TrackInfo info, boolean wanted) {
    super(info);
    this.room = room;
    this.participant = participant;
    this.wanted = wanted;
  }

  RemoteTrackImpl trackImpl() {
    return track;
  }

  void setTrack(RemoteTrackImpl track) {
    this.track = track;
  }

  void setWanted(boolean wanted) {
    this.wanted = wanted;
  }

  @Override
  public Optional<RemoteTrack> track() {
    return Optional.ofNullable(track);
  }

  @Override
  public boolean isSubscriptionWanted() {
    return wanted;
  }

  @Override
  public boolean isSubscribed() {
    return track != null;
  }

  @Override
  public void setSubscribed(boolean subscribed) {
    room.requestSubscription(this, subscribed);
  }
}
