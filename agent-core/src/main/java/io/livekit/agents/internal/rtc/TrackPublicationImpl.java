package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.TrackKind;
import io.livekit.agents.room.TrackPublication;
import io.livekit.agents.room.TrackSource;
import livekit.LivekitModels.TrackInfo;

/** Publication state from the server's TrackInfo; written on the engine thread, read from anywhere. */
abstract class TrackPublicationImpl implements TrackPublication {
  private volatile TrackInfo info;

  TrackPublicationImpl(TrackInfo info) {
    this.info = info;
  }

  TrackInfo info() {
    return info;
  }

  void setInfo(TrackInfo info) {
    this.info = info;
  }

  @Override
  public String sid() {
    return info.getSid();
  }

  @Override
  public String name() {
    return info.getName();
  }

  @Override
  public TrackKind kind() {
    return ProtoMapping.kind(info.getType());
  }

  @Override
  public TrackSource source() {
    return ProtoMapping.source(info.getSource());
  }

  @Override
  public boolean isMuted() {
    return info.getMuted();
  }

  @Override
  public String mimeType() {
    return info.getMimeType();
  }

  @Override
  public int width() {
    return info.getWidth();
  }

  @Override
  public int height() {
    return info.getHeight();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + sid() + " " + kind() + " '" + name() + "']";
  }
}
