package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.video.VideoTrack;
import io.livekit.agents.room.LocalVideoTrack;
import io.livekit.agents.room.TrackKind;
import io.livekit.agents.room.VideoSource;

final class LocalVideoTrackImpl extends LocalTrackImpl implements LocalVideoTrack {
  private final VideoSourceImpl source;

  LocalVideoTrackImpl(VideoTrack track, String cid, String name, VideoSourceImpl source) {
    super(track, cid, name, TrackKind.VIDEO);
    this.source = source;
  }

  @Override
  public VideoSource source() {
    return source;
  }

  @Override
  void stopSource() {
    source.close();
  }
}
