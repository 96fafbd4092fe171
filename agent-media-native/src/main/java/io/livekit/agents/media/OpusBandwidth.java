package io.livekit.agents.media;

/** Audio bandwidth of Opus packets. */
public enum OpusBandwidth {
  /** 4 kHz. */
  NARROWBAND(1101),
  /** 6 kHz. */
  MEDIUMBAND(1102),
  /** 8 kHz. */
  WIDEBAND(1103),
  /** 12 kHz. */
  SUPERWIDEBAND(1104),
  /** 20 kHz. */
  FULLBAND(1105);

  private final int value;

  OpusBandwidth(int value) {
    this.value = value;
  }

  int value() {
    return value;
  }

  static OpusBandwidth fromValue(int value) {
    for (OpusBandwidth b : values()) {
      if (b.value == value) {
        return b;
      }
    }
    throw new MediaException(MediaException.Code.INVALID_DATA, "unknown Opus bandwidth " + value);
  }
}
