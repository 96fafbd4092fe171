package io.livekit.agents.room;

/** A media track, local or remote. */
public interface Track {
  /** The server-assigned id ({@code TR_...}); empty for a local track not published yet. */
  String sid();

  /** The track name. */
  String name();

  TrackKind kind();
}
