package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.DisconnectReason;
import io.livekit.agents.room.ParticipantKind;
import io.livekit.agents.room.TrackKind;
import io.livekit.agents.room.TrackSource;
import livekit.LivekitModels;

/** Enum conversions between LiveKit's protobuf types and the public model. Unknown values map to UNKNOWN. */
final class ProtoMapping {
  private ProtoMapping() {
  }

  static TrackKind kind(LivekitModels.TrackType t) {
    return t == LivekitModels.TrackType.VIDEO ? TrackKind.VIDEO : TrackKind.AUDIO;
  }

  static LivekitModels.TrackType type(TrackKind k) {
    return k == TrackKind.VIDEO ? LivekitModels.TrackType.VIDEO : LivekitModels.TrackType.AUDIO;
  }

  static TrackSource source(LivekitModels.TrackSource s) {
    return switch (s) {
      case CAMERA -> TrackSource.CAMERA;
      case MICROPHONE -> TrackSource.MICROPHONE;
      case SCREEN_SHARE -> TrackSource.SCREEN_SHARE;
      case SCREEN_SHARE_AUDIO -> TrackSource.SCREEN_SHARE_AUDIO;
      default -> TrackSource.UNKNOWN;
    };
  }

  static LivekitModels.TrackSource source(TrackSource s) {
    return switch (s) {
      case CAMERA -> LivekitModels.TrackSource.CAMERA;
      case MICROPHONE -> LivekitModels.TrackSource.MICROPHONE;
      case SCREEN_SHARE -> LivekitModels.TrackSource.SCREEN_SHARE;
      case SCREEN_SHARE_AUDIO -> LivekitModels.TrackSource.SCREEN_SHARE_AUDIO;
      case UNKNOWN -> LivekitModels.TrackSource.UNKNOWN;
    };
  }

  static ParticipantKind kind(LivekitModels.ParticipantInfo.Kind k) {
    return switch (k) {
      case STANDARD -> ParticipantKind.STANDARD;
      case INGRESS -> ParticipantKind.INGRESS;
      case EGRESS -> ParticipantKind.EGRESS;
      case SIP -> ParticipantKind.SIP;
      case AGENT -> ParticipantKind.AGENT;
      default -> ParticipantKind.UNKNOWN;
    };
  }

  static DisconnectReason reason(LivekitModels.DisconnectReason r) {
    return switch (r) {
      case CLIENT_INITIATED -> DisconnectReason.CLIENT_INITIATED;
      case DUPLICATE_IDENTITY -> DisconnectReason.DUPLICATE_IDENTITY;
      case SERVER_SHUTDOWN -> DisconnectReason.SERVER_SHUTDOWN;
      case PARTICIPANT_REMOVED -> DisconnectReason.PARTICIPANT_REMOVED;
      case ROOM_DELETED -> DisconnectReason.ROOM_DELETED;
      case STATE_MISMATCH -> DisconnectReason.STATE_MISMATCH;
      case JOIN_FAILURE -> DisconnectReason.JOIN_FAILURE;
      case SIGNAL_CLOSE -> DisconnectReason.SIGNAL_CLOSE;
      case ROOM_CLOSED -> DisconnectReason.ROOM_CLOSED;
      case CONNECTION_TIMEOUT -> DisconnectReason.CONNECTION_TIMEOUT;
      case MEDIA_FAILURE -> DisconnectReason.MEDIA_FAILURE;
      default -> DisconnectReason.UNKNOWN;
    };
  }
}
