package io.livekit.agents.room;

import java.util.Optional;

/** A publication of a remote participant. */
public interface RemoteTrackPublication extends TrackPublication {
  /** The received track while subscribed and its media has arrived; empty otherwise. */
  Optional<RemoteTrack> track();

  /** Whether this client has asked to receive it (automatically or through {@link #setSubscribed}). */
  boolean isSubscriptionWanted();

  /** Whether the track is being received now ({@link #track()} is present). */
  boolean isSubscribed();

  /**
   * Asks the server to start or stop sending this track ({@code UpdateSubscription}). Returns at once; the
   * outcome shows up as {@link RoomListener#onTrackSubscribed} / {@link RoomListener#onTrackUnsubscribed}.
   */
  void setSubscribed(boolean subscribed);
}
