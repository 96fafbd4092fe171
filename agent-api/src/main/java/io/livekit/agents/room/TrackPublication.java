package io.livekit.agents.room;

/** A track published in the room: what the server knows about it, whether or not this client receives it. */
public interface TrackPublication {
  /** The server-assigned track id ({@code TR_...}). */
  String sid();

  /** The name the publisher gave it. */
  String name();

  TrackKind kind();

  TrackSource source();

  /** Whether the publisher (or an admin) muted it. */
  boolean isMuted();

  /** The codec mime type, e.g. {@code audio/opus}; empty when the server has not said yet. */
  String mimeType();

  /** Video width in pixels as published; 0 for audio. */
  int width();

  /** Video height in pixels as published; 0 for audio. */
  int height();
}
