package io.livekit.agents.media;

/** The Opus coding mode an encoder is tuned for. */
public enum OpusApplication {
  /** Speech: best for voice agents (libwebrtc uses it for mono). */
  VOIP(2048),
  /** Music and mixed content (libwebrtc uses it for stereo). */
  AUDIO(2049),
  /** Lowest delay: CELT only, no speech modes. */
  RESTRICTED_LOWDELAY(2051);

  private final int value;

  OpusApplication(int value) {
    this.value = value;
  }

  int value() {
    return value;
  }
}
