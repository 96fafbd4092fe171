package io.livekit.agents.room;

/** Where a published track comes from, as its publisher declared it. */
public enum TrackSource {
  UNKNOWN, CAMERA, MICROPHONE, SCREEN_SHARE, SCREEN_SHARE_AUDIO
}
