package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import io.livekit.agents.room.RemoteVideoTrack;
import io.livekit.agents.AgentException;
import io.livekit.agents.room.TrackKind;
import io.livekit.agents.room.VideoStream;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A received video track with one WebRTC sink that fans frames out to the open streams. The sink always releases
 * the frame it is given: each stream that takes the frame gets its own reference ({@code retain}).
 */
final class RemoteVideoTrackImpl extends RemoteTrackImpl implements RemoteVideoTrack, VideoTrackSink {
  private final VideoTrack track;
  private final CopyOnWriteArrayList<VideoStreamImpl> streams = new CopyOnWriteArrayList<>();
  private volatile boolean ended;

  RemoteVideoTrackImpl(String sid, String name, VideoTrack track) {
    super(sid, name, TrackKind.VIDEO, track.getId());
    this.track = track;
    track.addSink(this);
  }

  /** WebRTC's decoder thread. Must release {@code frame} exactly once. */
  @Override
  public void onVideoFrame(VideoFrame frame) {
    try {
      for (VideoStreamImpl s : streams) {
        frame.retain();
        s.offer(frame);
      }
    } finally {
      frame.release();
    }
  }

  @Override
  public VideoStream openStream(int capacityFrames) {
    if (capacityFrames < 1) {
      throw new AgentException(AgentException.Code.INVALID_ARGUMENT, "capacityFrames must be >= 1");
    }
    VideoStreamImpl[] holder = new VideoStreamImpl[1];
    VideoStreamImpl stream = new VideoStreamImpl(capacityFrames, () -> streams.remove(holder[0]));
    holder[0] = stream;
    if (ended) {
      stream.end();
    } else {
      streams.add(stream);
    }
    return stream;
  }

  @Override
  void end() {
    ended = true;
    try {
      track.removeSink(this);
    } catch (RuntimeException ignored) {
      // native track already gone
    }
    for (VideoStreamImpl s : streams) {
      s.end();
    }
  }
}
