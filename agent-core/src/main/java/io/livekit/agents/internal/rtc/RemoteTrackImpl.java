package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.RemoteTrack;
import io.livekit.agents.room.TrackKind;

/** A received track; ends its streams when unsubscribed or when the room disconnects. */
abstract class RemoteTrackImpl implements RemoteTrack {
  private final String sid;
  private final String name;
  private final TrackKind kind;
  final String receiverTrackId;

  RemoteTrackImpl(String sid, String name, TrackKind kind, String receiverTrackId) {
    this.sid = sid;
    this.name = name;
    this.kind = kind;
    this.receiverTrackId = receiverTrackId;
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

  /** Ends every open stream (called on the engine thread when the track goes away). */
  abstract void end();

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + sid + "]";
  }
}
