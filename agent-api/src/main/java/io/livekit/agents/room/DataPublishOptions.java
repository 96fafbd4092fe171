package io.livekit.agents.room;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to send a data packet. Immutable.
 *
 * @param reliable ordered and retransmitted ({@code _reliable} channel) or neither ({@code _lossy})
 * @param topic an optional topic the receivers can filter on
 * @param destinationIdentities who gets it; empty means everyone else in the room
 */
public record DataPublishOptions(boolean reliable, Optional<String> topic, List<String> destinationIdentities) {
  public DataPublishOptions {
    Objects.requireNonNull(topic, "topic");
    destinationIdentities = List.copyOf(destinationIdentities);
  }

  /** Reliable, no topic, to everyone. */
  public static DataPublishOptions ofReliable() {
    return new DataPublishOptions(true, Optional.empty(), List.of());
  }

  /** Lossy, no topic, to everyone. */
  public static DataPublishOptions ofLossy() {
    return new DataPublishOptions(false, Optional.empty(), List.of());
  }

  public DataPublishOptions withTopic(String value) {
    return new DataPublishOptions(reliable, Optional.of(value), destinationIdentities);
  }

  public DataPublishOptions withDestinations(String... identities) {
    return new DataPublishOptions(reliable, topic, List.of(identities));
  }
}
