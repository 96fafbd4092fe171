package io.livekit.agents.internal.rtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import livekit.LivekitRtc.SessionDescription;

/**
 * Conversions between LiveKit's signal messages and webrtc-java's SDP and ICE types. Internal: shared by the room
 * client and the dev server.
 */
public final class Sdp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Sdp() {
  }

  public static SessionDescription toProto(RTCSessionDescription d, int id) {
    String type = switch (d.sdpType) {
      case OFFER -> "offer";
      case ANSWER -> "answer";
      case PR_ANSWER -> "pranswer";
      case ROLLBACK -> "rollback";
    };
    return SessionDescription.newBuilder().setType(type).setSdp(d.sdp).setId(id).build();
  }

  public static RTCSessionDescription fromProto(SessionDescription d) {
    RTCSdpType type = switch (d.getType()) {
      case "offer" -> RTCSdpType.OFFER;
      case "answer" -> RTCSdpType.ANSWER;
      case "pranswer" -> RTCSdpType.PR_ANSWER;
      case "rollback" -> RTCSdpType.ROLLBACK;
      default -> throw new IllegalArgumentException("unknown session description type '" + d.getType() + "'");
    };
    return new RTCSessionDescription(type, d.getSdp());
  }

  /** The full RTCIceCandidateInit JSON LiveKit expects: candidate, sdpMid, sdpMLineIndex (never null). */
  public static String candidateToJson(RTCIceCandidate c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("candidate", c.sdp);
    n.put("sdpMid", c.sdpMid == null ? "0" : c.sdpMid);
    n.put("sdpMLineIndex", c.sdpMLineIndex);
    return n.toString();
  }

  /** Parses a trickled candidate; returns null for an end-of-candidates marker (empty candidate). */
  public static RTCIceCandidate candidateFromJson(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("malformed ICE candidate JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("ICE candidate JSON is not an object");
    }
    String candidate = n.path("candidate").asText("");
    if (candidate.isEmpty()) {
      return null;
    }
    String mid = n.hasNonNull("sdpMid") ? n.get("sdpMid").asText() : null;
    int index = n.path("sdpMLineIndex").asInt(0);
    return new RTCIceCandidate(mid, index, candidate);
  }

  /**
   * The stream id of the {@code a=msid} line of the media section with this mid, or null. webrtc-java does not give
   * stream ids of remote tracks, so they are read from the remote SDP.
   */
  public static String msidStreamForMid(String sdp, String mid) {
    if (sdp == null || mid == null) {
      return null;
    }
    String[] sections = sdp.split("\r?\nm=");
    for (String section : sections) {
      boolean match = false;
      String stream = null;
      for (String line : section.split("\r?\n")) {
        if (line.equals("a=mid:" + mid)) {
          match = true;
        } else if (line.startsWith("a=msid:")) {
          String v = line.substring("a=msid:".length()).trim();
          int sp = v.indexOf(' ');
          stream = sp < 0 ? v : v.substring(0, sp);
        }
      }
      if (match) {
        return stream;
      }
    }
    return null;
  }

  /** The track sid packed into a LiveKit stream id ({@code PA_x|TR_y}), else the track id if it is a sid. */
  public static String trackSidFromStream(String streamId, String trackId) {
    if (streamId != null) {
      int bar = streamId.indexOf('|');
      if (bar >= 0) {
        String tail = streamId.substring(bar + 1);
        if (tail.startsWith("TR")) {
          return tail;
        }
      }
    }
    return trackId != null && trackId.startsWith("TR") ? trackId : null;
  }

  /** The participant sid packed into a LiveKit stream id, or null. */
  public static String participantSidFromStream(String streamId) {
    if (streamId == null) {
      return null;
    }
    int bar = streamId.indexOf('|');
    return bar > 0 ? streamId.substring(0, bar) : null;
  }
}
