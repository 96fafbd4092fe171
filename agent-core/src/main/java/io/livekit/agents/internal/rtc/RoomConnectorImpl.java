package io.livekit.agents.internal.rtc;

import io.livekit.agents.room.Room;
import io.livekit.agents.room.RoomConnector;
import io.livekit.agents.room.RoomOptions;
import java.util.Objects;

/** The {@link RoomConnector} of agent-core, found by {@link Room#connect} through {@link java.util.ServiceLoader}. */
public final class RoomConnectorImpl implements RoomConnector {
  @Override
  public Room connect(String url, String token, RoomOptions options) {
    return RoomImpl.connect(url, token, Objects.requireNonNull(options, "options"));
  }
}
