package io.livekit.agents.internal.rtc;

import dev.onvoid.webrtc.media.MediaStreamTrack;
import io.livekit.agents.room.LocalTrack;
import io.livekit.agents.room.TrackKind;
import java.util.concurrent.atomic.AtomicBoolean;

/** A local track: webrtc-java's track (its id is the {@code cid} of AddTrackRequest) plus our source. */
abstract class LocalTrackImpl implements LocalTrack {
  final MediaStreamTrack rtcTrack;
  final String cid;
  private final String name;
  private final TrackKind kind;
  private volatile String sid = "";
  private final AtomicBoolean closed = new AtomicBoolean();

  LocalTrackImpl(MediaStreamTrack rtcTrack, String cid, String name, TrackKind kind) {
    this.rtcTrack = rtcTrack;
    this.cid = cid;
    this.name = name;
    this.kind = kind;
  }

  void setSid(String sid) {
    this.sid = sid;
  }

  boolean isClosed() {
    return closed.get();
  }

  @Override
  public String sid() {
    return sid;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public TrackKind kind() {
    return kind;
  }

  /** Stops the source's pacer. */
  abstract void stopSource();

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stopSource();
      try {
        rtcTrack.dispose();
      } catch (RuntimeException ignored) {
        // already disposed with its peer connection
      }
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + " cid=" + cid + " sid=" + sid + "]";
  }
}
