package io.livekit.agents.room;

/** What kind of client a participant is, as the server reports it (its token's {@code kind} claim). */
public enum ParticipantKind {
  STANDARD, INGRESS, EGRESS, SIP, AGENT, CONNECTOR, BRIDGE, UNKNOWN
}
