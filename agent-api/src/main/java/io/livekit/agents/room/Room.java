package io.livekit.agents.room;

import io.livekit.agents.AgentException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A connected LiveKit room: the Java counterpart of the Go SDK's {@code lksdk.Room}. Obtained from
 * {@link #connect(String, String, RoomOptions)} (or from the job context in an agent), already joined.
 *
 * <p>Getters may be called from any thread. Events go to {@link RoomListener}s on the room's event executor (see
 * {@link RoomListener}). {@link #disconnect()} leaves cleanly; the room reconnects by itself after network trouble.
 */
public interface Room extends AutoCloseable {
  /**
   * Joins a room over {@code <url>/rtc} with an access token (which names the room and the identity), waits until
   * the primary peer connection is up, and returns the connected room. Listeners in {@code options} see every
   * event from the first one on.
   *
   * @param url the server, {@code ws://}, {@code wss://}, {@code http://} or {@code https://}
   * @throws AgentException {@code CONNECTION_FAILED}, {@code UNAUTHENTICATED}, {@code INVALID_CONFIGURATION},
   *     {@code TIMEOUT}, {@code MEDIA_UNAVAILABLE}
   */
  static Room connect(String url, String token, RoomOptions options) {
    for (RoomConnector connector : ServiceLoader.load(RoomConnector.class, Room.class.getClassLoader())) {
      return connector.connect(url, token, options);
    }
    throw new AgentException(AgentException.Code.INTERNAL, "no room implementation found: add the "
        + "io.livekit.agents:agent-core artifact to the runtime class path");
  }

  /** {@link #connect(String, String, RoomOptions)} with default options. */
  static Room connect(String url, String token) {
    return connect(url, token, RoomOptions.defaults());
  }

  /** The room name. */
  String name();

  /** The server's room id ({@code RM_...}); may be empty until the server has sent it. */
  String sid();

  /** The room metadata; empty if none. */
  String metadata();

  /** The server's version as it reported it on join. */
  String serverVersion();

  ConnectionState connectionState();

  /**
   * Waits until the room is in {@code state} (or, for {@link ConnectionState#CONNECTED}, until it is disconnected
   * for good, which returns false).
   *
   * @return whether the state was reached within the timeout
   */
  boolean awaitState(ConnectionState state, Duration timeout) throws InterruptedException;

  /** This client. */
  LocalParticipant localParticipant();

  /** The other participants by identity; an unmodifiable snapshot. */
  Map<String, RemoteParticipant> remoteParticipants();

  /** The remote participant with this identity, if present. */
  Optional<RemoteParticipant> remoteParticipant(String identity);

  /** The current active speakers, loudest first. */
  List<Participant> activeSpeakers();

  /** Adds a listener; it sees events that happen after this call. */
  void addListener(RoomListener listener);

  void removeListener(RoomListener listener);

  /**
   * Leaves the room: sends a leave request, closes the signalling connection and the peer connections, ends all
   * streams and sources, and delivers {@link RoomListener#onDisconnected} (reason {@code CLIENT_INITIATED}).
   * Blocks until done (at most a few seconds). Idempotent. Must not be called on the event thread (use
   * {@link #disconnectAsync()} there).
   */
  void disconnect();

  /** Starts {@link #disconnect()} on another thread and returns at once. */
  void disconnectAsync();

  /** Same as {@link #disconnect()}. */
  @Override
  default void close() {
    disconnect();
  }
}
