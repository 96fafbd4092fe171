package io.livekit.agents.room;

/**
 * Service-provider interface behind {@link Room#connect}: {@code agent-core} registers its implementation under
 * {@code META-INF/services/io.livekit.agents.room.RoomConnector}. Applications call {@link Room#connect} instead.
 */
public interface RoomConnector {
  /** Connects; see {@link Room#connect(String, String, RoomOptions)}. */
  Room connect(String url, String token, RoomOptions options);
}
