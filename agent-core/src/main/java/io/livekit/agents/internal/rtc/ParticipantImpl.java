package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.Participant;
import io.livekit.agents.room.ParticipantKind;
import java.util.Map;
import livekit.LivekitModels.ParticipantInfo;

/** State shared by local and remote participants; written on the engine thread, read from anywhere. */
abstract class ParticipantImpl implements Participant {
  private volatile ParticipantInfo info;
  private volatile boolean speaking;
  private volatile float audioLevel;

  ParticipantImpl(ParticipantInfo info) {
    this.info = info;
  }

  ParticipantInfo info() {
    return info;
  }

  void setInfo(ParticipantInfo info) {
    this.info = info;
  }

  void setSpeaking(boolean speaking, float level) {
    this.speaking = speaking;
    this.audioLevel = level;
  }

  @Override
  public String sid() {
    return info.getSid();
  }

  @Override
  public String identity() {
    return info.getIdentity();
  }

  @Override
  public String name() {
    return info.getName();
  }

  @Override
  public String metadata() {
    return info.getMetadata();
  }

  @Override
  public Map<String, String> attributes() {
    return Map.copyOf(info.getAttributesMap());
  }

  @Override
  public ParticipantKind kind() {
    return ProtoMapping.kind(info.getKind());
  }

  @Override
  public boolean isSpeaking() {
    return speaking;
  }

  @Override
  public float audioLevel() {
    return audioLevel;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + identity() + " " + sid() + "]";
  }
}
