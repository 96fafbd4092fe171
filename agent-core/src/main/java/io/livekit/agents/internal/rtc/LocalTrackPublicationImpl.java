package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.RTCRtpSender;
import io.livekit.agents.room.LocalTrack;
import io.livekit.agents.room.LocalTrackPublication;
import io.livekit.agents.room.TrackPublishOptions;
import livekit.LivekitModels.TrackInfo;

final class LocalTrackPublicationImpl extends TrackPublicationImpl implements LocalTrackPublication {
  private final RoomImpl room;
  final LocalTrackImpl track;
  final TrackPublishOptions options;
  /** The sender on the current publisher connection (engine thread only). */
  RTCRtpSender sender;

  LocalTrackPublicationImpl(RoomImpl room, LocalTrackImpl track, TrackPublishOptions options, TrackInfo info) {
    super(info);
    this.room = room;
    this.track = track;
    this.options = options;
  }

  @Override
  public LocalTrack track() {
    return track;
  }

  @Override
  public void setMuted(boolean muted) {
    room.setLocalMuted(this, muted);
  }
}
