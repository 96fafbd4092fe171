package io.livekit.agents.room;

/** The connection state of a {@link Room}. Transitions are reported by {@link RoomListener#onConnectionStateChanged}. */
public enum ConnectionState {
  /** Signalling and peer connections are being set up for the first time. */
  CONNECTING,
  /** Joined: signalling is up and the primary peer connection is connected. */
  CONNECTED,
  /** The connection was lost and the room is resuming it or re-joining; the room model is kept meanwhile. */
  RECONNECTING,
  /** Left for good (clean leave, removed by the server, or reconnecting gave up). Terminal. */
  DISCONNECTED
}
