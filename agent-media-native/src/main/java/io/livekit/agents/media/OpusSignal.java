package io.livekit.agents.media;

/** A hint about the content an Opus encoder sees. */
public enum OpusSignal {
  /** Let libopus decide. */
  AUTO(-1000),
  /** Speech (recommended for text-to-speech output). */
  VOICE(3001),
  /** Music. */
  MUSIC(3002);

  private final int value;

  OpusSignal(int value) {
    this.value = value;
  }

  int value() {
    return value;
  }
}
