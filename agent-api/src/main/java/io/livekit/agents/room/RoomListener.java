package io.livekit.agents.room;

import java.util.List;

/**
 * Room events. Every method has a no-op default; override what you need.
 *
 * <p><b>Threading:</b> all callbacks of one room are called on that room's event executor (by default the single
 * thread {@code lk-room-events-<room>}), one at a time, in the order the events happened, never on a socket or
 * WebRTC thread. A callback must not block for long: later events wait for it. Blocking room calls (publishing,
 * {@link Room#disconnect()}) must not be made from a callback; hand them to another thread. A callback that throws
 * is logged and does not stop later events.
 */
public interface RoomListener {
  /** The connection state changed. Called on the event executor. */
  default void onConnectionStateChanged(Room room, ConnectionState state) {
  }

  /** The connection was lost; the room is resuming or rejoining. Called on the event executor. */
  default void onReconnecting(Room room) {
  }

  /** The connection is back (resumed, or rejoined with new peer connections). Called on the event executor. */
  default void onReconnected(Room room) {
  }

  /** The room is disconnected for good. The last event of a room. Called on the event executor. */
  default void onDisconnected(Room room, DisconnectReason reason) {
  }

  /** A participant joined (or was present when a rejoin completed). Called on the event executor. */
  default void onParticipantConnected(Room room, RemoteParticipant participant) {
  }

  /** A participant left. Called on the event executor. */
  default void onParticipantDisconnected(Room room, RemoteParticipant participant) {
  }

  /** A participant's metadata changed. Called on the event executor. */
  default void onParticipantMetadataChanged(Room room, Participant participant, String oldMetadata) {
  }

  /** A remote participant published a track. Called on the event executor. */
  default void onTrackPublished(Room room, RemoteTrackPublication publication, RemoteParticipant participant) {
  }

  /** A remote participant stopped publishing a track. Called on the event executor. */
  default void onTrackUnpublished(Room room, RemoteTrackPublication publication, RemoteParticipant participant) {
  }

  /** A remote track is being received; open a stream on it now. Called on the event executor. */
  default void onTrackSubscribed(Room room, RemoteTrack track, RemoteTrackPublication publication,
      RemoteParticipant participant) {
  }

  /** A remote track is no longer received; its streams have ended. Called on the event executor. */
  default void onTrackUnsubscribed(Room room, RemoteTrack track, RemoteTrackPublication publication,
      RemoteParticipant participant) {
  }

  /** A local track was published (the server acknowledged it). Called on the event executor. */
  default void onLocalTrackPublished(Room room, LocalTrackPublication publication) {
  }

  /** A local track was unpublished. Called on the event executor. */
  default void onLocalTrackUnpublished(Room room, LocalTrackPublication publication) {
  }

  /** A publication (local or remote) was muted. Called on the event executor. */
  default void onTrackMuted(Room room, Participant participant, TrackPublication publication) {
  }

  /** A publication (local or remote) was unmuted. Called on the event executor. */
  default void onTrackUnmuted(Room room, Participant participant, TrackPublication publication) {
  }

  /** The set of active speakers changed; {@code speakers} is the full new list, loudest first. Event executor. */
  default void onActiveSpeakersChanged(Room room, List<Participant> speakers) {
  }

  /** A user data packet arrived. Called on the event executor. */
  default void onDataReceived(Room room, DataPacket packet, RemoteParticipant sender) {
  }

  /** The room's metadata changed. Called on the event executor. */
  default void onRoomMetadataChanged(Room room, String oldMetadata, String newMetadata) {
  }
}
