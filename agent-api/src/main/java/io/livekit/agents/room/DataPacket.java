package io.livekit.agents.room;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A user data packet received from the room.
 *
 * @param payload the bytes sent (this array belongs to the receiver)
 * @param topic the sender's topic, if any
 * @param reliable whether it came over the reliable channel
 * @param senderIdentity the sender's identity as stamped by the server; empty if the server sent it itself
 * @param senderSid the sender's participant sid; may be empty
 * @param destinationIdentities the destinations the sender named (empty: everyone)
 */
public record DataPacket(byte[] payload, Optional<String> topic, boolean reliable, String senderIdentity,
    String senderSid, List<String> destinationIdentities) {
  public DataPacket {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(senderIdentity, "senderIdentity");
    Objects.requireNonNull(senderSid, "senderSid");
    destinationIdentities = List.copyOf(destinationIdentities);
  }
}
