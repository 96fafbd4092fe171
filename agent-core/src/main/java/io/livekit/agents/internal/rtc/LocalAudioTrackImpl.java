package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.audio.AudioTrack;
import io.livekit.agents.room.AudioSource;
import io.livekit.agents.room.LocalAudioTrack;
import io.livekit.agents.room.TrackKind;

final class LocalAudioTrackImpl extends LocalTrackImpl implements LocalAudioTrack {
  private final AudioSourceImpl source;

  LocalAudioTrackImpl(AudioTrack track, String cid, String name, AudioSourceImpl source) {
    super(track, cid, name, TrackKind.AUDIO);
    this.source = source;
  }

  @Override
  public AudioSource source() {
    return source;
  }

  AudioSourceImpl sourceImpl() {
    return source;
  }

  @Override
  void stopSource() {
    source.close();
  }
}
