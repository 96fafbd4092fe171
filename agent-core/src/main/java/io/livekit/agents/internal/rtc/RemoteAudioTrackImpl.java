package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.audio.AudioTrack;
import io.livekit.agents.room.AudioStream;
import io.livekit.agents.room.RemoteAudioTrack;
import io.livekit.agents.AgentException;
import io.livekit.agents.room.TrackKind;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

final class RemoteAudioTrackImpl extends RemoteTrackImpl implements RemoteAudioTrack {
  private final AudioTrack track;
  private final Set<AudioStreamImpl> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean ended;

  RemoteAudioTrackImpl(String sid, String name, AudioTrack track) {
    super(sid, name, TrackKind.AUDIO, track.getId());
    this.track = track;
  }

  @Override
  public AudioStream openStream(int sampleRate, int channels) {
    return openStream(sampleRate, channels, 50);
  }

  @Override
  public AudioStream openStream(int sampleRate, int channels, int capacityFrames) {
    if (sampleRate != 8000 && sampleRate != 16000 && sampleRate != 24000 && sampleRate != 32000
        && sampleRate != 44100 && sampleRate != 48000) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "unsupported sample rate " + sampleRate
          + "; use 8000, 16000, 24000, 32000, 44100 or 48000");
    }
    if (channels != 1 && channels != 2) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "channels must be 1 or 2, not " + channels);
    }
    if (capacityFrames < 1) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "capacityFrames must be >= 1");
    }
    AudioStreamImpl[] holder = new AudioStreamImpl[1];
    AudioStreamImpl stream = new AudioStreamImpl(track, sampleRate, channels, capacityFrames,
        () -> streams.remove(holder[0]));
    holder[0] = stream;
    if (ended) {
      stream.end();
      return stream;
    }
    streams.add(stream);
    track.addSink(stream);
    return stream;
  }

  @Override
  void end() {
    ended = true;
    for (AudioStreamImpl s : streams) {
      s.end();
    }
  }
}
